/**
 * The wire format: the only definition of every document and message, used by the app
 * (before a write reaches the outbox) and by the sync server (before a write reaches
 * storage). Types come from `z.infer`; nothing here is re-typed by hand elsewhere.
 */
import { z } from './zod.ts';
import type { DocType } from './ids.ts';
import { DOC_TYPES, idType, isScope } from './ids.ts';
import { MAX_DOC_DEPTH, TOO_DEEP_REASON, valueTooDeep } from './nesting.ts';
import { MAX_PHOTOS_PER_DOC, photoRefSchema } from './photo.ts';
import { riskBandsSchema } from './risk.ts';
import {
	FOLLOW_UP_QUESTIONS,
	FOLLOW_UP_VALUES,
	followUpId,
	type CommentField,
	type FollowUpQuestion,
} from './annual-follow-up.ts';
import { campaignDocSchema, surveyDocSchema } from './surveys.ts';
import { statsDocSchema, surveyResultDocSchema, surveyTextDocSchema } from './reports.ts';

export const ROLES = ['staff', 'manager', 'safety_rep', 'employee_rep', 'hr', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export { localizedSchema, hlcSchema, type Localized } from './schema-parts.ts';
import { localizedSchema, hlcSchema } from './schema-parts.ts';

const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD'));
const isoTime = z.iso.datetime({ offset: true });
const shortText = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));

/**
 * The person a manager invites to co-sign in place of a safety rep (arbetstagarrepresentant), by
 * account: the server takes only an employee rep of the unit (decision 0028).
 */
export const coSignerSchema = z.strictObject({
	name: z.string().check(z.minLength(1), z.maxLength(100)),
	displayName: shortText,
});
export type CoSigner = z.infer<typeof coSignerSchema>;
const longText = z.string().check(z.maxLength(5000));

/** A reference to another document of `type` (its id carries the type as a prefix). */
function docRef(type: DocType) {
	return z.string().check(
		z.maxLength(200),
		z.refine((id) => idType(id) === type, `not a ${type} id`),
	);
}

const docBase = {
	_id: z.string().check(z.minLength(3), z.maxLength(200)),
	_rev: z.optional(z.string().check(z.maxLength(200))),
	scope: z.string().check(z.refine(isScope, 'not a scope name')),
	createdAt: isoTime,
	updatedAt: isoTime,
	/** Per-field clock stamps of mutable shared documents, for the field-level merge. */
	clock: z.optional(z.record(z.string().check(z.maxLength(64)), hlcSchema)),
};

/** An org unit (förvaltning, avdelning, enhet) in the `org` scope. */
export const unitDocSchema = z.strictObject({
	...docBase,
	type: z.literal('unit'),
	scope: z.literal('org'),
	name: shortText,
	parentId: z.nullable(z.string().check(z.maxLength(64))),
	level: z.enum(['organisation', 'administration', 'division', 'unit']),
});
export type UnitDoc = z.infer<typeof unitDocSchema>;

export const templateItemSchema = z.strictObject({
	id: z.string().check(z.minLength(1), z.maxLength(64)),
	text: localizedSchema,
	help: z.optional(localizedSchema),
});
export const templateSectionSchema = z.strictObject({
	id: z.string().check(z.minLength(1), z.maxLength(64)),
	title: localizedSchema,
	items: z.array(templateItemSchema).check(z.minLength(1), z.maxLength(200)),
});

export { TEMPLATE_KINDS, type TemplateKind } from './schema-parts.ts';
import { TEMPLATE_KINDS, FINDING_CATEGORIES } from './schema-parts.ts';

/** A template family key: the part of a version's id before `.v<N>` (`physical`, or a UUID for a copy). */
export const templateFamilySchema = z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'not a template family key'));

/**
 * One version of a round checklist template (physical, OSA, threats and violence) in the `org`
 * scope. Versions of one template share a `family`; the id is `template:<family>.v<version>`, so
 * two devices making "the next version" meet on one id instead of forking. A draft is edited in
 * place; a published version never changes again except for `retired` (decision 0006), so a
 * round keeps exactly the version it started with.
 */
export const templateDocSchema = z
	.strictObject({
		...docBase,
		type: z.literal('template'),
		scope: z.literal('org'),
		family: templateFamilySchema,
		kind: z.enum(TEMPLATE_KINDS),
		title: localizedSchema,
		version: z.number().check(z.int(), z.gte(1), z.lte(10_000)),
		status: z.enum(['draft', 'published']),
		legalRef: z.string().check(z.maxLength(200)),
		sections: z.array(templateSectionSchema).check(z.minLength(1), z.maxLength(50)),
		retired: z.boolean(),
	})
	.check(
		z.refine((t) => t._id === `template:${t.family}.v${t.version}`, {
			message: 'a template id must be template:<family>.v<version>',
			path: ['_id'],
		}),
		z.refine((t) => new Set(t.sections.flatMap((s) => s.items.map((i) => i.id))).size === itemCount(t.sections), {
			message: 'item ids must be unique within a template',
			path: ['sections'],
		}),
	);
export type TemplateDoc = z.infer<typeof templateDocSchema>;

function itemCount(sections: { items: unknown[] }[]): number {
	return sections.reduce((n, s) => n + s.items.length, 0);
}

export const ROUND_STATUSES = ['planned', 'in_progress', 'done', 'signed'] as const;

/** A safety round's header in its unit's scope; answers and findings are separate documents. */
export const roundDocSchema = z.strictObject({
	...docBase,
	type: z.literal('round'),
	unitId: z.string().check(z.minLength(1), z.maxLength(64)),
	templateId: z.string().check(z.minLength(1), z.maxLength(200)),
	templateVersion: z.number().check(z.int(), z.gte(1)),
	date: isoDate,
	status: z.enum(ROUND_STATUSES),
	participants: z
		.array(
			z.strictObject({
				name: shortText,
				role: z.enum(['manager', 'safety_rep', 'employee_rep', 'other']),
				/** The account when picked from the unit's people; absent for a typed name (an outsider). */
				account: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
			}),
		)
		.check(z.maxLength(30)),
	/** An employee rep the manager invited to co-sign when the unit has no safety rep (decision 0028). */
	coSigner: z.optional(coSignerSchema),
	/** The organisation's risk bands when the round was locked: its report keeps grading by them. */
	bands: z.optional(riskBandsSchema),
	createdBy: z.string().check(z.minLength(1), z.maxLength(100)),
	photos: z.optional(z.array(photoRefSchema).check(z.maxLength(MAX_PHOTOS_PER_DOC))),
	/** Staff of the unit may send in issues before the round (förhandsanmälan). Absent means no. */
	prereports: z.optional(z.boolean()),
});
export type RoundDoc = z.infer<typeof roundDocSchema>;

/** Svar: ja, delvis, nej, ej aktuellt. */
export const ANSWER_VALUES = ['yes', 'partly', 'no', 'not_applicable'] as const;
export type AnswerValue = (typeof ANSWER_VALUES)[number];

/**
 * One answer to one checklist item of a round, append-only (decision 0005): every change makes a
 * new document and none is ever edited, so two tablets never conflict. The item's current answer
 * is the one with the latest `stamp`; the others are its history. Each document carries the whole
 * state of the item as its author saw it (value, comment, photos, fixed on the spot).
 */
export const answerDocSchema = z
	.strictObject({
		...docBase,
		type: z.literal('answer'),
		roundId: docRef('round'),
		itemId: z.string().check(z.minLength(1), z.maxLength(64)),
		/** Null while only a comment or photo is recorded and the item is not yet answered. */
		value: z.nullable(z.enum(ANSWER_VALUES)),
		comment: z.string().check(z.maxLength(2000)),
		/** Åtgärdat direkt: fixed during the round, so no action is needed. */
		fixedOnSite: z.boolean(),
		/** What was done on the spot (only with `fixedOnSite`). */
		fixedNote: z.string().check(z.maxLength(2000)),
		photos: z.array(photoRefSchema).check(z.maxLength(MAX_PHOTOS_PER_DOC)),
		/** The ordering of answers to one item: a clock stamp, later wins; the device id breaks ties. */
		stamp: hlcSchema,
		answeredAt: isoTime,
		/** The account that answered; the server accepts only the signed-in user's own name. */
		answeredBy: z.string().check(z.minLength(1), z.maxLength(100)),
		answeredByName: shortText,
	})
	.check(
		z.refine((a) => a.fixedOnSite || a.fixedNote === '', {
			message: 'a note on what was fixed needs "fixed on site"',
			path: ['fixedNote'],
		}),
	);
export type AnswerDoc = z.infer<typeof answerDocSchema>;

export { FINDING_CATEGORIES, type FindingCategory } from './schema-parts.ts';
/**
 * Open, closed (fixed: åtgärdat) or withdrawn (not a finding after all, e.g. the item's answer
 * changed). Whether it is still a draft is not a status: a finding is a draft until it has a risk
 * assessment (an `assessment` document, decision 0005).
 */
export const FINDING_STATUSES = ['open', 'closed', 'withdrawn'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
/** How a finding from an earlier round was found again: still open, fixed, or changed. */
export const FOLLOW_UPS = ['still_open', 'fixed', 'changed'] as const;
export type FollowUp = (typeof FOLLOW_UPS)[number];

/** A risk assessment: probability × consequence on 1–4 scales, and whether it is serious (allvarlig). */
export const riskSchema = z.strictObject({
	probability: z.number().check(z.int(), z.gte(1), z.lte(4)),
	consequence: z.number().check(z.int(), z.gte(1), z.lte(4)),
	serious: z.boolean(),
});
export type RiskAssessment = z.infer<typeof riskSchema>;

/**
 * Iakttagelse: something found, in a round or on its own. Mutable (field merge by clock stamps).
 * A finding made from an item's Delvis/Nej answer has `itemId`; one that follows up a finding of
 * an earlier round has `followsUp` and `followUp`. Its risk lives in `assessment` documents.
 */
export const findingDocSchema = z
	.strictObject({
		...docBase,
		type: z.literal('finding'),
		roundId: z.optional(docRef('round')),
		itemId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
		followsUp: z.optional(docRef('finding')),
		followUp: z.optional(z.enum(FOLLOW_UPS)),
		title: shortText,
		description: longText,
		category: z.enum(FINDING_CATEGORIES),
		location: z.string().check(z.maxLength(200)),
		status: z.enum(FINDING_STATUSES),
		photos: z.optional(z.array(photoRefSchema).check(z.maxLength(MAX_PHOTOS_PER_DOC))),
		createdBy: z.string().check(z.minLength(1), z.maxLength(100)),
	})
	.check(
		z.refine((f) => (f.followsUp === undefined) === (f.followUp === undefined), {
			message: 'a follow-up names both the earlier finding and the outcome',
			path: ['followUp'],
		}),
	);
export type FindingDoc = z.infer<typeof findingDocSchema>;

/**
 * Append-only: one risk assessment of a finding (riskbedömning). A re-assessment is a new
 * document, so the history (risk before and after action) is kept and two people never conflict;
 * the finding's risk is its latest assessment by `stamp`.
 */
export const assessmentDocSchema = z
	.strictObject({
		...docBase,
		type: z.literal('assessment'),
		findingId: docRef('finding'),
		/** The round the finding belongs to, so a signed round freezes its assessments too. */
		roundId: z.optional(docRef('round')),
		/**
		 * Absent: the assessment of the finding as found (in its round). `residual`: the risk that is
		 * left after an action's effect check (restrisk); it names no round, so it is allowed after the
		 * round is signed and never changes the signed report (decision 0008).
		 */
		kind: z.optional(z.literal('residual')),
		/** The action whose effect check led to a residual assessment. */
		actionId: z.optional(docRef('action')),
		...riskSchema.shape,
		stamp: hlcSchema,
		assessedAt: isoTime,
		assessedBy: z.string().check(z.minLength(1), z.maxLength(100)),
		assessedByName: shortText,
	})
	.check(
		z.refine((a) => a.kind !== 'residual' || a.roundId === undefined, {
			message: 'a residual assessment belongs to no round',
			path: ['roundId'],
		}),
	);
export type AssessmentDoc = z.infer<typeof assessmentDocSchema>;

/** Planerad, pågår, genomförd, effekt kontrollerad (closed), uppskjuten. */
export const ACTION_STATUSES = ['planned', 'in_progress', 'done', 'effect_checked', 'postponed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
/** Where an action comes from: a finding, a workplace meeting (APT), a survey result, or elsewhere. */
export const ACTION_SOURCES = ['finding', 'meeting', 'survey', 'other'] as const;
export type ActionSource = (typeof ACTION_SOURCES)[number];

/**
 * One line of the unit's action plan (handlingsplan). Mutable (field merge by clock stamps), never
 * deleted; every save also writes an `actionlog` document, which is its history (decision 0008).
 * An action that was not effective is followed by a new one naming it in `follows`.
 */
export const actionDocSchema = z
	.strictObject({
		...docBase,
		type: z.literal('action'),
		unitId: z.string().check(z.minLength(1), z.maxLength(64)),
		source: z.enum(ACTION_SOURCES),
		findingId: z.optional(docRef('finding')),
		/** An action from a survey result (source `survey`): the campaign and the question it answers. */
		campaignId: z.optional(docRef('campaign')),
		questionId: z.optional(z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'expected a key (a–z, 0–9, -)'))),
		/** The action that was not effective and that this one replaces. */
		follows: z.optional(docRef('action')),
		/** Identifierat område eller risk. */
		area: shortText,
		plannedAction: z.string().check(z.trim(), z.minLength(1), z.maxLength(5000)),
		desiredResult: longText,
		/** Ansvarig as shown in the plan (a name, also an outside person's). */
		responsible: shortText,
		/** The responsible person's account, when they have one: their "My actions" list shows it. */
		responsibleUser: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
		start: z.nullable(isoDate),
		due: z.nullable(isoDate),
		done: z.nullable(isoDate),
		followUp: z.nullable(isoDate),
		result: longText,
		comment: longText,
		/** Estimated cost in SEK. */
		estimatedCost: z.nullable(z.number().check(z.gte(0), z.lte(1_000_000_000))),
		status: z.enum(ACTION_STATUSES),
		postponeReason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000))),
		/** The effect check's verdict: set when the status is effect_checked. */
		effective: z.optional(z.boolean()),
	})
	.check(
		z.refine((a) => a.status !== 'postponed' || (a.postponeReason !== undefined && a.due !== null), {
			message: 'a postponed action needs a reason and a new due date',
			path: ['postponeReason'],
		}),
		z.refine((a) => a.status !== 'effect_checked' || a.effective !== undefined, {
			message: 'an effect check says whether the action was effective',
			path: ['effective'],
		}),
		z.refine((a) => a.source !== 'finding' || a.findingId !== undefined, {
			message: 'an action from a finding names the finding',
			path: ['findingId'],
		}),
	);
export type ActionDoc = z.infer<typeof actionDocSchema>;

/** A value an action field can hold, as its history records it. */
const logValueSchema = z.union([z.string().check(z.maxLength(5000)), z.number(), z.boolean(), z.null()]);
export type LogValue = z.infer<typeof logValueSchema>;

/**
 * Append-only: one save of an action (created or changed), by whom and when, with each changed
 * field's value before and after. Written in the same device transaction as the action, so the
 * history is complete; edits on two devices make two entries and nothing is lost (decision 0008).
 */
export const actionLogDocSchema = z.strictObject({
	...docBase,
	type: z.literal('actionlog'),
	actionId: docRef('action'),
	event: z.enum(['created', 'changed']),
	changes: z
		.array(
			z.strictObject({
				field: z.string().check(z.minLength(1), z.maxLength(64)),
				from: logValueSchema,
				to: logValueSchema,
			}),
		)
		.check(z.maxLength(40)),
	at: isoTime,
	/** The account that saved; the server accepts only the signed-in user's own name. */
	by: z.string().check(z.minLength(1), z.maxLength(100)),
	byName: shortText,
});
export type ActionLogDoc = z.infer<typeof actionLogDocSchema>;

/** Append-only: a person's signature of a round, in a role they hold in the unit. */
export const signatureDocSchema = z.strictObject({
	...docBase,
	type: z.literal('signature'),
	roundId: docRef('round'),
	/** The account that signs; the server accepts only the signed-in user's own name. */
	signedBy: z.string().check(z.minLength(1), z.maxLength(100)),
	signerName: shortText,
	/** `employee_rep`: the co-signer the round invites, signing on the safety rep's side (decision 0028). */
	role: z.enum(['manager', 'safety_rep', 'employee_rep']),
	signedAt: isoTime,
	/** Reservation: the signer's objection, kept with the signature. */
	reservation: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(5000))),
});
export type SignatureDoc = z.infer<typeof signatureDocSchema>;

/**
 * Förhandsanmälan: an issue a staff member of the unit sends in before a planned round that
 * accepts them. Written once by its author (staff may write nothing else in a unit scope).
 */
export const prereportDocSchema = z.strictObject({
	...docBase,
	type: z.literal('prereport'),
	unitId: z.string().check(z.minLength(1), z.maxLength(64)),
	roundId: docRef('round'),
	/** The account that sent it; the server accepts only the signed-in user's own name. */
	submittedBy: z.string().check(z.minLength(1), z.maxLength(100)),
	submitterName: shortText,
	title: shortText,
	description: longText,
	location: z.string().check(z.maxLength(200)),
	/** The checklist item it concerns, when the sender chose one: shown beside it while walking. */
	itemId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
});
export type PrereportDoc = z.infer<typeof prereportDocSchema>;

/** `GET /api/prereport-rounds`: a planned round that takes pre-reports, for staff who do not sync the unit. */
export const openPrereportRoundSchema = z.object({
	roundId: z.string(),
	unitId: z.string(),
	unitName: z.string(),
	date: isoDate,
	templateId: z.string(),
});
export type OpenPrereportRound = z.infer<typeof openPrereportRoundSchema>;
export const openPrereportRoundsSchema = z.array(openPrereportRoundSchema);

/**
 * Append-only: a signed round opened again (återöppnad), with the written reason. It names the
 * signatures it sets aside, so the round is locked again only by new signatures of both roles;
 * two people reopening at once make two records and nothing is lost (decision 0007).
 */
export const reopeningDocSchema = z.strictObject({
	...docBase,
	type: z.literal('reopening'),
	roundId: docRef('round'),
	reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)),
	/** The signatures of the round this reopening sets aside. */
	voids: z.array(docRef('signature')).check(z.maxLength(50)),
	reopenedAt: isoTime,
	/** The account that reopens; the server accepts only the signed-in user's own name. */
	reopenedBy: z.string().check(z.minLength(1), z.maxLength(100)),
	reopenedByName: shortText,
});
export type ReopeningDoc = z.infer<typeof reopeningDocSchema>;

/** The fixed id of the organisation's risk settings: one document, edited in place by HR. */
export const RISK_SETTINGS_ID = 'settings:risk';

/**
 * The organisation's settings for the risk matrix in the `org` scope: the bands that turn a
 * score 1–16 into låg, medel, hög or allvarlig. Three rising thresholds, so the four levels are
 * contiguous, in order, each non-empty, and together cover 1–16.
 */
export const riskSettingsDocSchema = z.strictObject({
	...docBase,
	_id: z.literal(RISK_SETTINGS_ID),
	type: z.literal('settings'),
	scope: z.literal('org'),
	bands: riskBandsSchema,
});
export type RiskSettingsDoc = z.infer<typeof riskSettingsDocSchema>;

/** Begäran enligt 6 kap. 6 a § arbetsmiljölagen: om åtgärder, or om undersökning. */
export const REQUEST_KINDS = ['measures', 'investigation'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
/** The employer's answer: the request is met, partly met, or not met. */
export const REQUEST_DECISIONS = ['accepted', 'partly', 'rejected'] as const;
export type RequestDecision = (typeof REQUEST_DECISIONS)[number];

/** Who recorded something, and when: the account (the server accepts only the signed-in user's own), their name. */
const recordedSchema = {
	at: isoTime,
	by: z.string().check(z.minLength(1), z.maxLength(100)),
	byName: shortText,
};

/** The employer's written confirmation that a request was received (the time is the record). */
export const requestReceiptSchema = z.strictObject({ ...recordedSchema });
/** The employer's written answer to a request, with the action-plan lines it led to. */
export const requestAnswerSchema = z.strictObject({
	...recordedSchema,
	decision: z.enum(REQUEST_DECISIONS),
	text: z.string().check(z.trim(), z.minLength(1), z.maxLength(5000)),
	actionIds: z.array(docRef('action')).check(z.maxLength(50)),
});
/** The safety rep turned to Arbetsmiljöverket (6 kap. 6 a § third paragraph). */
export const requestEscalationSchema = z.strictObject({
	...recordedSchema,
	note: z.string().check(z.maxLength(2000)),
});

/**
 * A safety rep's formal request (begäran enligt 6 kap. 6 a § AML) in its unit's scope. Mutable,
 * merged per field (decision 0004), but each group of fields has one writer: the safety rep files
 * it (the filed fields never change), a manager of the unit confirms receipt and answers, the
 * safety rep may escalate. Each group is one field, so a group never merges half from each side,
 * and the manager's and the safety rep's concurrent edits touch different fields (decision 0009).
 */
export const requestDocSchema = z.strictObject({
	...docBase,
	type: z.literal('request'),
	unitId: z.string().check(z.minLength(1), z.maxLength(64)),
	kind: z.enum(REQUEST_KINDS),
	subject: shortText,
	description: z.string().check(z.trim(), z.minLength(1), z.maxLength(5000)),
	location: z.string().check(z.maxLength(200)),
	requestedMeasures: longText,
	/** The date by which the safety rep wants the answer (skälig tid; 14 days is common practice, not law). */
	replyBy: isoDate,
	filedAt: isoTime,
	/** The safety rep who filed it; the server accepts only the signed-in user's own name. */
	filedBy: z.string().check(z.minLength(1), z.maxLength(100)),
	filedByName: shortText,
	receipt: z.optional(requestReceiptSchema),
	answer: z.optional(requestAnswerSchema),
	escalation: z.optional(requestEscalationSchema),
});
export type RequestDoc = z.infer<typeof requestDocSchema>;
export type RequestAnswer = z.infer<typeof requestAnswerSchema>;

/** What became of a work stop: written by the manager or the safety rep, updated as it goes. */
export const workstopOutcomeSchema = z.strictObject({
	...recordedSchema,
	text: z.string().check(z.trim(), z.minLength(1), z.maxLength(5000)),
	/** When work resumed; null while it is still stopped. */
	resumedAt: z.nullable(isoTime),
});

/**
 * Skyddsombudsstopp (6 kap. 7 § AML): a safety rep stopped work with immediate and serious danger,
 * pending Arbetsmiljöverket's decision. Recorded by the safety rep (those fields never change);
 * the outcome and whether Arbetsmiljöverket was asked to decide are written by either party.
 */
export const workstopDocSchema = z.strictObject({
	...docBase,
	type: z.literal('workstop'),
	unitId: z.string().check(z.minLength(1), z.maxLength(64)),
	stoppedAt: isoTime,
	/** The work that was stopped, and where. */
	work: shortText,
	reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(5000)),
	recordedAt: isoTime,
	/** The safety rep who stopped the work; the server accepts only the signed-in user's own name. */
	recordedBy: z.string().check(z.minLength(1), z.maxLength(100)),
	recordedByName: shortText,
	/** Arbetsmiljöverket was asked to decide whether the work may resume. */
	authorityAsked: z.boolean(),
	outcome: z.optional(workstopOutcomeSchema),
});
export type WorkstopDoc = z.infer<typeof workstopDocSchema>;

/** A signature of the annual follow-up: who, when, and the fingerprint of the content signed. */
export const followUpSignatureSchema = z.strictObject({
	/** The account that signs; the server accepts only the signed-in user's own name. */
	by: z.string().check(z.minLength(1), z.maxLength(100)),
	name: shortText,
	at: isoTime,
	/** SHA-256 of the content signed (`followUpContentHash`): the signature counts while it is unchanged. */
	contentHash: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'not a SHA-256')),
});
export type FollowUpSignature = z.infer<typeof followUpSignatureSchema>;

const followUpValueSchema = z.optional(z.enum(FOLLOW_UP_VALUES));
const followUpCommentSchema = z.optional(z.string().check(z.maxLength(5000)));
/** One field per answer and per comment, so two people answering different questions never overwrite each other. */
const followUpAnswerShape = Object.fromEntries(
	FOLLOW_UP_QUESTIONS.flatMap((q) => [
		[q, followUpValueSchema],
		[`${q}Comment`, followUpCommentSchema],
	]),
) as { [K in FollowUpQuestion]: typeof followUpValueSchema } & {
	[K in CommentField]: typeof followUpCommentSchema;
};

/**
 * Årlig uppföljning: one unit's annual follow-up of its work-environment management, one per
 * unit and year with the id `followup:<unitId>-<year>`, so two devices starting the same year
 * meet on one document (decision 0010). Mutable, merged per field; every answer, comment and
 * signature is absent until written. Locked once both signatures name the current content.
 */
export const followUpDocSchema = z
	.strictObject({
		...docBase,
		type: z.literal('followup'),
		unitId: z.string().check(z.minLength(1), z.maxLength(64)),
		year: z.number().check(z.int(), z.gte(2000), z.lte(2999)),
		...followUpAnswerShape,
		conclusions: z.optional(z.string().check(z.maxLength(10_000))),
		/** The actions (handlingsplan) that follow from the follow-up. */
		actionIds: z.optional(z.array(docRef('action')).check(z.maxLength(200))),
		managerSignature: z.optional(followUpSignatureSchema),
		/** The safety rep's side: a safety rep, or the invited `coSigner` (decision 0028). */
		safetyRepSignature: z.optional(followUpSignatureSchema),
		coSigner: z.optional(coSignerSchema),
	})
	.check(
		z.refine((f) => f._id === followUpId(f.unitId, f.year), {
			message: 'an annual follow-up id must be followup:<unitId>-<year>',
			path: ['_id'],
		}),
	);
export type FollowUpDoc = z.infer<typeof followUpDocSchema>;

/** A deleted document: keeps its type and scope so access rules still apply to it. */
export const tombstoneSchema = z.strictObject({
	_id: docBase._id,
	_rev: docBase._rev,
	_deleted: z.literal(true),
	type: z.enum(DOC_TYPES),
	scope: docBase.scope,
});

const liveDocSchema = z.discriminatedUnion('type', [
	unitDocSchema,
	templateDocSchema,
	roundDocSchema,
	answerDocSchema,
	findingDocSchema,
	assessmentDocSchema,
	actionDocSchema,
	actionLogDocSchema,
	signatureDocSchema,
	prereportDocSchema,
	reopeningDocSchema,
	riskSettingsDocSchema,
	requestDocSchema,
	workstopDocSchema,
	followUpDocSchema,
	surveyDocSchema,
	campaignDocSchema,
	statsDocSchema,
	surveyResultDocSchema,
	surveyTextDocSchema,
]);
export type LiveDoc = z.infer<typeof liveDocSchema>;

/** Largest JSON size of one document (architecture §7: small documents). */
export const MAX_DOC_BYTES = 1024 * 1024;

export type DocCheck = { ok: true; doc: LiveDoc | z.infer<typeof tombstoneSchema> } | { ok: false; reason: string };

/**
 * Check one incoming document against the wire format: nesting, size, schema, id prefix matches type.
 * @example checkDoc({ _id: 'round:1', type: 'unit' }) // { ok: false, reason: 'id round:1 does not match type unit' }
 */
export function checkDoc(input: unknown): DocCheck {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		return { ok: false, reason: 'a document must be a JSON object' };
	}
	// First: measuring the size walks the document recursively, which a deep one would overflow.
	if (valueTooDeep(input, MAX_DOC_DEPTH)) return { ok: false, reason: TOO_DEEP_REASON };
	// Bytes, not characters: å, ä and ö take two. No character takes more than three, so a short
	// text needs no encoding to be under the limit (encoding every document cost a bulk push time).
	const json = JSON.stringify(input);
	const size = json.length * 3 <= MAX_DOC_BYTES ? json.length : new TextEncoder().encode(json).length;
	if (size > MAX_DOC_BYTES) return { ok: false, reason: `document is ${size} bytes, over the 1 MB limit` };
	const raw = input as Record<string, unknown>;
	const schema = raw._deleted === true ? tombstoneSchema : liveDocSchema;
	const parsed = schema.safeParse(input);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const path = issue?.path.join('.') || 'document';
		return { ok: false, reason: `${path}: ${issue?.message ?? 'invalid'}` };
	}
	const id = String(raw._id);
	if (idType(id) !== raw.type) return { ok: false, reason: `id ${id} does not match type ${String(raw.type)}` };
	return { ok: true, doc: parsed.data };
}

/** One scope the signed-in user may sync, as `/api/me` lists it. */
export const scopeGrantSchema = z.object({
	scope: z.string(),
	unitId: z.nullable(z.string()),
	unitName: z.nullable(z.string()),
	role: roleSchema,
	write: z.boolean(),
});
export type ScopeGrant = z.infer<typeof scopeGrantSchema>;

/** `GET /api/me`. */
export const meSchema = z.object({
	name: z.string(),
	displayName: z.string(),
	roles: z.array(roleSchema),
	scopes: z.array(scopeGrantSchema),
});
export type Me = z.infer<typeof meSchema>;

/**
 * `GET /api/units/:unitId/members`: one of the unit's people, with their role there (managers and
 * safety reps may take on actions; everyone may be a round's participant; an employee rep may be
 * invited to co-sign).
 */
export const unitMemberSchema = z.object({
	name: z.string(),
	displayName: z.string(),
	role: z.enum(['manager', 'safety_rep', 'employee_rep', 'staff']),
});
export type UnitMember = z.infer<typeof unitMemberSchema>;
export const unitMembersSchema = z.object({ members: z.array(unitMemberSchema) });

/** The shortest new password the server takes, and the longest password of any kind. */
export const NEW_PASSWORD_MIN = 10;
export const PASSWORD_MAX = 500;

/** `POST /db/_session` body. */
export const signInSchema = z.object({
	name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
	password: z.string().check(z.minLength(1), z.maxLength(PASSWORD_MAX)),
});

/** `POST /api/me/password` body: the current password and a new one of `NEW_PASSWORD_MIN` characters or more. */
export const passwordChangeSchema = z.object({
	password: z.string().check(z.minLength(1), z.maxLength(PASSWORD_MAX)),
	newPassword: z.string().check(z.minLength(NEW_PASSWORD_MIN), z.maxLength(PASSWORD_MAX)),
});

/** One row of `_changes` (architecture §3). Sequences are opaque. */
export const changeRowSchema = z.object({
	seq: z.union([z.string(), z.number()]),
	id: z.string(),
	changes: z.array(z.object({ rev: z.string() })),
	deleted: z.optional(z.boolean()),
	doc: z.optional(z.record(z.string(), z.unknown())),
});
export const changesResponseSchema = z.object({
	results: z.array(changeRowSchema),
	last_seq: z.union([z.string(), z.number()]),
	pending: z.optional(z.number()),
});
export type ChangesResponse = z.infer<typeof changesResponseSchema>;

/** One per-document answer of `_bulk_docs`, in request order. */
export const bulkResultSchema = z.union([
	z.object({ id: z.string(), rev: z.string(), ok: z.optional(z.literal(true)) }),
	z.object({ id: z.string(), error: z.string(), reason: z.string() }),
]);
export const bulkResultsSchema = z.array(bulkResultSchema);
export type BulkResult = z.infer<typeof bulkResultSchema>;
