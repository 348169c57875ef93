import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeDocs } from './merge.ts';
import {
	addDays,
	compareRequests,
	matchesFilter,
	overdueCount,
	requestChangeRefusal,
	requestState,
	REQUEST_FILTERS,
	workstopChangeRefusal,
} from './safety-requests.ts';
import { checkDoc, type RequestDoc, type WorkstopDoc } from './schemas.ts';

const T = '2026-11-23T09:00:00.000Z';
const rep = { name: 'skyddsombud', roles: ['safety_rep'] };
const chef = { name: 'chef', roles: ['manager'] };

const request = (extra: Partial<RequestDoc> = {}): RequestDoc => ({
	_id: 'request:r1',
	type: 'request',
	scope: 'unit-a1',
	unitId: 'a1',
	kind: 'measures',
	subject: 'Trasig belysning i trapphuset',
	description: 'Lysrören i trapphus B har varit trasiga i tre veckor.',
	location: 'Trapphus B',
	requestedMeasures: 'Byt armaturerna.',
	replyBy: '2026-12-07',
	filedAt: T,
	filedBy: 'skyddsombud',
	filedByName: 'Sara Skyddsombud',
	createdAt: T,
	updatedAt: T,
	...extra,
});
const receipt = { at: '2026-11-24T08:00:00.000Z', by: 'chef', byName: 'Anna Chef' };
const answer = { ...receipt, decision: 'partly' as const, text: 'Armaturerna byts vecka 50.', actionIds: [] };
const escalation = { at: '2026-12-08T08:00:00.000Z', by: 'skyddsombud', byName: 'Sara Skyddsombud', note: '' };

const workstop = (extra: Partial<WorkstopDoc> = {}): WorkstopDoc => ({
	_id: 'workstop:w1',
	type: 'workstop',
	scope: 'unit-a1',
	unitId: 'a1',
	stoppedAt: T,
	work: 'Arbete på taket, hus C',
	reason: 'Fallskyddet saknas.',
	recordedAt: T,
	recordedBy: 'skyddsombud',
	recordedByName: 'Sara Skyddsombud',
	authorityAsked: true,
	createdAt: T,
	updatedAt: T,
	...extra,
});

describe('request and work stop schemas', () => {
	it('accepts a filed, received, answered and escalated request, and a work stop with an outcome', () => {
		expect(checkDoc(request()).ok).toBe(true);
		expect(checkDoc(request({ receipt, answer, escalation })).ok).toBe(true);
		const outcome = { ...receipt, text: 'Fallskydd monterat.', resumedAt: '2026-11-24T10:00:00.000Z' };
		expect(checkDoc(workstop({ outcome })).ok).toBe(true);
	});

	it('refuses an empty description, a bad reply date, an unknown decision and a non-action link', () => {
		expect(checkDoc(request({ description: '  ' })).ok).toBe(false);
		expect(checkDoc(request({ replyBy: '7/12/2026' })).ok).toBe(false);
		expect(checkDoc({ ...request(), answer: { ...answer, decision: 'maybe' } }).ok).toBe(false);
		expect(checkDoc(request({ answer: { ...answer, actionIds: ['finding:x'] } })).ok).toBe(false);
		expect(checkDoc({ ...workstop(), reason: '' }).ok).toBe(false);
	});
});

describe('requestState: overdue after the reply date, until answered', () => {
	it('is in time on the reply date and overdue the day after', () => {
		expect(requestState(request(), '2026-12-07')).toEqual({
			received: false,
			answered: false,
			overdue: false,
			escalated: false,
		});
		expect(requestState(request(), '2026-12-08').overdue).toBe(true);
		expect(requestState(request({ receipt }), '2026-12-08')).toMatchObject({ received: true, overdue: true });
		expect(requestState(request({ answer }), '2027-06-01')).toMatchObject({ answered: true, overdue: false });
		expect(requestState(request({ escalation }), '2026-12-08')).toMatchObject({ overdue: true, escalated: true });
	});

	it('filters: open includes overdue; answered and overdue never overlap', () => {
		fc.assert(
			fc.property(fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: -30, max: 30 }), (r, a, e, shift) => {
				const doc = request({
					...(r ? { receipt } : {}),
					...(a ? { answer } : {}),
					...(e ? { escalation } : {}),
				});
				const state = requestState(doc, addDays(doc.replyBy, shift));
				if (matchesFilter(state, 'overdue')) expect(matchesFilter(state, 'open')).toBe(true);
				expect(matchesFilter(state, 'overdue') && matchesFilter(state, 'answered')).toBe(false);
				expect(matchesFilter(state, 'all')).toBe(true);
				expect(REQUEST_FILTERS.filter((f) => f !== 'all' && matchesFilter(state, f)).length).toBeGreaterThan(0);
			}),
		);
	});

	it('counts and sorts: overdue first, then by reply date, answered last', () => {
		const late = request({ _id: 'request:late', replyBy: '2026-12-01' });
		const soon = request({ _id: 'request:soon', replyBy: '2026-12-10' });
		const done = request({ _id: 'request:done', replyBy: '2026-11-30', answer });
		expect(overdueCount([late, soon, done], '2026-12-05')).toBe(1);
		expect([done, soon, late].sort(compareRequests('2026-12-05')).map((r) => r._id)).toEqual([
			'request:late',
			'request:soon',
			'request:done',
		]);
	});

	it('adds calendar days across months and years', () => {
		expect(addDays('2026-12-25', 14)).toBe('2027-01-08');
		expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
	});
});

describe('requestChangeRefusal: who writes which fields', () => {
	it('lets only a safety rep file, in their own name', () => {
		expect(requestChangeRefusal(undefined, request(), rep)).toBeUndefined();
		expect(requestChangeRefusal(undefined, request({ filedBy: 'chef' }), chef)).toBe(
			'only a safety rep of the unit files a request',
		);
		expect(requestChangeRefusal(undefined, request({ filedBy: 'annat' }), rep)).toBe(
			'you may file a request only in your own name',
		);
		// Filing with a receipt already in it is the safety rep writing the manager's part.
		expect(requestChangeRefusal(undefined, request({ receipt: { ...receipt, by: 'skyddsombud' } }), rep)).toBe(
			'only a manager of the unit records the receipt',
		);
	});

	it('keeps the filed fields as they were, for everyone', () => {
		const filed = request();
		expect(requestChangeRefusal(filed, { ...filed, replyBy: '2027-01-01' }, rep)).toBe(
			'replyBy cannot change once the request is filed',
		);
		expect(requestChangeRefusal(filed, { ...filed, subject: 'Annat' }, chef)).toBe(
			'subject cannot change once the request is filed',
		);
		expect(requestChangeRefusal(filed, { ...filed }, rep)).toBeUndefined();
	});

	it('lets only a manager confirm receipt and answer, once, in their own name', () => {
		const filed = request();
		expect(requestChangeRefusal(filed, { ...filed, receipt }, chef)).toBeUndefined();
		expect(requestChangeRefusal(filed, { ...filed, receipt: { ...receipt, by: 'skyddsombud' } }, rep)).toBe(
			'only a manager of the unit records the receipt',
		);
		expect(requestChangeRefusal(filed, { ...filed, receipt: { ...receipt, by: 'chef2' } }, chef)).toBe(
			'the receipt must be recorded in your own name',
		);
		const received = request({ receipt });
		expect(requestChangeRefusal(received, { ...received, receipt: { ...receipt, at: T } }, chef)).toBe(
			'the receipt is recorded and cannot change',
		);
		expect(requestChangeRefusal(received, { ...received, answer }, chef)).toBeUndefined();
		const answered = request({ receipt, answer });
		expect(requestChangeRefusal(answered, { ...answered, answer: { ...answer, decision: 'accepted' } }, chef)).toBe(
			'the answer is recorded and cannot change',
		);
		const { answer: _gone, ...withoutAnswer } = answered;
		expect(requestChangeRefusal(answered, withoutAnswer, chef)).toBe('the answer is recorded and cannot change');
	});

	it('lets only a safety rep escalate, once; nobody deletes', () => {
		const filed = request();
		expect(requestChangeRefusal(filed, { ...filed, escalation }, rep)).toBeUndefined();
		expect(requestChangeRefusal(filed, { ...filed, escalation: { ...escalation, by: 'chef' } }, chef)).toBe(
			'only a safety rep of the unit records the escalation',
		);
		const tomb = { _id: filed._id, _deleted: true, type: 'request', scope: 'unit-a1' };
		expect(requestChangeRefusal(filed, tomb, rep)).toBe('a request cannot be deleted');
	});

	it('merges a concurrent answer and escalation into a change each writer may make', () => {
		const base = { ...request({ receipt }), clock: { receipt: '1795424400000-0000-chef' } };
		const byChef = { ...base, answer, clock: { ...base.clock, answer: '1795424500000-0000-chef' } };
		const byRep = { ...base, escalation, clock: { ...base.clock, escalation: '1795424500000-0001-rep' } };
		const merged = mergeDocs<RequestDoc>(byChef, byRep);
		expect(merged).toMatchObject({ answer, escalation });
		// The manager's edit reached the server first; the safety rep's device pushes the merge.
		expect(requestChangeRefusal(byChef, merged, rep)).toBeUndefined();
		expect(requestChangeRefusal(byRep, merged, chef)).toBeUndefined();
		expect(checkDoc(merged).ok).toBe(true);
	});
});

describe('workstopChangeRefusal', () => {
	it('lets only a safety rep record a stop; the outcome by either, in their own name, never removed', () => {
		expect(workstopChangeRefusal(undefined, workstop(), rep)).toBeUndefined();
		expect(workstopChangeRefusal(undefined, workstop({ recordedBy: 'chef' }), chef)).toBe(
			'only a safety rep of the unit records a work stop',
		);
		expect(workstopChangeRefusal(undefined, workstop({ recordedBy: 'annat' }), rep)).toBe(
			'you may record a work stop only in your own name',
		);
		const stop = workstop();
		expect(workstopChangeRefusal(stop, { ...stop, reason: 'Annat' }, rep)).toBe(
			'reason cannot change once the work stop is recorded',
		);
		const outcome = { ...receipt, text: 'Fallskydd monterat.', resumedAt: null };
		expect(workstopChangeRefusal(stop, { ...stop, outcome }, chef)).toBeUndefined();
		const later = { ...outcome, by: 'skyddsombud', resumedAt: '2026-11-25T07:00:00.000Z' };
		expect(workstopChangeRefusal({ ...stop, outcome }, { ...stop, outcome: later }, rep)).toBeUndefined();
		expect(workstopChangeRefusal(stop, { ...stop, outcome: { ...outcome, by: 'skyddsombud' } }, chef)).toBe(
			'the outcome must be recorded in your own name',
		);
		expect(workstopChangeRefusal({ ...stop, outcome }, stop, chef)).toBe('the outcome cannot be removed');
		expect(workstopChangeRefusal(stop, { ...stop, authorityAsked: false }, chef)).toBeUndefined();
		const tomb = { _id: stop._id, _deleted: true, type: 'workstop', scope: 'unit-a1' };
		expect(workstopChangeRefusal(stop, tomb, rep)).toBe('a work stop cannot be deleted');
	});
});
