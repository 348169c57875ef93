/**
 * The read cache in front of LevelDB (decision 0042) answers exactly what LevelDB would: a value
 * is never visible before its write has returned, a read under way never brings back a value a
 * newer write replaced, overlapping or failed writes leave their keys out, and the byte bound
 * holds. Last, random PouchDB work on a cached and an uncached database gives the same answers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PouchDB from 'pouchdb';
import type { LevelDown } from './durable-leveldown.ts';
import { pouchLeveldown, syncWrites } from './durable-leveldown.ts';
import { cacheReads, ReadCache } from './read-cache-leveldown.ts';

type Callback = (err?: Error | null, value?: unknown) => void;
type Raw = LevelDown & {
	open(cb: Callback): void;
	close(cb: Callback): void;
	get(key: string, options: Record<string, unknown>, cb: Callback): void;
	put(key: unknown, value: unknown, cb: Callback): void;
	del(key: unknown, cb: Callback): void;
	batch(ops: unknown[], cb: Callback): void;
	_get(key: unknown, options: Record<string, unknown>, cb: Callback): void;
};

/** Leveldown with its reads counted and, on demand, its answers held back. */
function layer(location: string) {
	const db = pouchLeveldown(location) as Raw;
	/** `hold`: writes made now are answered late; `holdReads`: so many of the next reads are. */
	const state = { reads: 0, hold: false, holdReads: 0, held: [] as (() => void)[], failWrites: false };
	const {
		_get: get,
		_getMany: getMany,
		_batch: batch,
		_put: put,
	} = db as Raw & {
		_getMany(keys: unknown[], options: Record<string, unknown>, cb: Callback): void;
	};
	const later = <A extends unknown[]>(cb: (...a: A) => void) => {
		const holding = state.holdReads > 0;
		if (holding) state.holdReads--;
		return (...a: A) => (holding ? state.held.push(() => cb(...a)) : cb(...a));
	};
	db._get = (key, options, cb) => {
		state.reads++;
		get.call(db, key, options, later(cb));
	};
	(db as unknown as { _getMany: typeof getMany })._getMany = (keys, options, cb) => {
		state.reads += keys.length;
		getMany.call(db, keys, options, later(cb));
	};
	const answer = (cb: Callback) => {
		const holding = state.hold;
		return (err?: Error | null) => {
			if (holding) state.held.push(() => cb(err));
			else cb(err);
		};
	};
	db._batch = (ops, options, cb) => {
		if (state.failWrites) return void setImmediate(() => cb(new Error('disk error')));
		batch.call(db, ops, options, answer(cb));
	};
	db._put = (key, value, options, cb) => {
		if (state.failWrites) return void setImmediate(() => cb(new Error('disk error')));
		put.call(db, key, value, options, answer(cb));
	};
	/** Give the held answers, once LevelDB has given them all. */
	const release = async (count: number) => {
		state.hold = false;
		while (state.held.length < count) await new Promise((r) => setTimeout(r, 1));
		for (const go of state.held.splice(0)) go();
	};
	return { db, state, release };
}

const call = <T>(fn: (cb: Callback) => void): Promise<T> =>
	new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-read-cache-'));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

async function opened(cache = new ReadCache(1 << 20)) {
	const l = layer(join(dir, 'db'));
	const db = cacheReads(syncWrites(l.db), cache) as Raw;
	await call((cb) => db.open(cb));
	const get = (key: string) => call<string>((cb) => db.get(key, { asBuffer: false }, cb));
	return { ...l, db, cache, get, close: () => call((cb) => db.close(cb)) };
}

describe('read cache over leveldown', () => {
	it('answers a written key from memory once the write has returned, and a missing one too', async () => {
		const t = await opened();
		await call((cb) => t.db.put('a', 'one', cb));
		const before = t.state.reads;
		expect(await t.get('a')).toBe('one');
		expect(await t.get('a')).toBe('one');
		expect(t.state.reads).toBe(before);
		// A miss is remembered too, as LevelDB's own "not found".
		await expect(t.get('nope')).rejects.toThrow(/notfound/i);
		await expect(t.get('nope')).rejects.toThrow(/notfound/i);
		expect(t.state.reads).toBe(before + 1);
		// Buffers come back as buffers, copies each time.
		const buf = await call<Buffer>((cb) => t.db.get('a', {}, cb));
		expect(Buffer.isBuffer(buf) && buf.toString()).toBe('one');
		buf.fill(0);
		expect(await t.get('a')).toBe('one');
		await call((cb) => t.db.del('a', cb));
		await expect(t.get('a')).rejects.toThrow(/notfound/i);
		// Closed, the database's entries go.
		expect(t.cache.bytes).toBeGreaterThan(0);
		await t.close();
		expect(t.cache.bytes).toBe(0);
	});

	it('never shows a write before LevelDB has answered it', async () => {
		const t = await opened();
		await call((cb) => t.db.put('k', 'old', cb));
		t.state.hold = true;
		let returned = false;
		const writing = call((cb) => t.db.put('k', 'new', cb)).then(() => (returned = true));
		t.state.hold = false;
		// Until the write returns, the key is read from LevelDB, never from the cache.
		const reads = t.state.reads;
		expect(['old', 'new']).toContain(await t.get('k'));
		expect(t.state.reads).toBe(reads + 1);
		expect(returned).toBe(false);
		await t.release(1);
		await writing;
		expect(await t.get('k')).toBe('new');
		expect(t.state.reads).toBe(reads + 1);
		await t.close();
	});

	it('does not keep what a read brought back if a write to its key was issued meanwhile', async () => {
		const t = await opened();
		await call((cb) => t.db.put('k', 'v1', cb));
		t.cache.clearAll(); // the next read goes to LevelDB
		t.state.holdReads = 1;
		const late = t.get('k');
		await new Promise((r) => setImmediate(r)); // LevelDB has been asked
		await call((cb) => t.db.put('k', 'v2', cb));
		await t.release(1);
		expect(['v1', 'v2']).toContain(await late);
		// The late answer was not kept: the cache has the write's value, and LevelDB is not asked.
		const reads = t.state.reads;
		expect(await t.get('k')).toBe('v2');
		expect(t.state.reads).toBe(reads);
		await t.close();
	});

	it('leaves out keys of overlapping writes and of failed ones', async () => {
		const t = await opened();
		t.state.hold = true;
		const w1 = call((cb) => t.db.put('k', 'first', cb));
		const w2 = call((cb) => t.db.put('k', 'second', cb));
		await t.release(2);
		await Promise.all([w1, w2]);
		const n = t.state.reads;
		expect(await t.get('k')).toBe(await call<string>((cb) => t.db._get('k', { asBuffer: false }, cb)));
		expect(t.state.reads).toBeGreaterThan(n);

		t.state.failWrites = true;
		await expect(call((cb) => t.db.put('bad', 'value', cb))).rejects.toThrow('disk error');
		t.state.failWrites = false;
		await expect(t.get('bad')).rejects.toThrow(/notfound/i);
		await t.close();
	});

	it('asks LevelDB for the reads of one turn together, each getting its own answer', async () => {
		const t = await opened();
		await call((cb) =>
			t.db.batch(
				[
					{ type: 'put', key: 'a', value: 'A' },
					{ type: 'put', key: 'b', value: 'B' },
				],
				cb,
			),
		);
		t.cache.clearAll();
		const answers = await Promise.all(['a', 'zz', 'b'].map((k) => t.get(k).catch((e: Error) => e.message)));
		expect(answers).toEqual(['A', 'NotFound: ', 'B']);
		// And what they brought back is kept.
		const reads = t.state.reads;
		expect(await Promise.all(['a', 'b'].map((k) => t.get(k)))).toEqual(['A', 'B']);
		await expect(t.get('zz')).rejects.toThrow(/notfound/i);
		expect(t.state.reads).toBe(reads);
		await t.close();
	});

	it('empties its part of the cache on a binary key', async () => {
		const t = await opened();
		await call((cb) => t.db.put('a', 'one', cb));
		await call((cb) => t.db.put(Buffer.from('a'), 'two', cb));
		expect(await t.get('a')).toBe('two');
		await t.close();
	});

	it('stays within its byte bound and keeps what is read', () => {
		const cache = new ReadCache(10_000);
		const [a, b] = [cache.part(), cache.part()];
		cache.set(a, 'hot', 'x'.repeat(100));
		for (let i = 0; i < 500; i++) {
			cache.get(a, 'hot');
			cache.set(i % 2 ? a : b, `k${i}`, 'y'.repeat(100));
			expect(cache.bytes).toBeLessThanOrEqual(10_000);
		}
		expect(cache.get(a, 'hot')?.value).toBe('x'.repeat(100));
		expect(cache.get(b, 'k0')).toBeUndefined();
		expect(cache.get(a, 'k499')?.value).toBe('y'.repeat(100));
		// Too large to keep at all.
		cache.set(a, 'big', 'z'.repeat(100_000));
		expect(cache.get(a, 'big')).toBeUndefined();
		// A part cleared gives its bytes back.
		const before = cache.bytes;
		const inA = [...a.values()].reduce((n, e) => n + e.bytes, 0);
		cache.clear(a);
		expect(cache.bytes).toBe(before - inA);
		expect(cache.get(a, 'hot')).toBeUndefined();
	});
});

describe('PouchDB over the cache', () => {
	type Op = { kind: 'put' | 'remove' | 'get' | 'changes' | 'bulk'; id: number; n: number };
	const op = fc.record({
		kind: fc.constantFrom<Op['kind']>('put', 'remove', 'get', 'changes', 'bulk'),
		id: fc.integer({ min: 0, max: 3 }),
		n: fc.integer({ min: 0, max: 1000 }),
	});

	async function run(db: PouchDB.Database, ops: Op[]): Promise<unknown[]> {
		const out: unknown[] = [];
		const result = async (p: Promise<unknown>) =>
			p.then(
				(v) => v,
				(e: { status?: number; name?: string }) => ({ status: e.status, name: e.name }),
			);
		// Three at once, as the server issues them, on different documents (else which one wins is a race).
		for (let i = 0; i < ops.length; i += 3) {
			let settle = (): void => undefined;
			const others = new Promise<void>((r) => (settle = r));
			const batch = ops.slice(i, i + 3).map(async (o, j) => {
				const id = `doc${(o.id % 2) + 2 * j}`;
				const current = await result(db.get(id));
				const rev = (current as { _rev?: string })._rev;
				switch (o.kind) {
					case 'put':
						return result(db.put({ _id: id, ...(rev ? { _rev: rev } : {}), n: o.n }).then((r) => r.ok));
					case 'remove':
						return rev ? result(db.remove(id, rev).then((r) => r.ok)) : 'absent';
					case 'bulk':
						return result(
							db
								.bulkDocs([
									{ _id: id, n: o.n },
									{ _id: `new${i}-${j}`, n: o.n },
								])
								.then((rs) => rs.map((r) => ('ok' in r ? 'ok' : (r as { status?: number }).status))),
						);
					case 'get':
						return result(db.get(id).then((d) => (d as unknown as { n: number }).n));
					case 'changes':
						// After the others of its batch: what a feed read during writes sees is a race.
						await others;
						return result(
							db
								.changes({ include_docs: true })
								.then((c) =>
									c.results
										.map((r) => [r.id, r.deleted, (r.doc as { n?: number } | undefined)?.n])
										.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
								),
						);
				}
			});
			void Promise.all(batch.filter((_, j) => ops[i + j]?.kind !== 'changes')).then(() => settle());
			out.push(...(await Promise.all(batch)));
		}
		out.push(
			await db
				.allDocs({ include_docs: true })
				.then((r) => r.rows.map((x) => [x.id, (x.doc as { n?: number } | undefined)?.n])),
		);
		return out;
	}

	it('gives the answers of PouchDB without it', async () => {
		let round = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
				round++;
				const cache = new ReadCache(1 << 20);
				const cached = new PouchDB(join(dir, `c${round}`), {
					auto_compaction: true,
					db: function cachedLeveldown(location: string) {
						return cacheReads(pouchLeveldown(location), cache);
					},
				} as PouchDB.Configuration.DatabaseConfiguration);
				const plain = new PouchDB(join(dir, `p${round}`), {
					auto_compaction: true,
					db: function plainLeveldown(location: string) {
						return pouchLeveldown(location);
					},
				} as PouchDB.Configuration.DatabaseConfiguration);
				try {
					expect(await run(cached, ops)).toEqual(await run(plain, ops));
				} finally {
					await cached.close();
					await plain.close();
				}
			}),
			{ numRuns: 25 },
		);
	}, 120_000);
});
