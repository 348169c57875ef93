/**
 * The device's database: the only module family that imports Dexie (architecture §2).
 * One IndexedDB database per signed-in person, so two people sharing a tablet never see
 * each other's synced data or pending changes. Never reads the network.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { AnonResponse, CampaignKey, LiveDoc, SurveyAnswers } from '../domain/index.ts';

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

/**
 * Answers to a survey being filled in (issue 13): on this device only, never synced, and deleted
 * once the response is delivered. One entry per campaign.
 */
export interface SurveyProgress {
	campaignId: string;
	answers: SurveyAnswers;
}

/**
 * The one-response token of a campaign (decision 0030), as far as it got: the group's public key,
 * the prepared message, its blinded form and the blinding inverse are kept before the server is
 * asked, so a lost answer can ask again with the same blinded message; `token` once finalized.
 */
export interface SurveyToken {
	campaignId: string;
	group: CampaignKey['group'];
	publicKey: string;
	/** base64url: the prepared message, the blinded message, the blinding inverse. */
	prepared: string;
	blindedMsg: string;
	inv: string;
	token?: AnonResponse['token'];
}

/**
 * A finished response waiting for `/anon` (decision 0030), apart from the synced outbox. The
 * token is added when it is sent, so a survey answered offline before a token came still queues.
 * `refused`: the server said no (see `error`); kept, shown, never changed.
 */
export interface AnonOutboxEntry {
	campaignId: string;
	answers: SurveyAnswers;
	state: 'pending' | 'refused';
	error?: { code: string; reason: string };
}

/** "Sent for campaign X": all the device keeps of a delivered response. */
export interface SurveySent {
	campaignId: string;
}

export class TryggDb extends Dexie {
	docs!: EntityTable<StoredDoc, '_id'>;
	outbox!: EntityTable<OutboxEntry, 'docId'>;
	checkpoints!: EntityTable<Checkpoint, 'scope'>;
	meta!: EntityTable<MetaEntry, 'key'>;
	blobs!: EntityTable<BlobEntry, 'sha256'>;
	surveyProgress!: EntityTable<SurveyProgress, 'campaignId'>;
	surveyTokens!: EntityTable<SurveyToken, 'campaignId'>;
	anonOutbox!: EntityTable<AnonOutboxEntry, 'campaignId'>;
	surveysSent!: EntityTable<SurveySent, 'campaignId'>;

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
		// Version 4: anonymous surveys (issue 13), device only and apart from the synced tables: answers
		// in progress, the token per campaign, the anonymous outbox and "sent" marks. New tables only.
		this.version(4).stores({
			surveyProgress: 'campaignId',
			surveyTokens: 'campaignId',
			anonOutbox: 'campaignId, state',
			surveysSent: 'campaignId',
		});
		// Version 5: report documents by parent unit, so HR's drill-down reads a level of 5,000 units'
		// stats (issue 14, item 5) without the rest. An added index only: no data migration.
		this.version(5).stores({ docs: '_id, scope, type, [scope+type], roundId, [type+parentId]' });
	}
}

/** The database of one signed-in person. */
export function openUserDb(userName: string): TryggDb {
	return new TryggDb(`trygg-${userName}`);
}
