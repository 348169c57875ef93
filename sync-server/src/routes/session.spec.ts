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

	it('names the cookie __Host-AuthSession and marks it Secure when secureCookies is on, or behind a trusted https proxy', async () => {
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
		const viaProxy = {
			method: 'POST',
			url: '/db/_session',
			headers: { 'x-forwarded-proto': 'https' },
			payload: { name: 'chef', password: 'trygg-demo' },
		} as const;
		// Untrusted, the header is the client's own word: it must not choose the cookie.
		const forged = await h.app.inject(viaProxy);
		expect(forged.cookies.find((c) => c.name === 'AuthSession')?.secure).toBeFalsy();
		expect(forged.cookies.find((c) => c.name === '__Host-AuthSession')).toBeUndefined();
		const proxy = await startServer({ trustProxy: 1 });
		try {
			const proxied = await proxy.app.inject(viaProxy);
			expect(proxied.cookies.find((c) => c.name === '__Host-AuthSession')?.secure).toBe(true);
		} finally {
			await proxy.close();
		}
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

// Dozens of scrypt hashes per case: a wide hang guard for a busy machine; no case measures time.
describe('sign-in rate limits', { timeout: 180_000 }, () => {
	const wait = (res: { headers: Record<string, unknown> }) => Number(res.headers['retry-after']);

	it('after 5 failures of one account from one address, makes it wait 15 s, then twice as long each time', async () => {
		for (let i = 0; i < 5; i++) expect((await signIn('chef', 'wrong', '10.0.0.1')).statusCode).toBe(401);
		const blocked = await signIn('chef', 'trygg-demo', '10.0.0.1');
		expect(blocked.statusCode).toBe(429);
		expect(blocked.json()).toMatchObject({ error: 'rate_limited' });
		expect(wait(blocked)).toBe(15);
		clock += 15_000;
		expect((await signIn('chef', 'wrong', '10.0.0.1')).statusCode).toBe(401);
		clock += 29_000;
		const again = await signIn('chef', 'trygg-demo', '10.0.0.1');
		expect(again.statusCode).toBe(429);
		expect(wait(again)).toBe(1);
		clock += 1_000;
		expect((await signIn('chef', 'wrong', '10.0.0.1')).statusCode).toBe(401);
		expect(wait(await signIn('chef', 'trygg-demo', '10.0.0.1'))).toBe(60);
		// Waiting always gives the owner another try; the right password forgives the pair.
		clock += 60_000;
		expect((await signIn('chef', 'trygg-demo', '10.0.0.1')).statusCode).toBe(200);
		expect((await signIn('chef', 'wrong', '10.0.0.1')).statusCode).toBe(401);
	});

	it('never locks the owner out from another address, nor other accounts from the same one', async () => {
		for (let i = 0; i < 12; i++) await signIn('chef', 'wrong', '10.6.6.6');
		expect((await signIn('chef', 'trygg-demo', '10.6.6.6')).statusCode).toBe(429);
		expect((await signIn('chef', 'trygg-demo', '10.0.1.1')).statusCode).toBe(200);
		expect((await signIn('chef2', 'trygg-demo', '10.6.6.6')).statusCode).toBe(200);
	});

	it('caps the wait at 15 minutes and forgets one attempt an hour', async () => {
		for (let i = 0; i < 5; i++) await signIn('chef', 'wrong', '10.0.0.2');
		for (let i = 0; i < 8; i++) {
			clock += 15 * 60 * 1000;
			expect((await signIn('chef', 'wrong', '10.0.0.2')).statusCode).toBe(401);
		}
		expect(wait(await signIn('chef', 'wrong', '10.0.0.2'))).toBe(15 * 60);
		clock += 13 * 60 * 60 * 1000;
		expect((await signIn('chef', 'wrong', '10.0.0.2')).statusCode).toBe(401);
	});

	it('slows an address after 30 attempts across many names, but not another address', async () => {
		for (let i = 0; i < 30; i++) expect((await signIn(`spray${i}`, 'x', '10.9.9.9')).statusCode).toBe(401);
		const blocked = await signIn('chef', 'trygg-demo', '10.9.9.9');
		expect(blocked.statusCode).toBe(429);
		expect(blocked.json()).toMatchObject({ error: 'rate_limited' });
		expect((await signIn('chef', 'trygg-demo', '10.9.9.10')).statusCode).toBe(200);
	});

	it('does not count successful sign-ins against a shared address (an office behind one NAT)', async () => {
		const names = ['chef', 'chef2', 'avdchef', 'skyddsombud', 'medarbetare', 'hr', 'admin'];
		for (let i = 0; i < 35; i++) {
			expect((await signIn(names[i % names.length] ?? 'chef', 'trygg-demo', '10.7.7.7')).statusCode).toBe(200);
		}
	});

	it('counts a guess before checking it: of 300 parallel guesses at the limit, the right password among them, all but one are refused at once', async () => {
		for (let i = 0; i < 4; i++) expect((await signIn('chef', 'wrong', '10.0.0.3')).statusCode).toBe(401);
		const guesses = Array.from({ length: 300 }, (_, i) =>
			signIn('chef', i === 150 ? 'trygg-demo' : `guess-${i}`, '10.0.0.3'),
		);
		const statuses = (await Promise.all(guesses)).map((r) => r.statusCode);
		expect(statuses.filter((s) => s === 200)).toEqual([]);
		expect(statuses.filter((s) => s === 401)).toHaveLength(1);
		expect(statuses.filter((s) => s === 429)).toHaveLength(299);
	});

	it('refuses all of 300 parallel guesses with the right password among them, while another user syncs within a second', async () => {
		const chef2 = await h.signIn('chef2');
		for (let i = 0; i < 5; i++) expect((await signIn('chef', 'wrong', '10.0.0.4')).statusCode).toBe(401);
		// The same account from one address, and a spray of names from many addresses, at once.
		const burst = Array.from({ length: 300 }, (_, i) =>
			i % 2 === 0
				? signIn('chef', i === 150 ? 'trygg-demo' : `guess-${i}`, '10.0.0.4')
				: signIn(`spray-${i}`, `guess-${i}`, `10.8.${i >> 8}.${i & 255}`),
		);
		// Once the first sprayed name is answered 401, hashing is under way (before this change: with
		// all 300 scrypts queued on libuv's four threads, ahead of any other user's database read).
		await new Promise<void>((resolve) => {
			for (const [i, res] of burst.entries()) if (i % 2 === 1) void res.then((r) => r.statusCode === 401 && resolve());
		});
		const started = performance.now();
		const changes = await h.call({ method: 'GET', url: '/db/unit-b1/_changes?include_docs=true', cookie: chef2 });
		const tookMs = performance.now() - started;
		const results = await Promise.all(burst);
		expect(changes.statusCode).toBe(200);
		expect(tookMs).toBeLessThan(1000);
		const own = results.filter((_, i) => i % 2 === 0);
		expect(own.every((r) => r.statusCode === 429)).toBe(true);
		// Busy, not wrong: the spray beyond the hash queue is refused at once, CouchDB-shaped.
		for (const r of results.filter((x) => x.statusCode === 429)) {
			expect(r.json()).toMatchObject({ error: 'rate_limited' });
			expect(wait(r)).toBeGreaterThanOrEqual(1);
		}
	}, 60_000);

	it('answers concurrent checks of one account beyond two at once with 429 and Retry-After 1', async () => {
		const three = await Promise.all([0, 1, 2].map((i) => signIn('chef', 'trygg-demo', `10.0.5.${i}`)));
		expect(three.map((r) => r.statusCode).sort()).toEqual([200, 200, 429]);
		expect(wait(three.find((r) => r.statusCode === 429) ?? three[0]!)).toBe(1);
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
