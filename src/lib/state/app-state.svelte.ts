/**
 * The signed-in session and the sync status of this device, as runes state.
 * Once signed in, the device keeps working offline: the person is remembered on the device,
 * the session is checked again when the network returns, and an expired session only asks
 * to sign in again; the outbox is never cleared by a sign-out or an expiry. A sign-out with
 * nothing unsent wipes the person's database from the device (shared tablets, decision 0014).
 */
import { AppError, meSchema, type LiveDoc, type Me, type ErrorCode } from '../domain/index.ts';
import { openUserDb, type OutboxEntry, type StoredDoc, type TryggDb } from '../db/app-db.ts';
import {
	discardRefused,
	liveLastSync,
	liveOutbox,
	liveOutboxIds,
	type OutboxIds,
	retryAllRefused,
	retryRefused,
	saveDoc,
	saveDocs,
	type SaveOptions,
} from '../db/docs-repo.ts';
import { forgetPersonIfSent, unsentCount } from '../db/sign-out.ts';
import { BlobSync } from '../sync/blob-sync.ts';
import { requestJson } from '../sync/http.ts';
import { Replicator, type SyncEvent } from '../sync/replicator.ts';
import { Live } from './live.svelte.ts';
import { errorCode } from './errors.ts';

const ME_KEY = 'trygg.me';
/** How long a local save waits before the push starts (the page updates first). */
export const PUSH_DELAY_MS = 100;

function readCachedMe(): Me | null {
	try {
		const raw = localStorage.getItem(ME_KEY);
		const parsed = meSchema.safeParse(raw ? JSON.parse(raw) : null);
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/** Run `fn` when the main thread is next idle, at the latest after `timeout` ms. */
function whenIdle(fn: () => void, timeout = 1000): void {
	if (typeof requestIdleCallback === 'function') requestIdleCallback(() => fn(), { timeout });
	else setTimeout(fn, 0);
}

export class AppState {
	me = $state<Me | null>(null);
	online = $state(true);
	syncing = $state(false);
	lastError = $state<ErrorCode | null>(null);
	sessionExpired = $state(false);
	/** Scopes whose access was withdrawn during this visit (their data has left the device). */
	revokedScopes = $state<string[]>([]);
	db = $state.raw<TryggDb | null>(null);
	#replicator: Replicator | null = null;
	/** Photo uploads and lazy downloads (architecture §8), alongside document sync. */
	blobSync: BlobSync | null = null;
	/** Scopes for which the profile was already refreshed after a refusal (no refresh loop). */
	#refreshedFor: string[] = [];
	/** Counts sign-ins on this page, so a deferred sync start never outlives its session. */
	#opened = 0;

	// Counts come from the device database itself, never from counters kept beside it.
	readonly outbox = $derived(this.db ? new Live<OutboxEntry[]>(liveOutbox(this.db), []) : null);
	readonly #lastSync = $derived(this.db ? new Live<string | undefined>(liveLastSync(this.db)) : null);
	readonly #outboxIds = $derived(this.db ? new Live<OutboxIds>(liveOutboxIds(this.db)) : null);
	readonly pendingCount = $derived(this.#outboxIds?.current?.pending.length ?? 0);
	readonly refusedCount = $derived(this.#outboxIds?.current?.refused.length ?? 0);
	readonly revokedCount = $derived(this.#outboxIds?.current?.revoked.length ?? 0);
	// A plain lookup object, not a Set: it is replaced whole on each change, never mutated.
	readonly #unsynced = $derived(
		Object.fromEntries(
			[
				...(this.#outboxIds?.current?.pending ?? []),
				...(this.#outboxIds?.current?.refused ?? []),
				...(this.#outboxIds?.current?.revoked ?? []),
			].map((id) => [id, true] as const),
		) as Record<string, true | undefined>,
	);

	/** Has this document a change the server has not accepted yet (waiting, refused or revoked)? */
	isUnsynced(docId: string): boolean {
		return this.#unsynced[docId] === true;
	}

	/** When this device last finished a full sync (ISO), or null. */
	get lastSync(): string | null {
		return this.#lastSync?.current ?? null;
	}
	readonly writableUnits = $derived(this.me?.scopes.filter((s) => s.unitId !== null && s.write) ?? []);

	#initialised = false;

	/** Called once in the browser: restore the person remembered on this device and start syncing. */
	init(): void {
		if (this.#initialised) return;
		this.#initialised = true;
		this.online = navigator.onLine;
		addEventListener('online', () => {
			this.online = true;
			void this.checkSession();
			this.#replicator?.resync();
			this.blobSync?.kick();
		});
		addEventListener('offline', () => {
			this.online = false;
		});
		const me = readCachedMe();
		if (!me) return;
		this.#open(me);
		// The page shows what is on the device first; the session check and sync start when the
		// main thread is next idle, so they do not compete with that first paint.
		whenIdle(() => {
			if (this.online) void this.checkSession();
		});
	}

	#open(me: Me): void {
		this.me = me;
		if (this.db?.name !== `trygg-${me.name}`) {
			void this.#replicator?.stop();
			this.db = openUserDb(me.name);
			this.revokedScopes = [];
			this.#refreshedFor = [];
			this.#replicator = new Replicator({
				db: this.db,
				fetch: (url, init) => fetch(url, init),
				scopes: () => this.me?.scopes.map((s) => s.scope) ?? [],
				onEvent: (e) => this.#onSync(e),
			});
			void this.blobSync?.stop();
			this.blobSync = new BlobSync({ db: this.db, fetch: (url, init) => fetch(url, init) });
		}
		this.sessionExpired = false;
		const opened = ++this.#opened;
		whenIdle(() => {
			if (opened !== this.#opened || !this.me) return; // signed out or switched before the start
			this.#replicator?.start();
			this.blobSync?.start();
			this.blobSync?.kick();
		});
	}

	#onSync(event: SyncEvent): void {
		switch (event.type) {
			case 'active':
				this.syncing = true;
				break;
			case 'idle':
				this.syncing = false;
				this.lastError = null;
				break;
			case 'error':
				this.syncing = false;
				this.lastError = event.code as ErrorCode;
				break;
			case 'unauthorized':
				this.syncing = false;
				this.sessionExpired = true;
				break;
			case 'revoked':
				if (!this.revokedScopes.includes(event.scope)) this.revokedScopes = [...this.revokedScopes, event.scope];
				void this.checkSession();
				break;
			case 'forbidden':
				// The server refuses a scope the profile still lists: the profile is stale. Refresh it once,
				// then sync again; an unlisted scope that is still refused is then treated as revoked.
				if (this.#refreshedFor.includes(event.scope)) break;
				this.#refreshedFor.push(event.scope);
				void this.checkSession().then(() => this.#replicator?.resync());
				break;
		}
	}

	/** Sign in against the server; on success the device remembers the person for offline use. */
	async signIn(name: string, password: string): Promise<void> {
		await requestJson(fetch, '/db/_session', { method: 'POST', body: { name, password } });
		const me = meSchema.parse(await requestJson(fetch, '/api/me'));
		localStorage.setItem(ME_KEY, JSON.stringify(me));
		this.#open(me);
		// Ask the browser not to evict unsynced work under storage pressure.
		void navigator.storage?.persist?.().catch(() => false);
	}

	/** Changes and photos of the signed-in person not accepted by the server yet (asked before sign-out). */
	async unsentCount(): Promise<number> {
		return this.db ? unsentCount(this.db) : 0;
	}

	/**
	 * Sign out: stops syncing, ends the session on the server and forgets the person on this
	 * device. With nothing unsent their database is wiped; unsent changes stay in it until they
	 * sign in again (no one else ever opens it).
	 */
	async signOut(): Promise<void> {
		const name = this.me?.name;
		await this.#replicator?.stop();
		this.#replicator = null;
		await this.blobSync?.stop();
		this.blobSync = null;
		this.db?.close();
		this.db = null;
		this.me = null;
		this.#opened++;
		localStorage.removeItem(ME_KEY);
		await requestJson(fetch, '/db/_session', { method: 'DELETE' }).catch(() => undefined);
		if (name) await forgetPersonIfSent(name, localStorage).catch(() => false);
	}

	/** Ask the server whether the session still holds; an expired one asks for sign-in, nothing is dropped. */
	async checkSession(): Promise<void> {
		try {
			const session = await requestJson<{ userCtx?: { name: string | null } }>(fetch, '/db/_session');
			if (!session.userCtx?.name) {
				this.sessionExpired = true;
				await this.#replicator?.stop();
				return;
			}
			const me = meSchema.parse(await requestJson(fetch, '/api/me'));
			localStorage.setItem(ME_KEY, JSON.stringify(me));
			this.me = me;
		} catch (err) {
			if (errorCode(err) !== 'network') this.lastError = err instanceof AppError ? err.code : 'server';
		}
	}

	/**
	 * Save a document on the device (validated, queued) and sync it shortly after. The push waits
	 * `PUSH_DELAY_MS` so it does not compete with the page showing the change; saves in that time
	 * share one push. The change is already in the outbox, so nothing waits on the push.
	 */
	async save(doc: LiveDoc, options?: SaveOptions): Promise<StoredDoc> {
		if (!this.db) throw new AppError('unauthorized', 'not signed in');
		const stored = await saveDoc(this.db, doc, undefined, options);
		this.#kickSoon();
		return stored;
	}

	/** Save several documents in one device transaction (all or none), then sync them like `save`. */
	async saveAll(docs: Parameters<typeof saveDocs>[1]): Promise<StoredDoc[]> {
		if (!this.db) throw new AppError('unauthorized', 'not signed in');
		const stored = await saveDocs(this.db, docs);
		this.#kickSoon();
		return stored;
	}

	#kickTimer: ReturnType<typeof setTimeout> | undefined;
	#kickSoon(): void {
		if (this.#kickTimer !== undefined) return;
		this.#kickTimer = setTimeout(() => {
			this.#kickTimer = undefined;
			this.#replicator?.kick();
		}, PUSH_DELAY_MS);
	}

	/** Send one refused or revoked change again. */
	async retryChange(docId: string): Promise<void> {
		if (!this.db) return;
		await retryRefused(this.db, docId);
		this.retry();
	}

	/** Send every refused change again. */
	async retryAllRefused(): Promise<void> {
		if (!this.db) return;
		await retryAllRefused(this.db);
		this.retry();
	}

	/** Give up a refused or revoked change; the server's version (if any) comes back. */
	async discardChange(docId: string): Promise<void> {
		if (!this.db) return;
		await discardRefused(this.db, docId);
		this.retry();
	}

	/** Sync now (the indicator's retry button, or after a local write). */
	retry(): void {
		if (this.sessionExpired) return;
		this.#replicator?.start();
		this.#replicator?.resync();
		this.blobSync?.kick();
	}
}

/** The app's one state instance. */
export const app = new AppState();
