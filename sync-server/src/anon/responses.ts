/**
 * Accepting anonymous responses (decision 0030): the token checked against its group's key, the
 * answers against the survey version, the token's hash against spent ones. An accepted response
 * gets a random id and a random place in the campaign's pending list (`_local` in
 * `anon-responses`, durable before the answer), then its token is spent; when k are pending, or
 * the campaign has closed, the list is written as one batch in shuffled order with the ids given
 * on arrival (so a flush repeated after a crash writes nothing twice) and emptied.
 * Nothing here knows who sent a response; nothing stored has a time finer than the ISO week.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type {
	AnonResponse,
	CampaignDoc,
	StoredResponse,
	SurveyAnswers,
	SurveyDoc,
} from '../../../src/lib/domain/index.ts';
import { ANON_REASONS, AppError, answersRefusal, isoWeek, swedishDay } from '../../../src/lib/domain/index.ts';
import { canonicalJson } from '../../../src/lib/domain/merge.ts';
import type { DocStore } from '../store/doc-store.ts';
import type { LocalDocs } from '../store/local-docs.ts';
import type { ScopeWriteLock } from '../store/write-lock.ts';
import { ANON_DB } from './databases.ts';
import type { FrozenGroups } from './groups.ts';
import type { GroupKey } from './keys.ts';
import { SUITE, fromB64url } from './keys.ts';

/** Where randomness comes from (tests inject a seeded one to make order assertions exact). */
export type RandomSource = {
	/** A random id, not time-ordered. */
	uuid(): string;
	/** An integer in [0, below). */
	int(below: number): number;
};

export const cryptoRandom: RandomSource = { uuid: () => randomUUID(), int: (below) => randomInt(below) };

/**
 * One pending response: its id is fixed on arrival. No time, no sender; `tag` tells a retry after
 * a crash between the list's write and the spent record's (decision 0031). It goes with the entry
 * at the flush, and unlike the spent record's id it cannot be computed without the token.
 */
export type PendingEntry = { id: string; group: string; answers: SurveyAnswers; tag?: string };
type PendingDoc = { _rev?: string; entries: PendingEntry[] };
type Waiting = {
	spent: string;
	check: string;
	tag: string;
	group: string;
	answers: SurveyAnswers;
	resolve: (r: { fresh: boolean }) => void;
	reject: (err: unknown) => void;
};

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const pendingId = (campaignId: string): string => `pending~${campaignId}`;

/** The spent-token record's id: the hash of the token message, nothing else. */
export const spentId = (msg: string): string => `spent~${sha256(msg)}`;

/**
 * What tells a retry from a second answer: the answers hashed with the token message, so only
 * the holder of the token (never a reader of `anon-spent` alone) can match it to a response.
 */
const answersCheck = (msg: string, answers: SurveyAnswers): string => sha256(`${msg}\u0000${canonicalJson(answers)}`);

/** A pending entry's tag: another hash of the token message than the spent id, so the two never match. */
const pendingTag = (msg: string): string => sha256(`pending\u0000${msg}`);

/** Fisher–Yates with the injected source. */
export function shuffled<T>(items: readonly T[], random: RandomSource): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = random.int(i + 1);
		[out[i], out[j]] = [out[j] as T, out[i] as T];
	}
	return out;
}

/** Totals only: the anonymous road keeps no request log (decision 0030). */
export class AnonCounters {
	accepted = 0;
	retried = 0;
	readonly refused = new Map<string, number>();

	refuse(reason: string): void {
		this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
	}
}

export type AcceptContext = {
	campaign: CampaignDoc;
	survey: SurveyDoc;
	frozen: FrozenGroups;
	/** The key of the response's group, and of every other group (to tell a token of another group). */
	keyOf: (group: string) => Promise<GroupKey | undefined>;
};

export class AnonResponses {
	readonly #store: DocStore;
	readonly #local: LocalDocs;
	readonly #lock: ScopeWriteLock;
	readonly #now: () => Date;
	readonly #random: RandomSource;
	readonly counters = new AnonCounters();
	/** Responses checked and waiting for the campaign's next write, per campaign. */
	readonly #waiting = new Map<string, Waiting[]>();

	constructor(opts: {
		store: DocStore;
		local: LocalDocs;
		lock: ScopeWriteLock;
		now: () => Date;
		random?: RandomSource;
	}) {
		this.#store = opts.store;
		this.#local = opts.local;
		this.#lock = opts.lock;
		this.#now = opts.now;
		this.#random = opts.random ?? cryptoRandom;
	}

	/** Serialise everything that touches a campaign's pending list and spent tokens. */
	#serial<T>(campaignId: string, fn: () => Promise<T>): Promise<T> {
		return this.#lock.run(`anon~${campaignId}`, fn);
	}

	/**
	 * Check and take a response for an open campaign; throws AppError with a fixed reason. Returns
	 * whether it was new (false: the same token and answers again, a retry of a lost answer).
	 */
	async accept(response: AnonResponse, ctx: AcceptContext): Promise<{ fresh: boolean }> {
		const { campaign, survey, frozen } = ctx;
		const { group, token, answers } = response;
		const key = Object.hasOwn(frozen.sizes, group) ? await ctx.keyOf(group) : undefined;
		if (!key || !(await verifies(key, token))) {
			for (const other of Object.keys(frozen.sizes)) {
				if (other === group) continue;
				const otherKey = await ctx.keyOf(other);
				if (otherKey && (await verifies(otherKey, token))) throw new AppError('forbidden', ANON_REASONS.otherGroup);
			}
			throw new AppError('forbidden', ANON_REASONS.invalidToken);
		}
		const misfit = answersRefusal(survey, answers);
		if (misfit) throw new AppError('invalid', misfit.reason);
		return new Promise<{ fresh: boolean }>((resolve, reject) => {
			const waiting = this.#waiting.get(campaign._id) ?? [];
			waiting.push({
				spent: spentId(token.msg),
				check: answersCheck(token.msg, answers),
				tag: pendingTag(token.msg),
				group,
				answers,
				resolve,
				reject,
			});
			this.#waiting.set(campaign._id, waiting);
			// The first to arrive drains; later ones ride along with the next round (a group commit).
			if (waiting.length === 1) void this.#serial(campaign._id, () => this.#drain(campaign));
		});
	}

	/**
	 * Take every response waiting for a campaign in one go: one read of the spent tokens, one write
	 * of the pending list (each new entry at a random place), one write of the spent tokens. The
	 * order of writes, and so what a crash can do, is that of a single response (decision 0031).
	 */
	async #drain(campaign: CampaignDoc): Promise<void> {
		const batch = this.#waiting.get(campaign._id) ?? [];
		this.#waiting.delete(campaign._id);
		if (batch.length === 0) return;
		try {
			const fresh: Waiting[] = [];
			const rows = await this.#store.allDocs(ANON_DB.spent, [...new Set(batch.map((w) => w.spent))], {
				includeDocs: true,
			});
			const spentChecks = new Map<string, unknown>();
			for (const row of rows) if ('doc' in row && row.doc) spentChecks.set(row.doc._id, row.doc.check);
			for (const w of batch) {
				if (spentChecks.has(w.spent)) {
					if (spentChecks.get(w.spent) === w.check) w.resolve({ fresh: false });
					else w.reject(new AppError('conflict', ANON_REASONS.spent));
					continue;
				}
				// The same token twice in one round: the first is taken, the second judged against it.
				spentChecks.set(w.spent, w.check);
				fresh.push(w);
			}
			if (fresh.length === 0) return;
			const pending = await this.#pending(campaign._id);
			const entries = [...pending.entries];
			// An unspent token whose entry is already listed: the process stopped between the two
			// writes below, and this is the phone's retry. Spend the token; list nothing twice.
			const listed = new Set(entries.flatMap((e) => (e.tag ? [e.tag] : [])));
			const recovered = fresh.filter((w) => listed.has(w.tag));
			const added = fresh.filter((w) => !listed.has(w.tag));
			for (const w of added) {
				entries.splice(this.#random.int(entries.length + 1), 0, {
					id: this.#random.uuid(),
					group: w.group,
					answers: w.answers,
					tag: w.tag,
				});
			}
			// Durable before the answer: the list first, then the spent tokens.
			const rev = added.length > 0 ? await this.#putPending(campaign._id, pending._rev, entries) : pending._rev;
			const written = await this.#store.bulkDocs(
				ANON_DB.spent,
				fresh.map((w) => ({ _id: w.spent, check: w.check })),
			);
			if (written.length !== fresh.length || written.some((r) => 'error' in r)) {
				throw new AppError('server', 'the token could not be spent');
			}
			if (entries.length >= campaign.k) await this.#flush(campaign._id, { _rev: rev, entries });
			for (const w of added) w.resolve({ fresh: true });
			for (const w of recovered) w.resolve({ fresh: false });
		} catch (err) {
			// Those already answered (spent, retried) keep their answer; a settled promise ignores this.
			for (const w of batch) w.reject(err);
		}
	}

	/** Write what is pending for a campaign that has closed (or was cancelled): the close batch. */
	async flushIfOver(campaign: CampaignDoc, phase: string): Promise<void> {
		if (phase !== 'closed' && phase !== 'cancelled') return;
		await this.#serial(campaign._id, async () => {
			const pending = await this.#pending(campaign._id);
			if (pending.entries.length > 0) await this.#flush(campaign._id, pending);
		});
	}

	/** How many responses of each group wait in the pending list. */
	async pendingCounts(campaignId: string): Promise<Map<string, number>> {
		const counts = new Map<string, number>();
		for (const e of (await this.#pending(campaignId)).entries) counts.set(e.group, (counts.get(e.group) ?? 0) + 1);
		return counts;
	}

	async #pending(campaignId: string): Promise<PendingDoc> {
		const doc = await this.#local.get(ANON_DB.responses, pendingId(campaignId));
		return doc ? { _rev: doc._rev as string, entries: doc.entries as PendingEntry[] } : { entries: [] };
	}

	async #putPending(campaignId: string, rev: string | undefined, entries: PendingEntry[]): Promise<string> {
		const doc = { entries, ...(rev ? { _rev: rev } : {}) };
		return (await this.#local.put(ANON_DB.responses, pendingId(campaignId), doc)).rev;
	}

	/** Write the pending list as one shuffled batch, then empty it. A repeat writes nothing twice. */
	async #flush(campaignId: string, pending: PendingDoc): Promise<void> {
		const week = isoWeek(swedishDay(this.#now()));
		const docs: StoredResponse[] = shuffled(pending.entries, this.#random).map((e) => ({
			_id: e.id,
			campaignId,
			group: e.group,
			week,
			answers: e.answers,
		}));
		const results = await this.#store.bulkDocs(ANON_DB.responses, docs);
		// A conflict is the same response written by a flush a crash interrupted.
		if (results.some((r) => 'error' in r && r.error !== 'conflict')) {
			throw new AppError('server', 'the responses could not be stored');
		}
		await this.#putPending(campaignId, pending._rev, []);
	}
}

async function verifies(key: GroupKey, token: { msg: string; sig: string }): Promise<boolean> {
	try {
		return await SUITE.verify(key.public, fromB64url(token.sig), fromB64url(token.msg));
	} catch {
		return false;
	}
}
