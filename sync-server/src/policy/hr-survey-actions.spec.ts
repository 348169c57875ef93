/**
 * HR turns a survey result into a line of a unit's action plan without reading the unit
 * (decision 0040): it may only create a planned survey action of a campaign whose target holds
 * the unit, with its "created" history entry; every other write there stays refused, and a
 * manager of another subtree gains nothing from it.
 */
import { describe, expect, it } from 'vitest';
import { ROLE_SUBMIT_REASON, type ActionLogDoc } from '../../../src/lib/domain/index.ts';
import { DEMO_ACCOUNTS, DEMO_CAMPAIGN_ID, demoCampaign, demoUnits } from '../seed/demo.ts';
import { actionDoc, findingDoc, testId, TEST_SERVER_TIME } from '../test-harness.ts';
import type { IncomingDoc, PolicyUser, StoredVersion } from './access.ts';
import {
	campaignsNeeded,
	checkWrite,
	checkWriter,
	grantsFor,
	referencedIds,
	roleSubmitTypes,
	submitTypes,
	submitUnits,
} from './access.ts';

const NOW = '2026-11-23T09:00:00.000Z';
const A1 = 'unit-a1';
const units = demoUnits(NOW).map((u) => ({ _id: u._id, name: u.name, parentId: u.parentId }));
const demo = (name: string): PolicyUser => {
	const a = DEMO_ACCOUNTS.find((x) => x.name === name);
	if (!a) throw new Error(name);
	return { name: a.name, displayName: a.displayName, roles: [...a.roles], memberships: [...a.memberships] };
};
const campaign = demoCampaign(new Date(TEST_SERVER_TIME)) as unknown as StoredVersion;
const bCampaign = { ...campaign, _id: 'campaign:b-only', targetUnitId: 'avd-b' } as StoredVersion;
const campaigns = new Map([campaign, bCampaign].map((c) => [c._id, c]));

function write(
	name: string,
	doc: object,
	opts: { stored?: object; others?: object[]; scope?: string } = {},
): { ok: boolean; reason?: string } {
	const user = demo(name);
	const byId = new Map((opts.others ?? []).map((d) => [(d as StoredVersion)._id, d as StoredVersion]));
	return checkWrite({
		user,
		grants: grantsFor(user, units),
		now: TEST_SERVER_TIME,
		scope: opts.scope ?? A1,
		doc: doc as IncomingDoc,
		stored: opts.stored as StoredVersion | undefined,
		lookup: (id) => byId.get(id),
		campaign: (id) => campaigns.get(id),
		units,
	});
}

const surveyAction = (scope = A1, overrides: object = {}) =>
	actionDoc(scope, {
		source: 'survey',
		campaignId: DEMO_CAMPAIGN_ID,
		questionId: 'q-motivation-1',
		responsible: 'Anna Chef',
		...overrides,
	});
function createdLog(action: { _id: string; scope: string }, overrides: Partial<ActionLogDoc> = {}): ActionLogDoc {
	return {
		_id: testId('actionlog'),
		type: 'actionlog',
		scope: action.scope,
		actionId: action._id,
		event: 'created',
		changes: [
			{ field: 'status', from: null, to: 'planned' },
			{ field: 'source', from: null, to: 'survey' },
		],
		at: NOW,
		by: 'hr',
		byName: 'Hanna HR',
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
	};
}

describe('HR: survey actions in any unit, submit-only', () => {
	it('may send actions and their history into every unit of the org tree, and read none of them', () => {
		const hr = demo('hr');
		for (const u of units) {
			const scope = `unit-${u._id.slice('unit:'.length)}`;
			expect(submitTypes(hr, scope, units)).toEqual(['action', 'actionlog']);
			expect(roleSubmitTypes(hr, scope, units)).toEqual(['action', 'actionlog']);
			expect(grantsFor(hr, units).some((g) => g.scope === scope)).toBe(false);
		}
		expect(submitTypes(hr, 'unit-nowhere', units)).toEqual([]);
		expect(submitTypes(hr, 'org', units)).toEqual([]);
		expect(submitTypes(hr, 'reports-a1', units)).toEqual([]);
		// The pre-report rounds route lists only membership units: HR is told of none.
		expect(submitUnits(hr, units)).toEqual([]);
		// Nobody else gains a road: a manager of another subtree, staff, admin.
		expect(roleSubmitTypes(demo('chef2'), A1, units)).toEqual([]);
		expect(submitTypes(demo('chef2'), A1, units)).toEqual([]);
		expect(submitTypes(demo('admin'), A1, units)).toEqual([]);
		expect(submitTypes(demo('medarbetare'), A1, units)).toEqual(['prereport']);
	});

	it('accepts a new planned survey action with its created entry, in a unit below the campaign’s target', () => {
		const action = surveyAction();
		expect(write('hr', action)).toEqual({ ok: true });
		expect(write('hr', createdLog(action))).toEqual({ ok: true });
		// Sent in an earlier request: the entry is the creation of that very action.
		expect(write('hr', createdLog(action), { others: [action] })).toEqual({ ok: true });
		const b3 = surveyAction('unit-b3');
		expect(write('hr', b3, { scope: 'unit-b3' })).toEqual({ ok: true });
		// The same document again (its answer was lost) is taken as sent.
		expect(write('hr', action, { stored: { ...action, _rev: '1-abc' } })).toEqual({ ok: true });
	});

	it('refuses an edit, a delete, another status, source or type, and a unit outside the campaign', () => {
		const action = surveyAction();
		const stored = { ...action, _rev: '1-abc' };
		const refused = { ok: false, reason: ROLE_SUBMIT_REASON };
		expect(write('hr', { ...action, plannedAction: 'Något annat' }, { stored })).toEqual(refused);
		expect(write('hr', { ...action, status: 'in_progress' }, { stored })).toEqual(refused);
		expect(write('hr', { _id: action._id, _deleted: true, type: 'action', scope: A1 }, { stored }).ok).toBe(false);
		// An edit of a manager's own action (any source).
		const managers = actionDoc(A1);
		expect(write('hr', { ...managers, comment: 'HR was here' }, { stored: { ...managers, _rev: '1-x' } })).toEqual(
			refused,
		);
		// Not from a survey result, or without its campaign or question.
		expect(write('hr', actionDoc(A1, { source: 'meeting' }))).toEqual(refused);
		expect(write('hr', actionDoc(A1, { source: 'survey', campaignId: DEMO_CAMPAIGN_ID }))).toEqual(refused);
		expect(write('hr', actionDoc(A1, { source: 'survey', questionId: 'q-1' }))).toEqual(refused);
		// Not planned, naming an account, following another action.
		expect(write('hr', surveyAction(A1, { status: 'done', done: '2026-11-23' }))).toEqual(refused);
		expect(write('hr', surveyAction(A1, { responsibleUser: 'chef' }))).toEqual(refused);
		expect(write('hr', surveyAction(A1, { follows: testId('action') }))).toEqual(refused);
		// A campaign that is not held, or whose target does not hold the unit.
		expect(write('hr', surveyAction(A1, { campaignId: 'campaign:none' }))).toEqual(refused);
		expect(write('hr', surveyAction(A1, { campaignId: bCampaign._id }))).toEqual(refused);
		// Another type into the unit: not a type HR may send there at all.
		expect(write('hr', findingDoc(A1)).ok).toBe(false);
		expect(write('hr', { ...findingDoc(A1) }).reason).toMatch(/no write access to unit-a1/);
	});

	it('refuses a history entry that is not the creation of a survey action', () => {
		const refused = { ok: false, reason: ROLE_SUBMIT_REASON };
		const action = surveyAction();
		expect(write('hr', createdLog(action, { event: 'changed' }))).toEqual(refused);
		expect(write('hr', createdLog(action, { changes: [{ field: 'status', from: null, to: 'planned' }] }))).toEqual(
			refused,
		);
		// A "created" entry added to a manager's stored action, or at another time than its creation.
		const managers = actionDoc(A1);
		expect(write('hr', createdLog(managers), { others: [managers] })).toEqual(refused);
		expect(write('hr', createdLog(action, { at: '2026-11-23T10:00:00.000Z' }), { others: [action] })).toEqual(refused);
		// In another person's name: the record rules still hold.
		expect(write('hr', createdLog(action, { by: 'chef', byName: 'Anna Chef' })).ok).toBe(false);
	});

	it('gives a manager of another subtree nothing: still no write access to A1', () => {
		const action = surveyAction();
		const chef2 = demo('chef2');
		const writer = checkWriter({
			user: chef2,
			grants: grantsFor(chef2, units),
			scope: A1,
			doc: action as never,
			stored: undefined,
			units,
		});
		expect(writer.ok).toBe(false);
		expect(write('chef2', action).reason).toBe('no write access to unit-a1');
	});

	it('leaves the unit’s own writers as they were: a manager may still edit any action, HR’s too', () => {
		const action = surveyAction();
		const stored = { ...action, _rev: '1-abc' };
		expect(write('chef', { ...action, status: 'in_progress', responsibleUser: 'chef' }, { stored })).toEqual({
			ok: true,
		});
		expect(write('chef', actionDoc(A1, { source: 'meeting' }))).toEqual({ ok: true });
	});

	it('asks the route for the campaign of a new action and the action of a created entry only', () => {
		const action = surveyAction() as unknown as IncomingDoc;
		expect(campaignsNeeded(action, undefined)).toEqual([DEMO_CAMPAIGN_ID]);
		expect(campaignsNeeded(action, action as StoredVersion)).toEqual([]);
		expect(campaignsNeeded(actionDoc(A1) as unknown as IncomingDoc, undefined)).toEqual([]);
		const log = createdLog(surveyAction()) as unknown as IncomingDoc;
		expect(referencedIds(log, undefined)).toEqual([log.actionId]);
		expect(referencedIds({ ...log, event: 'changed' }, undefined)).toEqual([]);
	});
});
