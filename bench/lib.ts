/**
 * Shared pieces of the benchmarks: start Trygg's sync server and the reference
 * CouchDB-compatible server as child processes (so their memory is their own), HTTP with
 * an unlimited keep-alive agent, peak memory from /proc, and small statistics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

export type Target = {
	name: string;
	base: string;
	/** Path of the database under test, e.g. `/db/unit-a1` or `/bench`. */
	db: string;
	cookie: string;
	proc: ChildProcess;
	stop: () => Promise<void>;
};

export type Response = { status: number; body: string };

export function request(
	url: string,
	opts: { method?: string; body?: string; cookie?: string; signal?: AbortSignal } = {},
): Promise<Response> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method: opts.method ?? 'GET',
				agent,
				headers: {
					accept: 'application/json',
					...(opts.body ? { 'content-type': 'application/json' } : {}),
					...(opts.cookie ? { cookie: opts.cookie } : {}),
				},
				...(opts.signal ? { signal: opts.signal } : {}),
			},
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (c: string) => (body += c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(opts.body);
	});
}

export async function json<T>(url: string, opts: Parameters<typeof request>[1] = {}): Promise<T> {
	const res = await request(url, opts);
	if (res.status >= 400) throw new Error(`${opts.method ?? 'GET'} ${url} → ${res.status} ${res.body.slice(0, 200)}`);
	return JSON.parse(res.body) as T;
}

async function freePort(): Promise<number> {
	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	await new Promise((resolve) => server.close(resolve));
	return typeof address === 'object' && address ? address.port : 0;
}

async function waitUp(url: string, proc: ChildProcess): Promise<void> {
	for (let i = 0; i < 1200; i++) {
		if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
		try {
			const res = await request(url);
			if (res.status < 500) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`${url} did not come up`);
}

function stopper(proc: ChildProcess, dir: string | undefined): () => Promise<void> {
	return async () => {
		if (proc.exitCode === null) {
			const exited = new Promise((r) => proc.once('exit', r));
			proc.kill('SIGTERM');
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
			if (proc.exitCode === null && proc.signalCode === null) {
				proc.kill('SIGKILL');
				// Wait for it: a folder reopened at once would find LevelDB's lock still held.
				await exited;
			}
		}
		if (dir !== undefined) await rm(dir, { recursive: true, force: true });
	};
}

const root = path.resolve(import.meta.dirname, '..');

/**
 * Trygg's sync server on the embedded store, signed in as `chef` (manager of Enhet A1);
 * with `staticDir` it also serves the built PWA from there (as `npm start` does).
 */
export async function startTrygg(
	opts: {
		staticDir?: string;
		env?: Record<string, string>;
		dir?: string;
		/** Who signs in (`chef` of the demo by default); null: nobody (a folder without the demo accounts). */
		signIn?: { name: string; password: string } | null;
		/** Keep the data folder when stopped (a benchmark that restarts on it). */
		keepDir?: boolean;
		/** A fixed port (a free one by default). */
		port?: number;
	} = {},
): Promise<Target> {
	// A given data folder may hold accounts written before the start (bench/anon-load.ts).
	const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'trygg-bench-')));
	const port = opts.port ?? (await freePort());
	const proc = spawn(process.execPath, [path.join(root, 'sync-server/src/main.ts')], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			TRYGG_DATA_DIR: dir,
			LOG_LEVEL: 'silent',
			...(opts.staticDir ? { TRYGG_STATIC_DIR: opts.staticDir } : {}),
			...opts.env,
		},
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const base = `http://127.0.0.1:${port}`;
	await waitUp(`${base}/api/health`, proc);
	const stop = stopper(proc, opts.keepDir ? undefined : dir);
	const account = opts.signIn === undefined ? { name: 'chef', password: 'trygg-demo' } : opts.signIn;
	if (account === null) return { name: 'trygg', base, db: '/db/org', cookie: '', proc, stop };
	const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
		const req = http.request(
			`${base}/db/_session`,
			{ method: 'POST', headers: { 'content-type': 'application/json' } },
			resolve,
		);
		req.on('error', reject);
		req.end(JSON.stringify(account));
	});
	res.resume();
	const cookie = (res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
	if (!cookie) throw new Error('could not sign in to Trygg');
	return { name: 'trygg', base, db: '/db/unit-a1', cookie, proc, stop };
}

/** The reference: express-pouchdb over PouchDB 9/LevelDB (tests/support/reference-couch.ts). */
export async function startReference(): Promise<Target> {
	const dir = await mkdtemp(path.join(tmpdir(), 'trygg-bench-ref-'));
	const port = await freePort();
	const proc = spawn(process.execPath, [path.join(root, 'tests/support/reference-couch.ts'), String(port), dir], {
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const base = `http://127.0.0.1:${port}`;
	await waitUp(`${base}/`, proc);
	await json(`${base}/bench`, { method: 'PUT' });
	return { name: 'reference', base, db: '/bench', cookie: '', proc, stop: stopper(proc, dir) };
}

/** Peak resident memory (VmHWM) of a process in MB, from Linux's /proc. */
export async function peakMemoryMb(proc: ChildProcess): Promise<number> {
	const status = await readFile(`/proc/${proc.pid}/status`, 'utf8');
	const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
	return kb / 1024;
}

/** Samples a process's resident memory (VmRSS) until stopped; the peak, in MB, of what it saw. */
export function sampleMemory(proc: ChildProcess, everyMs = 100): { stop: () => Promise<number> } {
	let peak = 0;
	let running = true;
	const loop = (async () => {
		while (running) {
			try {
				const status = await readFile(`/proc/${proc.pid}/status`, 'utf8');
				peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
			} catch {
				return; // the process is gone
			}
			await new Promise((r) => setTimeout(r, everyMs));
		}
	})();
	return {
		stop: async () => {
			running = false;
			await loop;
			return peak;
		},
	};
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export function median(values: number[]): number {
	return percentile(values, 50);
}

export function arg(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
