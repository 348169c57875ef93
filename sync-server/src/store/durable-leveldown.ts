/**
 * LevelDB that ends a write only once it is on disk (decision 0023). leveldown writes with
 * `sync: false` unless told otherwise: the write is in the OS page cache when its callback
 * runs, and a power cut after the sync server's ok loses it. Here every write PouchDB makes
 * (put, del, batch, chained batch) goes to LevelDB with `sync: true`, so LevelDB appends it to
 * its log and calls fdatasync before the callback, and PouchDB answers only after that.
 * The store groups concurrent writes to one database into one write (pouch-store.ts), so one
 * fdatasync covers them all.
 */
import { createRequire } from 'node:module';
import { cacheReads, ReadCache } from './read-cache-leveldown.ts';

type Callback = (err?: Error | null) => void;
type Options = Record<string, unknown>;
type ChainedBatch = { _write(options: Options, callback: Callback): void };

/** The leveldown methods this wrapper touches (abstract-leveldown's private write hooks). */
export type LevelDown = {
	_put(key: unknown, value: unknown, options: Options, callback: Callback): void;
	_del(key: unknown, options: Options, callback: Callback): void;
	_batch(operations: unknown[], options: Options, callback: Callback): void;
	_chainedBatch(): ChainedBatch;
};

export type LevelDownFactory = (location: string) => LevelDown;

/** The leveldown PouchDB itself loads (a dependency of pouchdb, not of ours). */
export const pouchLeveldown: LevelDownFactory = createRequire(createRequire(import.meta.url).resolve('pouchdb'))(
	'leveldown',
) as LevelDownFactory;

const synced = (options: Options | undefined): Options => ({ ...options, sync: true });

/**
 * The server's own bookkeeping in `_local` documents: quota counters (`quota.…`) and the report and
 * index jobs' checkpoints (`index.…`), no person's work. Their writes are not synced on their own
 * (decision 0042): a quota counter is written just before the documents it counts, in the same
 * database, and LevelDB appends both to its log in that order, so the documents' sync carries the
 * counter to disk too; a checkpoint that a power cut takes back means the job reads more at the
 * next start. Each of them cost an fdatasync ahead of the documents in the scope's write queue.
 */
const BOOKKEEPING_KEY = /^\u00fflocal-store\u00ff_local\/(?:quota|index)\./;

/** The write's options: synced unless every key it writes is bookkeeping. */
function durableFor(keys: readonly unknown[], options: Options | undefined): Options {
	const bookkeeping = keys.length > 0 && keys.every((k) => typeof k === 'string' && BOOKKEEPING_KEY.test(k));
	return bookkeeping ? { ...options } : synced(options);
}

/** `db` with every write made `sync: true`, bookkeeping aside (above). */
export function syncWrites(db: LevelDown): LevelDown {
	const { _put: put, _del: del, _batch: batch, _chainedBatch: chained } = db;
	db._put = (key, value, options, callback) => put.call(db, key, value, durableFor([key], options), callback);
	db._del = (key, options, callback) => del.call(db, key, durableFor([key], options), callback);
	db._batch = (operations, options, callback) =>
		batch.call(
			db,
			operations,
			durableFor(
				(operations as { key?: unknown }[]).map((op) => op.key),
				options,
			),
			callback,
		);
	db._chainedBatch = () => {
		const b = chained.call(db);
		const write = b._write;
		b._write = (options, callback) => write.call(b, synced(options), callback);
		return b;
	};
	return db;
}

/**
 * A leveldown constructor for PouchDB's `db` option: `lower` (leveldown, or a test's layer
 * over it) with every write synced. PouchDB caches open databases by the function's name, so
 * it is always the same name.
 */
export function durableLeveldown(lower: LevelDownFactory = pouchLeveldown): LevelDownFactory {
	return function durableLeveldown(location: string): LevelDown {
		const synced = syncWrites(lower(location));
		const db = (readCacheBytes > 0 ? cacheReads(synced, readCache) : synced) as Probed;
		opened.set(location, db);
		const close = db._close;
		db._close = (callback) =>
			close.call(db, (err) => {
				if (opened.get(location) === db) opened.delete(location);
				callback(err);
			});
		return db;
	};
}

type Probed = LevelDown & {
	_get(key: string, options: Options, callback: (err?: Error | null) => void): void;
	_close(callback: (err?: Error | null) => void): void;
};

/** The open LevelDBs made here, by location (PouchDB's database name). */
const opened = new Map<string, Probed>();

/**
 * Which of `keys` the LevelDB at `location` holds (through the read cache: one trip to LevelDB for
 * all the misses), or undefined when no database is open there. Asking PouchDB instead costs its
 * whole read path per key, an error object for every absent one included.
 */
export function heldKeys(location: string, keys: readonly string[]): Promise<boolean[]> | undefined {
	const db = opened.get(location);
	if (!db) return undefined;
	return Promise.all(
		keys.map(
			(key) =>
				new Promise<boolean>((resolve, reject) =>
					db._get(key, { asBuffer: true, fillCache: true }, (err) => {
						if (!err) resolve(true);
						else if (/notfound/i.test(err.message)) resolve(false);
						else reject(err);
					}),
				),
		),
	);
}

/** `TRYGG_READ_CACHE_MB` (default 32; 0 turns the cache off, for comparison). */
const readCacheBytes = Math.max(0, Number(process.env.TRYGG_READ_CACHE_MB ?? 32) || 0) * 1024 * 1024;

/** Reads of every embedded database, answered from memory where it knows them (decision 0042). */
export const readCache = new ReadCache(readCacheBytes);
