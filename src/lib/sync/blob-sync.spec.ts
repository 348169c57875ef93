/**
 * Blob sync against the real sync server (in-process, embedded store, temp folder).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../sync-server/src/app.ts';
import { sha256Hex } from '../domain/index.ts';
import { TryggDb } from '../db/app-db.ts';
import { storeLocalBlob } from '../db/blobs-repo.ts';
import { BlobSync } from './blob-sync.ts';
import type { FetchLike } from './http.ts';

let dir: string;
let app: FastifyInstance;
let base: string;

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-blobsync-'));
	app = await buildApp({ dataDir: dir, sessionSecret: 'test-secret-test-secret-test-secret', seedDemo: true });
	await app.listen({ port: 0, host: '127.0.0.1' });
	const address = app.server.address();
	base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
});

afterEach(async () => {
	await app.close();
	await rm(dir, { recursive: true, force: true });
});

type TestFetch = FetchLike & { fail: boolean; calls: string[] };

/** A fetch that keeps one person's session cookie, like a browser does; `fail` simulates no network. */
async function deviceFetch(name: string): Promise<TestFetch> {
	let cookie = '';
	const fn = (async (url: string, init?: RequestInit) => {
		fn.calls.push(`${init?.method ?? 'GET'} ${url}`);
		if (fn.fail) throw new TypeError('fetch failed');
		const headers = new Headers(init?.headers);
		if (cookie) headers.set('cookie', cookie);
		return fetch(base + url, { ...init, headers });
	}) as TestFetch;
	fn.fail = false;
	fn.calls = [];
	const res = await fetch(`${base}/db/_session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: 'trygg-demo' }),
	});
	cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
	return fn;
}

/** Bytes that start like a JPEG (the server sniffs, it never decodes). */
async function photo(): Promise<{ sha256: string; blob: Blob; size: number }> {
	const bytes = new Uint8Array(1024);
	crypto.getRandomValues(bytes);
	bytes.set([0xff, 0xd8, 0xff, 0xdb]);
	return { sha256: await sha256Hex(bytes), blob: new Blob([bytes], { type: 'image/jpeg' }), size: bytes.length };
}

const noWait = (): number => 0;

describe('BlobSync', () => {
	it('uploads a photo taken offline once the network is back; another device downloads and keeps it', async () => {
		const chefDb = new TryggDb(`chef-${Math.random()}`);
		const chefFetch = await deviceFetch('chef');
		const chef = new BlobSync({ db: chefDb, fetch: chefFetch, backoff: noWait });
		const p = await photo();
		await storeLocalBlob(chefDb, { ...p, scope: 'unit-a1', mime: 'image/jpeg' });

		chefFetch.fail = true;
		await expect(chef.uploadPending()).rejects.toMatchObject({ code: 'network' });
		expect((await chefDb.blobs.get(p.sha256))?.state).toBe('pending');

		chefFetch.fail = false;
		await chef.uploadPending();
		expect((await chefDb.blobs.get(p.sha256))?.state).toBe('uploaded');
		expect(await readdir(join(dir, 'blobs', 'unit-a1'))).toEqual([p.sha256]);
		// Nothing left to send: no second upload.
		chefFetch.calls.length = 0;
		await chef.uploadPending();
		expect(chefFetch.calls).toEqual([]);

		const repDb = new TryggDb(`rep-${Math.random()}`);
		const repFetch = await deviceFetch('skyddsombud');
		const rep = new BlobSync({ db: repDb, fetch: repFetch, backoff: noWait });
		const got = await rep.download('unit-a1', p.sha256, new AbortController().signal);
		expect(await sha256Hex(new Uint8Array(await got.arrayBuffer()))).toBe(p.sha256);
		expect(got.type).toBe('image/jpeg');
		expect((await repDb.blobs.get(p.sha256))?.state).toBe('remote');
		// Viewed again offline: from the device.
		repFetch.fail = true;
		expect((await rep.download('unit-a1', p.sha256, new AbortController().signal)).size).toBe(p.size);
	});

	it('keeps asking for a photo that is not uploaded yet, then shows it', async () => {
		const p = await photo();
		const repDb = new TryggDb(`rep-${Math.random()}`);
		const chefDb = new TryggDb(`chef-${Math.random()}`);
		await storeLocalBlob(chefDb, { ...p, scope: 'unit-a1', mime: 'image/jpeg' });
		const chef = new BlobSync({ db: chefDb, fetch: await deviceFetch('chef'), backoff: noWait });
		let tries = 0;
		const slowRep = new BlobSync({
			db: repDb,
			fetch: await deviceFetch('skyddsombud'),
			// The chef's device uploads while the safety rep's device waits for its second try.
			backoff: () => {
				tries++;
				if (tries === 1) void chef.uploadPending();
				return 50;
			},
		});
		const got = await slowRep.download('unit-a1', p.sha256, new AbortController().signal);
		expect(got.size).toBe(p.size);
		expect(tries).toBeGreaterThanOrEqual(1);
	});

	it('gives up on a photo that never arrives, and never retries a refusal', async () => {
		const p = await photo();
		const db = new TryggDb(`rep-${Math.random()}`);
		const f = await deviceFetch('skyddsombud');
		const sync = new BlobSync({ db, fetch: f, backoff: noWait, downloadAttempts: 3 });
		await expect(sync.download('unit-a1', p.sha256, new AbortController().signal)).rejects.toMatchObject({
			code: 'not_found',
		});
		expect(f.calls.filter((c) => c.startsWith('GET'))).toHaveLength(3);

		f.calls.length = 0;
		await expect(sync.download('unit-b1', p.sha256, new AbortController().signal)).rejects.toMatchObject({
			code: 'forbidden',
		});
		expect(f.calls).toHaveLength(1);

		// A report waiting to print asks fewer times, so a missing photo is said soon.
		f.calls.length = 0;
		await expect(sync.download('unit-a1', p.sha256, new AbortController().signal, 2)).rejects.toMatchObject({
			code: 'not_found',
		});
		expect(f.calls.filter((c) => c.startsWith('GET'))).toHaveLength(2);
	});

	it('marks an upload to another unit as refused, keeps the photo, and does not send it again', async () => {
		const db = new TryggDb(`chef2-${Math.random()}`);
		const f = await deviceFetch('chef2');
		const sync = new BlobSync({ db, fetch: f, backoff: noWait });
		const p = await photo();
		await storeLocalBlob(db, { ...p, scope: 'unit-a1', mime: 'image/jpeg' });
		await sync.uploadPending();
		const entry = await db.blobs.get(p.sha256);
		expect(entry?.state).toBe('pending');
		expect(entry?.error?.code).toBe('forbidden');
		f.calls.length = 0;
		await sync.uploadPending();
		expect(f.calls).toEqual([]);
	});

	it('refuses downloaded bytes that do not match their hash', async () => {
		const p = await photo();
		const other = await photo();
		const db = new TryggDb(`rep-${Math.random()}`);
		// A server (or proxy) that answers with the wrong bytes.
		const lying: FetchLike = async () => new Response(other.blob, { status: 200 });
		const sync = new BlobSync({ db, fetch: lying, backoff: noWait });
		await expect(sync.download('unit-a1', p.sha256, new AbortController().signal)).rejects.toMatchObject({
			code: 'invalid',
		});
		expect(await db.blobs.count()).toBe(0);
	});

	it('uploads in the background after a kick and pauses on 401 instead of hammering', async () => {
		const db = new TryggDb(`chef-${Math.random()}`);
		const f = await deviceFetch('chef');
		const sync = new BlobSync({ db, fetch: f, backoff: noWait });
		sync.start();
		const p = await photo();
		await storeLocalBlob(db, { ...p, scope: 'unit-a1', mime: 'image/jpeg' });
		sync.kick();
		await expect.poll(async () => (await db.blobs.get(p.sha256))?.state).toBe('uploaded');
		await sync.stop();

		const signedOut: TestFetch = Object.assign(
			async (url: string, init?: RequestInit) => {
				signedOut.calls.push(url);
				return fetch(base + url, init);
			},
			{ fail: false, calls: [] as string[] },
		);
		const db2 = new TryggDb(`out-${Math.random()}`);
		await storeLocalBlob(db2, { ...(await photo()), scope: 'unit-a1', mime: 'image/jpeg' });
		let backoffs = 0;
		const paused = new BlobSync({ db: db2, fetch: signedOut, backoff: () => (backoffs++, 0) });
		paused.start();
		await expect.poll(() => signedOut.calls.length).toBeGreaterThan(0);
		await paused.stop();
		// A 401 waits for a kick: no backoff loop, one request.
		expect(backoffs).toBe(0);
		expect(signedOut.calls.length).toBe(1);
		expect((await db2.blobs.toArray())[0]?.error).toBeUndefined();
	});
});
