/**
 * Photo bytes on the device (the `blobs` table). A photo taken here is stored `pending` in the
 * same breath as it is shown, so it survives a reload offline; blob sync uploads it later.
 * Downloaded photos are kept as `remote`, a cache. It never reads the network and never
 * stores bytes under a hash it was not given by the caller (who hashed them).
 */
import { liveQuery, type Observable } from 'dexie';
import { AppError } from '../domain/index.ts';
import type { BlobEntry, TryggDb } from './app-db.ts';

export type BlobState = Pick<BlobEntry, 'sha256' | 'state' | 'error'>;

function isQuotaError(err: unknown): boolean {
	const name = (err as { name?: string })?.name;
	const inner = (err as { inner?: { name?: string } })?.inner?.name;
	return name === 'QuotaExceededError' || inner === 'QuotaExceededError';
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (err) {
		if (isQuotaError(err)) throw new AppError('quota', 'device storage is full');
		throw err;
	}
}

/**
 * Keep a photo taken on this device until it is uploaded to `scope`.
 * @example await storeLocalBlob(db, { sha256, scope: 'unit-a1', mime: 'image/jpeg', size, blob })
 */
export async function storeLocalBlob(
	db: TryggDb,
	entry: Pick<BlobEntry, 'sha256' | 'scope' | 'mime' | 'size' | 'blob'>,
	now = new Date(),
): Promise<void> {
	await guard(() =>
		db.transaction('rw', db.blobs, async () => {
			const existing = await db.blobs.get(entry.sha256);
			// The same bytes already on the server of this scope (sent or fetched from here) need no upload.
			if (existing && existing.scope === entry.scope && !existing.error) return;
			// New, refused before, or (rarely) the same photo in another unit: upload to this scope.
			await db.blobs.put({ ...entry, state: 'pending', storedAt: now.toISOString() });
		}),
	);
}

/** Keep a downloaded photo for viewing again without the network. */
export async function cacheRemoteBlob(
	db: TryggDb,
	entry: Pick<BlobEntry, 'sha256' | 'scope' | 'mime' | 'size' | 'blob'>,
	now = new Date(),
): Promise<void> {
	await guard(() =>
		db.transaction('rw', db.blobs, async () => {
			if (await db.blobs.get(entry.sha256)) return;
			await db.blobs.put({ ...entry, state: 'remote', storedAt: now.toISOString() });
		}),
	);
}

export function getBlob(db: TryggDb, sha256: string): Promise<BlobEntry | undefined> {
	return db.blobs.get(sha256);
}

/** Blobs waiting for upload that the server has not refused. */
export async function pendingBlobs(db: TryggDb): Promise<BlobEntry[]> {
	return (await db.blobs.where('state').equals('pending').toArray()).filter((b) => !b.error);
}

/** The server has these bytes now (only if they are still the ones that were sent to that scope). */
export async function markBlobUploaded(db: TryggDb, sha256: string, scope: string): Promise<void> {
	await db.blobs
		.where('sha256')
		.equals(sha256)
		.and((b) => b.scope === scope && b.state === 'pending')
		.modify({ state: 'uploaded', error: undefined });
}

/** The server refused these bytes for a reason that retrying will not change. */
export async function markBlobRefused(
	db: TryggDb,
	sha256: string,
	error: { code: string; reason: string },
): Promise<void> {
	await db.blobs.update(sha256, { error });
}

/** Live upload state of the given photos (for "not uploaded yet" marks). */
export function liveBlobStates(db: TryggDb, shas: string[]): Observable<BlobState[]> {
	return liveQuery(async () =>
		(await db.blobs.bulkGet(shas))
			.filter((b): b is BlobEntry => b !== undefined)
			.map(({ sha256, state, error }) => ({ sha256, state, error })),
	);
}
