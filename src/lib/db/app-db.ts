/**
 * The device's database: the only module family that imports Dexie (architecture §2).
 * One IndexedDB database per signed-in person, so two people sharing a tablet never see
 * each other's synced data or pending changes. Never reads the network.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { LiveDoc } from '../domain/index.ts';

/** A synced document as stored on the device (the server's latest version plus local edits). */
export type StoredDoc = LiveDoc & { _rev?: string; _deleted?: boolean };

/** A change waiting for the server: one entry per document, always its latest local content. */
export interface OutboxEntry {
	docId: string;
	scope: string;
	doc: StoredDoc;
	/** Bumped on every local edit, so a push result is applied only to the edit it carried. */
	edit: number;
	/**
	 * pending: waiting to be sent; refused: the server said no (see `error`); revoked: this
	 * person lost access to the scope before the change reached the server (kept to be shown).
	 */
	state: 'pending' | 'refused' | 'revoked';
	error?: { code: string; reason: string };
	queuedAt: string;
}

export interface Checkpoint {
	scope: string;
	since: string;
}

export interface MetaEntry {
	key: string;
	value: unknown;
}

/**
 * Photo bytes on the device, keyed by their SHA-256 (architecture §8). `pending` waits for upload,
 * `uploaded` was sent from here, `remote` was downloaded for viewing (a cache, safe to drop).
 * `error` marks an upload the server refused for good (not retried until the user asks).
 */
export interface BlobEntry {
	sha256: string;
	scope: string;
	mime: string;
	size: number;
	blob: Blob;
	state: 'pending' | 'uploaded' | 'remote';
	error?: { code: string; reason: string };
	storedAt: string;
}

export class TryggDb extends Dexie {
	docs!: EntityTable<StoredDoc, '_id'>;
	outbox!: EntityTable<OutboxEntry, 'docId'>;
	checkpoints!: EntityTable<Checkpoint, 'scope'>;
	meta!: EntityTable<MetaEntry, 'key'>;
	blobs!: EntityTable<BlobEntry, 'sha256'>;

	constructor(name: string) {
		// Strict: a write is on disk before its transaction completes. Chromium's default
		// ("relaxed") can lose the last seconds of work when the browser or battery dies,
		// and what the user saw as saved must survive that.
		super(name, { chromeTransactionDurability: 'strict' });
		this.version(1).stores({
			docs: '_id, scope, type, [scope+type]',
			outbox: 'docId, scope, state',
			checkpoints: 'scope',
			meta: 'key',
		});
		// Version 2: photo blobs. Existing tables are unchanged, so no data migration.
		this.version(2).stores({ blobs: 'sha256, scope, state' });
		// Version 3: documents by round (answers, findings, assessments), so opening a round reads
		// only its own documents. An added index only: no data migration.
		this.version(3).stores({ docs: '_id, scope, type, [scope+type], roundId' });
	}
}

/** The database of one signed-in person. */
export function openUserDb(userName: string): TryggDb {
	return new TryggDb(`trygg-${userName}`);
}
