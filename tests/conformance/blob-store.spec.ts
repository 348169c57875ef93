/**
 * One conformance suite for the blob port, run against both adapters: the file system store
 * (embedded mode) and the CouchDB store (reference server, or a real CouchDB 3 in COUCHDB_URL).
 * Then the whole server in CouchDB mode: a photo uploaded through one server is served by
 * another (stateless servers behind a load balancer), and blob documents never reach a scope's
 * `_changes`, `_all_docs` or `_bulk_docs`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../sync-server/src/app.ts';
import type { BlobStore } from '../../sync-server/src/blobs/blob-store.ts';
import { CouchBlobStore } from '../../sync-server/src/blobs/couch-blob-store.ts';
import { FsBlobStore } from '../../sync-server/src/blobs/fs-blob-store.ts';
import { startCouchTarget, type CouchTarget } from './couch-target.ts';

type Adapter = { name: string; open: () => Promise<{ store: BlobStore; done: () => Promise<void> }> };

const adapters: Adapter[] = [
	{
		name: 'FsBlobStore (embedded)',
		open: async () => {
			const dir = await mkdtemp(join(tmpdir(), 'trygg-conf-blobs-'));
			return { store: new FsBlobStore({ dataDir: dir }), done: () => rm(dir, { recursive: true, force: true }) };
		},
	},
	{
		name: `CouchBlobStore (${process.env.COUCHDB_URL ? 'COUCHDB_URL' : 'reference server'})`,
		open: async () => {
			const target: CouchTarget = await startCouchTarget();
			return { store: new CouchBlobStore({ url: target.url, prefix: target.prefix }), done: () => target.close() };
		},
	},
];

/** Random JPEG-looking bytes and their digest. */
function photo(size = 2048): { bytes: Uint8Array; sha: string } {
	const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(size - 4)]);
	return { bytes, sha: createHash('sha256').update(bytes).digest('hex') };
}

for (const adapter of adapters) {
	describe(`blob conformance: ${adapter.name}`, () => {
		let store: BlobStore;
		let done: () => Promise<void>;
		beforeAll(async () => {
			({ store, done } = await adapter.open());
		});
		afterAll(async () => {
			await done();
		});

		it('stores bytes once and gives them back unchanged', async () => {
			const { bytes, sha } = photo(300_000);
			expect(await store.put('unit-a1', sha, bytes)).toEqual({ created: true });
			expect(await store.put('unit-a1', sha, bytes)).toEqual({ created: false });
			expect(await store.stat('unit-a1', sha)).toEqual({ size: bytes.length });
			const back = await store.get('unit-a1', sha);
			expect(back?.toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
		});

		it('answers undefined for a blob it does not hold', async () => {
			const { sha } = photo();
			expect(await store.stat('unit-a1', sha)).toBeUndefined();
			expect(await store.get('unit-a1', sha)).toBeUndefined();
		});

		it('keeps scopes apart: the same hash in another scope is another blob', async () => {
			const { bytes, sha } = photo();
			await store.put('unit-a1', sha, bytes);
			expect(await store.stat('unit-b1', sha)).toBeUndefined();
			expect(await store.get('unit-b1', sha)).toBeUndefined();
			expect(await store.put('unit-b1', sha, bytes)).toEqual({ created: true });
			expect(await store.stat('unit-b1', sha)).toEqual({ size: bytes.length });
		});

		it('takes the same upload twice at once without error or damage', async () => {
			const { bytes, sha } = photo(100_000);
			const results = await Promise.all([store.put('unit-c1', sha, bytes), store.put('unit-c1', sha, bytes)]);
			expect(results.some((r) => r.created)).toBe(true);
			expect(await store.stat('unit-c1', sha)).toEqual({ size: bytes.length });
		});

		it('counts the blobs of one scope and their bytes, and no other scope’s', async () => {
			expect(await store.usage('unit-u1')).toEqual({ count: 0, bytes: 0 });
			const a = photo(1000);
			const b = photo(3000);
			const other = photo(500);
			await store.put('unit-u1', a.sha, a.bytes);
			await store.put('unit-u1', b.sha, b.bytes);
			await store.put('unit-u1', a.sha, a.bytes); // the same bytes again: still one blob
			await store.put('unit-u10', other.sha, other.bytes); // a name that extends this one
			await store.put('unit-u', other.sha, other.bytes); // and one this name extends
			expect(await store.usage('unit-u1')).toEqual({ count: 2, bytes: 4000 });
			expect(await store.usage('unit-u10')).toEqual({ count: 1, bytes: 500 });
			await expect(store.usage('../auth')).rejects.toThrow();
		});

		it('refuses an address that is not a scope and a digest', async () => {
			const { bytes, sha } = photo();
			await expect(store.put('../auth', sha, bytes)).rejects.toThrow();
			await expect(store.get('unit-a1', '../../etc/passwd')).rejects.toThrow();
			await expect(store.stat('unit-a1', sha.toUpperCase())).rejects.toThrow();
		});
	});
}

describe('photos through stateless servers on one CouchDB', () => {
	const secret = 'shared-secret-shared-secret-shared-secret';
	let target: CouchTarget;
	const dirs: string[] = [];
	let one: FastifyInstance;
	let two: FastifyInstance;

	async function server(): Promise<FastifyInstance> {
		const dataDir = await mkdtemp(join(tmpdir(), 'trygg-blob-couch-'));
		dirs.push(dataDir);
		return buildApp({
			dataDir,
			sessionSecret: secret,
			seedDemo: true,
			storage: { kind: 'couchdb', url: target.url, prefix: target.prefix },
		});
	}

	beforeAll(async () => {
		target = await startCouchTarget();
		one = await server();
		two = await server();
	});
	afterAll(async () => {
		await Promise.all([one.close(), two.close()]);
		await target.close();
		await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
	});

	it('serves an upload made through another server, and keeps blob documents out of the scope', async () => {
		const signIn = async (app: FastifyInstance): Promise<string> => {
			const res = await app.inject({
				method: 'POST',
				url: '/db/_session',
				payload: { name: 'chef', password: 'trygg-demo' },
			});
			const set = res.cookies.find((c) => c.name === 'AuthSession');
			return `AuthSession=${set?.value ?? ''}`;
		};
		const cookie = await signIn(one);
		const { bytes, sha } = photo(50_000);
		const up = await one.inject({
			method: 'PUT',
			url: `/db/unit-a1/_blobs/${sha}`,
			payload: Buffer.from(bytes),
			headers: { cookie, 'content-type': 'image/jpeg' },
		});
		expect(up.statusCode).toBe(201);
		const again = await two.inject({
			method: 'PUT',
			url: `/db/unit-a1/_blobs/${sha}`,
			payload: Buffer.from(bytes),
			headers: { cookie, 'content-type': 'image/jpeg' },
		});
		expect(again.statusCode).toBe(200);

		const down = await two.inject({ method: 'GET', url: `/db/unit-a1/_blobs/${sha}`, headers: { cookie } });
		expect(down.statusCode).toBe(200);
		expect(down.rawPayload.toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
		const head = await two.inject({ method: 'HEAD', url: `/db/unit-a1/_blobs/${sha}`, headers: { cookie } });
		expect(head.statusCode).toBe(200);
		const other = await two.inject({
			method: 'GET',
			url: `/db/unit-b1/_blobs/${sha}`,
			headers: { cookie: await signIn(two) },
		});
		expect(other.statusCode).toBe(403);

		const changes = await two.inject({
			method: 'GET',
			url: '/db/unit-a1/_changes?include_docs=true',
			headers: { cookie },
		});
		expect(changes.body).not.toContain(sha);
		const all = await two.inject({
			method: 'POST',
			url: '/db/unit-a1/_all_docs',
			payload: { keys: [`unit-a1:${sha}`, sha] },
			headers: { cookie },
		});
		expect(all.json().rows.every((r: { error?: string }) => r.error === 'not_found')).toBe(true);
		// `blobs` is no scope: the blob database is not reachable through the sync API at all.
		const direct = await two.inject({ method: 'GET', url: '/db/blobs/_changes', headers: { cookie } });
		expect(direct.statusCode).toBe(404);
	});
});
