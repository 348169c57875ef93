/**
 * Survey results of closed campaigns (issue 14, decision 0034): the only reader of
 * `anon-responses` besides the counts, and it reads in aggregate. It follows that database's
 * changes feed and adds each stored response to its campaign's per-group sums (kept in memory
 * and in one `_local` checkpoint with the feed's sequence (in `anon-results`), so a batch of 1,000 costs reading
 * those 1,000 and a restart reads only what came since). Once a campaign has closed and its
 * last pending batch is written, it writes `surveyresult:<campaign>.<unit>` per node of the
 * campaign's group tree into `reports` and `reports-<unit>`, and `surveytext:<campaign>.<unit>`
 * (HR only) per group whose free text is shown. Nothing is written while a campaign is open.
 */
import type { CampaignDoc, SurveyDoc } from '../../../src/lib/domain/index.ts';
import {
	campaignDocSchema,
	campaignPhase,
	idKey,
	reportsScope,
	surveyDocSchema,
	surveyResultId,
	surveyTextId,
	swedishDay,
} from '../../../src/lib/domain/index.ts';
import type { GroupNode, GroupTally, NodeResult } from '../../../src/lib/domain/suppression.ts';
import { addToTally, emptyTally, figuresFromTallies, shownTextQuestions } from '../../../src/lib/domain/suppression.ts';
import { ANON_DB } from '../anon/databases.ts';
import type { FrozenGroups } from '../anon/groups.ts';
import { unitsByGroup } from '../anon/groups.ts';
import type { AnonRoad } from '../anon/road.ts';
import type { RandomSource } from '../anon/responses.ts';
import { cryptoRandom, shuffled } from '../anon/responses.ts';
import { CatchUp } from '../indexes/catch-up.ts';
import type { PolicyUnit } from '../policy/access.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';
import type { LocalDocs } from '../store/local-docs.ts';
import type { ReportBody } from './report-writer.ts';
import { ReportWriter, sameReport } from './report-writer.ts';

const PAGE = 1000;
/** Unit scopes written at once: each write waits on its own disk sync, so a few overlap. */
const SCOPE_WRITES = 8;
const CHECKPOINT = 'survey-results';
/**
 * Where the sums and the checkpoint live: a server-only database of their own (never a scope, so
 * no route reaches it), apart from the responses whose every write the red-team test watches.
 */
export const RESULTS_DB = 'anon-results';
/** How often the timer looks whether the Swedish day changed (a campaign's closing day passed). */
const DAY_CHECK_MS = 5 * 60_000;

type Checkpoint = { since?: string; tallies: Record<string, Record<string, GroupTally>> };

export type SurveyResultsOptions = {
	store: DocStore;
	local: LocalDocs;
	road: AnonRoad;
	units: () => Promise<PolicyUnit[]>;
	now: () => Date;
	/** Order of free-text answers; crypto by default. */
	random?: RandomSource;
	/** A background pass failed (it is tried again at the next trigger); for the log. */
	onError?: (err: unknown) => void;
};

export class SurveyResults {
	readonly #o: SurveyResultsOptions;
	readonly #writer: ReportWriter;
	readonly #random: RandomSource;
	readonly #catchUp = new CatchUp(() => this.#run());
	#checkpoint: Checkpoint | undefined;
	#checkpointRev: string | undefined;
	/** Per campaign, how many responses its sums hold; what was last published, to skip a repeat. */
	readonly #held = new Map<string, number>();
	readonly #published = new Map<string, string>();
	/** Campaigns whose unit-scope copies a completed pass of this process wrote. */
	readonly #scopesCurrent = new Set<string>();
	#last: Promise<void> = Promise.resolve();
	#day: string | undefined;
	#campaignCache: { seq: string; campaigns: CampaignDoc[] } | undefined;
	readonly #stop = new AbortController();
	#timer: ReturnType<typeof setInterval> | undefined;
	/** Stored responses read from the feed by this process (for tests and benches). */
	responsesRead = 0;

	constructor(opts: SurveyResultsOptions) {
		this.#o = opts;
		this.#writer = new ReportWriter(opts.store, opts.now);
		this.#random = opts.random ?? cryptoRandom;
	}

	/** Catch up and publish now, then whenever responses are stored and when the Swedish day changes. */
	start(): void {
		this.#day = swedishDay(this.#o.now());
		void this.refresh().catch(() => undefined);
		void this.#watch();
		this.#timer = setInterval(() => this.#dayCheck(), DAY_CHECK_MS);
		this.#timer.unref();
	}

	stop(): void {
		this.#stop.abort();
		if (this.#timer) clearInterval(this.#timer);
	}

	/** Read new responses and publish every closed campaign whose figures changed. */
	refresh(): Promise<void> {
		const run = this.#catchUp.refresh();
		this.#last = run.catch((err: unknown) => this.#o.onError?.(err));
		return run;
	}

	/** Resolves when no refresh is running or queued (for tests and benches). */
	async idle(): Promise<void> {
		let seen: Promise<void>;
		do {
			seen = this.#last;
			await seen;
		} while (seen !== this.#last);
	}

	/** The Swedish day moved on: a campaign may have closed. */
	#dayCheck(): void {
		const today = swedishDay(this.#o.now());
		if (today === this.#day) return;
		this.#day = today;
		void this.refresh().catch(() => undefined);
	}

	async #watch(): Promise<void> {
		const signal = this.#stop.signal;
		while (!signal.aborted) {
			const since = this.#checkpoint?.since;
			await this.#o.store.waitForChange(ANON_DB.responses, signal, since);
			if (signal.aborted) return;
			await this.refresh().catch(() => undefined);
			// A pending-list write wakes the wait too: a short pause so a burst costs one catch-up.
			await new Promise((resolve) => setTimeout(resolve, 50).unref());
			this.#dayCheck();
		}
	}

	async #run(): Promise<void> {
		const campaigns = await this.#campaigns();
		const today = swedishDay(this.#o.now());
		const closed = campaigns.filter((c) => campaignPhase(c, today) === 'closed');
		// The last batch of a closed campaign first: results are computed from everything it took.
		for (const c of closed) await this.#o.road.responses.flushIfOver(c, 'closed');
		const surveys = await this.#surveys(campaigns);
		await this.#read(surveys, campaigns);
		for (const c of closed) {
			const survey = surveys.get(c.surveyId);
			if (survey) await this.#publish(c, survey, closed, surveys);
		}
	}

	async #campaigns(): Promise<CampaignDoc[]> {
		// Every accepted response wakes this up: read `org` again only when it changed.
		const seq = (await this.#o.store.info('org')).update_seq;
		if (this.#campaignCache?.seq === seq) return this.#campaignCache.campaigns;
		const { results } = await this.#o.store.changes('org', { includeDocs: true });
		const out: CampaignDoc[] = [];
		for (const row of results) {
			if (row.deleted || row.doc?.type !== 'campaign') continue;
			const parsed = campaignDocSchema.safeParse(row.doc);
			if (parsed.success) out.push(parsed.data);
		}
		this.#campaignCache = { seq, campaigns: out };
		return out;
	}

	async #surveys(campaigns: readonly CampaignDoc[]): Promise<Map<string, SurveyDoc>> {
		const ids = [...new Set(campaigns.map((c) => c.surveyId))];
		const rows = await this.#o.store.allDocs('org', ids, { includeDocs: true });
		const out = new Map<string, SurveyDoc>();
		for (const row of rows) {
			const parsed = 'doc' in row && row.doc ? surveyDocSchema.safeParse(row.doc) : undefined;
			if (parsed?.success) out.set(parsed.data._id, parsed.data);
		}
		return out;
	}

	async #loadCheckpoint(): Promise<Checkpoint> {
		if (this.#checkpoint) return this.#checkpoint;
		const doc = await this.#o.local.get(RESULTS_DB, CHECKPOINT);
		this.#checkpointRev = doc?._rev;
		this.#checkpoint = doc
			? {
					...(typeof doc.since === 'string' ? { since: doc.since } : {}),
					tallies: doc.tallies as Checkpoint['tallies'],
				}
			: { tallies: {} };
		for (const [campaign, groups] of Object.entries(this.#checkpoint.tallies)) {
			this.#held.set(
				campaign,
				Object.values(groups).reduce((s, t) => s + t.responses, 0),
			);
		}
		return this.#checkpoint;
	}

	/** Add the responses stored since the checkpoint to their campaign's sums; store the checkpoint. */
	async #read(surveys: Map<string, SurveyDoc>, campaigns: readonly CampaignDoc[]): Promise<void> {
		const cp = await this.#loadCheckpoint();
		const surveyOf = new Map(campaigns.map((c) => [c._id, surveys.get(c.surveyId)]));
		let moved = false;
		for (;;) {
			const page = await this.#page(cp);
			for (const row of page.results) {
				if (row.deleted || !row.doc || row.id.startsWith('_')) continue;
				this.responsesRead++;
				const doc = row.doc as StoredDoc & { campaignId?: unknown; group?: unknown; answers?: unknown };
				const campaign = String(doc.campaignId);
				const survey = surveyOf.get(campaign);
				if (!survey || typeof doc.answers !== 'object' || doc.answers === null) continue;
				const groups = (cp.tallies[campaign] ??= {});
				addToTally((groups[String(doc.group)] ??= emptyTally()), survey, doc.answers as never);
				this.#held.set(campaign, (this.#held.get(campaign) ?? 0) + 1);
			}
			if (page.last_seq !== cp.since) moved = true;
			cp.since = page.last_seq;
			if (page.results.length < PAGE) break;
		}
		if (!moved) return;
		const { rev } = await this.#o.local.put(RESULTS_DB, CHECKPOINT, {
			since: cp.since,
			tallies: cp.tallies,
			...(this.#checkpointRev ? { _rev: this.#checkpointRev } : {}),
		});
		this.#checkpointRev = rev;
	}

	/**
	 * One page of the feed after the checkpoint. A sequence this store did not make (the store was
	 * migrated, decision 0021: sequences are opaque) starts the sums over from the beginning.
	 */
	async #page(cp: Checkpoint): Promise<Awaited<ReturnType<DocStore['changes']>>> {
		const read = () =>
			this.#o.store.changes(ANON_DB.responses, {
				...(cp.since ? { since: cp.since } : {}),
				limit: PAGE,
				includeDocs: true,
			});
		try {
			return await read();
		} catch (err) {
			if (cp.since === undefined) throw err;
			delete cp.since;
			cp.tallies = {};
			this.#held.clear();
			return read();
		}
	}

	/** The campaign's groups as a tree: each group under the group of the unit above its root. */
	async #tree(frozen: FrozenGroups): Promise<GroupNode[]> {
		const parentOf = new Map((await this.#o.units()).map((u) => [idKey(u._id), u.parentId && idKey(u.parentId)]));
		return Object.entries(frozen.sizes).map(([group, eligible]) => {
			if (group === frozen.targetUnitId) return { id: group, parent: null, eligible };
			const above = parentOf.get(group);
			const parent = (above && frozen.groupOf[above]) ?? frozen.targetUnitId;
			return { id: group, parent, eligible };
		});
	}

	/** The latest earlier closed campaign of the same survey family. */
	#previous(c: CampaignDoc, closed: readonly CampaignDoc[], surveys: Map<string, SurveyDoc>): string | null {
		const family = surveys.get(c.surveyId)?.family;
		const earlier = closed
			.filter((o) => o._id !== c._id && surveys.get(o.surveyId)?.family === family)
			.filter((o) => o.closesOn < c.closesOn || (o.closesOn === c.closesOn && o.opensOn < c.opensOn))
			.sort((a, b) => a.closesOn.localeCompare(b.closesOn) || a.opensOn.localeCompare(b.opensOn));
		return earlier.at(-1)?._id ?? null;
	}

	async #publish(
		c: CampaignDoc,
		survey: SurveyDoc,
		closed: readonly CampaignDoc[],
		surveys: Map<string, SurveyDoc>,
	): Promise<void> {
		const previousCampaignId = this.#previous(c, closed, surveys);
		const stamp = `${this.#held.get(c._id) ?? 0}|${previousCampaignId ?? ''}`;
		if (this.#published.get(c._id) === stamp) return;
		// Nobody took a token: no groups, no responses, nothing to show.
		const frozen = await this.#o.road.groups.peek(c._id);
		if (!frozen) return;
		const groups = await this.#tree(frozen);
		const tallies = this.#checkpoint?.tallies[c._id] ?? {};
		const results = figuresFromTallies(survey, tallies, groups, frozen.k);
		const stored = await this.#stored(c, groups);
		const unitsOf = unitsByGroup(frozen);
		const parents = new Set(groups.map((g) => g.parent));
		const today = swedishDay(this.#o.now());
		const bodies: ReportBody[] = [];
		const texts: ReportBody[] = [];
		for (const g of groups) {
			const result = results.get(g.id) as NodeResult;
			const figures = {
				type: 'surveyresult' as const,
				campaignId: c._id,
				surveyId: c.surveyId,
				unitId: g.id,
				parentUnitId: g.parent,
				groupUnits: unitsOf.get(g.id) ?? [],
				group: result.group,
				// A group with none below: its subtree is itself, left out (what HR syncs stays small).
				...(parents.has(g.id) ? { subtree: result.subtree } : {}),
				previousCampaignId,
			};
			const id = surveyResultId(c._id, g.id);
			const before = stored.get(id);
			// The day the figures were computed stays while they stay the same (one publication).
			const asOf = before && sameFigures(before, figures) && typeof before.asOf === 'string' ? before.asOf : today;
			bodies.push({ _id: id, ...figures, asOf });
			const textIds = shownTextQuestions(result, survey);
			if (textIds.length === 0) continue;
			const textId = surveyTextId(c._id, g.id);
			const old = stored.get(textId)?.texts as Record<string, string[]> | undefined;
			const byQuestion: Record<string, string[]> = {};
			for (const q of textIds) {
				const answers = tallies[g.id]?.questions[q]?.texts ?? [];
				// The order already published stays when the answers are the same; new answers reshuffle.
				const kept = old?.[q];
				byQuestion[q] = kept && sameMultiset(kept, answers) ? kept : shuffled(answers, this.#random);
			}
			texts.push({ _id: textId, type: 'surveytext', campaignId: c._id, unitId: g.id, texts: byQuestion });
		}
		// A unit scope holds a copy of its node's body in `reports`. Once a pass of this process has
		// written every copy, a later pass writes only the nodes whose body in `reports` changes: a
		// batch touches the scopes of its groups and their ancestors, not thousands of unchanged ones
		// (each a database to open and read). Until a pass completes, the next one writes them all.
		const every = !this.#scopesCurrent.has(c._id);
		this.#scopesCurrent.delete(c._id);
		const copies = every ? bodies : bodies.filter((b) => !sameReport(stored.get(b._id), b));
		await this.#writer.write('reports', [...bodies, ...texts]);
		await inParallel(copies, SCOPE_WRITES, (body) => this.#writer.write(reportsScope(String(body.unitId)), [body]));
		this.#scopesCurrent.add(c._id);
		this.#published.set(c._id, stamp);
	}

	/** What `reports` holds of this campaign now. */
	async #stored(c: CampaignDoc, groups: readonly GroupNode[]): Promise<Map<string, StoredDoc>> {
		const ids = groups.flatMap((g) => [surveyResultId(c._id, g.id), surveyTextId(c._id, g.id)]);
		const rows = await this.#o.store.allDocs('reports', ids, { includeDocs: true });
		const out = new Map<string, StoredDoc>();
		for (const row of rows) if ('doc' in row && row.doc && !row.value.deleted) out.set(row.doc._id, row.doc);
		return out;
	}
}

/**
 * `work` over every item, at most `limit` at a time. After a failure no item is started; once
 * those under way have ended, the first failure is thrown (nothing of this pass outlives it).
 */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
	let next = 0;
	let failure: { err: unknown } | undefined;
	const worker = async (): Promise<void> => {
		while (!failure && next < items.length) {
			try {
				await work(items[next++] as T);
			} catch (err) {
				failure ??= { err };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	if (failure) throw failure.err;
}

function sameFigures(stored: StoredDoc, figures: Record<string, unknown>): boolean {
	return Object.entries(figures).every(([k, v]) => stableJson(stored[k]) === stableJson(v));
}

function stableJson(value: unknown): string {
	return JSON.stringify(value, (_k, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
			: v,
	);
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && stableJson([...a].sort()) === stableJson([...b].sort());
}
