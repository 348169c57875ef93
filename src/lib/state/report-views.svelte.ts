/**
 * The report views (issue 14, item 3; decision 0034): the org-tree drill-down, the heatmap, the
 * trends and the serious open risks, all built from the `stats:<unitId>` documents synced to this
 * device. HR's device holds the whole organisation (`reports`), a manager's only the subtree of
 * the units they may read (`reports-<unit>`), so what a view can show is what the server sent:
 * a unit that is not on the device has no figures here, whoever asks. Every view is a
 * `ReportTable`, the shape the exports and the printed pack read too.
 */
import type { TryggDb } from '../db/app-db.ts';
import { liveStats, liveStatsAround, readStats } from '../db/reports-repo.ts';
import { REPORT_YEARS, type Me, type StatsDoc } from '../domain/index.ts';
import { i18n, t } from '../i18n/i18n.svelte.ts';
import { rt, type ReportKey } from '../i18n/reports.svelte.ts';
import type { Clock } from './clock.ts';
import {
	buildTree,
	daysBetween,
	flatten,
	HEAT_KEYS,
	heatScale,
	indexNodes,
	indicators,
	mayReadReports,
	yearIndicators,
	type ReportNode,
} from './report-figures.ts';
import type { ReportColumn, ReportRow, ReportTable } from './report-table.ts';

export { buildTree, flatten, heat, indicators, mayReadReports, type ReportNode } from './report-figures.ts';

export type ReportDeps = { db: TryggDb | null; person: () => Me | null; clock: Clock };

/** Figures of a unit alone (`own`) or of it and every unit below (`subtree`). */
export type ReportMode = 'own' | 'subtree';

export type RiskSort = 'oldest' | 'newest';

export class ReportViews {
	readonly #deps: ReportDeps;
	#docs = $state.raw<readonly StatsDoc[] | null>(null);

	constructor(deps: ReportDeps) {
		this.#deps = deps;
	}

	/** Read the device's stats once. */
	async load(): Promise<void> {
		this.#docs = this.#deps.db ? await readStats(this.#deps.db) : [];
	}

	/** Follow the device (a sync brings new figures); returns the way to stop. */
	watch(): () => void {
		const db = this.#deps.db;
		if (!db) return () => {};
		const sub = liveStats(db).subscribe({ next: (docs) => (this.#docs = docs) });
		return () => sub.unsubscribe();
	}

	/**
	 * Follow only what the drill-down at `unitId` shows (the unit, the units above it, its
	 * children; or the top units): on HR's device a level is a few dozen documents, not 5,000.
	 */
	watchAround(unitId: string | null): () => void {
		const db = this.#deps.db;
		if (!db) {
			this.#docs = [];
			return () => {};
		}
		const sub = liveStatsAround(db, unitId).subscribe({ next: (docs) => (this.#docs = docs) });
		return () => sub.unsubscribe();
	}

	/** False until the device has been read (to tell "loading" from "nothing synced yet"). */
	get loaded(): boolean {
		return this.#docs !== null;
	}

	get allowed(): boolean {
		return mayReadReports(this.#deps.person());
	}

	readonly tree = $derived(buildTree(this.#docs ?? []));
	readonly nodes = $derived(flatten(this.tree));
	readonly #byId = $derived(indexNodes(this.nodes));

	/**
	 * "This year": the year of the figures' day (the server's Swedish day), so the views say the
	 * same on every device; the clock only when nothing is here yet.
	 */
	get year(): number {
		return Number((this.asOf ?? String(this.#deps.clock.now().getFullYear())).slice(0, 4));
	}

	/** The newest day the figures hold for, or null. */
	readonly asOf = $derived(
		this.nodes
			.map((n) => n.doc.asOf)
			.sort()
			.at(-1) ?? null,
	);

	/** A unit on the device, or undefined (not synced, or not this person's to see). */
	node(unitId: string): ReportNode | undefined {
		return this.#byId.get(unitId);
	}

	/** The units from the top of what this person sees down to `unitId`. */
	path(unitId: string): ReportNode[] {
		const out: ReportNode[] = [];
		let current = this.#byId.get(unitId);
		while (current && !out.includes(current)) {
			out.unshift(current);
			const parent = current.doc.parentId;
			current = parent === null ? undefined : this.#byId.get(parent);
		}
		return out;
	}

	/** The unit a view opens on without a choice: the one root, or null when there are several. */
	get defaultUnit(): string | null {
		return this.tree.length === 1 ? (this.tree[0]?.doc.unitId ?? null) : null;
	}

	#indicatorColumns(): ReportColumn[] {
		const y = String(this.year);
		const last = String(this.year - 1);
		const col = (key: string, label: string): ReportColumn => ({ key, label, numeric: true });
		return [
			col('roundsPlanned', rt('reports.col.roundsPlanned', { year: y })),
			col('roundsPlannedLast', rt('reports.col.roundsPlanned', { year: last })),
			col('roundsWalked', rt('reports.col.roundsWalked', { year: y })),
			col('roundsWalkedLast', rt('reports.col.roundsWalked', { year: last })),
			col('roundsSigned', rt('reports.col.roundsSigned', { year: y })),
			col('roundsSignedLast', rt('reports.col.roundsSigned', { year: last })),
			col('roundsOverdue', rt('reports.col.roundsOverdue')),
			col('seriousOpen', rt('reports.col.seriousOpen')),
			col('actionsOpen', rt('reports.col.actionsOpen')),
			col('actionsOverdue', rt('reports.col.actionsOverdue')),
			col('actionsDone', rt('reports.col.actionsDone')),
			col('actionsEffective', rt('reports.col.actionsEffective')),
			col('actionsNotEffective', rt('reports.col.actionsNotEffective')),
			col('medianDays', rt('reports.col.medianDays', { year: y })),
			col('requestsOpen', rt('reports.col.requestsOpen')),
			col('requestsOverdue', rt('reports.col.requestsOverdue')),
			col('workstopsOpen', rt('reports.col.workstopsOpen')),
			col('workstopsOverdue', rt('reports.col.workstopsOverdue')),
			col('followUpsSigned', rt('reports.col.followUpsSigned', { year: y })),
			col('followUpsSignedLast', rt('reports.col.followUpsSigned', { year: last })),
		];
	}

	#row(node: ReportNode, mode: ReportMode, name: string): ReportRow {
		return { unitId: node.doc.unitId, unit: name, ...indicators(node.doc[mode], this.year) };
	}

	/**
	 * The drill-down at a unit (or at the roots): the unit itself first, then each child unit, in
	 * the chosen mode, so a department manager compares their units in one table. Null when the
	 * unit is not on this device.
	 */
	drillDown(unitId: string | null, mode: ReportMode): ReportTable | null {
		const at = unitId === null ? null : this.#byId.get(unitId);
		if (unitId !== null && !at) return null;
		const rows = at
			? [
					this.#row(at, mode, rt('reports.drill.self', { unit: at.doc.name })),
					...at.children.map((c) => this.#row(c, mode, c.doc.name)),
				]
			: this.tree.map((n) => this.#row(n, mode, n.doc.name));
		const title = at
			? rt(mode === 'own' ? 'reports.drill.titleOwn' : 'reports.drill.titleSubtree', { unit: at.doc.name })
			: rt(mode === 'own' ? 'reports.drill.titleOwnAll' : 'reports.drill.titleSubtreeAll');
		return {
			name: `drill-${unitId ?? 'top'}-${mode}`,
			title,
			columns: [{ key: 'unit', label: rt('reports.col.unit') }, ...this.#indicatorColumns()],
			rows,
		};
	}

	/**
	 * Every unit on the device × the indicators where more is worse, subtree figures. Heat is
	 * measured among units at the same depth, so a department is not compared with a workplace.
	 */
	heatmap(): { table: ReportTable; heat: (row: number, key: string) => 0 | 1 | 2 | 3 } {
		const labels: Record<(typeof HEAT_KEYS)[number], string> = {
			roundsOverdue: rt('reports.col.roundsOverdue'),
			seriousOpen: rt('reports.col.seriousOpen'),
			actionsOverdue: rt('reports.col.actionsOverdue'),
			actionsNotEffective: rt('reports.col.actionsNotEffective'),
			requestsOverdue: rt('reports.col.requestsOverdue'),
			workstopsOverdue: rt('reports.col.workstopsOverdue'),
			medianDays: rt('reports.col.medianDays', { year: String(this.year) }),
		};
		const nodes = this.nodes;
		const rows: ReportRow[] = nodes.map((n) => ({ ...this.#row(n, 'subtree', n.doc.name), level: n.depth + 1 }));
		const scale = heatScale(
			rows,
			nodes.map((n) => n.depth),
			HEAT_KEYS,
		);
		const table: ReportTable = {
			name: 'heatmap',
			title: rt('reports.heatmap.caption'),
			columns: [
				{ key: 'unit', label: rt('reports.col.unit') },
				{ key: 'level', label: rt('reports.col.level'), numeric: true },
				...HEAT_KEYS.map((key) => ({ key, label: labels[key], numeric: true })),
			],
			rows,
		};
		return {
			table,
			heat: (row, key) => {
				if (!(HEAT_KEYS as readonly string[]).includes(key)) return 0;
				return scale(row, key);
			},
		};
	}

	/** The last REPORT_YEARS years of one unit (oldest first), in the chosen mode; null when not here. */
	trends(unitId: string, mode: ReportMode): ReportTable | null {
		const at = this.#byId.get(unitId);
		if (!at) return null;
		const years = Array.from({ length: REPORT_YEARS }, (_, i) => this.year - (REPORT_YEARS - 1) + i);
		const col = (key: string, label: ReportKey): ReportColumn => ({ key, label: rt(label), numeric: true });
		return {
			name: `trends-${unitId}-${mode}`,
			title: rt(mode === 'own' ? 'reports.trends.captionOwn' : 'reports.trends.captionSubtree', {
				unit: at.doc.name,
			}),
			columns: [
				{ key: 'year', label: rt('reports.col.year') },
				col('roundsPlanned', 'reports.trends.roundsPlanned'),
				col('roundsWalked', 'reports.trends.roundsWalked'),
				col('roundsSigned', 'reports.trends.roundsSigned'),
				col('findings', 'reports.trends.findings'),
				col('findingsHigh', 'reports.trends.findingsHigh'),
				col('actionsDone', 'reports.trends.actionsDone'),
				col('medianDays', 'reports.trends.medianDays'),
				col('effective', 'reports.trends.effective'),
				col('notEffective', 'reports.trends.notEffective'),
				col('requests', 'reports.trends.requests'),
				col('workstops', 'reports.trends.workstops'),
				col('followUpsSigned', 'reports.trends.followUpsSigned'),
			],
			// The year is a label, not a quantity: no digit grouping ("2 026").
			rows: years.map((y) => ({ year: String(y), ...yearIndicators(at.doc[mode].years[String(y)]) })),
		};
	}

	/**
	 * Serious open findings of every unit on the device with their actions, by age. Names no
	 * person: the documents carry none.
	 */
	risks(sort: RiskSort): ReportTable {
		const status = (s: string): string => t(`followUp.actionStatus.${s}` as Parameters<typeof t>[0]);
		const rows: ReportRow[] = this.nodes.flatMap((n) =>
			n.doc.serious.map((item) => ({
				unitId: n.doc.unitId,
				findingId: item.findingId,
				unit: n.doc.name,
				title: item.title,
				category: t(`findings.category.${item.category}`),
				level: item.level === 'unassessed' ? rt('reports.risks.unassessed') : t(`risk.level.${item.level}`),
				foundOn: i18n.date(item.foundOn),
				ageDays: Math.max(0, daysBetween(item.foundOn, n.doc.asOf)),
				actions:
					item.actions.length === 0
						? rt('reports.risks.noActions')
						: item.actions
								.map((a) =>
									a.due
										? rt('reports.risks.actionDue', { text: a.text, status: status(a.status), due: i18n.date(a.due) })
										: rt('reports.risks.action', { text: a.text, status: status(a.status) }),
								)
								.join('; '),
			})),
		);
		const dir = sort === 'oldest' ? 1 : -1;
		rows.sort(
			(a, b) =>
				dir * (Number(b.ageDays) - Number(a.ageDays)) ||
				i18n.compare(String(a.unit), String(b.unit)) ||
				i18n.compare(String(a.title), String(b.title)),
		);
		return {
			name: `risks-${sort}`,
			title: rt(sort === 'oldest' ? 'reports.risks.captionOldest' : 'reports.risks.captionNewest'),
			columns: [
				{ key: 'unit', label: rt('reports.col.unit') },
				{ key: 'title', label: rt('reports.risks.title') },
				{ key: 'category', label: rt('reports.risks.category') },
				{ key: 'level', label: rt('reports.risks.level') },
				{ key: 'foundOn', label: rt('reports.risks.foundOn') },
				{ key: 'ageDays', label: rt('reports.risks.ageDays'), numeric: true },
				{ key: 'actions', label: rt('reports.risks.actions') },
			],
			rows,
		};
	}
}
