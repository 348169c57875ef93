/**
 * Actions on this device, for the action pages and the shell's badge: "My actions" across the
 * person's units, a unit's plan with its filters and order, one action with its history, and the
 * commands that create and change actions. Every save writes the action and a history entry
 * (`actionlog`) in one device transaction; a change applies only the fields the person changed
 * onto the action as stored now, so an edit from another device that arrived meanwhile is kept
 * (and the field merge keeps both when they meet on the server). Works offline like every write.
 */
import {
	AppError,
	actionChanges,
	actionHistory,
	actionMoveRefusal,
	actionPatch,
	actionsByFinding,
	attention,
	DEFAULT_RISK_BANDS,
	myActions,
	newId,
	planRows,
	responsibleNames,
	type ActionDoc,
	type ActionLogDoc,
	type ActionStatus,
	type AssessmentDoc,
	type FindingAction,
	type LiveDoc,
	type MyActions,
	type PlanFilter,
	type PlanSortKey,
	type RiskAssessment,
	type RiskBands,
	type UnitMember,
	unitMembersSchema,
} from '../domain/index.ts';
import { maxStamp } from '../domain/hlc.ts';
import {
	cacheMembers,
	getFinding,
	liveActionFile,
	liveAllActions,
	liveMembers,
	liveScopeActions,
	liveUnitPlan,
	type ActionFile,
	type UnitPlan,
} from '../db/actions-repo.ts';
import type { StoredDoc } from '../db/app-db.ts';
import { requestJson } from '../sync/http.ts';
import { app } from './app-state.svelte.ts';
import { clock, localToday, nowIso, recordNow } from './clock.ts';
import { Live } from './live.svelte.ts';
import { canWriteUnit, isManagerOf } from './unit-roles.ts';

/** The fields a person edits on an action. */
export type ActionFields = Pick<
	ActionDoc,
	| 'area'
	| 'plannedAction'
	| 'desiredResult'
	| 'responsible'
	| 'responsibleUser'
	| 'start'
	| 'due'
	| 'done'
	| 'followUp'
	| 'result'
	| 'comment'
	| 'estimatedCost'
>;

function me(): { name: string; displayName: string } {
	if (!app.me || !app.db) throw new AppError('unauthorized', 'not signed in');
	return app.me;
}

function logFor(
	action: ActionDoc,
	before: ActionDoc | undefined,
	now: Date,
	who: { name: string; displayName: string },
): ActionLogDoc | undefined {
	const changes = actionChanges(before, action);
	if (before && changes.length === 0) return undefined;
	return {
		_id: newId('actionlog'),
		type: 'actionlog',
		scope: action.scope,
		actionId: action._id,
		event: before ? 'changed' : 'created',
		changes,
		at: now.toISOString(),
		by: who.name,
		byName: who.displayName,
		createdAt: now.toISOString(),
		updatedAt: now.toISOString(),
	};
}

/** Drop keys whose value is undefined (an optional field cleared), so the schema sees them absent. */
function clean<T extends object>(doc: T): T {
	return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as T;
}

/** Create an action, with its "created" history entry in the same device transaction. */
export async function createAction(action: ActionDoc): Promise<void> {
	const who = me();
	const now = recordNow();
	const doc = clean({ ...action, createdAt: now.toISOString(), updatedAt: now.toISOString() });
	const refusal = actionMoveRefusal(undefined, doc.status);
	if (refusal) throw new AppError('invalid', refusal);
	const log = logFor(doc, undefined, now, who) as ActionLogDoc;
	await app.saveAll([{ doc }, { doc: log }]);
}

/**
 * Apply `patch` to the action as stored now, with its history entry; `also` builds further
 * documents from the updated action, saved in the same transaction (a follow-up action).
 */
export async function changeAction(
	actionId: string,
	patch: Partial<ActionDoc>,
	also?: (updated: ActionDoc, now: Date) => ActionDoc[],
): Promise<void> {
	const who = me();
	const now = recordNow();
	await app.saveAll(async (get) => {
		const stored = await get(actionId);
		if (!stored || stored.type !== 'action') throw new AppError('not_found', 'action not on this device');
		const { _rev: _r, clock: _c, ...before } = stored as StoredDoc & ActionDoc;
		const next = clean({ ...before, ...patch, updatedAt: now.toISOString() }) as ActionDoc;
		const refusal = actionMoveRefusal(before.status, next.status);
		if (refusal) throw new AppError('invalid', refusal);
		const log = logFor(next, before as ActionDoc, now, who);
		if (!log) return [];
		const more = also ? also(next, now) : [];
		const docs: { doc: LiveDoc }[] = [{ doc: next }, { doc: log }];
		for (const m of more) {
			docs.push({ doc: m }, { doc: logFor(m, undefined, now, who) as ActionLogDoc });
		}
		return docs;
	});
}

/** The fields of an action that changed from `base` in `draft`: what an edit applies. */
export function editedFields(base: ActionDoc, draft: ActionFields): Partial<ActionDoc> {
	return actionPatch(base, draft);
}

/**
 * Record the effect check. Not effective: a new action for the same area and finding follows,
 * in the same transaction, and its id is returned so the page can open it.
 */
export async function checkEffect(action: ActionDoc, effective: boolean, result: string): Promise<string | undefined> {
	let followerId: string | undefined;
	const today = localToday(clock.now());
	await changeAction(
		action._id,
		{ status: 'effect_checked', effective, result, followUp: action.followUp ?? today },
		(updated, now) => {
			if (effective) return [];
			followerId = newId('action');
			return [
				clean({
					_id: followerId,
					type: 'action',
					scope: updated.scope,
					unitId: updated.unitId,
					source: updated.source,
					findingId: updated.findingId,
					follows: updated._id,
					area: updated.area,
					plannedAction: updated.plannedAction,
					desiredResult: updated.desiredResult,
					responsible: updated.responsible,
					responsibleUser: updated.responsibleUser,
					start: null,
					due: null,
					done: null,
					followUp: null,
					result: '',
					comment: '',
					estimatedCost: null,
					status: 'planned' as const,
					createdAt: now.toISOString(),
					updatedAt: now.toISOString(),
				}) as ActionDoc,
			];
		},
	);
	return followerId;
}

/** The new risk of an action's finding after its effect check (restrisk): a residual assessment. */
export async function assessResidual(
	action: ActionDoc,
	risk: RiskAssessment,
	assessments: readonly AssessmentDoc[],
): Promise<void> {
	const who = me();
	if (!action.findingId) throw new AppError('invalid', 'the action comes from no finding');
	const now = recordNow();
	const seen = assessments.reduce<string | undefined>((s, a) => maxStamp(s, a.stamp), undefined);
	await app.save(
		{
			_id: newId('assessment'),
			type: 'assessment',
			scope: action.scope,
			findingId: action.findingId,
			kind: 'residual',
			actionId: action._id,
			...risk,
			stamp: '',
			assessedAt: now.toISOString(),
			assessedBy: who.name,
			assessedByName: who.displayName,
			createdAt: now.toISOString(),
			updatedAt: now.toISOString(),
		},
		{ stampAfter: { seen } },
	);
}

/**
 * A new, empty action (the form fills it): from a finding (its unit, area from its title), or
 * directly in `unitId`. Undefined when the finding is not on this device or no unit is given.
 */
export async function draftAction(
	unitId: string | undefined,
	findingId: string | undefined,
	survey?: SurveyOrigin,
): Promise<ActionDoc | undefined> {
	const finding = findingId && app.db ? await getFinding(app.db, findingId) : undefined;
	if (findingId && !finding) return undefined;
	const unit = finding ? finding.scope.slice('unit-'.length) : unitId;
	if (!unit) return undefined;
	const now = nowIso();
	return {
		_id: newId('action'),
		type: 'action',
		scope: `unit-${unit}`,
		unitId: unit,
		source: finding ? 'finding' : survey ? 'survey' : 'meeting',
		...(finding ? { findingId: finding._id } : {}),
		...(!finding && survey ? { campaignId: survey.campaignId, questionId: survey.questionId } : {}),
		area: finding?.title ?? survey?.area ?? '',
		plannedAction: '',
		desiredResult: '',
		responsible: '',
		start: localToday(clock.now()),
		due: null,
		done: null,
		followUp: null,
		result: '',
		comment: '',
		estimatedCost: null,
		status: 'planned',
		createdAt: now,
		updatedAt: now,
	};
}

/**
 * An action from a survey result (issue 14): the campaign and question it answers, and the area
 * (the question's text, `surveyActionOrigin`). Kept apart so this module, which the shell loads,
 * does not carry the survey schemas.
 */
export type SurveyOrigin = { campaignId: string; questionId: string; area: string };

/** "My actions": the signed-in person's actions across their units, by urgency; and the badge count. */
export class MyActionsState {
	readonly #live = $derived(app.db ? new Live<ActionDoc[]>(liveAllActions(app.db), []) : null);
	/** Today on this device, read when the state is made (a page visit). */
	today = $state(localToday(clock.now()));
	readonly all = $derived(this.#live?.current ?? []);
	readonly lists = $derived.by((): MyActions =>
		app.me ? myActions(this.all, app.me.name, this.today) : { overdue: [], soon: [], later: [] },
	);
	readonly overdue = $derived(this.lists.overdue.length);
	readonly soon = $derived(this.lists.soon.length);
	get loaded(): boolean {
		return this.#live?.loaded ?? false;
	}
	/** Re-read today's date (a tablet left open overnight). */
	refresh(): void {
		this.today = localToday(clock.now());
	}
}

/** The units whose plan the signed-in person reads, writable first. */
export function planUnits(): { unitId: string; unitName: string; write: boolean; role: string }[] {
	return (app.me?.scopes ?? [])
		.filter((s) => s.unitId !== null && s.scope.startsWith('unit-'))
		.map((s) => ({
			unitId: s.unitId as string,
			unitName: s.unitName ?? (s.unitId as string),
			write: s.write,
			role: s.role,
		}));
}

/** May the signed-in person change actions in this unit (a manager or safety rep of it)? */
export const canWriteActions = canWriteUnit;
export { isManagerOf };

/** One unit's plan: its lines, filters and order. */
export class UnitPlanState {
	readonly unitId: string;
	readonly #live: Live<UnitPlan> | null;
	filter = $state<PlanFilter>({ status: '', level: '', responsible: '' });
	sort = $state<{ key: PlanSortKey; dir: 1 | -1 } | undefined>(undefined);
	readonly #bands: () => RiskBands;

	/** `bands` is read each time the rows are computed, so live risk settings apply at once. */
	constructor(unitId: string, bands: () => RiskBands = () => DEFAULT_RISK_BANDS) {
		this.unitId = unitId;
		this.#bands = bands;
		this.#live = app.db
			? new Live<UnitPlan>(liveUnitPlan(app.db, `unit-${unitId}`), { actions: [], assessments: [] })
			: null;
	}

	get loaded(): boolean {
		return this.#live?.loaded ?? false;
	}
	readonly plan = $derived.by((): UnitPlan => this.#live?.current ?? { actions: [], assessments: [] });
	readonly rows = $derived.by(() =>
		planRows({
			actions: this.plan.actions,
			assessments: this.plan.assessments,
			filter: this.filter,
			sort: this.sort,
			bands: this.#bands(),
			compare: (a, b) => a.localeCompare(b, 'sv'),
		}),
	);
	readonly responsibles = $derived.by(() => responsibleNames(this.plan.actions, (a, b) => a.localeCompare(b, 'sv')));

	/** Sort by `key`; the same key again turns the order round. */
	sortBy(key: PlanSortKey): void {
		this.sort = this.sort?.key === key ? { key, dir: this.sort.dir === 1 ? -1 : 1 } : { key, dir: 1 };
	}
}

/** One action's page: the action, its history, finding, risk and the actions that follow it. */
export class ActionView {
	readonly actionId: string;
	readonly #live: Live<ActionFile> | null;
	constructor(actionId: string) {
		this.actionId = actionId;
		this.#live = app.db ? new Live(liveActionFile(app.db, actionId)) : null;
	}
	get loaded(): boolean {
		return this.#live?.loaded ?? false;
	}
	readonly file = $derived.by(() => this.#live?.current);
	readonly action = $derived.by(() => this.file?.action);
	readonly history = $derived.by(() => (this.file ? actionHistory(this.file.logs, this.actionId) : []));
	/** The finding's risk as assessed in its round (the latest that is not residual). */
	readonly roundRisk = $derived.by(
		() => this.file?.assessments.filter((a) => a.kind !== 'residual').sort((a, b) => (a.stamp < b.stamp ? 1 : -1))[0],
	);
	/** Residual assessments made after this action's effect check, newest first. */
	readonly residual = $derived.by(
		() =>
			this.file?.assessments
				.filter((a) => a.kind === 'residual' && a.actionId === this.actionId)
				.sort((a, b) => (a.stamp < b.stamp ? 1 : -1)) ?? [],
	);
	readonly attention = $derived.by(() => (this.action ? attention(this.action, localToday(clock.now())) : undefined));
}

/** Statuses an action may move to from `status` by a person on this page (closing is separate). */
export function nextStatuses(status: ActionStatus): ActionStatus[] {
	const order: ActionStatus[] = ['planned', 'in_progress', 'done', 'postponed'];
	return order.filter((s) => s !== status && actionMoveRefusal(status, s) === undefined);
}

/** The people of a unit who can be responsible: cached on the device, refreshed when online. */
export class UnitMembers {
	readonly #live: Live<UnitMember[]> | null;
	constructor(unitId: string) {
		this.#live = app.db ? new Live<UnitMember[]>(liveMembers(app.db, unitId), []) : null;
		void this.#refresh(unitId);
	}
	get list(): UnitMember[] {
		return this.#live?.current ?? [];
	}
	async #refresh(unitId: string): Promise<void> {
		if (!app.db || !app.online) return;
		try {
			const body = unitMembersSchema.parse(
				await requestJson(fetch, `/api/units/${encodeURIComponent(unitId)}/members`),
			);
			await cacheMembers(app.db, unitId, body.members);
		} catch {
			// Offline or refused: the cached list (or a typed name) will do.
		}
	}
}

const NO_ACTIONS: readonly FindingAction[] = [];

/**
 * The actions made from the findings of a round, for its finding cards and report: one live read
 * of the unit's actions, grouped by finding (chains in order). `scope` is read reactively (the
 * round arrives after the page opens).
 */
export class FindingActionsState {
	readonly #scope: () => string | undefined;
	/** Today on this device, read when the state is made (a page visit). */
	readonly today = localToday(clock.now());
	constructor(scope: () => string | undefined) {
		this.#scope = scope;
	}
	readonly #live = $derived.by(() => {
		const scope = this.#scope();
		return scope && app.db ? new Live<ActionDoc[]>(liveScopeActions(app.db, scope), []) : null;
	});
	readonly byFinding = $derived(actionsByFinding(this.#live?.current ?? []));
	/** A finding's actions (the same empty list for every finding without any, so cards stay still). */
	of(findingId: string): readonly FindingAction[] {
		return this.byFinding.get(findingId) ?? NO_ACTIONS;
	}
}
