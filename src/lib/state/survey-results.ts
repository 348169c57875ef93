/**
 * Survey results on the device (issue 14 item 3, decision 0034): the closed campaigns whose
 * `surveyresult` documents this person has synced (HR: `reports`, a manager: their
 * `reports-<unit>` scopes; the device holds only what the grants hand out, so listing what is
 * here is the access rule), and one campaign's figures per node, as tables the screen, the
 * charts' text alternatives and the exports all share. Never computes a figure the server did
 * not send: a suppressed (`null`) figure stays `null` down to every cell, and a trend is given
 * only where both campaigns show the figure. Reads IndexedDB only, so it opens offline.
 */
import {
	localizedText,
	withSubtree,
	type CampaignDoc,
	type Localized,
	type NodeFigures,
	type SurveyDoc,
	type SurveyQuestion,
	type SurveyResultDoc,
	type SurveyTextDoc,
} from '../domain/index.ts';
import type { TryggDb } from '../db/app-db.ts';
import type { ReportRow, ReportTable } from './report-table.ts';

type Locale = keyof Localized;

/** Everything of the device the result pages read, in one query. */
export type ResultDocs = {
	campaigns: CampaignDoc[];
	surveys: SurveyDoc[];
	results: SurveyResultDoc[];
	texts: SurveyTextDoc[];
	units: { _id: string; name: string }[];
};

export const EMPTY_RESULTS: ResultDocs = { campaigns: [], surveys: [], results: [], texts: [], units: [] };

/** Read the documents of the result pages (all on the device, so offline too). */
export async function readResultDocs(db: TryggDb): Promise<ResultDocs> {
	const docs = await db.docs
		.where('type')
		.anyOf(['campaign', 'survey', 'surveyresult', 'surveytext', 'unit'])
		.toArray();
	const out: ResultDocs = { campaigns: [], surveys: [], results: [], texts: [], units: [] };
	// HR may hold a node in `reports` and again in `reports-<unit>`: one per id is enough.
	const seen = new Set<string>();
	for (const d of docs) {
		if (d._deleted || seen.has(d._id)) continue;
		seen.add(d._id);
		if (d.type === 'campaign') out.campaigns.push(d);
		else if (d.type === 'survey') out.surveys.push(d);
		else if (d.type === 'surveyresult') out.results.push(withSubtree(d));
		else if (d.type === 'surveytext') out.texts.push(d);
		else if (d.type === 'unit') out.units.push({ _id: d._id, name: d.name });
	}
	return out;
}

/** What the pages need to word a table: the suppressed text is not here, `null` stays `null`. */
export type ResultLabels = {
	node: string;
	group: string;
	eligible: string;
	responses: string;
	rate: string;
	answered: string;
	mean: string;
	previous: string;
	change: string;
	index: string;
	motivation: string;
	leadership: string;
	governance: string;
	/** "Enhet A1 (endast gruppen)": a node's own group apart from the units below it. */
	groupOnly: (name: string) => string;
	/** "Enhet A1 inkl. enheter under". */
	withBelow: (name: string) => string;
	yes: string;
	no: string;
};

export type CampaignSummary = {
	campaignId: string;
	title: string;
	opensOn: string;
	closesOn: string;
	targetUnitId: string;
	targetName: string;
	/** Nodes of this campaign on the device (the person's part of the tree). */
	nodes: number;
};

/** A unit's name, or its id when the device has no unit document for it. */
function nameOf(units: readonly { _id: string; name: string }[]): (unitId: string) => string {
	const names = new Map(units.map((u) => [u._id.slice(u._id.indexOf(':') + 1), u.name]));
	return (unitId) => names.get(unitId) ?? unitId;
}

/** The campaigns with results on this device, newest closing first. */
export function campaignSummaries(docs: ResultDocs, locale: Locale): CampaignSummary[] {
	const name = nameOf(docs.units);
	const counts = new Map<string, number>();
	for (const r of docs.results) counts.set(r.campaignId, (counts.get(r.campaignId) ?? 0) + 1);
	return docs.campaigns
		.filter((c) => counts.has(c._id) && !c.cancelled)
		.map((c) => {
			const survey = docs.surveys.find((s) => s._id === c.surveyId);
			return {
				campaignId: c._id,
				title: survey ? localizedText(survey.title, locale) : c.surveyId,
				opensOn: c.opensOn,
				closesOn: c.closesOn,
				targetUnitId: c.targetUnitId,
				targetName: name(c.targetUnitId),
				nodes: counts.get(c._id) ?? 0,
			};
		})
		.sort((a, b) => b.closesOn.localeCompare(a.closesOn) || a.campaignId.localeCompare(b.campaignId));
}

/** One node of the tree of groups, in the order the page lists them. */
export type ResultNode = {
	doc: SurveyResultDoc;
	name: string;
	depth: number;
	/** Has nodes below it (then `group` and `subtree` differ). */
	inner: boolean;
	/** The same node in the previous campaign, when the device has it. */
	previous: SurveyResultDoc | null;
};

/**
 * The nodes of a campaign in tree order: the highest node first (the campaign's target, or for a
 * manager the top of their part), then depth first, siblings by name.
 */
export function resultNodes(
	docs: ResultDocs,
	campaignId: string,
	compare = new Intl.Collator('sv').compare,
): ResultNode[] {
	const name = nameOf(docs.units);
	const mine = docs.results.filter((r) => r.campaignId === campaignId);
	const byUnit = new Map(mine.map((r) => [r.unitId, r]));
	const previousId = mine.find((r) => r.previousCampaignId !== null)?.previousCampaignId ?? null;
	const previous = new Map(
		docs.results.filter((r) => previousId !== null && r.campaignId === previousId).map((r) => [r.unitId, r]),
	);
	const children = new Map<string | null, SurveyResultDoc[]>();
	for (const r of mine) {
		const parent = r.parentUnitId !== null && byUnit.has(r.parentUnitId) ? r.parentUnitId : null;
		children.set(parent, [...(children.get(parent) ?? []), r]);
	}
	const out: ResultNode[] = [];
	const walk = (parent: string | null, depth: number): void => {
		const kids = [...(children.get(parent) ?? [])].sort((a, b) => compare(name(a.unitId), name(b.unitId)));
		for (const r of kids) {
			out.push({
				doc: r,
				name: name(r.unitId),
				depth,
				inner: children.has(r.unitId),
				previous: previous.get(r.unitId) ?? null,
			});
			walk(r.unitId, depth + 1);
		}
	};
	walk(null, 0);
	return out;
}

/** The share answering, in whole percent, or null when the responses are suppressed. */
export function ratePercent(f: NodeFigures): number | null {
	if (f.responses === null || f.eligible <= 0) return null;
	return Math.round((Math.min(f.responses, f.eligible) / f.eligible) * 100);
}

/** Round to one decimal (means and indices as the screen shows them). */
const one = (n: number): number => Math.round(n * 10) / 10;

/** A change between two shown figures; null when either is suppressed or missing. */
function change(now: number | null | undefined, before: number | null | undefined): number | null {
	return now === null || now === undefined || before === null || before === undefined ? null : one(now - before);
}

/** The figure sets a node shows: the whole subtree, and for an inner node its own group apart. */
function rowsOf(node: ResultNode, l: ResultLabels): { label: string; f: NodeFigures; prev: NodeFigures | null }[] {
	const rows = [
		{
			label: node.inner ? l.withBelow(node.name) : node.name,
			f: node.doc.subtree,
			prev: node.previous?.subtree ?? null,
		},
	];
	if (node.inner) rows.push({ label: l.groupOnly(node.name), f: node.doc.group, prev: node.previous?.group ?? null });
	return rows;
}

/** Participation per node: eligible, responses, rate. */
export function participationTable(
	nodes: readonly ResultNode[],
	l: ResultLabels,
	title: string,
	name: string,
): ReportTable {
	return {
		name,
		title,
		columns: [
			{ key: 'node', label: l.node },
			{ key: 'eligible', label: l.eligible, numeric: true },
			{ key: 'responses', label: l.responses, numeric: true },
			{ key: 'rate', label: l.rate, numeric: true },
		],
		rows: nodes.flatMap((n) =>
			rowsOf(n, l).map(({ label, f }) => ({
				node: label,
				eligible: f.eligible,
				responses: f.responses,
				rate: ratePercent(f),
			})),
		),
	};
}

/** The answer options of a question as columns: its options, the scale's steps, or yes/no. */
export function optionColumns(q: SurveyQuestion, l: ResultLabels, locale: Locale): { key: string; label: string }[] {
	if (q.kind === 'scale') return ['1', '2', '3', '4', '5'].map((s) => ({ key: s, label: s }));
	if (q.kind === 'yesno')
		return [
			{ key: 'yes', label: l.yes },
			{ key: 'no', label: l.no },
		];
	return (q.options ?? []).map((o) => ({ key: o.value, label: localizedText(o.label, locale) }));
}

/**
 * One question's distribution per node: respondents who answered, the count per option, and for
 * a scale the mean, last campaign's mean and the change (only when both are shown).
 */
export function questionTable(
	nodes: readonly ResultNode[],
	q: SurveyQuestion,
	l: ResultLabels,
	locale: Locale,
	name: string,
): ReportTable {
	const options = optionColumns(q, l, locale);
	const scale = q.kind === 'scale';
	const trend = scale && nodes.some((n) => n.previous !== null);
	return {
		name,
		title: localizedText(q.text, locale),
		columns: [
			{ key: 'node', label: l.node },
			{ key: 'n', label: l.answered, numeric: true },
			...options.map((o) => ({ key: `o:${o.key}`, label: o.label, numeric: true })),
			...(scale ? [{ key: 'mean', label: l.mean, numeric: true }] : []),
			...(trend
				? [
						{ key: 'previous', label: l.previous, numeric: true },
						{ key: 'change', label: l.change, numeric: true },
					]
				: []),
		],
		rows: nodes.flatMap((n) =>
			rowsOf(n, l).map(({ label, f, prev }) => {
				const qf = f.questions[q.id] ?? null;
				const pf = prev?.questions[q.id] ?? null;
				const row: Record<string, ReportRow[string]> = { node: label, n: qf?.n ?? null };
				for (const o of options) row[`o:${o.key}`] = qf ? (qf.counts[o.key] ?? 0) : null;
				if (scale) row.mean = qf?.mean === undefined ? null : one(qf.mean);
				if (trend) {
					row.previous = pf?.mean === undefined ? null : one(pf.mean);
					row.change = change(qf?.mean, pf?.mean);
				}
				return row;
			}),
		),
	};
}

/** The HME index and its sub-indices per node, with the previous campaign's index and the change. */
export function hmeTable(nodes: readonly ResultNode[], l: ResultLabels, title: string, name: string): ReportTable {
	const trend = nodes.some((n) => n.previous !== null);
	const h = (v: number | undefined): number | null => (v === undefined ? null : one(v));
	return {
		name,
		title,
		columns: [
			{ key: 'node', label: l.node },
			{ key: 'index', label: l.index, numeric: true },
			{ key: 'motivation', label: l.motivation, numeric: true },
			{ key: 'leadership', label: l.leadership, numeric: true },
			{ key: 'governance', label: l.governance, numeric: true },
			...(trend
				? [
						{ key: 'previous', label: l.previous, numeric: true },
						{ key: 'change', label: l.change, numeric: true },
					]
				: []),
		],
		rows: nodes.flatMap((n) =>
			rowsOf(n, l).map(({ label, f, prev }) => {
				const now = f.hme ?? null;
				const before = prev?.hme ?? null;
				return {
					node: label,
					index: h(now?.index),
					motivation: h(now?.motivation),
					leadership: h(now?.leadership),
					governance: h(now?.governance),
					...(trend ? { previous: h(before?.index), change: change(now?.index, before?.index) } : {}),
				};
			}),
		),
	};
}

/** Free text of one group: per text question, the answers in the order the server shuffled them. */
export type TextGroup = { unitId: string; name: string; questions: { question: SurveyQuestion; answers: string[] }[] };

/** Free-text answers per group (HR only: only `reports` holds them), in the documents' order. */
export function textGroups(
	docs: ResultDocs,
	campaignId: string,
	questions: readonly SurveyQuestion[],
	nodes: readonly ResultNode[],
): TextGroup[] {
	const order = new Map(nodes.map((n, i) => [n.doc.unitId, i]));
	const name = nameOf(docs.units);
	return docs.texts
		.filter((t) => t.campaignId === campaignId)
		.map((t) => ({
			unitId: t.unitId,
			name: name(t.unitId),
			questions: questions
				.filter((q) => q.kind === 'text' && (t.texts[q.id]?.length ?? 0) > 0)
				.map((q) => ({ question: q, answers: t.texts[q.id] ?? [] })),
		}))
		.filter((g) => g.questions.length > 0)
		.sort((a, b) => (order.get(a.unitId) ?? Infinity) - (order.get(b.unitId) ?? Infinity));
}
