/**
 * The start page lists what is due for the signed-in person by role, from the device's
 * documents, on the day the injected clock says (never the real date).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { TryggDb, type StoredDoc } from '../db/app-db.ts';
import type { ScopeGrant } from '../domain/index.ts';
import { StartPage, whatIsDue, type StartPerson } from './start-page.svelte.ts';

const TODAY = '2031-03-10';
const clockAt = (date: string) => ({ now: () => new Date(`${date}T10:00:00`) });
const grant = (unitId: string, role: ScopeGrant['role']): ScopeGrant => ({
	scope: `unit-${unitId}`,
	unitId,
	unitName: `Enhet ${unitId.toUpperCase()}`,
	role,
	write: true,
});
const CHEF: StartPerson = {
	name: 'chef',
	scopes: [grant('a1', 'manager'), { ...grant('a1', 'manager'), scope: 'reports-a1' }],
};
const REP: StartPerson = { name: 'skyddsombud', scopes: [grant('a1', 'safety_rep')] };
const HR: StartPerson = { name: 'hr', scopes: [] };

const base = (id: string, type: string) => ({
	_id: id,
	type,
	scope: 'unit-a1',
	createdAt: `${TODAY}T08:00:00.000Z`,
	updatedAt: `${TODAY}T08:00:00.000Z`,
});
const recorded = { at: '2031-03-01T08:00:00.000Z', by: 'chef', byName: 'Anna Chef' };
const request = (id: string, replyBy: string, extra: object = {}) =>
	({
		...base(`request:${id}`, 'request'),
		unitId: 'a1',
		kind: 'measures',
		subject: `Begäran ${id}`,
		description: 'd',
		location: '',
		requestedMeasures: '',
		replyBy,
		filedAt: '2031-03-01T08:00:00.000Z',
		filedBy: 'skyddsombud',
		filedByName: 'Sara Skyddsombud',
		...extra,
	}) as unknown as StoredDoc;
const action = (id: string, due: string, responsibleUser = 'chef') =>
	({
		...base(`action:${id}`, 'action'),
		status: 'planned',
		due,
		followUp: null,
		plannedAction: `Åtgärd ${id}`,
		responsibleUser,
	}) as unknown as StoredDoc;
const round = (id: string, date: string, status: string, unitId = 'a1') =>
	({
		...base(`round:${id}`, 'round'),
		unitId,
		date,
		status,
		templateId: 'template:physical.v1',
	}) as unknown as StoredDoc;

const DOCS: StoredDoc[] = [
	request('new', '2031-03-20'),
	request('late-unread', '2031-03-01'),
	request('late-read', '2031-03-05', { receipt: recorded }),
	request('answered', '2031-03-01', {
		receipt: recorded,
		answer: { ...recorded, decision: 'accepted', text: 't', actionIds: [] },
	}),
	request('in-time-read', '2031-03-20', { receipt: recorded }),
	action('overdue', '2031-03-09'),
	action('soon', '2031-03-20'),
	action('later', '2031-06-01'),
	action('someone-else', '2031-03-01', 'chef2'),
	round('planned', '2031-03-15', 'planned'),
	round('walking', '2031-03-08', 'in_progress'),
	round('signed', '2031-03-01', 'signed'),
	round('far', '2031-05-01', 'planned'),
	round('other-unit', '2031-03-10', 'planned', 'b1'),
	round('i-signed', '2031-03-02', 'in_progress'),
	{ ...base('signature:1', 'signature'), roundId: 'round:i-signed', signedBy: 'chef' } as unknown as StoredDoc,
	{ ...base('prereport:1', 'prereport'), roundId: 'round:planned', unitId: 'a1' } as unknown as StoredDoc,
	{ ...base('prereport:2', 'prereport'), roundId: 'round:planned', unitId: 'a1' } as unknown as StoredDoc,
];

describe('what is due on the start page', () => {
	it('puts requests nobody acknowledged first for the manager, overdue before in time', () => {
		const due = whatIsDue(DOCS, CHEF, TODAY);
		expect(due.unacknowledged.map((r) => r.doc._id)).toEqual(['request:late-unread', 'request:new']);
		expect(due.unacknowledged[0]?.overdue).toBe(true);
		expect(due.unacknowledged[0]?.unitName).toBe('Enhet A1');
		expect(due.overdueRequests.map((r) => r.doc._id)).toEqual(['request:late-read']);
	});

	it('shows the safety rep the overdue answers to their requests, not the acknowledgements', () => {
		const due = whatIsDue(DOCS, REP, TODAY);
		expect(due.unacknowledged).toEqual([]);
		expect(due.overdueRequests.map((r) => r.doc._id)).toEqual(['request:late-unread', 'request:late-read']);
	});

	it('lists the person’s own overdue and due-soon actions', () => {
		const due = whatIsDue(DOCS, CHEF, TODAY);
		expect(due.overdueActions.map((a) => a._id)).toEqual(['action:overdue']);
		expect(due.soonActions.map((a) => a._id)).toEqual(['action:soon']);
		expect(whatIsDue(DOCS, REP, TODAY).overdueActions).toEqual([]);
	});

	it('lists rounds to walk or sign in the person’s units, with their pre-reports', () => {
		const due = whatIsDue(DOCS, CHEF, TODAY);
		expect(due.rounds.map((r) => [r.doc._id, r.step, r.prereports])).toEqual([
			['round:walking', 'sign', 0],
			['round:planned', 'walk', 2],
		]);
		// The safety rep has not signed the round the manager signed: it is still theirs to sign.
		expect(whatIsDue(DOCS, REP, TODAY).rounds.map((r) => r.doc._id)).toContain('round:i-signed');
	});

	it('names this year’s annual follow-up of each unit not signed yet', () => {
		expect(whatIsDue(DOCS, CHEF, TODAY).followUps).toEqual([
			{ id: 'followup:a1-2031', unitId: 'a1', unitName: 'Enhet A1', year: 2031 },
		]);
	});

	it('says nothing is due for someone with no units and no actions', () => {
		const due = whatIsDue(DOCS, HR, TODAY);
		expect(due.empty).toBe(true);
		expect(whatIsDue(DOCS, CHEF, TODAY).empty).toBe(false);
	});

	it('moves with the day: a month later the request in time is overdue and the far round is near', () => {
		const due = whatIsDue(DOCS, CHEF, '2031-04-20');
		expect(due.overdueRequests.map((r) => r.doc._id)).toContain('request:in-time-read');
		expect(due.rounds.map((r) => r.doc._id)).toContain('round:far');
		expect(due.overdueActions.map((a) => a._id)).toEqual(['action:overdue', 'action:soon']);
	});
});

describe('StartPage', () => {
	const dbs: TryggDb[] = [];
	afterEach(async () => {
		for (const db of dbs.splice(0)) await db.delete();
	});

	it('reads the device with the injected person and clock, and follows new documents', async () => {
		const db = new TryggDb(`start-${Math.random()}`);
		dbs.push(db);
		await db.docs.bulkPut(DOCS);
		const start = new StartPage(db, CHEF, clockAt(TODAY));
		expect(start.items).toBeNull();
		await start.load();
		expect(start.items?.followUps[0]?.year).toBe(2031);
		expect(start.items?.overdueActions.map((a) => a._id)).toEqual(['action:overdue']);

		const stop = start.watch();
		await db.docs.put(action('new-overdue', '2031-03-02'));
		await expect
			.poll(() => start.items?.overdueActions.map((a) => a._id))
			.toEqual(['action:new-overdue', 'action:overdue']);
		stop();

		// The same documents a year on, by the clock given: the follow-up due is the next year's.
		const later = new StartPage(db, CHEF, clockAt('2032-03-10'));
		await later.load();
		expect(later.items?.followUps.map((f) => f.id)).toEqual(['followup:a1-2032']);
	});
});
