/**
 * Policy for actions and their history (decision 0008): an action is never deleted, its status
 * moves only along the allowed steps, only a manager closes it; history entries are append-only
 * and written in the writer's own name; a residual risk assessment may follow a signed round,
 * a finding's own assessment may not. As pure rules and over HTTP, with the members route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionLogDoc } from '../../../src/lib/domain/index.ts';
import { DEMO_ACCOUNTS, demoUnits } from '../seed/demo.ts';
import type { Harness } from '../test-harness.ts';
import {
	actionDoc,
	assessmentDoc,
	findingDoc,
	roundDoc,
	startServer,
	testId,
	TEST_SERVER_TIME,
} from '../test-harness.ts';
import type { IncomingDoc, PolicyUser, StoredVersion } from './access.ts';
import { checkWrite, grantsFor, referencedIds } from './access.ts';

const NOW = '2026-11-23T09:00:00.000Z';
const A1 = 'unit-a1';
const units = demoUnits(NOW).map((u) => ({ _id: u._id, name: u.name, parentId: u.parentId }));
const demo = (name: string): PolicyUser => {
	const a = DEMO_ACCOUNTS.find((x) => x.name === name);
	if (!a) throw new Error(name);
	return { name: a.name, displayName: a.displayName, roles: [...a.roles], memberships: [...a.memberships] };
};
function write(name: string, doc: object, stored?: object, others: object[] = []): { ok: boolean; reason?: string } {
	const user = demo(name);
	const byId = new Map(others.map((d) => [(d as StoredVersion)._id, d as StoredVersion]));
	return checkWrite({
		user,
		grants: grantsFor(user, units),
		now: TEST_SERVER_TIME,
		scope: A1,
		doc: doc as IncomingDoc,
		stored: stored as StoredVersion | undefined,
		lookup: (id) => byId.get(id),
		units,
	});
}
const tomb = (d: { _id: string; type: string; scope: string }) => ({
	_id: d._id,
	_deleted: true,
	type: d.type,
	scope: d.scope,
});
function logDoc(actionId: string, overrides: Partial<ActionLogDoc> = {}): ActionLogDoc {
	return {
		_id: testId('actionlog'),
		type: 'actionlog',
		scope: A1,
		actionId,
		event: 'changed',
		changes: [{ field: 'status', from: 'planned', to: 'in_progress' }],
		at: NOW,
		by: 'skyddsombud',
		byName: 'Sara Skyddsombud',
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
	};
}

describe('actions: rules', () => {
	it('never deletes an action, whoever asks and whatever its status', () => {
		const action = actionDoc(A1);
		for (const name of ['chef', 'skyddsombud']) {
			expect(write(name, tomb(action), action).reason).toBe('actions are never deleted');
		}
	});

	it('moves the status only along the allowed steps', () => {
		const planned = actionDoc(A1);
		expect(write('skyddsombud', planned)).toEqual({ ok: true });
		expect(write('skyddsombud', { ...planned, status: 'in_progress' }, planned)).toEqual({ ok: true });
		const done = { ...planned, status: 'done' as const, done: '2026-11-30' };
		expect(write('skyddsombud', done, { ...planned, status: 'in_progress' })).toEqual({ ok: true });
		expect(write('chef', { ...planned, status: 'effect_checked', effective: true }, planned).reason).toBe(
			'an action cannot move from planned to effect_checked',
		);
		const postponed = { ...planned, status: 'postponed' as const, postponeReason: 'Budget', due: '2027-03-01' };
		expect(write('skyddsombud', postponed, planned)).toEqual({ ok: true });
		expect(write('skyddsombud', { ...postponed, status: 'done' }, postponed).reason).toBe(
			'an action cannot move from postponed to done',
		);
		expect(write('skyddsombud', { ...postponed, status: 'in_progress' }, postponed)).toEqual({ ok: true });
		expect(write('chef', { ...planned, status: 'postponed', postponeReason: 'x', due: '2027-01-01' })).toMatchObject({
			ok: false,
			reason: 'a new action cannot start as postponed',
		});
	});

	it('keeps a closed action closed; only a manager closes', () => {
		const done = actionDoc(A1, { status: 'done' });
		const closed = { ...done, status: 'effect_checked' as const, effective: false };
		expect(write('skyddsombud', closed, done).reason).toBe(
			'only a manager of the unit closes an action or changes a closed one',
		);
		expect(write('chef', closed, done)).toEqual({ ok: true });
		expect(write('chef', { ...closed, status: 'in_progress' }, closed).reason).toBe(
			'an action cannot move from effect_checked to in_progress',
		);
	});

	it('keeps history entries append-only, in the writer’s own name', () => {
		const action = actionDoc(A1);
		const mine = logDoc(action._id);
		expect(write('skyddsombud', mine)).toEqual({ ok: true });
		expect(write('chef', mine).reason).toBe('by must be your own user name');
		expect(write('skyddsombud', { ...mine, changes: [] }, mine).reason).toBe('actionlogs are append-only');
		expect(write('skyddsombud', tomb(mine), mine).reason).toBe('actionlogs cannot be deleted');
		// The same entry sent again after a lost answer is not an edit.
		expect(write('skyddsombud', mine, mine)).toEqual({ ok: true });
		expect(write('chef2', logDoc(action._id, { by: 'chef2' })).reason).toBe('no write access to unit-a1');
	});

	it('lets a residual assessment follow a signed round, and no other assessment', () => {
		const signed = roundDoc('a1', { status: 'signed' });
		const finding = findingDoc(A1, { roundId: signed._id });
		const action = actionDoc(A1, { source: 'finding', findingId: finding._id });
		const residual = assessmentDoc(A1, finding._id, { kind: 'residual', actionId: action._id });
		const stored = [signed, finding];
		expect(referencedIds(residual as IncomingDoc, undefined)).toEqual([finding._id]);
		expect(write('chef', residual, undefined, stored)).toEqual({ ok: true });
		expect(write('chef', assessmentDoc(A1, finding._id, { roundId: signed._id }), undefined, stored).reason).toBe(
			`round ${signed._id} is signed; its assessments can no longer change`,
		);
		// Leaving out the round does not get around the signature.
		expect(write('chef', assessmentDoc(A1, finding._id), undefined, stored).reason).toBe(
			"an assessment carries its finding's round",
		);
		expect(write('chef', { ...residual, assessedBy: 'skyddsombud' }, undefined, stored).reason).toBe(
			'assessedBy must be your own user name',
		);
	});
});

describe('actions over HTTP', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startServer();
	});
	afterAll(async () => {
		await h.close();
	});
	const bulk = (name: string, docs: object[]) => h.bulk(name, A1, docs);

	it('stores an action with its history entry in one request, and refuses its delete', async () => {
		const action = actionDoc(A1);
		const [saved, logged] = await bulk('skyddsombud', [
			action,
			logDoc(action._id, { event: 'created', changes: [{ field: 'area', from: null, to: 'Entrance' }] }),
		]);
		expect(saved).toMatchObject({ ok: true });
		expect(logged).toMatchObject({ ok: true });
		const [del] = await bulk('chef', [{ ...tomb(action), _rev: saved?.rev }]);
		expect(del).toMatchObject({ error: 'forbidden', reason: 'actions are never deleted' });
	});

	it('refuses a status jump and a history entry in someone else’s name', async () => {
		const action = actionDoc(A1);
		const [saved] = await bulk('chef', [action]);
		const [jump] = await bulk('chef', [{ ...action, _rev: saved?.rev, status: 'effect_checked', effective: true }]);
		expect(jump).toMatchObject({ error: 'forbidden', reason: 'an action cannot move from planned to effect_checked' });
		const [forged] = await bulk('chef', [logDoc(action._id)]);
		expect(forged).toMatchObject({ error: 'forbidden', reason: 'by must be your own user name' });
	});

	it('lists the unit’s people with their roles to its readers only', async () => {
		const res = await h.call({ method: 'GET', url: '/api/units/a1/members', cookie: await h.signIn('skyddsombud') });
		expect(res.statusCode).toBe(200);
		expect(res.json()).toEqual({
			members: expect.arrayContaining([
				{ name: 'chef', displayName: 'Anna Chef', role: 'manager' },
				{ name: 'skyddsombud', displayName: expect.any(String), role: 'safety_rep' },
				// Staff are listed as round participants, never offered to take on actions (ActionForm).
				{ name: 'medarbetare', displayName: 'Mats Medarbetare', role: 'staff' },
			]),
		});
		const other = await h.call({ method: 'GET', url: '/api/units/a1/members', cookie: await h.signIn('chef2') });
		expect(other.statusCode).toBe(403);
		const ghost = await h.call({ method: 'GET', url: '/api/units/nope/members', cookie: await h.signIn('chef2') });
		expect(ghost.json()).toEqual(other.json());
	});
});
