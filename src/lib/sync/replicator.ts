/**
 * The replicator (architecture §3): pushes the outbox with `_bulk_docs`, pulls `_changes`
 * per scope from a checkpoint, and goes live with longpoll. It never retries 401/403, halves
 * a batch on 413, backs off on network errors, and resolves a stale `_rev` by re-reading the
 * server version. It never drops a change: what the server refuses stays in the outbox,
 * marked refused with the reason, for the user to see.
 */
import {
	AppError,
	bulkResultsSchema,
	changesResponseSchema,
	checkDoc,
	type BulkResult,
	type ChangesResponse,
} from '../domain/index.ts';
import type { OutboxEntry, StoredDoc, TryggDb } from '../db/app-db.ts';
import { requestJson, type FetchLike } from './http.ts';

export type SyncEvent =
	| { type: 'active' }
	| { type: 'idle'; at: string }
	| { type: 'error'; code: string }
	| { type: 'unauthorized' }
	| { type: 'revoked'; scope: string };

export interface ReplicatorOptions {
	db: TryggDb;
	fetch: FetchLike;
	/** The scopes this person may pull (from `/api/me`). */
	scopes: () => string[];
	baseUrl?: string;
	batchSize?: number;
	longpollTimeoutMs?: number;
	/** Wait before retry number `attempt`; injectable so tests need not wait. */
	backoff?: (attempt: number) => number;
	onEvent?: (event: SyncEvent) => void;
}

const PULL_LIMIT = 500;

/** Exponential backoff with jitter, capped at 30 s. */
export function defaultBackoff(attempt: number): number {
	const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
	return base / 2 + Math.random() * (base / 2);
}

/** Same content, ignoring revision and local bookkeeping. */
function sameContent(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
	const strip = ({ _rev: _a, updatedAt: _b, ...rest }: Record<string, unknown>) => rest;
	return JSON.stringify(sortKeys(strip(a))) === JSON.stringify(sortKeys(strip(b)));
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value as Record<string, unknown>)
				.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
				.map(([k, v]) => [k, sortKeys(v)]),
		);
	}
	return value;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal.aborted) return resolve();
		const timer = setTimeout(resolve, ms);
		signal.addEventListener(
			'abort',
			() => {
				clearTimeout(timer);
				resolve();
			},
			{ once: true },
		);
	});
}

export class Replicator {
	readonly #o: Required<Omit<ReplicatorOptions, 'onEvent'>> & Pick<ReplicatorOptions, 'onEvent'>;
	#running = false;
	#wake: AbortController | undefined;
	#stopped = new AbortController();
	#loop: Promise<void> | undefined;
	#revoked = new Set<string>();

	constructor(options: ReplicatorOptions) {
		this.#o = {
			baseUrl: '',
			batchSize: 100,
			longpollTimeoutMs: 25_000,
			backoff: defaultBackoff,
			...options,
		};
	}

	#url(scope: string, path: string): string {
		return `${this.#o.baseUrl}/db/${encodeURIComponent(scope)}${path}`;
	}

	#emit(event: SyncEvent): void {
		this.#o.onEvent?.(event);
	}

	/** Push every pending change, then pull every scope once. Throws AppError on failure. */
	async syncOnce(): Promise<void> {
		this.#emit({ type: 'active' });
		await this.push();
		for (const scope of this.#o.scopes()) {
			if (this.#revoked.has(scope)) continue;
			await this.pull(scope);
		}
		this.#emit({ type: 'idle', at: new Date().toISOString() });
	}

	/** Push the outbox, scope by scope, in batches. */
	async push(): Promise<void> {
		// Several rounds: a conflict is resolved by rebasing, then sent again.
		for (let round = 0; round < 5; round++) {
			const pending = await this.#o.db.outbox.where('state').equals('pending').toArray();
			if (pending.length === 0) return;
			const byScope = Map.groupBy(pending, (e) => e.scope);
			let rebased = false;
			for (const [scope, entries] of byScope) {
				rebased = (await this.#pushScope(scope, entries)) || rebased;
			}
			if (!rebased) return;
		}
	}

	async #pushScope(scope: string, entries: OutboxEntry[]): Promise<boolean> {
		let batch = this.#o.batchSize;
		let rebased = false;
		for (let i = 0; i < entries.length;) {
			const slice = entries.slice(i, i + batch);
			let results: BulkResult[];
			try {
				const raw = await requestJson(this.#o.fetch, this.#url(scope, '/_bulk_docs'), {
					method: 'POST',
					body: { docs: slice.map((e) => e.doc) },
				});
				results = bulkResultsSchema.parse(raw);
			} catch (err) {
				if (err instanceof AppError && err.code === 'too_large') {
					if (batch > 1) {
						batch = Math.max(1, Math.floor(slice.length / 2)); // halve what was sent, not the nominal size
						continue;
					}
					await this.#refuse(slice[0]!, 'too_large', err.message);
					i += 1;
					continue;
				}
				if (err instanceof AppError && (err.code === 'forbidden' || err.code === 'revoked')) {
					for (const entry of slice) await this.#refuse(entry, err.code, err.message);
					i += slice.length;
					continue;
				}
				throw err;
			}
			for (const [k, entry] of slice.entries()) {
				const result = results[k];
				if (!result || result.id !== entry.docId) throw new AppError('server', 'bulk result out of order');
				if ('rev' in result) await this.#accepted(entry, result.rev);
				else if (result.error === 'conflict') rebased = (await this.#rebase(scope, entry)) || rebased;
				else await this.#refuse(entry, result.error, result.reason);
			}
			i += slice.length;
		}
		return rebased;
	}

	/** The server took this edit: record its revision; drop the entry unless edited since. */
	async #accepted(entry: OutboxEntry, rev: string): Promise<void> {
		const { db } = this.#o;
		await db.transaction('rw', db.docs, db.outbox, async () => {
			const current = await db.outbox.get(entry.docId);
			const doc = await db.docs.get(entry.docId);
			if (doc) await db.docs.put({ ...doc, _rev: rev });
			if (current && current.edit === entry.edit) await db.outbox.delete(entry.docId);
			else if (current) await db.outbox.put({ ...current, doc: { ...current.doc, _rev: rev } });
		});
	}

	/**
	 * A stale `_rev`: read the server's version. If it already holds this edit (the answer to an
	 * earlier push was lost), adopt it; otherwise put the local edit on top of the server revision.
	 * Field-level merge by hybrid logical clock replaces "local edit wins" in the sync issue.
	 */
	async #rebase(scope: string, entry: OutboxEntry): Promise<boolean> {
		const raw = await requestJson<{ rows: { doc?: StoredDoc; error?: string }[] }>(
			this.#o.fetch,
			this.#url(scope, '/_all_docs?include_docs=true'),
			{ method: 'POST', body: { keys: [entry.docId] } },
		);
		const server = raw.rows[0]?.doc;
		if (!server?._rev) return false;
		const { db } = this.#o;
		await db.transaction('rw', db.docs, db.outbox, async () => {
			const current = await db.outbox.get(entry.docId);
			if (!current) return;
			if (current.edit === entry.edit && sameContent(server, current.doc)) {
				await db.outbox.delete(entry.docId);
				await db.docs.put(server);
				return;
			}
			const doc = { ...current.doc, _rev: server._rev };
			await db.outbox.put({ ...current, doc });
			await db.docs.put(doc);
		});
		return true;
	}

	async #refuse(entry: OutboxEntry, code: string, reason: string): Promise<void> {
		await this.#o.db.outbox.update(entry.docId, { state: 'refused', error: { code, reason } });
	}

	/** Pull one scope from its checkpoint until nothing is left. */
	async pull(scope: string, signal?: AbortSignal): Promise<void> {
		for (;;) {
			const since = (await this.#o.db.checkpoints.get(scope))?.since ?? '0';
			const page = await this.#changes(
				scope,
				`since=${encodeURIComponent(since)}&limit=${PULL_LIMIT}&include_docs=true`,
				signal,
			);
			await this.#apply(scope, page);
			if (page.results.length < PULL_LIMIT) return;
		}
	}

	async #changes(scope: string, query: string, signal?: AbortSignal): Promise<ChangesResponse> {
		try {
			const raw = await requestJson(this.#o.fetch, this.#url(scope, `/_changes?${query}`), { signal });
			return changesResponseSchema.parse(raw);
		} catch (err) {
			if (err instanceof AppError && (err.code === 'forbidden' || err.code === 'revoked')) {
				this.#revoked.add(scope);
				this.#emit({ type: 'revoked', scope });
			}
			throw err;
		}
	}

	/** Apply a page of changes; local pending edits are kept (they are rebased on push). */
	async #apply(scope: string, page: ChangesResponse): Promise<void> {
		const { db } = this.#o;
		await db.transaction('rw', db.docs, db.outbox, db.checkpoints, async () => {
			for (const row of page.results) {
				const pending = await db.outbox.get(row.id);
				if (pending) continue;
				if (row.deleted) {
					await db.docs.delete(row.id);
					continue;
				}
				// A document from the server is parsed too: an unknown or damaged one is skipped, never crashes the app.
				if (row.doc && checkDoc(row.doc).ok) await db.docs.put(row.doc as StoredDoc);
			}
			await db.checkpoints.put({ scope, since: String(page.last_seq) });
		});
	}

	/** Start syncing: once now, then live with longpoll, until stop(). */
	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#stopped = new AbortController();
		this.#loop = this.#run();
	}

	/** Something changed locally or the network came back: sync now instead of waiting. */
	kick(): void {
		this.#wake?.abort();
	}

	async stop(): Promise<void> {
		this.#running = false;
		this.#stopped.abort();
		this.#wake?.abort();
		await this.#loop?.catch(() => undefined);
	}

	async #run(): Promise<void> {
		let attempt = 0;
		while (this.#running) {
			this.#wake = new AbortController();
			const signal = AbortSignal.any([this.#wake.signal, this.#stopped.signal]);
			try {
				await this.syncOnce();
				attempt = 0;
				await this.#live(signal);
			} catch (err) {
				if ((err as Error)?.name === 'AbortError') continue;
				const code = err instanceof AppError ? err.code : 'server';
				if (code === 'unauthorized') {
					this.#running = false;
					this.#emit({ type: 'unauthorized' });
					return;
				}
				this.#emit({ type: 'error', code });
				await wait(this.#o.backoff(attempt++), signal);
			}
		}
	}

	/** Wait on every scope's longpoll; return as soon as one has news (or on wake). */
	async #live(signal: AbortSignal): Promise<void> {
		const scopes = this.#o.scopes().filter((s) => !this.#revoked.has(s));
		if (scopes.length === 0) return wait(this.#o.longpollTimeoutMs, signal);
		const local = new AbortController();
		const both = AbortSignal.any([signal, local.signal]);
		try {
			await Promise.race(
				scopes.map(async (scope) => {
					const since = (await this.#o.db.checkpoints.get(scope))?.since ?? '0';
					const page = await this.#changes(
						scope,
						`feed=longpoll&since=${encodeURIComponent(since)}&include_docs=true&timeout=${this.#o.longpollTimeoutMs}`,
						both,
					);
					await this.#apply(scope, page);
				}),
			);
		} finally {
			local.abort();
		}
	}
}
