/**
 * The CouchDB the conformance suite talks to: the reference server from npm on a temp
 * folder, or the real CouchDB 3 in COUCHDB_URL. On a real server every run uses its own
 * random prefix and deletes exactly the databases with that prefix when it ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCouchUrl } from '../../sync-server/src/store/couch-store.ts';
import { startReferenceCouch } from '../support/reference-couch.ts';

export type CouchTarget = { url: string; prefix: string; close: () => Promise<void> };

export async function startCouchTarget(
	opts: { auth?: { username: string; password: string } } = {},
): Promise<CouchTarget> {
	const real = process.env.COUCHDB_URL;
	if (real) {
		const prefix = `trygg_test_${Math.random().toString(36).slice(2, 10)}_`;
		return { url: real, prefix, close: () => dropPrefixed(real, prefix) };
	}
	const dir = await mkdtemp(join(tmpdir(), 'trygg-conf-couch-'));
	const ref = await startReferenceCouch({ dir, ...(opts.auth ? { auth: opts.auth } : {}) });
	const url = opts.auth
		? ref.url.replace('://', `://${encodeURIComponent(opts.auth.username)}:${encodeURIComponent(opts.auth.password)}@`)
		: ref.url;
	return {
		url,
		prefix: 'trygg_',
		close: async () => {
			await ref.close();
			await rm(dir, { recursive: true, force: true });
		},
	};
}

async function dropPrefixed(url: string, prefix: string): Promise<void> {
	const endpoint = parseCouchUrl(url);
	const headers: Record<string, string> = endpoint.authorization ? { authorization: endpoint.authorization } : {};
	const all = (await (await fetch(`${endpoint.base}/_all_dbs`, { headers })).json()) as string[];
	for (const name of all.filter((n) => n.startsWith(prefix))) {
		await fetch(`${endpoint.base}/${encodeURIComponent(name)}`, { method: 'DELETE', headers });
	}
}
