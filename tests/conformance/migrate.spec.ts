/**
 * `npm run migrate:couchdb`: an embedded store replicated into CouchDB keeps revisions and
 * tombstones, a re-run copies nothing new, and a server on CouchDB afterwards signs in the
 * same accounts and serves the same documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../sync-server/src/app.ts';
import { DEMO_ACCOUNTS } from '../../sync-server/src/seed/demo.ts';
import { CouchStore } from '../../sync-server/src/store/couch-store.ts';
import { PouchStore } from '../../sync-server/src/store/pouch-store.ts';
import { migrateToCouch } from '../../sync-server/src/tools/migrate-couchdb.ts';
import { startReferenceCouch, type ReferenceCouch } from '../support/reference-couch.ts';

let dir: string;
let ref: ReferenceCouch;
let url: string;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-migrate-'));
	ref = await startReferenceCouch({ dir: join(dir, 'couch'), auth: { username: 'svc', password: 'pw-secret' } });
	url = ref.url.replace('://', '://svc:pw-secret@');
	const app = await buildApp({ dataDir: join(dir, 'data'), seedDemo: true });
	await app.close();
	const store = new PouchStore({ dataDir: join(dir, 'data') });
	await store.bulkDocs('unit-a1', [
		{ _id: 'round:keep', type: 'round', scope: 'unit-a1', n: 1 },
		{ _id: 'round:gone', type: 'round', scope: 'unit-a1' },
	]);
	const [keep, gone] = await store.allDocs('unit-a1', ['round:keep', 'round:gone']);
	await store.bulkDocs('unit-a1', [
		{ _id: 'round:keep', _rev: keep && 'value' in keep ? keep.value.rev : '', type: 'round', scope: 'unit-a1', n: 2 },
		{
			_id: 'round:gone',
			_rev: gone && 'value' in gone ? gone.value.rev : '',
			_deleted: true,
			type: 'round',
			scope: 'unit-a1',
		},
	]);
	// The anonymous road: a stored response, and one still pending its batch (a `_local` document).
	await store.bulkDocs('anon-responses', [{ _id: 'r-1', campaignId: 'campaign:demo-hme', group: 'a1', answers: {} }]);
	await store.putLocal('anon-responses', 'pending~campaign:demo-hme', {
		entries: [{ id: 'r-2', group: 'a1', answers: { meaningful: '4' } }],
	});
	await store.close();
});
afterAll(async () => {
	await ref.close();
	await rm(dir, { recursive: true, force: true });
});

describe('migrate:couchdb', () => {
	it('replicates every database with revisions and tombstones, and a re-run writes nothing', async () => {
		const lines: string[] = [];
		const rows = await migrateToCouch({ from: join(dir, 'data'), to: url, log: (l) => lines.push(l) });
		// Which unit and report databases the server's report jobs opened before it closed varies; these are certain.
		expect(rows.map((r) => r.source)).toEqual(expect.arrayContaining(['auth', 'anon-responses', 'org', 'unit-a1']));
		expect(
			rows.map((r) => r.source).filter((s) => !/^(auth|org|(unit|reports|anon)-[a-z0-9-]+|reports)$/.test(s)),
		).toEqual([]);
		// The stored response and the pending one (replication alone leaves `_local` behind).
		expect(rows.find((r) => r.source === 'anon-responses')).toMatchObject({ read: 2, written: 2, failed: 0 });
		expect(rows.find((r) => r.source === 'auth')?.written).toBe(DEMO_ACCOUNTS.length);
		expect(rows.find((r) => r.source === 'unit-a1')).toMatchObject({ read: 2, written: 2, failed: 0 });
		expect(lines.join('\n')).not.toContain('pw-secret');

		const couch = new CouchStore({ url });
		const rowsThere = await couch.allDocs('unit-a1', ['round:keep', 'round:gone'], { includeDocs: true });
		expect(rowsThere[0]).toMatchObject({ value: { rev: expect.stringMatching(/^2-/) }, doc: { n: 2 } });
		expect(rowsThere[1]).toMatchObject({ value: { rev: expect.stringMatching(/^2-/), deleted: true } });
		const embedded = new PouchStore({ dataDir: join(dir, 'data') });
		const [here] = await embedded.allDocs('unit-a1', ['round:keep']);
		expect(rowsThere[0] && 'value' in rowsThere[0] ? rowsThere[0].value.rev : '').toBe(
			here && 'value' in here ? here.value.rev : 'x',
		);
		const orgHere = (await embedded.info('org')).doc_count;
		expect((await couch.info('org')).doc_count).toBe(orgHere);
		await embedded.close();
		expect(await couch.getLocal('anon-responses', 'pending~campaign:demo-hme')).toMatchObject({
			entries: [{ id: 'r-2', group: 'a1', answers: { meaningful: '4' } }],
		});
		await couch.close();

		const again = await migrateToCouch({ from: join(dir, 'data'), to: url });
		expect(again.every((r) => r.written === 0 && r.failed === 0)).toBe(true);
	});

	it('lets a server on CouchDB sign in the migrated accounts and serve their data', async () => {
		const app = await buildApp({
			dataDir: join(dir, 'unused'),
			sessionSecret: 'x'.repeat(40),
			storage: { kind: 'couchdb', url },
		});
		const signIn = await app.inject({
			method: 'POST',
			url: '/db/_session',
			payload: { name: 'chef', password: 'trygg-demo' },
		});
		expect(signIn.statusCode).toBe(200);
		const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
		const changes = await app.inject({ url: '/db/unit-a1/_changes?include_docs=true', headers: { cookie } });
		const ids = (changes.json() as { results: { id: string; deleted?: boolean }[] }).results;
		expect(ids).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ id: 'round:keep' }),
				expect.objectContaining({ id: 'round:gone', deleted: true }),
			]),
		);
		await app.close();
	});

	it('runs as an npm command that prints counts and no credentials', async () => {
		const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
			const child = spawn(process.execPath, ['sync-server/src/tools/migrate-couchdb.ts', '--from', join(dir, 'data')], {
				env: { ...process.env, COUCHDB_URL: url },
			});
			let out = '';
			child.stdout.on('data', (d: Buffer) => (out += d.toString()));
			child.stderr.on('data', (d: Buffer) => (out += d.toString()));
			child.on('exit', (c) => resolve({ code: c, out }));
		});
		expect(code).toBe(0);
		expect(out).toContain(`into CouchDB at ${ref.url}`);
		expect(out).toMatch(/\d+ databases: \d+ documents read, 0 written, 0 failed\./);
		expect(out).not.toContain('pw-secret');
	});
});
