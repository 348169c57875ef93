/**
 * The safety rep's formal request (begäran enligt 6 kap. 6 a § AML) and work stop
 * (skyddsombudsstopp, 6 kap. 7 § AML): when a request is overdue, how lists filter and sort them,
 * and who may change which fields (used by the sync server's policy, decision 0009).
 * Pure: takes today's date as a value, never reads a clock or storage.
 */
import { canonicalJson } from './merge.ts';
import type { RequestDoc, WorkstopDoc } from './schemas.ts';

/** Fields the safety rep writes when filing a request; they never change afterwards. */
export const REQUEST_FILED_FIELDS = [
	'unitId',
	'kind',
	'subject',
	'description',
	'location',
	'requestedMeasures',
	'replyBy',
	'filedAt',
	'filedBy',
	'filedByName',
	'createdAt',
] as const satisfies readonly (keyof RequestDoc)[];

/** Fields the safety rep writes when recording a work stop; they never change afterwards. */
export const WORKSTOP_RECORDED_FIELDS = [
	'unitId',
	'stoppedAt',
	'work',
	'reason',
	'recordedAt',
	'recordedBy',
	'recordedByName',
	'createdAt',
] as const satisfies readonly (keyof WorkstopDoc)[];

/** Where a request stands. Overdue and escalated can both hold; answered and overdue never do. */
export type RequestState = {
	received: boolean;
	answered: boolean;
	/** No answer, and today is after the reply date the safety rep set. */
	overdue: boolean;
	escalated: boolean;
};

/**
 * The state of a request on `today` (YYYY-MM-DD, the device's calendar). The reply date itself is
 * still in time: a request is overdue from the day after.
 * @example requestState({ replyBy: '2026-12-01' }, '2026-12-02').overdue // true
 */
export function requestState(
	request: Pick<RequestDoc, 'replyBy' | 'receipt' | 'answer' | 'escalation'>,
	today: string,
): RequestState {
	const answered = request.answer !== undefined;
	return {
		received: request.receipt !== undefined || answered,
		answered,
		overdue: !answered && today > request.replyBy,
		escalated: request.escalation !== undefined,
	};
}

/** The list filters: every request, those waiting for an answer, overdue, answered, escalated. */
export const REQUEST_FILTERS = ['all', 'open', 'overdue', 'answered', 'escalated'] as const;
export type RequestFilter = (typeof REQUEST_FILTERS)[number];

/** Does a request in `state` belong under `filter`? */
export function matchesFilter(state: RequestState, filter: RequestFilter): boolean {
	switch (filter) {
		case 'all':
			return true;
		case 'open':
			return !state.answered;
		case 'overdue':
			return state.overdue;
		case 'answered':
			return state.answered;
		case 'escalated':
			return state.escalated;
	}
}

/** How many of `requests` are overdue on `today`. */
export function overdueCount(
	requests: readonly Pick<RequestDoc, 'replyBy' | 'receipt' | 'answer' | 'escalation'>[],
	today: string,
): number {
	return requests.filter((r) => requestState(r, today).overdue).length;
}

/**
 * List order: overdue first, then the others waiting for an answer by reply date, then answered
 * ones newest first; the id breaks ties so the order never depends on storage.
 */
export function compareRequests(today: string) {
	const rank = (r: RequestDoc): number => {
		const s = requestState(r, today);
		return s.overdue ? 0 : s.answered ? 2 : 1;
	};
	return (a: RequestDoc, b: RequestDoc): number =>
		rank(a) - rank(b) ||
		(rank(a) === 2 ? b.filedAt.localeCompare(a.filedAt) : a.replyBy.localeCompare(b.replyBy)) ||
		a._id.localeCompare(b._id);
}

/**
 * The calendar day `days` after `date`.
 * @example addDays('2026-12-25', 14) // '2027-01-08'
 */
export function addDays(date: string, days: number): string {
	const [y, m, d] = date.split('-').map(Number) as [number, number, number];
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The reply date a new request suggests: two weeks (union practice; the law says "skälig tid"). */
export const DEFAULT_REPLY_DAYS = 14;

/** Who makes a change: the account name and their roles in the request's unit. */
export type ChangeWriter = { name: string; roles: readonly string[] };

type Doc = Record<string, unknown> & { _deleted?: boolean };

const changed = (a: unknown, b: unknown): boolean => canonicalJson(a) !== canonicalJson(b);

/** The first of `fields` that differs between the stored and the incoming version. */
function changedField(stored: Doc, doc: Doc, fields: readonly string[]): string | undefined {
	return fields.find((f) => changed(stored[f], doc[f]));
}

/** A recorded group (receipt, answer, escalation, outcome) names who recorded it in `by`. */
const recordedBy = (value: unknown): unknown => (value as { by?: unknown } | undefined)?.by;

/**
 * One group of fields with one kind of writer: set only by `role`, in their own name, and (when
 * `once`) never changed or removed after.
 */
function groupRefusal(
	stored: Doc | undefined,
	doc: Doc,
	writer: ChangeWriter,
	group: { field: string; roles: readonly string[]; once: boolean; who: string },
): string | undefined {
	const before = stored?.[group.field];
	const after = doc[group.field];
	if (!changed(before, after)) return undefined;
	if (before !== undefined && group.once) return `the ${group.field} is recorded and cannot change`;
	if (after === undefined) return `the ${group.field} cannot be removed`;
	if (!group.roles.some((r) => writer.roles.includes(r)))
		return `only ${group.who} of the unit records the ${group.field}`;
	return recordedBy(after) === writer.name ? undefined : `the ${group.field} must be recorded in your own name`;
}

/**
 * Why a change to a 6:6a request is refused, or undefined: only a safety rep of the unit files
 * one, in their own name, and the filed fields never change; only a manager of the unit records
 * the receipt and the answer, once, in their own name; only a safety rep escalates it to
 * Arbetsmiljöverket, once; nobody deletes one. A resend of the stored content passes.
 * @example requestChangeRefusal(undefined, filedByChef, { name: 'chef', roles: ['manager'] })
 * // 'only a safety rep of the unit files a request'
 */
export function requestChangeRefusal(stored: Doc | undefined, doc: Doc, writer: ChangeWriter): string | undefined {
	if (doc._deleted) return 'a request cannot be deleted';
	if (!stored) {
		if (!writer.roles.includes('safety_rep')) return 'only a safety rep of the unit files a request';
		if (doc.filedBy !== writer.name) return 'you may file a request only in your own name';
	} else {
		const field = changedField(stored, doc, REQUEST_FILED_FIELDS);
		if (field) return `${field} cannot change once the request is filed`;
	}
	const manager = { roles: ['manager'], once: true, who: 'a manager' };
	return (
		groupRefusal(stored, doc, writer, { field: 'receipt', ...manager }) ??
		groupRefusal(stored, doc, writer, { field: 'answer', ...manager }) ??
		groupRefusal(stored, doc, writer, { field: 'escalation', roles: ['safety_rep'], once: true, who: 'a safety rep' })
	);
}

/**
 * Why a change to a work stop is refused, or undefined: only a safety rep of the unit records
 * one, in their own name, and those fields never change; the outcome is written by a manager or
 * safety rep of the unit in their own name and may be updated (work resumes later), never removed;
 * nobody deletes one.
 */
export function workstopChangeRefusal(stored: Doc | undefined, doc: Doc, writer: ChangeWriter): string | undefined {
	if (doc._deleted) return 'a work stop cannot be deleted';
	if (!stored) {
		if (!writer.roles.includes('safety_rep')) return 'only a safety rep of the unit records a work stop';
		if (doc.recordedBy !== writer.name) return 'you may record a work stop only in your own name';
	} else {
		const field = changedField(stored, doc, WORKSTOP_RECORDED_FIELDS);
		if (field) return `${field} cannot change once the work stop is recorded`;
	}
	return groupRefusal(stored, doc, writer, {
		field: 'outcome',
		roles: ['manager', 'safety_rep'],
		once: false,
		who: 'a manager or safety rep',
	});
}
