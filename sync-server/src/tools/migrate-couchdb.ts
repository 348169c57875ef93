/**
 * Moves an embedded store into CouchDB: replicates every scope database (and the accounts)
 * from `<data>/db/<scope>` to `<prefix><scope>` with PouchDB replication, so revisions and
 * tombstones are kept and a re-run copies only what is new; then copies the photos of
 * `<data>/blobs/<scope>/<sha256>` into `<prefix>blobs` (content-addressed, so a re-run stores
 * nothing twice). The anonymous road's databases (`anon-*`, decision 0031) go too, with the
 * responses still pending a batch: those live in `_local` documents, which replication leaves
 * behind, so they are copied one by one. Stop the embedded server first
 * (LevelDB allows one process). It never prints the CouchDB credentials.
 *
 *   npm run migrate:couchdb -- --from ./data --to http://svc:pass@couch:5984 [--prefix trygg_]
 *   (or leave out --to and set COUCHDB_URL, which keeps the password out of the process list)
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SHA256_RE, isAnonDatabase, isScope } from '../../../src/lib/domain/index.ts';
import { ANON_DB } from '../anon/databases.ts';
import { BLOBS_DB, CouchBlobStore } from '../blobs/couch-blob-store.ts';
import { DEFAULT_PREFIX, checkPrefix, parseCouchUrl } from '../store/couch-store.ts';
import { StoreOpenError } from '../store/doc-store.ts';
import { openPouch } from '../store/pouch-store.ts';
import { ACCOUNTS_DB, remotePouch } from '../store/storage.ts';

export type MigrationRow = { source: string; target: string; read: number; written: number; failed: number };

/** Replicate every embedded database of `from` into the CouchDB at `to`; one row per database. */
export async function migrateToCouch(opts: {
	from: string;
	to: string;
	prefix?: string;
	log?: (line: string) => void;
}): Promise<MigrationRow[]> {
	const prefix = opts.prefix ?? DEFAULT_PREFIX;
	checkPrefix(prefix);
	parseCouchUrl(opts.to); // a bad URL fails before anything is opened
	const log = opts.log ?? (() => undefined);
	let scopes: string[];
	try {
		scopes = (await readdir(path.join(opts.from, 'db'), { withFileTypes: true }))
			.filter((e) => e.isDirectory() && (isScope(e.name) || isAnonDatabase(e.name)))
			.map((e) => e.name)
			.sort();
	} catch {
		throw new StoreOpenError(`${opts.from} holds no embedded store (no db folder).`);
	}
	const pairs = [
		{ source: 'auth', dir: path.join(opts.from, 'auth'), target: `${prefix}${ACCOUNTS_DB}` },
		...scopes.map((scope) => ({ source: scope, dir: path.join(opts.from, 'db', scope), target: `${prefix}${scope}` })),
	];
	const rows: MigrationRow[] = [];
	for (const pair of pairs) {
		const source = await openPouch(pair.dir).catch(() => {
			throw new StoreOpenError(`cannot open ${pair.dir}: is the embedded server still running?`);
		});
		const target = remotePouch(opts.to, pair.target);
		try {
			const res = await source.replicate.to(target, { batch_size: 500 });
			const pending =
				pair.source === ANON_DB.responses
					? await copyPending(source, target, path.join(opts.from, 'db', 'org'))
					: { read: 0, written: 0 };
			const row = {
				source: pair.source,
				target: pair.target,
				read: res.docs_read + pending.read,
				written: res.docs_written + pending.written,
				failed: res.doc_write_failures,
			};
			rows.push(row);
			log(`${row.source} → ${row.target}: ${row.read} read, ${row.written} written, ${row.failed} failed`);
		} catch (err) {
			const status = (err as { status?: number }).status;
			throw new StoreOpenError(
				`replicating ${pair.source} failed${status ? ` (HTTP ${status})` : ''}; nothing is lost, run again.`,
			);
		} finally {
			await source.close().catch(() => undefined);
			await target.close().catch(() => undefined);
		}
	}
	const blobs = await migrateBlobs(opts.from, opts.to, prefix);
	if (blobs) {
		rows.push(blobs);
		log(`blobs → ${blobs.target}: ${blobs.read} read, ${blobs.written} written, ${blobs.failed} failed`);
	}
	return rows;
}

type Pouch = Awaited<ReturnType<typeof openPouch>>;

/**
 * Copy each campaign's pending responses (`_local/pending~<campaign id>` in `anon-responses`),
 * which replication does not carry. The campaigns are read from the embedded `org`. A copy that
 * is already there unchanged is not written again.
 */
async function copyPending(
	source: Pouch,
	target: ReturnType<typeof remotePouch>,
	orgDir: string,
): Promise<{ read: number; written: number }> {
	const org = await openPouch(orgDir);
	let campaigns: string[];
	try {
		const res = await org.allDocs({ startkey: 'campaign:', endkey: 'campaign:\uffff' });
		campaigns = res.rows.map((r) => r.id);
	} finally {
		await org.close().catch(() => undefined);
	}
	const out = { read: 0, written: 0 };
	for (const campaignId of campaigns) {
		const id = `_local/pending~${campaignId}`;
		const here = (await source.get(id).catch(() => undefined)) as Record<string, unknown> | undefined;
		if (!here) continue;
		out.read++;
		const there = (await target.get(id).catch(() => undefined)) as Record<string, unknown> | undefined;
		const { _rev: _ignored, ...body } = here;
		if (there && JSON.stringify(there.entries) === JSON.stringify(body.entries)) continue;
		await target.put({ ...body, _id: id, ...(there?._rev ? { _rev: there._rev } : {}) } as never);
		out.written++;
	}
	return out;
}

/** Copy the photo files of an embedded store into CouchDB; undefined when it holds none. */
async function migrateBlobs(from: string, to: string, prefix: string): Promise<MigrationRow | undefined> {
	const root = path.join(from, 'blobs');
	let scopes: string[];
	try {
		scopes = (await readdir(root, { withFileTypes: true }))
			.filter((e) => e.isDirectory() && isScope(e.name))
			.map((e) => e.name);
	} catch {
		return undefined;
	}
	const store = new CouchBlobStore({ url: to, prefix });
	const row: MigrationRow = { source: 'blobs', target: `${prefix}${BLOBS_DB}`, read: 0, written: 0, failed: 0 };
	for (const scope of scopes.sort()) {
		// Only finished blobs: a name that is not a digest is a temporary file of an interrupted upload.
		const names = (await readdir(path.join(root, scope))).filter((n) => SHA256_RE.test(n)).sort();
		for (const sha256 of names) {
			row.read++;
			try {
				const bytes = await readFile(path.join(root, scope, sha256));
				const { created } = await store.put(
					scope,
					sha256,
					new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
				);
				if (created) row.written++;
			} catch {
				row.failed++;
			}
		}
	}
	return row;
}

async function cli(): Promise<void> {
	const { values } = parseArgs({
		options: { from: { type: 'string' }, to: { type: 'string' }, prefix: { type: 'string' } },
	});
	const from = path.resolve(values.from ?? process.env.TRYGG_DATA_DIR ?? './data');
	const to = values.to ?? process.env.COUCHDB_URL;
	const out = (line: string): boolean => process.stdout.write(`${line}\n`);
	if (!to) {
		process.stderr.write('migrate: give --to <CouchDB URL> or set COUCHDB_URL.\n');
		process.exit(1);
	}
	try {
		const shown = parseCouchUrl(to).shown;
		out(`Replicating the embedded store in ${from} into CouchDB at ${shown}`);
		const rows = await migrateToCouch({
			from,
			to,
			prefix: values.prefix ?? process.env.COUCHDB_PREFIX ?? DEFAULT_PREFIX,
			log: out,
		});
		const sum = (k: 'read' | 'written' | 'failed'): number => rows.reduce((n, r) => n + r[k], 0);
		out(`${rows.length} databases: ${sum('read')} documents read, ${sum('written')} written, ${sum('failed')} failed.`);
		out('Start the servers with COUCHDB_URL now. The server uuid is new, so devices sync afresh.');
		if (sum('failed') > 0) process.exit(1);
	} catch (err) {
		const message = err instanceof StoreOpenError ? err.message : `cannot migrate: ${(err as Error).name}`;
		process.stderr.write(`migrate: ${message}\n`);
		process.exit(1);
	}
}

if (import.meta.main) await cli();
