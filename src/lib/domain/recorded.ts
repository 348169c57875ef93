/**
 * Who recorded something, and when (decision 0016). Signatures, answers, assessments, receipts,
 * replies, reopenings and history entries name an account, the person's display name and a time.
 * The server takes those only from the signed-in account and within a bound of its own clock, so
 * a record cannot name another person or be dated beyond the offline work the bound allows. The
 * device records on its estimate of the server's clock (decision 0013's offset) and so stays
 * inside the bound. Pure: the caller passes the server's time; nothing here reads a clock.
 */
import { canonicalJson } from './merge.ts';
import type { DocType } from './ids.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * How long before the server's clock a recorded time may lie: a week of offline work (a long
 * weekend, a holiday week in the field). A signature or receipt can never be back-dated more.
 */
export const RECORDED_PAST_MS = 7 * DAY_MS;

/**
 * How far ahead of the server's clock a recorded time may lie: the error of the device's estimate
 * of that clock (one answer's travel time) and a tablet clock drifting while offline.
 */
export const RECORDED_FUTURE_MS = 10 * MINUTE_MS;

/** The server's fixed reasons; the device shows its own translated text for each (`state/errors.ts`). */
export const RECORDED_TOO_OLD_REASON = 'a recorded time lies more than 7 days before the server clock';
export const RECORDED_AHEAD_REASON = 'a recorded time lies ahead of the server clock';
export const RECORDED_NAME_REASON = 'a recorded name is not the display name of your account';
export const CREATED_BY_FIXED_REASON = 'createdBy is fixed when the document is created';
/** A round or annual follow-up is signed by the manager and the safety rep from two different accounts. */
export const SAME_SIGNER_REASON = 'the manager and the safety rep sign from two different accounts';
export const TEMPLATE_ANSWERED_REASON = 'a round with answers keeps its template version';

/**
 * Fields that say who recorded something and when. `group` names a nested record (a request's
 * receipt, a follow-up's signature), judged whole whenever it is new or changed; otherwise each
 * top-level field is judged when new or changed. `fixed`: the account field never changes once
 * stored (`createdBy`).
 */
export type RecordFields = { group?: string; at?: string; by?: string; name?: string; fixed?: boolean };

const recorded = (group: string, name = 'byName'): RecordFields => ({ group, at: 'at', by: 'by', name });

/**
 * RECORDS: per document type, where it names the person and the time. Every type's `createdAt`
 * is judged too (new or changed). User-entered times (a work stop's `stoppedAt`, `resumedAt`,
 * dates of rounds and replies) are what the person states, not when the record was made.
 */
export const RECORDS: Partial<Record<DocType, readonly RecordFields[]>> = {
	round: [{ by: 'createdBy', fixed: true }],
	finding: [{ by: 'createdBy', fixed: true }],
	answer: [{ at: 'answeredAt', by: 'answeredBy', name: 'answeredByName' }],
	assessment: [{ at: 'assessedAt', by: 'assessedBy', name: 'assessedByName' }],
	actionlog: [{ at: 'at', by: 'by', name: 'byName' }],
	signature: [{ at: 'signedAt', by: 'signedBy', name: 'signerName' }],
	reopening: [{ at: 'reopenedAt', by: 'reopenedBy', name: 'reopenedByName' }],
	prereport: [{ by: 'submittedBy', name: 'submitterName' }],
	request: [
		{ at: 'filedAt', by: 'filedBy', name: 'filedByName' },
		recorded('receipt'),
		recorded('answer'),
		recorded('escalation'),
	],
	workstop: [{ at: 'recordedAt', by: 'recordedBy', name: 'recordedByName' }, recorded('outcome')],
	followup: [recorded('managerSignature', 'name'), recorded('safetyRepSignature', 'name')],
};

/** The signed-in account a write is judged for. */
export type Recorder = { name: string; displayName: string };

/**
 * Why `iso` may not be recorded now, or undefined: it must lie within
 * [serverNow − RECORDED_PAST_MS, serverNow + RECORDED_FUTURE_MS].
 * @example recordedTimeRefusal('2026-11-23T09:00:00.000Z', Date.parse('2026-12-06T09:00:00Z')) // RECORDED_TOO_OLD_REASON
 */
export function recordedTimeRefusal(iso: unknown, serverNow: number): string | undefined {
	const time = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
	// An unreadable time is the schema's business; a time that is not one is never in bounds.
	if (!Number.isFinite(time)) return RECORDED_TOO_OLD_REASON;
	if (time < serverNow - RECORDED_PAST_MS) return RECORDED_TOO_OLD_REASON;
	if (time > serverNow + RECORDED_FUTURE_MS) return RECORDED_AHEAD_REASON;
	return undefined;
}

type Doc = Record<string, unknown>;

const changed = (a: unknown, b: unknown): boolean => canonicalJson(a) !== canonicalJson(b);

/** Judge one set of fields of `after` (new, or changed from `before`) for `writer` at `serverNow`. */
function fieldsRefusal(
	spec: RecordFields,
	before: Doc | undefined,
	after: Doc,
	writer: Recorder,
	serverNow: number,
): string | undefined {
	// In a group every field is judged (the group is new or changed); at the top level only those
	// that are. A field the document lacks is the schema's business (every recorded one is required).
	const fresh = (field: string): boolean =>
		after[field] !== undefined && (before === undefined || changed(before[field], after[field]));
	if (spec.by && fresh(spec.by)) {
		if (before !== undefined && spec.fixed) return CREATED_BY_FIXED_REASON;
		if (after[spec.by] !== writer.name) return `${spec.by} must be your own user name`;
	}
	if (spec.name && fresh(spec.name) && after[spec.name] !== writer.displayName) return RECORDED_NAME_REASON;
	if (spec.at && fresh(spec.at)) return recordedTimeRefusal(after[spec.at], serverNow);
	return undefined;
}

/**
 * Why this write records a person or a time it may not, or undefined: every new or changed
 * account field names the writer's account and every name field their display name; every new or
 * changed recorded time (and `createdAt`) lies within the bound of the server's clock; `createdBy`
 * never changes. A value carried over unchanged from the stored version is not judged again
 * (display names change, and a week passes). Deletes are other rules' business.
 * @example recordRefusal('signature', undefined, { ...sig, signerName: 'Someone Else' }, chef, now) // RECORDED_NAME_REASON
 */
export function recordRefusal(
	type: string,
	stored: Doc | undefined,
	doc: Doc,
	writer: Recorder,
	serverNow: number,
): string | undefined {
	if (doc._deleted === true) return undefined;
	const specs: readonly RecordFields[] = [{ at: 'createdAt' }, ...(RECORDS[type as DocType] ?? [])];
	for (const spec of specs) {
		let refusal: string | undefined;
		if (spec.group === undefined) {
			refusal = fieldsRefusal(spec, stored, doc, writer, serverNow);
		} else {
			const after = doc[spec.group];
			if (after === undefined || (stored !== undefined && !changed(stored[spec.group], after))) continue;
			if (typeof after !== 'object' || after === null) continue; // the schema's business
			refusal = fieldsRefusal(spec, undefined, after as Doc, writer, serverNow);
		}
		if (refusal) return refusal;
	}
	return undefined;
}
