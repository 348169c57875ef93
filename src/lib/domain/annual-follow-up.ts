/**
 * The annual follow-up of the systematic work-environment management (årlig uppföljning av
 * SAM): once a year per unit, the manager and the safety rep go through guided questions, write
 * their conclusions, link the actions that follow, and both sign (decision 0010).
 *
 * One document per unit and year with a fixed id, so two devices that start the same year's
 * follow-up meet on one document and merge per field. Every answer and comment is its own
 * top-level field and is absent until written, so a device that only opened the form never
 * overwrites what the other wrote. A signature names the SHA-256 of the content it signed: it
 * counts while the content is unchanged, and the record is locked once both count.
 * Pure: no storage, no clock.
 */
import { canonicalJson } from './merge.ts';
import { SAME_SIGNER_REASON } from './recorded.ts';
import { sha256Text } from './sha256.ts';
import { currentRisk, assessmentsByFinding, byId } from './round-state.ts';
import { DEFAULT_RISK_BANDS, riskLevel, type RiskBands, type RiskLevel } from './risk.ts';
import { requestState } from './safety-requests.ts';
// Types only: schemas.ts imports this module's question and value lists.
import type {
	ActionDoc,
	AssessmentDoc,
	FindingDoc,
	FollowUpDoc,
	FollowUpSignature,
	RequestDecision,
	RequestDoc,
	RequestKind,
	RoundDoc,
	TemplateDoc,
	TemplateKind,
	WorkstopDoc,
} from './schemas.ts';

/**
 * The guided questions, in the order they are asked. The first six are what the issue names
 * (rounds, risks, actions, routines and distribution of tasks, incidents, sick leave); the rest
 * are what AFS 2023:1 and the domain brief add (knowledge, co-operation, occupational health
 * service, policy).
 */
export const FOLLOW_UP_QUESTIONS = [
	'rounds',
	'risks',
	'actions',
	'routines',
	'incidents',
	'sickLeave',
	'competence',
	'cooperation',
	'healthService',
	'policy',
] as const;
export type FollowUpQuestion = (typeof FOLLOW_UP_QUESTIONS)[number];

/** Ja, delvis, nej. */
export const FOLLOW_UP_VALUES = ['yes', 'partly', 'no'] as const;
export type FollowUpValue = (typeof FOLLOW_UP_VALUES)[number];

/** The field that holds a question's comment. */
export type CommentField = `${FollowUpQuestion}Comment`;
export function commentField(question: FollowUpQuestion): CommentField {
	return `${question}Comment`;
}

export const FOLLOW_UP_SIGN_ROLES = ['manager', 'safety_rep'] as const;
export type FollowUpSignRole = (typeof FOLLOW_UP_SIGN_ROLES)[number];

/** The field that holds a role's signature. */
export function signatureField(role: FollowUpSignRole): 'managerSignature' | 'safetyRepSignature' {
	return role === 'manager' ? 'managerSignature' : 'safetyRepSignature';
}

/**
 * The capacity a side's signature was given in: the safety rep's side signed by the invited
 * co-signer is an employee rep's (decision 0028).
 * @example signerCapacity(doc, 'safety_rep') // 'employee_rep' when doc.coSigner signed it
 */
export function signerCapacity(
	doc: Pick<FollowUpDoc, 'coSigner' | 'safetyRepSignature'> | undefined,
	role: FollowUpSignRole,
): FollowUpSignRole | 'employee_rep' {
	const invited = doc?.coSigner?.name;
	return role === 'safety_rep' && invited !== undefined && doc?.safetyRepSignature?.by === invited
		? 'employee_rep'
		: role;
}

const ID_RE = /^followup:(.+)-(\d{4})$/;

/**
 * The id of a unit's follow-up of one year: the same on every device.
 * @example followUpId('a1', 2026) // 'followup:a1-2026'
 */
export function followUpId(unitId: string, year: number): string {
	return `followup:${unitId}-${String(year).padStart(4, '0')}`;
}

/**
 * The unit and year an id names, or undefined.
 * @example parseFollowUpId('followup:avd-a-2026') // { unitId: 'avd-a', year: 2026 }
 */
export function parseFollowUpId(id: string): { unitId: string; year: number } | undefined {
	const match = ID_RE.exec(id);
	if (!match) return undefined;
	return { unitId: match[1] as string, year: Number(match[2]) };
}

/** What a follow-up says, apart from bookkeeping and signatures; absent fields as their empty value. */
export function followUpContent(doc: Partial<FollowUpDoc>): Record<string, unknown> {
	const content: Record<string, unknown> = { unitId: doc.unitId, year: doc.year };
	for (const q of FOLLOW_UP_QUESTIONS) {
		content[q] = doc[q] ?? null;
		content[commentField(q)] = doc[commentField(q)] ?? '';
	}
	content.conclusions = doc.conclusions ?? '';
	// A set of links: the order they were ticked in says nothing.
	content.actionIds = [...(doc.actionIds ?? [])].sort();
	return content;
}

/**
 * The fingerprint a signature names: SHA-256 of the content's canonical JSON.
 * @example followUpContentHash(doc) // '3f1c…' (64 hex digits)
 */
export function followUpContentHash(doc: Partial<FollowUpDoc>): string {
	return sha256Text(canonicalJson(followUpContent(doc)));
}

/** Why a follow-up cannot be signed yet. */
export type FollowUpBlockers = { unanswered: FollowUpQuestion[]; noConclusions: boolean };

/** What is missing before the follow-up may be signed: every question answered, conclusions written. */
export function followUpBlockers(doc: Partial<FollowUpDoc> | undefined): FollowUpBlockers {
	return {
		unanswered: FOLLOW_UP_QUESTIONS.filter((q) => !doc?.[q]),
		noConclusions: (doc?.conclusions ?? '').trim() === '',
	};
}

export function isComplete(doc: Partial<FollowUpDoc> | undefined): boolean {
	const b = followUpBlockers(doc);
	return b.unanswered.length === 0 && !b.noConclusions;
}

/** One role's signature and whether it still counts (the content is what was signed). */
export type RoleSignature = { signature: FollowUpSignature; counts: boolean };

export type FollowUpStatus = 'not_started' | 'in_progress' | 'signed';

export type FollowUpState = {
	status: FollowUpStatus;
	answered: number;
	total: number;
	blockers: FollowUpBlockers;
	complete: boolean;
	signatures: Record<FollowUpSignRole, RoleSignature | undefined>;
	/** Both roles' signatures count but are from one account (which never locks the record). */
	sameSigner: boolean;
	/** Both roles' signatures count, from two different accounts: nothing may change any more. */
	locked: boolean;
};

/**
 * Where a follow-up stands: progress, what blocks signing, the signatures and whether they
 * still count, and whether it is locked.
 * @example followUpState(undefined).status // 'not_started'
 */
export function followUpState(doc: FollowUpDoc | undefined): FollowUpState {
	const blockers = followUpBlockers(doc);
	const hash = doc ? followUpContentHash(doc) : '';
	const signatures = Object.fromEntries(
		FOLLOW_UP_SIGN_ROLES.map((role) => {
			const signature = doc?.[signatureField(role)];
			return [role, signature ? { signature, counts: signature.contentHash === hash } : undefined];
		}),
	) as Record<FollowUpSignRole, RoleSignature | undefined>;
	const counting = FOLLOW_UP_SIGN_ROLES.every((role) => signatures[role]?.counts === true);
	const sameSigner = counting && signatures.manager?.signature.by === signatures.safety_rep?.signature.by;
	const locked = counting && !sameSigner;
	return {
		status: !doc ? 'not_started' : locked ? 'signed' : 'in_progress',
		answered: FOLLOW_UP_QUESTIONS.length - blockers.unanswered.length,
		total: FOLLOW_UP_QUESTIONS.length,
		blockers,
		complete: blockers.unanswered.length === 0 && !blockers.noConclusions,
		signatures,
		sameSigner,
		locked,
	};
}

/** Fields a merge or a save changes without anyone changing the record. */
const BOOKKEEPING = new Set(['_rev', 'clock', 'updatedAt']);

/**
 * The server's rules for a change to a follow-up (the stored version to the incoming one), as
 * the writer `userName` holding `unitRoles` in the unit: never deleted; nothing changes once
 * both signatures count; a signature is given only in one's own name and in a role one holds,
 * never by the account whose signature of the other role counts, is never taken away, and only
 * on complete content. The server calls it for writes based on the stored revision; others are
 * answered `conflict` (decision 0015).
 * @example followUpChangeRefusal(locked, { ...locked, conclusions: 'x' }, 'chef', ['manager']) // 'the annual follow-up is signed …'
 */
export function followUpChangeRefusal(
	stored: Record<string, unknown> | undefined,
	incoming: Record<string, unknown>,
	userName: string,
	unitRoles: readonly string[],
): string | undefined {
	if (incoming._deleted === true) return 'an annual follow-up is never deleted';
	const before = stored as FollowUpDoc | undefined;
	const after = incoming as FollowUpDoc;
	if (before && followUpState(before).locked) {
		const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
		const changed = [...keys].some(
			(k) =>
				!BOOKKEEPING.has(k) &&
				canonicalJson((before as Record<string, unknown>)[k]) !== canonicalJson((after as Record<string, unknown>)[k]),
		);
		return changed ? 'the annual follow-up is signed by both and can no longer change' : undefined;
	}
	const hash = followUpContentHash(after);
	for (const role of FOLLOW_UP_SIGN_ROLES) {
		const field = signatureField(role);
		const was = before?.[field];
		const now = after[field];
		if (was && !now) return 'a signature cannot be taken away';
		if (!now || canonicalJson(now) === canonicalJson(was)) continue;
		if (now.by !== userName) return 'you may sign only as yourself';
		// The employees' side: a safety rep, or the employee rep the follow-up invites (decision 0028).
		const invited = role === 'safety_rep' && unitRoles.includes('employee_rep') && after.coSigner?.name === userName;
		if (!unitRoles.includes(role) && !invited) return `you are not ${role} of this unit`;
		// One account never signs as both, whatever roles it holds by then.
		const other = after[signatureField(role === 'manager' ? 'safety_rep' : 'manager')];
		if (other && other.by === now.by && other.contentHash === hash) return SAME_SIGNER_REASON;
		if (now.contentHash === hash && !isComplete(after)) {
			return 'answer every question and write the conclusions before signing';
		}
	}
	if (followUpState(after).locked && !isComplete(after)) {
		return 'answer every question and write the conclusions before signing';
	}
	return undefined;
}

/** The units of `unitIds` whose follow-up of `year` is not signed yet: due this year. */
export function dueUnits(unitIds: readonly string[], followUps: readonly FollowUpDoc[], year: number): string[] {
	const signed = new Set(followUps.filter((f) => f.year === year && followUpState(f).locked).map((f) => f.unitId));
	return unitIds.filter((id) => !signed.has(id));
}

/** The year's facts from the unit's own data, shown beside the questions. */
export type FollowUpFacts = {
	rounds: {
		signed: number;
		notSigned: number;
		/** Signed rounds per template kind. */
		signedByKind: Partial<Record<TemplateKind, number>>;
	};
	findings: {
		total: number;
		open: number;
		closed: number;
		unassessed: number;
		serious: number;
		byLevel: Record<RiskLevel, number>;
	};
	actions: { open: number; postponed: number; done: number; effectChecked: number; overdue: number };
	/** The safety rep's requests (6 kap. 6 a § AML) filed during the year, where they stand now. */
	requests: {
		total: number;
		byKind: Record<RequestKind, number>;
		answered: number;
		byDecision: Record<RequestDecision, number>;
		unanswered: number;
		/** Unanswered and past the reply date on `today` (decision 0009's rule). */
		overdue: number;
		/** Taken to Arbetsmiljöverket by the safety rep. */
		escalated: number;
	};
	/** Work stops (skyddsombudsstopp, 6 kap. 7 § AML) made during the year. */
	workstops: {
		total: number;
		/** Arbetsmiljöverket was asked to decide. */
		authorityAsked: number;
		/** No outcome with a time work resumed. */
		stillStopped: number;
	};
};

const OPEN_ACTION: ReadonlySet<ActionDoc['status']> = new Set(['planned', 'in_progress', 'postponed']);

/**
 * The facts of `year` for one unit from the documents on the device: its rounds of the year
 * (signed and not), the findings of those rounds (and findings of no round made that year) with
 * their current risk, the actions that were made, due or done that year or are still open, and
 * the safety rep's requests filed and work stops made that year with where they stand on `today`.
 * @example followUpFacts({ unitId: 'a1', year: 2026, rounds, templates, findings, assessments, actions, requests, workstops, today: '2026-11-27' }).rounds.signed // 2
 */
export function followUpFacts(opts: {
	unitId: string;
	year: number;
	rounds: readonly RoundDoc[];
	templates: readonly TemplateDoc[];
	findings: readonly FindingDoc[];
	assessments: readonly AssessmentDoc[];
	actions: readonly ActionDoc[];
	requests: readonly RequestDoc[];
	workstops: readonly WorkstopDoc[];
	today: string;
	bands?: RiskBands;
}): FollowUpFacts {
	const scope = `unit-${opts.unitId}`;
	const inYear = (date: string | null | undefined): boolean => !!date && date.startsWith(`${opts.year}-`);
	const kinds = new Map(opts.templates.map((t) => [t._id, t.kind]));
	const rounds = opts.rounds.filter((r) => r.unitId === opts.unitId && inYear(r.date));
	const signedByKind: Partial<Record<TemplateKind, number>> = {};
	for (const r of rounds) {
		if (r.status !== 'signed') continue;
		const kind = kinds.get(r.templateId) ?? 'other';
		signedByKind[kind] = (signedByKind[kind] ?? 0) + 1;
	}
	const signed = rounds.filter((r) => r.status === 'signed').length;

	const roundIds = new Set(rounds.map((r) => r._id));
	const unitFindings = opts.findings.filter((f) => f.scope === scope);
	const findings = unitFindings.filter(
		(f) => f.status !== 'withdrawn' && (f.roundId ? roundIds.has(f.roundId) : inYear(f.createdAt)),
	);
	const findingsById = byId(unitFindings);
	const byFinding = assessmentsByFinding(opts.assessments.filter((a) => a.scope === scope));
	const byLevel: Record<RiskLevel, number> = { low: 0, medium: 0, high: 0, severe: 0 };
	let unassessed = 0;
	let serious = 0;
	for (const f of findings) {
		const risk = currentRisk(f, findingsById, byFinding);
		if (!risk) {
			unassessed++;
			continue;
		}
		byLevel[riskLevel(risk.probability, risk.consequence, opts.bands ?? DEFAULT_RISK_BANDS)]++;
		if (risk.serious) serious++;
	}

	const actions = opts.actions.filter(
		(a) =>
			a.scope === scope &&
			(OPEN_ACTION.has(a.status) || inYear(a.createdAt) || inYear(a.done) || inYear(a.due) || inYear(a.followUp)),
	);
	const count = (status: ActionDoc['status']): number => actions.filter((a) => a.status === status).length;
	return {
		rounds: { signed, notSigned: rounds.length - signed, signedByKind },
		findings: {
			total: findings.length,
			open: findings.filter((f) => f.status === 'open').length,
			closed: findings.filter((f) => f.status === 'closed').length,
			unassessed,
			serious,
			byLevel,
		},
		actions: {
			open: count('planned') + count('in_progress'),
			postponed: count('postponed'),
			done: count('done'),
			effectChecked: count('effect_checked'),
			overdue: actions.filter((a) => OPEN_ACTION.has(a.status) && a.due !== null && a.due < opts.today).length,
		},
		requests: requestFacts(
			opts.requests.filter((r) => r.unitId === opts.unitId && inYear(r.filedAt)),
			opts.today,
		),
		workstops: workstopFacts(opts.workstops.filter((w) => w.unitId === opts.unitId && inYear(w.stoppedAt))),
	};
}

/** The counts of `requests` (already the unit's and the year's), with their state on `today`. */
function requestFacts(requests: readonly RequestDoc[], today: string): FollowUpFacts['requests'] {
	const byKind: Record<RequestKind, number> = { measures: 0, investigation: 0 };
	const byDecision: Record<RequestDecision, number> = { accepted: 0, partly: 0, rejected: 0 };
	let answered = 0;
	let overdue = 0;
	let escalated = 0;
	for (const r of requests) {
		byKind[r.kind]++;
		const state = requestState(r, today);
		if (r.answer) {
			answered++;
			byDecision[r.answer.decision]++;
		}
		if (state.overdue) overdue++;
		if (state.escalated) escalated++;
	}
	return {
		total: requests.length,
		byKind,
		answered,
		byDecision,
		unanswered: requests.length - answered,
		overdue,
		escalated,
	};
}

function workstopFacts(stops: readonly WorkstopDoc[]): FollowUpFacts['workstops'] {
	return {
		total: stops.length,
		authorityAsked: stops.filter((w) => w.authorityAsked).length,
		stillStopped: stops.filter((w) => !w.outcome?.resumedAt).length,
	};
}
