/**
 * The embedded store's pool: thousands of unit scopes must not exhaust memory or file
 * handles (the failure this pins down: one LevelDB left open per scope ever touched).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heldKeys } from './durable-leveldown.ts';
import { DOC_STORE_PREFIX, PouchStore } from './pouch-store.ts';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-pool-'));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

async function openFiles(): Promise<number> {
	return (await readdir('/proc/self/fd')).length;
}

const SCOPES = 2_100;
const scope = (i: number): string => `unit-u${i}`;

describe('PouchStore pool', () => {
	it(`keeps open databases and file handles bounded across ${SCOPES} scopes, and reopens them intact`, async () => {
		const maxOpen = 8;
		const store = new PouchStore({ dataDir: dir, maxOpen });
		const filesBefore = await openFiles();
		let maxSeen = 0;
		let maxFiles = 0;
		for (let i = 0; i < SCOPES; i += 4) {
			// Four scopes at a time, as concurrent requests would.
			await Promise.all(
				[i, i + 1, i + 2, i + 3].map((n) =>
					store.bulkDocs(scope(n), [{ _id: `round:r${n}`, type: 'round', scope: scope(n), n }]),
				),
			);
			maxSeen = Math.max(maxSeen, store.openCount);
			if (i % 100 === 0) maxFiles = Math.max(maxFiles, (await openFiles()) - filesBefore);
		}
		expect(maxSeen).toBeLessThanOrEqual(maxOpen);
		// A LevelDB holds a handful of files; 2,100 open ones would hold thousands.
		expect(maxFiles).toBeLessThan(maxOpen * 12);
		console.info(`pool: ${SCOPES} scopes, max open ${maxSeen} (limit ${maxOpen}), max extra fds ${maxFiles}`);

		for (let i = 0; i < SCOPES; i += 97) {
			const { results } = await store.changes(scope(i), { includeDocs: true });
			expect(results.map((r) => r.doc?.n)).toEqual([i]);
		}
		expect(store.openCount).toBeLessThanOrEqual(maxOpen);
		await store.close();
		expect(store.openCount).toBe(0);

		const again = new PouchStore({ dataDir: dir, maxOpen });
		for (const i of [0, 1, 777, SCOPES - 1]) {
			expect((await again.info(scope(i))).doc_count).toBe(1);
		}
		await again.close();
	});

	it('closes databases left idle, and reopens them on the next use', async () => {
		let clock = 1_000_000;
		const store = new PouchStore({ dataDir: dir, maxOpen: 50, idleMs: 60_000, now: () => clock });
		for (let i = 0; i < 5; i++) await store.bulkDocs(scope(i), [{ _id: `round:x${i}`, type: 'round' }]);
		expect(store.openCount).toBe(5);
		clock += 30_000;
		await store.info(scope(0)); // used recently: stays
		clock += 31_000;
		await store.closeIdle();
		expect(store.openCount).toBe(1);
		expect((await store.info(scope(3))).doc_count).toBe(1);
		expect(store.openCount).toBe(2);
		await store.close();
	});

	it('waiters hold no database open, and one write wakes them all', async () => {
		const store = new PouchStore({ dataDir: dir, maxOpen: 3 });
		const stop = new AbortController();
		const waits = Array.from({ length: 40 }, (_, i) => store.waitForChange(scope(i % 20), stop.signal));
		for (let i = 20; i < 30; i++) await store.info(scope(i));
		expect(store.openCount).toBeLessThanOrEqual(3);
		expect(store.waiting(scope(5))).toBe(2);
		await store.bulkDocs(scope(5), [{ _id: 'round:w', type: 'round' }]);
		expect(store.waiting(scope(5))).toBe(0);
		expect(store.waiting(scope(6))).toBe(2);
		stop.abort();
		await Promise.all(waits);
		expect(store.waiting(scope(6))).toBe(0);
		await store.close();
	});

	it('refuses a since it did not make as a bad request', async () => {
		const store = new PouchStore({ dataDir: dir });
		await expect(store.changes('org', { since: '12-g1AAAA' })).rejects.toMatchObject({ code: 'bad_request' });
		await store.close();
	});
});

describe('PouchStore reads by id', () => {
	it('tells new ids missing from LevelDB’s keys, and reads stored and deleted documents as before', async () => {
		const store = new PouchStore({ dataDir: dir });
		try {
			const [live, gone] = (await store.bulkDocs('unit-k', [
				{ _id: 'round:live', type: 'round', n: 1 },
				{ _id: 'round:gone', type: 'round', n: 2 },
			])) as { id: string; rev: string }[];
			await store.bulkDocs('unit-k', [{ _id: 'round:gone', _rev: gone?.rev, _deleted: true }]);
			// The key a stored document's metadata has in PouchDB's LevelDB (the probe relies on it).
			const location = join(dir, 'db', 'unit-k');
			expect(await heldKeys(location, [`${DOC_STORE_PREFIX}round:live`, `${DOC_STORE_PREFIX}round:new`])).toEqual([
				true,
				false,
			]);
			const rows = await store.allDocs('unit-k', ['round:new', 'round:live', 'round:gone', '_local/x'], {
				includeDocs: true,
			});
			expect(rows[0]).toEqual({ key: 'round:new', error: 'not_found' });
			expect(rows[1]).toMatchObject({ id: 'round:live', value: { rev: live?.rev }, doc: { n: 1 } });
			expect(rows[2]).toMatchObject({ id: 'round:gone', value: { deleted: true } });
			expect(rows[3]).toEqual({ key: '_local/x', error: 'not_found' });
			// Written after it was told missing, a document is found.
			await store.bulkDocs('unit-k', [{ _id: 'round:new', type: 'round', n: 3 }]);
			expect((await store.allDocs('unit-k', ['round:new'], { includeDocs: true }))[0]).toMatchObject({
				doc: { n: 3 },
			});
		} finally {
			await store.close();
		}
	});
});
