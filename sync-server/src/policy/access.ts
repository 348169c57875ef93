/**
 * Who may read and write what: default deny, in this one table-driven module. Three tables
 * read like the rules they encode: GRANTS (which scopes a role or membership opens),
 * WRITERS (which document types a scope kind holds and who writes each), and TRANSITIONS
 * (per-type rules on the change from the stored version to the incoming one).
 * Pure functions of a user, the org tree and documents the caller already read, so they are
 * easy to test. It must never grant anything not written in these tables, and never reads
 * storage itself (the route passes what `referencedIds` asks for).
 */
import type {
	ActionStatus,
	AnswerDoc,
	AssessmentDoc,
	DocType,
	FindingDoc,
	ReopeningDoc,
	Role,
	RoundDoc,
	ScopeGrant,
	SignatureDoc,
	TemplateDoc,
} from '../../../src/lib/domain/index.ts';
import {
	campaignChangeRefusal,
	earlierSurveyIds,
	swedishDay,
	surveyChangeRefusal,
	unchangedSurveyRefusal,
	actionMoveRefusal,
	asUnsigned,
	canSign,
	followUpChangeRefusal,
	coSignerRefusal,
	idKey,
	invitationRefusal,
	isScope,
	reopenBlocker,
	reportsScope,
	requestChangeRefusal,
	ROLE_SUBMIT_REASON,
	SIGN_ROLES,
	signerRefusal,
	signOffState,
	unitScope,
	userScope,
	workstopChangeRefusal,
} from '../../../src/lib/domain/index.ts';
import { sameContent, type MergeableDoc } from '../../../src/lib/domain/merge.ts';
import { recordRefusal, SAME_SIGNER_REASON, TEMPLATE_ANSWERED_REASON } from '../../../src/lib/domain/recorded.ts';
import {
	earlierVersionIds,
	templateChangeRefusal,
	unchangedPublishRefusal,
} from '../../../src/lib/domain/templates.ts';
import { OLDER_APP_REASON, PUBLISHED_TEMPLATE_REASON } from '../../../src/lib/domain/older-app.ts';

export type MembershipRole = 'manager' | 'safety_rep' | 'main_safety_rep' | 'employee_rep' | 'staff';
export type Membership = { unitId: string; role: MembershipRole };

/** One of a unit's people by their membership there (the server's roster), for the co-signer rule. */
export type UnitPerson = { name: string; displayName: string; role: MembershipRole };

/** What the grants need to know about a user. */
export type Grantee = { name: string; roles: Role[]; memberships: Membership[] };

/** What the write rules need to know about a signed-in user (`displayName` is what their records must name). */
export type PolicyUser = Grantee & { displayName: string };

/** What the policy needs to know about an org unit (a `unit` doc in `org`). */
export type PolicyUnit = { _id: string; name: string; parentId: string | null };

/** `org`, `unit-<id>`, `user-<name>`, `reports` (whole organisation), `reports-<unitId>` (a unit's subtree). */
export type ScopeKind = 'org' | 'unit' | 'user' | 'reports' | 'unitReports';

type Access = 'read' | 'write';

/**
 * GRANTS. Each line says which scopes a role or membership opens. Anything not listed is
 * denied. Every unit a user may read, they may also read that unit's summaries in
 * `reports-<unitId>` (decision 0003); no client ever writes a report scope.
 */
const GRANTS = {
	/** Every signed-in user: read `org`, read/write their own `user-<name>`. */
	signedIn: { org: 'read', ownUserScope: 'write' },
	/** Global roles: HR and admin keep the org tree and templates; HR reads organisation-wide summaries. */
	roles: {
		hr: { org: 'write', reports: 'read' },
		admin: { org: 'write' },
	} as Partial<Record<Role, { org?: Access; reports?: Access }>>,
	/** Unit memberships: the own unit, and the units below it. `null` = nothing. */
	memberships: {
		manager: { own: 'write', descendants: 'read' },
		safety_rep: { own: 'write', descendants: null },
		// Huvudskyddsombud: a safety rep of every unit in the subtree (decision 0028).
		main_safety_rep: { own: 'write', descendants: 'write' },
		// Arbetstagarrepresentant: walks and co-signs the unit's rounds when invited (decision 0028).
		employee_rep: { own: 'write', descendants: null },
		// Staff answer surveys through /anon; they sync no unit's shared work.
		staff: { own: null, descendants: null },
	} as Record<MembershipRole, { own: Access | null; descendants: Access | null }>,
} as const;

/**
 * WRITERS. Which document types each scope kind holds, and who may write them there:
 * global roles in `org`, the writer's membership role in that very unit in `unit-<id>`,
 * only the owner in `user-<name>`. Report scopes hold nothing a client may write.
 */
const WRITERS: Record<DocType, { org?: readonly Role[]; unit?: readonly MembershipRole[]; user?: 'owner' }> = {
	unit: { org: ['hr', 'admin'] },
	template: { org: ['hr', 'admin'] },
	// Surveys and campaigns are HR's (issue 13); the answers never come here (decision 0030).
	survey: { org: ['hr', 'admin'] },
	campaign: { org: ['hr', 'admin'] },
	// An employee rep walks and co-signs rounds and the follow-up; the rest stays with the elected (decision 0028).
	round: { unit: ['manager', 'safety_rep', 'employee_rep'], user: 'owner' },
	answer: { unit: ['manager', 'safety_rep', 'employee_rep'] },
	finding: { unit: ['manager', 'safety_rep', 'employee_rep'] },
	assessment: { unit: ['manager', 'safety_rep', 'employee_rep'] },
	action: { unit: ['manager', 'safety_rep'] },
	actionlog: { unit: ['manager', 'safety_rep'] },
	signature: { unit: ['manager', 'safety_rep', 'employee_rep'] },
	prereport: { unit: ['staff', 'manager', 'safety_rep', 'employee_rep'] },
	reopening: { unit: ['manager', 'safety_rep'] },
	settings: { org: ['hr', 'admin'] },
	// The safety rep files and escalates, the manager confirms and answers (decision 0009, TRANSITIONS).
	request: { unit: ['manager', 'safety_rep'] },
	workstop: { unit: ['manager', 'safety_rep'] },
	followup: { unit: ['manager', 'safety_rep', 'employee_rep'] },
	// Report documents: the server writes them into report scopes; no client writes them anywhere.
	stats: {},
	surveyresult: {},
	surveytext: {},
};

/**
 * SUBMIT_ONLY. Membership roles that may send documents of these types into their own unit's
 * scope without any read grant on it: staff send pre-reports (förhandsanmälan) before a round,
 * yet never sync the unit's shared work. They may read back only what they sent themselves.
 */
const SUBMIT_ONLY: Partial<Record<MembershipRole, readonly DocType[]>> = {
	staff: ['prereport'],
};

/**
 * ROLE_SUBMIT. Global roles that may send documents of these types into any unit scope of the
 * org tree without a grant on it, never reading it: HR turns a survey result into a line of the
 * unit's action plan, with its "created" history entry (issue 14, decision 0040). What such a
 * write may be is narrowed further by `ROLE_SUBMIT_RULES`: a new survey action, nothing else.
 */
const ROLE_SUBMIT: Partial<Record<Role, readonly DocType[]>> = {
	hr: ['action', 'actionlog'],
};

/** A document after schema validation: live or a tombstone. */
export type IncomingDoc = { _id: string; type: string; scope: string; _deleted?: boolean; [key: string]: unknown };
/** A stored live document (undefined when new or deleted). */
export type StoredVersion = { _id: string; [key: string]: unknown };

/**
 * Everything the sign rules need about one round: the round, its template, its answers,
 * signatures and reopenings, and the unit's findings and assessments (a follow-up inherits the
 * risk of the finding it follows up). The route reads it only for writes that sign, mark a round
 * signed or reopen one (`roundFilesNeeded`).
 */
export type RoundFile = {
	round: RoundDoc | undefined;
	template: TemplateDoc | undefined;
	answers: AnswerDoc[];
	findings: FindingDoc[];
	assessments: AssessmentDoc[];
	signatures: SignatureDoc[];
	reopenings: ReopeningDoc[];
};

/** One proposed write, with everything the rules may look at. */
type Change = {
	user: PolicyUser;
	scope: string;
	/** The writer's membership roles in this unit (empty outside unit scopes). */
	unitRoles: readonly MembershipRole[];
	doc: IncomingDoc;
	stored: StoredVersion | undefined;
	/** Stored documents of this scope that `referencedIds` named. */
	lookup: (id: string) => StoredVersion | undefined;
	/** The files of the rounds that `roundFilesNeeded` named. */
	roundFile: (roundId: string) => RoundFile | undefined;
	/** Template versions of the org scope that `templatesNeeded` named. */
	template: (id: string) => StoredVersion | undefined;
	/** The server's clock (ms): recorded times are judged against it, never the device's. */
	now: number;
	/** The unit's people, read when `coSignerNeeded` says so (undefined otherwise). */
	members: readonly UnitPerson[] | undefined;
	/** The org tree (empty when the route passed none). */
	units: readonly PolicyUnit[];
	/** Eligible people per unit of a campaign's target subtree, when `campaignTargetNeeded` says so. */
	targetPeople: Readonly<Record<string, number>> | undefined;
	/** The writer sends by a global role only (ROLE_SUBMIT), with no grant on the scope. */
	roleSubmit: boolean;
	/** Campaigns (org scope) named by `campaignsNeeded`. */
	campaign: (id: string) => StoredVersion | undefined;
};

/** A rule returns why it refuses the change, or undefined to let it pass. */
type Rule = (change: Change) => string | undefined;

const isSigned = (round: StoredVersion | undefined): boolean => round?.status === 'signed';
const roundIdsOf = (c: Change): string[] =>
	[c.doc.roundId, c.stored?.roundId].filter((id): id is string => typeof id === 'string');

/** Fields of a round that bookkeeping changes, not a person. */
const ROUND_BOOKKEEPING = new Set(['_rev', 'clock', 'updatedAt', 'status']);

/**
 * Nobody edits or deletes a signed round. The one change allowed is back to in progress, once a
 * reopening has set its signatures aside (the reopening, with its reason, is the record).
 */
const signedRoundIsFinal: Rule = (c) => {
	if (!isSigned(c.stored)) return undefined;
	const final = 'the round is signed and can no longer change';
	if (c.doc._deleted) return final;
	const stored = c.stored as Record<string, unknown>;
	const keys = new Set([...Object.keys(stored), ...Object.keys(c.doc)]);
	const other = [...keys].some(
		(k) => !ROUND_BOOKKEEPING.has(k) && JSON.stringify(stored[k]) !== JSON.stringify(c.doc[k]),
	);
	if (other) return final;
	// Two devices that both locked the round merge into an edit of nothing but its clocks: harmless.
	if (c.doc.status === 'signed') return undefined;
	if (c.doc.status !== 'in_progress') return final;
	const file = c.roundFile(c.doc._id);
	if (!file) return final;
	// Any signature that still counts (not only a complete pair) is set aside by a reopening first.
	return signOffState(c.doc._id, file.signatures, file.reopenings, file.round).active.length > 0
		? 'reopen the round with a written reason first'
		: undefined;
};

/** What `canSign` says about the round's content (answers and assessments), signed or not. */
function contentCheck(file: RoundFile, round: RoundDoc): string | undefined {
	if (!file.template) return `the template of round ${round._id} is unknown`;
	const check = canSign(asUnsigned(round), file.answers, file.findings, file.template, file.assessments);
	if (check.ok) return undefined;
	return check.blockers
		.map((b) =>
			b.kind === 'unanswered'
				? `${b.itemIds.length} items unanswered`
				: b.kind === 'unassessed'
					? `${b.findingIds.length} findings without a risk assessment`
					: 'the round is signed',
		)
		.join('; ');
}

/**
 * A round is marked signed (locked) only with a signature of both a manager and a safety rep
 * that no reopening set aside, from two different accounts, and only when every item is answered
 * and every finding assessed.
 */
const signedOnlyWhenComplete: Rule = (c) => {
	if (c.doc._deleted || c.doc.status !== 'signed' || isSigned(c.stored)) return undefined;
	const file = c.roundFile(c.doc._id);
	if (!file) return 'the round could not be read';
	const round = c.doc as unknown as RoundDoc;
	const state = signOffState(round._id, file.signatures, file.reopenings, round);
	const missing = SIGN_ROLES.filter((role) => !state.byRole[role]);
	if (missing.length > 0) return `a round is signed only when both have signed; missing: ${missing.join(', ')}`;
	if (state.sameSigner) return SAME_SIGNER_REASON;
	const incomplete = contentCheck(file, round);
	return incomplete ? `the round cannot be signed: ${incomplete}` : undefined;
};

/**
 * A new signature needs a round that is not signed and may be signed (everything answered and
 * assessed), and an account other than the one whose signature of the other role counts.
 */
const signsCompleteRound: Rule = (c) => {
	if (c.stored || c.doc._deleted) return undefined;
	const file = c.roundFile(String(c.doc.roundId));
	if (!file?.round) return `round ${String(c.doc.roundId)} is not in ${c.scope}`;
	if (isSigned(file.round)) return 'the round is already signed';
	const invitation = invitationRefusal(file.round, c.doc as unknown as SignatureDoc);
	if (invitation) return invitation;
	const signer = signerRefusal(
		signOffState(file.round._id, file.signatures, file.reopenings, file.round),
		c.doc as unknown as SignatureDoc,
	);
	if (signer) return signer;
	const incomplete = contentCheck(file, file.round);
	return incomplete ? `the round cannot be signed yet: ${incomplete}` : undefined;
};

/** A reopening needs a signed round, a reason, and sets aside every signature that counts. */
const reopensSignedRound: Rule = (c) => {
	if (c.stored || c.doc._deleted) return undefined;
	const file = c.roundFile(String(c.doc.roundId));
	if (!file) return 'the round could not be read';
	const reopening = c.doc as unknown as ReopeningDoc;
	return reopenBlocker(
		file.round,
		signOffState(reopening.roundId, file.signatures, file.reopenings, file.round),
		reopening,
	);
};

/** The answers and findings of a signed round are final too. */
const roundNotSigned: Rule = (c) => {
	const signed = roundIdsOf(c).find((id) => isSigned(c.lookup(id)));
	return signed ? `round ${signed} is signed; its ${c.doc.type}s can no longer change` : undefined;
};

/** An answer or finding stays with its round. */
const roundIdFixed: Rule = (c) =>
	c.stored && !c.doc._deleted && c.stored.roundId !== c.doc.roundId ? 'roundId cannot change' : undefined;

/** Only a manager closes an action (effect checked), and a closed action changes only by a manager. */
const onlyManagerCloses: Rule = (c) => {
	const touchesClosed = c.stored?.status === 'effect_checked' || (!c.doc._deleted && c.doc.status === 'effect_checked');
	if (!touchesClosed || c.unitRoles.includes('manager')) return undefined;
	return 'only a manager of the unit closes an action or changes a closed one';
};

/** An action is never deleted: the plan keeps every line, postponed or closed (decision 0008). */
const actionNeverDeleted: Rule = (c) => (c.doc._deleted ? 'actions are never deleted' : undefined);

/** An action's status moves only along the allowed steps (`ACTION_MOVES`); a new one starts open or done. */
const actionMovesAllowed: Rule = (c) =>
	actionMoveRefusal(c.stored?.status as ActionStatus | undefined, c.doc.status as ActionStatus);

/**
 * A finding's own assessment carries the finding's round, so a signed round freezes it
 * (`roundNotSigned`). Only a residual assessment (after an action's effect check) names no
 * round and may come after signing; it never changes the signed report.
 */
const assessmentOfFindingRound: Rule = (c) => {
	if (c.doc._deleted || c.doc.kind === 'residual') return undefined;
	const finding = typeof c.doc.findingId === 'string' ? c.lookup(c.doc.findingId) : undefined;
	// A finding sent in the same request is not stored yet; it cannot belong to a signed round anyway.
	if (!finding || finding.type !== 'finding') return undefined;
	return finding.roundId === c.doc.roundId ? undefined : "an assessment carries its finding's round";
};

/**
 * Answers, assessments and signatures are append-only: never edited, never deleted. A change is
 * a new document, so two devices never conflict and the history stays (decision 0005). Sending
 * the very same document again (a retry after a lost response) is not an edit: storage answers
 * it as a conflict and the device sees its document is there.
 */
const appendOnly: Rule = (c) => {
	if (c.doc._deleted) return `${c.doc.type}s cannot be deleted`;
	if (!c.stored || sameContent(c.stored as MergeableDoc, c.doc as MergeableDoc)) return undefined;
	return `${c.doc.type}s are append-only`;
};

/** An answer or assessment is recorded in the name of the signed-in user only. */
const byField =
	(field: 'answeredBy' | 'assessedBy' | 'reopenedBy' | 'by'): Rule =>
	(c) =>
		c.doc._deleted || c.doc[field] === c.user.name ? undefined : `${field} must be your own user name`;

/** A user signs only as themselves, in a role they hold in this unit. */
const signsAsSelf: Rule = (c) => {
	if (c.doc.signedBy !== c.user.name) return 'you may sign only as yourself';
	if (!c.unitRoles.includes(c.doc.role as MembershipRole)) return `you are not ${String(c.doc.role)} of this unit`;
	return undefined;
};

/**
 * Only a manager of the unit invites a co-signer (or withdraws one), and only an employee rep of
 * the unit, named as their account names them (decision 0028).
 */
const coSignerInvited: Rule = (c) => {
	if (c.doc._deleted || scopeKind(c.scope) !== 'unit') return undefined;
	return coSignerRefusal(
		c.stored as { coSigner?: unknown } | undefined,
		c.doc as { coSigner?: unknown },
		c.unitRoles,
		c.members ?? [],
	);
};

/** A template version that is published keeps its content (rounds rely on it); drafts are free (decision 0005). */
const publishedTemplateIsFrozen: Rule = (c) => templateChangeRefusal(c.stored, c.doc);

/**
 * A draft identical to the latest published version is not published: it would only make rounds
 * differ by version number (the device refuses it first; issue 12).
 */
const publishChangesSomething: Rule = (c) => {
	const earlier = earlierVersionIds(c.doc, c.stored)
		.map((id) => c.template(id))
		.filter((t): t is StoredVersion => t !== undefined);
	return unchangedPublishRefusal(c.doc, c.stored, earlier);
};

/**
 * A round keeps the template version it was planned with once it has started or has any answer
 * (answers may reach the server before the round's own change to in progress).
 */
const roundKeepsTemplate: Rule = (c) => {
	if (!c.stored || c.doc._deleted || !templateChanges(c.doc, c.stored)) return undefined;
	if (c.stored.status !== 'planned') return 'a started round keeps its template version';
	const file = c.roundFile(c.doc._id);
	if (!file) return 'the round could not be read';
	return file.answers.length > 0 ? TEMPLATE_ANSWERED_REASON : undefined;
};

/** Does this change of a round name another template version than the stored one? */
function templateChanges(doc: IncomingDoc, stored: StoredVersion | undefined): boolean {
	return (
		stored !== undefined && (stored.templateId !== doc.templateId || stored.templateVersion !== doc.templateVersion)
	);
}

/**
 * A round is planned on a published template version, never on a draft: a draft may still change
 * under it (decision 0006). A version the server does not hold is left to the device, which shows
 * the round without its template until the version arrives.
 */
const roundOnPublishedTemplate: Rule = (c) => {
	if (c.doc._deleted) return undefined;
	if (c.stored && c.stored.templateId === c.doc.templateId && c.stored.templateVersion === c.doc.templateVersion) {
		return undefined;
	}
	const template = typeof c.doc.templateId === 'string' ? c.template(c.doc.templateId) : undefined;
	if (!template || template._deleted) return undefined;
	// A template an older version wrote and the start's migration left (decision 0026).
	if (!('family' in template)) return `${OLDER_APP_REASON}: ${String(c.doc.templateId)} is a template without versions`;
	return template.status !== 'published' || template.version !== c.doc.templateVersion
		? PUBLISHED_TEMPLATE_REASON
		: undefined;
};

/** A published survey version keeps its content; only `retired` changes (as templates, decision 0030). */
const publishedSurveyIsFrozen: Rule = (c) => surveyChangeRefusal(c.stored, c.doc);

/** A survey draft that says what the latest published version says is not published. */
const surveyPublishChangesSomething: Rule = (c) => {
	const earlier = earlierSurveyIds(c.doc, c.stored)
		.map((id) => c.lookup(id))
		.filter((s): s is StoredVersion => s !== undefined);
	return unchangedSurveyRefusal(c.doc, c.stored, earlier);
};

/**
 * A campaign names a published, not retired survey, a k at least the survey's, and a target unit
 * with at least k eligible people; once it opens (the server's Swedish day) target, survey and k
 * stay and it is not deleted (decision 0030).
 */
const campaignWellFormed: Rule = (c) =>
	campaignChangeRefusal({
		stored: c.stored,
		incoming: c.doc,
		survey: typeof c.doc.surveyId === 'string' ? c.lookup(c.doc.surveyId) : undefined,
		units: c.units.map((u) => ({ id: idKey(u._id), parentId: u.parentId === null ? null : idKey(u.parentId) })),
		targetPeople: c.targetPeople,
		today: swedishDay(new Date(c.now)),
	});

/** A pre-report is sent once by its author and then kept as it was: no edits, no deletes. */
const sentOnceAsSelf: Rule = (c) => {
	// The same pre-report sent again (its answer was lost) passes here; storage answers conflict.
	const resent = c.stored !== undefined && !c.doc._deleted && sameContent(c.stored, c.doc);
	if ((c.stored && !resent) || c.doc._deleted) return 'a pre-report cannot be changed or deleted once sent';
	return c.doc.submittedBy === c.user.name ? undefined : 'you may send a pre-report only as yourself';
};

/** Pre-reports go only to a planned round of this unit that asks for them. */
const roundOpenForPrereports: Rule = (c) => {
	if (c.stored) return undefined; // sent before (and checked then): only a resend reaches here
	const round = typeof c.doc.roundId === 'string' ? c.lookup(c.doc.roundId) : undefined;
	if (!round || round.type !== 'round') return 'the round does not exist in this unit';
	if (round.prereports !== true) return 'this round does not take pre-reports';
	return round.status === 'planned' ? undefined : 'the round has started; pre-reports are closed';
};

/**
 * A 6:6a request: the safety rep files (filed fields then fixed) and escalates, a manager of the
 * unit confirms receipt and answers, each once and in their own name; never deleted (decision 0009).
 */
const requestFieldsByRole: Rule = (c) =>
	requestChangeRefusal(c.stored, c.doc, { name: c.user.name, roles: c.unitRoles });

/** A 6:7 work stop: recorded by the safety rep (then fixed); the outcome by either, in their own name. */
const workstopFieldsByRole: Rule = (c) =>
	workstopChangeRefusal(c.stored, c.doc, { name: c.user.name, roles: c.unitRoles });

/**
 * The annual follow-up (decision 0010): never deleted; signed only as oneself, in a role held in
 * this unit, on complete content; a signature is never taken away; nothing changes once both
 * signatures name the current content.
 */
const followUpRules: Rule = (c) => followUpChangeRefusal(c.stored, c.doc, c.user.name, c.unitRoles);

/**
 * Every record names the real person at the real time (decision 0016): new or changed account
 * and name fields are the writer's own, new or changed recorded times lie within the bound of
 * the server's clock, and `createdBy` never changes.
 */
const recordsTheWriter: Rule = (c) => recordRefusal(c.doc.type, c.stored, c.doc, c.user, c.now);

/** Sent once, or the very same document again (its answer was lost; the sender cannot read back). */
const sentOnce = (c: Change): boolean => !c.doc._deleted && (!c.stored || sameContent(c.stored, c.doc));

/**
 * A role-submitted action (HR, decision 0040): new, from a survey result (a campaign held in
 * `org` whose target subtree holds this unit, and a question), planned, naming no account (the
 * sender cannot see the unit's people), following no other action. Everything after is the unit's.
 */
const newSurveyAction: Rule = (c) => {
	if (!sentOnce(c)) return ROLE_SUBMIT_REASON;
	if (c.stored) return undefined; // the same document again: judged when it was first taken
	const d = c.doc;
	if (d.source !== 'survey' || typeof d.campaignId !== 'string' || typeof d.questionId !== 'string') {
		return ROLE_SUBMIT_REASON;
	}
	if (d.status !== 'planned' || d.responsibleUser !== undefined || d.follows !== undefined) return ROLE_SUBMIT_REASON;
	if (d.findingId !== undefined) return ROLE_SUBMIT_REASON;
	const campaign = c.campaign(d.campaignId);
	if (campaign?.type !== 'campaign' || typeof campaign.targetUnitId !== 'string') return ROLE_SUBMIT_REASON;
	const unitId = c.scope.slice('unit-'.length);
	const target = campaign.targetUnitId;
	return unitId === target || descendantsOf(target, [...c.units]).includes(unitId) ? undefined : ROLE_SUBMIT_REASON;
};

/**
 * A role-submitted history entry: the "created" entry of a new survey action. When that action
 * is already stored (sent in an earlier request), the entry must be its creation: the same time,
 * a survey action. One sent with its action in the same request is judged with it.
 */
const createdEntryOfSurveyAction: Rule = (c) => {
	if (!sentOnce(c) || c.doc.event !== 'created') return ROLE_SUBMIT_REASON;
	const changes = Array.isArray(c.doc.changes) ? (c.doc.changes as { field?: unknown; to?: unknown }[]) : [];
	if (!changes.some((ch) => ch.field === 'source' && ch.to === 'survey')) return ROLE_SUBMIT_REASON;
	const action = typeof c.doc.actionId === 'string' ? c.lookup(c.doc.actionId) : undefined;
	if (action && (action.type !== 'action' || action.source !== 'survey' || action.createdAt !== c.doc.at)) {
		return ROLE_SUBMIT_REASON;
	}
	return undefined;
};

/** What a role-submitted document may be, per type (ROLE_SUBMIT); a type without a rule is refused. */
const ROLE_SUBMIT_RULES: Partial<Record<DocType, Rule>> = {
	action: newSurveyAction,
	actionlog: createdEntryOfSurveyAction,
};
const roleSubmitted: Rule = (c) => {
	if (!c.roleSubmit) return undefined;
	const rule = ROLE_SUBMIT_RULES[c.doc.type as DocType];
	return rule ? rule(c) : ROLE_SUBMIT_REASON;
};

/** Rules of every type, after the type's own TRANSITIONS (so their more specific reasons come first). */
const EVERY_TYPE: readonly Rule[] = [recordsTheWriter];
/** Rules before the type's own: a sender by role alone is held to what that road allows. */
const FIRST: readonly Rule[] = [roleSubmitted];

/** TRANSITIONS. Per-type rules on the change from the stored version to the incoming one. */
const TRANSITIONS: Partial<Record<DocType, readonly Rule[]>> = {
	template: [publishedTemplateIsFrozen, publishChangesSomething],
	survey: [publishedSurveyIsFrozen, surveyPublishChangesSomething],
	campaign: [campaignWellFormed],
	round: [signedRoundIsFinal, coSignerInvited, roundKeepsTemplate, roundOnPublishedTemplate, signedOnlyWhenComplete],
	answer: [roundNotSigned, roundIdFixed, appendOnly, byField('answeredBy')],
	finding: [roundNotSigned, roundIdFixed],
	assessment: [roundNotSigned, appendOnly, byField('assessedBy'), assessmentOfFindingRound],
	action: [actionNeverDeleted, actionMovesAllowed, onlyManagerCloses],
	actionlog: [appendOnly, byField('by')],
	signature: [appendOnly, signsAsSelf, signsCompleteRound],
	reopening: [appendOnly, byField('reopenedBy'), reopensSignedRound],
	prereport: [sentOnceAsSelf, roundOpenForPrereports],
	request: [requestFieldsByRole],
	workstop: [workstopFieldsByRole],
	followup: [followUpRules, coSignerInvited],
};

/**
 * The kind of a scope name.
 * @example scopeKind('reports-a1') // 'unitReports'
 */
export function scopeKind(scope: string): ScopeKind {
	if (scope === 'org' || scope === 'reports') return scope;
	if (scope.startsWith('unit-')) return 'unit';
	if (scope.startsWith('reports-')) return 'unitReports';
	return 'user';
}

/** The role that names a user's grant on shared scopes (the strongest global role). */
function primaryRole(roles: Role[]): Role {
	for (const r of ['admin', 'hr', 'manager', 'safety_rep'] as const) if (roles.includes(r)) return r;
	return 'staff';
}

/** Unit ids (without `unit:`) of every descendant of `unitId`. */
function descendantsOf(unitId: string, units: PolicyUnit[]): string[] {
	const children = new Map<string, string[]>();
	for (const u of units) {
		if (u.parentId === null) continue;
		const parent = idKey(u.parentId);
		const list = children.get(parent) ?? [];
		list.push(idKey(u._id));
		children.set(parent, list);
	}
	const out: string[] = [];
	const seen = new Set<string>([unitId]);
	const queue = [...(children.get(unitId) ?? [])];
	while (queue.length > 0) {
		const id = queue.shift() as string;
		if (seen.has(id)) continue; // a cycle in bad data must not loop forever
		seen.add(id);
		out.push(id);
		queue.push(...(children.get(id) ?? []));
	}
	return out;
}

/**
 * Every scope `user` may sync, merged per scope (write wins, with the role that gave it).
 * @example grantsFor(chef, units) // [{scope:'org',…}, {scope:'user-chef',…}, {scope:'unit-a1', role:'manager', write:true}, {scope:'reports-a1', write:false,…}]
 */
export function grantsFor(user: Grantee, units: PolicyUnit[]): ScopeGrant[] {
	const names = new Map(units.map((u) => [idKey(u._id), u.name]));
	const grants = new Map<string, ScopeGrant>();
	const add = (g: ScopeGrant): void => {
		if (!isScope(g.scope)) return;
		const prev = grants.get(g.scope);
		if (!prev || (g.write && !prev.write)) grants.set(g.scope, g);
	};
	const global = (scope: string, role: Role, access: Access): void =>
		add({ scope, unitId: null, unitName: null, role, write: access === 'write' });
	const unit = (unitId: string, membership: MembershipRole, access: Access): void => {
		const unitName = names.get(unitId) ?? null;
		// A main safety rep is the safety rep of each unit in the subtree.
		const role: Role = membership === 'main_safety_rep' ? 'safety_rep' : membership;
		add({ scope: unitScope(unitId), unitId, unitName, role, write: access === 'write' });
		add({ scope: reportsScope(unitId), unitId, unitName, role, write: false });
	};

	const role = primaryRole(user.roles);
	global('org', role, GRANTS.signedIn.org);
	global(userScope(user.name), role, GRANTS.signedIn.ownUserScope);
	for (const r of user.roles) {
		// Records come from storage: an unknown role or membership grants nothing.
		const rule = Object.hasOwn(GRANTS.roles, r) ? GRANTS.roles[r] : undefined;
		if (rule?.org) global('org', r, rule.org);
		if (rule?.reports) global('reports', r, rule.reports);
	}
	for (const m of user.memberships) {
		const rule = Object.hasOwn(GRANTS.memberships, m.role) ? GRANTS.memberships[m.role] : undefined;
		// A membership of a unit that is not in the org tree grants nothing.
		if (!rule || !names.has(m.unitId)) continue;
		if (rule.own) unit(m.unitId, m.role, rule.own);
		if (rule.descendants) for (const d of descendantsOf(m.unitId, units)) unit(d, m.role, rule.descendants);
	}
	return [...grants.values()];
}

export function mayRead(grants: ScopeGrant[], scope: string): boolean {
	return grants.some((g) => g.scope === scope);
}

export function mayWrite(grants: ScopeGrant[], scope: string): boolean {
	return grants.some((g) => g.scope === scope && g.write);
}

/**
 * The document types `user` may send into `scope` without reading it (SUBMIT_ONLY), by their
 * membership of that unit; empty for any other scope or a unit not in the org tree.
 * @example submitTypes(medarbetare, 'unit-a1', units) // ['prereport']
 */
export function submitTypes(user: Grantee, scope: string, units: PolicyUnit[]): DocType[] {
	if (scopeKind(scope) !== 'unit') return [];
	const unitId = scope.slice('unit-'.length);
	if (!units.some((u) => idKey(u._id) === unitId)) return [];
	const types = new Set<DocType>(roleSubmitTypes(user, scope, units));
	for (const m of user.memberships) {
		if (m.unitId !== unitId || !Object.hasOwn(SUBMIT_ONLY, m.role)) continue;
		for (const t of SUBMIT_ONLY[m.role] ?? []) types.add(t);
	}
	return [...types];
}

/**
 * The document types `user` may send into a unit scope by a global role (ROLE_SUBMIT), whatever
 * their memberships; empty outside unit scopes of the org tree.
 * @example roleSubmitTypes(hr, 'unit-a1', units) // ['action', 'actionlog']
 */
export function roleSubmitTypes(user: Grantee, scope: string, units: PolicyUnit[]): DocType[] {
	if (scopeKind(scope) !== 'unit') return [];
	const unitId = scope.slice('unit-'.length);
	if (!units.some((u) => idKey(u._id) === unitId)) return [];
	const types = new Set<DocType>();
	for (const r of user.roles) {
		if (Object.hasOwn(ROLE_SUBMIT, r)) for (const t of ROLE_SUBMIT[r] ?? []) types.add(t);
	}
	return [...types];
}

/**
 * Unit ids (without `unit:`) where `user` may only submit (SUBMIT_ONLY) and does not read.
 * @example submitUnits(medarbetare, units) // ['a1']
 */
export function submitUnits(user: Grantee, units: PolicyUnit[]): string[] {
	const grants = grantsFor(user, units);
	return [
		...new Set(
			user.memberships
				.filter((m) => submitTypes(user, unitScope(m.unitId), units).length > 0)
				.map((m) => m.unitId)
				.filter((id) => !mayRead(grants, unitScope(id))),
		),
	];
}

/**
 * Ids of other stored documents in the scope that the rules need for this write (the round
 * of an answer, finding or signature). The route reads them and passes them as `lookup`.
 * Rules see the state before the request: a round signed in one batch freezes its answers
 * from the next request on.
 */
export function referencedIds(doc: IncomingDoc, stored: StoredVersion | undefined): string[] {
	// A survey draft being published: the versions before it. A campaign: its survey version.
	if (doc.type === 'survey') return earlierSurveyIds(doc, stored);
	if (doc.type === 'campaign') return !doc._deleted && typeof doc.surveyId === 'string' ? [doc.surveyId] : [];
	// An assessment's finding: its round decides whether the assessment may name no round.
	const finding = doc.type === 'assessment' ? doc.findingId : undefined;
	// A history entry's action: a role-submitted "created" entry must match it (ROLE_SUBMIT_RULES).
	const action = doc.type === 'actionlog' && !stored && doc.event === 'created' ? doc.actionId : undefined;
	return [doc.roundId, stored?.roundId, finding, action].filter((id): id is string => typeof id === 'string');
}

/**
 * Campaigns (in the org scope) the rules need: the one a new survey action names, so a
 * role-submitted one is checked against the campaign's target (ROLE_SUBMIT_RULES).
 */
export function campaignsNeeded(doc: IncomingDoc, stored: StoredVersion | undefined): string[] {
	if (doc.type !== 'action' || doc._deleted || stored || typeof doc.campaignId !== 'string') return [];
	return [doc.campaignId];
}

/**
 * Rounds whose whole file (see `RoundFile`) the rules need for this write: a new signature or
 * reopening, a round being marked signed, any change to a signed round, and a planned round
 * moved to another template version. Rare writes, so the cost of reading a round's documents is
 * paid about three times per round.
 */
export function roundFilesNeeded(doc: IncomingDoc, stored: StoredVersion | undefined): string[] {
	if (doc._deleted) return [];
	if (doc.type === 'round') {
		return doc.status === 'signed' || isSigned(stored) || templateChanges(doc, stored) ? [doc._id] : [];
	}
	if ((doc.type === 'signature' || doc.type === 'reopening') && !stored && typeof doc.roundId === 'string') {
		return [doc.roundId];
	}
	return [];
}

/**
 * Template versions (in the org scope) the rules need: the one a new or re-planned round names,
 * and the earlier versions of a draft being published.
 */
export function templatesNeeded(doc: IncomingDoc, stored: StoredVersion | undefined): string[] {
	if (doc.type === 'template') return earlierVersionIds(doc, stored);
	if (doc.type !== 'round' || doc._deleted || typeof doc.templateId !== 'string') return [];
	return stored?.templateId === doc.templateId && stored?.templateVersion === doc.templateVersion
		? []
		: [doc.templateId];
}

/**
 * The target unit whose eligible people the rules need for a campaign (counted from the
 * accounts' roster, which the route reads; an open campaign's rule does not look at them).
 */
export function campaignTargetNeeded(doc: IncomingDoc): string | undefined {
	if (doc.type !== 'campaign' || doc._deleted || typeof doc.targetUnitId !== 'string') return undefined;
	return doc.targetUnitId;
}

export type WriteCheck = { ok: true } | { ok: false; reason: string };

/** Is `user` a writer of `type` in `scope` by the WRITERS table? */
function writerOf(
	user: PolicyUser,
	scope: string,
	type: DocType,
	unitRoles: readonly MembershipRole[],
): string | undefined {
	const rule = WRITERS[type];
	switch (scopeKind(scope)) {
		case 'org':
			if (!rule.org) return `a ${type} document does not belong in ${scope}`;
			return rule.org.some((r) => user.roles.includes(r)) ? undefined : `your role may not write ${type} documents`;
		case 'unit':
			if (!rule.unit) return `a ${type} document does not belong in ${scope}`;
			return rule.unit.some((r) => unitRoles.includes(r)) ? undefined : `your role may not write ${type} documents`;
		case 'user':
			if (!rule.user) return `a ${type} document does not belong in ${scope}`;
			return scope === userScope(user.name) ? undefined : 'only its owner writes a personal scope';
		default:
			return `${scope} is written by the server only`;
	}
}

/**
 * The roles `user` holds in `unitId`: their memberships there, and `safety_rep` where a main safety
 * rep membership of the unit or a unit above it covers it (decision 0028).
 * @example unitRolesOf(huvudskyddsombud, 'b1', units) // ['safety_rep'] with main_safety_rep of avd-b
 */
export function unitRolesOf(user: Grantee, unitId: string, units: PolicyUnit[]): MembershipRole[] {
	const roles = new Set<MembershipRole>();
	const main = new Set<string>();
	for (const m of user.memberships) {
		if (m.role === 'main_safety_rep') main.add(m.unitId);
		else if (m.unitId === unitId) roles.add(m.role);
	}
	if (main.has(unitId) || [...main].some((id) => descendantsOf(id, units).includes(unitId))) roles.add('safety_rep');
	return [...roles];
}

/**
 * The unit whose people the rules need for this write (a co-signer invited or changed on a round
 * or a follow-up); the route reads them from the accounts' roster.
 */
export function coSignerNeeded(doc: IncomingDoc, stored: StoredVersion | undefined): boolean {
	if (doc._deleted || (doc.type !== 'round' && doc.type !== 'followup')) return false;
	return JSON.stringify(doc.coSigner ?? null) !== JSON.stringify(stored?.coSigner ?? null);
}

type WriterOpts = {
	user: PolicyUser;
	grants: ScopeGrant[];
	scope: string;
	doc: IncomingDoc;
	stored: StoredVersion | undefined;
	/** Units of the org tree, to tell submit-only writers (SUBMIT_ONLY); none means no such writers. */
	units?: PolicyUnit[];
};

type WriteOpts = WriterOpts & {
	/** The server's clock in milliseconds, for recorded times (decision 0016). */
	now: number;
	lookup?: (id: string) => StoredVersion | undefined;
	roundFile?: (roundId: string) => RoundFile | undefined;
	/** Template versions (org scope) named by `templatesNeeded`. */
	template?: (id: string) => StoredVersion | undefined;
	/** The unit's people, when `coSignerNeeded`. */
	members?: readonly UnitPerson[];
	/** Eligible people per unit of the target, when `campaignTargetNeeded`. */
	targetPeople?: Readonly<Record<string, number>>;
	/** Campaigns (org scope) named by `campaignsNeeded`. */
	campaign?: (id: string) => StoredVersion | undefined;
};

/**
 * The part of `checkWrite` that does not look at the change: may `user` write documents of this
 * type to `scope` at all (grant or submit-only, scope and type kept, writer of the type, own
 * unit). The route uses it alone for an edit it will not write (a stale revision answered
 * `conflict`), so the answer never says more than a refusal would. Returns the unit roles.
 */
export function checkWriter(opts: WriterOpts): WriteCheck & { unitRoles?: MembershipRole[]; roleSubmit?: boolean } {
	const { user, grants, scope, doc, stored } = opts;
	const refuse = (reason: string): WriteCheck => ({ ok: false, reason });
	const granted = mayWrite(grants, scope);
	const mayCreate = granted || submitTypes(user, scope, opts.units ?? []).includes(doc.type as DocType);
	if (!mayCreate) return refuse(`no write access to ${scope}`);
	if (doc.scope !== scope) return refuse(`document scope ${doc.scope} does not match ${scope}`);
	if (stored && stored.scope !== scope) return refuse('stored document belongs to another scope');
	// Deletes keep scope and type, so the rules that guarded the document still apply to its tombstone.
	if (stored && stored.type !== doc.type) return refuse(`a ${String(stored.type)} document cannot become ${doc.type}`);
	if (!Object.hasOwn(WRITERS, doc.type)) return refuse(`unknown document type ${doc.type}`);
	const type = doc.type as DocType;

	const kind = scopeKind(scope);
	const unitId = kind === 'unit' ? scope.slice('unit-'.length) : null;
	const unitRoles = unitId === null ? [] : unitRolesOf(user, unitId, opts.units ?? []);
	// A sender by global role alone (ROLE_SUBMIT) writes as no role of the unit; ROLE_SUBMIT_RULES judge it.
	const roleSubmit = !granted && roleSubmitTypes(user, scope, opts.units ?? []).includes(type);
	const notWriter = roleSubmit ? undefined : writerOf(user, scope, type, unitRoles);
	if (notWriter) return refuse(notWriter);
	if (unitId !== null && !doc._deleted && 'unitId' in doc && doc.unitId !== unitId) {
		return refuse(`unitId does not match ${scope}`);
	}
	return { ok: true, unitRoles, roleSubmit };
}

/**
 * May `user` write this (already schema-valid) document to `scope`? `stored` is the current
 * live version in that scope, if any: the version the write will replace (the route sends it
 * to the store only on that revision). Every rule of the type is judged, always.
 * @example checkWrite({ user: skyddsombud, grants, scope: 'unit-a1', doc: closedAction, stored, lookup, now })
 * // { ok: false, reason: 'only a manager of the unit closes an action or changes a closed one' }
 */
export function checkWrite(opts: WriteOpts): WriteCheck {
	const writer = checkWriter(opts);
	if (!writer.ok) return { ok: false, reason: writer.reason };
	const { user, scope, doc, stored } = opts;
	const change: Change = {
		user,
		scope,
		unitRoles: writer.unitRoles ?? [],
		doc,
		stored,
		lookup: opts.lookup ?? (() => undefined),
		roundFile: opts.roundFile ?? (() => undefined),
		template: opts.template ?? (() => undefined),
		now: opts.now,
		members: opts.members,
		units: opts.units ?? [],
		targetPeople: opts.targetPeople,
		roleSubmit: writer.roleSubmit === true,
		campaign: opts.campaign ?? (() => undefined),
	};
	for (const rule of [...FIRST, ...(TRANSITIONS[doc.type as DocType] ?? []), ...EVERY_TYPE]) {
		const reason = rule(change);
		if (reason) return { ok: false, reason };
	}
	return { ok: true };
}
