/**
 * What every route shares: the stores, the session secret, the clock, sign-in limiters and
 * the signed-in user with their grants. It must never cache a user's roles across requests
 * (they are read fresh), and never expose password hashes to routes beyond sign-in.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ScopeGrant } from '../../src/lib/domain/index.ts';
import { AppError, REVOKED_REASON } from '../../src/lib/domain/index.ts';
import type { Session } from './auth/session.ts';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE, SessionDecoder, renewal } from './auth/session.ts';
import { SignInGuard } from './auth/sign-in.ts';
import type { UserRecord, UserStore } from './auth/users.ts';
import { noteErrorName } from './logging.ts';
import type { PolicyUnit } from './policy/access.ts';
import type { QuotaKeeper } from './quotas.ts';
import { grantsFor, mayRead } from './policy/access.ts';
import type { DocStore, StoredDoc } from './store/doc-store.ts';
import { LocalDocs } from './store/local-docs.ts';
import { ScopeWriteLock } from './store/write-lock.ts';

/** Most `org` documents kept in memory at once (templates and campaigns: a few dozen in practice). */
const MAX_KEPT_ORG_DOCS = 2000;

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const v of Object.values(value)) deepFreeze(v);
	}
	return value;
}

export class ServerContext {
	readonly store: DocStore;
	/** `_local` documents with revisions checked by Trygg, whatever the store (decision 0021). */
	readonly local: LocalDocs;
	readonly users: UserStore;
	readonly secret: string;
	readonly secureCookies: boolean;
	readonly now: () => Date;
	readonly uuid: string;
	/** How much each scope holds and each person adds to it (decision 0017). */
	readonly quotas: QuotaKeeper;
	readonly signIns = new SignInGuard();
	/** Writes to one scope are judged and written one group at a time (decisions 0016, 0024). */
	readonly writeLock = new ScopeWriteLock();
	/** Aborted when the server begins to close, so longpolls answer at once. */
	readonly closing = new AbortController();
	#units: Promise<PolicyUnit[]> | undefined;
	/** Documents of `org` the rules read, by id (null: none), when they may be kept (see `orgDocs`). */
	readonly #orgDocs: Map<string, StoredDoc | null> | undefined;
	/** Counts writes to `org`: a read that one overtook does not fill `#orgDocs`. */
	#orgWrites = 0;
	readonly #decoder: SessionDecoder;
	/** Sessions read per request (and the renewed cookie to send, if any). */
	readonly #sessions = new WeakMap<FastifyRequest, { session: Session; renewed?: Session }>();

	constructor(opts: {
		store: DocStore;
		users: UserStore;
		secret: string;
		secureCookies: boolean;
		now: () => Date;
		uuid: string;
		quotas: QuotaKeeper;
		/**
		 * This process makes every write to the store (the embedded store: LevelDB's lock), so what
		 * it read of `org` holds until it writes there (`orgChanged`). Off for CouchDB, which other
		 * servers may write to.
		 */
		onlyWriter?: boolean;
	}) {
		this.store = opts.store;
		this.local = new LocalDocs(opts.store);
		this.users = opts.users;
		this.secret = opts.secret;
		this.#decoder = new SessionDecoder(opts.secret);
		this.secureCookies = opts.secureCookies;
		this.now = opts.now;
		this.uuid = opts.uuid;
		this.quotas = opts.quotas;
		this.#orgDocs = opts.onlyWriter ? new Map() : undefined;
	}

	/** The org tree, cached until the next write to `org`. */
	units(): Promise<PolicyUnit[]> {
		this.#units ??= this.#loadUnits().catch((err: unknown) => {
			this.#units = undefined;
			throw err;
		});
		return this.#units;
	}

	/** Drop what is kept of `org` (called after every write to it, whoever makes it). */
	orgChanged(): void {
		this.#units = undefined;
		this.#orgWrites++;
		this.#orgDocs?.clear();
	}

	/**
	 * The live documents of `org` with these ids (templates, campaigns: the rules read one for
	 * nearly every save). Kept in memory, frozen, when this process is the store's only writer:
	 * parsing a template for every saved round was a tenth of a save's CPU (decision 0042).
	 */
	async orgDocs(ids: readonly string[]): Promise<Map<string, StoredDoc>> {
		const found = new Map<string, StoredDoc>();
		const kept = this.#orgDocs;
		const missing = kept ? ids.filter((id) => !kept.has(id)) : [...ids];
		if (kept) {
			for (const id of ids) {
				const doc = kept.get(id);
				if (doc) found.set(id, doc);
			}
		}
		if (missing.length === 0) return found;
		const writes = this.#orgWrites;
		const rows = await this.store.allDocs('org', [...new Set(missing)], { includeDocs: true });
		const keep = kept !== undefined && writes === this.#orgWrites;
		if (keep && kept.size + rows.length > MAX_KEPT_ORG_DOCS) kept.clear();
		for (const row of rows) {
			const doc = 'doc' in row && row.doc && row.value.deleted !== true ? deepFreeze(row.doc) : null;
			if (doc) found.set(row.key, doc);
			if (keep) kept.set(row.key, doc);
		}
		return found;
	}

	async #loadUnits(): Promise<PolicyUnit[]> {
		const { results } = await this.store.changes('org', { includeDocs: true });
		const units: PolicyUnit[] = [];
		for (const row of results) {
			const doc = row.doc;
			if (!doc || row.deleted || doc.type !== 'unit') continue;
			units.push({ _id: doc._id, name: String(doc.name), parentId: (doc.parentId as string | null) ?? null });
		}
		return units;
	}

	/** The session cookie's name for this request: `__Host-` over https. */
	cookieName(request: FastifyRequest): string {
		return this.isSecure(request) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
	}

	/**
	 * The signed-in user of this request, or undefined. The user record is read from the store
	 * on every request (never cached: several servers may share one CouchDB), so a removed
	 * account, a higher `sessionEpoch` (password change, "sign out everywhere") or a revoked
	 * session id ends the session on the very next request (decision 0014).
	 */
	async currentUser(request: FastifyRequest): Promise<UserRecord | undefined> {
		const now = this.now();
		const session = this.#decoder.decode(request.cookies[this.cookieName(request)], now);
		if (!session) return undefined;
		const user = await this.users.get(session.name);
		if (!user || session.epoch !== (user.sessionEpoch ?? 0)) return undefined;
		if (user.revokedSessions?.some((r) => r.id === session.id)) return undefined;
		const next = renewal(session, now);
		this.#sessions.set(request, { session, ...(next ? { renewed: next } : {}) });
		return user;
	}

	/** The valid session read for this request by `currentUser`, if any. */
	sessionOf(request: FastifyRequest): Session | undefined {
		return this.#sessions.get(request)?.session;
	}

	/** The renewed session to send with this request's answer, once (sliding renewal). */
	takeRenewal(request: FastifyRequest): Session | undefined {
		const entry = this.#sessions.get(request);
		const renewed = entry?.renewed;
		if (entry && renewed) this.#sessions.set(request, { session: entry.session });
		return renewed;
	}

	async requireUser(request: FastifyRequest): Promise<UserRecord> {
		const user = await this.currentUser(request);
		if (!user) throw new AppError('unauthorized', 'You are not signed in.');
		return user;
	}

	async grants(user: UserRecord): Promise<ScopeGrant[]> {
		return grantsFor(user, await this.units());
	}

	/**
	 * The user's grants when they may read `scope`; else 403. A scope the user once synced
	 * but no longer holds answers `revoked` (architecture §4: a device offline while its
	 * membership was removed learns why, and drops the scope); any other scope answers
	 * `forbidden`, the same for every scope, so existence never leaks.
	 */
	async readGrants(user: UserRecord, scope: string): Promise<ScopeGrant[]> {
		const grants = await this.grants(user);
		const seen = user.seenScopes ?? [];
		if (mayRead(grants, scope)) {
			if (!seen.includes(scope)) await this.users.rememberScope(user.name, scope);
			return grants;
		}
		if (seen.includes(scope)) throw new AppError('revoked', REVOKED_REASON);
		throw new AppError('forbidden', 'You are not allowed to access this db.');
	}

	/**
	 * Should cookies set on this request be `Secure` (and named `__Host-`)? `request.protocol`
	 * reads X-Forwarded-Proto only from a proxy trusted by TRUST_PROXY: a client's own header must
	 * not choose the cookie name, or it could make the server read a planted plain cookie.
	 */
	isSecure(request: FastifyRequest): boolean {
		return this.secureCookies || request.protocol === 'https';
	}
}

/** Send a CouchDB-shaped error (its name goes into the request's log line, its reason does not). */
export function sendError(reply: FastifyReply, err: AppError): FastifyReply {
	noteErrorName(reply, err.code);
	if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
	return reply.code(err.status).type('application/json').send(err.toBody());
}
