/**
 * The stateless session cookie `AuthSession`: base64url(JSON {n: name, e: expiry ms}) + "." +
 * HMAC-SHA256. It carries only the user name; it must never carry roles (read fresh per
 * request) or anything secret, and a cookie with a bad signature is simply "signed out".
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'AuthSession';
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

function sign(secret: string, payload: string): Buffer {
	return createHmac('sha256', secret).update(payload).digest();
}

export function createSessionToken(secret: string, name: string, now: Date): string {
	const payload = Buffer.from(JSON.stringify({ n: name, e: now.getTime() + SESSION_TTL_MS })).toString('base64url');
	return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

/** The user name in a valid, unexpired token, else undefined. */
export function readSessionToken(secret: string, token: string | undefined, now: Date): string | undefined {
	if (!token) return undefined;
	const dot = token.indexOf('.');
	if (dot < 1) return undefined;
	const payload = token.slice(0, dot);
	const mac = Buffer.from(token.slice(dot + 1), 'base64url');
	const expected = sign(secret, payload);
	if (mac.length !== expected.length || !timingSafeEqual(new Uint8Array(mac), new Uint8Array(expected)))
		return undefined;
	try {
		const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { n?: unknown; e?: unknown };
		if (typeof data.n !== 'string' || typeof data.e !== 'number' || data.e <= now.getTime()) return undefined;
		return data.n;
	} catch {
		return undefined;
	}
}
