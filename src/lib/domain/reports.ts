/**
 * Report documents (issue 14, decision 0034): figures the server computes and writes into the
 * report scopes, `reports` (HR: the whole organisation) and `reports-<unitId>` (whoever may read
 * that unit). No client ever writes them (WRITERS has no writer for these types); devices sync
 * them like any other scope, so the views read IndexedDB and open offline.
 *
 * Three types:
 * - `stats:<unitId>`: round, finding, action, request and follow-up figures of one unit (`own`)
 *   and of its subtree (`subtree`), as of a Swedish day. Not personal, never suppressed, names no
 *   person. In `reports` and in `reports-<unitId>`.
 * - `surveyresult:<campaignKey>.<unitId>`: the figures of one node of a closed campaign: the
 *   reporting group rooted at that unit (`group`) and the union of the groups rooted in its subtree
 *   (`subtree`). Every figure a group below k (or a complementary suppression) hides is `null`:
 *   "för få svar", never a count of how many fewer. In `reports` and `reports-<unitId>`.
 * - `surveytext:<campaignKey>.<unitId>`: free-text answers of one reporting group at or above k,
 *   in random order. Only in `reports` (HR only); never per subtree, never filterable.
 */
import { z } from './zod.ts';
import { idKey } from './ids.ts';
import { FINDING_CATEGORIES, TEMPLATE_KINDS, type TemplateKind } from './schema-parts.ts';
import { RISK_LEVELS } from './risk.ts';
import { hlcSchema } from './schema-parts.ts';

const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD'));
const count = z.number().check(z.int(), z.gte(0));
const key = z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'expected a key (a–z, 0–9, -)'));
const reportBase = {
	_id: z.string().check(z.minLength(3), z.maxLength(200)),
	_rev: z.optional(z.string().check(z.maxLength(200))),
	scope: z.string().check(z.regex(/^reports(-[a-z0-9-]{1,64})?$/, 'not a report scope')),
	/** When the server first wrote, and last changed, the figures. */
	createdAt: z.iso.datetime({ offset: true }),
	updatedAt: z.iso.datetime({ offset: true }),
	/** Never set: report documents are replaced whole by their one writer (kept for the common document shape). */
	clock: z.optional(z.record(z.string().check(z.maxLength(64)), hlcSchema)),
};

/** A round kind's rounds in a year (by the round's date): all of them, walked (done or signed), signed. */
const roundCountsSchema = z.strictObject({ planned: count, walked: count, signed: count });
/** Findings of a year by their latest risk level; `unassessed` has no assessment yet. */
const levelCountsSchema = z.strictObject({
	...Object.fromEntries(RISK_LEVELS.map((l) => [l, count])),
	unassessed: count,
} as Record<(typeof RISK_LEVELS)[number] | 'unassessed', typeof count>);

/**
 * One calendar year's flow: rounds by kind (round date), findings made (by the day the finding
 * was made), actions done (done date), days from an action's creation to done as a histogram
 * (key: whole days, as a string) so medians roll up exactly, effect checks made, 6:6a requests
 * filed, 6:7 stops recorded, annual follow-ups signed by both (by their `year`).
 */
export const yearFiguresSchema = z.strictObject({
	rounds: z.strictObject(
		Object.fromEntries(TEMPLATE_KINDS.map((k) => [k, roundCountsSchema])) as Record<
			TemplateKind,
			typeof roundCountsSchema
		>,
	),
	findings: z.strictObject(
		Object.fromEntries(FINDING_CATEGORIES.map((c) => [c, levelCountsSchema])) as Record<
			(typeof FINDING_CATEGORIES)[number],
			typeof levelCountsSchema
		>,
	),
	actionsDone: count,
	doneDays: z.record(z.string().check(z.regex(/^\d{1,5}$/)), count),
	effective: count,
	notEffective: count,
	requests: count,
	workstops: count,
	followUpsSigned: count,
});
export type YearFigures = z.infer<typeof yearFiguresSchema>;

/** Serious open findings by age in days: under 30, 30–89, 90–179, 180 and more. */
export const AGE_BUCKETS = ['d0', 'd30', 'd90', 'd180'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

/**
 * The state as of the document's `asOf` day. Actions: open = planned, in progress or postponed;
 * overdue = open with a due date before `asOf`; done = done and waiting for the effect check;
 * effective / notEffective = effect checked. A request is open until answered, overdue when open
 * past its reply-by date; a stop is open until work resumed, overdue when open for more than
 * WORKSTOP_OVERDUE_DAYS. `workplaces` counts units without child units; `roundsOverdue` counts
 * those with no signed round of the kind dated within the year before `asOf` (the yearly rounds).
 */
export const nowFiguresSchema = z.strictObject({
	findingsOpen: count,
	seriousOpen: count,
	seriousAge: z.strictObject(Object.fromEntries(AGE_BUCKETS.map((b) => [b, count])) as Record<AgeBucket, typeof count>),
	actions: z.strictObject({
		open: count,
		overdue: count,
		done: count,
		effective: count,
		notEffective: count,
	}),
	requestsOpen: count,
	requestsOverdue: count,
	workstopsOpen: count,
	workstopsOverdue: count,
	workplaces: count,
	roundsOverdue: z.strictObject({ physical: count, osa: count, threat_violence: count }),
});
export type NowFigures = z.infer<typeof nowFiguresSchema>;

export const figuresSchema = z.strictObject({
	now: nowFiguresSchema,
	/** Calendar years (`'2026'`) with any figure; at most REPORT_YEARS years back from `asOf`. */
	years: z.record(z.string().check(z.regex(/^\d{4}$/)), yearFiguresSchema),
});
export type Figures = z.infer<typeof figuresSchema>;

/** A stop still open after this many days counts as overdue (a policy of the product, not the law). */
export const WORKSTOP_OVERDUE_DAYS = 7;
/** Years kept in `years`: this one and the two before. */
export const REPORT_YEARS = 3;
/** Serious open findings listed per unit at most (oldest first); the count in `now` is exact. */
export const MAX_SERIOUS_LISTED = 100;

/** A serious open finding and its actions, as the organisation-wide list shows them: no person named. */
export const seriousItemSchema = z.strictObject({
	findingId: z.string().check(z.maxLength(200)),
	title: z.string().check(z.maxLength(200)),
	category: z.enum(FINDING_CATEGORIES),
	level: z.enum([...RISK_LEVELS, 'unassessed']),
	/** The day the finding was made. */
	foundOn: isoDate,
	actions: z
		.array(
			z.strictObject({
				actionId: z.string().check(z.maxLength(200)),
				/** The planned action, cut to 200 characters. */
				text: z.string().check(z.maxLength(200)),
				status: z.enum(['planned', 'in_progress', 'done', 'effect_checked', 'postponed']),
				due: z.nullable(isoDate),
			}),
		)
		.check(z.maxLength(20)),
});
export type SeriousItem = z.infer<typeof seriousItemSchema>;

export const statsDocSchema = z.strictObject({
	...reportBase,
	type: z.literal('stats'),
	unitId: key,
	parentId: z.nullable(key),
	name: z.string().check(z.maxLength(200)),
	/** The Swedish day the `now` figures hold for. */
	asOf: isoDate,
	own: figuresSchema,
	/** Absent for a unit with no units below: its subtree is itself (half the bytes of most documents). */
	subtree: z.optional(figuresSchema),
	/** This unit's own serious open findings (not its subtree's), oldest first. */
	serious: z.array(seriousItemSchema).check(z.maxLength(MAX_SERIOUS_LISTED)),
	/** Yearly round kinds this unit lacks (only for a workplace: a unit without child units). */
	overdueKinds: z.array(z.enum(TEMPLATE_KINDS)),
});
/** A stats document as stored and synced (`subtree` may be absent). */
export type StatsWire = z.infer<typeof statsDocSchema>;
/** A stats document as the views read it: `subtree` always there (`withSubtree`). */
export type StatsDoc = StatsWire & { subtree: Figures };

/** One question's figures for one node: respondents who answered it, and counts per option. */
export const questionFiguresSchema = z.strictObject({
	n: count,
	/**
	 * Per option value (single, multi, yesno) or scale step ('1'…'5'); a multi answer counts once
	 * per chosen option. Empty for text questions (their answers are in `surveytext`).
	 */
	counts: z.record(key, count),
	/** Scale questions: the mean of the steps answered. */
	mean: z.optional(z.number()),
});
export type QuestionFigures = z.infer<typeof questionFiguresSchema>;

/** The HME index and its three sub-indices, 0–100: (answer − 1) × 25, mean of the items. */
export const hmeSchema = z.strictObject({
	index: z.number(),
	motivation: z.number(),
	leadership: z.number(),
	governance: z.number(),
});
export type HmeFigures = z.infer<typeof hmeSchema>;

/** A node's figures. `null` anywhere means "för få svar" (suppressed), with no count of how many. */
export const nodeFiguresSchema = z.strictObject({
	/** People the campaign counted as eligible (headcount: not sensitive). */
	eligible: count,
	responses: z.nullable(count),
	questions: z.record(key, z.nullable(questionFiguresSchema)),
	/** Only for HME surveys; null when any of its nine items is suppressed. */
	hme: z.optional(z.nullable(hmeSchema)),
});
export type NodeFigures = z.infer<typeof nodeFiguresSchema>;

export const surveyResultDocSchema = z.strictObject({
	...reportBase,
	type: z.literal('surveyresult'),
	campaignId: z.string().check(z.maxLength(200)),
	surveyId: z.string().check(z.maxLength(200)),
	/** The unit that roots this node (a reporting group's unit). */
	unitId: key,
	/** The node above in the campaign's tree of groups; null for the campaign's target. */
	parentUnitId: z.nullable(key),
	/** The units whose people make up the group rooted here. */
	groupUnits: z.array(key),
	/** The group rooted at `unitId` alone. */
	group: nodeFiguresSchema,
	/** That group and every group below it; absent when none is below (then it is `group`). */
	subtree: z.optional(nodeFiguresSchema),
	/** The latest earlier closed campaign of the same survey family, for trends; null when none. */
	previousCampaignId: z.nullable(z.string().check(z.maxLength(200))),
	/** The Swedish day the figures were computed (after the campaign closed). */
	asOf: isoDate,
});
/** A survey result as stored and synced (`subtree` may be absent). */
export type SurveyResultWire = z.infer<typeof surveyResultDocSchema>;
/** A survey result as the views read it: `subtree` always there (`withSubtree`). */
export type SurveyResultDoc = SurveyResultWire & { subtree: NodeFigures };

/**
 * A report document as the views read it: a missing `subtree` is the unit's own figures (stats)
 * or its group's (survey results), which the server leaves out to keep what HR syncs small.
 */
export function withSubtree(doc: StatsWire): StatsDoc;
export function withSubtree(doc: SurveyResultWire): SurveyResultDoc;
export function withSubtree(doc: StatsWire | SurveyResultWire): StatsDoc | SurveyResultDoc {
	if (doc.subtree) return doc as StatsDoc | SurveyResultDoc;
	return doc.type === 'stats' ? { ...doc, subtree: doc.own } : { ...doc, subtree: doc.group };
}

export const surveyTextDocSchema = z.strictObject({
	...reportBase,
	scope: z.literal('reports'),
	type: z.literal('surveytext'),
	campaignId: z.string().check(z.maxLength(200)),
	unitId: key,
	/** Per text question: the answers, shuffled; absent where the group's answers are below k. */
	texts: z.record(key, z.array(z.string().check(z.maxLength(2000)))),
});
export type SurveyTextDoc = z.infer<typeof surveyTextDocSchema>;

/** @example statsId('a1') // 'stats:a1' */
export function statsId(unitId: string): string {
	return `stats:${unitId}`;
}

/** @example surveyResultId('campaign:demo-hme', 'a1') // 'surveyresult:demo-hme.a1' */
export function surveyResultId(campaignId: string, unitId: string): string {
	return `surveyresult:${idKey(campaignId)}.${unitId}`;
}

/** @example surveyTextId('campaign:demo-hme', 'a1') // 'surveytext:demo-hme.a1' */
export function surveyTextId(campaignId: string, unitId: string): string {
	return `surveytext:${idKey(campaignId)}.${unitId}`;
}

/** An empty year, to add into. */
export function emptyYear(): YearFigures {
	const levels = (): YearFigures['findings']['physical'] =>
		({ ...Object.fromEntries(RISK_LEVELS.map((l) => [l, 0])), unassessed: 0 }) as YearFigures['findings']['physical'];
	return {
		rounds: Object.fromEntries(
			TEMPLATE_KINDS.map((k) => [k, { planned: 0, walked: 0, signed: 0 }]),
		) as YearFigures['rounds'],
		findings: Object.fromEntries(FINDING_CATEGORIES.map((c) => [c, levels()])) as YearFigures['findings'],
		actionsDone: 0,
		doneDays: {},
		effective: 0,
		notEffective: 0,
		requests: 0,
		workstops: 0,
		followUpsSigned: 0,
	};
}

/** Empty `now` figures, to add into. */
export function emptyNow(): NowFigures {
	return {
		findingsOpen: 0,
		seriousOpen: 0,
		seriousAge: { d0: 0, d30: 0, d90: 0, d180: 0 },
		actions: { open: 0, overdue: 0, done: 0, effective: 0, notEffective: 0 },
		requestsOpen: 0,
		requestsOverdue: 0,
		workstopsOpen: 0,
		workstopsOverdue: 0,
		workplaces: 0,
		roundsOverdue: { physical: 0, osa: 0, threat_violence: 0 },
	};
}

/**
 * The median of a days histogram, or null when it is empty (the lower middle for an even count).
 * @example medianDays({ '3': 1, '10': 2 }) // 10
 */
export function medianDays(hist: Readonly<Record<string, number>>): number | null {
	const entries = Object.entries(hist)
		.map(([d, n]) => [Number(d), n] as const)
		.filter(([, n]) => n > 0)
		.sort((a, b) => a[0] - b[0]);
	const total = entries.reduce((s, [, n]) => s + n, 0);
	if (total === 0) return null;
	let seen = 0;
	const middle = Math.ceil(total / 2);
	for (const [d, n] of entries) {
		seen += n;
		if (seen >= middle) return d;
	}
	return null;
}
