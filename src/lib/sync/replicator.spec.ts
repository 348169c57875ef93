/**
 * The device replicator against the real sync server (in-process, embedded store, temp folder).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../sync-server/src/app.ts';
import { newId, type RoundDoc } from '../domain/index.ts';
import { TryggDb } from '../db/app-db.ts';
import { saveDoc } from '../db/docs-repo.ts';
import { Replicator } from './replicator.ts';
import type { FetchLike } from './http.ts';

let dir: string;
let app: FastifyInstance;
let base: string;

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-repl-'));
	app = await buildApp({ dataDir: dir, sessionSecret: 'test-secret-test-secret-test-secret', seedDemo: true });
	await app.listen({ port: 0, host: '127.0.0.1' });
	const address = app.server.address();
	base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
});

afterEach(async () => {
	await app.close();
	await rm(dir, { recursive: true, force: true });
});

/** A fetch that keeps one person's session cookie, like a browser does. */
async function deviceFetch(name: string): Promise<FetchLike & { fail: boolean }> {
	let cookie = '';
	const fn = (async (url: string, init?: RequestInit) => {
		if (fn.fail) throw new TypeError('fetch failed');
		const headers = new Headers(init?.headers);
		if (cookie) headers.set('cookie', cookie);
		return fetch(base + url, { ...init, headers });
	}) as FetchLike & { fail: boolean };
	fn.fail = false;
	const res = await fetch(`${base}/db/_session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: 'trygg-demo' }),
	});
	expect(res.status).toBe(200);
	cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
	return fn;
}

function round(overrides: Partial<RoundDoc> = {}): RoundDoc {
	const now = new Date().toISOString();
	return {
		_id: newId('round'),
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical',
		templateVersion: 1,
		date: '2026-12-01',
		status: 'planned',
		participants: [],
		createdBy: 'chef',
		createdAt: now,
		updatedAt: now,
		...overrides,
	};
}

describe('Replicator', () => {
	it('pushes an offline write and another device of the unit pulls it', async () => {
		const chefDb = new TryggDb(`chef-${Math.random()}`);
		const repDb = new TryggDb(`rep-${Math.random()}`);
		const chefFetch = await deviceFetch('chef');
		const chef = new Replicator({ db: chefDb, fetch: chefFetch, scopes: () => ['org', 'unit-a1'] });
		const rep = new Replicator({
			db: repDb,
			fetch: await deviceFetch('skyddsombud'),
			scopes: () => ['org', 'unit-a1'],
		});

		chefFetch.fail = true;
		const doc = round();
		await saveDoc(chefDb, doc);
		await expect(chef.syncOnce()).rejects.toMatchObject({ code: 'network' });
		expect(await chefDb.outbox.count()).toBe(1);

		chefFetch.fail = false;
		await chef.syncOnce();
		expect(await chefDb.outbox.count()).toBe(0);
		expect((await chefDb.docs.get(doc._id))?._rev).toMatch(/^1-/);
		expect(await chefDb.docs.where('type').equals('template').count()).toBe(3);

		await rep.syncOnce();
		expect((await repDb.docs.get(doc._id))?.type).toBe('round');
	});

	it('adopts the server version after a lost response instead of duplicating', async () => {
		const db = new TryggDb(`lost-${Math.random()}`);
		const f = await deviceFetch('chef');
		const doc = round();
		await saveDoc(db, doc);
		// The server commits, the answer never reaches the device.
		const lossy: FetchLike = async (url, init) => {
			const res = await f(url, init);
			if (url.includes('_bulk_docs')) throw new TypeError('connection reset');
			return res;
		};
		await expect(new Replicator({ db, fetch: lossy, scopes: () => [] }).push()).rejects.toMatchObject({
			code: 'network',
		});
		expect(await db.outbox.count()).toBe(1);

		const again = new Replicator({ db, fetch: f, scopes: () => ['unit-a1'] });
		await again.syncOnce();
		expect(await db.outbox.count()).toBe(0);
		const all = await (await f('/db/unit-a1/_changes')).json();
		expect(all.results.filter((r: { id: string }) => r.id === doc._id)).toHaveLength(1);
		expect((await db.docs.get(doc._id))?._rev).toMatch(/^1-/);
	});

	it('keeps a refused change visible with the reason instead of dropping it', async () => {
		const db = new TryggDb(`refused-${Math.random()}`);
		const f = await deviceFetch('chef2');
		await saveDoc(db, round());
		await new Replicator({ db, fetch: f, scopes: () => [] }).push();
		const [entry] = await db.outbox.toArray();
		expect(entry?.state).toBe('refused');
		expect(entry?.error?.code).toBe('forbidden');
	});

	it('refuses an invalid document on the device before it reaches the outbox', async () => {
		const db = new TryggDb(`invalid-${Math.random()}`);
		await expect(saveDoc(db, round({ date: '1 december' }))).rejects.toMatchObject({ code: 'invalid' });
		expect(await db.outbox.count()).toBe(0);
	});

	it('stops on 401 and keeps the outbox', async () => {
		const db = new TryggDb(`expired-${Math.random()}`);
		await saveDoc(db, round());
		const anonymous: FetchLike = (url, init) => fetch(base + url, init);
		const events: string[] = [];
		const r = new Replicator({ db, fetch: anonymous, scopes: () => ['unit-a1'], onEvent: (e) => events.push(e.type) });
		r.start();
		await expect.poll(() => events.includes('unauthorized')).toBe(true);
		await r.stop();
		expect(await db.outbox.count()).toBe(1);
	});
});
