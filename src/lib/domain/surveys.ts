/**
 * Anonymous staff surveys (issue 13, decision 0030): survey versions and campaigns in `org`, the
 * anonymous wire format of `/api/campaigns/*` and `/anon/*`, and the pure rules both ends share —
 * which questions show, whether answers fit a version, a campaign's dates, the minimum group size
 * and the reporting groups a campaign's people fall into. Nothing here reads storage or a clock.
 */
import { z } from './zod.ts';
import { localizedSchema, hlcSchema } from './schema-parts.ts';
import { isScope } from './ids.ts';
import { canonicalJson } from './merge.ts';

/** What a survey asks about; the kind sets the lowest minimum group size HR may choose. */
export const SURVEY_KINDS = ['threat_violence', 'harassment', 'close_relationship', 'hme', 'other'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

/**
 * The lowest k (minimum group size) per kind: 8 for threats/violence and harassment, 10 for
 * violence in close relationships, 5 otherwise. The server refuses a survey or campaign below it.
 */
export const K_FLOOR: Record<SurveyKind, number> = {
	threat_violence: 8,
	harassment: 8,
	close_relationship: 10,
	hme: 5,
	other: 5,
};
export const DEFAULT_K = 5;
export const MAX_K = 100;

/** Longest free-text answer a survey may allow, and the default. */
export const MAX_TEXT_ANSWER = 2000;
export const DEFAULT_TEXT_ANSWER = 1000;

export const QUESTION_KINDS = ['single', 'multi', 'scale', 'yesno', 'text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

const keySchema = z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'expected a key (a–z, 0–9, -)'));

export const surveyOptionSchema = z.strictObject({ value: keySchema, label: localizedSchema });
export type SurveyOption = z.infer<typeof surveyOptionSchema>;

/** Show a question only when an earlier question has one of `values` (any condition holds). */
export const showIfSchema = z.strictObject({
	anyOf: z
		.array(z.strictObject({ questionId: keySchema, values: z.array(keySchema).check(z.minLength(1), z.maxLength(20)) }))
		.check(z.minLength(1), z.maxLength(10)),
});
export type ShowIf = z.infer<typeof showIfSchema>;

/**
 * One question. `single`/`multi` have options; `scale` is 1–5 with words for both ends; `yesno`
 * answers `yes`/`no`; `text` is free text up to `maxLength` (the page warns "do not write names").
 */
export const surveyQuestionSchema = z.strictObject({
	id: keySchema,
	kind: z.enum(QUESTION_KINDS),
	text: localizedSchema,
	help: z.optional(localizedSchema),
	required: z.boolean(),
	options: z.optional(z.array(surveyOptionSchema).check(z.minLength(2), z.maxLength(20))),
	scaleLow: z.optional(localizedSchema),
	scaleHigh: z.optional(localizedSchema),
	maxLength: z.optional(z.number().check(z.int(), z.gte(10), z.lte(MAX_TEXT_ANSWER))),
	showIf: z.optional(showIfSchema),
});
export type SurveyQuestion = z.infer<typeof surveyQuestionSchema>;

export const surveySectionSchema = z.strictObject({
	id: keySchema,
	title: localizedSchema,
	questions: z.array(surveyQuestionSchema).check(z.minLength(1), z.maxLength(100)),
});
export type SurveySection = z.infer<typeof surveySectionSchema>;

const isoTime = z.iso.datetime({ offset: true });
const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD'));
const surveyBase = {
	_id: z.string().check(z.minLength(3), z.maxLength(200)),
	_rev: z.optional(z.string().check(z.maxLength(200))),
	scope: z.literal('org'),
	createdAt: isoTime,
	updatedAt: isoTime,
	clock: z.optional(z.record(z.string().check(z.maxLength(64)), hlcSchema)),
};

/**
 * One version of a survey in `org`: `survey:<family>.v<version>`, a draft edited in place, a
 * published version never changed again except `retired` (as round templates, decision 0006).
 * `sensitive` surveys get a neutral screen title and a quick exit on the phone.
 */
export const surveyDocSchema = z
	.strictObject({
		...surveyBase,
		type: z.literal('survey'),
		family: keySchema,
		kind: z.enum(SURVEY_KINDS),
		title: localizedSchema,
		intro: localizedSchema,
		sensitive: z.boolean(),
		k: z.number().check(z.int(), z.gte(2), z.lte(MAX_K)),
		version: z.number().check(z.int(), z.gte(1), z.lte(10_000)),
		status: z.enum(['draft', 'published']),
		retired: z.boolean(),
		sections: z.array(surveySectionSchema).check(z.minLength(1), z.maxLength(30)),
	})
	.check(
		z.refine((s) => s._id === surveyVersionId(s.family, s.version), {
			message: 'a survey id must be survey:<family>.v<version>',
			path: ['_id'],
		}),
		z.refine((s) => s.k >= K_FLOOR[s.kind], {
			message: 'k is below the minimum group size of the survey kind',
			path: ['k'],
		}),
		z.refine((s) => surveyShapeProblem(s.sections) === undefined, {
			message: 'questions must have unique ids, options where they choose, and conditions on earlier questions',
			path: ['sections'],
		}),
	);
export type SurveyDoc = z.infer<typeof surveyDocSchema>;

/**
 * A campaign in `org`: one survey version sent to the people of a part of the org tree between
 * two dates (inclusive, Swedish time). `k` may be raised above the survey's, never lowered.
 * Target, survey and k are fixed once it opens; dates may move and it may be cancelled.
 */
export const campaignDocSchema = z
	.strictObject({
		...surveyBase,
		type: z.literal('campaign'),
		surveyId: z.string().check(
			z.maxLength(200),
			z.refine((id) => id.startsWith('survey:'), 'not a survey id'),
		),
		targetUnitId: keySchema,
		opensOn: isoDate,
		closesOn: isoDate,
		k: z.number().check(z.int(), z.gte(2), z.lte(MAX_K)),
		/** The employer's contact for support (occupational health, a contact person), shown after the survey. */
		supportContact: z.string().check(z.maxLength(500)),
		cancelled: z.boolean(),
		createdBy: z.string().check(z.minLength(1), z.maxLength(100)),
	})
	.check(
		z.refine((c) => c.opensOn <= c.closesOn, { message: 'a campaign closes on or after it opens', path: ['closesOn'] }),
	);
export type CampaignDoc = z.infer<typeof campaignDocSchema>;

/**
 * The id of version `version` of survey family `family`.
 * @example surveyVersionId('hme', 2) // 'survey:hme.v2'
 */
export function surveyVersionId(family: string, version: number): string {
	return `survey:${family}.v${version}`;
}

/** Every question of a survey version, in order. */
export function surveyQuestions(survey: Pick<SurveyDoc, 'sections'>): SurveyQuestion[] {
	return survey.sections.flatMap((s) => s.questions);
}

/** What is wrong with the shape of a survey's questions, or undefined. */
export function surveyShapeProblem(sections: readonly SurveySection[]): string | undefined {
	const seen = new Map<string, SurveyQuestion>();
	for (const q of sections.flatMap((s) => s.questions)) {
		if (seen.has(q.id)) return `question id ${q.id} is used twice`;
		const choosing = q.kind === 'single' || q.kind === 'multi';
		if (choosing !== (q.options !== undefined)) return `question ${q.id}: options belong to single and multiple choice`;
		if (q.options && new Set(q.options.map((o) => o.value)).size !== q.options.length) {
			return `question ${q.id}: option values must be unique`;
		}
		if (q.maxLength !== undefined && q.kind !== 'text') return `question ${q.id}: only free text has a length`;
		for (const c of q.showIf?.anyOf ?? []) {
			const earlier = seen.get(c.questionId);
			if (!earlier) return `question ${q.id}: a condition must name an earlier question`;
			const allowed = answerValues(earlier);
			if (!allowed || c.values.some((v) => !allowed.includes(v))) {
				return `question ${q.id}: a condition must use values of question ${c.questionId}`;
			}
		}
		seen.set(q.id, q);
	}
	return undefined;
}

/** The values a condition may test for a question, or undefined for free text. */
function answerValues(q: SurveyQuestion): string[] | undefined {
	switch (q.kind) {
		case 'single':
		case 'multi':
			return q.options?.map((o) => o.value) ?? [];
		case 'yesno':
			return ['yes', 'no'];
		case 'scale':
			return ['1', '2', '3', '4', '5'];
		case 'text':
			return undefined;
	}
}

/** One answer: an option value (single, yes/no), option values (multi), 1–5 (scale) or text. */
export const answerValueSchema = z.union([
	z.string().check(z.maxLength(MAX_TEXT_ANSWER)),
	z.array(keySchema).check(z.maxLength(20)),
	z.number().check(z.int(), z.gte(1), z.lte(5)),
]);
export type SurveyAnswer = z.infer<typeof answerValueSchema>;
export const surveyAnswersSchema = z.record(keySchema, answerValueSchema);
export type SurveyAnswers = z.infer<typeof surveyAnswersSchema>;

/** Does `answer` meet one of a condition's values? */
function meets(answer: SurveyAnswer | undefined, values: readonly string[]): boolean {
	if (answer === undefined) return false;
	if (Array.isArray(answer)) return answer.some((a) => values.includes(a));
	return values.includes(String(answer));
}

/**
 * The questions shown for these answers: a question with a condition shows when an earlier,
 * shown question has one of its values.
 * @example visibleQuestions(threat, { threatened: 'no' }).some((q) => q.id === 'who') // false
 */
export function visibleQuestions(survey: Pick<SurveyDoc, 'sections'>, answers: SurveyAnswers): SurveyQuestion[] {
	const shown = new Set<string>();
	const out: SurveyQuestion[] = [];
	for (const q of surveyQuestions(survey)) {
		const show =
			!q.showIf || q.showIf.anyOf.some((c) => shown.has(c.questionId) && meets(answers[c.questionId], c.values));
		if (show) {
			shown.add(q.id);
			out.push(q);
		}
	}
	return out;
}

/**
 * The answers as they are sent: only shown questions, empty ones left out.
 * @example answersToSend(threat, { threatened: 'no', who: ['public'] }) // { threatened: 'no' }
 */
export function answersToSend(survey: Pick<SurveyDoc, 'sections'>, answers: SurveyAnswers): SurveyAnswers {
	const out: SurveyAnswers = {};
	for (const q of visibleQuestions(survey, answers)) {
		const a = answers[q.id];
		if (a === undefined || (Array.isArray(a) && a.length === 0) || (typeof a === 'string' && a.trim() === '')) continue;
		out[q.id] = typeof a === 'string' && q.kind === 'text' ? a.trim() : a;
	}
	return out;
}

/** Why answers do not fit a survey version, as a fixed reason; undefined when they fit. */
export type AnswersRefusal =
	| { reason: typeof ANSWERS_REASONS.unknown; questionId: string }
	| { reason: typeof ANSWERS_REASONS.hidden; questionId: string }
	| { reason: typeof ANSWERS_REASONS.invalid; questionId: string }
	| { reason: typeof ANSWERS_REASONS.tooLong; questionId: string }
	| { reason: typeof ANSWERS_REASONS.required; questionId: string }
	| { reason: typeof ANSWERS_REASONS.empty };

/** Fixed refusal reasons of `/anon` (the UI maps each to a translated message). */
export const ANSWERS_REASONS = {
	unknown: 'answers name a question the survey does not have',
	hidden: 'answers a question that is not shown for these answers',
	invalid: 'an answer does not fit its question',
	tooLong: 'a free-text answer is too long',
	required: 'a required question is not answered',
	empty: 'a response must answer at least one question',
} as const;

/**
 * Check answers against a survey version: every key a shown question, every value of its kind,
 * free text within its length, required questions answered, at least one answer.
 * @example answersRefusal(hme, { meaningful: 7 }) // { reason: ANSWERS_REASONS.invalid, questionId: 'meaningful' }
 */
export function answersRefusal(
	survey: Pick<SurveyDoc, 'sections'>,
	answers: SurveyAnswers,
): AnswersRefusal | undefined {
	const all = new Map(surveyQuestions(survey).map((q) => [q.id, q]));
	for (const id of Object.keys(answers)) {
		if (!all.has(id)) return { reason: ANSWERS_REASONS.unknown, questionId: id };
	}
	const shown = visibleQuestions(survey, answers);
	const shownIds = new Set(shown.map((q) => q.id));
	for (const [id, a] of Object.entries(answers)) {
		if (!shownIds.has(id)) return { reason: ANSWERS_REASONS.hidden, questionId: id };
		const q = all.get(id) as SurveyQuestion;
		const problem = answerProblem(q, a);
		if (problem) return { reason: problem, questionId: id } as AnswersRefusal;
	}
	for (const q of shown) {
		if (q.required && answers[q.id] === undefined) return { reason: ANSWERS_REASONS.required, questionId: q.id };
	}
	if (Object.keys(answers).length === 0) return { reason: ANSWERS_REASONS.empty };
	return undefined;
}

function answerProblem(q: SurveyQuestion, a: SurveyAnswer): string | undefined {
	const values = q.options?.map((o) => o.value) ?? [];
	switch (q.kind) {
		case 'single':
			return typeof a === 'string' && values.includes(a) ? undefined : ANSWERS_REASONS.invalid;
		case 'multi':
			return Array.isArray(a) && a.length > 0 && new Set(a).size === a.length && a.every((v) => values.includes(v))
				? undefined
				: ANSWERS_REASONS.invalid;
		case 'yesno':
			return a === 'yes' || a === 'no' ? undefined : ANSWERS_REASONS.invalid;
		case 'scale':
			return typeof a === 'number' ? undefined : ANSWERS_REASONS.invalid;
		case 'text':
			if (typeof a !== 'string' || a.trim() === '') return ANSWERS_REASONS.invalid;
			return a.length > (q.maxLength ?? DEFAULT_TEXT_ANSWER) ? ANSWERS_REASONS.tooLong : undefined;
	}
}

/** Where a campaign is on a given Swedish calendar day. */
export type CampaignPhase = 'cancelled' | 'upcoming' | 'open' | 'closed';

/**
 * @example campaignPhase({ opensOn: '2026-03-01', closesOn: '2026-03-14', cancelled: false }, '2026-03-14') // 'open'
 */
export function campaignPhase(
	c: Pick<CampaignDoc, 'opensOn' | 'closesOn' | 'cancelled'>,
	today: string,
): CampaignPhase {
	if (c.cancelled) return 'cancelled';
	if (today < c.opensOn) return 'upcoming';
	if (today > c.closesOn) return 'closed';
	return 'open';
}

/** The Swedish calendar day of an instant (campaign dates are Swedish days, wherever the server runs). */
export function swedishDay(at: Date): string {
	return at.toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
}

/**
 * The ISO week of a day, the only time a stored response keeps.
 * @example isoWeek('2026-12-06') // '2026-W49'
 */
export function isoWeek(day: string): string {
	const d = new Date(`${day}T00:00:00Z`);
	const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
	d.setUTCDate(d.getUTCDate() - weekday + 3); // the Thursday of this week decides the year
	const year = d.getUTCFullYear();
	const week = 1 + Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
	return `${year}-W${String(week).padStart(2, '0')}`;
}

/** A unit as the group rules need it. */
export type TreeUnit = { id: string; parentId: string | null };

/**
 * The reporting groups of a campaign (architecture §9, decision 0030). A unit with at least k
 * eligible people is its own group; a smaller unit's people join its parent's group, pooled with
 * the parent's own people and its other small children, up to the campaign's target. If the
 * target's pool is still below k, it takes in its smallest child group until it reaches k, so
 * no group is ever smaller than k and no two groups differ by a small one. Returns, for each
 * unit of the target's subtree, the unit whose group it belongs to, and each group's size; or
 * `undefined` when the whole target has fewer than k people.
 * @example reportingGroups(units, { a1: 12, a2: 4, 'avd-b': 9 }, 'forv', 8) // a1 its own group (12); a2, avd-a and forv pool under forv (4)…
 *   …too few, so forv takes in the smallest group: avd-b (9) → groups a1 (12) and forv (13)
 */
export function reportingGroups(
	units: readonly TreeUnit[],
	eligible: Readonly<Record<string, number>>,
	targetId: string,
	k: number,
): { groupOf: Map<string, string>; sizes: Map<string, number> } | undefined {
	const children = Map.groupBy(
		units.filter((u) => u.parentId !== null),
		(u) => u.parentId as string,
	);
	const groupOf = new Map<string, string>();
	const sizes = new Map<string, number>();
	// Post-order: returns the units pooled into `id`'s leftover and their count.
	const visit = (id: string, depth: number): { members: string[]; count: number } => {
		if (depth > 64) throw new Error('org tree too deep or cyclic');
		let members = [id];
		let count = eligible[id] ?? 0;
		for (const child of [...(children.get(id) ?? [])].sort((a, b) => a.id.localeCompare(b.id))) {
			const pool = visit(child.id, depth + 1);
			if (pool.count >= k) {
				for (const m of pool.members) groupOf.set(m, child.id);
				sizes.set(child.id, pool.count);
			} else {
				members = members.concat(pool.members);
				count += pool.count;
			}
		}
		return { members, count };
	};
	const root = visit(targetId, 0);
	let count = root.count;
	const members = [...root.members];
	while (count < k) {
		const smallest = [...sizes].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0];
		if (!smallest) return undefined;
		const [group, size] = smallest;
		sizes.delete(group);
		for (const [unit, g] of groupOf) if (g === group) members.push(unit);
		count += size;
	}
	for (const m of members) groupOf.set(m, targetId);
	sizes.set(targetId, count);
	return { groupOf, sizes };
}

/**
 * The unit a person counts in for a campaign: of their memberships inside the target's subtree,
 * the deepest, ties by unit id. Undefined when they have none there (not eligible).
 */
export function homeUnit(
	memberships: readonly { unitId: string }[],
	units: readonly TreeUnit[],
	targetId: string,
): string | undefined {
	const parent = new Map(units.map((u) => [u.id, u.parentId]));
	const depthUnder = (id: string): number | undefined => {
		let depth = 0;
		for (let at: string | null | undefined = id; at; at = parent.get(at), depth++) {
			if (at === targetId) return depth;
			if (depth > 64) return undefined;
		}
		return undefined;
	};
	return memberships
		.map((m) => ({ id: m.unitId, depth: depthUnder(m.unitId) }))
		.filter((m): m is { id: string; depth: number } => m.depth !== undefined)
		.sort((a, b) => b.depth - a.depth || a.id.localeCompare(b.id))[0]?.id;
}

// ——— The wire format of the anonymous road ———

/** base64url text of a byte string (RSA blind signature parts, tokens). */
const b64url = (max: number) => z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, 'expected base64url'), z.maxLength(max));

/** `GET /api/campaigns/:id/key`: the signed-in person's reporting group and its public key (SPKI). */
export const campaignKeySchema = z.object({
	campaignId: z.string(),
	group: keySchema,
	groupName: z.string(),
	publicKey: b64url(1000),
});
export type CampaignKey = z.infer<typeof campaignKeySchema>;

/** `POST /api/campaigns/:id/token` body and answer: a blinded message in, its blind signature out. */
export const tokenRequestSchema = z.strictObject({ blindedMsg: b64url(700) });
export const tokenResponseSchema = z.object({ blindSig: b64url(700) });

/**
 * `POST /anon/campaigns/:id/responses`, sent with no cookie: the group, the unblinded token
 * (prepared message and signature) and the answers. Nothing else, on purpose.
 */
export const anonResponseSchema = z.strictObject({
	group: keySchema,
	token: z.strictObject({ msg: b64url(200), sig: b64url(700) }),
	answers: surveyAnswersSchema,
});
export type AnonResponse = z.infer<typeof anonResponseSchema>;

/**
 * A stored response (server only, never served one by one): a server-made random id, the
 * campaign, the reporting group, the ISO week and the answers. No person, device, address or time.
 */
export const storedResponseSchema = z.strictObject({
	_id: z.string(),
	_rev: z.optional(z.string()),
	campaignId: z.string(),
	group: keySchema,
	week: z.string().check(z.regex(/^\d{4}-W\d{2}$/)),
	answers: surveyAnswersSchema,
});
export type StoredResponse = z.infer<typeof storedResponseSchema>;

/** `GET /api/campaigns/:id/participation`: per reporting group, never per person. */
export const participationSchema = z.object({
	campaignId: z.string(),
	phase: z.enum(['cancelled', 'upcoming', 'open', 'closed']),
	groups: z.array(
		z.object({
			group: z.string(),
			groupName: z.string(),
			/** The units whose people make up the group. */
			units: z.array(z.string()),
			eligible: z.number(),
			/** Responses received; null where the group is below k (never, by construction, but kept explicit). */
			responses: z.nullable(z.number()),
		}),
	),
});
export type Participation = z.infer<typeof participationSchema>;

/** Is `name` a database the anonymous road owns (never a sync scope)? */
export function isAnonDatabase(name: string): boolean {
	// A path component in the embedded store: the same characters as a scope name.
	return /^anon-[a-z0-9-]{1,64}$/.test(name) && !isScope(name);
}

// ——— Fixed refusal reasons of the server (the UI maps each to a translated message) ———

/**
 * Why `/api/campaigns/*` and `/anon/campaigns/:id/responses` refuse, besides `ANSWERS_REASONS`.
 * Fixed texts, never quoting the request: the answer of the anonymous road says nothing more.
 */
export const ANON_REASONS = {
	/** Forged, damaged, or signed by a key of another campaign. */
	invalidToken: 'the token is not valid for this campaign',
	otherGroup: 'the token belongs to another reporting group',
	spent: 'a response has already been sent with this token',
	upcoming: 'the campaign is not open yet',
	closed: 'the campaign is closed',
	cancelled: 'the campaign is cancelled',
	unknownCampaign: 'there is no such campaign',
	malformed: 'the response is not in the expected form',
	tooLarge: 'the response is too large',
	notEligible: 'this campaign does not ask you',
	tokenTaken: 'a token for this campaign was already issued to you',
	badBlinded: 'the blinded message does not fit the key',
	tooFewPeople: "the campaign's target has fewer people than its minimum group size",
	participationForbidden: 'only HR, administrators and managers of the units see participation',
} as const;

/** Why a survey or campaign document is refused (sync-server/src/policy/access.ts). */
export const SURVEY_RULE_REASONS = {
	publishedSurvey: 'a published survey version does not change except to be retired; make a new version',
	surveyKeepsVersion: 'a survey version keeps its family and version number',
	unchangedSurvey: 'the draft is the same as the latest published survey version; change something first',
	campaignSurvey: 'a campaign names a published survey version that is not retired',
	campaignK: "a campaign's minimum group size cannot be below its survey's",
	campaignTarget: 'the target unit of the campaign does not exist',
	campaignTooFew: ANON_REASONS.tooFewPeople,
	campaignFixed: 'target, survey and minimum group size are fixed once the campaign has opened',
	campaignDeleted: 'a campaign that has opened is not deleted; cancel it',
} as const;

/** What a published survey version says (family, version and `retired` aside). */
const SURVEY_CONTENT = ['kind', 'title', 'intro', 'sensitive', 'k', 'sections'] as const;

const sameJson = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/**
 * Why a change of a survey version is refused: a published version keeps everything but
 * `retired`, is never deleted and never becomes a draft; a version keeps family and number.
 * @example surveyChangeRefusal(publishedHme, { ...publishedHme, k: 6 }) // SURVEY_RULE_REASONS.publishedSurvey
 */
export function surveyChangeRefusal(
	stored: Record<string, unknown> | undefined,
	incoming: Record<string, unknown>,
): string | undefined {
	if (!stored) return undefined;
	if (incoming._deleted === true)
		return stored.status === 'published' ? SURVEY_RULE_REASONS.publishedSurvey : undefined;
	if (stored.family !== incoming.family || stored.version !== incoming.version) {
		return SURVEY_RULE_REASONS.surveyKeepsVersion;
	}
	if (stored.status !== 'published') return undefined;
	if (incoming.status !== 'published') return SURVEY_RULE_REASONS.publishedSurvey;
	return SURVEY_CONTENT.every((f) => sameJson(stored[f], incoming[f]))
		? undefined
		: SURVEY_RULE_REASONS.publishedSurvey;
}

/** Earlier versions looked at when a draft is published (newest first). */
const EARLIER_SURVEYS_CHECKED = 20;

/** The ids of the versions before a survey draft being published (to refuse an unchanged one). */
export function earlierSurveyIds(
	incoming: Record<string, unknown>,
	stored: Record<string, unknown> | undefined,
): string[] {
	if (incoming.type !== 'survey' || incoming._deleted === true || incoming.status !== 'published') return [];
	if (stored?.status === 'published' || typeof incoming.family !== 'string' || typeof incoming.version !== 'number') {
		return [];
	}
	const ids: string[] = [];
	for (let v = incoming.version - 1; v >= 1 && ids.length < EARLIER_SURVEYS_CHECKED; v--) {
		ids.push(surveyVersionId(incoming.family, v));
	}
	return ids;
}

/** Why publishing this survey draft is refused: it says what the latest published version says. */
export function unchangedSurveyRefusal(
	incoming: Record<string, unknown>,
	stored: Record<string, unknown> | undefined,
	earlier: readonly Record<string, unknown>[],
): string | undefined {
	if (earlierSurveyIds(incoming, stored).length === 0) return undefined;
	const latest = earlier
		.filter((s) => s.family === incoming.family && s.status === 'published' && s._deleted !== true)
		.filter((s) => typeof s.version === 'number' && s.version < (incoming.version as number))
		.sort((a, b) => (a.version as number) - (b.version as number))
		.at(-1);
	if (!latest) return undefined;
	return SURVEY_CONTENT.every((f) => sameJson(latest[f], incoming[f]))
		? SURVEY_RULE_REASONS.unchangedSurvey
		: undefined;
}

/**
 * Why a campaign (new or changed) is refused, judged on the server's Swedish day `today`:
 * it names a published, not retired survey version, k at least the survey's, a target unit
 * that exists and has at least k eligible people (`targetPeople`: eligible people per unit of
 * the target's subtree), and once opened its target, survey and k stay and it is not deleted.
 */
export function campaignChangeRefusal(opts: {
	stored: Record<string, unknown> | undefined;
	incoming: Record<string, unknown>;
	survey: Record<string, unknown> | undefined;
	units: readonly TreeUnit[];
	targetPeople: Readonly<Record<string, number>> | undefined;
	today: string;
}): string | undefined {
	const { stored, incoming, survey, units, today } = opts;
	const opened = stored !== undefined && typeof stored.opensOn === 'string' && stored.opensOn <= today;
	if (incoming._deleted === true) return opened ? SURVEY_RULE_REASONS.campaignDeleted : undefined;
	if (opened) {
		const fixed = ['targetUnitId', 'surveyId', 'k'] as const;
		if (fixed.some((f) => stored[f] !== incoming[f])) return SURVEY_RULE_REASONS.campaignFixed;
		return undefined; // judged when it was made; dates and cancellation may change
	}
	if (!survey || survey.type !== 'survey' || survey.status !== 'published' || survey.retired === true) {
		return SURVEY_RULE_REASONS.campaignSurvey;
	}
	if (typeof survey.k !== 'number' || (incoming.k as number) < survey.k) return SURVEY_RULE_REASONS.campaignK;
	const target = String(incoming.targetUnitId);
	if (!units.some((u) => u.id === target)) return SURVEY_RULE_REASONS.campaignTarget;
	if (!opts.targetPeople || !reportingGroups(units, opts.targetPeople, target, incoming.k as number)) {
		return SURVEY_RULE_REASONS.campaignTooFew;
	}
	return undefined;
}
