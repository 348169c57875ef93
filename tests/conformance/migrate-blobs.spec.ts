/**
 * `npm run migrate:couchdb` copies photos too: blobs uploaded to an embedded server are served
 * by a CouchDB-mode server after the move, a re-run stores nothing twice, and a temporary file
 * of an interrupted upload is left behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../sync-server/src/app.ts';
import { migrateToCouch } from '../../sync-server/src/tools/migrate-couchdb.ts';
import { startReferenceCouch, type ReferenceCouch } from '../support/reference-couch.ts';

let dir: string;
let ref: ReferenceCouch;
const photos: { scope: string; sha: string; bytes: Buffer }[] = [];

async function cookieOf(app: Awaited<ReturnType<typeof buildApp>>, name: string): Promise<string> {
	const res = await app.inject({ method: 'POST', url: '/db/_session', payload: { name, password: 'trygg-demo' } });
	return `AuthSession=${res.cookies.find((c) => c.name === 'AuthSession')?.value ?? ''}`;
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-migrate-blobs-'));
	ref = await startReferenceCouch({ dir: join(dir, 'couch') });
	const app = await buildApp({ dataDir: join(dir, 'data'), seedDemo: true, sessionSecret: 'x'.repeat(40) });
	for (const [name, scope] of [
		['chef', 'unit-a1'],
		['chef', 'unit-a1'],
		['chef2', 'unit-b1'],
	] as const) {
		const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(5000)]);
		const sha = createHash('sha256').update(new Uint8Array(bytes)).digest('hex');
		const res = await app.inject({
			method: 'PUT',
			url: `/db/${scope}/_blobs/${sha}`,
			payload: bytes,
			headers: { cookie: await cookieOf(app, name), 'content-type': 'image/jpeg' },
		});
		expect(res.statusCode).toBe(201);
		photos.push({ scope, sha, bytes });
	}
	await app.close();
	await writeFile(join(dir, 'data', 'blobs', 'unit-a1', '.tmp-0123456789abcdef-aaaaaa'), 'half');
});
afterAll(async () => {
	await ref.close();
	await rm(dir, { recursive: true, force: true });
});

describe('migrate:couchdb with photos', () => {
	it('copies every photo once, and a CouchDB-mode server serves them in their own scope only', async () => {
		const rows = await migrateToCouch({ from: join(dir, 'data'), to: ref.url });
		expect(rows.find((r) => r.source === 'blobs')).toEqual({
			source: 'blobs',
			target: 'trygg_blobs',
			read: 3,
			written: 3,
			failed: 0,
		});
		const again = await migrateToCouch({ from: join(dir, 'data'), to: ref.url });
		expect(again.find((r) => r.source === 'blobs')).toMatchObject({ read: 3, written: 0, failed: 0 });

		const app = await buildApp({
			dataDir: join(dir, 'unused'),
			sessionSecret: 'x'.repeat(40),
			storage: { kind: 'couchdb', url: ref.url },
		});
		try {
			for (const photo of photos) {
				const owner = photo.scope === 'unit-a1' ? 'chef' : 'chef2';
				const res = await app.inject({
					method: 'GET',
					url: `/db/${photo.scope}/_blobs/${photo.sha}`,
					headers: { cookie: await cookieOf(app, owner) },
				});
				expect(res.statusCode).toBe(200);
				expect(res.rawPayload.toString('hex')).toBe(photo.bytes.toString('hex'));
			}
			const b1 = photos[2]!;
			const wrongScope = await app.inject({
				method: 'GET',
				url: `/db/unit-a1/_blobs/${b1.sha}`,
				headers: { cookie: await cookieOf(app, 'chef') },
			});
			expect(wrongScope.statusCode).toBe(404);
		} finally {
			await app.close();
		}
	});
});
