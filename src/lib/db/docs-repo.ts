/**
 * Writes and reads of synced documents on the device. A local write validates with the
 * shared schemas first (a refused write throws an AppError and never reaches the outbox),
 * then stores the document and its outbox entry in one transaction, so a crash between
 * the two cannot lose a change or send one that is not shown.
 */
import { liveQuery, type Observable } from 'dexie';
import { AppError, checkDoc, type LiveDoc } from '../domain/index.ts';
import type { OutboxEntry, StoredDoc, TryggDb } from './app-db.ts';

/** Dexie signals a full disk with this error name. */
function isQuotaError(err: unknown): boolean {
	const name = (err as { name?: string; inner?: { name?: string } })?.name;
	const inner = (err as { inner?: { name?: string } })?.inner?.name;
	return name === 'QuotaExceededError' || inner === 'QuotaExceededError';
}

/**
 * Save a document locally and queue it for the server.
 * @example await saveDoc(db, round) // round is in `docs` and `outbox`
 */
export async function saveDoc(db: TryggDb, doc: LiveDoc, now = new Date()): Promise<StoredDoc> {
	const existing = await db.docs.get(doc._id);
	const candidate = { ...doc, _rev: existing?._rev, updatedAt: now.toISOString() };
	if (candidate._rev === undefined) delete candidate._rev;
	const check = checkDoc(candidate);
	if (!check.ok) throw new AppError('invalid', check.reason);
	const stored = candidate as StoredDoc;
	try {
		await db.transaction('rw', db.docs, db.outbox, async () => {
			const previous = await db.outbox.get(doc._id);
			await db.docs.put(stored);
			await db.outbox.put({
				docId: doc._id,
				scope: doc.scope,
				doc: stored,
				edit: (previous?.edit ?? 0) + 1,
				state: 'pending',
				queuedAt: now.toISOString(),
			});
		});
	} catch (err) {
		if (isQuotaError(err)) throw new AppError('quota', 'device storage is full');
		throw err;
	}
	return stored;
}

/** Live list of documents of one type, across every scope on the device. */
export function liveDocsOfType<T extends LiveDoc['type']>(
	db: TryggDb,
	type: T,
): Observable<Extract<StoredDoc, { type: T }>[]> {
	return liveQuery(
		async () => (await db.docs.where('type').equals(type).toArray()) as Extract<StoredDoc, { type: T }>[],
	);
}

/** Live single document, or undefined when it is not on the device. */
export function liveDoc(db: TryggDb, id: string): Observable<StoredDoc | undefined> {
	return liveQuery(() => db.docs.get(id));
}

/** Live outbox (waiting and refused changes). */
export function liveOutbox(db: TryggDb): Observable<OutboxEntry[]> {
	return liveQuery(() => db.outbox.toArray());
}

/** Put a refused change back in the queue (after the cause was fixed, e.g. access restored). */
export async function retryRefused(db: TryggDb, docId: string): Promise<void> {
	await db.outbox.update(docId, { state: 'pending', error: undefined });
}

/**
 * Give up a refused change: the local document returns to the server's version on next pull.
 * The outbox entry goes; the checkpoint of its scope is reset so the server version comes back.
 */
export async function discardRefused(db: TryggDb, docId: string): Promise<void> {
	await db.transaction('rw', db.docs, db.outbox, db.checkpoints, async () => {
		const entry = await db.outbox.get(docId);
		if (!entry || entry.state !== 'refused') return;
		await db.outbox.delete(docId);
		await db.docs.delete(docId);
		await db.checkpoints.delete(entry.scope);
	});
}
