/**
 * Seeding with several servers on one CouchDB (reference server, or COUCHDB_URL): two servers
 * starting at once both find the store empty and both seed; neither fails, and the store ends
 * with one copy of the demo organisation. An interrupted seed is completed on the next start;
 * a store holding a real organisation is never touched.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../sync-server/src/app.ts';
import { UserStore } from '../../sync-server/src/auth/users.ts';
import { DEMO_ACCOUNTS, demoOrgDocs, demoUnits, seedIfEmpty } from '../../sync-server/src/seed/demo.ts';
import { openStorage, type Storage } from '../../sync-server/src/store/storage.ts';
import { startCouchTarget, type CouchTarget } from './couch-target.ts';

const secret = 'shared-secret-shared-secret-shared-secret';
const SEED_DOCS = demoOrgDocs(new Date('2026-11-23T09:00:00Z')).length;

let target: CouchTarget;
let dirs: string[];
beforeEach(async () => {
	target = await startCouchTarget();
	dirs = [];
});
afterEach(async () => {
	await target.close();
	await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function server(): Promise<FastifyInstance> {
	const dataDir = await mkdtemp(join(tmpdir(), 'trygg-seed-couch-'));
	dirs.push(dataDir);
	return buildApp({
		dataDir,
		sessionSecret: secret,
		seedDemo: true,
		storage: { kind: 'couchdb', url: target.url, prefix: target.prefix },
	});
}

function open(): Promise<Storage> {
	return openStorage({ kind: 'couchdb', url: target.url, prefix: target.prefix });
}

async function orgIds(storage: Storage): Promise<string[]> {
	const { results } = await storage.docs.changes('org', {});
	return results.filter((r) => !r.deleted).map((r) => r.id);
}

describe('demo seed on one CouchDB', () => {
	it('lets two servers start at once: both come up, the organisation is there once', async () => {
		const [one, two] = await Promise.all([server(), server()]);
		try {
			expect(one.seeded || two.seeded).toBe(true);
			for (const app of [one, two]) {
				const res = await app.inject({
					method: 'POST',
					url: '/db/_session',
					payload: { name: 'skyddsombud', password: 'trygg-demo' },
				});
				expect(res.statusCode).toBe(200);
			}
			const storage = await open();
			try {
				const ids = await orgIds(storage);
				expect(ids).toHaveLength(SEED_DOCS);
				expect(new Set(ids).size).toBe(SEED_DOCS);
				expect(await new UserStore(storage.accounts).count()).toBe(DEMO_ACCOUNTS.length);
				expect(await storage.docs.getLocal('org', 'demo-seed')).toMatchObject({ state: 'done' });
			} finally {
				await storage.close();
			}
			// A third server later finds a finished seed and writes nothing.
			const three = await server();
			expect(three.seeded).toBe(false);
			await three.close();
		} finally {
			await Promise.all([one.close(), two.close()]);
		}
	});

	it('tolerates many seeds racing on the same store objects', async () => {
		const stores = await Promise.all([open(), open(), open()]);
		try {
			const now = new Date('2026-11-23T09:00:00Z');
			const results = await Promise.all(stores.map((s) => seedIfEmpty(s.docs, new UserStore(s.accounts), now)));
			expect(results).toContain(true);
			expect(await orgIds(stores[0]!)).toHaveLength(SEED_DOCS);
			expect(await new UserStore(stores[0]!.accounts).count()).toBe(DEMO_ACCOUNTS.length);
		} finally {
			await Promise.all(stores.map((s) => s.close()));
		}
	});

	it('completes a seed that was interrupted, and leaves a real organisation alone', async () => {
		const storage = await open();
		try {
			const users = new UserStore(storage.accounts);
			const now = new Date('2026-11-23T09:00:00Z');
			// As if a server died after the marker and a few documents.
			await storage.docs.putLocal('org', 'demo-seed', { state: 'started' });
			await storage.docs.bulkDocs('org', demoUnits(now.toISOString()).slice(0, 3));
			expect(await seedIfEmpty(storage.docs, users, now)).toBe(true);
			expect(await orgIds(storage)).toHaveLength(SEED_DOCS);
			expect(await users.count()).toBe(DEMO_ACCOUNTS.length);
		} finally {
			await storage.close();
		}

		const real = await startCouchTarget();
		const other = await openStorage({ kind: 'couchdb', url: real.url, prefix: `${real.prefix}real_` });
		try {
			const [unit] = demoUnits('2026-11-23T09:00:00.000Z');
			await other.docs.bulkDocs('org', [{ ...unit!, _id: 'unit:real', name: 'Real unit' }]);
			expect(await seedIfEmpty(other.docs, new UserStore(other.accounts), new Date())).toBe(false);
			expect(await orgIds(other)).toEqual(['unit:real']);
			expect(await new UserStore(other.accounts).count()).toBe(0);
		} finally {
			await other.close();
			await real.close();
		}
	});
});
