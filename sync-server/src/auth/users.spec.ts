/**
 * The accounts' unit index (decision 0017): who belongs to a unit, kept from the accounts'
 * changes feed, so an answer reads the accounts changed since the last one, never every account.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openPouch } from '../store/pouch-store.ts';
import type { UserRecord } from './users.ts';
import { UserStore } from './users.ts';

type Db = Awaited<ReturnType<typeof openPouch>>;
let dir: string;
let db: Db;
let users: UserStore;
beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'trygg-users-'));
	db = await openPouch(path.join(dir, 'auth'));
	users = new UserStore(db);
});
afterEach(async () => {
	await db.close();
	await rm(dir, { recursive: true, force: true });
});

/** A record as the store keeps it (written directly: hashing passwords is not what is tested). */
function record(name: string, memberships: UserRecord['memberships']): UserRecord {
	return { _id: `user:${name}`, name, displayName: `Person ${name}`, roles: [], memberships, passwordHash: 'x' };
}

/** Accounts read by each call: rows of the changes feed (the index reads nothing else). */
function countReads(): { rows: number } {
	const reads = { rows: 0 };
	const changes = db.changes.bind(db);
	vi.spyOn(db, 'changes').mockImplementation(((opts: PouchDB.Core.ChangesOptions) => {
		const pending = changes(opts);
		// Registered before the caller's own wait, so counted by the time the caller goes on.
		void pending.then((res) => (reads.rows += res.results.length));
		return pending;
	}) as typeof db.changes);
	return reads;
}

describe('UserStore.membersOf', () => {
	it('lists the people of a unit with their role there, and follows changes, removals included', async () => {
		await db.bulkDocs([
			record('anna', [{ unitId: 'a1', role: 'manager' }]),
			record('bo', [
				{ unitId: 'a1', role: 'safety_rep' },
				{ unitId: 'b1', role: 'manager' },
			]),
			record('cai', [{ unitId: 'a1', role: 'staff' }]),
		]);
		expect(await users.membersOf('a1')).toEqual([
			{ name: 'anna', displayName: 'Person anna', role: 'manager' },
			{ name: 'bo', displayName: 'Person bo', role: 'safety_rep' },
			{ name: 'cai', displayName: 'Person cai', role: 'staff' },
		]);
		await users.setMemberships('bo', [{ unitId: 'b1', role: 'manager' }]);
		const anna = await users.get('anna');
		await db.remove(anna?._id ?? '', anna?._rev ?? '');
		expect((await users.membersOf('a1')).map((p) => p.name)).toEqual(['cai']);
		expect((await users.membersOf('b1')).map((p) => p.name)).toEqual(['bo']);
		expect(await users.membersOf('zz')).toEqual([]);
	});

	it('reads only the accounts changed since its last answer, however many there are', async () => {
		const many = Array.from({ length: 1_200 }, (_, i) => record(`p${i}`, [{ unitId: `u${i % 40}`, role: 'manager' }]));
		await db.bulkDocs(many);
		await users.membersOf('u1'); // the first answer after a start reads every account once
		const reads = countReads();
		expect(await users.membersOf('u1')).toHaveLength(30);
		expect(reads.rows).toBe(0);
		await users.setMemberships('p0', [{ unitId: 'u1', role: 'safety_rep' }]);
		expect(await users.membersOf('u1')).toHaveLength(31);
		expect(reads.rows).toBe(1);
	});
});
