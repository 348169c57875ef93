/**
 * The current state of a safety round, computed from its documents: the current answer of each
 * item (the latest by clock stamp, decision 0005) and its history, progress and unanswered items,
 * the findings that Delvis/Nej answers make, the latest risk assessment of each finding, the open
 * findings of earlier rounds, and whether the round may be signed. Pure: the same documents give
 * the same state in any order they arrived, on any device and on the server.
 */
import { compareStamps } from './hlc.ts';
import { idKey } from './ids.ts';
import type { AnswerDoc, AssessmentDoc, FindingCategory, FindingDoc, RoundDoc, TemplateDoc } from './schemas.ts';

type TemplateItem = TemplateDoc['sections'][number]['items'][number];
type TemplateSection = TemplateDoc['sections'][number];

/** One checklist item in walking order, numbered from 1 across sections. */
export type RoundItem = { item: TemplateItem; section: TemplateSection; number: number };

/** An item's current answer and the answers it replaced, newest first. */
export type ItemAnswers = { current: AnswerDoc; history: AnswerDoc[] };

/** Later stamp first; equal stamps (never from two devices) by id, so the order is total. */
function newestFirst<T extends { stamp: string; _id: string }>(a: T, b: T): number {
	return compareStamps(b.stamp, a.stamp) || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);
}

/** The items of a template in walking order. */
export function roundItems(template: TemplateDoc): RoundItem[] {
	const out: RoundItem[] = [];
	for (const section of template.sections) {
		for (const item of section.items) out.push({ item, section, number: out.length + 1 });
	}
	return out;
}

/**
 * Each item's current answer (greatest stamp) and its history, from the answers of one round.
 * Independent of the order the answers arrived in.
 * @example currentAnswers([a1, a2]).get('physical-01')?.current // whichever of a1, a2 has the later stamp
 */
export function currentAnswers(answers: readonly AnswerDoc[]): Map<string, ItemAnswers> {
	const byItem = new Map<string, AnswerDoc[]>();
	for (const answer of answers) {
		const list = byItem.get(answer.itemId) ?? [];
		list.push(answer);
		byItem.set(answer.itemId, list);
	}
	const out = new Map<string, ItemAnswers>();
	for (const [itemId, list] of byItem) {
		const [current, ...history] = [...list].sort(newestFirst);
		if (current) out.set(itemId, { current, history });
	}
	return out;
}

/** How far a round has come: answered items (a value, not only a comment) and those still open. */
export type RoundProgress = { answered: number; total: number; unanswered: string[] };

/**
 * @example roundProgress(template, currentAnswers(answers)) // { answered: 3, total: 12, unanswered: ['physical-04', …] }
 */
export function roundProgress(template: TemplateDoc, current: Map<string, ItemAnswers>): RoundProgress {
	const items = roundItems(template);
	const unanswered = items
		.filter(({ item }) => (current.get(item.id)?.current.value ?? null) === null)
		.map(({ item }) => item.id);
	return { answered: items.length - unanswered.length, total: items.length, unanswered };
}

/** Is this answer one that makes a finding (Delvis or Nej)? */
export function needsFinding(value: AnswerDoc['value']): boolean {
	return value === 'partly' || value === 'no';
}

/** 64 bits of FNV-1a as hex: short, stable ids for documents two devices must create alike. */
function stableHash(text: string): string {
	let h1 = 0x811c9dc5;
	let h2 = 0x01000193 ^ 0x5bd1e995;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
		h2 = Math.imul(h2 ^ c, 0x01000193 + 2) >>> 0;
	}
	return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/**
 * The id of the finding an item's Delvis/Nej answer makes: the same on every device, so two
 * tablets that both answer Nej offline make one finding, merged field by field, not two.
 * @example findingIdForItem('round:019a…', 'physical-03') // 'finding:019a….3f2c…'
 */
export function findingIdForItem(roundId: string, itemId: string): string {
	return `finding:${idKey(roundId)}.${stableHash(`item:${itemId}`)}`;
}

/** The id of the finding that follows up `earlierId` in round `roundId` (one per round, on every device). */
export function followUpFindingId(roundId: string, earlierId: string): string {
	return `finding:${idKey(roundId)}.${stableHash(`follow:${earlierId}`)}`;
}

const CATEGORY_OF_KIND: Record<TemplateDoc['kind'], FindingCategory> = {
	physical: 'physical',
	osa: 'osa',
	threat_violence: 'threat_violence',
	other: 'other',
};

/**
 * What an item's new answer does to its finding: the finding to save, or null when nothing
 * changes. A first Delvis/Nej makes the finding (closed at once when fixed on the spot); Delvis/Nej
 * again brings back a withdrawn one; turning "fixed on the spot" on or off closes or reopens it; a
 * comment fills a description nobody has written yet.
 * A later Ja never withdraws a finding by itself: only a person does that.
 * The title is the person's to write: prefilled from their comment, else with `untitled` (the
 * device's "Brist vid fråga 3"), which a later comment replaces while nobody has changed it. The
 * question itself is not a title: it asks, the finding says what is wrong.
 */
export function findingAfterAnswer(opts: {
	round: RoundDoc;
	template: TemplateDoc;
	item: TemplateItem;
	previous: AnswerDoc | undefined;
	answer: AnswerDoc;
	existing: FindingDoc | undefined;
	/** The prefilled title when there is no comment to take one from. */
	untitled: string;
	now: string;
}): FindingDoc | null {
	const { round, template, item, previous, answer, existing } = opts;
	if (!needsFinding(answer.value)) return null;
	const wanted = answer.fixedOnSite ? 'closed' : 'open';
	if (!existing) {
		return {
			_id: findingIdForItem(round._id, item.id),
			type: 'finding',
			scope: round.scope,
			roundId: round._id,
			itemId: item.id,
			title: titleFromComment(answer.comment) ?? opts.untitled,
			description: answer.comment,
			category: CATEGORY_OF_KIND[template.kind],
			location: '',
			status: wanted,
			createdBy: answer.answeredBy,
			createdAt: opts.now,
			updatedAt: opts.now,
		};
	}
	const fixedChanged = (previous?.fixedOnSite ?? false) !== answer.fixedOnSite;
	const patch: Partial<FindingDoc> = {};
	if (existing.status === 'withdrawn' || (fixedChanged && existing.status !== wanted)) patch.status = wanted;
	// A comment written after the answer describes the finding, as long as nobody has described it.
	if (existing.description === '' && answer.comment !== '') patch.description = answer.comment;
	const fromComment = titleFromComment(answer.comment);
	if (existing.title === opts.untitled && fromComment) patch.title = fromComment;
	return Object.keys(patch).length > 0 ? { ...existing, ...patch, updatedAt: opts.now } : null;
}

/** Longest title prefilled from a comment; the person shortens or rewrites it. */
const PREFILLED_TITLE_MAX = 120;

/** A title from a comment: its first line, cut at a word near the limit; undefined when empty. */
export function titleFromComment(comment: string): string | undefined {
	const line = comment.trim().split(/\r?\n/)[0]?.trim() ?? '';
	if (line === '') return undefined;
	if (line.length <= PREFILLED_TITLE_MAX) return line;
	const cut = line.slice(0, PREFILLED_TITLE_MAX);
	const space = cut.lastIndexOf(' ');
	return `${(space > PREFILLED_TITLE_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Documents by id. */
export function byId<T extends { _id: string }>(docs: readonly T[]): ReadonlyMap<string, T> {
	return new Map(docs.map((d) => [d._id, d]));
}

/** Assessments per finding, newest first. */
export function assessmentsByFinding(assessments: readonly AssessmentDoc[]): Map<string, AssessmentDoc[]> {
	const out = new Map<string, AssessmentDoc[]>();
	for (const a of assessments) {
		const list = out.get(a.findingId) ?? [];
		list.push(a);
		out.set(a.findingId, list);
	}
	for (const list of out.values()) list.sort(newestFirst);
	return out;
}

/**
 * A finding's assessments, newest first, including those of the earlier findings it follows up
 * (risk before and after action). A follow-up marked "changed" starts afresh: the old risk no
 * longer describes it, so it needs its own assessment.
 */
export function riskHistory(
	finding: FindingDoc,
	findingsById: ReadonlyMap<string, FindingDoc>,
	byFinding: ReadonlyMap<string, AssessmentDoc[]>,
): AssessmentDoc[] {
	const out: AssessmentDoc[] = [];
	const seen = new Set<string>();
	let at: FindingDoc | undefined = finding;
	while (at && !seen.has(at._id)) {
		seen.add(at._id);
		out.push(...(byFinding.get(at._id) ?? []));
		if (at.followUp === 'changed') break;
		at = at.followsUp ? findingsById.get(at.followsUp) : undefined;
	}
	return out.sort(newestFirst);
}

/** The risk that applies to a finding now: its latest assessment (see `riskHistory`), or undefined for a draft. */
export function currentRisk(
	finding: FindingDoc,
	findingsById: ReadonlyMap<string, FindingDoc>,
	byFinding: ReadonlyMap<string, AssessmentDoc[]>,
): AssessmentDoc | undefined {
	return riskHistory(finding, findingsById, byFinding)[0];
}

/** The findings that belong to a round and count (withdrawn ones do not). */
export function roundFindings(roundId: string, findings: readonly FindingDoc[]): FindingDoc[] {
	return findings.filter((f) => f.roundId === roundId && f.status !== 'withdrawn');
}

/** An open finding of an earlier round, and the follow-up this round made of it (if any yet). */
export type EarlierFinding = { finding: FindingDoc; round: RoundDoc; followUp: FindingDoc | undefined };

/**
 * The open findings of the unit's earlier rounds that this round follows up: open, from a round
 * dated on or before this one, and not already followed up in another round (the follow-up is
 * then the one to check). A follow-up made in this round is returned beside its finding.
 */
export function earlierOpenFindings(
	round: RoundDoc,
	rounds: readonly RoundDoc[],
	findings: readonly FindingDoc[],
): EarlierFinding[] {
	const roundsById = new Map(rounds.filter((r) => r.unitId === round.unitId).map((r) => [r._id, r]));
	const followedElsewhere = new Set<string>();
	const followedHere = new Map<string, FindingDoc>();
	for (const f of findings) {
		if (!f.followsUp) continue;
		if (f.roundId === round._id) followedHere.set(f.followsUp, f);
		else followedElsewhere.add(f.followsUp);
	}
	const out: EarlierFinding[] = [];
	for (const f of findings) {
		if (f.status !== 'open' || !f.roundId || f.roundId === round._id) continue;
		const earlier = roundsById.get(f.roundId);
		if (!earlier || earlier.date > round.date || followedElsewhere.has(f._id)) continue;
		out.push({ finding: f, round: earlier, followUp: followedHere.get(f._id) });
	}
	return out.sort((a, b) => (a.round.date < b.round.date ? -1 : a.round.date > b.round.date ? 1 : 0));
}

/** Why a round cannot be signed yet. */
export type SignBlocker =
	{ kind: 'signed' } | { kind: 'unanswered'; itemIds: string[] } | { kind: 'unassessed'; findingIds: string[] };

export type SignCheck = { ok: true } | { ok: false; blockers: SignBlocker[] };

/**
 * May the round be signed? Every item needs an answer and every finding of the round (not
 * withdrawn) a risk assessment; a finding without one may exist as a draft, but blocks signing.
 * For the sign-off screen and the server's policy alike.
 * @example canSign(round, answers, findings, template, assessments) // { ok: false, blockers: [{ kind: 'unassessed', findingIds: ['finding:…'] }] }
 */
export function canSign(
	round: RoundDoc,
	answers: readonly AnswerDoc[],
	findings: readonly FindingDoc[],
	template: TemplateDoc,
	assessments: readonly AssessmentDoc[],
): SignCheck {
	const blockers: SignBlocker[] = [];
	if (round.status === 'signed') blockers.push({ kind: 'signed' });
	const own = answers.filter((a) => a.roundId === round._id);
	const { unanswered } = roundProgress(template, currentAnswers(own));
	if (unanswered.length > 0) blockers.push({ kind: 'unanswered', itemIds: unanswered });
	const byId = new Map(findings.map((f) => [f._id, f]));
	const byFinding = assessmentsByFinding(assessments);
	const unassessed = roundFindings(round._id, findings)
		.filter((f) => currentRisk(f, byId, byFinding) === undefined)
		.map((f) => f._id);
	if (unassessed.length > 0) blockers.push({ kind: 'unassessed', findingIds: unassessed });
	return blockers.length === 0 ? { ok: true } : { ok: false, blockers };
}
