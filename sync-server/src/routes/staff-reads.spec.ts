/**
 * What a staff member's requests read (decision 0017): never a whole unit scope, nor (for anyone
 * signed in) every account. Counted at
 * the embedded store's methods (rows of `_changes`, document bodies of `_changes` and
 * `_all_docs`), so the checks say nothing about time and hold on any machine.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserStore } from '../auth/users.ts';
import type { ChangesResult } from '../store/doc-store.ts';
import { PouchStore } from '../store/pouch-store.ts';
import type { Harness } from '../test-harness.ts';
import { answerDoc, roundDoc, signatureDoc, startServer } from '../test-harness.ts';

let h: Harness;
beforeAll(async () => {
	h = await startServer();
});
afterAll(async () => {
	await h.close();
});

/** Reads of one scope since the last reset. */
const reads = { scope: 'unit-a1', changeCalls: 0, changeRows: 0, docs: 0 };
beforeEach(() => {
	const changes = PouchStore.prototype.changes;
	const allDocs = PouchStore.prototype.allDocs;
	vi.spyOn(PouchStore.prototype, 'changes').mockImplementation(async function (this: PouchStore, scope, opts) {
		const res: ChangesResult = await changes.call(this, scope, opts);
		if (scope === reads.scope) {
			reads.changeCalls++;
			reads.changeRows += res.results.length;
			reads.docs += res.results.filter((r) => r.doc).length;
		}
		return res;
	});
	vi.spyOn(PouchStore.prototype, 'allDocs').mockImplementation(async function (this: PouchStore, scope, keys, opts) {
		const rows = await allDocs.call(this, scope, keys, opts);
		if (scope === reads.scope) reads.docs += rows.filter((r) => 'doc' in r && r.doc).length;
		return rows;
	});
});
afterEach(() => {
	vi.restoreAllMocks();
});
/** Waits for the report job, which reads the unit's feed after every write, so only the request's reads count. */
async function resetReads(): Promise<void> {
	await h.app.reports.idle();
	reads.changeCalls = reads.changeRows = reads.docs = 0;
}

async function bulk(name: string, docs: object[]) {
	const res = await h.call({
		method: 'POST',
		url: '/db/unit-a1/_bulk_docs',
		cookie: await h.signIn(name),
		payload: { docs },
	});
	return res.json() as { ok?: boolean; error?: string; reason?: string }[];
}

async function listed(): Promise<string[]> {
	const res = await h.call({ url: '/api/prereport-rounds', cookie: await h.signIn('medarbetare') });
	expect(res.statusCode).toBe(200);
	return (res.json() as { rounds: { roundId: string }[] }).rounds.map((r) => r.roundId);
}

describe('what staff requests read', () => {
	it('lists pre-report rounds without reading the unit, however many answers it holds', async () => {
		const open = roundDoc('a1', { prereports: true, date: '2027-03-01' });
		const walked = roundDoc('a1', { status: 'in_progress' });
		expect(await bulk('chef', [open, walked])).toMatchObject([{ ok: true }, { ok: true }]);
		expect(await listed()).toEqual([open._id]);

		const docsPerQuietCall: number[] = [];
		for (const more of [10, 600]) {
			for (let i = 0; i < more; i += 300) {
				const answers = Array.from({ length: Math.min(300, more - i) }, (_, k) =>
					answerDoc('unit-a1', walked._id, { itemId: `item-${i + k}` }),
				);
				expect((await bulk('chef', answers)).every((r) => r.ok)).toBe(true);
			}
			// The answer after the writes reads their ids, and no document: none is a round.
			await resetReads();
			expect(await listed()).toEqual([open._id]);
			expect(reads).toMatchObject({ changeRows: more, docs: 0 });
			// Nothing new: nothing read, whatever the unit holds.
			await resetReads();
			expect(await listed()).toEqual([open._id]);
			docsPerQuietCall.push(reads.changeRows + reads.docs);
		}
		expect(docsPerQuietCall).toEqual([0, 0]);
	});

	it('lists a unit’s members without reading every account', async () => {
		const list = vi.spyOn(UserStore.prototype, 'list');
		const res = await h.call({ url: '/api/units/a1/members', cookie: await h.signIn('chef') });
		// The manager, the safety rep and the twelve staff of Enhet A1, by name.
		expect(res.json().members.map((m: { name: string }) => m.name)).toEqual(
			['chef', 'medarbetare', ...Array.from({ length: 11 }, (_, i) => `medarbetare${i + 2}`), 'skyddsombud'].sort(),
		);
		expect(list).not.toHaveBeenCalled();
	});

	it('refuses a signature sent by staff without reading the round’s documents', async () => {
		const round = roundDoc('a1', { status: 'in_progress' });
		expect(await bulk('chef', [round])).toMatchObject([{ ok: true }]);
		await resetReads();
		const [refused] = await bulk('medarbetare', [
			signatureDoc('unit-a1', round._id, { signedBy: 'medarbetare', signerName: 'Mats Medarbetare' }),
		]);
		expect(refused).toMatchObject({ error: 'forbidden' });
		expect(reads.changeCalls).toBe(0);
	});
});
