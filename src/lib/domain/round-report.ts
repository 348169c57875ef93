/**
 * The content of a round report (rondprotokoll): header, every item's current answer with its
 * comment and what was fixed on the spot, the findings with their risk, the signatures with any
 * reservation, and the reopenings. Pure and language-free (codes, not words), so the printable
 * page and the CSV export show the same content from one model.
 */
import { DEFAULT_RISK_BANDS, riskLevel, riskScore, type RiskBands, type RiskLevel } from './risk.ts';
import { assessmentsByFinding, byId, currentAnswers, currentRisk, roundFindings, roundItems } from './round-state.ts';
import type {
	AnswerDoc,
	AssessmentDoc,
	FindingDoc,
	PrereportDoc,
	ReopeningDoc,
	RoundDoc,
	SignatureDoc,
	TemplateDoc,
} from './schemas.ts';
import { signOffState } from './sign-off.ts';

export type ReportItem = {
	number: number;
	sectionId: string;
	text: TemplateDoc['sections'][number]['items'][number]['text'];
	answer: AnswerDoc | undefined;
};

export type ReportFinding = {
	number: number;
	finding: FindingDoc;
	/** The item number it came from, if any. */
	itemNumber: number | undefined;
	risk: (AssessmentDoc & { score: number; level: RiskLevel }) | undefined;
};

export type RoundReport = {
	round: RoundDoc;
	template: TemplateDoc;
	items: ReportItem[];
	findings: ReportFinding[];
	/** Signatures that count now, oldest first. */
	signatures: SignatureDoc[];
	/** Signatures set aside by a reopening (kept on the report: what was signed before). */
	setAside: SignatureDoc[];
	reopenings: ReopeningDoc[];
};

/**
 * Build the report of one round from its documents; risk levels by the bands the round was
 * signed with when it is signed (a later change of the organisation's bands never re-grades a
 * signed record), else by the organisation's `bands` (the default bands when none are given).
 * @example roundReport({ round, template, answers, findings, assessments, signatures, reopenings }).findings[0].risk?.level // 'medium'
 */
export function roundReport(docs: {
	round: RoundDoc;
	template: TemplateDoc;
	answers: readonly AnswerDoc[];
	findings: readonly FindingDoc[];
	assessments: readonly AssessmentDoc[];
	signatures: readonly SignatureDoc[];
	reopenings: readonly ReopeningDoc[];
	bands?: RiskBands;
}): RoundReport {
	const { round, template } = docs;
	const bands = (round.status === 'signed' ? round.bands : undefined) ?? docs.bands ?? DEFAULT_RISK_BANDS;
	const current = currentAnswers(docs.answers.filter((a) => a.roundId === round._id));
	const entries = roundItems(template);
	const items = entries.map(({ item, section, number }) => ({
		number,
		sectionId: section.id,
		text: item.text,
		answer: current.get(item.id)?.current,
	}));
	const numberOf = new Map(entries.map((e) => [e.item.id, e.number]));
	const findingsById = byId(docs.findings);
	// A residual risk after an action's effect check comes later and never changes what was signed.
	const byFinding = assessmentsByFinding(docs.assessments.filter((a) => a.kind !== 'residual'));
	const rank = (f: FindingDoc) => (f.itemId !== undefined ? (numberOf.get(f.itemId) ?? 999) : 1000);
	const findings = roundFindings(round._id, docs.findings)
		.sort((a, b) => rank(a) - rank(b) || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
		.map((finding, i) => {
			const latest = currentRisk(finding, findingsById, byFinding);
			return {
				number: i + 1,
				finding,
				itemNumber: finding.itemId !== undefined ? numberOf.get(finding.itemId) : undefined,
				risk: latest && {
					...latest,
					score: riskScore(latest.probability, latest.consequence),
					level: riskLevel(latest.probability, latest.consequence, bands),
				},
			};
		});
	const state = signOffState(round._id, docs.signatures, docs.reopenings, round);
	const active = new Set(state.active.map((s) => s._id));
	const setAside = docs.signatures
		.filter((s) => s.roundId === round._id && !active.has(s._id))
		.sort((a, b) => (a.signedAt < b.signedAt ? -1 : a.signedAt > b.signedAt ? 1 : 0));
	return { round, template, items, findings, signatures: state.active, setAside, reopenings: state.reopenings };
}

/**
 * The pre-reports (förhandsanmälningar) sent for a round, oldest first, each with the number of
 * the item it concerns (undefined when none, or an item the template does not have). They stay
 * part of the round's record once it has started (decision 0006).
 * @example roundPrereports(round._id, template, prereports)[0]?.itemNumber // 3
 */
export function roundPrereports(
	roundId: string,
	template: TemplateDoc | undefined,
	prereports: readonly PrereportDoc[],
): { prereport: PrereportDoc; itemNumber: number | undefined }[] {
	const numberOf = new Map(template ? roundItems(template).map((e) => [e.item.id, e.number]) : []);
	return prereports
		.filter((p) => p.roundId === roundId)
		.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a._id < b._id ? -1 : 1))
		.map((prereport) => ({
			prereport,
			itemNumber: prereport.itemId === undefined ? undefined : numberOf.get(prereport.itemId),
		}));
}
