/**
 * The session cookie: base64url(JSON {n: name, s: session id, g: the account's session epoch,
 * e: idle expiry ms, m: absolute expiry ms}) + "." + HMAC-SHA256. The signature proves we issued
 * it; whether it still holds is decided against the user record on every request (the epoch and
 * the revoked session ids, see `ServerContext.currentUser` and decision 0014). It must never
 * carry roles (read fresh per request) or anything secret, and a cookie with a bad signature is
 * simply "signed out".
 *
 * Lifetimes: a session dies after 12 hours without a request and never lives longer than 7 days;
 * a request made when more than half the idle window is used gets a renewed cookie.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie's name over plain http (CouchDB's own name, which PouchDB clients expect). */
export const SESSION_COOKIE = 'AuthSession';
/** The cookie's name over https: `__Host-` makes browsers refuse it unless Secure, Path=/ and host-only. */
export const SECURE_SESSION_COOKIE = '__Host-AuthSession';
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;

export type Session = {
	name: string;
	/** Random id of this sign-in, so one sign-out can revoke it alone. */
	id: string;
	/** The account's `sessionEpoch` when the session was made; a higher epoch ends it. */
	epoch: number;
	/** Idle expiry (ms); moved forward by renewal. */
	expires: number;
	/** Absolute expiry (ms); never moved. */
	maxExpires: number;
};

function sign(secret: string, payload: string): Buffer {
	return createHmac('sha256', secret).update(payload).digest();
}

/** A new session for `name` at account epoch `epoch`. */
export function newSession(name: string, epoch: number, now: Date): Session {
	const t = now.getTime();
	return {
		name,
		id: randomBytes(12).toString('base64url'),
		epoch,
		expires: t + SESSION_IDLE_MS,
		maxExpires: t + SESSION_MAX_MS,
	};
}

/** The session renewed at `now` when more than half its idle window is used, else undefined. */
export function renewal(session: Session, now: Date): Session | undefined {
	const t = now.getTime();
	if (session.expires - t > SESSION_IDLE_MS / 2) return undefined;
	const expires = Math.min(t + SESSION_IDLE_MS, session.maxExpires);
	return expires > session.expires ? { ...session, expires } : undefined;
}

export function encodeSession(secret: string, s: Session): string {
	const json = JSON.stringify({ n: s.name, s: s.id, g: s.epoch, e: s.expires, m: s.maxExpires });
	const payload = Buffer.from(json).toString('base64url');
	return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

/** The session in a validly signed, unexpired token, else undefined. */
export function decodeSession(secret: string, token: string | undefined, now: Date): Session | undefined {
	const session = verifiedSession(secret, token);
	return session && unexpired(session, now) ? session : undefined;
}

function unexpired(s: Session, now: Date): boolean {
	const t = now.getTime();
	return s.expires > t && s.maxExpires > t;
}

/**
 * `decodeSession` that remembers the tokens whose signature it checked (least recently used
 * first out), so a device's every request does not pay for an HMAC. Expiry is checked each time;
 * whether the session still holds is the account's to say (`ServerContext.currentUser`).
 */
export class SessionDecoder {
	readonly #secret: string;
	readonly #max: number;
	readonly #verified = new Map<string, Session>();

	constructor(secret: string, max = 10_000) {
		this.#secret = secret;
		this.#max = max;
	}

	decode(token: string | undefined, now: Date): Session | undefined {
		if (!token) return undefined;
		let session = this.#verified.get(token);
		if (session) this.#verified.delete(token);
		else session = verifiedSession(this.#secret, token);
		if (session) Object.freeze(session);
		if (!session || !unexpired(session, now)) return undefined;
		this.#verified.set(token, session);
		if (this.#verified.size > this.#max) this.#verified.delete(this.#verified.keys().next().value as string);
		return session;
	}
}

/** The session in a validly signed token (expired or not), else undefined. */
function verifiedSession(secret: string, token: string | undefined): Session | undefined {
	if (!token) return undefined;
	const dot = token.indexOf('.');
	if (dot < 1) return undefined;
	const payload = token.slice(0, dot);
	const mac = Buffer.from(token.slice(dot + 1), 'base64url');
	const expected = sign(secret, payload);
	if (mac.length !== expected.length || !timingSafeEqual(new Uint8Array(mac), new Uint8Array(expected)))
		return undefined;
	try {
		const d = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
		if (typeof d.n !== 'string' || typeof d.s !== 'string' || typeof d.g !== 'number') return undefined;
		if (typeof d.e !== 'number' || typeof d.m !== 'number') return undefined;
		return { name: d.n, id: d.s, epoch: d.g, expires: d.e, maxExpires: d.m };
	} catch {
		return undefined;
	}
}
