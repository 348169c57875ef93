import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	CREATED_BY_FIXED_REASON,
	RECORDED_AHEAD_REASON,
	RECORDED_FUTURE_MS,
	RECORDED_NAME_REASON,
	RECORDED_PAST_MS,
	RECORDED_TOO_OLD_REASON,
	recordedTimeRefusal,
	recordRefusal,
} from './recorded.ts';

const SERVER = Date.parse('2026-12-06T09:00:00.000Z');
const at = (offsetMs: number): string => new Date(SERVER + offsetMs).toISOString();
const chef = { name: 'chef', displayName: 'Anna Chef' };
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const signature = (overrides: Record<string, unknown> = {}) => ({
	_id: 'signature:s1',
	type: 'signature',
	scope: 'unit-a1',
	roundId: 'round:r1',
	signedBy: 'chef',
	signerName: 'Anna Chef',
	role: 'manager',
	signedAt: at(-MINUTE),
	createdAt: at(-MINUTE),
	updatedAt: at(-MINUTE),
	...overrides,
});

const request = (overrides: Record<string, unknown> = {}) => ({
	_id: 'request:q1',
	type: 'request',
	scope: 'unit-a1',
	filedAt: at(-DAY),
	filedBy: 'skyddsombud',
	filedByName: 'Sara Skyddsombud',
	createdAt: at(-DAY),
	updatedAt: at(-DAY),
	...overrides,
});

describe('recordedTimeRefusal', () => {
	it('takes a time from 7 days before the server clock to 10 minutes after it', () => {
		expect(recordedTimeRefusal(at(0), SERVER)).toBeUndefined();
		expect(recordedTimeRefusal(at(-RECORDED_PAST_MS), SERVER)).toBeUndefined();
		expect(recordedTimeRefusal(at(RECORDED_FUTURE_MS), SERVER)).toBeUndefined();
		expect(recordedTimeRefusal(at(-RECORDED_PAST_MS - 1), SERVER)).toBe(RECORDED_TOO_OLD_REASON);
		expect(recordedTimeRefusal(at(RECORDED_FUTURE_MS + 1), SERVER)).toBe(RECORDED_AHEAD_REASON);
		expect(RECORDED_PAST_MS).toBe(7 * DAY);
		expect(RECORDED_FUTURE_MS).toBe(10 * MINUTE);
	});

	it('never takes something that is no time', () => {
		expect(recordedTimeRefusal('not a time', SERVER)).toBe(RECORDED_TOO_OLD_REASON);
		expect(recordedTimeRefusal(42, SERVER)).toBe(RECORDED_TOO_OLD_REASON);
	});

	it('agrees with the bound for any offset (property)', () => {
		fc.assert(
			fc.property(fc.integer({ min: -30 * DAY, max: 30 * DAY }), (offset) => {
				const refusal = recordedTimeRefusal(at(offset), SERVER);
				const inside = offset >= -RECORDED_PAST_MS && offset <= RECORDED_FUTURE_MS;
				expect(refusal === undefined).toBe(inside);
				if (!inside) expect(refusal).toBe(offset < 0 ? RECORDED_TOO_OLD_REASON : RECORDED_AHEAD_REASON);
			}),
		);
	});
});

describe('recordRefusal', () => {
	it('takes an honest new signature', () => {
		expect(recordRefusal('signature', undefined, signature(), chef, SERVER)).toBeUndefined();
	});

	it('refuses another person’s name beside the signer’s account, and another account', () => {
		expect(recordRefusal('signature', undefined, signature({ signerName: 'Sara Skyddsombud' }), chef, SERVER)).toBe(
			RECORDED_NAME_REASON,
		);
		expect(recordRefusal('signature', undefined, signature({ signedBy: 'skyddsombud' }), chef, SERVER)).toBe(
			'signedBy must be your own user name',
		);
	});

	it('refuses a back-dated or future-dated signature, and a back-dated createdAt', () => {
		const old = at(-8 * DAY);
		expect(recordRefusal('signature', undefined, signature({ signedAt: old }), chef, SERVER)).toBe(
			RECORDED_TOO_OLD_REASON,
		);
		expect(recordRefusal('signature', undefined, signature({ signedAt: at(DAY) }), chef, SERVER)).toBe(
			RECORDED_AHEAD_REASON,
		);
		expect(recordRefusal('signature', undefined, signature({ createdAt: old }), chef, SERVER)).toBe(
			RECORDED_TOO_OLD_REASON,
		);
	});

	it('does not judge again what an edit carries over unchanged (a week passes, names change)', () => {
		const filed = request({ filedAt: at(-60 * DAY), createdAt: at(-60 * DAY), filedByName: 'Sara Old Name' });
		const receipt = { at: at(-MINUTE), by: 'chef', byName: 'Anna Chef' };
		expect(recordRefusal('request', filed, { ...filed, receipt }, chef, SERVER)).toBeUndefined();
		// The stored receipt stays as it was, also when the answer comes weeks later.
		const received = { ...filed, receipt: { ...receipt, at: at(-30 * DAY) } };
		const answer = { ...receipt, decision: 'accepted', text: 'Ja', actionIds: [] };
		expect(recordRefusal('request', received, { ...received, answer }, chef, SERVER)).toBeUndefined();
	});

	it('judges a new or changed group whole: its time, its account and its name', () => {
		const filed = request();
		const receipt = { at: at(-MINUTE), by: 'chef', byName: 'Anna Chef' };
		const bad = (patch: object) =>
			recordRefusal('request', filed, { ...filed, receipt: { ...receipt, ...patch } }, chef, SERVER);
		expect(bad({ at: at(-8 * DAY) })).toBe(RECORDED_TOO_OLD_REASON);
		expect(bad({ at: at(2 * RECORDED_FUTURE_MS) })).toBe(RECORDED_AHEAD_REASON);
		expect(bad({ byName: 'Bo Chef' })).toBe(RECORDED_NAME_REASON);
		expect(bad({ by: 'chef2' })).toBe('by must be your own user name');
		// A follow-up signature's name field is `name`.
		const followUp = { _id: 'followup:a1-2026', type: 'followup', createdAt: at(-DAY) };
		const signed = { ...followUp, managerSignature: { by: 'chef', name: 'Anna', at: at(0), contentHash: 'x' } };
		expect(recordRefusal('followup', followUp, signed, chef, SERVER)).toBe(RECORDED_NAME_REASON);
	});

	it('fixes createdBy at creation: the creator’s own account, never changed after', () => {
		const round = { _id: 'round:r1', type: 'round', createdBy: 'chef', createdAt: at(-DAY) };
		expect(recordRefusal('round', undefined, round, chef, SERVER)).toBeUndefined();
		const sara = { name: 'skyddsombud', displayName: 'Sara Skyddsombud' };
		expect(recordRefusal('round', undefined, round, sara, SERVER)).toBe('createdBy must be your own user name');
		expect(recordRefusal('round', round, { ...round, date: '2026-12-24' }, sara, SERVER)).toBeUndefined();
		expect(recordRefusal('round', round, { ...round, createdBy: 'skyddsombud' }, sara, SERVER)).toBe(
			CREATED_BY_FIXED_REASON,
		);
		const finding = { _id: 'finding:f1', type: 'finding', createdBy: 'chef', createdAt: at(-DAY) };
		expect(recordRefusal('finding', finding, { ...finding, createdBy: 'skyddsombud' }, chef, SERVER)).toBe(
			CREATED_BY_FIXED_REASON,
		);
	});

	it('leaves deletes to the other rules', () => {
		expect(recordRefusal('signature', signature(), { _id: 'signature:s1', _deleted: true }, chef, SERVER)).toBe(
			undefined,
		);
	});

	it('refuses any forged name or time in a new answer, and takes every honest one (property)', () => {
		const answer = (overrides: Record<string, unknown>) => ({
			_id: 'answer:a1',
			type: 'answer',
			answeredBy: 'chef',
			answeredByName: 'Anna Chef',
			answeredAt: at(0),
			createdAt: at(0),
			...overrides,
		});
		fc.assert(
			fc.property(
				fc.integer({ min: -20 * DAY, max: 20 * DAY }),
				fc.constantFrom('Anna Chef', 'Sara Skyddsombud', 'Anna  Chef', 'anna chef'),
				(offset, name) => {
					const doc = answer({ answeredAt: at(offset), answeredByName: name });
					const honest = name === 'Anna Chef' && offset >= -RECORDED_PAST_MS && offset <= RECORDED_FUTURE_MS;
					expect(recordRefusal('answer', undefined, doc, chef, SERVER) === undefined).toBe(honest);
				},
			),
		);
	});
});
