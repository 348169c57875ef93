/**
 * The multi-scope changes feed (decision 0018): each scope from its own checkpoint, access per
 * scope exactly as per-scope `_changes` checks it (forbidden, revoked, nothing about existence),
 * validation of the whole request, and the longpoll: woken by a write in any of its scopes, and
 * leaving no waiter or listener behind when the client goes away.
 */
import { getEventListeners } from 'node:events';
import http from 'node:http';
import { rm } from 'node:fs/promises';
import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, REVOKED_REASON } from '../../../src/lib/domain/index.ts';
import { FEED_MAX_SCOPES, FEED_PATH, feedResponseSchema } from '../../../src/lib/domain/feed.ts';
import { UserStore } from '../auth/users.ts';
import { ServerContext, sendError } from '../context.ts';
import { QuotaKeeper, quotaLimits } from '../quotas.ts';
import { seedIfEmpty } from '../seed/demo.ts';
import type { PouchStore } from '../store/pouch-store.ts';
import { openStorage, type Storage } from '../store/storage.ts';
import type { Harness } from '../test-harness.ts';
import { roundDoc, startServer, tempDir, TEST_SECRET, testServerClock } from '../test-harness.ts';
import { feedRoutes } from './feed.ts';
import { scopeRoutes } from './scope.ts';
import { sessionRoutes } from './session.ts';

type ScopeAnswer = {
	results?: { id: string; doc?: { _id: string } }[];
	last_seq?: string;
	error?: string;
	reason?: string;
};

describe('the feed through the whole server', () => {
	let h: Harness;
	beforeEach(async () => {
		h = await startServer();
	});
	afterEach(async () => {
		await h.close();
	});

	async function feed(name: string | undefined, body: unknown) {
		const res = await h.call({
			method: 'POST',
			url: FEED_PATH,
			cookie: name ? await h.signIn(name) : undefined,
			payload: body as object,
		});
		return { status: res.statusCode, body: res.json() as { results: Record<string, ScopeAnswer> } & ScopeAnswer };
	}

	async function write(name: string, scope: string, docs: object[]): Promise<void> {
		const res = await h.call({
			method: 'POST',
			url: `/db/${scope}/_bulk_docs`,
			cookie: await h.signIn(name),
			payload: { docs },
		});
		expect(res.json()).toEqual(docs.map(() => expect.objectContaining({ ok: true })));
	}

	it('answers every scope from its own checkpoint, with documents, in the shared schema', async () => {
		const round = roundDoc('a1', { createdBy: 'chef' });
		await write('chef', 'unit-a1', [round]);
		const first = await feed('chef', { scopes: { org: '0', 'unit-a1': '0', 'user-chef': '0' } });
		expect(first.status).toBe(200);
		expect(feedResponseSchema.safeParse(first.body).success).toBe(true);
		const { org, 'unit-a1': unit, 'user-chef': own } = first.body.results;
		expect(org?.results?.some((r) => r.doc?._id === 'template:physical.v1')).toBe(true);
		expect(unit?.results?.map((r) => r.doc?._id)).toEqual([round._id]);
		expect(own).toEqual({ results: [], last_seq: '0' });

		// From the sequences it gave: nothing new anywhere, each scope keeps its own.
		const since = { org: org?.last_seq, 'unit-a1': unit?.last_seq, 'user-chef': '0' };
		const again = await feed('chef', { scopes: since });
		expect(again.body.results).toEqual({
			org: { results: [], last_seq: since.org },
			'unit-a1': { results: [], last_seq: since['unit-a1'] },
			'user-chef': { results: [], last_seq: '0' },
		});
		// The same rows as per-scope `_changes` gives them.
		const perScope = await h.call({
			method: 'GET',
			url: '/db/unit-a1/_changes?include_docs=true',
			cookie: await h.signIn('chef'),
		});
		expect(perScope.json().results).toEqual(unit?.results);
	});

	it('pages each scope by limit', async () => {
		await write('chef', 'unit-a1', [
			roundDoc('a1', { createdBy: 'chef' }),
			roundDoc('a1', { createdBy: 'chef' }),
			roundDoc('a1', { createdBy: 'chef' }),
		]);
		const page = await feed('chef', { scopes: { 'unit-a1': '0' }, limit: 2 });
		const first = page.body.results['unit-a1'];
		expect(first?.results).toHaveLength(2);
		const rest = await feed('chef', { scopes: { 'unit-a1': first?.last_seq }, limit: 2 });
		expect(rest.body.results['unit-a1']?.results).toHaveLength(1);
	});

	it('refuses a scope the caller may not read on its own, the same for one that exists and one that does not', async () => {
		const secret = roundDoc('b1', { createdBy: 'chef2' });
		await write('chef2', 'unit-b1', [secret]);
		await write('chef2', 'user-chef2', [{ ...roundDoc('b1', { createdBy: 'chef2' }), scope: 'user-chef2' }]);
		const res = await feed('chef', {
			scopes: { 'unit-a1': '0', 'unit-b1': '0', 'unit-zz9': '0', 'user-chef2': '0', reports: '0', 'reports-b1': '0' },
		});
		expect(res.status).toBe(200);
		const forbidden = { error: 'forbidden', reason: 'You are not allowed to access this db.' };
		for (const scope of ['unit-b1', 'unit-zz9', 'user-chef2', 'reports', 'reports-b1']) {
			expect(res.body.results[scope], scope).toEqual(forbidden);
		}
		expect(res.body.results['unit-a1']?.results).toBeDefined();
		expect(JSON.stringify(res.body)).not.toContain(secret._id);
	});

	it('answers revoked for a scope the caller read before and lost, and keeps serving the others', async () => {
		expect((await feed('chef', { scopes: { 'unit-a1': '0' } })).body.results['unit-a1']?.results).toBeDefined();
		const admin = await h.signIn('admin');
		const removed = await h.call({
			method: 'PUT',
			url: '/api/admin/users/chef/memberships',
			cookie: admin,
			payload: [],
		});
		expect(removed.statusCode).toBe(200);
		const res = await feed('chef', { scopes: { org: '0', 'unit-a1': '0', 'unit-b1': '0' } });
		expect(res.body.results['unit-a1']).toEqual({ error: 'revoked', reason: REVOKED_REASON });
		expect(res.body.results['unit-b1']).toMatchObject({ error: 'forbidden' });
		expect(res.body.results.org?.results?.length).toBeGreaterThan(0);
	});

	it('answers a longpoll at once when a scope is refused, rather than waiting on the others', async () => {
		const res = await feed('chef', { scopes: { 'user-chef': '0', 'unit-b1': '0' }, feed: 'longpoll', timeout: 60_000 });
		expect(res.body.results).toEqual({
			'user-chef': { results: [], last_seq: '0' },
			'unit-b1': { error: 'forbidden', reason: expect.any(String) },
		});
	});

	it('answers a since the store did not make for that scope alone', async () => {
		const res = await feed('chef', { scopes: { org: '0', 'unit-a1': '12-g1AAAAbogus' } });
		expect(res.status).toBe(200);
		expect(res.body.results['unit-a1']).toEqual({ error: 'bad_request', reason: expect.stringContaining('since') });
		expect(res.body.results.org?.results?.length).toBeGreaterThan(0);
	});

	it('hands devices the report scopes they may read to sync, with the stats the server wrote', async () => {
		const me = await h.call({ method: 'GET', url: '/api/me', cookie: await h.signIn('avdchef') });
		const listed = (me.json() as { scopes: { scope: string }[] }).scopes.map((s) => s.scope).sort();
		expect(listed).toEqual([
			'org',
			'reports-a1',
			'reports-a2',
			'reports-a3',
			'reports-avd-a',
			'unit-a1',
			'unit-a2',
			'unit-a3',
			'unit-avd-a',
			'user-avdchef',
		]);
		await h.app.reports.idle();
		const reports = await feed('avdchef', { scopes: { 'reports-a1': '0', 'reports-avd-a': '0' } });
		const ids = (scope: string) =>
			(reports.body.results[scope] as { results: { id: string }[] }).results.map((r) => r.id);
		expect(ids('reports-a1')).toEqual(['stats:a1']);
		expect(ids('reports-avd-a')).toEqual(['stats:avd-a']);
		const hr = await h.call({ method: 'GET', url: '/api/me', cookie: await h.signIn('hr') });
		expect((hr.json() as { scopes: { scope: string }[] }).scopes.map((s) => s.scope).sort()).toEqual([
			'org',
			'reports',
			'user-hr',
		]);
	});

	it('asks for a session first', async () => {
		const res = await feed(undefined, { scopes: { org: '0' } });
		expect(res.status).toBe(401);
		expect(res.body).toEqual({ error: 'unauthorized', reason: expect.any(String) });
	});

	it('refuses a malformed request as a whole, saying what is wrong', async () => {
		const many = Object.fromEntries(Array.from({ length: FEED_MAX_SCOPES + 1 }, (_, i) => [`unit-u${i}`, '0']));
		const cases: [unknown, RegExp][] = [
			[{ scopes: { 'unit-a1': 'bad since' } }, /since/],
			[{ scopes: { 'unit-a1': 'x'.repeat(4097) } }, /scopes/],
			[{ scopes: { 'unit-a1': 7 } }, /scopes\.unit-a1/],
			[{ scopes: many }, /at most 1000 scopes/],
			[{ scopes: {} }, /at least one scope/],
			[{ scopes: { Not_A_Scope: '0' } }, /scopes/],
			[{ scopes: { org: '0' }, timeout: -1 }, /timeout/],
			[{ scopes: { org: '0' }, timeout: 1.5 }, /timeout/],
			[{ scopes: { org: '0' }, timeout: '100' }, /timeout/],
			[{ scopes: { org: '0' }, limit: 0 }, /limit/],
			[{ scopes: { org: '0' }, feed: 'continuous' }, /feed/],
			[{ scope: 'org' }, /scopes/],
			[[], /body|expected object/],
		];
		for (const [body, reason] of cases) {
			const res = await feed('chef', body);
			expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
			expect(res.body.error).toBe('bad_request');
			expect(res.body.reason).toMatch(reason);
		}
	});
});

/** One request over its own connection (no keep-alive), so closing the server waits on nothing else. */
function send(
	base: string,
	path: string,
	opts: { cookie?: string; body?: unknown; signal?: AbortSignal },
): Promise<{ status: number; body: unknown; cookie: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(`${base}${path}`, {
			method: 'POST',
			agent: false,
			headers: { 'content-type': 'application/json', ...(opts.cookie ? { cookie: opts.cookie } : {}) },
			...(opts.signal ? { signal: opts.signal } : {}),
		});
		req.on('error', reject);
		req.on('response', (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (text += chunk));
			res.on('error', reject);
			res.on('end', () =>
				resolve({
					status: res.statusCode ?? 0,
					body: JSON.parse(text) as unknown,
					cookie: (res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '',
				}),
			);
		});
		req.end(JSON.stringify(opts.body));
	});
}

/**
 * The feed on a server whose store the test can see (how many longpolls wait on each scope), built
 * from the same parts as `buildApp`: sessions, the per-scope routes (for writes) and the feed.
 */
async function storeServer(): Promise<{
	ctx: ServerContext;
	store: PouchStore;
	call: (path: string, opts: { cookie?: string; body?: unknown; signal?: AbortSignal }) => ReturnType<typeof send>;
	cookie: (name: string) => Promise<string>;
	close: () => Promise<void>;
}> {
	const dir = await tempDir('trygg-feed-');
	const storage: Storage = await openStorage({ kind: 'embedded', dataDir: dir });
	const users = new UserStore(storage.accounts);
	const clock = testServerClock();
	await seedIfEmpty(storage.docs, users, new Date('2026-11-23T09:00:00.000Z'));
	const ctx = new ServerContext({
		store: storage.docs,
		users,
		secret: TEST_SECRET,
		secureCookies: false,
		now: clock,
		uuid: storage.uuid,
		quotas: new QuotaKeeper({
			store: storage.docs,
			blobs: storage.blobs,
			now: clock,
			limits: quotaLimits(),
		}),
	});
	const app = Fastify();
	await app.register(fastifyCookie);
	app.setErrorHandler((err, _request, reply) =>
		sendError(reply, err instanceof AppError ? err : new AppError('server', 'internal error')),
	);
	await sessionRoutes(app, ctx);
	await scopeRoutes(app, ctx);
	await feedRoutes(app, ctx);
	app.addHook('preClose', async () => ctx.closing.abort());
	await app.listen({ port: 0, host: '127.0.0.1' });
	const address = app.server.address();
	const base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
	return {
		ctx,
		store: storage.docs as PouchStore,
		call: (path, opts) => send(base, path, opts),
		async cookie(name) {
			return (await send(base, '/db/_session', { body: { name, password: 'trygg-demo' } })).cookie;
		},
		async close() {
			await app.close();
			await storage.close();
			await rm(dir, { recursive: true, force: true });
		},
	};
}

describe('the feed as a longpoll', () => {
	let s: Awaited<ReturnType<typeof storeServer>>;
	let cookie: string;
	const scopes = ['org', 'unit-a1', 'user-chef', 'reports-a1'];
	beforeEach(async () => {
		s = await storeServer();
		cookie = await s.cookie('chef');
	});
	afterEach(async () => {
		await s.close();
	});

	const post = (body: unknown, signal?: AbortSignal) =>
		s.call(FEED_PATH, { cookie, body, ...(signal ? { signal } : {}) });

	/** Every scope's current sequence, as a device holds them once caught up. */
	async function caughtUp(): Promise<Record<string, string>> {
		const res = await post({ scopes: Object.fromEntries(scopes.map((scope) => [scope, '0'])) });
		const body = feedResponseSchema.parse(res.body);
		return Object.fromEntries(
			scopes.map((scope) => [scope, String((body.results[scope] as { last_seq: string }).last_seq)]),
		);
	}

	const waiting = (): number[] => scopes.map((scope) => s.store.waiting(scope));
	const closingListeners = (): number => getEventListeners(s.ctx.closing.signal, 'abort').length;

	for (const target of ['org', 'unit-a1', 'user-chef'] as const) {
		it(`wakes on a write to ${target}, one of its scopes, and releases every scope's wait`, async () => {
			const since = await caughtUp();
			const before = closingListeners();
			const answer = post({ scopes: since, feed: 'longpoll', timeout: 60_000 });
			// One wait on each scope of the one request.
			await expect.poll(waiting).toEqual([1, 1, 1, 1]);
			expect(closingListeners()).toBe(before + 1);

			const now = '2026-11-23T09:00:00.000Z';
			const doc =
				target === 'org'
					? { _id: 'unit:feed-probe', type: 'unit', scope: 'org', name: 'Probe', parentId: null, level: 'unit' }
					: { ...roundDoc('a1', { createdBy: 'chef' }), scope: target };
			const written = await s.call(`/db/${target}/_bulk_docs`, {
				cookie: target === 'org' ? await s.cookie('hr') : cookie,
				body: { docs: [{ createdAt: now, updatedAt: now, ...doc }] },
			});
			expect(written.body).toEqual([expect.objectContaining({ ok: true })]);

			const body = feedResponseSchema.parse((await answer).body);
			for (const scope of scopes) {
				const result = body.results[scope] as { results: { id: string }[]; last_seq: string };
				if (scope === target) expect(result.results.map((r) => r.id)).toEqual([doc._id]);
				else expect(result, scope).toEqual({ results: [], last_seq: since[scope] });
			}
			expect(waiting()).toEqual([0, 0, 0, 0]);
			expect(closingListeners()).toBe(before);
		});
	}

	it('answers an empty page for every scope when the timeout passes', async () => {
		const since = await caughtUp();
		const body = feedResponseSchema.parse((await post({ scopes: since, feed: 'longpoll', timeout: 0 })).body);
		expect(body.results).toEqual(
			Object.fromEntries(scopes.map((scope) => [scope, { results: [], last_seq: since[scope] }])),
		);
		expect(waiting()).toEqual([0, 0, 0, 0]);
	});

	it('leaves no waiter and no listener behind when the device goes away', async () => {
		const since = await caughtUp();
		const before = closingListeners();
		const gone = new AbortController();
		const answer = post({ scopes: since, feed: 'longpoll', timeout: 60_000 }, gone.signal).catch((err: Error) => err);
		await expect.poll(waiting).toEqual([1, 1, 1, 1]);
		gone.abort();
		expect(await answer).toMatchObject({ name: 'AbortError' });
		await expect.poll(waiting).toEqual([0, 0, 0, 0]);
		await expect.poll(closingListeners).toBe(before);
	});

	it('answers a waiting longpoll when the server stops', async () => {
		const since = await caughtUp();
		const answer = post({ scopes: since, feed: 'longpoll', timeout: 60_000 });
		await expect.poll(waiting).toEqual([1, 1, 1, 1]);
		s.ctx.closing.abort();
		expect((await answer).status).toBe(200);
		expect(waiting()).toEqual([0, 0, 0, 0]);
	});
});
