/**
 * A CouchDB-compatible HTTP server from the npm registry (express-pouchdb over PouchDB's
 * LevelDB), for the conformance suite of the CouchDB adapter and as the benchmarks'
 * reference. It is CI's stand-in for Apache CouchDB 3; docs/deployment.md shows how to run
 * the same suites against a real CouchDB 3.5 built from source.
 * Where PouchDB is stricter than CouchDB 3.5.0, the stand-in answers as CouchDB does, so
 * that CI cannot pass on a guarantee only PouchDB gives (decision 0021):
 * - a `_local` document is written whatever `_rev` it names (none, stale, or for a document
 *   that does not exist), last write wins;
 * - an edit naming a `_rev` of a document that does not exist is stored, not a conflict;
 * - a request whose JSON holds a lone UTF-16 surrogate (not UTF-8) is refused whole, 400.
 * Run alone: `node tests/support/reference-couch.ts [port] [dir]`.
 */
import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import PouchDB from 'pouchdb';
import expressPouch from 'express-pouchdb';
import { KeyedLock } from '../../sync-server/src/store/local-docs.ts';

export type ReferenceCouch = { url: string; close: () => Promise<void> };

export async function startReferenceCouch(opts: {
	dir: string;
	port?: number;
	/** Require this account as Basic auth on every request, like a CouchDB 3 without admin party. */
	auth?: { username: string; password: string };
}): Promise<ReferenceCouch> {
	await mkdir(opts.dir, { recursive: true });
	const Db = PouchDB.defaults({ prefix: `${opts.dir.replace(/\/?$/, '/')}` });
	const app = express();
	if (opts.auth) {
		const expected = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;
		app.use((req, res, next) => {
			if (req.headers.authorization === expected) return next();
			res.status(401).json({ error: 'unauthorized', reason: 'Name or password is incorrect.' });
		});
	}
	let self = '';
	// Read back through this same server (and its account), as a client would.
	const ask = async (req: Request, path: string, init: RequestInit = {}): Promise<globalThis.Response> => {
		const headers = new Headers(init.headers);
		if (req.headers.authorization) headers.set('authorization', req.headers.authorization);
		return fetch(`${self}${path}`, { ...init, headers });
	};
	// express.json marks the body as read, so express-pouchdb takes the (amended) parsed body.
	const json = express.json({ limit: '64mb' });
	app.put(
		'/:db/_local/:id',
		json,
		couchLikely(
			async (req) => {
				const current = await ask(req, localPath(req));
				const body = req.body as Record<string, unknown>;
				if (current.ok) body._rev = ((await current.json()) as { _rev: string })._rev;
				else delete body._rev;
			},
			// One write of a local document at a time, read to answer: PouchDB must not see a race.
			(req) => localPath(req),
		),
	);
	app.post(
		'/:db/_bulk_docs',
		json,
		couchLikely(async (req) => {
			const body = req.body as { docs?: unknown; new_edits?: unknown };
			if (!Array.isArray(body.docs) || body.new_edits === false) return;
			const docs = body.docs as Record<string, unknown>[];
			const named = docs.filter((d) => typeof d?._id === 'string' && typeof d._rev === 'string');
			if (named.length === 0) return;
			const res = await ask(req, `/${encodeURIComponent(String(req.params.db))}/_all_docs`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ keys: named.map((d) => d._id) }),
			});
			if (!res.ok) return;
			const rows = ((await res.json()) as { rows: { key: string; error?: string }[] }).rows;
			const missing = new Set(rows.filter((r) => r.error === 'not_found').map((r) => r.key));
			for (const d of named) if (missing.has(d._id as string)) delete d._rev;
		}),
	);
	app.use('/', expressPouch(Db, { mode: 'minimumForPouchDB', inMemoryConfig: true, logPath: `${opts.dir}/log.txt` }));
	const server: Server = await new Promise((resolve) => {
		const s = app.listen(opts.port ?? 0, '127.0.0.1', () => resolve(s));
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : opts.port;
	self = `http://127.0.0.1:${port}`;
	return {
		url: self,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** True when a string anywhere in `value` (keys too) holds a lone surrogate. */
function illFormed(value: unknown): boolean {
	if (typeof value === 'string') return !value.isWellFormed();
	if (Array.isArray(value)) return value.some(illFormed);
	if (typeof value === 'object' && value !== null) {
		return Object.entries(value).some(([k, v]) => !k.isWellFormed() || illFormed(v));
	}
	return false;
}

/**
 * A handler that refuses what CouchDB's JSON parser refuses, lets `amend` change the parsed
 * body as CouchDB would treat it, then hands the request on to express-pouchdb.
 */
function couchLikely(amend: (req: Request) => Promise<void>, lockKey?: (req: Request) => string) {
	const lock = new KeyedLock();
	return (req: Request, res: Response, next: NextFunction): void => {
		if (illFormed(req.body)) {
			res.status(400).json({ error: 'bad_request', reason: 'invalid UTF-8 JSON' });
			return;
		}
		if (!lockKey) {
			amend(req).then(() => next(), next);
			return;
		}
		// Held until express-pouchdb has answered.
		void lock.run(lockKey(req), async () => {
			const answered = new Promise((resolve) => res.once('close', resolve));
			try {
				await amend(req);
			} catch (err) {
				next(err);
				return;
			}
			next();
			await answered;
		});
	};
}

function localPath(req: Request): string {
	return `/${encodeURIComponent(String(req.params.db))}/_local/${encodeURIComponent(String(req.params.id))}`;
}

if (import.meta.main) {
	const ref = await startReferenceCouch({
		port: Number(process.argv[2] ?? 5984),
		dir: process.argv[3] ?? 'test-results/reference-couch',
	});
	process.stdout.write(`reference CouchDB-compatible server at ${ref.url}/\n`);
}
