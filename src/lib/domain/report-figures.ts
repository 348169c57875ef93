/**
 * The figures of a `stats:<unitId>` report document (decision 0034), computed from a unit's
 * compact records: what the server keeps in memory per round, finding, assessment, action,
 * request, stop and follow-up. Pure: the day is a value, no clock, no storage. A subtree's
 * figures are the sum of its units' (`addFigures`), so the server adds children's subtrees
 * instead of reading them again.
 */
import { idKey } from './ids.ts';
import { yearBefore, YEARLY_KINDS } from './overdue.ts';
import {
	emptyNow,
	emptyYear,
	MAX_SERIOUS_LISTED,
	REPORT_YEARS,
	WORKSTOP_OVERDUE_DAYS,
	type AgeBucket,
	type Figures,
	type NowFigures,
	type SeriousItem,
	type YearFigures,
} from './reports.ts';
import { DEFAULT_RISK_BANDS, riskLevel, type RiskBands, type RiskLevel } from './risk.ts';
import type { ActionStatus, FindingCategory, FindingStatus, TemplateKind } from './schemas.ts';
import { swedishDay } from './surveys.ts';

/** A round as the figures need it. */
export type RoundRecord = { id: string; templateId: string; date: string; status: string };
/** A finding: `foundOn` is the Swedish day it was made; `title` is cut to 200 characters. */
export type FindingRecord = {
	id: string;
	category: FindingCategory;
	status: FindingStatus;
	foundOn: string;
	title: string;
};
/** One risk assessment; a finding's risk is its latest by `stamp`. */
export type AssessmentRecord = {
	id: string;
	findingId: string;
	stamp: string;
	probability: number;
	consequence: number;
	serious: boolean;
};
/** An action: `createdOn` is the day it was made, `checkedOn` the day its effect check was saved. */
export type ActionRecord = {
	id: string;
	findingId?: string;
	status: ActionStatus;
	due: string | null;
	done: string | null;
	effective?: boolean;
	createdOn: string;
	checkedOn?: string;
	/** The planned action, cut to 200 characters. */
	text: string;
};
/** A 6:6a request: open until answered. */
export type RequestRecord = { id: string; filedOn: string; replyBy: string; answered: boolean };
/** A 6:7 stop: open until work resumed. */
export type WorkstopRecord = { id: string; stoppedOn: string; resumed: boolean };
/** An annual follow-up: signed when both sides signed. */
export type FollowUpRecord = { id: string; year: number; signed: boolean };

export type UnitRecords = {
	rounds: readonly RoundRecord[];
	findings: readonly FindingRecord[];
	assessments: readonly AssessmentRecord[];
	actions: readonly ActionRecord[];
	requests: readonly RequestRecord[];
	workstops: readonly WorkstopRecord[];
	followUps: readonly FollowUpRecord[];
};

export type UnitFigures = {
	own: Figures;
	/** This unit's serious open findings, oldest first, at most MAX_SERIOUS_LISTED. */
	serious: SeriousItem[];
	/** Yearly kinds a workplace lacks a signed round of within the year before `asOf`; empty for other units. */
	overdueKinds: TemplateKind[];
};

const TEXT_MAX = 200;
const ACTIONS_PER_ITEM = 20;
const OPEN_ACTION: readonly ActionStatus[] = ['planned', 'in_progress', 'postponed'];

/** Cut a text to what a report holds. */
export function cut(text: string, max = TEXT_MAX): string {
	return text.length <= max ? text : text.slice(0, max);
}

/**
 * Whole days from `from` to `to` (both YYYY-MM-DD).
 * @example daysBetween('2026-01-30', '2026-02-02') // 3
 */
export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The Swedish day of a stored time (ISO), or of a UUIDv7 id's time when the id is one.
 * @example dayOfId('action:01932f3c-…') // the day the device made it
 */
export function dayOfId(id: string): string | undefined {
	const hex = idKey(id).replaceAll('-', '');
	if (!/^[0-9a-f]{32}$/.test(hex) || hex[12] !== '7') return undefined;
	return swedishDay(new Date(parseInt(hex.slice(0, 12), 16)));
}

function ageBucket(days: number): AgeBucket {
	if (days >= 180) return 'd180';
	if (days >= 90) return 'd90';
	if (days >= 30) return 'd30';
	return 'd0';
}

/** The latest assessment per finding (by stamp, then id so every server agrees). */
function latestAssessments(assessments: readonly AssessmentRecord[]): Map<string, AssessmentRecord> {
	const latest = new Map<string, AssessmentRecord>();
	for (const a of assessments) {
		const prev = latest.get(a.findingId);
		if (!prev || a.stamp > prev.stamp || (a.stamp === prev.stamp && a.id > prev.id)) latest.set(a.findingId, a);
	}
	return latest;
}

/**
 * One unit's own figures as of `asOf`, its serious list and (for a workplace) its overdue kinds.
 * `kindOf` gives a round template's kind; rounds of unknown templates count for nothing.
 */
export function unitFigures(
	records: UnitRecords,
	opts: {
		asOf: string;
		kindOf: (templateId: string) => TemplateKind | undefined;
		bands?: RiskBands;
		/** A unit without child units: counted in `workplaces`, checked for yearly rounds. */
		workplace: boolean;
	},
): UnitFigures {
	const { asOf, kindOf, workplace } = opts;
	const bands = opts.bands ?? DEFAULT_RISK_BANDS;
	const lastYear = Number(asOf.slice(0, 4));
	const years: Record<string, YearFigures> = {};
	const yearOf = (day: string | null | undefined): YearFigures | undefined => {
		if (!day) return undefined;
		const y = Number(day.slice(0, 4));
		if (!(y <= lastYear && y > lastYear - REPORT_YEARS)) return undefined;
		return (years[String(y)] ??= emptyYear());
	};
	const now: NowFigures = emptyNow();

	// Rounds: flows by kind and year; the latest signed date per yearly kind.
	const lastSigned = new Map<TemplateKind, string>();
	for (const r of records.rounds) {
		const kind = kindOf(r.templateId);
		if (!kind) continue;
		const year = yearOf(r.date);
		if (year) {
			year.rounds[kind].planned++;
			if (r.status === 'done' || r.status === 'signed') year.rounds[kind].walked++;
			if (r.status === 'signed') year.rounds[kind].signed++;
		}
		if (r.status === 'signed' && r.date <= asOf && r.date > (lastSigned.get(kind) ?? '')) lastSigned.set(kind, r.date);
	}

	// Findings by category and latest level; serious open ones by age.
	const latest = latestAssessments(records.assessments);
	const seriousFindings: { finding: FindingRecord; level: RiskLevel | 'unassessed' }[] = [];
	for (const f of records.findings) {
		if (f.status === 'withdrawn') continue;
		const a = latest.get(f.id);
		const level = a ? riskLevel(a.probability, a.consequence, bands) : 'unassessed';
		const year = yearOf(f.foundOn);
		if (year) year.findings[f.category][level]++;
		if (f.status !== 'open') continue;
		now.findingsOpen++;
		if (a?.serious) {
			now.seriousOpen++;
			now.seriousAge[ageBucket(Math.max(0, daysBetween(f.foundOn, asOf)))]++;
			seriousFindings.push({ finding: f, level });
		}
	}

	// Actions: the state now, and done and checked by year.
	for (const a of records.actions) {
		if (OPEN_ACTION.includes(a.status)) {
			now.actions.open++;
			if (a.due !== null && a.due < asOf) now.actions.overdue++;
		} else if (a.status === 'done') now.actions.done++;
		else if (a.effective) now.actions.effective++;
		else now.actions.notEffective++;
		if ((a.status === 'done' || a.status === 'effect_checked') && a.done !== null) {
			const year = yearOf(a.done);
			if (year) {
				year.actionsDone++;
				const key = String(Math.max(0, daysBetween(a.createdOn, a.done)));
				year.doneDays[key] = (year.doneDays[key] ?? 0) + 1;
			}
		}
		if (a.status === 'effect_checked') {
			const year = yearOf(a.checkedOn ?? a.done);
			if (year) year[a.effective ? 'effective' : 'notEffective']++;
		}
	}

	for (const r of records.requests) {
		const year = yearOf(r.filedOn);
		if (year) year.requests++;
		if (r.answered) continue;
		now.requestsOpen++;
		if (r.replyBy < asOf) now.requestsOverdue++;
	}
	for (const w of records.workstops) {
		const year = yearOf(w.stoppedOn);
		if (year) year.workstops++;
		if (w.resumed) continue;
		now.workstopsOpen++;
		if (daysBetween(w.stoppedOn, asOf) > WORKSTOP_OVERDUE_DAYS) now.workstopsOverdue++;
	}
	for (const f of records.followUps) {
		if (!f.signed) continue;
		const year = yearOf(`${String(f.year).padStart(4, '0')}-01-01`);
		if (year) year.followUpsSigned++;
	}

	const overdueKinds: TemplateKind[] = [];
	if (workplace) {
		now.workplaces = 1;
		const since = yearBefore(asOf);
		for (const kind of YEARLY_KINDS) {
			if ((lastSigned.get(kind) ?? '') >= since) continue;
			overdueKinds.push(kind);
			now.roundsOverdue[kind as keyof NowFigures['roundsOverdue']]++;
		}
	}

	return { own: { now, years }, serious: seriousList(seriousFindings, records.actions), overdueKinds };
}

function seriousList(
	found: readonly { finding: FindingRecord; level: RiskLevel | 'unassessed' }[],
	actions: readonly ActionRecord[],
): SeriousItem[] {
	const listed = [...found]
		.sort((a, b) =>
			a.finding.foundOn !== b.finding.foundOn
				? a.finding.foundOn < b.finding.foundOn
					? -1
					: 1
				: a.finding.id < b.finding.id
					? -1
					: 1,
		)
		.slice(0, MAX_SERIOUS_LISTED);
	const byFinding = new Map<string, ActionRecord[]>();
	for (const a of actions) {
		if (a.findingId === undefined) continue;
		byFinding.set(a.findingId, [...(byFinding.get(a.findingId) ?? []), a]);
	}
	return listed.map(({ finding, level }) => ({
		findingId: finding.id,
		title: cut(finding.title),
		category: finding.category,
		level,
		foundOn: finding.foundOn,
		actions: (byFinding.get(finding.id) ?? [])
			.sort((a, b) => (a.id < b.id ? -1 : 1))
			.slice(0, ACTIONS_PER_ITEM)
			.map((a) => ({ actionId: a.id, text: cut(a.text), status: a.status, due: a.due })),
	}));
}

/** Empty figures: no years, nothing now. */
export function emptyFigures(): Figures {
	return { now: emptyNow(), years: {} };
}

/** Add every count of `b` to `a` (nested objects, histograms by key). */
function addInto(a: Record<string, unknown>, b: Readonly<Record<string, unknown>>): void {
	for (const [k, v] of Object.entries(b)) {
		if (typeof v === 'number') a[k] = ((a[k] as number | undefined) ?? 0) + v;
		else if (v && typeof v === 'object') {
			a[k] ??= {};
			addInto(a[k] as Record<string, unknown>, v as Record<string, unknown>);
		}
	}
}

/**
 * The sum of two units' (or subtrees') figures: every count added, years merged, days
 * histograms merged by key so the median of the sum is exact. Neither argument changes.
 */
export function addFigures(a: Figures, b: Figures): Figures {
	const sum = structuredClone(a);
	addInto(sum.now as unknown as Record<string, unknown>, b.now as unknown as Record<string, unknown>);
	for (const [y, year] of Object.entries(b.years)) {
		sum.years[y] ??= emptyYear();
		addInto(sum.years[y] as unknown as Record<string, unknown>, year as unknown as Record<string, unknown>);
	}
	return sum;
}
