/**
 * What the start page (Översikt) lists for a person, by their role in each unit. Managers
 * first see 6:6a requests nobody has acknowledged (the law says "genast"), then overdue
 * requests; everyone sees their own overdue and due-soon actions; managers and safety reps see
 * rounds to walk or sign with the staff's pre-reports waiting for them, and annual follow-ups
 * not signed this year. Pure: the documents, the person and the day are arguments.
 */
import {
	addDays,
	dueUnits,
	followUpId,
	myActions,
	requestState,
	unitScope,
	type ActionDoc,
	type FollowUpDoc,
	type LiveDoc,
	type Me,
	type PrereportDoc,
	type RequestDoc,
	type RoundDoc,
	type SignatureDoc,
} from '../domain/index.ts';
import type { StoredDoc } from '../db/app-db.ts';

export type StartPerson = Pick<Me, 'name' | 'scopes'>;
export type StartClock = { now: () => Date };

/** Rounds planned this far ahead are listed as coming up (the same two weeks as "due soon"). */
export const ROUNDS_AHEAD_DAYS = 14;

export type DueRequest = { doc: RequestDoc; unitName: string; overdue: boolean };
export type DueRound = { doc: RoundDoc; unitName: string; step: 'walk' | 'sign'; prereports: number };
export type DueFollowUp = { id: string; unitId: string; unitName: string; year: number };

export type StartItems = {
	/** 6:6a requests to a unit this person manages, neither acknowledged nor answered. */
	unacknowledged: DueRequest[];
	/** Acknowledged requests past their reply date with no answer (the manager's and the safety rep's). */
	overdueRequests: DueRequest[];
	overdueActions: ActionDoc[];
	soonActions: ActionDoc[];
	rounds: DueRound[];
	followUps: DueFollowUp[];
	/** Nothing above: the page says nothing is due. */
	empty: boolean;
};

export const START_TYPES: readonly LiveDoc['type'][] = [
	'request',
	'action',
	'round',
	'signature',
	'prereport',
	'followup',
];

/**
 * What is due for `person` on `today` (YYYY-MM-DD), from the device's documents. Pure.
 * @example whatIsDue([], { name: 'chef', scopes: [] }, '2026-12-06').empty // true
 */
export function whatIsDue(docs: readonly StoredDoc[], person: StartPerson, today: string): StartItems {
	const live = docs.filter((d) => !d._deleted);
	const of = <T extends LiveDoc['type']>(type: T) =>
		live.filter((d): d is Extract<StoredDoc, { type: T }> => d.type === type);
	// A unit's own scope, not its reports scope (decision 0003).
	const grants = person.scopes.filter((s) => s.unitId !== null && s.scope === unitScope(s.unitId));
	const unitName = (unitId: string): string => grants.find((g) => g.unitId === unitId)?.unitName ?? unitId;
	const managed = new Set(grants.filter((g) => g.role === 'manager').map((g) => g.unitId));
	const repOf = new Set(grants.filter((g) => g.role === 'safety_rep').map((g) => g.unitId));
	const works = (unitId: string): boolean => managed.has(unitId) || repOf.has(unitId);

	const unacknowledged: DueRequest[] = [];
	const overdueRequests: DueRequest[] = [];
	for (const doc of of('request')) {
		const state = requestState(doc, today);
		if (state.answered) continue;
		const entry = { doc, unitName: unitName(doc.unitId), overdue: state.overdue };
		if (managed.has(doc.unitId) && !state.received) unacknowledged.push(entry);
		else if (state.overdue && (managed.has(doc.unitId) || doc.filedBy === person.name)) overdueRequests.push(entry);
	}
	// Overdue first, then by reply date: the oldest duty on top.
	const byReply = (a: DueRequest, b: DueRequest): number =>
		Number(b.overdue) - Number(a.overdue) ||
		a.doc.replyBy.localeCompare(b.doc.replyBy) ||
		a.doc._id.localeCompare(b.doc._id);
	unacknowledged.sort(byReply);
	overdueRequests.sort(byReply);

	const mine = myActions(of('action'), person.name, today);

	const signedByMe = new Set(
		(of('signature') as SignatureDoc[]).filter((s) => s.signedBy === person.name).map((s) => s.roundId),
	);
	const prereports = new Map<string, number>();
	for (const p of of('prereport') as PrereportDoc[]) prereports.set(p.roundId, (prereports.get(p.roundId) ?? 0) + 1);
	const ahead = addDays(today, ROUNDS_AHEAD_DAYS);
	const rounds: DueRound[] = (of('round') as RoundDoc[])
		.filter((r) => works(r.unitId) && r.status !== 'signed' && !signedByMe.has(r._id) && r.date <= ahead)
		.map((doc) => ({
			doc,
			unitName: unitName(doc.unitId),
			step: doc.status === 'planned' ? ('walk' as const) : ('sign' as const),
			prereports: prereports.get(doc._id) ?? 0,
		}))
		.sort((a, b) => a.doc.date.localeCompare(b.doc.date) || a.doc._id.localeCompare(b.doc._id));

	const year = Number(today.slice(0, 4));
	const followUpUnits = grants.filter((g) => g.unitId !== null && works(g.unitId)).map((g) => g.unitId as string);
	const followUps: DueFollowUp[] = dueUnits(followUpUnits, of('followup') as FollowUpDoc[], year).map((unitId) => ({
		id: followUpId(unitId, year),
		unitId,
		unitName: unitName(unitId),
		year,
	}));

	const items = {
		unacknowledged,
		overdueRequests,
		overdueActions: mine.overdue,
		soonActions: mine.soon,
		rounds,
		followUps,
	};
	return { ...items, empty: Object.values(items).every((list) => list.length === 0) };
}
