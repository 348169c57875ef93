/**
 * An acknowledged write is on disk (decision 0023). A layer injected under the store, where
 * leveldown's native code takes over, sees every write the embedded store makes and holds
 * back the answer LevelDB gives once its fdatasync has returned: the store answers only after
 * it, every write asks for `sync`, and concurrent writes to one scope share one write (group
 * commit) with the answers each caller would have had alone. (That LevelDB's `sync` is an
 * fdatasync before its callback is shown with strace in docs/benchmarks.md.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LevelDown } from './durable-leveldown.ts';
import { pouchLeveldown } from './durable-leveldown.ts';
import type { StoredDoc, WriteResult } from './doc-store.ts';
import { PouchStore } from './pouch-store.ts';
import { writeDocs } from '../routes/scope.ts';
import { directContext, roundDoc } from '../test-harness.ts';

type Callback = (err?: Error | null) => void;
type Write = { kind: 'put' | 'del' | 'batch' | 'chained'; sync: boolean; values: string };

/** A layer over leveldown: records each write and can hold back LevelDB's answer to it. */
class Disk {
	readonly writes: Write[] = [];
	#held: (() => void)[] = [];
	hold = false;
	/** Writes whose values hold this text fail, as a disk error would. */
	poison: string | undefined;

	get heldCount(): number {
		return this.#held.length;
	}

	release(): void {
		this.hold = false;
		for (const go of this.#held.splice(0)) go();
	}

	readonly factory = (location: string): LevelDown => {
		const db = pouchLeveldown(location);
		const answer = (write: Write, callback: Callback) => (err?: Error | null) => {
			if (this.hold) this.#held.push(() => callback(err));
			else callback(err);
		};
		const record = (kind: Write['kind'], options: Record<string, unknown>, values: unknown[]): Write => {
			const write = { kind, sync: options.sync === true, values: values.map(String).join('\n') };
			this.writes.push(write);
			return write;
		};
		const { _put: put, _del: del, _batch: batch, _chainedBatch: chained } = db;
		db._put = (key, value, options, callback) =>
			put.call(db, key, value, options, answer(record('put', options, [value]), callback));
		db._del = (key, options, callback) => del.call(db, key, options, answer(record('del', options, []), callback));
		db._batch = (ops, options, callback) => {
			const values = (ops as { value?: unknown }[]).map((o) => String(o.value));
			// Refused before anything is written, as a failing disk would.
			if (this.poison && values.some((v) => v.includes(this.poison as string))) {
				record('batch', options, values);
				return void setImmediate(() => callback(new Error('disk error')));
			}
			batch.call(
				db,
				ops,
				options,
				answer(
					record(
						'batch',
						options,
						(ops as { value?: unknown }[]).map((o) => o.value),
					),
					callback,
				),
			);
		};
		db._chainedBatch = () => {
			const b = chained.call(db);
			const write = b._write;
			b._write = (options, callback) => write.call(b, options, answer(record('chained', options, []), callback));
			return b;
		};
		return db;
	};
}

let dir: string;
let disk: Disk;
let store: PouchStore;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-durable-'));
	disk = new Disk();
	store = new PouchStore({ dataDir: dir, leveldown: disk.factory });
});
afterEach(async () => {
	disk.release();
	await store.close();
	await rm(dir, { recursive: true, force: true });
});

const doc = (id: string, fields: Record<string, unknown> = {}): StoredDoc => ({ _id: id, type: 'round', ...fields });

/** Let LevelDB and the event loop run until `check` holds. */
async function until(check: () => boolean): Promise<void> {
	for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
	if (!check()) throw new Error('condition never held');
}

describe('embedded store durability', () => {
	it('answers a write only after LevelDB has synced it to disk', async () => {
		await store.info('unit-d'); // open the database first: opening writes too
		const before = disk.writes.length;
		disk.hold = true;
		let answered = false;
		const writing = store.bulkDocs('unit-d', [doc('round:d1', { title: 'on disk' })]).then((r) => {
			answered = true;
			return r;
		});
		await until(() => disk.heldCount > 0);
		// LevelDB has written and synced, but its answer is held: the store must not have answered.
		await new Promise((r) => setTimeout(r, 20));
		expect(answered).toBe(false);
		const mine = disk.writes.slice(before).find((w) => w.values.includes('on disk'));
		expect(mine).toMatchObject({ sync: true });
		disk.release();
		expect(await writing).toEqual([{ id: 'round:d1', rev: expect.stringMatching(/^1-/) }]);
		// Every write the store made, opening and compaction included, asked for sync.
		expect(disk.writes.length).toBeGreaterThan(0);
		expect(disk.writes.filter((w) => !w.sync)).toEqual([]);
		await store.putLocal('unit-d', 'cp', { since: '1' });
		expect(disk.writes.filter((w) => !w.sync)).toEqual([]);
		// The server's bookkeeping (a job's checkpoint, a quota counter) is not synced on its own (decision 0042).
		const at = disk.writes.length;
		await store.putLocal('unit-d', 'index.some-job', { since: '1' });
		await store.putLocal('unit-d', 'quota.person.x', { created: 1 });
		expect(disk.writes.slice(at).map((w) => w.sync)).toEqual([false, false]);
	});

	it('writes concurrent requests to one scope as one write, each with its own answers', async () => {
		await store.bulkDocs('unit-g', [doc('round:taken')]);
		disk.hold = true;
		const first = store.bulkDocs('unit-g', [doc('round:g0')]);
		await until(() => disk.heldCount > 0);
		const doneBefore = store.groupedWrites;
		// These arrive while the first is being written: they wait, then go together.
		const rest = Array.from({ length: 19 }, (_, i) =>
			store.bulkDocs('unit-g', [doc(`round:g${i + 1}a`), doc(`round:g${i + 1}b`)]),
		);
		const again = store.bulkDocs('unit-g', [doc('round:taken'), doc('round:g0')]);
		disk.release();
		const results: WriteResult[][] = [await first, ...(await Promise.all(rest)), await again];
		expect(store.groupedWrites - doneBefore).toBe(1);
		expect(results[0]).toEqual([{ id: 'round:g0', rev: expect.stringMatching(/^1-/) }]);
		for (let i = 1; i <= 19; i++) {
			expect(results[i]?.map((r) => r.id)).toEqual([`round:g${i}a`, `round:g${i}b`]);
			expect(results[i]?.every((r) => 'rev' in r)).toBe(true);
		}
		// A create over a stored document is a conflict, grouped or not.
		expect(results[20]?.map((r) => ('error' in r ? r.error : 'ok'))).toEqual(['conflict', 'conflict']);
		expect((await store.info('unit-g')).doc_count).toBe(1 + 1 + 38);
	});

	it('lets one caller’s failed write fail only that caller', async () => {
		await store.info('unit-p');
		disk.hold = true;
		const first = store.bulkDocs('unit-p', [doc('round:p0')]);
		await until(() => disk.heldCount > 0);
		disk.poison = 'poisoned';
		const bad = store.bulkDocs('unit-p', [doc('round:p1', { title: 'poisoned' })]);
		const good = store.bulkDocs('unit-p', [doc('round:p2')]);
		disk.hold = false;
		disk.release();
		await first;
		await expect(bad).rejects.toThrow();
		expect(await good).toEqual([{ id: 'round:p2', rev: expect.stringMatching(/^1-/) }]);
	});
});

describe('route writes to one scope (group commit, decision 0024)', () => {
	it('judges requests that arrive during a write together and writes them with one sync', async () => {
		const direct = await directContext(store, dir);
		try {
			const { ctx } = direct;
			const chef = direct.user('chef');
			const grants = await direct.grants(chef);
			await writeDocs(ctx, chef, grants, 'unit-a1', [roundDoc('a1')]); // the database and counter exist
			disk.hold = true;
			const first = writeDocs(ctx, chef, grants, 'unit-a1', [roundDoc('a1', { _id: 'round:first' })]);
			await until(() => disk.heldCount > 0);
			const before = disk.writes.length;
			const docs = Array.from({ length: 20 }, (_, i) => roundDoc('a1', { _id: `round:grouped-${i}` }));
			const rest = docs.map((d) => writeDocs(ctx, chef, grants, 'unit-a1', [d]));
			// A create over a stored id, in the same group: a conflict, as alone.
			const taken = writeDocs(ctx, chef, grants, 'unit-a1', [roundDoc('a1', { _id: 'round:first' })]);
			disk.release();
			expect(await first).toEqual([{ id: 'round:first', rev: expect.stringMatching(/^1-/), ok: true }]);
			const results = await Promise.all(rest);
			results.forEach((r, i) =>
				expect(r).toEqual([{ id: `round:grouped-${i}`, rev: expect.stringMatching(/^1-/), ok: true }]),
			);
			expect(await taken).toEqual([{ id: 'round:first', error: 'conflict', reason: 'Document update conflict.' }]);
			const group = disk.writes.slice(before).filter((w) => !w.values.includes('round:first'));
			// Twenty saves, two writes and one sync: the person's quota counter once, then all twenty
			// documents, whose sync carries the counter written before them (decision 0042).
			expect(group.map((w) => w.sync)).toEqual([false, true]);
			expect(group[0]?.values).toContain('"created":22');
			for (const d of docs) expect(group[1]?.values).toContain(d._id);
			expect((await store.info('unit-a1')).doc_count).toBe(22);
		} finally {
			await direct.close();
		}
	});
});
