/**
 * Starts the sync server: reads configuration from the environment, checks the data
 * folder and store, seeds the demo organisation on an empty store, listens, and shuts
 * down cleanly on SIGINT/SIGTERM. It must never print secrets, passwords of real
 * accounts or personal data; failures are one clear line on stderr and exit code 1.
 */
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { TrustProxy } from './auth/trust-proxy.ts';
import { parseTrustProxy } from './auth/trust-proxy.ts';
import type { LogLevel } from './logging.ts';
import { parseLogLevel } from './logging.ts';
import { DATA_VERSION_DOC } from './migrations/run.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed/demo.ts';
import { StoreOpenError } from './store/doc-store.ts';
import { storageConfigFromEnv } from './store/storage.ts';

export type MainOptions = { staticDir?: string };

function fail(message: string): never {
	process.stderr.write(`trygg: ${message}\n`);
	process.exit(1);
}

/** The session secret from the environment, else one made once and kept beside the data (mode 0600). */
async function sessionSecret(dataDir: string): Promise<string> {
	if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
	const file = path.join(dataDir, 'session-secret');
	try {
		return (await readFile(file, 'utf8')).trim();
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
		const secret = randomBytes(32).toString('base64url');
		await writeFile(file, secret, { mode: 0o600, flag: 'wx' });
		return secret;
	}
}

async function checkWritable(dataDir: string): Promise<void> {
	await mkdir(dataDir, { recursive: true });
	await access(dataDir, constants.W_OK);
	const probe = path.join(dataDir, `.write-probe-${process.pid}`);
	await writeFile(probe, '');
	await rm(probe);
}

export async function main(opts: MainOptions = {}): Promise<FastifyInstance> {
	const port = Number(process.env.PORT ?? 8080);
	if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT ${process.env.PORT} is not a port number.`);
	const dataDir = path.resolve(process.env.TRYGG_DATA_DIR ?? './data');
	const staticDir = opts.staticDir ?? process.env.TRYGG_STATIC_DIR;

	await checkWritable(dataDir).catch(() => fail(`the data folder ${dataDir} is not writable.`));
	const secret = await sessionSecret(dataDir).catch(() =>
		fail(`cannot read or create ${path.join(dataDir, 'session-secret')}.`),
	);

	const storage = storageConfigFromEnv(process.env, dataDir);
	let trustProxy: TrustProxy = false;
	let logLevel: LogLevel = 'info';
	try {
		trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
		logLevel = parseLogLevel(process.env.LOG_LEVEL);
	} catch (err) {
		fail((err as Error).message);
	}
	let app: FastifyInstance;
	try {
		app = await buildApp({
			dataDir,
			storage,
			...(staticDir ? { staticDir } : {}),
			sessionSecret: secret,
			secureCookies: process.env.SECURE_COOKIES === 'true',
			log: { level: logLevel },
			seedDemo: true,
			// The demo's year of history; the e2e server turns it off, its specs expect empty units.
			seedHistory: process.env.TRYGG_DEMO_HISTORY !== 'off',
			seedSurveyHistory: true,
			trustProxy,
		});
	} catch (err) {
		// CouchDB's reasons name the server without credentials; the embedded one names the folder.
		if (err instanceof StoreOpenError && storage.kind === 'couchdb') fail(err.message);
		if (err instanceof StoreOpenError) {
			fail(`the store in ${dataDir} cannot be opened (corrupt, or in use by another process).`);
		}
		fail(`cannot start: ${(err as Error).name}`);
	}

	try {
		await app.listen({ port, host: process.env.HOST ?? '0.0.0.0' });
	} catch (err) {
		await app.close().catch(() => undefined);
		if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') fail(`port ${port} is already in use.`);
		fail(`cannot listen on port ${port}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
	}

	let stopping = false;
	const stop = async (): Promise<void> => {
		if (stopping) return;
		stopping = true;
		try {
			await app.close(); // waits for in-flight requests; closes the stores in onClose
			process.exit(0);
		} catch {
			process.exit(1);
		}
	};
	// Before the ready line: a supervisor may signal as soon as it reads it.
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);

	if (storage.kind === 'couchdb' && !process.env.SESSION_SECRET) {
		process.stdout.write('SESSION_SECRET is not set: sessions work only on this server, not behind a load balancer.\n');
	}
	const shown = process.env.HOST ? process.env.HOST : 'localhost';
	const address = app.server.address();
	// PORT=0 picks a free port: show the one we got.
	const actual = typeof address === 'object' && address ? address.port : port;
	process.stdout.write(`Trygg is running at http://${shown}:${actual}/\n`);
	// What the operator checks after an upgrade (docs/deployment.md, decision 0026).
	const run = app.migrated;
	if (run) {
		process.stdout.write(`Data migrated from version ${run.from} to ${run.to}: ${run.changed} documents rewritten.\n`);
		if (run.left.length > 0) {
			process.stdout.write(
				`${run.left.length} documents could not be migrated and are kept as they were; see _local/${DATA_VERSION_DOC} in org.\n`,
			);
		}
	}
	process.stdout.write(`Data version ${app.dataVersion.version}.\n`);
	if (app.seeded) {
		process.stdout.write(`Seeded the demo organisation. Demo accounts (password "${DEMO_PASSWORD}"):\n`);
		for (const a of DEMO_ACCOUNTS) process.stdout.write(`  ${a.name.padEnd(12)} ${a.roles.join(', ')}\n`);
	}

	return app;
}

if (import.meta.main) await main();
