/**
 * The replicator (architecture §3): pushes the outbox with `_bulk_docs`, pulls `_changes`
 * per scope from a checkpoint, and goes live with longpoll. It never retries 401/403, halves
 * a batch on 413, backs off on network errors, and resolves a stale `_rev` by re-reading the
 * server version and merging field by field (hybrid logical clock, `domain/merge.ts`). It never
 * drops a change: what the server refuses stays in the outbox, marked refused with the reason,
 * and what could not be delivered because access was withdrawn stays marked revoked.
 * Checkpoints belong to one server (its `GET /db/` uuid): after a move to another store (say,
 * embedded to CouchDB) they mean nothing there, so every scope is pulled again from the start.
 */
import {
	AppError,
	bulkResultsSchema,
	changesResponseSchema,
	checkDoc,
	type BulkResult,
	type ChangesResponse,
} from '../domain/index.ts';
import { mergeIntoStored, sameContent } from '../domain/merge.ts';
import type { OutboxEntry, StoredDoc, TryggDb } from '../db/app-db.ts';
import { noteServerTime, recordSync, revokeScope } from '../db/docs-repo.ts';
import { SERVER_TIME_HEADER } from '../domain/hlc.ts';
import { requestJson, type FetchLike } from './http.ts';
import { defaultBackoff, wait } from './backoff.ts';

export type SyncEvent =
	| { type: 'active' }
	| { type: 'idle'; at: string }
	| { type: 'error'; code: string }
	| { type: 'unauthorized' }
	/** The server refused a scope the device used to sync and no longer lists: its data is gone. */
	| { type: 'revoked'; scope: string }
	/** The server refused a scope that is still listed: the list of scopes is probably stale. */
	| { type: 'forbidden'; scope: string };

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
	/** The time, for the "last synced" record; injectable for tests. */
	now?: () => Date;
	onEvent?: (event: SyncEvent) => void;
}

const PULL_LIMIT = 500;
/** Key in Dexie `meta`: the uuid of the server the checkpoints were made against. */
export const SERVER_UUID_KEY = 'serverUuid';
/** Push rounds per sync: each round resends what a conflict merge produced. */
const PUSH_ROUNDS = 5;

type AllDocsRow = {
	id?: string;
	key?: string;
	value?: { rev: string; deleted?: boolean };
	doc?: Record<string, unknown> | null;
	error?: string;
};

function isAccessError(err: unknown): err is AppError {
	return err instanceof AppError && (err.code === 'forbidden' || err.code === 'revoked');
}

/** `_changes` refused our `since`: a checkpoint from another server (or a store that was rebuilt). */
function isBadSince(err: unknown, since: string): boolean {
	return err instanceof AppError && err.code === 'bad_request' && since !== '0';
}

/**
 * The order one scope's outbox is pushed in: two phases, each its own requests. The server checks
 * a write against what it has stored before the request, except that it counts signatures and
 * reopenings sent with the round they lock or reopen. So a round walked and signed wholly offline
 * must send its content first (answers, findings, assessments, the round itself) and then, together,
 * the signatures, reopenings and the round's lock (status signed) or return to in progress after
 * a reopening.
 * @example pushPhases([signature, answer]) // [[answer], [signature]]
 */
export function pushPhases(entries: readonly OutboxEntry[]): OutboxEntry[][] {
	type Fields = { type?: string; status?: string; roundId?: string; _deleted?: boolean };
	const fields = (e: OutboxEntry) => e.doc as Fields;
	const reopened = new Set(entries.filter((e) => fields(e).type === 'reopening').map((e) => fields(e).roundId));
	const last = (e: OutboxEntry): boolean => {
		const doc = fields(e);
		if (doc.type === 'signature' || doc.type === 'reopening') return true;
		return doc.type === 'round' && !doc._deleted && (doc.status === 'signed' || reopened.has(e.docId));
	};
	return [entries.filter((e) => !last(e)), entries.filter(last)].filter((group) => group.length > 0);
}

export class Replicator {
	readonly #o: Required<Omit<ReplicatorOptions, 'onEvent'>> & Pick<ReplicatorOptions, 'onEvent'>;
	#running = false;
	#wake: AbortController | undefined;
	#stopped = new AbortController();
	#loop: Promise<void> | undefined;
	/** Listed scopes the server refused during this sync; skipped until the next one. */
	#forbidden = new Set<string>();
	/** The server's uuid was checked since the last failure (a server swap shows as a failure first). */
	#serverChecked = false;

	constructor(options: ReplicatorOptions) {
		this.#o = {
			baseUrl: '',
			batchSize: 100,
			longpollTimeoutMs: 25_000,
			backoff: defaultBackoff,
			now: () => new Date(),
			...options,
		};
		this.#o.fetch = this.#timedFetch(this.#o.fetch);
	}

	/**
	 * Every answer from the sync server tells its clock: the device keeps how far it is from its
	 * own, so its edits are stamped on the server's time however wrong the tablet's clock is.
	 */
	#timedFetch(inner: FetchLike): FetchLike {
		return async (url, init) => {
			const response = await inner(url, init);
			const serverMs = Number(response.headers.get(SERVER_TIME_HEADER) ?? Number.NaN);
			if (Number.isFinite(serverMs)) await noteServerTime(this.#o.db, serverMs, this.#o.now().getTime());
			return response;
		};
	}

	#url(scope: string, path: string): string {
		return `${this.#o.baseUrl}/db/${encodeURIComponent(scope)}${path}`;
	}

	#emit(event: SyncEvent): void {
		this.#o.onEvent?.(event);
	}

	/**
	 * Check scopes the device synced before but that are no longer listed, push every
	 * pending change, then pull every listed scope once. Throws AppError on failure.
	 */
	async syncOnce(): Promise<void> {
		this.#emit({ type: 'active' });
		this.#forbidden.clear();
		if (!this.#serverChecked) await this.#checkServer();
		const listed = new Set(this.#o.scopes());
		for (const scope of await this.#knownScopes()) {
			if (!listed.has(scope)) await this.#pullGuarded(scope);
		}
		await this.push();
		for (const scope of listed) await this.#pullGuarded(scope);
		const at = this.#o.now().toISOString();
		await recordSync(this.#o.db, at);
		this.#emit({ type: 'idle', at });
	}

	/**
	 * Compare the server's uuid with the one the checkpoints were made against. Another server
	 * (a migration, a restored backup) makes them meaningless: numeric sequences of one store
	 * may be valid yet wrong on another, and skip documents. So every scope restarts from the
	 * beginning; pulling again is harmless, because applying a change twice changes nothing.
	 * The scopes stay known (their checkpoints remain), so revocation is still noticed.
	 */
	async #checkServer(): Promise<void> {
		const welcome = await requestJson<{ uuid?: unknown }>(this.#o.fetch, `${this.#o.baseUrl}/db/`);
		const uuid = typeof welcome.uuid === 'string' && welcome.uuid !== '' ? welcome.uuid : undefined;
		if (uuid) {
			const { db } = this.#o;
			await db.transaction('rw', db.meta, db.checkpoints, async () => {
				const known = (await db.meta.get(SERVER_UUID_KEY))?.value;
				if (known === uuid) return;
				// No uuid yet (first sync, or an app from before this check): nothing to compare with.
				if (typeof known === 'string') await db.checkpoints.toCollection().modify({ since: '0' });
				await db.meta.put({ key: SERVER_UUID_KEY, value: uuid });
			});
		}
		this.#serverChecked = true;
	}

	/** Pull `scope` again from the beginning. */
	async #restartPull(scope: string): Promise<void> {
		await this.#o.db.checkpoints.put({ scope, since: '0' });
	}

	/** Scopes this device has synced before (it holds a checkpoint for them). */
	async #knownScopes(): Promise<string[]> {
		return (await this.#o.db.checkpoints.toArray()).map((c) => c.scope);
	}

	/** Pull one scope; a refusal of access is handled here (revoked or stale list), not thrown. */
	async #pullGuarded(scope: string, signal?: AbortSignal): Promise<void> {
		try {
			await this.pull(scope, signal);
		} catch (err) {
			if (!isAccessError(err)) throw err;
			await this.#accessRefused(scope, err);
		}
	}

	/**
	 * The server refused a scope. If the person's scopes no longer list it (or the server says
	 * revoked), access was withdrawn: the scope's data leaves the device, its undelivered changes
	 * stay visible as revoked. If it is still listed, the list is stale: skip it and say so.
	 */
	async #accessRefused(scope: string, err: AppError): Promise<void> {
		if (err.code === 'revoked' || !this.#o.scopes().includes(scope)) {
			await revokeScope(this.#o.db, scope, err.message);
			this.#emit({ type: 'revoked', scope });
		} else {
			this.#forbidden.add(scope);
			this.#emit({ type: 'forbidden', scope });
		}
	}

	/** Push the outbox, scope by scope, in batches, in the order of `pushPhases`. */
	async push(): Promise<void> {
		// Several rounds: a conflict is resolved by merging, then sent again (bounded; the rest waits for the next sync).
		for (let round = 0; round < PUSH_ROUNDS; round++) {
			const pending = await this.#o.db.outbox.where('state').equals('pending').toArray();
			if (pending.length === 0) return;
			const byScope = Map.groupBy(pending, (e) => e.scope);
			let merged = false;
			for (const [scope, entries] of byScope) {
				for (const phase of pushPhases(entries)) merged = (await this.#pushScope(scope, phase)) || merged;
			}
			if (!merged) return;
		}
	}

	async #pushScope(scope: string, entries: OutboxEntry[]): Promise<boolean> {
		let batch = this.#o.batchSize;
		let merged = false;
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
				if (isAccessError(err)) {
					for (const entry of slice) await this.#refuse(entry, err.code, err.message);
					i += slice.length;
					continue;
				}
				throw err;
			}
			const conflicts: OutboxEntry[] = [];
			for (const [k, entry] of slice.entries()) {
				const result = results[k];
				if (!result || result.id !== entry.docId) throw new AppError('server', 'bulk result out of order');
				if ('rev' in result) await this.#accepted(entry, result.rev);
				else if (result.error === 'conflict') conflicts.push(entry);
				else await this.#refuse(entry, result.error, result.reason);
			}
			if (conflicts.length > 0) merged = (await this.#resolveConflicts(scope, conflicts)) || merged;
			i += slice.length;
		}
		return merged;
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
	 * Stale `_rev`s: read the server's versions in one request and merge each local edit into it.
	 * Returns true when something is left to send again.
	 */
	async #resolveConflicts(scope: string, entries: OutboxEntry[]): Promise<boolean> {
		const raw = await requestJson<{ rows: AllDocsRow[] }>(
			this.#o.fetch,
			this.#url(scope, '/_all_docs?include_docs=true'),
			{ method: 'POST', body: { keys: entries.map((e) => e.docId) } },
		);
		const rows = new Map(raw.rows.map((r) => [r.id ?? r.key, r]));
		const { db } = this.#o;
		let resend = false;
		for (const entry of entries) {
			const row = rows.get(entry.docId);
			let server: StoredDoc | undefined;
			if (row?.value?.deleted) {
				server = { ...entry.doc, _rev: row.value.rev, _deleted: true } as StoredDoc;
			} else if (row?.doc && checkDoc(row.doc).ok) {
				server = row.doc as StoredDoc;
			}
			// Nothing usable to merge with: leave the change waiting for the next sync.
			if (!server) continue;
			const outcome = await db.transaction('rw', db.docs, db.outbox, async () => {
				const current = await db.outbox.get(entry.docId);
				if (!current || current.state !== 'pending') return 'done';
				return this.#settle(current, server, false);
			});
			resend = resend || outcome === 'resend';
		}
		return resend;
	}

	/**
	 * Bring a pending local edit and a newer server version together (inside a transaction on
	 * docs and outbox). A server version that already holds the edit (the answer to an earlier
	 * push was lost, or another device sent the same) is adopted and the entry goes: no duplicate,
	 * no visible conflict. A delete on the server wins (see `mergeDocs`); the edit stays in the
	 * queue, refused, so it is seen. Otherwise the merge is stored and sent again.
	 */
	async #settle(current: OutboxEntry, server: StoredDoc, bumpEdit: boolean): Promise<'done' | 'resend'> {
		const { db } = this.#o;
		if (server._deleted) {
			await db.docs.delete(current.docId);
			await db.outbox.put({
				...current,
				doc: { ...current.doc, _rev: server._rev },
				state: 'refused',
				error: { code: 'conflict', reason: 'deleted on the server' },
			});
			return 'done';
		}
		const merged = { ...mergeIntoStored(current.doc, server), _rev: server._rev } as StoredDoc;
		if (sameContent(merged, server)) {
			await db.outbox.delete(current.docId);
			await db.docs.put(server);
			return 'done';
		}
		const check = checkDoc(merged);
		if (!check.ok) {
			// Each version is valid but their mix is not (a rule across fields): keep the server's, show the edit.
			await db.docs.put(server);
			await db.outbox.put({ ...current, state: 'refused', error: { code: 'invalid', reason: check.reason } });
			return 'done';
		}
		await db.docs.put(merged);
		await db.outbox.put({ ...current, doc: merged, edit: bumpEdit ? current.edit + 1 : current.edit });
		return 'resend';
	}

	async #refuse(entry: OutboxEntry, code: string, reason: string): Promise<void> {
		await this.#o.db.outbox.update(entry.docId, { state: 'refused', error: { code, reason } });
	}

	/** Pull one scope from its checkpoint until nothing is left. */
	async pull(scope: string, signal?: AbortSignal): Promise<void> {
		let restarted = false;
		for (;;) {
			const since = (await this.#o.db.checkpoints.get(scope))?.since ?? '0';
			let page: ChangesResponse;
			try {
				page = await this.#changes(
					scope,
					`since=${encodeURIComponent(since)}&limit=${PULL_LIMIT}&include_docs=true`,
					signal,
				);
			} catch (err) {
				// Once per pull: a second refusal from the start is a real error.
				if (restarted || !isBadSince(err, since)) throw err;
				restarted = true;
				await this.#restartPull(scope);
				continue;
			}
			// A page that lost a race with a checkpoint reset is dropped: the loop reads again from there.
			if ((await this.#apply(scope, page, since)) && page.results.length < PULL_LIMIT) return;
		}
	}

	async #changes(scope: string, query: string, signal?: AbortSignal): Promise<ChangesResponse> {
		const raw = await requestJson(this.#o.fetch, this.#url(scope, `/_changes?${query}`), { signal });
		return changesResponseSchema.parse(raw);
	}

	/**
	 * Apply a page of changes read from checkpoint `since`. A pulled document with a pending local
	 * edit is merged with it, never overwritten; a refused or revoked edit stays as the person left
	 * it until discarded. When the checkpoint moved while the page was on its way (a discarded change
	 * reset it so the server's version comes back), the page is not applied and false is returned:
	 * writing its `last_seq` would skip the very document the reset asked for.
	 */
	async #apply(scope: string, page: ChangesResponse, since: string): Promise<boolean> {
		const { db } = this.#o;
		return db.transaction('rw', db.docs, db.outbox, db.checkpoints, async () => {
			if (((await db.checkpoints.get(scope))?.since ?? '0') !== since) return false;
			for (const row of page.results) {
				const local = await db.outbox.get(row.id);
				if (local && local.state !== 'pending') continue;
				if (local) {
					const server = row.deleted
						? ({ ...local.doc, _rev: row.changes[0]?.rev, _deleted: true } as StoredDoc)
						: row.doc && checkDoc(row.doc).ok
							? (row.doc as StoredDoc)
							: undefined;
					if (server) await this.#settle(local, server, true);
					continue;
				}
				if (row.deleted) {
					await db.docs.delete(row.id);
					continue;
				}
				// A document from the server is parsed too: an unknown or damaged one is skipped, never crashes the app.
				if (row.doc && checkDoc(row.doc).ok) await db.docs.put(row.doc as StoredDoc);
			}
			await db.checkpoints.put({ scope, since: String(page.last_seq) });
			return true;
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
				this.#serverChecked = false;
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
		const scopes = this.#o.scopes().filter((s) => !this.#forbidden.has(s));
		if (scopes.length === 0) return wait(this.#o.longpollTimeoutMs, signal);
		const local = new AbortController();
		const both = AbortSignal.any([signal, local.signal]);
		try {
			await Promise.race(
				scopes.map(async (scope) => {
					const since = (await this.#o.db.checkpoints.get(scope))?.since ?? '0';
					let page: ChangesResponse;
					try {
						page = await this.#changes(
							scope,
							`feed=longpoll&since=${encodeURIComponent(since)}&include_docs=true&timeout=${this.#o.longpollTimeoutMs}`,
							both,
						);
					} catch (err) {
						// The next sync pulls this scope from the start.
						if (isBadSince(err, since)) return this.#restartPull(scope);
						if (!isAccessError(err)) throw err;
						return this.#accessRefused(scope, err);
					}
					await this.#apply(scope, page, since);
				}),
			);
		} finally {
			local.abort();
		}
	}
}
