/**
 * The signed-in session and the sync status of this device, as runes state.
 * Once signed in, the device keeps working offline: the person is remembered on the device,
 * the session is checked again when the network returns, and an expired session only asks
 * to sign in again; the outbox is never cleared by a sign-out or an expiry. A sign-out with
 * nothing unsent wipes the person's database from the device (shared tablets, decision 0014).
 */
import { AppError, meSchema, type LiveDoc, type Me, type ErrorCode } from '../domain/index.ts';
import type { OutboxEntry, StoredDoc, TryggDb } from '../db/app-db.ts';
import type { OutboxIds, SaveOptions, saveDocs } from '../db/docs-repo.ts';
import type { AnonSender } from '../sync/anon-sender.ts';
import type { BlobSync } from '../sync/blob-sync.ts';
import { requestJson } from '../sync/http.ts';
import type { Replicator, SyncEvent } from '../sync/replicator.ts';
import { Live } from './live.svelte.ts';
import { clock } from './clock.ts';
import { errorCode } from './errors.ts';
import { timeTellingFetch } from './server-time-fetch.ts';

type Device = typeof import('./device.ts');
let device: Promise<Device> | undefined;

/**
 * The device's database and sync (Dexie, the replicator), loaded on first need: once someone
 * signs in or is remembered on the device. A first visit's sign-in page never loads them.
 */
export function loadDevice(): Promise<Device> {
	device ??= import('./device.ts').catch((err: unknown) => {
		device = undefined; // offline before it was ever cached: try again next time
		throw err;
	});
	return device;
}

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
	/** The loaded device module; set before `db`, so wherever `db` is set this is too. */
	#device: Device | null = null;
	#replicator: Replicator | null = null;
	/** Photo uploads and lazy downloads (architecture §8), alongside document sync. */
	blobSync: BlobSync | null = null;
	/** Survey tokens and anonymous responses (decision 0030), beside document sync. */
	anon: AnonSender | null = null;
	/** Scopes for which the profile was already refreshed after a refusal (no refresh loop). */
	#refreshedFor: string[] = [];
	/** Counts sign-ins on this page, so a deferred sync start never outlives its session. */
	#opened = 0;
	/** Stops the state modules' clock following this person's stored server-clock offset. */
	#stopClock: (() => void) | undefined;

	// Counts come from the device database itself, never from counters kept beside it.
	readonly outbox = $derived(
		this.db && this.#device ? new Live<OutboxEntry[]>(this.#device.liveOutbox(this.db), []) : null,
	);
	readonly #lastSync = $derived(
		this.db && this.#device ? new Live<string | undefined>(this.#device.liveLastSync(this.db)) : null,
	);
	readonly #outboxIds = $derived(
		this.db && this.#device ? new Live<OutboxIds>(this.#device.liveOutboxIds(this.db)) : null,
	);
	/** Survey responses waiting for the anonymous road: not in the outbox, but not synced either. */
	readonly #anonWaiting = $derived(
		this.db && this.#device ? new Live<number>(this.#device.liveAnonWaiting(this.db)) : null,
	);
	readonly anonWaiting = $derived(this.#anonWaiting?.current ?? 0);
	/** False until both queues have been read once: before that, "all synced" would be a guess. */
	readonly outboxKnown = $derived(this.#outboxIds?.current !== undefined && this.#anonWaiting?.current !== undefined);
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

	#initialised: Promise<void> | null = null;

	/**
	 * Called in the browser before the first page is made (the root layout's load waits for it):
	 * restore the person remembered on this device, their database open, and start syncing.
	 * Later calls return the first call's promise.
	 */
	init(): Promise<void> {
		this.#initialised ??= this.#init();
		return this.#initialised;
	}

	async #init(): Promise<void> {
		this.online = navigator.onLine;
		addEventListener('online', () => {
			this.online = true;
			void this.checkSession();
			this.#replicator?.resync();
			this.blobSync?.kick();
			this.anon?.kick();
		});
		addEventListener('offline', () => {
			this.online = false;
		});
		const me = readCachedMe();
		if (!me) return;
		let loaded: Device;
		try {
			loaded = await loadDevice();
		} catch {
			// The app's files are not all on the device yet and the network is away: still signed in.
			this.me = me;
			this.lastError = 'network';
			return;
		}
		this.#open(me, loaded);
		// The page shows what is on the device first; the session check and sync start when the
		// main thread is next idle, so they do not compete with that first paint.
		whenIdle(() => {
			if (this.online) void this.checkSession();
		});
	}

	#open(me: Me, loaded: Device): void {
		this.me = me;
		this.#device = loaded;
		if (this.db?.name !== `trygg-${me.name}`) {
			void this.#replicator?.stop();
			this.db = loaded.openUserDb(me.name);
			// The one place the recording clock learns the server's: from this person's database.
			this.#stopClock?.();
			this.#stopClock = loaded.followServerClock(this.db);
			this.revokedScopes = [];
			this.#refreshedFor = [];
			this.#replicator = new loaded.Replicator({
				db: this.db,
				fetch: (url, init) => fetch(url, init),
				scopes: () => this.me?.scopes.map((s) => s.scope) ?? [],
				onEvent: (e) => this.#onSync(e),
			});
			void this.blobSync?.stop();
			this.blobSync = new loaded.BlobSync({ db: this.db, fetch: (url, init) => fetch(url, init) });
			void this.anon?.stop();
			this.anon = new loaded.AnonSender({ db: this.db, fetch: (url, init) => fetch(url, init) });
		}
		this.sessionExpired = false;
		const opened = ++this.#opened;
		whenIdle(() => {
			if (opened !== this.#opened || !this.me) return; // signed out or switched before the start
			this.#replicator?.start();
			this.blobSync?.start();
			this.blobSync?.kick();
			this.anon?.start();
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
		// Fetched while the server checks the password; a refused sign-in leaves it unused.
		const loading = loadDevice();
		loading.catch(() => undefined);
		// The answers tell the server's clock: kept, so even the first save records on it.
		const timed = timeTellingFetch((url, init) => fetch(url, init));
		await requestJson(timed.fetch, '/db/_session', { method: 'POST', body: { name, password } });
		const me = meSchema.parse(await requestJson(timed.fetch, '/api/me'));
		const loaded = await loading;
		localStorage.setItem(ME_KEY, JSON.stringify(me));
		this.#open(me, loaded);
		if (this.db) await loaded.noteReading(this.db, timed.last()).catch(() => undefined);
		// Ask the browser not to evict unsynced work under storage pressure.
		void navigator.storage?.persist?.().catch(() => false);
	}

	/** Changes and photos of the signed-in person not accepted by the server yet (asked before sign-out). */
	async unsentCount(): Promise<number> {
		return this.db && this.#device ? this.#device.unsentCount(this.db) : 0;
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
		await this.anon?.stop();
		this.anon = null;
		this.#stopClock?.();
		this.#stopClock = undefined;
		clock.serverOffsetMs = 0;
		this.db?.close();
		this.db = null;
		this.me = null;
		this.#opened++;
		localStorage.removeItem(ME_KEY);
		await requestJson(fetch, '/db/_session', { method: 'DELETE' }).catch(() => undefined);
		if (name && this.#device) await this.#device.forgetPersonIfSent(name, localStorage).catch(() => false);
	}

	/**
	 * This device was given a new session cookie by its own password change, which ended every
	 * other session: a sync request that met the change half-way (401) is over, so sync goes on.
	 */
	resumeSession(): void {
		if (!this.me) return;
		this.sessionExpired = false;
		this.retry();
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
		if (!this.db || !this.#device) throw new AppError('unauthorized', 'not signed in');
		const stored = await this.#device.saveDoc(this.db, doc, undefined, options);
		this.#kickSoon();
		return stored;
	}

	/** Save several documents in one device transaction (all or none), then sync them like `save`. */
	async saveAll(docs: Parameters<typeof saveDocs>[1]): Promise<StoredDoc[]> {
		if (!this.db || !this.#device) throw new AppError('unauthorized', 'not signed in');
		const stored = await this.#device.saveDocs(this.db, docs);
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
		if (!this.db || !this.#device) return;
		await this.#device.retryRefused(this.db, docId);
		this.retry();
	}

	/** Send every refused change again. */
	async retryAllRefused(): Promise<void> {
		if (!this.db || !this.#device) return;
		await this.#device.retryAllRefused(this.db);
		this.retry();
	}

	/** Give up a refused or revoked change; the server's version (if any) comes back. */
	async discardChange(docId: string): Promise<void> {
		if (!this.db || !this.#device) return;
		await this.#device.discardRefused(this.db, docId);
		this.retry();
	}

	/** Sync now (the indicator's retry button, or after a local write). */
	retry(): void {
		if (this.sessionExpired) return;
		this.#replicator?.start();
		this.#replicator?.resync();
		this.blobSync?.kick();
		this.anon?.kick();
	}
}

/** The app's one state instance. */
export const app = new AppState();
