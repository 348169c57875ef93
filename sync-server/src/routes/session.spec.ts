/**
 * `_session` (sign-in, session info, sign-out) and the sign-in rate limits, through `inject`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Harness } from '../test-harness.ts';
import { startServer } from '../test-harness.ts';

let h: Harness;
let clock: number;

beforeEach(async () => {
	clock = Date.parse('2026-11-23T09:00:00.000Z');
	h = await startServer({ now: () => new Date(clock) });
});
afterEach(async () => {
	await h.close();
});

const WRONG = { error: 'unauthorized', reason: 'Name or password is incorrect.' };

function signIn(name: string, password: string, remoteAddress = '127.0.0.1') {
	return h.app.inject({ method: 'POST', url: '/db/_session', payload: { name, password }, remoteAddress });
}

describe('POST /db/_session', () => {
	it('signs in with a JSON body: {ok, name, roles} and an HttpOnly, SameSite=Lax cookie', async () => {
		const res = await signIn('chef', 'trygg-demo');
		expect(res.statusCode).toBe(200);
		expect(res.json()).toEqual({ ok: true, name: 'chef', roles: ['manager'] });
		const cookie = res.cookies.find((c) => c.name === 'AuthSession');
		expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
		expect(cookie?.secure).toBeFalsy();
		// 12 hours: the idle window (renewed while in use, see session-end.spec.ts).
		expect(cookie?.maxAge).toBe(12 * 60 * 60);
	});

	it('signs in with a form body, as CouchDB clients send it', async () => {
		const res = await h.app.inject({
			method: 'POST',
			url: '/db/_session',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			payload: 'name=skyddsombud&password=trygg-demo',
		});
		expect(res.statusCode).toBe(200);
		expect(res.json()).toEqual({ ok: true, name: 'skyddsombud', roles: ['safety_rep'] });
		expect(res.cookies.find((c) => c.name === 'AuthSession')?.httpOnly).toBe(true);
	});

	it('names the cookie __Host-AuthSession and marks it Secure when secureCookies is on, or behind an https proxy', async () => {
		const secure = await startServer({ secureCookies: true });
		try {
			const res = await secure.app.inject({
				method: 'POST',
				url: '/db/_session',
				payload: { name: 'chef', password: 'trygg-demo' },
			});
			const cookie = res.cookies.find((c) => c.name === '__Host-AuthSession');
			// `__Host-`: browsers keep it only when Secure, Path=/ and without a Domain.
			expect(cookie).toMatchObject({ secure: true, path: '/' });
			expect(cookie?.domain).toBeUndefined();
			expect(res.cookies.find((c) => c.name === 'AuthSession')).toBeUndefined();
		} finally {
			await secure.close();
		}
		const proxied = await h.app.inject({
			method: 'POST',
			url: '/db/_session',
			headers: { 'x-forwarded-proto': 'https' },
			payload: { name: 'chef', password: 'trygg-demo' },
		});
		expect(proxied.cookies.find((c) => c.name === '__Host-AuthSession')?.secure).toBe(true);
	});

	it('answers a wrong password and an unknown name with the same 401, naming neither field', async () => {
		const wrongPassword = await signIn('chef', 'not-the-password');
		const unknownUser = await signIn('nobody-here', 'trygg-demo');
		for (const res of [wrongPassword, unknownUser]) {
			expect(res.statusCode).toBe(401);
			expect(res.json()).toEqual(WRONG);
			expect(res.cookies).toEqual([]);
		}
	});

	it('refuses a body without name or password with 400 bad_request', async () => {
		const res = await h.app.inject({ method: 'POST', url: '/db/_session', payload: { name: 'chef' } });
		expect(res.statusCode).toBe(400);
		expect(res.json()).toMatchObject({ error: 'bad_request' });
	});
});

describe('sign-in rate limits', () => {
	it('blocks an account after 5 failures from any address, even with the right password, for 15 minutes', async () => {
		for (let i = 0; i < 5; i++) expect((await signIn('chef', 'wrong', `10.0.0.${i}`)).statusCode).toBe(401);
		const blocked = await signIn('chef', 'trygg-demo', '10.0.1.1');
		expect(blocked.statusCode).toBe(429);
		expect(blocked.json()).toMatchObject({ error: 'rate_limited' });
		// Other accounts are not affected.
		expect((await signIn('chef2', 'trygg-demo', '10.0.1.1')).statusCode).toBe(200);
		clock += 15 * 60 * 1000 + 1;
		expect((await signIn('chef', 'trygg-demo', '10.0.1.1')).statusCode).toBe(200);
	});

	it('blocks an address after 20 failures across many names', async () => {
		for (let i = 0; i < 20; i++) expect((await signIn(`spray${i}`, 'x', '10.9.9.9')).statusCode).toBe(401);
		const blocked = await signIn('chef', 'trygg-demo', '10.9.9.9');
		expect(blocked.statusCode).toBe(429);
		expect(blocked.json()).toMatchObject({ error: 'rate_limited' });
		expect((await signIn('chef', 'trygg-demo', '10.9.9.10')).statusCode).toBe(200);
	});

	it('forgets an account’s failures after a successful sign-in', async () => {
		for (let i = 0; i < 4; i++) await signIn('chef', 'wrong', `10.0.2.${i}`);
		expect((await signIn('chef', 'trygg-demo')).statusCode).toBe(200);
		for (let i = 0; i < 4; i++) expect((await signIn('chef', 'wrong', `10.0.3.${i}`)).statusCode).toBe(401);
		expect((await signIn('chef', 'trygg-demo')).statusCode).toBe(200);
	});
});

describe('GET and DELETE /db/_session', () => {
	it('reports the signed-in user, or a null name when signed out', async () => {
		const anon = await h.call({ method: 'GET', url: '/db/_session' });
		expect(anon.statusCode).toBe(200);
		expect(anon.json()).toEqual({ ok: true, userCtx: { name: null, roles: [] } });
		const cookie = await h.signIn('hr');
		const me = await h.call({ method: 'GET', url: '/db/_session', cookie });
		expect(me.json()).toEqual({ ok: true, userCtx: { name: 'hr', roles: ['hr'] } });
	});

	it('treats a tampered or expired cookie as signed out', async () => {
		const cookie = await h.signIn('chef');
		// Flip one character of the signature (the first after the dot carries 6 bits of the MAC).
		const dot = cookie.indexOf('.') + 1;
		const tampered = cookie.slice(0, dot) + (cookie[dot] === 'A' ? 'B' : 'A') + cookie.slice(dot + 1);
		const res = await h.call({ method: 'GET', url: '/db/_session', cookie: tampered });
		expect(res.json()).toMatchObject({ userCtx: { name: null } });
		clock += 31 * 24 * 60 * 60 * 1000;
		const expired = await h.call({ method: 'GET', url: '/db/_session', cookie });
		expect(expired.json()).toMatchObject({ userCtx: { name: null } });
	});

	it('signs out by clearing the cookie with the same flags', async () => {
		const cookie = await h.signIn('chef');
		const res = await h.call({ method: 'DELETE', url: '/db/_session', cookie });
		expect(res.statusCode).toBe(200);
		expect(res.json()).toEqual({ ok: true });
		const cleared = res.cookies.find((c) => c.name === 'AuthSession');
		expect(cleared).toMatchObject({ value: '', httpOnly: true, sameSite: 'Lax', path: '/' });
		expect(cleared?.expires?.getTime() ?? 0).toBeLessThan(Date.now());
	});
});

describe('GET /api/me', () => {
	it('lists the user, roles and scopes with their write flag', async () => {
		const cookie = await h.signIn('chef');
		const res = await h.call({ method: 'GET', url: '/api/me', cookie });
		expect(res.statusCode).toBe(200);
		const me = res.json();
		expect(me).toMatchObject({ name: 'chef', displayName: 'Anna Chef', roles: ['manager'] });
		const scopes = Object.fromEntries(
			(me.scopes as { scope: string; write: boolean }[]).map((s) => [s.scope, s.write]),
		);
		expect(scopes).toMatchObject({ org: false, 'user-chef': true, 'unit-a1': true });
		expect(scopes['unit-b1']).toBeUndefined();
		expect(JSON.stringify(me)).not.toContain('scrypt');
	});

	it('answers 401 when signed out', async () => {
		const res = await h.call({ method: 'GET', url: '/api/me' });
		expect(res.statusCode).toBe(401);
		expect(res.json()).toEqual({ error: 'unauthorized', reason: 'You are not signed in.' });
	});
});
