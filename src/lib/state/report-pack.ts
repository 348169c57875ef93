/**
 * The printed pack for the co-operation body (issue 14 item 4): one part of the organisation
 * over a period, from the synced report documents only — key figures of its `stats` document
 * (the subtree's), the serious open risks of it and the units below, 6:6a requests and 6:7
 * stops, and the highlights of its latest closed survey, suppressed as on screen. The year
 * flows are per calendar year (decision 0034), so the period counts the whole years it touches;
 * the page says which. Pure: the page reads the documents and passes them in.
 */
import {
	medianDays,
	type SeriousItem,
	type StatsDoc,
	type SurveyResultDoc,
	type YearFigures,
} from '../domain/index.ts';
import type { ReportRow, ReportTable } from './report-table.ts';
import type { TryggDb } from '../db/app-db.ts';
import { readStats } from '../db/reports-repo.ts';
import { EMPTY_RESULTS, ratePercent, readResultDocs, type ResultDocs } from './survey-results.ts';

/** The calendar years a period touches, oldest first. */
export function periodYears(from: string, to: string): string[] {
	const a = Number(from.slice(0, 4));
	const b = Number(to.slice(0, 4));
	const out: string[] = [];
	for (let y = a; y <= b && out.length < 50; y++) out.push(String(y));
	return out;
}

/** The flows of the years of a period added up (days to done as one histogram, so the median is exact). */
export function sumYears(
	stats: StatsDoc,
	years: readonly string[],
): Omit<YearFigures, 'findings'> & { walked: number; signed: number } {
	const out = {
		actionsDone: 0,
		doneDays: {} as Record<string, number>,
		effective: 0,
		notEffective: 0,
		requests: 0,
		workstops: 0,
		followUpsSigned: 0,
		walked: 0,
		signed: 0,
		rounds: {} as YearFigures['rounds'],
	};
	for (const y of years) {
		const f = stats.subtree.years[y];
		if (!f) continue;
		out.actionsDone += f.actionsDone;
		out.effective += f.effective;
		out.notEffective += f.notEffective;
		out.requests += f.requests;
		out.workstops += f.workstops;
		out.followUpsSigned += f.followUpsSigned;
		for (const [d, n] of Object.entries(f.doneDays)) out.doneDays[d] = (out.doneDays[d] ?? 0) + n;
		for (const r of Object.values(f.rounds)) {
			out.walked += r.walked;
			out.signed += r.signed;
		}
	}
	return out;
}

export type PackLabels = Record<
	| 'figure'
	| 'value'
	| 'seriousOpen'
	| 'findingsOpen'
	| 'actionsOpen'
	| 'actionsOverdue'
	| 'actionsDone'
	| 'medianDays'
	| 'effective'
	| 'notEffective'
	| 'roundsWalked'
	| 'roundsSigned'
	| 'requestsFiled'
	| 'requestsOpen'
	| 'requestsOverdue'
	| 'workstops'
	| 'workstopsOpen'
	| 'keyFigures'
	| 'requests',
	string
>;

const table = (name: string, title: string, l: PackLabels, rows: [string, number | null][]): ReportTable => ({
	name,
	title,
	columns: [
		{ key: 'figure', label: l.figure },
		{ key: 'value', label: l.value, numeric: true },
	],
	rows: rows.map(([figure, value]) => ({ figure, value })),
});

/** Key figures of the part: the state as of the document's day and the period's flows. */
export function keyFigures(stats: StatsDoc, years: readonly string[], l: PackLabels): ReportTable {
	const now = stats.subtree.now;
	const flow = sumYears(stats, years);
	return table(`nyckeltal-${stats.unitId}`, l.keyFigures, l, [
		[l.seriousOpen, now.seriousOpen],
		[l.findingsOpen, now.findingsOpen],
		[l.actionsOpen, now.actions.open],
		[l.actionsOverdue, now.actions.overdue],
		[l.actionsDone, flow.actionsDone],
		[l.medianDays, medianDays(flow.doneDays)],
		[l.effective, flow.effective],
		[l.notEffective, flow.notEffective],
		[l.roundsWalked, flow.walked],
		[l.roundsSigned, flow.signed],
	]);
}

/** 6:6a requests and 6:7 stops of the part. */
export function requestFigures(stats: StatsDoc, years: readonly string[], l: PackLabels): ReportTable {
	const now = stats.subtree.now;
	const flow = sumYears(stats, years);
	return table(`begaranden-${stats.unitId}`, l.requests, l, [
		[l.requestsFiled, flow.requests],
		[l.requestsOpen, now.requestsOpen],
		[l.requestsOverdue, now.requestsOverdue],
		[l.workstops, flow.workstops],
		[l.workstopsOpen, now.workstopsOpen],
	]);
}

/** The stats documents of a unit and every unit below it (by `parentId`), the unit first. */
export function subtreeStats(all: readonly StatsDoc[], unitId: string): StatsDoc[] {
	const children = new Map<string, StatsDoc[]>();
	for (const s of all) if (s.parentId !== null) children.set(s.parentId, [...(children.get(s.parentId) ?? []), s]);
	const root = all.find((s) => s.unitId === unitId);
	if (!root) return [];
	const out: StatsDoc[] = [];
	const seen = new Set<string>();
	const walk = (s: StatsDoc): void => {
		if (seen.has(s.unitId)) return;
		seen.add(s.unitId);
		out.push(s);
		for (const c of children.get(s.unitId) ?? []) walk(c);
	};
	walk(root);
	return out;
}

/** Serious open risks of the part, oldest first, with the unit's name. */
export function seriousRisks(all: readonly StatsDoc[], unitId: string): (SeriousItem & { unitName: string })[] {
	return subtreeStats(all, unitId)
		.flatMap((s) => s.serious.map((item) => ({ ...item, unitName: s.name })))
		.sort((a, b) => a.foundOn.localeCompare(b.foundOn) || a.findingId.localeCompare(b.findingId));
}

/** The unit's node of its latest closed campaign (by the day the figures were computed). */
export function latestResult(
	results: readonly SurveyResultDoc[],
	unitId: string,
	closesOn: (campaignId: string) => string | undefined,
): SurveyResultDoc | null {
	const mine = results.filter((r) => r.unitId === unitId);
	mine.sort((a, b) => (closesOn(b.campaignId) ?? b.asOf).localeCompare(closesOn(a.campaignId) ?? a.asOf));
	return mine[0] ?? null;
}

export type SurveyHighlightLabels = Record<
	'figure' | 'value' | 'eligible' | 'responses' | 'rate' | 'index' | 'motivation' | 'leadership' | 'governance',
	string
>;

/** The survey highlights: participation and the HME index of the part; a suppressed figure stays null. */
export function surveyHighlights(r: SurveyResultDoc, title: string, l: SurveyHighlightLabels): ReportTable {
	const f = r.subtree;
	const one = (n: number | undefined): number | null => (n === undefined ? null : Math.round(n * 10) / 10);
	const rows: [string, ReportRow[string]][] = [
		[l.eligible, f.eligible],
		[l.responses, f.responses],
		[l.rate, ratePercent(f)],
	];
	if (f.hme !== undefined) {
		rows.push(
			[l.index, one(f.hme?.index)],
			[l.motivation, one(f.hme?.motivation)],
			[l.leadership, one(f.hme?.leadership)],
			[l.governance, one(f.hme?.governance)],
		);
	}
	return {
		name: `enkat-${r.unitId}`,
		title,
		columns: [
			{ key: 'figure', label: l.figure },
			{ key: 'value', label: l.value, numeric: true },
		],
		rows: rows.map(([figure, value]) => ({ figure, value })),
	};
}

export type PackDocs = ResultDocs & { stats: StatsDoc[] };

export const EMPTY_PACK: PackDocs = { ...EMPTY_RESULTS, stats: [] };

/** Everything the pack reads, in one query. */
export async function readPackDocs(db: TryggDb): Promise<PackDocs> {
	// The stats as the report views read them: one per unit, subtree filled in.
	const [results, stats] = await Promise.all([readResultDocs(db), readStats(db)]);
	return { ...results, stats };
}
