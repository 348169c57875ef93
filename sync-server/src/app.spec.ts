/**
 * Cross-cutting behaviour of the built server: CSRF refusal, CouchDB-shaped errors without
 * internals, security headers over a real socket, the welcome document's stable uuid, and
 * per-document refusal of invalid documents in `_bulk_docs`.
 */
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BODY_LIMIT } from './app.ts';
import type { Harness } from './test-harness.ts';
import { roundDoc, startServer, tempDir } from './test-harness.ts';

let h: Harness;

beforeEach(async () => {
	h = await startServer();
});
afterEach(async () => {
	await h.close();
});

/** No stack frames, source files or folders in an error body. */
function expectCleanError(body: string, error: string): void {
	const parsed = JSON.parse(body) as Record<string, unknown>;
	expect(Object.keys(parsed).sort()).toEqual(['error', 'reason']);
	expect(parsed.error).toBe(error);
	expect(typeof parsed.reason).toBe('string');
	expect(body).not.toMatch(/\bat \S+ \(|\.ts\b|\.js\b|node_modules|\/work\/|\/tmp\/|\/home\//);
}

describe('CSRF', () => {
	const write = (cookie: string, headers: Record<string, string>) =>
		h.call({ method: 'POST', url: '/db/unit-a1/_bulk_docs', cookie, headers, payload: { docs: [roundDoc('a1')] } });

	it('refuses a cookie-authenticated write from a foreign Origin', async () => {
		const cookie = await h.signIn('chef');
		for (const method of ['POST', 'PUT', 'DELETE'] as const) {
			const url =
				method === 'POST' ? '/db/unit-a1/_bulk_docs' : method === 'PUT' ? '/db/unit-a1/_local/x' : '/db/_session';
			const res = await h.call({
				method,
				url,
				cookie,
				headers: { origin: 'https://evil.example' },
				payload: method === 'DELETE' ? undefined : { docs: [] },
			});
			expect(res.statusCode, `${method} ${url}`).toBe(403);
			expectCleanError(res.body, 'forbidden');
		}
		// The delete above was refused, so the session still works.
		const still = await h.call({ method: 'GET', url: '/db/_session', cookie });
		expect(still.json()).toMatchObject({ userCtx: { name: 'chef' } });
	});

	it('refuses Sec-Fetch-Site cross-site and same-site, and an opaque "null" Origin', async () => {
		const cookie = await h.signIn('chef');
		const cases: Record<string, string>[] = [
			{ 'sec-fetch-site': 'cross-site' },
			{ 'sec-fetch-site': 'same-site' },
			{ origin: 'null' },
			{ origin: 'http://localhost:80.evil.example' },
		];
		for (const headers of cases) {
			const res = await write(cookie, headers);
			expect(res.statusCode, JSON.stringify(headers)).toBe(403);
		}
	});

	it('refuses a cross-site sign-in (login CSRF)', async () => {
		const res = await h.call({
			method: 'POST',
			url: '/db/_session',
			headers: { origin: 'https://evil.example' },
			payload: { name: 'chef', password: 'trygg-demo' },
		});
		expect(res.statusCode).toBe(403);
		expect(res.cookies).toEqual([]);
	});

	it('lets a same-origin write, a Sec-Fetch-Site none, and a non-browser call without Origin through', async () => {
		const cookie = await h.signIn('chef');
		// inject sends `Host: localhost:80`; browsers leave the default port out of Origin.
		const same = await write(cookie, { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' });
		expect(same.statusCode).toBe(200);
		expect(same.json()[0]).toMatchObject({ ok: true });
		expect((await write(cookie, { 'sec-fetch-site': 'none' })).statusCode).toBe(200);
		expect((await write(cookie, {})).statusCode).toBe(200);
	});

	it('does not check reads: a foreign Origin may GET (the browser keeps the answer from it)', async () => {
		const cookie = await h.signIn('chef');
		const res = await h.call({
			method: 'GET',
			url: '/db/unit-a1',
			cookie,
			headers: { origin: 'https://evil.example' },
		});
		expect(res.statusCode).toBe(200);
		expect(res.headers['access-control-allow-origin']).toBeUndefined();
	});
});

describe('errors are CouchDB-shaped, without internals', () => {
	it('malformed JSON → 400 bad_request', async () => {
		const cookie = await h.signIn('chef');
		const res = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_bulk_docs',
			cookie,
			headers: { 'content-type': 'application/json' },
			payload: '{"docs": [',
		});
		expect(res.statusCode).toBe(400);
		expectCleanError(res.body, 'bad_request');
	});

	it('oversized body → 413 too_large', async () => {
		const cookie = await h.signIn('chef');
		const res = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_bulk_docs',
			cookie,
			headers: { 'content-type': 'application/json' },
			payload: `{"docs":["${'x'.repeat(BODY_LIMIT)}"]}`,
		});
		expect(res.statusCode).toBe(413);
		expectCleanError(res.body, 'too_large');
	});

	it('unknown routes → 404 not_found, signed in or not', async () => {
		const cookie = await h.signIn('admin');
		for (const url of ['/nope', '/api/nope', '/db/unit-a1/_design/x', '/db/unit-a1/some-doc', '/db/org/_all_dbs']) {
			for (const c of [undefined, cookie]) {
				const res = await h.call({ method: 'GET', url, cookie: c });
				expect(res.statusCode, url).toBe(404);
				expectCleanError(res.body, 'not_found');
			}
		}
	});

	it('an unsupported content type → 415, a wrong body shape → 400', async () => {
		const cookie = await h.signIn('chef');
		const text = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_bulk_docs',
			cookie,
			headers: { 'content-type': 'application/xml' },
			payload: '<docs/>',
		});
		expect(text.statusCode).toBe(415);
		expectCleanError(text.body, 'unsupported_media');
		const shape = await h.call({ method: 'POST', url: '/db/unit-a1/_bulk_docs', cookie, payload: { doc: [] } });
		expect(shape.statusCode).toBe(400);
		expectCleanError(shape.body, 'bad_request');
	});
});

describe('headers over a real socket', () => {
	it('sends nosniff and no-store on /db and /api, and the cookie flags in Set-Cookie', async () => {
		await h.app.listen({ port: 0, host: '127.0.0.1' });
		const address = h.app.server.address();
		const base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
		const signIn = await fetch(`${base}/db/_session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' },
			body: JSON.stringify({ name: 'chef', password: 'trygg-demo' }),
		});
		expect(signIn.status).toBe(200);
		const setCookie = signIn.headers.get('set-cookie') ?? '';
		expect(setCookie).toMatch(/^AuthSession=[^;]+;/);
		expect(setCookie).toMatch(/; HttpOnly/i);
		expect(setCookie).toMatch(/; SameSite=Lax/i);
		expect(setCookie).not.toMatch(/; Secure/i);
		expect(signIn.headers.get('cache-control')).toBe('no-store');
		expect(signIn.headers.get('x-content-type-options')).toBe('nosniff');

		const cookie = setCookie.split(';')[0] ?? '';
		const foreign = await fetch(`${base}/db/unit-a1/_bulk_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie, origin: 'https://evil.example' },
			body: JSON.stringify({ docs: [roundDoc('a1')] }),
		});
		expect(foreign.status).toBe(403);
		const own = await fetch(`${base}/db/unit-a1/_bulk_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie, origin: base },
			body: JSON.stringify({ docs: [roundDoc('a1')] }),
		});
		expect(own.status).toBe(200);
		const me = await fetch(`${base}/api/me`, { headers: { cookie } });
		expect(me.headers.get('cache-control')).toBe('no-store');
	});
});

describe('GET /db/', () => {
	it('answers the welcome document with a uuid that survives a restart on the same data folder', async () => {
		const dir = await tempDir();
		try {
			const first = await startServer({}, dir);
			const a = (await first.call({ method: 'GET', url: '/db/' })).json();
			const noSlash = (await first.call({ method: 'GET', url: '/db' })).json();
			await first.close();
			expect(a).toMatchObject({ couchdb: 'Welcome', uuid: expect.stringMatching(/^[0-9a-f]{32}$/) });
			expect(noSlash.uuid).toBe(a.uuid);
			const second = await startServer({}, dir);
			const b = (await second.call({ method: 'GET', url: '/db/' })).json();
			await second.close();
			expect(b.uuid).toBe(a.uuid);
			const other = (await h.call({ method: 'GET', url: '/db/' })).json();
			expect(other.uuid).not.toBe(a.uuid);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});

describe('_bulk_docs validation', () => {
	it('refuses a schema-invalid document per document with a reason, stores the valid ones only', async () => {
		const cookie = await h.signIn('chef');
		const good = roundDoc('a1');
		const bad = { ...roundDoc('a1', { _id: 'round:bad-one' }), status: 'finished' };
		const extra = { ...roundDoc('a1', { _id: 'round:extra-one' }), secret: 1 };
		const res = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_bulk_docs',
			cookie,
			payload: { docs: [bad, good, extra] },
		});
		expect(res.statusCode).toBe(200);
		const rows = res.json();
		expect(rows[0]).toEqual({ id: 'round:bad-one', error: 'invalid', reason: expect.stringContaining('status') });
		expect(rows[1]).toMatchObject({ id: good._id, ok: true });
		expect(rows[2]).toMatchObject({ id: 'round:extra-one', error: 'invalid' });
		const all = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs',
			cookie,
			payload: { keys: ['round:bad-one', 'round:extra-one', good._id] },
		});
		const found = all.json().rows as { key: string; error?: string }[];
		expect(found.map((r) => r.error)).toEqual(['not_found', 'not_found', undefined]);
	});
});
