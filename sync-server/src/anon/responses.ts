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

/** One pending response: its id is fixed on arrival. No time, no token, no sender. */
export type PendingEntry = { id: string; group: string; answers: SurveyAnswers };
type PendingDoc = { _rev?: string; entries: PendingEntry[] };

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const pendingId = (campaignId: string): string => `pending~${campaignId}`;

/** The spent-token record's id: the hash of the token message, nothing else. */
export const spentId = (msg: string): string => `spent~${sha256(msg)}`;

/**
 * What tells a retry from a second answer: the answers hashed with the token message, so only
 * the holder of the token (never a reader of `anon-spent` alone) can match it to a response.
 */
const answersCheck = (msg: string, answers: SurveyAnswers): string => sha256(`${msg}\u0000${canonicalJson(answers)}`);

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
		return this.#serial(campaign._id, async () => {
			const spent = spentId(token.msg);
			const check = answersCheck(token.msg, answers);
			const [row] = await this.#store.allDocs(ANON_DB.spent, [spent], { includeDocs: true });
			if (row && 'doc' in row && row.doc) {
				if (row.doc.check === check) return { fresh: false };
				throw new AppError('conflict', ANON_REASONS.spent);
			}
			const pending = await this.#pending(campaign._id);
			const entries = [...pending.entries];
			entries.splice(this.#random.int(entries.length + 1), 0, {
				id: this.#random.uuid(),
				group,
				answers,
			});
			// Durable before the answer: the list first, then the spent token.
			const rev = await this.#putPending(campaign._id, pending._rev, entries);
			const [written] = await this.#store.bulkDocs(ANON_DB.spent, [{ _id: spent, check }]);
			if (!written || 'error' in written) throw new AppError('server', 'the token could not be spent');
			if (entries.length >= campaign.k) await this.#flush(campaign._id, { _rev: rev, entries });
			return { fresh: true };
		});
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
