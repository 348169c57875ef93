/**
 * The embedded storage adapter: one PouchDB (LevelDB) database per scope under
 * `<dataDir>/db/<scope>`, opened on first use and closed when idle (LRU), plus an
 * in-process notifier so longpoll wakes without PouchDB live feeds. It never stores a
 * conflict branch (only ordinary edits) and never logs document contents.
 */
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import PouchDB from 'pouchdb';
import { isScope } from '../../../src/lib/domain/index.ts';
import type { AllDocsRow, ChangesResult, DocStore, ScopeInfo, StoredDoc, WriteResult } from './doc-store.ts';
import { StoreOpenError } from './doc-store.ts';

type Db = PouchDB.Database<Record<string, unknown>>;
type Entry = { db: Db; users: number };

/** Open (and touch) a PouchDB at `dir`, turning open failures into StoreOpenError. */
export async function openPouch(dir: string): Promise<Db> {
	await mkdir(path.dirname(dir), { recursive: true });
	const db: Db = new PouchDB(dir, { auto_compaction: true });
	try {
		await db.info();
	} catch (err) {
		throw new StoreOpenError(`cannot open the store at ${dir}`, { cause: err });
	}
	return db;
}

function toSeq(seq: string | number): string {
	return String(seq);
}

/** PouchDB's embedded sequences are integers; ours are opaque strings of them. */
function fromSeq(since: string | undefined): number {
	if (since === undefined || since === '' || since === '0') return 0;
	const n = Number(since);
	if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('since is not a sequence of this server');
	return n;
}

export class PouchStore implements DocStore {
	readonly #root: string;
	readonly #maxOpen: number;
	readonly #open = new Map<string, Entry>();
	readonly #opening = new Map<string, Promise<Entry>>();
	readonly #notifier = new EventEmitter();
	#closed = false;

	constructor(opts: { dataDir: string; maxOpen?: number }) {
		this.#root = path.join(opts.dataDir, 'db');
		this.#maxOpen = opts.maxOpen ?? 200;
		// Every waiting longpoll adds a listener; many are normal, not a leak.
		this.#notifier.setMaxListeners(0);
	}

	/** How many scope databases are open now (for tests of the LRU). */
	get openCount(): number {
		return this.#open.size;
	}

	async #acquire(scope: string): Promise<Entry> {
		if (this.#closed) throw new Error('store is closed');
		// Scope names are the only path component; checking them keeps writes inside dataDir.
		if (!isScope(scope)) throw new RangeError('not a scope name');
		let entry = this.#open.get(scope);
		if (entry) {
			this.#open.delete(scope);
			this.#open.set(scope, entry);
		} else {
			let pending = this.#opening.get(scope);
			if (!pending) {
				pending = openPouch(path.join(this.#root, scope)).then((db) => ({ db, users: 0 }));
				this.#opening.set(scope, pending);
			}
			try {
				entry = await pending;
			} finally {
				this.#opening.delete(scope);
			}
			if (!this.#open.has(scope)) this.#open.set(scope, entry);
			entry = this.#open.get(scope) ?? entry;
		}
		entry.users++;
		return entry;
	}

	#release(entry: Entry): void {
		entry.users--;
		void this.#evict();
	}

	/** Close least recently used databases nobody is using, down to the limit. */
	async #evict(): Promise<void> {
		for (const [scope, entry] of this.#open) {
			if (this.#open.size <= this.#maxOpen) return;
			if (entry.users > 0) continue;
			this.#open.delete(scope);
			await entry.db.close().catch(() => undefined);
		}
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
			return { db_name: scope, update_seq: toSeq(info.update_seq), doc_count: info.doc_count };
		});
	}

	changes(scope: string, opts: { since?: string; limit?: number; includeDocs?: boolean }): Promise<ChangesResult> {
		const since = fromSeq(opts.since);
		return this.#with(scope, async (db) => {
			const res = await db.changes({
				since,
				...(opts.limit !== undefined ? { limit: opts.limit } : {}),
				include_docs: opts.includeDocs === true,
			});
			const results = res.results.map((row) => ({
				seq: toSeq(row.seq),
				id: row.id,
				changes: row.changes.map((c) => ({ rev: c.rev })),
				...(row.deleted ? { deleted: true } : {}),
				...(opts.includeDocs && row.doc ? { doc: row.doc as StoredDoc } : {}),
			}));
			return { results, last_seq: toSeq(res.last_seq) };
		});
	}

	async bulkDocs(scope: string, docs: StoredDoc[]): Promise<WriteResult[]> {
		if (docs.length === 0) return [];
		const out = await this.#with(scope, async (db) => {
			const res = await db.bulkDocs(docs as PouchDB.Core.PutDocument<Record<string, unknown>>[]);
			return res.map((r, i): WriteResult => {
				const id = r.id ?? docs[i]?._id ?? '';
				if ('ok' in r && r.ok && r.rev) return { id, rev: r.rev };
				// new_edits=true only fails per document with a conflict (stale or missing _rev).
				return { id, error: 'conflict', reason: 'Document update conflict.' };
			});
		});
		if (out.some((r) => 'rev' in r)) this.#notifier.emit(scope);
		return out;
	}

	allDocs(scope: string, keys: string[], opts: { includeDocs?: boolean } = {}): Promise<AllDocsRow[]> {
		return this.#with(scope, async (db) => {
			const res = await db.allDocs({ keys, include_docs: opts.includeDocs === true });
			return res.rows.map((row): AllDocsRow => {
				const r = row as unknown as Record<string, unknown>;
				if ('error' in r) return { key: String(r.key), error: 'not_found' };
				const value = r.value as { rev: string; deleted?: boolean };
				return {
					id: String(r.id),
					key: String(r.key),
					value: { rev: value.rev, ...(value.deleted ? { deleted: true } : {}) },
					...(opts.includeDocs ? { doc: (r.doc as StoredDoc | null | undefined) ?? null } : {}),
				};
			});
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
			const res = await db.put({ ...doc, _id: `_local/${id}` });
			return { id: res.id, rev: res.rev };
		});
	}

	waitForChange(scope: string, signal: AbortSignal): Promise<void> {
		return new Promise((resolve) => {
			if (signal.aborted) return resolve();
			const done = (): void => {
				this.#notifier.off(scope, done);
				signal.removeEventListener('abort', done);
				resolve();
			};
			this.#notifier.on(scope, done);
			signal.addEventListener('abort', done, { once: true });
		});
	}

	async close(): Promise<void> {
		this.#closed = true;
		await Promise.allSettled([...this.#opening.values()]);
		const entries = [...this.#open.values()];
		this.#open.clear();
		await Promise.all(entries.map((e) => e.db.close().catch(() => undefined)));
	}
}
