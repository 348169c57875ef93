/**
 * The figures of the report views (issue 14), from stats documents: the tree of the units on the
 * device, the key indicators of a unit and a year, and the heat of a cell. Pure: no database,
 * no clock, no texts.
 */
import {
	FINDING_CATEGORIES,
	medianDays,
	RISK_LEVELS,
	TEMPLATE_KINDS,
	type Figures,
	type Me,
	type StatsDoc,
	type YearFigures,
} from '../domain/index.ts';
import { i18n } from '../i18n/i18n.svelte.ts';
import type { ReportRow } from './report-table.ts';

/** A unit on the device with its place in the tree of what this person may see. */
export type ReportNode = { doc: StatsDoc; depth: number; children: ReportNode[] };

/** HR and managers see reports (the server grants the report scopes by the same roles). */
export function mayReadReports(person: Pick<Me, 'roles' | 'scopes'> | null): boolean {
	if (!person) return false;
	const roles = new Set([...person.roles, ...person.scopes.map((s) => s.role)]);
	return roles.has('hr') || roles.has('manager');
}

/**
 * The tree of the units on the device: a unit whose parent is not here is a root (a manager's own
 * unit, or the organisation for HR). Children in name order.
 */
export function buildTree(docs: readonly StatsDoc[]): ReportNode[] {
	const ids = new Set(docs.map((d) => d.unitId));
	const below = new Map<string, StatsDoc[]>();
	for (const d of docs) {
		const parent = d.parentId !== null && ids.has(d.parentId) ? d.parentId : '';
		below.set(parent, [...(below.get(parent) ?? []), d]);
	}
	const grow = (parent: string, depth: number, seen: Set<string>): ReportNode[] =>
		(below.get(parent) ?? [])
			.filter((d) => !seen.has(d.unitId))
			.sort((a, b) => i18n.compare(a.name, b.name) || a.unitId.localeCompare(b.unitId))
			.map((doc) => ({ doc, depth, children: grow(doc.unitId, depth + 1, new Set([...seen, doc.unitId])) }));
	return grow('', 0, new Set());
}

/** Every node of the tree, depth first (a parent before its children). */
export function flatten(nodes: readonly ReportNode[]): ReportNode[] {
	return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

const sum = (values: Iterable<number>): number => [...values].reduce((s, v) => s + v, 0);

/** Rounds of all kinds in a year. */
function rounds(year: YearFigures | undefined, field: 'planned' | 'walked' | 'signed'): number {
	return year ? sum(TEMPLATE_KINDS.map((k) => year.rounds[k][field])) : 0;
}

/**
 * The drill-down's key figures of one unit in one mode, this year against last.
 * @example indicators(doc.subtree, 2026).roundsSigned // rounds of every kind signed in 2026
 */
export function indicators(f: Figures, year: number): Record<string, number | null> {
	const now = f.now;
	const y = f.years[String(year)];
	const last = f.years[String(year - 1)];
	return {
		roundsPlanned: rounds(y, 'planned'),
		roundsPlannedLast: rounds(last, 'planned'),
		roundsWalked: rounds(y, 'walked'),
		roundsWalkedLast: rounds(last, 'walked'),
		roundsSigned: rounds(y, 'signed'),
		roundsSignedLast: rounds(last, 'signed'),
		roundsOverdue: sum(Object.values(now.roundsOverdue)),
		seriousOpen: now.seriousOpen,
		actionsOpen: now.actions.open,
		actionsOverdue: now.actions.overdue,
		actionsDone: now.actions.done,
		actionsEffective: now.actions.effective,
		actionsNotEffective: now.actions.notEffective,
		medianDays: y ? medianDays(y.doneDays) : null,
		requestsOpen: now.requestsOpen,
		requestsOverdue: now.requestsOverdue,
		workstopsOpen: now.workstopsOpen,
		workstopsOverdue: now.workstopsOverdue,
		followUpsSigned: y?.followUpsSigned ?? 0,
		followUpsSignedLast: last?.followUpsSigned ?? 0,
	};
}

/** One year's flow for the trends view. */
export function yearIndicators(y: YearFigures | undefined): Record<string, number | null> {
	const findings = (levels?: readonly string[]): number =>
		y
			? sum(
					FINDING_CATEGORIES.map((c) =>
						sum(
							Object.entries(y.findings[c])
								.filter(([l]) => !levels || levels.includes(l))
								.map(([, n]) => n),
						),
					),
				)
			: 0;
	return {
		roundsPlanned: rounds(y, 'planned'),
		roundsWalked: rounds(y, 'walked'),
		roundsSigned: rounds(y, 'signed'),
		findings: findings(),
		findingsHigh: findings(RISK_LEVELS.filter((l) => l === 'high' || l === 'severe')),
		actionsDone: y?.actionsDone ?? 0,
		medianDays: y ? medianDays(y.doneDays) : null,
		effective: y?.effective ?? 0,
		notEffective: y?.notEffective ?? 0,
		requests: y?.requests ?? 0,
		workstops: y?.workstops ?? 0,
		followUpsSigned: y?.followUpsSigned ?? 0,
	};
}

/** Whole days from one ISO day to another. */
export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);
}

/** Heat of a cell, 0 (none) to 3, against the largest value in its column among comparable rows. */
export function heat(value: number | null | undefined, max: number): 0 | 1 | 2 | 3 {
	if (!value || value <= 0 || max <= 0) return 0;
	const share = value / max;
	return share > 2 / 3 ? 3 : share > 1 / 3 ? 2 : 1;
}

/** The indicators of the heatmap: more is worse in every one. */
export const HEAT_KEYS = [
	'roundsOverdue',
	'seriousOpen',
	'actionsOverdue',
	'actionsNotEffective',
	'requestsOverdue',
	'workstopsOverdue',
	'medianDays',
] as const;

/** The nodes by unit id. */
export function indexNodes(nodes: readonly ReportNode[]): ReadonlyMap<string, ReportNode> {
	return new Map(nodes.map((n) => [n.doc.unitId, n]));
}

/**
 * The heat of each cell of `keys` against the largest value in its column among rows of the same
 * depth (a department is compared with departments, a workplace with workplaces).
 */
export function heatScale(
	rows: readonly ReportRow[],
	depths: readonly number[],
	keys: readonly string[],
): (row: number, key: string) => 0 | 1 | 2 | 3 {
	const max = new Map<string, number>();
	rows.forEach((row, i) => {
		for (const key of keys) {
			const id = `${depths[i]}|${key}`;
			const value = row[key];
			max.set(id, Math.max(max.get(id) ?? 0, typeof value === 'number' ? value : 0));
		}
	});
	return (row, key) => {
		if (!keys.includes(key)) return 0;
		const value = rows[row]?.[key];
		return heat(typeof value === 'number' ? value : null, max.get(`${depths[row]}|${key}`) ?? 0);
	};
}
