/**
 * Policy for the safety rep's formal requests (6 kap. 6 a § AML) and work stops (6 kap. 7 §):
 * the safety rep files and escalates, a manager of the unit confirms receipt and answers, each in
 * their own name; filed fields never change; nothing is deleted (decision 0009). As pure rules and
 * over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeDocs } from '../../../src/lib/domain/merge.ts';
import type { RequestDoc, WorkstopDoc } from '../../../src/lib/domain/index.ts';
import { DEMO_ACCOUNTS, demoUnits } from '../seed/demo.ts';
import type { Harness } from '../test-harness.ts';
import { startServer, testId, TEST_SERVER_TIME } from '../test-harness.ts';
import type { IncomingDoc, PolicyUser, StoredVersion } from './access.ts';
import { checkWrite, grantsFor } from './access.ts';

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

function request(overrides: Partial<RequestDoc> = {}): RequestDoc {
	return {
		_id: testId('request'),
		type: 'request',
		scope: 'unit-a1',
		unitId: 'a1',
		kind: 'investigation',
		subject: 'Hög arbetsbelastning i kvällsgruppen',
		description: 'Flera i kvällsgruppen beskriver stress och sömnproblem.',
		location: '',
		requestedMeasures: 'Undersök arbetsbelastningen och bemanningen.',
		replyBy: '2026-12-07',
		filedAt: NOW,
		filedBy: 'skyddsombud',
		filedByName: 'Sara Skyddsombud',
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
	};
}
function workstop(overrides: Partial<WorkstopDoc> = {}): WorkstopDoc {
	return {
		_id: testId('workstop'),
		type: 'workstop',
		scope: 'unit-a1',
		unitId: 'a1',
		stoppedAt: NOW,
		work: 'Lyft av brukare utan lyftutrustning, rum 12',
		reason: 'Taklyften är trasig och arbetet innebär omedelbar och allvarlig fara.',
		recordedAt: NOW,
		recordedBy: 'skyddsombud',
		recordedByName: 'Sara Skyddsombud',
		authorityAsked: false,
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
	};
}
const receipt = { at: '2026-11-24T08:00:00.000Z', by: 'chef', byName: 'Anna Chef' };
const answer = { ...receipt, decision: 'accepted' as const, text: 'Vi ser över schemat i januari.', actionIds: [] };
const escalation = {
	at: '2026-11-24T08:30:00.000Z',
	by: 'skyddsombud',
	byName: 'Sara Skyddsombud',
	note: 'Inget svar.',
};

describe('requests (6 kap. 6 a §): checkWrite', () => {
	it('lets the safety rep of the unit file one; refuses a manager, staff, another unit and a forged name', () => {
		expect(write('skyddsombud', 'unit-a1', request())).toEqual({ ok: true });
		expect(write('chef', 'unit-a1', request({ filedBy: 'chef', filedByName: 'Anna Chef' }))).toEqual({
			ok: false,
			reason: 'only a safety rep of the unit files a request',
		});
		expect(write('medarbetare', 'unit-a1', request()).reason).toBe('no write access to unit-a1');
		expect(write('avdchef', 'unit-a1', request()).reason).toBe('no write access to unit-a1');
		const b1 = request({ scope: 'unit-b1', unitId: 'b1' });
		expect(write('skyddsombud', 'unit-b1', b1).reason).toBe('no write access to unit-b1');
		expect(write('skyddsombud', 'unit-a1', request({ filedBy: 'chef' })).reason).toBe(
			'you may file a request only in your own name',
		);
		expect(write('skyddsombud', 'unit-a1', request({ unitId: 'b1' })).reason).toBe('unitId does not match unit-a1');
	});

	it('lets the manager confirm receipt and answer in their own name; the filed text stays', () => {
		const filed = request();
		const received = { ...filed, receipt };
		expect(write('chef', 'unit-a1', received, filed)).toEqual({ ok: true });
		expect(
			write('skyddsombud', 'unit-a1', { ...filed, receipt: { ...receipt, by: 'skyddsombud' } }, filed).reason,
		).toBe('only a manager of the unit records the receipt');
		expect(write('chef', 'unit-a1', { ...received, answer }, received)).toEqual({ ok: true });
		expect(write('chef', 'unit-a1', { ...received, description: 'Ändrad' }, received).reason).toBe(
			'description cannot change once the request is filed',
		);
		const answered = { ...received, answer };
		expect(write('chef', 'unit-a1', { ...answered, answer: { ...answer, text: 'Nej' } }, answered).reason).toBe(
			'the answer is recorded and cannot change',
		);
	});

	it('lets only the safety rep escalate; nobody deletes', () => {
		const filed = request();
		expect(write('skyddsombud', 'unit-a1', { ...filed, escalation }, filed)).toEqual({ ok: true });
		expect(write('chef', 'unit-a1', { ...filed, escalation: { ...escalation, by: 'chef' } }, filed).reason).toBe(
			'only a safety rep of the unit records the escalation',
		);
		const tomb = { _id: filed._id, _rev: '1-x', _deleted: true, type: 'request', scope: 'unit-a1' };
		expect(write('skyddsombud', 'unit-a1', tomb, filed).reason).toBe('a request cannot be deleted');
		expect(write('chef', 'unit-a1', tomb, filed).reason).toBe('a request cannot be deleted');
	});
});

describe('work stops (6 kap. 7 §): checkWrite', () => {
	it('lets only the safety rep record one; the outcome by either; no deletes', () => {
		const stop = workstop();
		expect(write('skyddsombud', 'unit-a1', stop)).toEqual({ ok: true });
		expect(write('chef', 'unit-a1', workstop({ recordedBy: 'chef' })).reason).toBe(
			'only a safety rep of the unit records a work stop',
		);
		const outcome = {
			...receipt,
			text: 'Taklyften lagad; arbetet återupptogs.',
			resumedAt: '2026-11-23T15:00:00.000Z',
		};
		expect(write('chef', 'unit-a1', { ...stop, outcome }, stop)).toEqual({ ok: true });
		expect(write('skyddsombud', 'unit-a1', { ...stop, authorityAsked: true }, stop)).toEqual({ ok: true });
		expect(write('chef', 'unit-a1', { ...stop, stoppedAt: '2026-11-22T09:00:00.000Z' }, stop).reason).toBe(
			'stoppedAt cannot change once the work stop is recorded',
		);
		const tomb = { _id: stop._id, _rev: '1-x', _deleted: true, type: 'workstop', scope: 'unit-a1' };
		expect(write('skyddsombud', 'unit-a1', tomb, stop).reason).toBe('a work stop cannot be deleted');
	});
});

describe('over HTTP', () => {
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
		).json() as { ok?: boolean; rev?: string; error?: string; reason?: string }[];

	it('takes the filing from the safety rep, receipt and answer from the manager, and refuses the swaps', async () => {
		const filed = request();
		const [byChef] = await bulk('chef', [request({ filedBy: 'chef', filedByName: 'Anna Chef' })]);
		expect(byChef).toMatchObject({ error: 'forbidden', reason: 'only a safety rep of the unit files a request' });

		const [ok] = await bulk('skyddsombud', [filed]);
		expect(ok).toMatchObject({ ok: true });
		const received = { ...filed, _rev: ok!.rev, receipt, clock: { receipt: '1795424400000-0000-chef' } };
		const [rec] = await bulk('chef', [received]);
		expect(rec).toMatchObject({ ok: true });

		// The safety rep escalates on a device that has not seen the receipt: a stale revision.
		const escalated = { ...filed, _rev: ok!.rev, escalation, clock: { escalation: '1795424400001-0000-rep' } };
		const [stale] = await bulk('skyddsombud', [escalated]);
		expect(stale).toMatchObject({ error: 'conflict' });
		// The device merges with the server's version and sends the merge: both parts stay.
		const merged = mergeDocs<RequestDoc>({ ...received, _rev: rec!.rev }, escalated);
		const [again] = await bulk('skyddsombud', [merged]);
		expect(again).toMatchObject({ ok: true });

		const [swap] = await bulk('skyddsombud', [
			{ ...merged, _rev: again!.rev, answer: { ...answer, by: 'skyddsombud' } },
		]);
		expect(swap).toMatchObject({ error: 'forbidden', reason: 'only a manager of the unit records the answer' });
		const [answered] = await bulk('chef', [{ ...merged, _rev: again!.rev, answer }]);
		expect(answered).toMatchObject({ ok: true });

		const stored = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs?include_docs=true',
			cookie: await h.signIn('chef'),
			payload: { keys: [filed._id] },
		});
		expect(stored.json().rows[0].doc).toMatchObject({ receipt, answer, escalation, subject: filed.subject });
	});

	it('refuses a work stop by the manager and takes one by the safety rep', async () => {
		const [byChef] = await bulk('chef', [workstop({ recordedBy: 'chef', recordedByName: 'Anna Chef' })]);
		expect(byChef).toMatchObject({ error: 'forbidden', reason: 'only a safety rep of the unit records a work stop' });
		const [ok] = await bulk('skyddsombud', [workstop()]);
		expect(ok).toMatchObject({ ok: true });
	});
});
