/**
 * The per-scope sync API, a subset of CouchDB's: info, `_changes` (normal and longpoll),
 * `_bulk_docs` (ordinary edits only), `_all_docs {keys}` and `_local` checkpoints.
 * Every route checks access first (default deny, same 403 for any scope the caller lacks,
 * so existence never leaks) and every document is validated before it reaches storage.
 */
import { setMaxListeners } from 'node:events';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BulkResult, ScopeGrant } from '../../../src/lib/domain/index.ts';
import { AppError, checkDoc, isOlderAppReason, isScope } from '../../../src/lib/domain/index.ts';
import { eligiblePeople, treeUnits } from '../anon/eligible.ts';
import { upgradeIncoming } from '../migrations/migrations.ts';
import { CLOCK_AHEAD_REASON, stampsTooFarAhead } from '../../../src/lib/domain/hlc.ts';
import { BAD_REV_REASON, isCanonicalRev, sameContent } from '../../../src/lib/domain/merge.ts';
import { MAX_DOC_DEPTH, TOO_DEEP_REASON, valueTooDeep } from '../../../src/lib/domain/nesting.ts';
import { SCOPE_DOCS_QUOTA_REASON } from '../../../src/lib/domain/quotas.ts';
import type { UserRecord } from '../auth/users.ts';
import type { ServerContext } from '../context.ts';
import type { IncomingDoc, PolicyUnit } from '../policy/access.ts';
import {
	checkWrite,
	campaignTargetNeeded,
	checkWriter,
	coSignerNeeded,
	referencedIds,
	roundFilesNeeded,
	campaignsNeeded,
	submitTypes,
	templatesNeeded,
} from '../policy/access.ts';
import type { ChangesResult, StoredDoc, WriteResult } from '../store/doc-store.ts';
import type { DocsLedger } from '../quotas.ts';
import { loadRoundFiles } from './round-files.ts';

export const MAX_BULK_DOCS = 1000;
const MAX_KEYS = 10_000;
export const LONGPOLL_DEFAULT_MS = 30_000;
export const LONGPOLL_MAX_MS = 60_000;
/** Most rows one `_changes` read returns (a larger `limit` is capped). */
export const MAX_CHANGES_LIMIT = 10_000;
const MAX_LOCAL_BYTES = 64 * 1024;

type ScopeParams = { scope: string };
type Access = { user: UserRecord; grants: ScopeGrant[]; scope: string };

/**
 * Where a user's `_local` document is kept: under their name, so in a shared scope (everyone
 * reads `org`) nobody reads, overwrites or fills another person's checkpoints.
 */
function localKey(user: UserRecord, id: string): string {
	return `${user.name}~${id}`;
}

function flag(value: unknown): boolean {
	return value === 'true' || value === true;
}

function intParam(value: unknown, name: string, min: number, max: number): number | undefined {
	if (value === undefined || value === '') return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min) throw new AppError('bad_request', `${name} must be an integer ≥ ${min}`);
	return Math.min(n, max);
}

/**
 * Validate, check and write documents to `scope` as `user`: per-document results in request
 * order (`bad_request` for nesting too deep or a `_rev` not in canonical form, `invalid`, `forbidden`, `conflict`,
 * or the new revision). Used by `_bulk_docs` and by signing as another person (`routes/sign.ts`).
 *
 * Every document is judged against the version the store would replace: the current one, read
 * here by id. An edit whose `_rev` is not that version's (stale, or a generation that does not
 * exist) is answered `conflict` without going to the store, and one the rules allow goes to the
 * store on exactly the revision judged, so a write that lands in between is a store conflict.
 * Reading, judging and writing hold the scope's write lock, so no other write to the scope lands
 * in between: a round's lock and an answer to it are judged one after the other (decision 0016).
 * Requests that arrive together are judged in turn and written as one (`queueWrite`, decision 0024).
 */
export async function writeDocs(
	ctx: ServerContext,
	user: UserRecord,
	grants: ScopeGrant[],
	scope: string,
	input: unknown[],
	opts: { submitOnly?: boolean; units?: PolicyUnit[] } = {},
): Promise<BulkResult[]> {
	const submitOnly = opts.submitOnly === true;
	const results: (BulkResult | undefined)[] = new Array(input.length);

	const valid: ValidDoc[] = [];
	for (const [index, raw] of input.entries()) {
		const id = typeof (raw as { _id?: unknown })?._id === 'string' ? (raw as { _id: string })._id : '';
		const rev = (raw as { _rev?: unknown } | null)?._rev;
		// Before anything walks it: the body parser lets a document nest a few levels past the limit.
		if (valueTooDeep(raw, MAX_DOC_DEPTH)) {
			results[index] = { id, error: 'bad_request', reason: TOO_DEEP_REASON };
			continue;
		}
		if (rev !== undefined && !isCanonicalRev(rev)) {
			results[index] = { id, error: 'bad_request', reason: BAD_REV_REASON };
			continue;
		}
		// A document from an app one version older, in today's shape (decision 0026).
		const upgraded = upgradeIncoming(raw, scope, user);
		if ('refused' in upgraded) {
			results[index] = { id, error: 'invalid', reason: upgraded.refused };
			continue;
		}
		const check = checkDoc(upgraded.doc);
		if (!check.ok) results[index] = { id, error: 'invalid', reason: check.reason };
		else valid.push({ index, doc: check.doc as StoredDoc, upgraded: upgraded.doc !== raw });
	}
	if (valid.length === 0) return results as BulkResult[];
	return queueWrite(ctx, scope, { user, grants, submitOnly, units: opts.units, valid, results });
}

/** A document that passed the schema; `upgraded` when the server brought it up from an older app's shape. */
type ValidDoc = { index: number; doc: StoredDoc; upgraded: boolean };

/** A request's valid documents, waiting to be judged and written with its scope's next group. */
type WriteRequest = {
	user: UserRecord;
	grants: ScopeGrant[];
	submitOnly: boolean;
	units: PolicyUnit[] | undefined;
	valid: ValidDoc[];
	/** Filled in place: the validation refusals are there already. */
	results: (BulkResult | undefined)[];
};
type Queued = { req: WriteRequest; done: (results: BulkResult[]) => void; failed: (err: unknown) => void };

/** At most this many documents are judged and written as one group (a larger request goes alone). */
const MAX_GROUP_DOCS = 2000;

/** Requests waiting per server and scope while a group of the scope is judged and written. */
const queues = new WeakMap<ServerContext, Map<string, Queued[]>>();

/**
 * Group commit (decision 0024): requests to a scope that arrive while one of its groups is being
 * judged and written wait, and then go together as the next group: judged one after another, in
 * arrival order, each as if those before it were written, and written as one store write, so one
 * fdatasync covers them all (decision 0023).
 */
function queueWrite(ctx: ServerContext, scope: string, req: WriteRequest): Promise<BulkResult[]> {
	let scopes = queues.get(ctx);
	if (!scopes) {
		scopes = new Map();
		queues.set(ctx, scopes);
	}
	const byScope = scopes;
	return new Promise<BulkResult[]>((done, failed) => {
		const queue = byScope.get(scope);
		if (queue) return void queue.push({ req, done, failed });
		const fresh = [{ req, done, failed }];
		byScope.set(scope, fresh);
		void drain(ctx, scope, fresh, byScope);
	});
}

/** Judge and write the scope's queue, a group at a time, until it is empty. */
async function drain(
	ctx: ServerContext,
	scope: string,
	queue: Queued[],
	byScope: Map<string, Queued[]>,
): Promise<void> {
	try {
		while (queue.length > 0) {
			// Everything queued by the time the lock is ours goes into the group.
			const taken = await ctx.writeLock.run(scope, () => writeGroupOrEach(ctx, scope, [...queue]));
			queue.splice(0, taken);
		}
	} catch (err) {
		for (const q of queue.splice(0)) q.failed(err);
	}
	// In the same turn as the last check: a request that comes later starts a new queue.
	byScope.delete(scope);
}

/**
 * Write the first requests of `waiting` as a group; returns how many were settled. If the group
 * fails, nothing of it was written (one store write), and its requests are judged and written
 * again one by one, so one request's failure stays its own.
 */
async function writeGroupOrEach(ctx: ServerContext, scope: string, waiting: Queued[]): Promise<number> {
	const plan = { taken: 0 };
	try {
		await writeGroup(ctx, scope, waiting, plan);
		return plan.taken;
	} catch (err) {
		const group = waiting.slice(0, Math.max(1, plan.taken));
		if (group.length === 1) group[0]?.failed(err);
		else {
			for (const q of group) await writeGroup(ctx, scope, [q], { taken: 0 }).catch(q.failed);
		}
		return group.length;
	}
}

type StoredRow = { rev: string; deleted: boolean; doc: StoredDoc | undefined };

/**
 * The stored versions a group reads, each id once. A request sees only the ids it asks for, as it
 * would alone, and never one the group is writing (such a request waits for the next group).
 */
class GroupReads {
	readonly #rows = new Map<string, StoredRow | null>();
	readonly #ctx: ServerContext;
	readonly #scope: string;

	constructor(ctx: ServerContext, scope: string) {
		this.#ctx = ctx;
		this.#scope = scope;
	}

	async fetch(ids: string[]): Promise<void> {
		const missing = [...new Set(ids)].filter((id) => !this.#rows.has(id));
		if (missing.length === 0) return;
		for (const id of missing) this.#rows.set(id, null);
		for (const row of await this.#ctx.store.allDocs(this.#scope, missing, { includeDocs: true })) {
			if (!('value' in row)) continue;
			const deleted = row.value.deleted === true;
			this.#rows.set(row.id, { rev: row.value.rev, deleted, doc: row.doc && !deleted ? row.doc : undefined });
		}
	}

	get(id: string): StoredRow | null | undefined {
		return this.#rows.get(id);
	}
}

/**
 * Judge the first requests of `waiting` one after another and write what they may as one store
 * write; `plan.taken` counts the requests of the group (also when it fails).
 */
async function writeGroup(
	ctx: ServerContext,
	scope: string,
	waiting: Queued[],
	plan: { taken: number },
): Promise<void> {
	const candidates: Queued[] = [];
	let size = 0;
	for (const q of waiting) {
		if (candidates.length > 0 && size + q.req.valid.length > MAX_GROUP_DOCS) break;
		candidates.push(q);
		size += q.req.valid.length;
	}
	const reads = new GroupReads(ctx, scope);
	// One read of the documents sent, for the whole group.
	await reads.fetch(candidates.flatMap((q) => q.req.valid.map((v) => v.doc._id)));
	const ledger = ctx.quotas.docsLedger(scope);
	const pending = new Set<string>();
	const judged: { q: Queued; toWrite: ToWrite[] }[] = [];
	for (const q of candidates) {
		plan.taken++;
		const toWrite = await judgeRequest(ctx, scope, q.req, reads, ledger, pending);
		if (!toWrite) {
			plan.taken--;
			break;
		}
		judged.push({ q, toWrite });
		for (const w of toWrite) pending.add(w.doc._id);
	}
	const docs = judged.flatMap((j) => j.toWrite.map((w) => w.doc));
	let written: WriteResult[] = [];
	try {
		if (docs.length > 0) {
			await ledger.reserve();
			written = await ctx.store.bulkDocs(scope, docs);
		}
	} finally {
		// What was counted for the quotas and not written (a failure, a store conflict) is given back.
		const created = new Map<string, number>();
		let at = 0;
		for (const { q, toWrite } of judged) {
			for (const w of toWrite) {
				const r = written[at++];
				if (r && 'rev' in r && w.create) created.set(q.req.user.name, (created.get(q.req.user.name) ?? 0) + 1);
			}
		}
		await ledger.settle(created);
	}
	// The sender keeps its own (older) content under the revision answered, and its feed skips a
	// revision it holds: one more revision of the upgraded content brings that to it (decision 0026).
	const upgraded: StoredDoc[] = [];
	let at = 0;
	for (const { q, toWrite } of judged) {
		for (const w of toWrite) {
			const r = written[at++] as WriteResult;
			q.req.results[w.index] = 'rev' in r ? { id: r.id, rev: r.rev, ok: true } : r;
			if (w.upgraded && 'rev' in r) upgraded.push({ ...w.doc, _rev: r.rev });
		}
	}
	// Its failure is not the group's: what was answered is stored, only in an older revision's shape.
	if (upgraded.length > 0) await ctx.store.bulkDocs(scope, upgraded).catch(() => undefined);
	// Also heard through the store (app.ts); a context made without it (tests) hears it here.
	if (scope === 'org' && written.some((r) => 'rev' in r)) ctx.orgChanged();
	for (const { q } of judged) q.done(q.req.results as BulkResult[]);
}

type ToWrite = { index: number; doc: StoredDoc; create: boolean; upgraded: boolean };

/**
 * Judge one request of a group: against the stored versions, and the quotas as left by the
 * requests judged before it in the group. Undefined (and nothing decided) when it depends on what
 * the group is writing: a document sent, or one its rules read, is one of them, or it needs round
 * files (a read of the whole scope). It is then the first of the next group, judged once they
 * are written, exactly as if the requests had come one after another.
 *
 * Every document is judged against the version the store would replace: the current one, read
 * by id. An edit whose `_rev` is not that version's (stale, or a generation that does not exist)
 * is answered `conflict` without going to the store, and one the rules allow goes to the store on
 * exactly the revision judged. Groups of a scope are judged and written under its write lock, so
 * no other write to the scope lands in between (decision 0016).
 */
async function judgeRequest(
	ctx: ServerContext,
	scope: string,
	req: WriteRequest,
	reads: GroupReads,
	ledger: DocsLedger,
	pending: ReadonlySet<string>,
): Promise<ToWrite[] | undefined> {
	const { user, grants, submitOnly, units, valid, results } = req;
	const dependsOnGroup = (ids: string[]): boolean => pending.size > 0 && ids.some((id) => pending.has(id));
	if (dependsOnGroup(valid.map((v) => v.doc._id))) return undefined;
	// The current revision of every document sent (live or deleted), the live versions, then the
	// documents the rules refer to (the round of an answer).
	const current = new Map<string, { rev: string; deleted: boolean }>();
	const stored = new Map<string, StoredDoc>();
	const load = async (ids: string[]): Promise<void> => {
		await reads.fetch(ids);
		for (const id of ids) {
			const row = reads.get(id);
			if (!row) continue;
			current.set(id, { rev: row.rev, deleted: row.deleted });
			if (row.doc) stored.set(id, row.doc);
		}
	};
	await load(valid.map((v) => v.doc._id));
	const incoming = valid.map((v) => ({ ...v, doc: v.doc as IncomingDoc }));

	// Which of them the store would take, and on which version. A create (no `_rev`) over a live
	// document is a conflict, except from a submit-only sender: they cannot read back, so their
	// resends are settled against the stored version below. An edit names the current revision
	// or is a conflict; naming a deleted document's tombstone revives it, judged as a create.
	const isConflict = (doc: IncomingDoc): boolean => {
		const now = current.get(doc._id);
		if (doc._rev === undefined) return !submitOnly && now !== undefined && !now.deleted;
		return now === undefined || doc._rev !== now.rev;
	};
	const judged = incoming.filter((v) => !isConflict(v.doc));
	const writer = (doc: IncomingDoc) =>
		checkWriter({
			user,
			grants,
			scope,
			doc,
			stored: stored.get(doc._id),
			...(units ? { units } : {}),
		});

	// Only what the caller may write at all makes the server read more: a document refused by its
	// writer (a signature sent by staff, say) never costs a read of round files (decision 0017).
	const writable = judged.filter((v) => writer(v.doc).ok);
	const referenced = writable.flatMap((v) => referencedIds(v.doc, stored.get(v.doc._id)));
	if (dependsOnGroup(referenced)) return undefined;
	await load(referenced);
	// Signing, marking signed and reopening need the whole round (rare writes; see round-files.ts).
	const fileIds = [...new Set(writable.flatMap((v) => roundFilesNeeded(v.doc, stored.get(v.doc._id))))];
	if (fileIds.length > 0 && pending.size > 0) return undefined;
	// The template versions new or re-planned rounds name (org scope): a draft is refused.
	const templateIds = [...new Set(writable.flatMap((v) => templatesNeeded(v.doc, stored.get(v.doc._id))))];
	if (scope === 'org' && dependsOnGroup(templateIds)) return undefined;

	// Judged in this group from here on.
	for (const item of incoming) {
		if (!isConflict(item.doc)) continue;
		// Still a refusal first for a caller who may not write it, so a conflict says nothing more.
		const check = writer(item.doc);
		results[item.index] = check.ok
			? { id: item.doc._id, error: 'conflict', reason: 'Document update conflict.' }
			: { id: item.doc._id, error: 'forbidden', reason: check.reason };
	}
	const files = await loadRoundFiles(ctx.store, scope, fileIds);
	// An invited co-signer is checked against the unit's people (the accounts' roster, decision 0028).
	const members =
		writable.some((v) => coSignerNeeded(v.doc, stored.get(v.doc._id))) && scope.startsWith('unit-')
			? await ctx.users.membersOf(scope.slice('unit-'.length))
			: undefined;
	// A campaign's target must have k eligible people (decision 0030), counted from the roster.
	const targets = [...new Set(writable.flatMap((v) => campaignTargetNeeded(v.doc) ?? []))];
	const targetPeople = new Map<string, Record<string, number>>();
	for (const target of targets) {
		const tree = treeUnits(units ?? (await ctx.units()));
		targetPeople.set(target, (await eligiblePeople(ctx.users, tree, target)).counts);
	}
	const templates = templateIds.length > 0 ? await ctx.orgDocs(templateIds) : new Map<string, StoredDoc>();
	// The campaigns new survey actions name (org scope): one sent by role alone must fit its target.
	const campaignIds = scope.startsWith('unit-')
		? [...new Set(writable.flatMap((v) => campaignsNeeded(v.doc, stored.get(v.doc._id))))]
		: [];
	const campaigns =
		campaignIds.length > 0 && writable.some((v) => writer(v.doc).roleSubmit)
			? await ctx.orgDocs(campaignIds)
			: new Map<string, StoredDoc>();

	// Quotas (decision 0017): new documents past the scope's or the sender's room are refused before
	// the rules judge anything, so a refused signature never counts for its round's lock.
	const isCreate = (doc: IncomingDoc): boolean => !doc._deleted && current.get(doc._id)?.deleted !== false;
	const creates = writable.filter((v) => isCreate(v.doc));
	const admission = await ledger.admit(user.name, creates.length, submitOnly);
	const overQuota = new Set(creates.slice(admission.allowed).map((v) => v.index));
	for (const v of creates.slice(admission.allowed)) {
		results[v.index] = { id: v.doc._id, error: 'forbidden', reason: admission.reason ?? SCOPE_DOCS_QUOTA_REASON };
	}

	// Signatures and reopenings are checked first, so one sent together with the round it locks or
	// reopens counts for it, whatever the order (the device sends its outbox in id order: `round:`
	// comes before `signature:`).
	const eventsFirst = (v: { doc: IncomingDoc }): number =>
		v.doc.type === 'signature' || v.doc.type === 'reopening' ? 0 : 1;
	const toWrite: ToWrite[] = [];
	const serverNow = ctx.now().getTime();
	// One id twice in a request: each is judged against the stored version and names its revision, so
	// the store takes the first and answers the others conflict.
	for (const item of [...judged].sort((a, b) => eventsFirst(a) - eventsFirst(b))) {
		if (overQuota.has(item.index)) continue;
		const { doc } = item;
		if (stampsTooFarAhead(doc, stored.get(doc._id), serverNow).length > 0) {
			results[item.index] = { id: doc._id, error: 'bad_request', reason: CLOCK_AHEAD_REASON };
			continue;
		}
		const verdict = checkWrite({
			user,
			grants,
			scope,
			doc,
			stored: stored.get(doc._id),
			lookup: (id) => stored.get(id),
			roundFile: (id) => files.get(id),
			template: (id) => templates.get(id),
			campaign: (id) => campaigns.get(id),
			now: serverNow,
			...(members ? { members } : {}),
			...(units ? { units } : {}),
			...(typeof doc.targetUnitId === 'string' && targetPeople.has(doc.targetUnitId)
				? { targetPeople: targetPeople.get(doc.targetUnitId) }
				: {}),
		});
		if (!verdict.ok) {
			// A rule that finds an older version's document says so as a document problem, not a permission.
			const error = isOlderAppReason(verdict.reason) ? 'invalid' : 'forbidden';
			results[item.index] = { id: doc._id, error, reason: verdict.reason };
			continue;
		}
		// A submit-only sender cannot read back to settle a lost answer: the same document again is taken as sent.
		const existing = stored.get(doc._id);
		if (submitOnly && existing?._rev && sameContent(existing, doc)) {
			results[item.index] = { id: doc._id, rev: existing._rev, ok: true };
			continue;
		}
		toWrite.push({ index: item.index, doc, create: isCreate(doc), upgraded: item.upgraded });
		// A signature or reopening of the same request counts for the round's line.
		const file = typeof doc.roundId === 'string' ? files.get(doc.roundId) : undefined;
		if (file && doc.type === 'signature') file.signatures.push(doc as never);
		if (file && doc.type === 'reopening') file.reopenings.push(doc as never);
	}
	toWrite.sort((a, b) => a.index - b.index);
	// What the store will take: the first of each id (a second names the revision the first replaces).
	const first = [...new Map(toWrite.map((w) => [w.doc._id, w] as const).reverse()).values()];
	const deletes = first.filter((w) => w.doc._deleted === true && current.get(w.doc._id)?.deleted === false);
	ledger.take(user.name, first.filter((w) => w.create).length, deletes.length);
	return toWrite;
}

/** `_changes` reads in progress per server, by scope and parameters (shared, never mutated). */
const inFlight = new WeakMap<ServerContext, Map<string, Promise<ChangesResult>>>();

/**
 * One page of `scope`'s changes. Devices woken by the same write ask for the same page: it is read
 * once for all of them, whether they wait on `_changes` or on the multi-scope feed (`feed.ts`).
 */
export function readChanges(
	ctx: ServerContext,
	scope: string,
	opts: { since: string | undefined; limit: number | undefined; includeDocs: boolean },
): Promise<ChangesResult> {
	const reads = inFlight.get(ctx) ?? new Map<string, Promise<ChangesResult>>();
	inFlight.set(ctx, reads);
	const { since, limit, includeDocs } = opts;
	const key = `${scope}\u0000${since ?? ''}\u0000${limit ?? ''}\u0000${includeDocs}`;
	let pending = reads.get(key);
	if (!pending) {
		pending = ctx.store.changes(scope, { since, ...(limit ? { limit } : {}), includeDocs });
		reads.set(key, pending);
		const forget = (): void => void reads.delete(key);
		pending.then(forget, forget);
	}
	return pending;
}

export async function scopeRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
	setMaxListeners(0, ctx.closing.signal); // one listener per waiting longpoll

	/** Signed in (401), a scope name (404), a read grant (403 forbidden, or revoked), in that order. */
	async function readAccess(request: FastifyRequest): Promise<Access> {
		const user = await ctx.requireUser(request);
		const { scope } = request.params as ScopeParams;
		if (!isScope(scope)) throw new AppError('not_found', 'Database does not exist.');
		const grants = await ctx.readGrants(user, scope);
		return { user, grants, scope };
	}

	/**
	 * Read access as above, or a submit-only writer of this unit (policy SUBMIT_ONLY: staff send
	 * pre-reports). `submitOnly` is true for the latter; they never read the scope, not even `_all_docs`.
	 */
	async function sendAccess(request: FastifyRequest): Promise<Access & { submitOnly: boolean }> {
		const user = await ctx.requireUser(request);
		const { scope } = request.params as ScopeParams;
		if (!isScope(scope)) throw new AppError('not_found', 'Database does not exist.');
		try {
			return { user, grants: await ctx.readGrants(user, scope), scope, submitOnly: false };
		} catch (err) {
			if (!(err instanceof AppError) || err.code !== 'forbidden') throw err;
			if (submitTypes(user, scope, await ctx.units()).length === 0) throw err;
			return { user, grants: await ctx.grants(user), scope, submitOnly: true };
		}
	}

	app.get('/db/:scope', async (request) => {
		const { scope } = await readAccess(request);
		return ctx.store.info(scope);
	});

	app.get('/db/:scope/_changes', async (request, reply) => {
		const { scope } = await readAccess(request);
		const q = request.query as Record<string, unknown>;
		const limit = intParam(q.limit, 'limit', 1, MAX_CHANGES_LIMIT);
		const includeDocs = flag(q.include_docs);
		let since = typeof q.since === 'string' ? q.since : undefined;
		if (since === 'now') since = (await ctx.store.info(scope)).update_seq;
		// Sequences are opaque (CouchDB 3: "12-g1AAAA…"); the store refuses one it did not make.
		if (since !== undefined && (since.length > 4096 || !/^[\x21-\x7e]+$/.test(since))) {
			throw new AppError('bad_request', 'since is not a sequence');
		}
		const feed = q.feed ?? 'normal';
		if (feed !== 'normal' && feed !== 'longpoll') throw new AppError('bad_request', 'feed must be normal or longpoll');

		const read = () => readChanges(ctx, scope, { since, limit, includeDocs });
		let result = await read();
		if (feed === 'longpoll' && result.results.length === 0) {
			const timeout = intParam(q.timeout, 'timeout', 0, LONGPOLL_MAX_MS) ?? LONGPOLL_DEFAULT_MS;
			const stop = new AbortController();
			const timer = setTimeout(() => stop.abort(), timeout);
			// The client went away, the response ended, or the server is stopping: stop waiting.
			// (Plain listeners, removed below: AbortSignal.any on the long-lived closing signal
			// keeps every longpoll's signal alive, which thousands of devices turn into memory.)
			const onClose = (): void => stop.abort();
			reply.raw.once('close', onClose);
			ctx.closing.signal.addEventListener('abort', onClose, { once: true });
			try {
				await ctx.store.waitForChange(scope, stop.signal, result.last_seq);
			} finally {
				clearTimeout(timer);
				reply.raw.off('close', onClose);
				ctx.closing.signal.removeEventListener('abort', onClose);
			}
			if (reply.raw.destroyed) return reply;
			result = await read();
		}
		// With nothing new, the client keeps its own `since` (opaque: never compared, never moved back).
		// A copy: the result may be shared with other requests.
		if (since !== undefined && result.results.length === 0) return { ...result, last_seq: since };
		return result;
	});

	app.post('/db/:scope/_bulk_docs', async (request) => {
		const { user, grants, scope, submitOnly } = await sendAccess(request);
		const units = await ctx.units();
		const body = request.body as { docs?: unknown; new_edits?: unknown } | null;
		if (typeof body !== 'object' || body === null || !Array.isArray(body.docs)) {
			throw new AppError('bad_request', 'Request body must be {"docs": [...]}.');
		}
		if (body.new_edits === false) throw new AppError('bad_request', 'new_edits=false is not supported.');
		if (body.docs.length > MAX_BULK_DOCS) {
			throw new AppError('too_large', `At most ${MAX_BULK_DOCS} documents per request.`);
		}
		return writeDocs(ctx, user, grants, scope, body.docs as unknown[], { submitOnly, units });
	});

	app.post('/db/:scope/_all_docs', async (request) => {
		const { scope } = await readAccess(request);
		const body = request.body as { keys?: unknown } | null;
		const keys = body?.keys;
		if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
			throw new AppError('bad_request', 'Request body must be {"keys": ["id", ...]}.');
		}
		if (keys.length > MAX_KEYS) throw new AppError('too_large', `At most ${MAX_KEYS} keys per request.`);
		const includeDocs = flag((request.query as Record<string, unknown>).include_docs);
		const rows = await ctx.store.allDocs(scope, keys as string[], { includeDocs });
		return { total_rows: rows.length, offset: 0, rows };
	});

	app.get('/db/:scope/_local/:id', async (request) => {
		const { user, scope } = await readAccess(request);
		const id = (request.params as { id: string }).id;
		const doc = await ctx.local.get(scope, localKey(user, id));
		if (!doc) throw new AppError('not_found', 'missing');
		return { ...doc, _id: `_local/${id}` };
	});

	// Checkpoints need only read access: they never replicate, and each user's are their own.
	app.put('/db/:scope/_local/:id', async (request, reply) => {
		const { user, scope } = await readAccess(request);
		const body = request.body;
		if (typeof body !== 'object' || body === null || Array.isArray(body)) {
			throw new AppError('bad_request', 'A document must be a JSON object.');
		}
		if (valueTooDeep(body, MAX_DOC_DEPTH)) throw new AppError('bad_request', TOO_DEEP_REASON);
		if (JSON.stringify(body).length > MAX_LOCAL_BYTES) throw new AppError('too_large', 'Local document too large.');
		const id = (request.params as { id: string }).id;
		await ctx.quotas.admitLocal(scope, user.name, id);
		// Trygg checks the revision itself: CouchDB would take a stale one (decision 0021).
		const res = await ctx.local.put(scope, localKey(user, id), body as Record<string, unknown>);
		return reply.code(201).send({ ok: true, id: `_local/${id}`, rev: res.rev });
	});
}
