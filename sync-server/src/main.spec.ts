/**
 * Start-up refusals of `main.ts`, run as a real process: each failure exits 1 with one
 * clear line on stderr (no stack, no secrets), and SIGINT shuts down cleanly with 0.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_VERSION } from './migrations/migrations.ts';
import { tempDir } from './test-harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'sync-server/src/main.ts');
// The project's Node 24 (type stripping); the runner itself may be another Node.
const PROJECT_NODE = path.join(ROOT, 'node_modules/.bin/node');
const NODE = existsSync(PROJECT_NODE) ? PROJECT_NODE : process.execPath;

type Run = { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> };

let dir: string;
const running: ChildProcess[] = [];

beforeEach(async () => {
	dir = await tempDir('trygg-main-');
});
afterEach(async () => {
	for (const child of running.splice(0))
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): Run {
	const child = spawn(NODE, [MAIN], {
		cwd: dir,
		env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', SESSION_SECRET: 'x'.repeat(32), ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	running.push(child);
	let out = '';
	let err = '';
	child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
	const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	return { child, stdout: () => out, stderr: () => err, exit };
}

/** Resolves once the process says it is listening (or rejects when it exits first). */
function listening(run: Run): Promise<void> {
	return new Promise((resolve, reject) => {
		const check = (): void => {
			if (run.stdout().includes('Trygg is running')) resolve();
		};
		run.child.stdout?.on('data', check);
		void run.exit.then((code) => reject(new Error(`exited ${code}: ${run.stderr()}`)));
		check();
	});
}

/** Exactly one line, prefixed `trygg:`, with no stack frame or source path. */
function expectOneLine(stderr: string, pattern: RegExp): void {
	const lines = stderr.split('\n').filter((l) => l.length > 0);
	expect(lines, stderr).toHaveLength(1);
	expect(lines[0]).toMatch(/^trygg: /);
	expect(lines[0]).toMatch(pattern);
	expect(lines[0]).not.toMatch(/\bat \S+ \(|\.ts\b|node_modules/);
}

describe('main.ts start-up', () => {
	it('refuses a data folder it cannot write', async () => {
		// A path below a regular file can never be created, even by root.
		const blocker = path.join(dir, 'not-a-folder');
		await writeFile(blocker, '');
		const run = start({ TRYGG_DATA_DIR: path.join(blocker, 'data') });
		expect(await run.exit).toBe(1);
		expectOneLine(run.stderr(), /data folder .* is not writable/);
	});

	it('refuses a port that is in use', async () => {
		const blocker = createServer();
		await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
		const port = (blocker.address() as AddressInfo).port;
		try {
			const run = start({ TRYGG_DATA_DIR: path.join(dir, 'data'), PORT: String(port) });
			expect(await run.exit).toBe(1);
			expectOneLine(run.stderr(), new RegExp(`port ${port} is already in use`));
		} finally {
			blocker.close();
		}
	});

	it('refuses a store with garbage in its LevelDB files', async () => {
		const data = path.join(dir, 'data');
		const first = start({ TRYGG_DATA_DIR: data });
		await listening(first);
		first.child.kill('SIGINT');
		expect(await first.exit).toBe(0);
		// Overwrite every LevelDB file of the org scope with garbage.
		const org = path.join(data, 'db', 'org');
		for (const name of await readdir(org)) {
			if (name === 'LOCK' || name === 'LOG' || name === 'LOG.old') continue;
			await writeFile(path.join(org, name), 'garbage '.repeat(64));
		}
		const run = start({ TRYGG_DATA_DIR: data });
		expect(await run.exit).toBe(1);
		expectOneLine(run.stderr(), /store in .* cannot be opened/);
	});

	it('refuses a store whose LOCK is held by another running instance', async () => {
		const data = path.join(dir, 'data');
		const first = start({ TRYGG_DATA_DIR: data });
		await listening(first);
		const second = start({ TRYGG_DATA_DIR: data });
		expect(await second.exit).toBe(1);
		expectOneLine(second.stderr(), /store in .* cannot be opened \(corrupt, or in use by another process\)/);
		// The first instance is unharmed and still stops cleanly.
		first.child.kill('SIGINT');
		expect(await first.exit).toBe(0);
	});

	it('refuses an unreachable CouchDB, and a bad PORT', async () => {
		const couch = start({ TRYGG_DATA_DIR: path.join(dir, 'data'), COUCHDB_URL: 'http://couch:5984' });
		expect(await couch.exit).toBe(1);
		expectOneLine(couch.stderr(), /CouchDB/);
		const port = start({ TRYGG_DATA_DIR: path.join(dir, 'data'), PORT: 'eighty' });
		expect(await port.exit).toBe(1);
		expectOneLine(port.stderr(), /PORT eighty is not a port number/);
	});

	it('refuses a TRUST_PROXY that is neither a hop count nor proxy addresses', async () => {
		const run = start({ TRYGG_DATA_DIR: path.join(dir, 'data'), TRUST_PROXY: 'yes please' });
		expect(await run.exit).toBe(1);
		expectOneLine(run.stderr(), /TRUST_PROXY must be a number of proxies or a list of proxy addresses/);
	});

	it('refuses a LOG_LEVEL that is not a level', async () => {
		const run = start({ TRYGG_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'chatty' });
		expect(await run.exit).toBe(1);
		expectOneLine(run.stderr(), /LOG_LEVEL chatty is not one of fatal, error, warn, info, debug, trace, silent/);
	});

	it('logs one line per request on standard output by default, and none with LOG_LEVEL=silent', async () => {
		const requestLines = async (env: Record<string, string>): Promise<Record<string, unknown>[]> => {
			const run = start({ TRYGG_DATA_DIR: path.join(dir, 'data'), ...env });
			await listening(run);
			const url = /running at (http:\/\/\S+)/.exec(run.stdout())?.[1] ?? '';
			expect((await fetch(`${url}db/user-chef/_changes?since=0`)).status).toBe(401);
			run.child.kill('SIGINT');
			expect(await run.exit).toBe(0);
			expect(run.stdout()).not.toContain('user-chef');
			return run
				.stdout()
				.split('\n')
				.filter((line) => line.startsWith('{'))
				.map((line) => JSON.parse(line) as Record<string, unknown>)
				.filter((line) => line.msg === 'request');
		};
		expect(await requestLines({})).toEqual([
			expect.objectContaining({ method: 'GET', route: '/db/:scope/_changes', status: 401, scope: 'user' }),
		]);
		expect(await requestLines({ LOG_LEVEL: 'silent' })).toEqual([]);
	}, 60_000);

	it('seeds, listens, and exits 0 on a SIGINT sent right after the ready line, with nothing on stderr', async () => {
		const data = path.join(dir, 'data');
		await mkdir(data);
		const run = start({ TRYGG_DATA_DIR: data });
		await listening(run);
		const url = /running at (http:\/\/\S+)/.exec(run.stdout())?.[1] ?? '';
		expect(url).not.toMatch(/:0\/$/); // PORT=0: the port actually bound is shown
		const welcome = await fetch(`${url}db/`);
		expect(await welcome.json()).toMatchObject({ couchdb: 'Welcome' });
		run.child.kill('SIGINT');
		expect(await run.exit).toBe(0);
		expect(run.stdout()).toContain('Seeded the demo organisation');
		// An empty store is at the data version from its first start (decision 0026).
		expect(run.stdout()).toContain(`Data version ${DATA_VERSION}.`);
		expect(run.stderr()).toBe('');
	});
});
