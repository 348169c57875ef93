/**
 * The replicator (architecture §3, decision 0018): pushes the outbox with `_bulk_docs`, pulls every
 * scope through the one changes feed (`POST /db/_trygg/changes`) from per-scope checkpoints, and
 * stays live on one longpoll of that feed for all scopes: a device holds one long-lived connection
 * whatever its number of scopes. A local change is pushed while the feed stays open; the feed
 * brings back what the push changed, so no scope is pulled again for it, and a row whose revision
 * is already stored is not written again. It never retries 401/403, halves a batch on 413, backs
 * off on network errors, and resolves a stale `_rev` by re-reading the server version and merging
 * field by field (hybrid logical clock, `domain/merge.ts`). It never drops a change: what the
 * server refuses stays in the outbox, marked refused with the reason, and what could not be
 * delivered because access was withdrawn stays marked revoked.
 * Checkpoints belong to one server (its `GET /db/` uuid): after a move to another store (say,
 * embedded to CouchDB) they mean nothing there, so every scope is pulled again from the start.
 */
import {
	AppError,
	bulkResultsSchema,
	checkDoc,
	ERROR_CODES,
	type BulkResult,
	type ChangesResponse,
	type ErrorCode,
} from '../domain/index.ts';
import { FEED_MAX_SCOPES, FEED_PATH, feedResponseSchema, type FeedScopeResult } from '../domain/feed.ts';
import { mergeIntoStored, sameContent } from '../domain/merge.ts';
import type { OutboxEntry, StoredDoc, TryggDb } from '../db/app-db.ts';
import { forgetScope, noteServerTime, recordSync, revokeScope } from '../db/docs-repo.ts';
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

/** One scope's refusal in the feed's answer as an AppError (an unknown code reads as a server error). */
function scopeError(result: Extract<FeedScopeResult, { error: string }>): AppError {
	const known = (ERROR_CODES as readonly string[]).includes(result.error);
	return new AppError(known ? (result.error as ErrorCode) : 'server', result.reason);
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((scope) => b.includes(scope));
}

type FeedOptions = { feed: 'normal' | 'longpoll'; limit: number; timeout?: number };

/**
 * The order one scope's outbox is pushed in: two phases, each its own requests. The server checks
 * a write against what it has stored before the request, except that it counts signatures and
 * reopenings sent with the round they lock or reopen. So a round walked and signed wholly offline
 * must send its content first (answers, findings, assessments, the round itself) and then, together,
 * the signatures, reopenings and the round's lock (status signed) or return to in progress after
 * a reopening. A campaign is judged against the survey version it names (decision 0030), which HR
 * may have published offline in the same outbox: campaigns go in the second phase too.
 * @example pushPhases([signature, answer]) // [[answer], [signature]]
 */
export function pushPhases(entries: readonly OutboxEntry[]): OutboxEntry[][] {
	type Fields = { type?: string; status?: string; roundId?: string; _deleted?: boolean };
	const fields = (e: OutboxEntry) => e.doc as Fields;
	const reopened = new Set(entries.filter((e) => fields(e).type === 'reopening').map((e) => fields(e).roundId));
	const last = (e: OutboxEntry): boolean => {
		const doc = fields(e);
		if (doc.type === 'signature' || doc.type === 'reopening' || doc.type === 'campaign') return true;
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
	/** The scopes listed when the open feed longpoll was asked for; undefined while none is open. */
	#live: string[] | undefined;
	/** A full sync is wanted at the next turn of the loop (network back, scopes changed, asked for). */
	#resync = false;
	/** A push made beside the open feed failed: the loop takes it as its own failure. */
	#failure: unknown;
	/** Pushes go one at a time: the latest, and whether one waits to start behind it. */
	#pushing: Promise<void> = Promise.resolve();
	#pushQueued = false;

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
	 * A full sync: check scopes the device synced before but that are no longer listed, push every
	 * pending change, then pull every listed scope (one feed request, more only to page). Throws
	 * AppError on failure.
	 */
	async syncOnce(): Promise<void> {
		this.#emit({ type: 'active' });
		this.#forbidden.clear();
		if (!this.#serverChecked) await this.#checkServer();
		const listed = this.#o.scopes();
		await this.#checkUnlisted((await this.#knownScopes()).filter((scope) => !listed.includes(scope)));
		await this.#pushInTurn();
		await this.#pull(listed);
		await this.#idle();
	}

	async #idle(): Promise<void> {
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

	/**
	 * Scopes this device synced before that its person's scopes no longer list. The server says
	 * whether access was withdrawn (the scope's data leaves, undelivered changes stay as revoked) or
	 * the scope is only no longer handed out to sync (decision 0018: report scopes, until something
	 * writes them); then its data leaves quietly, unless changes to it still wait to be sent.
	 */
	async #checkUnlisted(scopes: string[]): Promise<void> {
		if (scopes.length === 0) return;
		const sinces = await this.#sinces(scopes);
		const page = await this.#feed(sinces, { feed: 'normal', limit: 1 });
		for (const scope of scopes) {
			const result = page[scope];
			if (result && 'error' in result) await this.#take(scope, result, sinces[scope] as string);
			else if (result) await forgetScope(this.#o.db, scope);
		}
	}

	/**
	 * The server refused a scope. If the person's scopes no longer list it (or the server says
	 * revoked), access was withdrawn: the scope's data leaves the device, its undelivered changes
	 * stay visible as revoked. If it is still listed, the list is stale: skip it and say so. Either
	 * way the scope is skipped until the next full sync.
	 */
	async #accessRefused(scope: string, err: AppError): Promise<void> {
		this.#forbidden.add(scope);
		if (err.code === 'revoked' || !this.#o.scopes().includes(scope)) {
			await revokeScope(this.#o.db, scope, err.message);
			this.#emit({ type: 'revoked', scope });
		} else {
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
			if (doc && doc._rev !== rev) await db.docs.put({ ...doc, _rev: rev });
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

	/** Pull these scopes from their checkpoints until nothing is left (refusals handled as in a sync). */
	async pull(...scopes: string[]): Promise<void> {
		await this.#pull(scopes);
	}

	/** Pull through the feed, one request for all scopes, again only for scopes with more to read. */
	async #pull(scopes: readonly string[]): Promise<void> {
		let todo = [...scopes];
		while (todo.length > 0) {
			const sinces = await this.#sinces(todo);
			const page = await this.#feed(sinces, { feed: 'normal', limit: PULL_LIMIT });
			const more: string[] = [];
			for (const scope of todo) {
				const result = page[scope];
				if (!result) throw new AppError('server', `the changes feed did not answer ${scope}`);
				if ((await this.#take(scope, result, sinces[scope] as string)) === 'more') more.push(scope);
			}
			todo = more;
		}
	}

	/** The checkpoint of each scope (`'0'`: from the start). */
	async #sinces(scopes: readonly string[]): Promise<Record<string, string>> {
		const rows = await this.#o.db.checkpoints.bulkGet([...scopes]);
		return Object.fromEntries(scopes.map((scope, i) => [scope, rows[i]?.since ?? '0']));
	}

	/**
	 * Ask the feed about every scope, one request per `FEED_MAX_SCOPES` (so one for all but the
	 * largest device). A longpoll over several requests answers with the first to answer; the
	 * others are cut off, their scopes asked again next time.
	 */
	async #feed(
		sinces: Record<string, string>,
		opts: FeedOptions,
		signal?: AbortSignal,
	): Promise<Record<string, FeedScopeResult>> {
		const scopes = Object.keys(sinces);
		const chunks: string[][] = [];
		for (let i = 0; i < scopes.length; i += FEED_MAX_SCOPES) chunks.push(scopes.slice(i, i + FEED_MAX_SCOPES));
		const ask = async (chunk: string[], cut?: AbortSignal) => {
			const body = { ...opts, scopes: Object.fromEntries(chunk.map((scope) => [scope, sinces[scope]])) };
			const raw = await requestJson(this.#o.fetch, `${this.#o.baseUrl}${FEED_PATH}`, {
				method: 'POST',
				body,
				...(cut ? { signal: cut } : {}),
			});
			return feedResponseSchema.parse(raw).results;
		};
		if (opts.feed === 'normal' || chunks.length === 1) {
			const results: Record<string, FeedScopeResult> = {};
			for (const chunk of chunks) Object.assign(results, await ask(chunk, signal));
			return results;
		}
		const first = new AbortController();
		const cut = signal ? AbortSignal.any([signal, first.signal]) : first.signal;
		try {
			return await Promise.race(chunks.map((chunk) => ask(chunk, cut)));
		} finally {
			first.abort();
		}
	}

	/**
	 * Take one scope's answer from the feed: its changes applied ('more' when a full page came, or
	 * the page was dropped), a refusal of access handled (revoked or a stale list), a checkpoint the
	 * server does not know restarted from the beginning ('more'). Anything else is thrown.
	 */
	async #take(scope: string, result: FeedScopeResult, since: string): Promise<'done' | 'more'> {
		if ('error' in result) {
			const err = scopeError(result);
			if (isAccessError(err)) {
				await this.#accessRefused(scope, err);
				return 'done';
			}
			// Once: from the start, a second refusal is a real error.
			if (!isBadSince(err, since)) throw err;
			await this.#restartPull(scope);
			return 'more';
		}
		// A page that lost a race with a checkpoint reset is dropped: read again from there.
		const applied = await this.#apply(scope, result, since);
		return applied && result.results.length < PULL_LIMIT ? 'done' : 'more';
	}

	/**
	 * Apply a page of changes read from checkpoint `since`. A pulled document with a pending local
	 * edit is merged with it, never overwritten; a refused or revoked edit stays as the person left
	 * it until discarded. A revision already stored (this device's own push coming back through the
	 * feed, a page read again) is not written again, so nothing on the page re-renders for it.
	 * When the checkpoint moved while the page was on its way (a discarded change reset it so the
	 * server's version comes back), the page is not applied and false is returned: writing its
	 * `last_seq` would skip the very document the reset asked for.
	 */
	async #apply(scope: string, page: ChangesResponse, since: string): Promise<boolean> {
		const { db } = this.#o;
		return db.transaction('rw', db.docs, db.outbox, db.checkpoints, async () => {
			const checkpoint = await db.checkpoints.get(scope);
			if ((checkpoint?.since ?? '0') !== since) return false;
			const ids = page.results.map((row) => row.id);
			const [queued, stored] = await Promise.all([db.outbox.bulkGet(ids), db.docs.bulkGet(ids)]);
			const puts: StoredDoc[] = [];
			const deletes: string[] = [];
			for (const [i, row] of page.results.entries()) {
				const local = queued[i];
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
				const have = stored[i];
				if (row.deleted) {
					if (have) deletes.push(row.id);
					continue;
				}
				if (have && have._rev === (row.doc?._rev ?? row.changes[0]?.rev)) continue;
				// A document from the server is parsed too: an unknown or damaged one is skipped, never crashes the app.
				if (row.doc && checkDoc(row.doc).ok) puts.push(row.doc as StoredDoc);
			}
			if (puts.length > 0) await db.docs.bulkPut(puts);
			if (deletes.length > 0) await db.docs.bulkDelete(deletes);
			const last = String(page.last_seq);
			if (checkpoint?.since !== last) await db.checkpoints.put({ scope, since: last });
			return true;
		});
	}

	/** Start syncing: a full sync now, then live on the feed, until stop(). */
	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#stopped = new AbortController();
		this.#failure = undefined;
		this.#loop = this.#run();
	}

	/**
	 * A local change waits: push it now. With the feed open it stays open (the feed brings back what
	 * the push changed, no scope is pulled again); otherwise the loop stops waiting and pushes.
	 */
	kick(): void {
		if (this.#live && sameScopes(this.#live, this.#o.scopes())) {
			void this.#pushBeside();
			return;
		}
		// The person's scopes changed since the feed was asked for: start over with them.
		if (this.#live) this.#resync = true;
		this.#wake?.abort();
	}

	/** Sync everything now (the network came back, the scopes changed, the person asked): push, then pull every scope. */
	resync(): void {
		this.#resync = true;
		this.#wake?.abort();
	}

	async stop(): Promise<void> {
		this.#running = false;
		this.#stopped.abort();
		this.#wake?.abort();
		await this.#loop?.catch(() => undefined);
		await this.#pushing.catch(() => undefined);
	}

	/** Push, one at a time: one asked for while another runs goes after it, and reads the outbox then. */
	#pushInTurn(): Promise<void> {
		if (this.#pushQueued) return this.#pushing;
		this.#pushQueued = true;
		this.#pushing = this.#pushing
			.catch(() => undefined)
			.then(() => {
				this.#pushQueued = false;
				return this.push();
			});
		return this.#pushing;
	}

	/** Push beside the open feed; a failure ends the feed, and the loop backs off and syncs in full. */
	async #pushBeside(): Promise<void> {
		try {
			this.#emit({ type: 'active' });
			await this.#pushInTurn();
			await this.#idle();
		} catch (err) {
			this.#failure = err;
			this.#wake?.abort();
		}
	}

	async #run(): Promise<void> {
		let attempt = 0;
		let full = true;
		while (this.#running) {
			this.#wake = new AbortController();
			const signal = AbortSignal.any([this.#wake.signal, this.#stopped.signal]);
			try {
				if (this.#failure) throw this.#failure;
				if (full || this.#resync) {
					this.#resync = false;
					await this.syncOnce();
					full = false;
				} else if ((await this.#o.db.outbox.where('state').equals('pending').count()) > 0) {
					this.#emit({ type: 'active' });
					await this.#pushInTurn();
					await this.#idle();
				}
				attempt = 0;
				await this.#listen(signal);
				if (this.#failure) throw this.#failure;
				await this.#idle();
			} catch (caught) {
				const err = this.#failure ?? caught;
				this.#failure = undefined;
				if ((err as Error)?.name === 'AbortError') continue;
				full = true;
				this.#serverChecked = false;
				const code = err instanceof AppError ? err.code : 'server';
				if (code === 'unauthorized') {
					this.#running = false;
					this.#emit({ type: 'unauthorized' });
					return;
				}
				this.#emit({ type: 'error', code });
				// A wait of its own: the failure may have come by cutting the feed short.
				this.#wake = new AbortController();
				await wait(this.#o.backoff(attempt++), AbortSignal.any([this.#wake.signal, this.#stopped.signal]));
			}
		}
	}

	/** Wait on the one feed for every listed scope (one long-lived request); apply what it brings. */
	async #listen(signal: AbortSignal): Promise<void> {
		const listed = this.#o.scopes();
		const scopes = listed.filter((scope) => !this.#forbidden.has(scope));
		this.#live = listed;
		try {
			if (scopes.length === 0) return await wait(this.#o.longpollTimeoutMs, signal);
			const sinces = await this.#sinces(scopes);
			const page = await this.#feed(
				sinces,
				{ feed: 'longpoll', limit: PULL_LIMIT, timeout: this.#o.longpollTimeoutMs },
				signal,
			);
			for (const scope of scopes) {
				const result = page[scope];
				if (result) await this.#take(scope, result, sinces[scope] as string);
			}
		} finally {
			this.#live = undefined;
		}
		if (!sameScopes(listed, this.#o.scopes())) this.#resync = true;
	}
}
