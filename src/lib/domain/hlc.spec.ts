import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareStamps, formatStamp, MAX_DRIFT_MS, parseStamp, receive, tick } from './hlc.ts';
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
