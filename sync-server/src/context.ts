/**
 * What every route shares: the stores, the session secret, the clock, sign-in limiters and
 * the signed-in user with their grants. It must never cache a user's roles across requests
 * (they are read fresh), and never expose password hashes to routes beyond sign-in.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ScopeGrant } from '../../src/lib/domain/index.ts';
import { AppError, REVOKED_REASON } from '../../src/lib/domain/index.ts';
import { SESSION_COOKIE, readSessionToken } from './auth/session.ts';
import { SignInGuard } from './auth/sign-in.ts';
import type { UserRecord, UserStore } from './auth/users.ts';
import type { PolicyUnit } from './policy/access.ts';
import { grantsFor, mayRead } from './policy/access.ts';
import type { DocStore } from './store/doc-store.ts';

export class ServerContext {
	readonly store: DocStore;
	readonly users: UserStore;
	readonly secret: string;
	readonly secureCookies: boolean;
	readonly now: () => Date;
	readonly uuid: string;
	readonly signIns = new SignInGuard();
	/** Aborted when the server begins to close, so longpolls answer at once. */
	readonly closing = new AbortController();
	#units: Promise<PolicyUnit[]> | undefined;

	constructor(opts: {
		store: DocStore;
		users: UserStore;
		secret: string;
		secureCookies: boolean;
		now: () => Date;
		uuid: string;
	}) {
		this.store = opts.store;
		this.users = opts.users;
		this.secret = opts.secret;
		this.secureCookies = opts.secureCookies;
		this.now = opts.now;
		this.uuid = opts.uuid;
	}

	/** The org tree, cached until the next write to `org`. */
	units(): Promise<PolicyUnit[]> {
		this.#units ??= this.#loadUnits().catch((err: unknown) => {
			this.#units = undefined;
			throw err;
		});
		return this.#units;
	}

	/** Drop the cached org tree (called after every accepted write to `org`). */
	orgChanged(): void {
		this.#units = undefined;
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

	/** The signed-in user of this request, or undefined. */
	async currentUser(request: FastifyRequest): Promise<UserRecord | undefined> {
		const name = readSessionToken(this.secret, request.cookies[SESSION_COOKIE], this.now());
		// A deleted account's cookie stops working at once, though the cookie itself is stateless.
		return name === undefined ? undefined : this.users.get(name);
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

	/** Should cookies set on this request be `Secure`? */
	isSecure(request: FastifyRequest): boolean {
		const proto = request.headers['x-forwarded-proto'];
		const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim();
		return this.secureCookies || request.protocol === 'https' || first === 'https';
	}
}

/** Send a CouchDB-shaped error. */
export function sendError(reply: FastifyReply, err: AppError): FastifyReply {
	if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
	return reply.code(err.status).type('application/json').send(err.toBody());
}
