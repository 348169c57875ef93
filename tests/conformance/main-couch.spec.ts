/**
 * `npm run serve` with COUCHDB_URL: a CouchDB that is away, or refuses the account, stops
 * the start with one clear line on stderr that names no credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceCouch, type ReferenceCouch } from '../support/reference-couch.ts';

let dir: string;
let ref: ReferenceCouch;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-main-couch-'));
	ref = await startReferenceCouch({ dir: join(dir, 'couch'), auth: { username: 'svc', password: 'right' } });
});
afterAll(async () => {
	await ref.close();
	await rm(dir, { recursive: true, force: true });
});

function start(couchUrl: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['sync-server/src/main.ts'], {
			env: { ...process.env, COUCHDB_URL: couchUrl, TRYGG_DATA_DIR: join(dir, 'data'), PORT: '0' },
		});
		let stderr = '';
		let stdout = '';
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.on('exit', (code) => resolve({ code, stderr, stdout }));
	});
}

describe('main with COUCHDB_URL', () => {
	it('refuses refused credentials in one line without them', async () => {
		const url = ref.url.replace('://', '://svc:wrong-secret@');
		const { code, stderr, stdout } = await start(url);
		expect(code).toBe(1);
		expect(stderr).toBe(`trygg: CouchDB at ${ref.url} refused the service account (HTTP 401).\n`);
		expect(stdout + stderr).not.toContain('wrong-secret');
	});

	it('refuses an unreachable CouchDB in one line', async () => {
		const { code, stderr } = await start('http://svc:pw@127.0.0.1:1');
		expect(code).toBe(1);
		expect(stderr).toBe('trygg: CouchDB at http://127.0.0.1:1 cannot be reached.\n');
	});
});
