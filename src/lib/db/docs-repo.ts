/**
 * Writes and reads of synced documents on the device. A local write validates with the
 * shared schemas first (a refused write throws an AppError and never reaches the outbox),
 * then stores the document and its outbox entry in one transaction, so a crash between
 * the two cannot lose a change or send one that is not shown.
 */
import { liveQuery, type Observable } from 'dexie';
import { APPEND_ONLY_TYPES, AppError, checkDoc, RISK_SETTINGS_ID, type LiveDoc } from '../domain/index.ts';
import { isDeviceId, maxStamp, receive, tick } from '../domain/hlc.ts';
import { canonicalJson } from '../domain/merge.ts';
import type { OutboxEntry, StoredDoc, TryggDb } from './app-db.ts';

/** Dexie signals a full disk with this error name. */
function isQuotaError(err: unknown): boolean {
	const name = (err as { name?: string; inner?: { name?: string } })?.name;
	const inner = (err as { inner?: { name?: string } })?.inner?.name;
	return name === 'QuotaExceededError' || inner === 'QuotaExceededError';
}

/** Fields that are bookkeeping, not content: they get no clock stamp. */
const UNSTAMPED = new Set(['_id', '_rev', '_deleted', 'clock', 'updatedAt']);

const DEVICE_KEY = 'deviceId';
const HLC_KEY = 'hlc';
const LAST_SYNC_KEY = 'lastSync';
const CLOCK_OFFSET_KEY = 'clockOffset';

/** A new estimate of the server's clock replaces the stored one only when it differs by more. */
const OFFSET_TOLERANCE_MS = 1000;

/**
 * This device's id for clock stamps: made once, kept in `meta`. Call inside a transaction
 * that includes `meta`, or on its own.
 */
export async function deviceId(db: TryggDb): Promise<string> {
	// Once known it never changes: every save stamps with it, so it is not read again each time.
	const known = knownDeviceIds.get(db);
	if (known) return known;
	const id = await db.transaction('rw', db.meta, async () => {
		const stored = await db.meta.get(DEVICE_KEY);
		if (typeof stored?.value === 'string' && isDeviceId(stored.value)) return stored.value;
		const fresh = crypto.randomUUID().toLowerCase();
		await db.meta.put({ key: DEVICE_KEY, value: fresh });
		return fresh;
	});
	knownDeviceIds.set(db, id);
	return id;
}
const knownDeviceIds = new WeakMap<TryggDb, string>();

/**
 * The last stamp this device made, and how far the server's clock is ahead of this device's
 * (milliseconds, 0 until first measured).
 */
async function clockState(db: TryggDb): Promise<{ last: string | undefined; offset: number }> {
	const [last, offset] = await db.meta.bulkGet([HLC_KEY, CLOCK_OFFSET_KEY]);
	return {
		last: last?.value as string | undefined,
		offset: typeof offset?.value === 'number' && Number.isFinite(offset.value) ? offset.value : 0,
	};
}

/** How far the server's clock is ahead of this device's, as last measured (0 when never). */
export async function clockOffset(db: TryggDb): Promise<number> {
	return (await clockState(db)).offset;
}

/** How far the server's clock is ahead of this device's, live (0 until first measured). */
export function liveClockOffset(db: TryggDb): Observable<number> {
	return liveQuery(() => clockOffset(db));
}

/**
 * Remember how far the server's clock is ahead of this device's, from one answer: the server's
 * time as it said it when sending, and this device's when it arrived (off by the answer's
 * travel time, which also holds for a longpoll that waited a long time for a change). Stamps are made on the server's time, so a tablet whose clock is days off still orders its
 * edits with everyone else's by when they really happened (decision 0013). Written only when
 * the estimate moved, so a sync does not cost a write.
 */
export async function noteServerTime(db: TryggDb, serverMs: number, receivedMs: number): Promise<void> {
	if (!Number.isFinite(serverMs) || !Number.isFinite(receivedMs)) return;
	const estimate = Math.round(serverMs - receivedMs);
	const known = (await db.meta.get(CLOCK_OFFSET_KEY))?.value;
	if (typeof known === 'number' && Math.abs(estimate - known) <= OFFSET_TOLERANCE_MS) return;
	await db.meta.put({ key: CLOCK_OFFSET_KEY, value: estimate });
}

/** The latest stamp in a clock map, or undefined. */
function latestStamp(clock: Record<string, string> | undefined): string | undefined {
	let latest: string | undefined;
	for (const stamp of Object.values(clock ?? {})) latest = maxStamp(latest, stamp);
	return latest;
}

/**
 * This device's hybrid logical clock during one save: stamps are made in memory, in order, and
 * the last one is stored once with the save.
 */
class SaveClock {
	changed = false;
	readonly device: string;
	last: string | undefined;
	readonly now: number;
	// Plain fields, not parameter properties: Node runs this module as is (type stripping), as the benches do.
	constructor(device: string, last: string | undefined, now: number) {
		this.device = device;
		this.last = last;
		this.now = now;
	}

	/** A new stamp, later than `seen` (when given) and than every stamp made before. */
	next(seen: string | undefined): string {
		this.last = seen ? receive(this.last, seen, this.device, this.now) : tick(this.last, this.device, this.now);
		this.changed = true;
		return this.last;
	}
}

/**
 * Stamp every field that differs from the stored version with one new stamp, later than any
 * stamp this device has made or seen on the document, so the edit wins the field-level merge
 * against everything it was based on.
 */
function stampChanges(
	candidate: Record<string, unknown>,
	existing: StoredDoc | undefined,
	clock: SaveClock,
): Record<string, string> | undefined {
	const stamps: Record<string, string> = { ...existing?.clock };
	const before = (existing ?? {}) as Record<string, unknown>;
	const changed = [...new Set([...Object.keys(candidate), ...Object.keys(before)])].filter(
		(field) => !UNSTAMPED.has(field) && canonicalJson(candidate[field]) !== canonicalJson(before[field]),
	);
	if (changed.length === 0) return existing?.clock;
	const stamp = clock.next(latestStamp(existing?.clock));
	for (const field of changed) stamps[field] = stamp;
	return stamps;
}

export type SaveOptions = {
	/**
	 * Give the document (an answer or an assessment) a new `stamp`, later than `seen` and than every
	 * stamp this device made before, in the same transaction as the save.
	 */
	stampAfter?: { seen: string | undefined };
};

/**
 * Save a document locally and queue it for the server. Fields that changed get a clock stamp.
 * @example await saveDoc(db, round) // round is in `docs` and `outbox`
 */
export async function saveDoc(
	db: TryggDb,
	doc: LiveDoc,
	now = new Date(),
	options: SaveOptions = {},
): Promise<StoredDoc> {
	const [stored] = await saveDocs(db, [{ doc, options }], now);
	return stored as StoredDoc;
}

/**
 * Save several documents in one transaction: all are stored and queued, or none (an action and
 * the history entry of its change). `build` may derive the documents from what is stored now,
 * read inside the same transaction, so a concurrent local save cannot slip in between.
 * @example await saveDocs(db, [{ doc: action }, { doc: log }]) // both in `docs` and `outbox`, or neither
 */
export async function saveDocs(
	db: TryggDb,
	docs:
		| { doc: LiveDoc; options?: SaveOptions }[]
		| ((get: (id: string) => Promise<StoredDoc | undefined>) => Promise<{ doc: LiveDoc; options?: SaveOptions }[]>),
	now = new Date(),
): Promise<StoredDoc[]> {
	try {
		return await db.transaction('rw', db.docs, db.outbox, db.meta, async () => {
			const list = typeof docs === 'function' ? await docs((id) => db.docs.get(id)) : docs;
			const ids = list.map(({ doc }) => doc._id);
			// Every read of the save at once, then every write at once: two round trips to the
			// browser's database process, however many documents are saved.
			const [stored, queued, device, { last, offset }] = await Promise.all([
				db.docs.bulkGet(ids),
				db.outbox.bulkGet(ids),
				deviceId(db),
				clockState(db),
			]);
			// Stamps follow the server's clock; `updatedAt` and the queue keep the device's own.
			const clock = new SaveClock(device, last, now.getTime() + offset);
			const docsOut = new Map<string, StoredDoc>();
			const rows = new Map<string, OutboxEntry>();
			const out = list.map(({ doc, options }, i) => {
				// The same document twice in one save: the second is based on the first.
				const next = prepareDoc(doc, docsOut.get(doc._id) ?? stored[i], now, options ?? {}, clock);
				const previous = rows.get(doc._id) ?? queued[i];
				docsOut.set(doc._id, next);
				rows.set(doc._id, {
					docId: doc._id,
					scope: doc.scope,
					doc: next,
					edit: (previous?.edit ?? 0) + 1,
					state: 'pending',
					// "Waiting since": the first unsent edit, not the latest.
					queuedAt: previous?.state === 'pending' ? previous.queuedAt : now.toISOString(),
				});
				return next;
			});
			await Promise.all([
				db.docs.bulkPut([...docsOut.values()]),
				db.outbox.bulkPut([...rows.values()]),
				clock.changed ? db.meta.put({ key: HLC_KEY, value: clock.last }) : undefined,
			]);
			return out;
		});
	} catch (err) {
		if (isQuotaError(err)) throw new AppError('quota', 'device storage is full');
		throw err;
	}
}

/** One document as it will be stored: stamped, its revision carried over, validated. */
function prepareDoc(
	doc: LiveDoc,
	existing: StoredDoc | undefined,
	now: Date,
	options: SaveOptions,
	clock: SaveClock,
): StoredDoc {
	const { clock: _ignored, ...content } = doc;
	if (options.stampAfter) (content as Record<string, unknown>).stamp = clock.next(options.stampAfter.seen);
	const candidate: Record<string, unknown> = { ...content, updatedAt: now.toISOString() };
	if (existing?._rev !== undefined) candidate._rev = existing._rev;
	else delete candidate._rev;
	// Append-only documents are never edited, so field clocks would only add bytes.
	const stamps = APPEND_ONLY_TYPES.includes(doc.type) ? undefined : stampChanges(candidate, existing, clock);
	if (stamps) candidate.clock = stamps;
	const check = checkDoc(candidate);
	if (!check.ok) throw new AppError('invalid', check.reason);
	return candidate as StoredDoc;
}

/** One document as stored on the device, or undefined. */
export async function getDoc(db: TryggDb, id: string): Promise<StoredDoc | undefined> {
	return db.docs.get(id);
}

/** The documents of one round (answers, findings, assessments, signatures), not deleted. */
export async function docsOfRound(db: TryggDb, roundId: string): Promise<StoredDoc[]> {
	return (await db.docs.where('roundId').equals(roundId).toArray()).filter((d) => !d._deleted);
}

/** Everything a round page shows, read together so it changes together. */
export type RoundBundle = {
	round: Extract<StoredDoc, { type: 'round' }> | undefined;
	template: Extract<StoredDoc, { type: 'template' }> | undefined;
	/** The round's own answers. */
	answers: Extract<StoredDoc, { type: 'answer' }>[];
	/** The round's own findings and assessments (by the `roundId` index). */
	findings: Extract<StoredDoc, { type: 'finding' }>[];
	assessments: Extract<StoredDoc, { type: 'assessment' }>[];
	/**
	 * Its signatures and reopenings, in the same read as the round: a device must never see the
	 * round back in progress without the reopening that set its signatures aside, or it would lock
	 * the round again (decision 0007).
	 */
	signatures: Extract<StoredDoc, { type: 'signature' }>[];
	reopenings: Extract<StoredDoc, { type: 'reopening' }>[];
};

/** The bundle of a round that is not on the device (yet). */
export const EMPTY_ROUND_BUNDLE: RoundBundle = {
	round: undefined,
	template: undefined,
	answers: [],
	findings: [],
	assessments: [],
	signatures: [],
	reopenings: [],
};

/**
 * Live bundle of one round and what its page needs. It reads only the round's own documents: an
 * answer re-reads this, so it must not read every finding of the unit (see `liveOtherRoundsFindings`).
 */
export function liveRoundBundle(db: TryggDb, roundId: string): Observable<RoundBundle> {
	return liveQuery(async () => {
		const round = await db.docs.get(roundId);
		if (!round || round.type !== 'round' || round._deleted) return EMPTY_ROUND_BUNDLE;
		const [templateDoc, own] = await Promise.all([db.docs.get(round.templateId), docsOfRound(db, roundId)]);
		return {
			round,
			template: templateDoc?.type === 'template' ? templateDoc : undefined,
			answers: own.filter((d): d is Extract<StoredDoc, { type: 'answer' }> => d.type === 'answer'),
			findings: own.filter((d): d is Extract<StoredDoc, { type: 'finding' }> => d.type === 'finding'),
			assessments: own.filter((d): d is Extract<StoredDoc, { type: 'assessment' }> => d.type === 'assessment'),
			signatures: own.filter((d): d is Extract<StoredDoc, { type: 'signature' }> => d.type === 'signature'),
			reopenings: own.filter((d): d is Extract<StoredDoc, { type: 'reopening' }> => d.type === 'reopening'),
		};
	});
}

/** Findings and assessments of a unit that do not belong to one round. */
export type OtherFindings = Pick<RoundBundle, 'findings' | 'assessments'>;

/**
 * Live findings and assessments of the unit's other rounds (earlier rounds' open findings and their
 * risk). Apart from the round bundle: it reads by `[scope+type]`, which an answer does not touch.
 */
export function liveOtherRoundsFindings(db: TryggDb, scope: string, roundId: string): Observable<OtherFindings> {
	return liveQuery(async () => {
		const ofType = async <T extends 'finding' | 'assessment'>(type: T) =>
			(await db.docs.where('[scope+type]').equals([scope, type]).toArray()).filter(
				(d) => !d._deleted && (d as { roundId?: string }).roundId !== roundId,
			) as Extract<StoredDoc, { type: T }>[];
		const [findings, assessments] = await Promise.all([ofType('finding'), ofType('assessment')]);
		return { findings, assessments };
	});
}

/**
 * Live rounds of one scope (to date earlier rounds' findings). Kept out of the round bundle: a
 * unit has hundreds of rounds, and every answer re-reads the bundle, never this.
 */
export function liveScopeRounds(db: TryggDb, scope: string): Observable<Extract<StoredDoc, { type: 'round' }>[]> {
	return liveQuery(async () =>
		(await db.docs.where('[scope+type]').equals([scope, 'round']).toArray()).filter(
			(d): d is Extract<StoredDoc, { type: 'round' }> => d.type === 'round' && !d._deleted,
		),
	);
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

/**
 * Live documents of one type with the state of their outbox entry (undefined: none, so sent),
 * read in one transaction: a document just saved is never seen without its entry, which two
 * separate queries allowed ("skickad" shown for a report still waiting on the device).
 */
export function liveDocsOfTypeWithOutbox<T extends LiveDoc['type']>(
	db: TryggDb,
	type: T,
): Observable<{ doc: Extract<StoredDoc, { type: T }>; outbox: OutboxEntry['state'] | undefined }[]> {
	return liveQuery(() =>
		db.transaction('r', db.docs, db.outbox, async () => {
			const docs = (await db.docs.where('type').equals(type).toArray()) as Extract<StoredDoc, { type: T }>[];
			const entries = await db.outbox.bulkGet(docs.map((d) => d._id));
			return docs.map((doc, i) => ({ doc, outbox: entries[i]?.state }));
		}),
	);
}

/** Live single document, or undefined when it is not on the device. */
export function liveDoc(db: TryggDb, id: string): Observable<StoredDoc | undefined> {
	return liveQuery(() => db.docs.get(id));
}

/** Live risk settings of the organisation (`settings:risk` in `org`), or undefined when there are none. */
export function liveRiskSettings(db: TryggDb): Observable<Extract<StoredDoc, { type: 'settings' }> | undefined> {
	return liveQuery(async () => {
		const doc = await db.docs.get(RISK_SETTINGS_ID);
		return doc?.type === 'settings' && !doc._deleted ? doc : undefined;
	});
}

/** Live outbox (waiting, refused and revoked changes). */
export function liveOutbox(db: TryggDb): Observable<OutboxEntry[]> {
	return liveQuery(() => db.outbox.toArray());
}

/** Ids of the outbox entries in each state: what the shell and lists show. */
export type OutboxIds = { pending: string[]; refused: string[]; revoked: string[] };

/**
 * Live outbox ids by state, read from the `state` index alone: no entry (with its whole
 * document) is read, so a save that adds one entry costs the shell three key scans.
 */
export function liveOutboxIds(db: TryggDb): Observable<OutboxIds> {
	return liveQuery(async () => {
		const ids = (state: OutboxEntry['state']) =>
			db.outbox.where('state').equals(state).primaryKeys() as Promise<string[]>;
		const [pending, refused, revoked] = await Promise.all([ids('pending'), ids('refused'), ids('revoked')]);
		return { pending, refused, revoked };
	});
}

/** Live time of the last complete sync of this device (ISO), or undefined before the first. */
export function liveLastSync(db: TryggDb): Observable<string | undefined> {
	return liveQuery(async () => {
		const value = (await db.meta.get(LAST_SYNC_KEY))?.value;
		return typeof value === 'string' ? value : undefined;
	});
}

/** Record a complete sync (push and pull of every scope), for the indicator. */
export async function recordSync(db: TryggDb, at: string): Promise<void> {
	await db.meta.put({ key: LAST_SYNC_KEY, value: at });
}

/** Put a refused or revoked change back in the queue (after the cause was fixed, e.g. access restored). */
export async function retryRefused(db: TryggDb, docId: string): Promise<void> {
	await db.transaction('rw', db.outbox, async () => {
		const entry = await db.outbox.get(docId);
		if (!entry || entry.state === 'pending') return;
		await db.outbox.put({ ...entry, state: 'pending', error: undefined });
	});
}

/** Put every refused change back in the queue. Revoked ones stay: access has to come back first. */
export async function retryAllRefused(db: TryggDb): Promise<void> {
	await db.outbox.where('state').equals('refused').modify({ state: 'pending', error: undefined });
}

/**
 * Give up a refused or revoked change: the local document returns to the server's version on
 * next pull. The outbox entry goes; the checkpoint of its scope is reset so the server version
 * comes back.
 */
export async function discardRefused(db: TryggDb, docId: string): Promise<void> {
	await db.transaction('rw', db.docs, db.outbox, db.checkpoints, async () => {
		const entry = await db.outbox.get(docId);
		if (!entry || entry.state === 'pending') return;
		await db.outbox.delete(docId);
		await db.docs.delete(docId);
		await db.checkpoints.delete(entry.scope);
	});
}

/**
 * This person lost access to `scope`: remove its documents and checkpoint from the device, and
 * keep its undelivered changes, marked revoked, so the person sees what did not reach the server.
 * @example await revokeScope(db, 'unit-a1', 'no access') // no unit-a1 docs left; its outbox entries are 'revoked'
 */
export async function revokeScope(db: TryggDb, scope: string, reason: string): Promise<void> {
	await db.transaction('rw', db.docs, db.outbox, db.checkpoints, async () => {
		await db.docs.where('scope').equals(scope).delete();
		await db.checkpoints.delete(scope);
		await db.outbox
			.where('scope')
			.equals(scope)
			.modify((entry) => {
				entry.state = 'revoked';
				entry.error = { code: 'revoked', reason };
			});
	});
}

/**
 * Stop keeping `scope` on this device without a revocation: its documents and checkpoint go, quietly,
 * unless changes to it still wait in the outbox (then nothing is removed). For a scope the person may
 * still read but is no longer handed to sync (decision 0018). Returns whether it was removed.
 */
export async function forgetScope(db: TryggDb, scope: string): Promise<boolean> {
	return db.transaction('rw', db.docs, db.outbox, db.checkpoints, async () => {
		if ((await db.outbox.where('scope').equals(scope).count()) > 0) return false;
		await db.docs.where('scope').equals(scope).delete();
		await db.checkpoints.delete(scope);
		return true;
	});
}

/** Every document of several types, across every scope on the device (one read for a start page). */
export function readDocsOfTypes(db: TryggDb, types: readonly LiveDoc['type'][]): Promise<StoredDoc[]> {
	return db.docs
		.where('type')
		.anyOf([...types])
		.toArray();
}

/** `readDocsOfTypes`, again whenever one of them changes on the device. */
export function liveDocsOfTypes(db: TryggDb, types: readonly LiveDoc['type'][]): Observable<StoredDoc[]> {
	return liveQuery(() => readDocsOfTypes(db, types));
}
