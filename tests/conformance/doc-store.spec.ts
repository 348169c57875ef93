/**
 * One conformance suite for the storage port, run against every adapter: the embedded
 * PouchStore (temp folder) and the CouchStore over HTTP. The CouchStore runs against the
 * reference CouchDB-compatible server started here, or against a real CouchDB 3 when
 * COUCHDB_URL is set (see docs/deployment.md; the suite uses a random database prefix and
 * deletes its databases afterwards).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocStore, StoredDoc } from '../../sync-server/src/store/doc-store.ts';
import { PouchStore } from '../../sync-server/src/store/pouch-store.ts';
import { CouchStore } from '../../sync-server/src/store/couch-store.ts';
import { LOCAL_REV_REASON, LocalDocs } from '../../sync-server/src/store/local-docs.ts';
import { startCouchTarget, type CouchTarget } from './couch-target.ts';

type Adapter = { name: string; open: () => Promise<{ store: DocStore; done: () => Promise<void> }> };

const adapters: Adapter[] = [
	{
		name: 'PouchStore (embedded)',
		open: async () => {
			const dir = await mkdtemp(join(tmpdir(), 'trygg-conf-pouch-'));
			const store = new PouchStore({ dataDir: dir, maxOpen: 3 });
			return {
				store,
				done: async () => {
					await store.close();
					await rm(dir, { recursive: true, force: true });
				},
			};
		},
	},
	{
		name: `CouchStore (${process.env.COUCHDB_URL ? 'COUCHDB_URL' : 'reference server'})`,
		open: async () => {
			const target: CouchTarget = await startCouchTarget();
			const store = new CouchStore({ url: target.url, prefix: target.prefix, watchGraceMs: 50 });
			await store.connect();
			return {
				store,
				done: async () => {
					await store.close();
					await target.close();
				},
			};
		},
	},
];

let counter = 0;
/** A fresh scope per test, so tests never see each other's writes. */
function freshScope(): string {
	counter++;
	return `unit-c${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

function doc(id: string, fields: Record<string, unknown> = {}): StoredDoc {
	return { _id: id, type: 'round', scope: 'x', title: id, ...fields };
}

async function revOf(store: DocStore, scope: string, id: string): Promise<string> {
	const [row] = await store.allDocs(scope, [id]);
	if (!row || !('value' in row)) throw new Error(`no ${id}`);
	return row.value.rev;
}

describe.each(adapters)('DocStore conformance: $name', (adapter) => {
	let store: DocStore;
	let done: () => Promise<void>;

	beforeAll(async () => {
		({ store, done } = await adapter.open());
	});
	afterAll(async () => {
		await done();
	});

	describe('info and creation', () => {
		it('reads a scope nobody wrote as empty', async () => {
			const scope = freshScope();
			const info = await store.info(scope);
			expect(info).toMatchObject({ db_name: scope, doc_count: 0 });
			expect(typeof info.update_seq).toBe('string');
			expect((await store.changes(scope, {})).results).toEqual([]);
			expect(await store.allDocs(scope, ['a'])).toEqual([{ key: 'a', error: 'not_found' }]);
			expect(await store.getLocal(scope, 'cp')).toBeUndefined();
		});

		it('creates the scope on the first write', async () => {
			const scope = freshScope();
			const [res] = await store.bulkDocs(scope, [doc('round:1')]);
			expect(res).toMatchObject({ id: 'round:1', rev: expect.stringMatching(/^1-/) });
			const info = await store.info(scope);
			expect(info.doc_count).toBe(1);
			expect(info.update_seq).not.toBe('0');
		});

		it('creates the scope on the first local write', async () => {
			const scope = freshScope();
			await store.putLocal(scope, 'cp', { since: '0' });
			expect(await store.getLocal(scope, 'cp')).toMatchObject({ _id: '_local/cp', since: '0' });
		});
	});

	describe('changes', () => {
		it('lists every document once with its latest revision, in order', async () => {
			const scope = freshScope();
			await store.bulkDocs(scope, [doc('round:a'), doc('round:b')]);
			const rev = await revOf(store, scope, 'round:a');
			await store.bulkDocs(scope, [{ ...doc('round:a', { title: 'A2' }), _rev: rev }]);
			const { results, last_seq } = await store.changes(scope, {});
			expect(results.map((r) => r.id)).toEqual(['round:b', 'round:a']);
			expect(results[1]?.changes[0]?.rev).toMatch(/^2-/);
			expect(results.every((r) => typeof r.seq === 'string')).toBe(true);
			expect(last_seq).toBe(results[1]?.seq);
			expect(results[0]).not.toHaveProperty('doc');
		});

		it('pages with limit, and the last seq of a page continues exactly after it', async () => {
			const scope = freshScope();
			const ids = Array.from({ length: 7 }, (_, i) => `round:p${i}`);
			await store.bulkDocs(
				scope,
				ids.map((id) => doc(id)),
			);
			const seen: string[] = [];
			let since: string | undefined;
			for (let page = 0; page < 10; page++) {
				const res = await store.changes(scope, { ...(since ? { since } : {}), limit: 3 });
				if (res.results.length === 0) break;
				expect(res.results.length).toBeLessThanOrEqual(3);
				seen.push(...res.results.map((r) => r.id));
				since = res.last_seq;
			}
			expect(seen.sort()).toEqual([...ids].sort());
		});

		it('uses seqs as opaque strings: a later since never repeats what came before it', async () => {
			const scope = freshScope();
			await store.bulkDocs(scope, [doc('round:s1')]);
			const first = await store.changes(scope, {});
			await store.bulkDocs(scope, [doc('round:s2')]);
			const second = await store.changes(scope, { since: first.last_seq });
			expect(second.results.map((r) => r.id)).toEqual(['round:s2']);
			const third = await store.changes(scope, { since: second.last_seq });
			expect(third.results).toEqual([]);
			expect(typeof second.last_seq).toBe('string');
		});

		it('includes docs on request, and tombstones keep their fields', async () => {
			const scope = freshScope();
			await store.bulkDocs(scope, [doc('round:d', { scope: 'unit-x', type: 'round' })]);
			const rev = await revOf(store, scope, 'round:d');
			const [del] = await store.bulkDocs(scope, [
				{ _id: 'round:d', _rev: rev, _deleted: true, scope: 'unit-x', type: 'round' },
			]);
			expect(del).toMatchObject({ id: 'round:d', rev: expect.stringMatching(/^2-/) });
			const { results } = await store.changes(scope, { includeDocs: true });
			expect(results).toHaveLength(1);
			expect(results[0]).toMatchObject({ id: 'round:d', deleted: true });
			expect(results[0]?.doc).toMatchObject({ _id: 'round:d', _deleted: true, scope: 'unit-x', type: 'round' });
			expect((await store.info(scope)).doc_count).toBe(0);
		});
	});

	describe('bulk ordinary edits', () => {
		it('answers per document in request order: new, update, stale rev, missing rev', async () => {
			const scope = freshScope();
			await store.bulkDocs(scope, [doc('round:u'), doc('round:m')]);
			const rev1 = await revOf(store, scope, 'round:u');
			const [upd] = await store.bulkDocs(scope, [{ ...doc('round:u', { title: 'two' }), _rev: rev1 }]);
			expect(upd).toMatchObject({ id: 'round:u', rev: expect.stringMatching(/^2-/) });

			const results = await store.bulkDocs(scope, [
				doc('round:new'),
				{ ...doc('round:u', { title: 'stale' }), _rev: rev1 },
				doc('round:m', { title: 'no rev' }),
				{ ...doc('round:u', { title: 'three' }), _rev: (upd as { rev: string }).rev },
			]);
			expect(results.map((r) => r.id)).toEqual(['round:new', 'round:u', 'round:m', 'round:u']);
			expect(results[0]).toMatchObject({ rev: expect.stringMatching(/^1-/) });
			expect(results[1]).toMatchObject({ error: 'conflict' });
			expect(results[2]).toMatchObject({ error: 'conflict' });
			expect(results[3]).toMatchObject({ rev: expect.stringMatching(/^3-/) });

			const [row] = await store.allDocs(scope, ['round:u'], { includeDocs: true });
			expect(row && 'doc' in row ? row.doc : undefined).toMatchObject({ title: 'three' });
		});

		// Not a store guarantee: a `_rev` for a document that does not exist is stored by CouchDB 3.5
		// once the database holds any document. The sync server refuses it before the store
		// (decision 0015; api-couch.spec.ts and security.spec.ts).

		it('takes an empty batch without touching the store', async () => {
			expect(await store.bulkDocs(freshScope(), [])).toEqual([]);
		});
	});

	describe('allDocs with keys', () => {
		it('answers present, missing and deleted keys in key order', async () => {
			const scope = freshScope();
			await store.bulkDocs(scope, [doc('round:k1'), doc('round:k2')]);
			const rev = await revOf(store, scope, 'round:k2');
			await store.bulkDocs(scope, [{ _id: 'round:k2', _rev: rev, _deleted: true, scope: 'x', type: 'round' }]);
			const rows = await store.allDocs(scope, ['round:nope', 'round:k2', 'round:k1'], { includeDocs: true });
			expect(rows[0]).toEqual({ key: 'round:nope', error: 'not_found' });
			expect(rows[1]).toMatchObject({ id: 'round:k2', key: 'round:k2', value: { deleted: true }, doc: null });
			expect(rows[2]).toMatchObject({ id: 'round:k1', value: { rev: expect.stringMatching(/^1-/) } });
			expect(rows[2] && 'doc' in rows[2] ? rows[2].doc : undefined).toMatchObject({
				_id: 'round:k1',
				title: 'round:k1',
			});
			const bare = await store.allDocs(scope, ['round:k1']);
			expect(bare[0]).not.toHaveProperty('doc');
		});
	});

	describe('local documents', () => {
		// What every store guarantees. A stale or missing `_rev` is not refused by CouchDB, so that
		// check is Trygg's (LocalDocs, below).
		it('puts, reads, and updates on its current rev with a new rev', async () => {
			const scope = freshScope();
			const first = await store.putLocal(scope, 'checkpoint', { since: '5' });
			expect(first.id).toBe('_local/checkpoint');
			const got = await store.getLocal(scope, 'checkpoint');
			expect(got).toMatchObject({ _id: '_local/checkpoint', since: '5', _rev: first.rev });
			const second = await store.putLocal(scope, 'checkpoint', { since: '9', _rev: first.rev });
			expect(second.rev).not.toBe(first.rev);
			expect(await store.getLocal(scope, 'checkpoint')).toMatchObject({ since: '9', _rev: second.rev });
		});

		it('keeps local documents out of changes and allDocs', async () => {
			const scope = freshScope();
			await store.bulkDocs(scope, [doc('round:l')]);
			await store.putLocal(scope, 'cp', { since: '1' });
			expect((await store.changes(scope, {})).results.map((r) => r.id)).toEqual(['round:l']);
			expect((await store.info(scope)).doc_count).toBe(1);
			// Asked for by key, a local document is as absent as one never written: checkpoints and
			// quota counters are not the readers' to see (CouchDB itself would answer them).
			const rows = await store.allDocs(scope, ['_local/cp', 'round:l'], { includeDocs: true });
			expect(rows[0]).toEqual({ key: '_local/cp', error: 'not_found' });
			expect(rows[1]).toMatchObject({ id: 'round:l', doc: { _id: 'round:l' } });
		});
	});

	describe('LocalDocs above the store (decision 0021)', () => {
		it('takes a create, then only the current rev; refuses every other rev and keeps what is stored', async () => {
			const local = new LocalDocs(store);
			const scope = freshScope();
			const first = await local.put(scope, 'cp', { since: '1' });
			expect(first.rev).toBe('0-1');
			const second = await local.put(scope, 'cp', { since: '2', _rev: first.rev });
			expect(second.rev).toBe('0-2');
			for (const attempt of [
				{ since: 'stale', _rev: first.rev },
				{ since: 'no rev' },
				{ since: 'future', _rev: '0-3' },
			]) {
				await expect(local.put(scope, 'cp', attempt)).rejects.toMatchObject({ code: 'conflict', status: 409 });
			}
			for (const _rev of ['x', '1-0123456789abcdef0123456789abcdef', '0-0', '00-2', 2]) {
				await expect(local.put(scope, 'cp', { since: 'bad', _rev })).rejects.toMatchObject({
					code: 'bad_request',
					message: LOCAL_REV_REASON,
				});
			}
			expect(await local.get(scope, 'cp')).toMatchObject({ since: '2', _rev: '0-2' });
			expect((await local.put(scope, 'cp', { since: '3', _rev: '0-2' })).rev).toBe('0-3');
		});

		it('refuses a rev for a local document that does not exist, and stores nothing', async () => {
			const local = new LocalDocs(store);
			const scope = freshScope();
			await store.bulkDocs(scope, [doc('round:here')]);
			await expect(local.put(scope, 'ghost', { since: '1', _rev: '0-4' })).rejects.toMatchObject({
				code: 'conflict',
			});
			expect(await local.get(scope, 'ghost')).toBeUndefined();
		});

		it('lets exactly one of two writes on the same rev through', async () => {
			const local = new LocalDocs(store);
			const scope = freshScope();
			const { rev } = await local.put(scope, 'cp', { since: '0' });
			const settled = await Promise.allSettled([
				local.put(scope, 'cp', { since: 'a', _rev: rev }),
				local.put(scope, 'cp', { since: 'b', _rev: rev }),
			]);
			expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
			const won = settled.findIndex((s) => s.status === 'fulfilled');
			expect(await local.get(scope, 'cp')).toMatchObject({ since: won === 0 ? 'a' : 'b', _rev: '0-2' });
		});
	});

	describe('waitForChange', () => {
		it('resolves on a write to its scope, not on a write elsewhere', async () => {
			const scope = freshScope();
			const other = freshScope();
			await store.bulkDocs(scope, [doc('round:w0')]);
			const { last_seq } = await store.changes(scope, {});
			const stop = new AbortController();
			let woke = false;
			const waiting = store.waitForChange(scope, stop.signal, last_seq).then(() => {
				woke = true;
			});
			await store.bulkDocs(other, [doc('round:elsewhere')]);
			// The other write is settled; give a wrongly woken waiter a chance to run first.
			await store.changes(other, {});
			expect(woke).toBe(false);
			await store.bulkDocs(scope, [doc('round:w1')]);
			await waiting;
			expect(woke).toBe(true);
			stop.abort();
		});

		it('resolves at once when the scope moved past the given since', async () => {
			const scope = freshScope();
			await store.bulkDocs(scope, [doc('round:b0')]);
			const { last_seq } = await store.changes(scope, {});
			await store.bulkDocs(scope, [doc('round:b1')]);
			await store.waitForChange(scope, new AbortController().signal, last_seq);
		});

		it('resolves on abort and leaves no waiter behind', async () => {
			const scope = freshScope();
			const stop = new AbortController();
			const waiting = store.waitForChange(scope, stop.signal);
			stop.abort();
			await waiting;
			expect((store as unknown as { waiting(s: string): number }).waiting(scope)).toBe(0);
			const already = new AbortController();
			already.abort();
			await store.waitForChange(scope, already.signal);
		});

		it('wakes a thousand waiters on one scope with one write', async () => {
			const scope = freshScope();
			await store.bulkDocs(scope, [doc('round:t0')]);
			const { last_seq } = await store.changes(scope, {});
			const stop = new AbortController();
			const waits = Array.from({ length: 1000 }, () => store.waitForChange(scope, stop.signal, last_seq));
			expect((store as unknown as { waiting(s: string): number }).waiting(scope)).toBe(1000);
			await store.bulkDocs(scope, [doc('round:t1')]);
			await Promise.all(waits);
			expect((store as unknown as { waiting(s: string): number }).waiting(scope)).toBe(0);
		});
	});
});
