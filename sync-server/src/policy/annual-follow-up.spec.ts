/**
 * Policy for the annual follow-up (decision 0010): written by the unit's manager and safety rep
 * only, read by managers above; signed only as oneself in a role held in the unit and on complete
 * content; never deleted; locked once both signatures name the current content. As pure rules and
 * over HTTP (`_bulk_docs`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	FOLLOW_UP_QUESTIONS,
	followUpContentHash,
	followUpId,
	type FollowUpDoc,
} from '../../../src/lib/domain/index.ts';
import { DEMO_ACCOUNTS, demoUnits } from '../seed/demo.ts';
import type { Harness } from '../test-harness.ts';
import { startServer, TEST_SERVER_TIME } from '../test-harness.ts';
import type { IncomingDoc, PolicyUser, StoredVersion } from './access.ts';
import { checkWrite, grantsFor, mayRead } from './access.ts';

const NOW = '2026-11-23T09:00:00.000Z';
const units = demoUnits(NOW).map((u) => ({ _id: u._id, name: u.name, parentId: u.parentId }));
const demo = (name: string): PolicyUser => {
	const a = DEMO_ACCOUNTS.find((x) => x.name === name);
	if (!a) throw new Error(name);
	return { name: a.name, displayName: a.displayName, roles: [...a.roles], memberships: [...a.memberships] };
};
function write(name: string, scope: string, doc: object, stored?: object): { ok: boolean; reason?: string } {
	const user = demo(name);
	return checkWrite({
		user,
		grants: grantsFor(user, units),
		now: TEST_SERVER_TIME,
		scope,
		doc: doc as IncomingDoc,
		stored: stored as StoredVersion | undefined,
		units,
	});
}

function followUp(unitId = 'a1', year = 2026, extra: Partial<FollowUpDoc> = {}): FollowUpDoc {
	return {
		_id: followUpId(unitId, year),
		type: 'followup',
		scope: `unit-${unitId}`,
		unitId,
		year,
		createdAt: NOW,
		updatedAt: NOW,
		...extra,
	};
}
function answered(doc: FollowUpDoc): FollowUpDoc {
	const out: Record<string, unknown> = { ...doc, conclusions: 'Arbetsmiljöarbetet fungerar i stort.' };
	for (const q of FOLLOW_UP_QUESTIONS) out[q] = 'yes';
	return out as FollowUpDoc;
}
const names: Record<string, string> = { chef: 'Anna Chef', skyddsombud: 'Sara Skyddsombud', chef2: 'Bo Chef' };
function sign(doc: FollowUpDoc, role: 'manager' | 'safety_rep', by: string): FollowUpDoc {
	const sig = { by, name: names[by] ?? by, at: NOW, contentHash: followUpContentHash(doc) };
	return { ...doc, ...(role === 'manager' ? { managerSignature: sig } : { safetyRepSignature: sig }) };
}

describe('annual follow-up: who writes and reads it', () => {
	it('the unit’s manager and safety rep write it; staff, HR, managers of other units and above do not', () => {
		const doc = followUp('a1', 2026, { rounds: 'yes' });
		expect(write('chef', 'unit-a1', doc)).toEqual({ ok: true });
		expect(write('skyddsombud', 'unit-a1', doc)).toEqual({ ok: true });
		expect(write('medarbetare', 'unit-a1', doc).ok).toBe(false);
		expect(write('hr', 'unit-a1', doc).ok).toBe(false);
		expect(write('chef2', 'unit-a1', doc).ok).toBe(false);
		expect(write('avdchef', 'unit-a1', doc).reason).toBe('no write access to unit-a1');
		// A division manager reads the units below (the follow-ups come with the unit scope).
		expect(mayRead(grantsFor(demo('avdchef'), units), 'unit-a1')).toBe(true);
	});

	it('does not belong in org or a personal scope, and names its own unit', () => {
		expect(write('hr', 'org', { ...followUp(), scope: 'org' }).reason).toBe(
			'a followup document does not belong in org',
		);
		expect(write('chef', 'user-chef', { ...followUp(), scope: 'user-chef' }).reason).toBe(
			'a followup document does not belong in user-chef',
		);
		expect(write('chef', 'unit-a1', { ...followUp('b1'), scope: 'unit-a1' }).reason).toBe(
			'unitId does not match unit-a1',
		);
	});
});

describe('annual follow-up: signing and the lock', () => {
	const stored = { ...answered(followUp()), _rev: '3-a' };

	it('each signs as themselves, in their own role, on complete content', () => {
		expect(write('chef', 'unit-a1', sign(stored, 'manager', 'chef'), stored)).toEqual({ ok: true });
		expect(write('skyddsombud', 'unit-a1', sign(stored, 'safety_rep', 'skyddsombud'), stored)).toEqual({ ok: true });
		expect(write('chef', 'unit-a1', sign(stored, 'safety_rep', 'skyddsombud'), stored).reason).toBe(
			'you may sign only as yourself',
		);
		expect(write('skyddsombud', 'unit-a1', sign(stored, 'manager', 'skyddsombud'), stored).reason).toBe(
			'you are not manager of this unit',
		);
		const open = { ...followUp('a1', 2026, { rounds: 'yes' }), _rev: '1-a' };
		expect(write('chef', 'unit-a1', sign(open, 'manager', 'chef'), open).reason).toMatch(/answer every question/);
	});

	it('refuses deletes and taking a signature away', () => {
		const tomb = { _id: stored._id, _rev: stored._rev, _deleted: true, type: 'followup', scope: 'unit-a1' };
		expect(write('chef', 'unit-a1', tomb, stored).reason).toBe('an annual follow-up is never deleted');
		const one = { ...sign(stored, 'manager', 'chef'), _rev: '4-a' };
		const { managerSignature: _gone, ...without } = one;
		expect(write('skyddsombud', 'unit-a1', without, one).reason).toBe('a signature cannot be taken away');
	});

	it('once both signatures count, nothing but bookkeeping changes', () => {
		const locked = { ...sign(sign(stored, 'manager', 'chef'), 'safety_rep', 'skyddsombud'), _rev: '5-a' };
		expect(write('chef', 'unit-a1', { ...locked, conclusions: 'Ändrat i efterhand' }, locked).reason).toBe(
			'the annual follow-up is signed by both and can no longer change',
		);
		expect(write('skyddsombud', 'unit-a1', { ...locked, actionIds: ['action:x'] }, locked).reason).toBe(
			'the annual follow-up is signed by both and can no longer change',
		);
		expect(write('chef', 'unit-a1', { ...locked, updatedAt: '2027-01-02T00:00:00.000Z' }, locked)).toEqual({
			ok: true,
		});
	});
});

describe('annual follow-up over HTTP', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startServer();
	});
	afterAll(async () => {
		await h.close();
	});
	const bulk = async (name: string, docs: object[]) =>
		(
			await h.call({
				method: 'POST',
				url: '/db/unit-a1/_bulk_docs',
				cookie: await h.signIn(name),
				payload: { docs },
			})
		).json() as { id: string; rev?: string; error?: string; reason?: string }[];

	it('two writers meet on one id; both sign; the server refuses any later edit and a delete', async () => {
		const [created] = await bulk('chef', [followUp('a1', 2031, { rounds: 'yes' })]);
		expect(created?.rev).toBeDefined();
		// The safety rep's device made the same year's follow-up offline: one id, a conflict to merge.
		const [twin] = await bulk('skyddsombud', [followUp('a1', 2031, { risks: 'partly' })]);
		expect(twin?.error).toBe('conflict');

		let doc: FollowUpDoc = { ...answered(followUp('a1', 2031)), _rev: created?.rev as string };
		const [answeredRes] = await bulk('skyddsombud', [doc]);
		doc = { ...doc, _rev: answeredRes?.rev as string };
		const [bySo] = await bulk('skyddsombud', [sign(doc, 'safety_rep', 'skyddsombud')]);
		doc = { ...sign(doc, 'safety_rep', 'skyddsombud'), _rev: bySo?.rev as string };
		const [asOther] = await bulk('skyddsombud', [sign(doc, 'manager', 'chef')]);
		expect(asOther).toMatchObject({ error: 'forbidden', reason: 'you may sign only as yourself' });
		const [byChef] = await bulk('chef', [sign(doc, 'manager', 'chef')]);
		doc = { ...sign(doc, 'manager', 'chef'), _rev: byChef?.rev as string };
		expect(byChef?.rev).toBeDefined();

		const [edit] = await bulk('chef', [{ ...doc, conclusions: 'Ändrat efter signering' }]);
		expect(edit).toMatchObject({
			error: 'forbidden',
			reason: 'the annual follow-up is signed by both and can no longer change',
		});
		const [del] = await bulk('skyddsombud', [
			{ _id: doc._id, _rev: doc._rev, _deleted: true, type: 'followup', scope: 'unit-a1' },
		]);
		expect(del).toMatchObject({ error: 'forbidden', reason: 'an annual follow-up is never deleted' });
		const [staff] = await bulk('medarbetare', [followUp('a1', 2032)]);
		expect(staff?.error).toBe('forbidden');
	});
});
