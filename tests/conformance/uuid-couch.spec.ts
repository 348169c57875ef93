/**
 * The server uuid on one CouchDB (reference server, or COUCHDB_URL): servers that open an
 * empty store at the same moment agree on one uuid, since CouchDB takes any write of a
 * `_local` document (decision 0021); a store that kept it in `_local/server` keeps it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CouchStore } from '../../sync-server/src/store/couch-store.ts';
import { openStorage, type Storage } from '../../sync-server/src/store/storage.ts';
import { startCouchTarget, type CouchTarget } from './couch-target.ts';

let target: CouchTarget;
beforeEach(async () => {
	target = await startCouchTarget();
});
afterEach(async () => {
	await target.close();
});

async function openAll(n: number, prefix: string): Promise<Storage[]> {
	return Promise.all(Array.from({ length: n }, () => openStorage({ kind: 'couchdb', url: target.url, prefix })));
}

describe('server uuid on one CouchDB', () => {
	it('is the same for servers opening an empty store at once', async () => {
		for (let round = 0; round < 3; round++) {
			const storages = await openAll(4, `${target.prefix}r${round}_`);
			try {
				const uuids = new Set(storages.map((s) => s.uuid));
				expect(uuids.size).toBe(1);
				// and the same again for a server that starts later
				const later = await openStorage({ kind: 'couchdb', url: target.url, prefix: `${target.prefix}r${round}_` });
				expect(later.uuid).toBe(storages[0]?.uuid);
				await later.close();
			} finally {
				await Promise.all(storages.map((s) => s.close()));
			}
		}
	});

	it('keeps the uuid a store already has in _local/server', async () => {
		const prefix = `${target.prefix}old_`;
		const old = new CouchStore({ url: target.url, prefix });
		await old.connect();
		await old.putLocal('org', 'server', { uuid: '0123456789abcdef0123456789abcdef' });
		await old.close();
		const [a, b] = await openAll(2, prefix);
		try {
			expect(a?.uuid).toBe('0123456789abcdef0123456789abcdef');
			expect(b?.uuid).toBe('0123456789abcdef0123456789abcdef');
		} finally {
			await Promise.all([a?.close(), b?.close()]);
		}
	});
});
