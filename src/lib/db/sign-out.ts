/**
 * Signing out on a shared device (decision 0002, 0014): what of a person's work is still unsent,
 * and wiping their database and device keys once nothing is. It must never wipe a queued change,
 * a photo waiting for upload or typed text not yet stored: those stay until that person signs in
 * again. Another person never opens this database either way (one database per person).
 */
import { Dexie } from 'dexie';
import { openUserDb, type TryggDb } from './app-db.ts';

/** Keys in localStorage that belong to `name`: pre-report rounds seen, and typed text not stored yet. */
function personKeys(storage: Storage, name: string): { all: string[]; unsaved: string[] } {
	const all: string[] = [];
	const unsaved: string[] = [];
	for (let i = 0; i < storage.length; i++) {
		const key = storage.key(i);
		if (key === null) continue;
		if (key.startsWith(`trygg.unsaved.${name}|`)) {
			unsaved.push(key);
			all.push(key);
		} else if (key === `trygg.prereportRounds.${name}`) all.push(key);
	}
	return { all, unsaved };
}

/**
 * Changes, photos and survey responses on this device that the server has not accepted yet
 * (waiting, refused or revoked). A queued survey response counts: wiping it would lose an answer
 * the person cannot give again (their token is on this device only).
 */
export async function unsentCount(db: TryggDb): Promise<number> {
	const [changes, photos, responses] = await Promise.all([
		db.outbox.count(),
		db.blobs.where('state').equals('pending').count(),
		db.anonOutbox.count(),
	]);
	return changes + photos + responses;
}

/**
 * Wipe `name`'s database and device keys when nothing of theirs is unsent; true when wiped.
 * Call it after the person's database is closed.
 */
export async function forgetPersonIfSent(name: string, storage: Storage): Promise<boolean> {
	const db = openUserDb(name);
	let unsent: number;
	try {
		unsent = await unsentCount(db);
	} finally {
		db.close();
	}
	const keys = personKeys(storage, name);
	if (unsent > 0 || keys.unsaved.length > 0) return false;
	await Dexie.delete(db.name);
	for (const key of keys.all) storage.removeItem(key);
	return true;
}
