/**
 * The embedded storage adapter: one PouchDB (LevelDB) database per scope under
 * `<dataDir>/db/<scope>`, opened on first use and closed again by a bounded pool (least
 * recently used beyond `maxOpen`, and any left idle for `idleMs`), so thousands of unit scopes
 * never exhaust memory or file handles. Longpoll waiters hang off one in-process list per
 * scope and never hold a database open. It never stores a conflict branch (only ordinary
 * edits) and never logs document contents.
 */
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import PouchDB from 'pouchdb';
import { AppError, isAnonDatabase, isScope } from '../../../src/lib/domain/index.ts';
import type { AllDocsRow, ChangesResult, DocStore, ScopeInfo, StoredDoc, WriteResult } from './doc-store.ts';
import { StoreOpenError } from './doc-store.ts';
import { WaiterLists } from './waiters.ts';
import { durableLeveldown, heldKeys, type LevelDownFactory } from './durable-leveldown.ts';

type Db = PouchDB.Database<Record<string, unknown>>;
type Entry = { db: Db; users: number; lastUsed: number };

export type PouchStoreOptions = {
	dataDir: string;
	/** Most databases open at once (in use ones may briefly exceed it). */
	maxOpen?: number;
	/** Close a database nobody used for this long. */
	idleMs?: number;
	/** Milliseconds now, for the idle clock (tests pass a fake). */
	now?: () => number;
	/** What LevelDB writes through, under the sync of every write (tests pass a layer over leveldown). */
	leveldown?: LevelDownFactory;
};

/**
 * Where PouchDB 9's LevelDB adapter keeps a document's metadata: this prefix and the id (its
 * `document-store` sublevel). Checked by pouch-store.spec.ts against a stored document.
 */
export const DOC_STORE_PREFIX = '\u00ffdocument-store\u00ff';

/** At most this many documents go to the store as one grouped write. */
const MAX_GROUP_DOCS = 2000;

type Queued = { docs: StoredDoc[]; done: (results: WriteResult[]) => void; failed: (err: unknown) => void };

/** Each open LevelDB holds a few file handles; 100 stays far below the usual limit of 1024. */
export const DEFAULT_MAX_OPEN = 100;
export const DEFAULT_IDLE_MS = 60_000;

/**
 * Open (and touch) a PouchDB at `dir` whose writes end only once on disk (durable-leveldown.ts),
 * turning open failures into StoreOpenError. `lower` replaces leveldown under it (tests).
 */
export async function openPouch(dir: string, lower?: LevelDownFactory): Promise<Db> {
	await mkdir(path.dirname(dir), { recursive: true });
	const db: Db = new PouchDB(dir, {
		auto_compaction: true,
		db: durableLeveldown(lower),
	} as PouchDB.Configuration.DatabaseConfiguration);
	try {
		await db.info();
		// LevelDB syncs the files in its folder, not the folder's entry in its parent: a database
		// created for a first write must not vanish in a crash after the write was answered.
		await syncDir(path.dirname(dir));
	} catch (err) {
		await db.close().catch(() => undefined);
		throw new StoreOpenError(`cannot open the store at ${dir}`, { cause: err });
	}
	return db;
}

async function syncDir(dir: string): Promise<void> {
	const handle = await open(dir, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/** PouchDB's embedded sequences are integers; on the wire they are opaque strings. */
function fromSeq(since: string | undefined): number {
	if (since === undefined || since === '' || since === '0') return 0;
	const n = Number(since);
	if (!/^\d+$/.test(since) || !Number.isSafeInteger(n)) {
		throw new AppError('bad_request', 'since is not a sequence of this server');
	}
	return n;
}

function conflict(): AppError {
	return new AppError('conflict', 'Document update conflict.');
}

/** `_all_docs` with `keys` as the wire has it, through PouchDB. */
async function rowsOf(db: Db, keys: string[], includeDocs: boolean): Promise<AllDocsRow[]> {
	const res = await db.allDocs({ keys, include_docs: includeDocs });
	return res.rows.map((row): AllDocsRow => {
		const r = row as unknown as Record<string, unknown>;
		if ('error' in r) return { key: String(r.key), error: 'not_found' };
		const value = r.value as { rev: string; deleted?: boolean };
		return {
			id: String(r.id),
			key: String(r.key),
			value: { rev: value.rev, ...(value.deleted ? { deleted: true } : {}) },
			...(includeDocs ? { doc: (r.doc as StoredDoc | null | undefined) ?? null } : {}),
		};
	});
}

export class PouchStore implements DocStore {
	readonly #root: string;
	readonly #maxOpen: number;
	readonly #idleMs: number;
	readonly #open = new Map<string, Entry>();
	readonly #opening = new Map<string, Promise<Entry>>();
	/** Databases being closed: a reopen waits for the close, so LevelDB's lock is free. */
	readonly #closing = new Map<string, Promise<void>>();
	readonly #waiters = new WaiterLists();
	readonly #sweeper: NodeJS.Timeout;
	readonly #now: () => number;
	readonly #leveldown: LevelDownFactory | undefined;
	/** Writes waiting per scope while one is being written (group commit). */
	readonly #queues = new Map<string, Queued[]>();
	#groupedWrites = 0;
	#closed = false;

	constructor(opts: PouchStoreOptions) {
		this.#root = path.join(opts.dataDir, 'db');
		this.#maxOpen = Math.max(1, opts.maxOpen ?? DEFAULT_MAX_OPEN);
		this.#idleMs = Math.max(1, opts.idleMs ?? DEFAULT_IDLE_MS);
		this.#now = opts.now ?? Date.now;
		this.#leveldown = opts.leveldown;
		this.#sweeper = setInterval(() => void this.closeIdle(), Math.max(50, Math.min(this.#idleMs, 30_000)));
		this.#sweeper.unref();
	}

	/** How many scope databases are open now. */
	get openCount(): number {
		return this.#open.size;
	}

	/** How many writes went to the databases, each possibly grouping several requests (for tests). */
	get groupedWrites(): number {
		return this.#groupedWrites;
	}

	/** How many longpolls wait on `scope` (for tests and metrics). */
	waiting(scope: string): number {
		return this.#waiters.count(scope);
	}

	async #acquire(scope: string): Promise<Entry> {
		if (this.#closed) throw new AppError('server', 'store is closed');
		// Scope names (and the anonymous road's anon-* names, as strict) are the only path component;
		// checking them keeps writes inside dataDir.
		if (!isScope(scope) && !isAnonDatabase(scope)) throw new AppError('not_found', 'Database does not exist.');
		let entry = this.#open.get(scope);
		if (entry) {
			this.#open.delete(scope); // re-insert: Map order is the LRU order
			this.#open.set(scope, entry);
		} else {
			let pending = this.#opening.get(scope);
			if (!pending) {
				pending = this.#openEntry(scope);
				this.#opening.set(scope, pending);
				void pending.then(
					() => this.#opening.delete(scope),
					() => this.#opening.delete(scope),
				);
			}
			entry = await pending;
		}
		entry.users++;
		entry.lastUsed = this.#now();
		return entry;
	}

	async #openEntry(scope: string): Promise<Entry> {
		await this.#closing.get(scope);
		const entry = {
			db: await openPouch(path.join(this.#root, scope), this.#leveldown),
			users: 0,
			lastUsed: this.#now(),
		};
		this.#open.set(scope, entry);
		return entry;
	}

	#release(entry: Entry): void {
		entry.users--;
		entry.lastUsed = this.#now();
		if (this.#open.size > this.#maxOpen) this.#evict(() => this.#open.size > this.#maxOpen);
	}

	/** Close unused databases in LRU order while `more()` says so. */
	#evict(more: (entry: Entry) => boolean): void {
		for (const [scope, entry] of this.#open) {
			if (entry.users > 0) continue;
			if (!more(entry)) continue;
			this.#closeEntry(scope, entry);
		}
	}

	#closeEntry(scope: string, entry: Entry): void {
		this.#open.delete(scope);
		const done = entry.db
			.close()
			.catch(() => undefined)
			.finally(() => {
				if (this.#closing.get(scope) === done) this.#closing.delete(scope);
			});
		this.#closing.set(scope, done);
	}

	/** Close every database unused for `idleMs` (runs on a timer; tests call it directly). */
	async closeIdle(): Promise<void> {
		const cutoff = this.#now() - this.#idleMs;
		this.#evict((entry) => entry.lastUsed <= cutoff);
		await Promise.all([...this.#closing.values()]);
	}

	async #with<T>(scope: string, fn: (db: Db) => Promise<T>): Promise<T> {
		const entry = await this.#acquire(scope);
		try {
			return await fn(entry.db);
		} finally {
			this.#release(entry);
		}
	}

	info(scope: string): Promise<ScopeInfo> {
		return this.#with(scope, async (db) => {
			const info = await db.info();
			return { db_name: scope, update_seq: String(info.update_seq), doc_count: info.doc_count };
		});
	}

	changes(scope: string, opts: { since?: string; limit?: number; includeDocs?: boolean }): Promise<ChangesResult> {
		return this.#with(scope, async (db) => {
			const since = fromSeq(opts.since);
			const res = await db.changes({
				since,
				...(opts.limit !== undefined ? { limit: opts.limit } : {}),
				include_docs: opts.includeDocs === true,
			});
			const results = res.results.map((row) => ({
				seq: String(row.seq),
				id: row.id,
				changes: row.changes.map((c) => ({ rev: c.rev })),
				...(row.deleted ? { deleted: true } : {}),
				...(opts.includeDocs && row.doc ? { doc: row.doc as StoredDoc } : {}),
			}));
			return { results, last_seq: String(res.last_seq) };
		});
	}

	/**
	 * Answers once the documents are on disk (every write is synced, durable-leveldown.ts). Writes
	 * to a scope that arrive while one is being written wait and then go as one write, in arrival
	 * order, so one fdatasync covers them all (group commit); each caller gets its own results.
	 */
	async bulkDocs(scope: string, docs: StoredDoc[]): Promise<WriteResult[]> {
		if (docs.length === 0) return [];
		const out = await new Promise<WriteResult[]>((done, failed) => {
			const queue = this.#queues.get(scope);
			if (queue) queue.push({ docs, done, failed });
			else {
				this.#queues.set(scope, [{ docs, done, failed }]);
				void this.#drain(scope);
			}
		});
		if (out.some((r) => 'rev' in r)) this.#waiters.wake(scope);
		return out;
	}

	/** Write the scope's queue in groups until it is empty. */
	async #drain(scope: string): Promise<void> {
		const queue = this.#queues.get(scope) ?? [];
		while (queue.length > 0) {
			const group: Queued[] = [];
			let size = 0;
			while (queue.length > 0 && (group.length === 0 || size + (queue[0]?.docs.length ?? 0) <= MAX_GROUP_DOCS)) {
				const next = queue.shift() as Queued;
				group.push(next);
				size += next.docs.length;
			}
			try {
				const results = await this.#write(
					scope,
					group.flatMap((q) => q.docs),
				);
				let at = 0;
				for (const q of group) {
					q.done(results.slice(at, at + q.docs.length));
					at += q.docs.length;
				}
			} catch (err) {
				// One caller's failure must not be another's: write them one by one to find out.
				if (group.length === 1) group[0]?.failed(err);
				else {
					for (const q of group) await this.#write(scope, q.docs).then(q.done, q.failed);
				}
			}
		}
		this.#queues.delete(scope);
	}

	#write(scope: string, docs: StoredDoc[]): Promise<WriteResult[]> {
		this.#groupedWrites++;
		return this.#with(scope, async (db) => {
			const res = await db.bulkDocs(docs as PouchDB.Core.PutDocument<Record<string, unknown>>[]);
			return res.map((r, i): WriteResult => {
				const id = r.id ?? docs[i]?._id ?? '';
				if ('ok' in r && r.ok && r.rev) return { id, rev: r.rev };
				// new_edits=true only fails per document with a conflict (stale or missing _rev).
				return { id, error: 'conflict', reason: 'Document update conflict.' };
			});
		});
	}

	allDocs(scope: string, keys: string[], opts: { includeDocs?: boolean } = {}): Promise<AllDocsRow[]> {
		return this.#with(scope, async (db) => {
			if (opts.includeDocs !== true) return rowsOf(db, keys, false);
			// PouchDB reads every key of `keys` with a LevelDB iterator of its own; `get` is one point read
			// for a missing document and two for a live one. Every save reads its stored versions first, so
			// this is on the write path. A deleted one (`get` gives no revision) is read by key. Ids of
			// new documents (most of a push) are told missing from LevelDB's own keys, without PouchDB.
			const held = await heldKeys(
				db.name,
				keys.map((key) => `${DOC_STORE_PREFIX}${key}`),
			);
			const live = await Promise.all(
				keys.map((key, i) =>
					held?.[i] === false && !key.startsWith('_')
						? ({ key, error: 'not_found' } as AllDocsRow)
						: // `get` would read `_local` documents, which `_all_docs` never shows.
							(key.startsWith('_') ? Promise.reject(new Error('by key')) : db.get(key)).then(
								(doc): AllDocsRow => ({ id: key, key, value: { rev: doc._rev }, doc: doc as StoredDoc }),
								(err: { status?: number; reason?: string }): AllDocsRow | undefined =>
									err.status === 404 && err.reason === 'missing' ? { key, error: 'not_found' } : undefined,
							),
				),
			);
			const rest = keys.filter((_, i) => live[i] === undefined);
			const more = rest.length > 0 ? await rowsOf(db, rest, true) : [];
			let at = 0;
			return live.map((row) => row ?? (more[at++] as AllDocsRow));
		});
	}

	getLocal(scope: string, id: string): Promise<StoredDoc | undefined> {
		return this.#with(scope, async (db) => {
			try {
				return (await db.get(`_local/${id}`)) as StoredDoc;
			} catch (err) {
				if ((err as { status?: number }).status === 404) return undefined;
				throw err;
			}
		});
	}

	putLocal(scope: string, id: string, doc: Record<string, unknown>): Promise<{ id: string; rev: string }> {
		return this.#with(scope, async (db) => {
			try {
				const res = await db.put({ ...doc, _id: `_local/${id}` });
				return { id: res.id, rev: res.rev };
			} catch (err) {
				if ((err as { status?: number }).status === 409) throw conflict();
				throw err;
			}
		});
	}

	/**
	 * Waits without holding the database: writes here are the only writes (LevelDB is locked
	 * to this process), so an in-process wake-up is enough. With `since`, a write that
	 * landed after it but before the wait began resolves at once.
	 */
	waitForChange(scope: string, signal: AbortSignal, since?: string): Promise<void> {
		if (since === undefined) return this.#waiters.wait(scope, signal);
		const behind = new AbortController(); // ends only this wait, not the others on the scope
		const waiting = this.#waiters.wait(scope, AbortSignal.any([signal, behind.signal]));
		void this.info(scope).then(
			(info) => {
				if (Number(info.update_seq) > fromSeq(since)) behind.abort();
			},
			() => undefined, // a bad since or a closed store: the wait still ends by signal
		);
		return waiting;
	}

	async close(): Promise<void> {
		this.#closed = true;
		clearInterval(this.#sweeper);
		this.#waiters.wakeAll();
		await Promise.allSettled([...this.#opening.values()]);
		for (const [scope, entry] of [...this.#open]) this.#closeEntry(scope, entry);
		await Promise.all([...this.#closing.values()]);
	}
}
