/**
 * Quotas (decision 0017): how much one scope may hold and one person may add to it, so that no
 * account, by mistake or on purpose, fills a unit for everybody else or the server's disk. The
 * numbers sit far above what honest heavy use reaches; the reasons are fixed strings, so the
 * device maps each to a translated message. Shared: the server enforces them, the device only
 * reads the reasons.
 */

/** Scope kinds people write to (report scopes are written by the server only). */
export type QuotaScopeKind = 'org' | 'unit' | 'user';

export type QuotaLimits = {
	/** Live documents in one scope. A unit with 50 rounds a year of 60 items holds about 10,000 a year. */
	docs: Record<QuotaScopeKind, number>;
	/** Documents one person creates in one scope per day (UTC); a full day of rounds is about 2,000. */
	docsPerPersonDay: number;
	/** The same for someone who may only send into the scope (staff send a few pre-reports a round). */
	submitOnlyDocsPerPersonDay: number;
	/** `_local` documents (replication checkpoints) one person keeps in one scope. The app uses none. */
	localDocsPerPerson: number;
	/** Photos in one scope, and their bytes. A stored photo is 0.2–0.8 MB. */
	photos: Record<QuotaScopeKind, number>;
	photoBytes: Record<QuotaScopeKind, number>;
	/** Photos one person has uploaded to one scope, and their bytes, over all time. */
	photosPerPerson: number;
	photoBytesPerPerson: number;
};

const GiB = 1024 * 1024 * 1024;

export const QUOTAS: QuotaLimits = {
	docs: { unit: 200_000, user: 20_000, org: 50_000 },
	docsPerPersonDay: 5_000,
	submitOnlyDocsPerPersonDay: 200,
	localDocsPerPerson: 50,
	photos: { unit: 50_000, user: 5_000, org: 2_000 },
	photoBytes: { unit: 20 * GiB, user: 2 * GiB, org: 1 * GiB },
	photosPerPerson: 10_000,
	photoBytesPerPerson: 5 * GiB,
};

/** A document refused because its scope holds as many documents as it may (`forbidden`). */
export const SCOPE_DOCS_QUOTA_REASON = 'quota: this database holds as many documents as it may';
/** A document refused because its sender created as many here today as one person may (`forbidden`). */
export const PERSON_DOCS_QUOTA_REASON = 'quota: you have created as many documents here today as one person may';
/** A `_local` document refused: its sender keeps as many here as one person may (`forbidden`). */
export const LOCAL_DOCS_QUOTA_REASON = 'quota: you keep as many _local documents here as one person may';
/** A photo refused: its scope holds as many photos, or bytes of them, as it may (413 `too_large`). */
export const SCOPE_PHOTOS_QUOTA_REASON = 'quota: this database holds as many photos as it may';
/** A photo refused: its sender has uploaded as many here as one person may (413 `too_large`). */
export const PERSON_PHOTOS_QUOTA_REASON = 'quota: you have uploaded as many photos here as one person may';
