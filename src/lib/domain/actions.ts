/**
 * Actions (åtgärder) and the action plan (handlingsplan): the status moves an action may make,
 * what a save changed (its history), which actions need attention by date, and the plan's
 * filter and order. Pure: takes today's date and the risk bands as values, never reads a clock
 * or storage.
 */
import type { RiskBands, RiskLevel } from './risk.ts';
import { DEFAULT_RISK_BANDS, RISK_LEVELS, riskLevel } from './risk.ts';
import { addDays } from './safety-requests.ts';
import type { ActionDoc, ActionLogDoc, ActionStatus, AssessmentDoc, LogValue } from './schemas.ts';

/**
 * The moves of an action's status: planerad → pågår → genomförd → effekt kontrollerad; any open
 * status may be postponed (uppskjuten, with a reason and a new date) and a postponed one taken up
 * again; something marked done too early goes back to in progress. Effect checked is final: an
 * action that was not effective is followed by a new action, never reopened.
 */
export const ACTION_MOVES: Readonly<Record<ActionStatus, readonly ActionStatus[]>> = {
	planned: ['in_progress', 'done', 'postponed'],
	in_progress: ['done', 'postponed'],
	done: ['effect_checked', 'in_progress'],
	postponed: ['planned', 'in_progress'],
	effect_checked: [],
};

/** The statuses a new action may start in (an action decided at a meeting may already be under way or done). */
export const NEW_ACTION_STATUSES: readonly ActionStatus[] = ['planned', 'in_progress', 'done'];

/** Statuses in which the work itself is still ahead. */
export const OPEN_STATUSES: readonly ActionStatus[] = ['planned', 'in_progress', 'postponed'];

/**
 * Why moving an action from `from` to `to` is not allowed, or undefined when it is. `from` is
 * undefined for a new action.
 * @example actionMoveRefusal('planned', 'effect_checked') // 'an action cannot move from planned to effect_checked'
 */
export function actionMoveRefusal(from: ActionStatus | undefined, to: ActionStatus): string | undefined {
	if (from === undefined) {
		return NEW_ACTION_STATUSES.includes(to) ? undefined : `a new action cannot start as ${to}`;
	}
	if (from === to || ACTION_MOVES[from].includes(to)) return undefined;
	return `an action cannot move from ${from} to ${to}`;
}

/**
 * Why the server refuses an action or history entry sent by a global role alone (HR, into a unit
 * it does not read, decision 0040): that road only adds a new action from a survey result.
 */
export const ROLE_SUBMIT_REASON = 'without access to the unit you may only add a new action from a survey result';

/** The fields of an action its history records, in the order the plan shows them. */
export const LOGGED_FIELDS = [
	'status',
	'area',
	'plannedAction',
	'desiredResult',
	'responsible',
	'responsibleUser',
	'start',
	'due',
	'done',
	'followUp',
	'result',
	'comment',
	'estimatedCost',
	'postponeReason',
	'effective',
	'source',
	'findingId',
	'follows',
] as const satisfies readonly (keyof ActionDoc)[];
export type LoggedField = (typeof LOGGED_FIELDS)[number];

type Change = ActionLogDoc['changes'][number];

/**
 * What a save changes, field by field (absent counts as null). A new action lists every field
 * that has a value.
 * @example actionChanges(a, { ...a, status: 'in_progress' }) // [{ field: 'status', from: 'planned', to: 'in_progress' }]
 */
export function actionChanges(before: ActionDoc | undefined, after: ActionDoc): Change[] {
	const value = (doc: ActionDoc | undefined, field: LoggedField): LogValue => (doc?.[field] ?? null) as LogValue;
	const out: Change[] = [];
	for (const field of LOGGED_FIELDS) {
		const from = value(before, field);
		const to = value(after, field);
		if (from === to) continue;
		if (before === undefined && (to === null || to === '')) continue;
		out.push({ field, from, to });
	}
	return out;
}

/**
 * The fields of `draft` that differ from `base` (absent counts as null): what an edit applies to
 * the action as stored now, so a field someone else changed meanwhile is not put back.
 * @example actionPatch(a, { ...a, comment: 'Klart' }) // { comment: 'Klart' }
 */
export function actionPatch<T extends Partial<ActionDoc>>(base: ActionDoc, draft: T): Partial<ActionDoc> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(draft)) {
		if ((base[k as keyof ActionDoc] ?? null) !== (v ?? null)) out[k] = v;
	}
	return out as Partial<ActionDoc>;
}

/** An action's history, oldest first (by time, then id so two devices agree). */
export function actionHistory(logs: readonly ActionLogDoc[], actionId: string): ActionLogDoc[] {
	return logs
		.filter((l) => l.actionId === actionId)
		.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
}

/** "Due soon" means within this many days from today. */
export const DUE_SOON_DAYS = 14;

/**
 * The date an action waits for next: an open action its due date, a done one its follow-up date
 * (the effect check), a closed one nothing.
 */
export function nextDate(action: Pick<ActionDoc, 'status' | 'due' | 'followUp'>): string | null {
	if (action.status === 'effect_checked') return null;
	if (action.status === 'done') return action.followUp;
	return action.due;
}

/** Overdue, due within 14 days, later (or no date), or closed. */
export type Attention = 'overdue' | 'soon' | 'later' | 'closed';

/**
 * How urgent an action is on `today`.
 * @example attention({ status: 'planned', due: '2026-11-20', followUp: null }, '2026-11-23') // 'overdue'
 */
export function attention(action: Pick<ActionDoc, 'status' | 'due' | 'followUp'>, today: string): Attention {
	if (action.status === 'effect_checked') return 'closed';
	const date = nextDate(action);
	if (date === null) return 'later';
	if (date < today) return 'overdue';
	return date <= addDays(today, DUE_SOON_DAYS) ? 'soon' : 'later';
}

export type MyActions = { overdue: ActionDoc[]; soon: ActionDoc[]; later: ActionDoc[] };

/**
 * The actions someone is responsible for (by account), not yet closed, in three lists, each by
 * its next date (undated last).
 */
export function myActions(actions: readonly ActionDoc[], userName: string, today: string): MyActions {
	const out: MyActions = { overdue: [], soon: [], later: [] };
	for (const a of actions) {
		if (a.responsibleUser !== userName) continue;
		const at = attention(a, today);
		if (at !== 'closed') out[at].push(a);
	}
	const byDate = (a: ActionDoc, b: ActionDoc): number => {
		const da = nextDate(a) ?? '9999-12-31';
		const db = nextDate(b) ?? '9999-12-31';
		return da < db ? -1 : da > db ? 1 : a._id < b._id ? -1 : 1;
	};
	for (const list of Object.values(out)) list.sort(byDate);
	return out;
}

/** One line of the plan: the action and the level of its finding's current risk (none when not from a finding). */
export type PlanRow = { action: ActionDoc; level: RiskLevel | undefined };

/** The plan's filters: `open` means every status but effect checked. */
export type PlanFilter = {
	status?: ActionStatus | 'open' | '';
	level?: RiskLevel | 'none' | '';
	responsible?: string;
};
export const PLAN_SORT_KEYS = ['area', 'responsible', 'due', 'done', 'followUp', 'status', 'level'] as const;
export type PlanSortKey = (typeof PLAN_SORT_KEYS)[number];

/** The latest assessment of each finding (by stamp): its current risk, residual included. */
export function latestRiskByFinding(assessments: readonly AssessmentDoc[]): Map<string, AssessmentDoc> {
	const out = new Map<string, AssessmentDoc>();
	for (const a of assessments) {
		const prev = out.get(a.findingId);
		if (!prev || a.stamp > prev.stamp) out.set(a.findingId, a);
	}
	return out;
}

/**
 * The unit's plan: actions with their risk level, filtered and sorted. Text sorts with `compare`
 * (the locale's collator); dates sort undated last; ties keep the plan order (creation).
 * @example planRows({ actions, assessments, filter: { status: 'open' }, sort: { key: 'due', dir: 1 } })
 */
export function planRows(opts: {
	actions: readonly ActionDoc[];
	assessments: readonly AssessmentDoc[];
	filter?: PlanFilter;
	sort?: { key: PlanSortKey; dir: 1 | -1 };
	bands?: RiskBands;
	compare?: (a: string, b: string) => number;
}): PlanRow[] {
	const bands = opts.bands ?? DEFAULT_RISK_BANDS;
	const compare = opts.compare ?? ((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0));
	const risks = latestRiskByFinding(opts.assessments);
	const filter = opts.filter ?? {};
	const rows: PlanRow[] = opts.actions.map((action) => {
		const risk = action.findingId ? risks.get(action.findingId) : undefined;
		return { action, level: risk ? riskLevel(risk.probability, risk.consequence, bands) : undefined };
	});
	const kept = rows.filter(({ action, level }) => {
		if (filter.status === 'open' && action.status === 'effect_checked') return false;
		if (filter.status && filter.status !== 'open' && action.status !== filter.status) return false;
		if (filter.level === 'none' && level !== undefined) return false;
		if (filter.level && filter.level !== 'none' && level !== filter.level) return false;
		if (filter.responsible && action.responsible !== filter.responsible) return false;
		return true;
	});
	// The plan's own order: when each line was made.
	kept.sort((a, b) => compare(a.action.createdAt, b.action.createdAt) || compare(a.action._id, b.action._id));
	const sort = opts.sort;
	if (!sort) return kept;
	const statusRank = (s: ActionStatus): number =>
		['planned', 'in_progress', 'postponed', 'done', 'effect_checked'].indexOf(s);
	const by = (a: PlanRow, b: PlanRow): number => {
		switch (sort.key) {
			case 'area':
			case 'responsible':
				return compare(a.action[sort.key], b.action[sort.key]);
			case 'due':
			case 'done':
			case 'followUp': {
				const x = a.action[sort.key];
				const y = b.action[sort.key];
				if (x === y) return 0;
				if (x === null) return 1;
				if (y === null) return -1;
				return x < y ? -1 : 1;
			}
			case 'status':
				return statusRank(a.action.status) - statusRank(b.action.status);
			case 'level':
				return (a.level ? RISK_LEVELS.indexOf(a.level) : -1) - (b.level ? RISK_LEVELS.indexOf(b.level) : -1);
		}
	};
	// Undated lines stay last in both directions: only the dated ones turn round.
	const dateKey = sort.key === 'due' || sort.key === 'done' || sort.key === 'followUp' ? sort.key : undefined;
	return kept
		.map((row, i) => ({ row, i }))
		.sort((p, q) => {
			const base = by(p.row, q.row);
			const undated = dateKey !== undefined && (p.row.action[dateKey] === null) !== (q.row.action[dateKey] === null);
			return (undated ? base : base * sort.dir) || p.i - q.i;
		})
		.map(({ row }) => row);
}

/** The distinct responsible names of a set of actions, sorted with `compare`. */
export function responsibleNames(actions: readonly ActionDoc[], compare: (a: string, b: string) => number): string[] {
	return [...new Set(actions.map((a) => a.responsible))].sort(compare);
}
