/**
 * A tablet holding a round planned offline on the older app syncs it after the server was
 * upgraded on the older app's data folder (decision 0026): the round is taken, and the tablet
 * ends up with what the server stored – the template version id – not its own older copy.
 */
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildApp } from '../../../sync-server/src/app.ts';
import { foundationRound, writeOlderStore } from '../../../sync-server/src/migrations/older-stores.ts';
import { TEST_SECRET, testServerClock, TEST_SERVER_TIME } from '../../../sync-server/src/test-harness.ts';
import { TryggDb } from '../db/app-db.ts';
import { saveDoc } from '../db/docs-repo.ts';
import type { LiveDoc } from '../domain/index.ts';
import type { FetchLike } from './http.ts';
import { Replicator } from './replicator.ts';

let dir: string;
let app: FastifyInstance;
let base: string;

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-older-sync-'));
	await writeOlderStore(dir, 'foundation');
	app = await buildApp({ dataDir: dir, sessionSecret: TEST_SECRET, seedDemo: true, now: testServerClock() });
	await app.listen({ port: 0, host: '127.0.0.1' });
	const address = app.server.address();
	base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
}, 30_000);

afterEach(async () => {
	await app.close();
	await rm(dir, { recursive: true, force: true });
});

async function deviceFetch(name: string): Promise<FetchLike> {
	const res = await fetch(`${base}/db/_session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: 'trygg-demo' }),
	});
	expect(res.status).toBe(200);
	const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
	return (async (url: string, init?: RequestInit) => {
		const headers = new Headers(init?.headers);
		headers.set('cookie', cookie);
		return fetch(base + url, { ...init, headers });
	}) as FetchLike;
}

it('syncs a round the older app planned offline, and keeps the server’s upgraded version', async () => {
	const db = new TryggDb(`older-${Math.random()}`);
	// Planned offline on the older app: it names the template by its first id.
	const round = foundationRound('round:offline-1') as unknown as LiveDoc;
	await saveDoc(db, round, new Date(TEST_SERVER_TIME));
	const replicator = new Replicator({ db, fetch: await deviceFetch('chef'), scopes: () => ['org', 'unit-a1'] });

	await replicator.syncOnce();

	expect(await db.outbox.count()).toBe(0);
	expect(await db.docs.get('round:offline-1')).toMatchObject({ templateId: 'template:physical.v1' });
	// The template it names is on the device; the first id is gone with the migration.
	expect(await db.docs.get('template:physical.v1')).toMatchObject({ status: 'published' });
	expect(await db.docs.get('template:physical')).toBeUndefined();
});
