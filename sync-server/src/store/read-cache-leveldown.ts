/**
 * A read cache in front of LevelDB (decision 0042). The embedded store's LevelDB is locked to
 * this process and every write goes through the leveldown object wrapped here, so the cache
 * knows every change: a read answered from it is what LevelDB would answer. PouchDB reads the
 * same few keys again and again on the write path (an account, a template, the document a save
 * replaces, once by Trygg's rules and once by PouchDB itself, and the stats job reading what was
 * just written); each read from LevelDB is a trip through libuv's thread pool.
 *
 * - A write is not visible in the cache before LevelDB has it: its keys leave the cache when the
 *   write is issued, and come back with the written value when it has returned (after its
 *   fdatasync, durable-leveldown.ts). A key with two writes in flight at once stays out.
 * - A read fills the cache only if no write to its key was issued while it was under way.
 * - Only string keys are cached (PouchDB's); a write with a binary key, or a range clear, empties
 *   the database's part of the cache.
 */
import type { LevelDown } from './durable-leveldown.ts';

type Callback = (err?: Error | null, value?: unknown) => void;
type Options = Record<string, unknown>;
type Value = string | Buffer;
type Op = { type: 'put' | 'del'; key: unknown; value?: unknown };

/** Values larger than this are never cached (a stats checkpoint holding every record of a unit). */
const MAX_VALUE_BYTES = 64 * 1024;

/** One database's entries, by key. */
export type CachePart = Map<string, Entry>;
type Entry = { value: Value | null; bytes: number; used: boolean; part: CachePart; key: string };

/**
 * One cache for every open database (each its own part), bounded in bytes. Eviction is "second
 * chance" over insertion order: an entry read since it was last passed over goes round once more.
 * A hit costs one lookup.
 */
export class ReadCache {
	/** Every entry, oldest first. */
	readonly #order = new Set<Entry>();
	readonly #maxBytes: number;
	#bytes = 0;

	constructor(maxBytes: number) {
		this.#maxBytes = maxBytes;
	}

	/** A new, empty part for one database. */
	part(): CachePart {
		return new Map();
	}

	get(part: CachePart, key: string): Entry | undefined {
		const entry = part.get(key);
		if (entry) entry.used = true;
		return entry;
	}

	set(part: CachePart, key: string, value: Value | null): void {
		this.delete(part, key);
		const bytes = key.length + (value === null ? 0 : typeof value === 'string' ? value.length * 2 : value.length) + 64;
		if (bytes > MAX_VALUE_BYTES) return;
		const entry: Entry = { value, bytes, used: false, part, key };
		part.set(key, entry);
		this.#order.add(entry);
		this.#bytes += bytes;
		while (this.#bytes > this.#maxBytes) {
			const oldest = this.#order.values().next().value as Entry;
			this.#order.delete(oldest);
			if (oldest.used) {
				oldest.used = false;
				this.#order.add(oldest);
			} else {
				oldest.part.delete(oldest.key);
				this.#bytes -= oldest.bytes;
			}
		}
	}

	delete(part: CachePart, key: string): void {
		const entry = part.get(key);
		if (!entry) return;
		part.delete(key);
		this.#order.delete(entry);
		this.#bytes -= entry.bytes;
	}

	/** Drop a database's part. */
	clear(part: CachePart): void {
		for (const entry of part.values()) {
			this.#order.delete(entry);
			this.#bytes -= entry.bytes;
		}
		part.clear();
	}

	/** Drop everything (tests). */
	clearAll(): void {
		for (const entry of this.#order) entry.part.delete(entry.key);
		this.#order.clear();
		this.#bytes = 0;
	}

	get bytes(): number {
		return this.#bytes;
	}
}

type CachedLevelDown = LevelDown & {
	_get(key: unknown, options: Options, callback: Callback): void;
	_getMany?(keys: string[], options: Options, callback: (err: Error | null, values?: unknown[]) => void): void;
	_clear?(options: Options, callback: Callback): void;
	_close?(callback: Callback): void;
};

/** Writes whose keys are remembered for reads under way; past this the oldest reads just do not fill. */
const MAX_RECENT_KEYS = 10_000;

/** `db` with reads answered from `cache` where it knows the key. */
export function cacheReads(db: LevelDown, cache: ReadCache): LevelDown {
	const d = db as CachedLevelDown;
	const part = cache.part();
	const { _get: get, _getMany: getMany, _put: put, _del: del, _batch: batch, _chainedBatch: chained } = d;
	const clear = d._clear;
	/** Writes issued so far, numbered. */
	let issued = 0;
	/** Reads that began before this write number may not fill the cache (a clear, a binary key, forgotten keys). */
	let barrier = 0;
	/** Keys with writes in flight: how many, and whether two were in flight at once (then the order is unknown). */
	const inFlight = new Map<string, { count: number; overlapped: boolean }>();
	/** The number of the latest write issued to each key, while reads are under way. */
	const recent = new Map<string, number>();
	let reading = 0;

	const forgetAll = (): void => {
		cache.clear(part);
		barrier = ++issued;
		recent.clear();
	};
	/** Keys leave the cache when their write is issued; false when the write cannot be tracked. */
	const begin = (ops: readonly Op[]): boolean => {
		if (ops.some((op) => typeof op.key !== 'string')) {
			forgetAll();
			return false;
		}
		const n = ++issued;
		for (const op of ops) {
			const key = op.key as string;
			cache.delete(part, key);
			const f = inFlight.get(key);
			if (f) {
				f.count++;
				f.overlapped = true;
			} else inFlight.set(key, { count: 1, overlapped: false });
			if (reading > 0) recent.set(key, n);
		}
		if (recent.size > MAX_RECENT_KEYS) {
			recent.clear();
			barrier = n;
		}
		return true;
	};
	/** Keys come back with their written value once the write has returned (never when two overlapped). */
	const end = (ops: readonly Op[], ok: boolean): void => {
		for (const op of ops) {
			const key = op.key as string;
			const f = inFlight.get(key);
			if (!f || --f.count > 0) continue;
			inFlight.delete(key);
			if (!ok || f.overlapped) continue;
			if (op.type === 'del') cache.set(part, key, null);
			else if (typeof op.value === 'string' || Buffer.isBuffer(op.value)) cache.set(part, key, op.value);
		}
	};
	const write = (ops: readonly Op[], run: (cb: Callback) => void, callback: Callback): void => {
		const tracked = begin(ops);
		run((err) => {
			if (tracked) end(ops, !err);
			callback(err);
		});
	};

	d._get = (key, options, callback) => {
		if (typeof key !== 'string') return get.call(d, key, options, callback);
		const asBuffer = options.asBuffer !== false;
		const hit = cache.get(part, key);
		if (hit) {
			const v = hit.value;
			return process.nextTick(() => {
				if (v === null) return callback(new Error('NotFound: '));
				// A copy: the caller may change its buffer.
				callback(null, asBuffer ? Buffer.from(v) : Buffer.isBuffer(v) ? v.toString() : v);
			});
		}
		const since = issued;
		reading++;
		read(key, options, (err, value) => {
			reading--;
			const last = recent.get(key);
			if (since >= barrier && !inFlight.has(key) && (last === undefined || last <= since)) {
				if (err && /notfound/i.test(err.message)) cache.set(part, key, null);
				else if (!err && (typeof value === 'string' || Buffer.isBuffer(value))) {
					cache.set(part, key, Buffer.isBuffer(value) ? Buffer.from(value) : value);
				}
			}
			if (reading === 0) recent.clear();
			callback(err, value);
		});
	};

	/**
	 * Reads LevelDB is asked for in one turn go as one `getMany` (one trip through the thread pool;
	 * PouchDB asks for every document of a batch at once). What one read would answer, each gets.
	 */
	let queued: { key: string; options: Options; callback: Callback }[] = [];
	const read = (key: string, options: Options, callback: Callback): void => {
		if (!getMany) return get.call(d, key, options, callback);
		queued.push({ key, options, callback });
		if (queued.length === 1) queueMicrotask(flush);
	};
	const flush = (): void => {
		const reads = queued;
		queued = [];
		const groups = new Map<string, typeof reads>();
		for (const r of reads) {
			const kind = `${r.options.asBuffer !== false}:${r.options.fillCache !== false}`;
			const group = groups.get(kind);
			if (group) group.push(r);
			else groups.set(kind, [r]);
		}
		for (const group of groups.values()) {
			const first = group[0] as (typeof reads)[number];
			if (group.length === 1) {
				get.call(d, first.key, first.options, first.callback);
				continue;
			}
			(getMany as NonNullable<typeof getMany>).call(
				d,
				group.map((r) => r.key),
				first.options,
				(err, values) => {
					group.forEach((r, i) => {
						if (err) return r.callback(err);
						const value = values?.[i];
						if (value === undefined) r.callback(new Error('NotFound: '));
						else r.callback(null, value);
					});
				},
			);
		}
	};
	d._put = (key, value, options, callback) => {
		write([{ type: 'put', key, value }], (cb) => put.call(d, key, value, options, cb), callback);
	};
	d._del = (key, options, callback) => {
		write([{ type: 'del', key }], (cb) => del.call(d, key, options, cb), callback);
	};
	d._batch = (operations, options, callback) => {
		write(operations as Op[], (cb) => batch.call(d, operations, options, cb), callback);
	};
	d._chainedBatch = () => {
		const b = chained.call(d) as ReturnType<LevelDown['_chainedBatch']> & {
			_put(key: unknown, value: unknown): void;
			_del(key: unknown): void;
			_clear(): void;
		};
		const ops: Op[] = [];
		const { _put: bput, _del: bdel, _clear: bclear, _write: bwrite } = b;
		b._put = (key, value) => {
			ops.push({ type: 'put', key, value });
			bput.call(b, key, value);
		};
		b._del = (key) => {
			ops.push({ type: 'del', key });
			bdel.call(b, key);
		};
		b._clear = () => {
			ops.length = 0;
			bclear.call(b);
		};
		b._write = (options, callback) => write([...ops], (cb) => bwrite.call(b, options, cb), callback);
		return b;
	};
	// A closed database's entries are of no more use (it is opened again with a new part).
	const close = d._close;
	if (close) {
		d._close = (callback) => {
			close.call(d, (err) => {
				cache.clear(part);
				callback(err);
			});
		};
	}
	if (clear) {
		d._clear = (options, callback) => {
			forgetAll();
			clear.call(d, options, (err) => {
				// Reads that began while it ran must not fill the cache with what it removed.
				forgetAll();
				callback(err);
			});
		};
	}
	return d;
}
