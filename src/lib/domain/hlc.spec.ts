import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	compareStamps,
	formatStamp,
	isTooFarAhead,
	MAX_DRIFT_MS,
	MAX_SKEW_MS,
	parseStamp,
	receive,
	SERVER_AHEAD_MS,
	stampsTooFarAhead,
	tick,
} from './hlc.ts';
import { hlcSchema } from './schemas.ts';

const T0 = 1_767_225_600_000;
const device = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const stamp = fc
	.record({ wall: fc.integer({ min: T0 - 1e6, max: T0 + 1e6 }), counter: fc.integer({ min: 0, max: 9999 }), device })
	.map(formatStamp);

describe('hybrid logical clock', () => {
	it('formats fixed-width stamps the schema accepts and reads them back', () => {
		const s = formatStamp({ wall: T0, counter: 7, device: 'dev-1' });
		expect(s).toBe('1767225600000-0007-dev-1');
		expect(hlcSchema.safeParse(s).success).toBe(true);
		expect(parseStamp(s)).toEqual({ wall: T0, counter: 7, device: 'dev-1' });
		expect(parseStamp('not a stamp')).toBeUndefined();
	});

	it('orders a missing stamp before every stamp and breaks ties by device id', () => {
		expect(compareStamps(undefined, formatStamp({ wall: 0, counter: 0, device: 'a' }))).toBe(-1);
		expect(compareStamps(`${T0}-0001-b`, `${T0}-0001-a`)).toBe(1);
		expect(compareStamps(`${T0}-0001-a`, `${T0}-0001-a`)).toBe(0);
	});

	it('tick follows the wall clock and never goes backwards when it does', () => {
		expect(tick(undefined, 'a', T0)).toBe(`${T0}-0000-a`);
		expect(tick(`${T0}-0000-a`, 'a', T0 + 5)).toBe(`${T0 + 5}-0000-a`);
		// The wall clock went back 1 s: the counter moves on instead.
		expect(tick(`${T0}-0003-a`, 'a', T0 - 1000)).toBe(`${T0}-0004-a`);
		// A full counter moves one millisecond on.
		expect(tick(`${T0}-9999-a`, 'a', T0)).toBe(`${T0 + 1}-0000-a`);
	});

	it('tick is always later than the last stamp (property)', () => {
		fc.assert(
			fc.property(stamp, device, fc.integer({ min: T0 - 1e6, max: T0 + 1e6 }), (last, d, now) => {
				const next = tick(last, d, now);
				expect(hlcSchema.safeParse(next).success).toBe(true);
				expect(compareStamps(next, last)).toBe(1);
			}),
		);
	});

	it('receive is later than both the local and the seen stamp, whatever the device ids (property)', () => {
		fc.assert(
			fc.property(
				fc.option(stamp, { nil: undefined }),
				stamp,
				device,
				fc.integer({ min: T0 - 1e6, max: T0 + 1e6 }),
				(last, remote, d, now) => {
					const next = receive(last, remote, d, now);
					expect(hlcSchema.safeParse(next).success).toBe(true);
					expect(compareStamps(next, remote)).toBe(1);
					if (last) expect(compareStamps(next, last)).toBe(1);
					expect(parseStamp(next)?.device).toBe(d);
				},
			),
		);
	});

	it('a stamp from a clock far ahead pulls this device at most MAX_DRIFT_MS forward', () => {
		const far = formatStamp({ wall: T0 + 365 * 86_400_000, counter: 0, device: 'z' });
		const next = receive(undefined, far, 'a', T0);
		expect(parseStamp(next)?.wall).toBe(T0 + MAX_DRIFT_MS);
	});
});

describe('device clocks up to a week off (issue 10)', () => {
	const DAY = 86_400_000;
	const skew = fc.integer({ min: -MAX_SKEW_MS, max: MAX_SKEW_MS });

	it('an edit made after seeing a stamp always wins over it and the server accepts it (property)', () => {
		// Devices with clocks anywhere within a week of the server's, stamping on their own clock
		// (no server time measured yet: the worst case), edit one field in turn; each edit is based
		// on what the device last saw, which is the server's latest or an older copy.
		fc.assert(
			fc.property(
				fc.array(skew, { minLength: 2, maxLength: 5 }),
				fc.array(fc.record({ device: fc.nat(), pause: fc.integer({ min: 0, max: 3 * DAY }), fresh: fc.boolean() }), {
					minLength: 1,
					maxLength: 40,
				}),
				(skews, steps) => {
					let real = T0;
					let latest: string | undefined; // the stamp the server holds for the field
					const last: (string | undefined)[] = skews.map(() => undefined);
					const seen: (string | undefined)[] = skews.map(() => undefined);
					for (const step of steps) {
						real += step.pause;
						const d = step.device % skews.length;
						if (step.fresh) seen[d] = latest; // synced just before the edit
						const now = real + (skews[d] as number);
						const based = seen[d];
						const stamp = based ? receive(last[d], based, `d${d}`, now) : tick(last[d], `d${d}`, now);
						last[d] = stamp;
						expect(compareStamps(stamp, based)).toBe(1);
						expect(isTooFarAhead(stamp, real)).toBe(false);
						// The server keeps the later of what it has and what comes in (the merge).
						if (compareStamps(stamp, latest) > 0) latest = stamp;
						if (step.fresh) expect(latest).toBe(stamp);
					}
				},
			),
		);
	});

	it('the server refuses only new stamps beyond its bound', () => {
		const far = formatStamp({ wall: T0 + SERVER_AHEAD_MS + 1, counter: 0, device: 'z' });
		const near = formatStamp({ wall: T0 + SERVER_AHEAD_MS, counter: 0, device: 'z' });
		expect(isTooFarAhead(far, T0)).toBe(true);
		expect(isTooFarAhead(near, T0)).toBe(false);
		expect(stampsTooFarAhead({ clock: { date: far, status: near } }, undefined, T0)).toEqual([far]);
		expect(stampsTooFarAhead({ stamp: far }, undefined, T0)).toEqual([far]);
		// Carried over from the stored version: not judged again.
		expect(stampsTooFarAhead({ clock: { date: far } }, { clock: { date: far } }, T0)).toEqual([]);
		expect(stampsTooFarAhead({ stamp: far }, { stamp: far }, T0)).toEqual([]);
	});
});
