/**
 * The store factory: picks the adapter from configuration and opens what the server keeps
 * besides scope documents (the accounts database and the server uuid). Embedded keeps them
 * in `<dataDir>/auth` and `<dataDir>/meta`; CouchDB keeps them in CouchDB (`<prefix>auth`,
 * `<prefix>meta`, and photos in `<prefix>blobs`), so several sync servers
 * are interchangeable.
 * It never prints or returns the CouchDB credentials.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import PouchDB from 'pouchdb';
import type { BlobStore } from '../blobs/blob-store.ts';
import { CouchBlobStore } from '../blobs/couch-blob-store.ts';
import { FsBlobStore } from '../blobs/fs-blob-store.ts';
import { CouchStore, DEFAULT_PREFIX, parseCouchUrl } from './couch-store.ts';
import type { DocStore } from './doc-store.ts';
import { StoreOpenError } from './doc-store.ts';
import { PouchStore, openPouch } from './pouch-store.ts';

type Db = PouchDB.Database<Record<string, unknown>>;

export type StorageConfig =
	| { kind: 'embedded'; dataDir: string; maxOpen?: number; idleMs?: number }
	| { kind: 'couchdb'; url: string; prefix?: string };

export type Storage = {
	docs: DocStore;
	/** Photo bytes: `<dataDir>/blobs` embedded, the `<prefix>blobs` database in CouchDB (any server reads any upload). */
	blobs: BlobStore;
	/** The accounts database (user records), read by auth/users.ts. */
	accounts: Db;
	/** The server's uuid for `GET /db/`: the same across restarts and across servers of one store. */
	uuid: string;
	/** What the store is, safe to print (no credentials). */
	shown: string;
	close(): Promise<void>;
};

/** The database (after the prefix) that holds accounts in CouchDB; never a scope name. */
export const ACCOUNTS_DB = 'auth';
/** The database (after the prefix) that holds the server uuid in CouchDB; never a scope name. */
export const META_DB = 'meta';

/** The storage configuration from the environment: COUCHDB_URL picks CouchDB, else embedded. */
export function storageConfigFromEnv(env: NodeJS.ProcessEnv, dataDir: string): StorageConfig {
	if (env.COUCHDB_URL) {
		return { kind: 'couchdb', url: env.COUCHDB_URL, ...(env.COUCHDB_PREFIX ? { prefix: env.COUCHDB_PREFIX } : {}) };
	}
	const maxOpen = Number(env.TRYGG_MAX_OPEN_DBS);
	const idleSeconds = Number(env.TRYGG_DB_IDLE_SECONDS);
	return {
		kind: 'embedded',
		dataDir,
		...(Number.isInteger(maxOpen) && maxOpen > 0 ? { maxOpen } : {}),
		...(Number.isFinite(idleSeconds) && idleSeconds > 0 ? { idleMs: idleSeconds * 1000 } : {}),
	};
}

/** A PouchDB over HTTP to a CouchDB database, sending the service account as Basic auth. */
export function remotePouch(url: string, name: string): Db {
	const endpoint = parseCouchUrl(url);
	return new PouchDB(`${endpoint.base}/${encodeURIComponent(name)}`, {
		fetch: (target: string | Request, init?: RequestInit) => {
			const headers = new Headers(init?.headers);
			if (endpoint.authorization) headers.set('authorization', endpoint.authorization);
			return fetch(target, { ...init, headers });
		},
	} as PouchDB.Configuration.RemoteDatabaseConfiguration);
}

/**
 * The server uuid: an ordinary document `server` in the meta database, created once. Several
 * servers starting on one CouchDB race to create it; the store answers all but one conflict,
 * and they read the winner's. (Not a `_local` document: CouchDB takes every write of one,
 * so each server would keep its own uuid; decision 0021.) `before` gives a uuid the store
 * already had elsewhere, to keep.
 */
async function serverUuid(meta: Db, before: () => Promise<string | undefined>): Promise<string> {
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const found = await meta.get('server');
			if (typeof found.uuid === 'string') return found.uuid;
			throw new StoreOpenError('the stored server uuid is not a string');
		} catch (err) {
			if ((err as { status?: number }).status !== 404) throw err;
		}
		const uuid = (await before()) ?? randomUUID().replaceAll('-', '');
		try {
			await meta.put({ _id: 'server', uuid });
			return uuid;
		} catch (err) {
			if ((err as { status?: number }).status !== 409) throw err;
		}
	}
	throw new StoreOpenError('cannot agree on the server uuid');
}

/** Where CouchDB stores kept the uuid before decision 0021: `_local/server` of org. */
async function legacyUuid(docs: DocStore): Promise<string | undefined> {
	const found = await docs.getLocal('org', 'server');
	return typeof found?.uuid === 'string' ? found.uuid : undefined;
}

async function openEmbedded(config: Extract<StorageConfig, { kind: 'embedded' }>): Promise<Storage> {
	await mkdir(path.join(config.dataDir, 'db'), { recursive: true });
	const meta = await openPouch(path.join(config.dataDir, 'meta'));
	const accounts = await openPouch(path.join(config.dataDir, 'auth')).catch(async (err: unknown) => {
		await meta.close();
		throw err;
	});
	const docs = new PouchStore({
		dataDir: config.dataDir,
		...(config.maxOpen ? { maxOpen: config.maxOpen } : {}),
		...(config.idleMs ? { idleMs: config.idleMs } : {}),
	});
	const close = async (): Promise<void> => {
		await docs.close();
		await Promise.all([meta.close(), accounts.close()].map((p) => p.catch(() => undefined)));
	};
	try {
		await docs.info('org'); // fail here, not on the first request, when the store is corrupt
		const uuid = await serverUuid(meta, async () => undefined);
		const blobs = new FsBlobStore({ dataDir: config.dataDir });
		// After the accounts and meta stores are open: their locks say no other process uses this folder.
		await blobs.removeTemporaryFiles();
		return { docs, blobs, accounts, uuid, shown: config.dataDir, close };
	} catch (err) {
		await close();
		throw err;
	}
}

async function openCouch(config: Extract<StorageConfig, { kind: 'couchdb' }>): Promise<Storage> {
	const prefix = config.prefix ?? DEFAULT_PREFIX;
	const docs = new CouchStore({ url: config.url, prefix });
	await docs.connect();
	const accounts = remotePouch(config.url, `${prefix}${ACCOUNTS_DB}`);
	const meta = remotePouch(config.url, `${prefix}${META_DB}`);
	const close = async (): Promise<void> => {
		await docs.close();
		await Promise.all([accounts.close(), meta.close()].map((p) => p.catch(() => undefined)));
	};
	try {
		await accounts.info(); // creates it on first start
		await meta.info();
		const uuid = await serverUuid(meta, () => legacyUuid(docs));
		const blobs = new CouchBlobStore({ url: config.url, prefix });
		return { docs, blobs, accounts, uuid, shown: docs.shown, close };
	} catch (err) {
		await close();
		if (err instanceof StoreOpenError) throw err;
		throw new StoreOpenError(`CouchDB at ${docs.shown} refused to set up the server's databases.`);
	}
}

export function openStorage(config: StorageConfig): Promise<Storage> {
	return config.kind === 'couchdb' ? openCouch(config) : openEmbedded(config);
}
