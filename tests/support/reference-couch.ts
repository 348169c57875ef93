/**
 * A CouchDB-compatible HTTP server from the npm registry (express-pouchdb over PouchDB's
 * LevelDB), for the conformance suite of the CouchDB adapter and as the benchmarks'
 * reference. It is a stand-in for Apache CouchDB 3, which cannot be installed here; see
 * docs/deployment.md for running the same suite against a real CouchDB.
 * Run alone: `node tests/support/reference-couch.ts [port] [dir]`.
 */
import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import express from 'express';
import PouchDB from 'pouchdb';
import expressPouch from 'express-pouchdb';

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
	app.use('/', expressPouch(Db, { mode: 'minimumForPouchDB', inMemoryConfig: true, logPath: `${opts.dir}/log.txt` }));
	const server: Server = await new Promise((resolve) => {
		const s = app.listen(opts.port ?? 0, '127.0.0.1', () => resolve(s));
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : opts.port;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

if (import.meta.main) {
	const ref = await startReferenceCouch({
		port: Number(process.argv[2] ?? 5984),
		dir: process.argv[3] ?? 'test-results/reference-couch',
	});
	process.stdout.write(`reference CouchDB-compatible server at ${ref.url}/\n`);
}
