/**
 * Live reads of actions on the device: a unit's plan (its actions with the findings and risk
 * assessments they come from), one action with its history, and the people of a unit who can be
 * responsible, cached for offline use. Writes go through `saveDocs` (an action and its history
 * entry in one transaction).
 */
import { liveQuery, type Observable } from 'dexie';
import type { ActionDoc, ActionLogDoc, AssessmentDoc, FindingDoc, UnitMember } from '../domain/index.ts';
import { unitMembersSchema } from '../domain/index.ts';
import type { StoredDoc, TryggDb } from './app-db.ts';

async function ofScope<T extends StoredDoc['type']>(
	db: TryggDb,
	scope: string,
	type: T,
): Promise<Extract<StoredDoc, { type: T }>[]> {
	return (await db.docs.where('[scope+type]').equals([scope, type]).toArray()).filter((d) => !d._deleted) as Extract<
		StoredDoc,
		{ type: T }
	>[];
}

/** What the plan of one unit shows. */
export type UnitPlan = { actions: ActionDoc[]; assessments: AssessmentDoc[] };

export function liveUnitPlan(db: TryggDb, scope: string): Observable<UnitPlan> {
	return liveQuery(async () => {
		const [actions, assessments] = await Promise.all([ofScope(db, scope, 'action'), ofScope(db, scope, 'assessment')]);
		return { actions, assessments };
	});
}

/**
 * The actions of one scope (a unit's), for the finding cards of a round and its report: one query
 * for all of a round's findings, woken only by action writes in that scope (not by answers).
 */
export function liveScopeActions(db: TryggDb, scope: string): Observable<ActionDoc[]> {
	return liveQuery(() => ofScope(db, scope, 'action'));
}

/** Every action on the device, in every unit this person syncs (for "My actions" and the badge). */
export function liveAllActions(db: TryggDb): Observable<ActionDoc[]> {
	return liveQuery(async () =>
		(await db.docs.where('type').equals('action').toArray()).filter(
			(d): d is ActionDoc & StoredDoc => d.type === 'action' && !d._deleted,
		),
	);
}

/** One action and what its page shows. */
export type ActionFile = {
	action: ActionDoc | undefined;
	/** Its history entries (unsorted; `actionHistory` orders them). */
	logs: ActionLogDoc[];
	finding: FindingDoc | undefined;
	/** The finding's assessments (its own and residual ones). */
	assessments: AssessmentDoc[];
	/** Actions that follow this one (made when it was not effective). */
	followers: ActionDoc[];
	/** The action this one follows, if any. */
	follows: ActionDoc | undefined;
};

export function liveActionFile(db: TryggDb, actionId: string): Observable<ActionFile> {
	return liveQuery(async (): Promise<ActionFile> => {
		const doc = await db.docs.get(actionId);
		if (!doc || doc.type !== 'action' || doc._deleted) {
			return { action: undefined, logs: [], finding: undefined, assessments: [], followers: [], follows: undefined };
		}
		const [logs, actions, findingDoc, assessments, followsDoc] = await Promise.all([
			ofScope(db, doc.scope, 'actionlog'),
			ofScope(db, doc.scope, 'action'),
			doc.findingId ? db.docs.get(doc.findingId) : undefined,
			doc.findingId ? ofScope(db, doc.scope, 'assessment') : [],
			doc.follows ? db.docs.get(doc.follows) : undefined,
		]);
		return {
			action: doc,
			logs: logs.filter((l) => l.actionId === actionId),
			finding: findingDoc?.type === 'finding' ? findingDoc : undefined,
			assessments: assessments.filter((a) => a.findingId === doc.findingId),
			followers: actions.filter((a) => a.follows === actionId),
			follows: followsDoc?.type === 'action' ? followsDoc : undefined,
		};
	});
}

/** A finding, for an action made from it. */
export async function getFinding(db: TryggDb, id: string): Promise<FindingDoc | undefined> {
	const doc = await db.docs.get(id);
	return doc?.type === 'finding' && !doc._deleted ? doc : undefined;
}

const membersKey = (unitId: string): string => `members:${unitId}`;

/** Remember the people of a unit who can be responsible (from the server), for offline use. */
export async function cacheMembers(db: TryggDb, unitId: string, members: UnitMember[]): Promise<void> {
	await db.meta.put({ key: membersKey(unitId), value: members });
}

/** The people of a unit last heard from the server, or an empty list. */
export function liveMembers(db: TryggDb, unitId: string): Observable<UnitMember[]> {
	return liveQuery(async () => {
		const parsed = unitMembersSchema.shape.members.safeParse((await db.meta.get(membersKey(unitId)))?.value);
		return parsed.success ? parsed.data : [];
	});
}
