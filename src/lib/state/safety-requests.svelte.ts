/**
 * The safety rep's formal requests (6 kap. 6 a § AML) and work stops (6 kap. 7 §) on this device:
 * live lists, who may do what in which unit, today's date for "overdue", and the commands that
 * file, confirm, answer, escalate and record. Each command writes only its own group of fields, so
 * the manager's and the safety rep's edits merge (decision 0009); the server checks the same rules.
 */
import {
	addDays,
	DEFAULT_REPLY_DAYS,
	newId,
	overdueCount,
	unitScope,
	type ActionDoc,
	type RequestAnswer,
	type RequestDoc,
	type RequestKind,
	type WorkstopDoc,
} from '../domain/index.ts';
import { liveScopeActions } from '../db/actions-repo.ts';
import { liveDocsOfType } from '../db/docs-repo.ts';
import type { TryggDb } from '../db/app-db.ts';
import { i18n, t } from '../i18n/i18n.svelte.ts';
import { app } from './app-state.svelte.ts';
import { Live } from './live.svelte.ts';
import { clock, localToday, nowIso } from './clock.ts';
import type { ReportWords } from './report-csv.ts';

export function liveRequests(db: TryggDb | null): Live<RequestDoc[]> | null {
	return db ? new Live(liveDocsOfType(db, 'request')) : null;
}

export function liveWorkstops(db: TryggDb | null): Live<WorkstopDoc[]> | null {
	return db ? new Live(liveDocsOfType(db, 'workstop')) : null;
}

/** The action plan lines of one unit scope (an answer to a request links some of them). */
export function liveUnitActions(db: TryggDb | null, scope: string | undefined): Live<ActionDoc[]> | null {
	return db && scope ? new Live<ActionDoc[]>(liveScopeActions(db, scope), []) : null;
}

/**
 * Today on this device's calendar, as state: read again every minute and when the page becomes
 * visible, so a tablet left open overnight shows a request as overdue the next morning.
 */
class DeviceToday {
	#value = $state(localToday());
	#started = false;

	get value(): string {
		if (!this.#started && typeof window !== 'undefined') {
			this.#started = true;
			const refresh = (): void => {
				this.#value = localToday(clock.now());
			};
			setInterval(refresh, 60_000);
			document.addEventListener('visibilitychange', refresh);
		}
		return this.#value;
	}
}
export const today = new DeviceToday();

export { isManagerOf, isSafetyRepOf, unitName } from './unit-roles.ts';

/** Units where the signed-in person is a safety rep. */
export function safetyRepUnits() {
	return app.writableUnits.filter((s) => s.role === 'safety_rep');
}

/** The overdue requests on this device today (for the navigation link). */
export function overdueOnDevice(requests: readonly RequestDoc[]): number {
	return overdueCount(requests, today.value);
}

/** The reply date a new request suggests. */
export function suggestedReplyBy(): string {
	return addDays(localToday(), DEFAULT_REPLY_DAYS);
}

function recorded() {
	const me = app.me;
	if (!me) throw new Error('not signed in');
	return { at: nowIso(), by: me.name, byName: me.displayName };
}

export type RequestFields = {
	kind: RequestKind;
	subject: string;
	description: string;
	location: string;
	requestedMeasures: string;
	replyBy: string;
};

/** File a request in `unitId` in the safety rep's own name (queued; sent with the next sync). */
export async function fileRequest(unitId: string, fields: RequestFields): Promise<RequestDoc> {
	const { at, by, byName } = recorded();
	const doc: RequestDoc = {
		_id: newId('request'),
		type: 'request',
		scope: unitScope(unitId),
		unitId,
		kind: fields.kind,
		subject: fields.subject.trim(),
		description: fields.description.trim(),
		location: fields.location.trim(),
		requestedMeasures: fields.requestedMeasures.trim(),
		replyBy: fields.replyBy,
		filedAt: at,
		filedBy: by,
		filedByName: byName,
		createdAt: at,
		updatedAt: at,
	};
	await app.save(doc);
	return doc;
}

/** The manager confirms receipt in writing; the time is the record. */
export async function confirmReceipt(request: RequestDoc): Promise<void> {
	if (request.receipt) return;
	await app.save({ ...request, receipt: recorded() });
}

/** The manager answers; answering also confirms receipt when that was not done before. */
export async function answerRequest(
	request: RequestDoc,
	fields: Pick<RequestAnswer, 'decision' | 'text' | 'actionIds'>,
): Promise<void> {
	const who = recorded();
	await app.save({
		...request,
		receipt: request.receipt ?? who,
		answer: { ...who, decision: fields.decision, text: fields.text.trim(), actionIds: fields.actionIds },
	});
}

/** The safety rep records that they turned to Arbetsmiljöverket. */
export async function escalateRequest(request: RequestDoc, note: string): Promise<void> {
	if (request.escalation) return;
	await app.save({ ...request, escalation: { ...recorded(), note: note.trim() } });
}

export type WorkstopFields = { stoppedAt: string; work: string; reason: string; authorityAsked: boolean };

/** The safety rep records a work stop in their own name. */
export async function recordWorkstop(unitId: string, fields: WorkstopFields): Promise<WorkstopDoc> {
	const { at, by, byName } = recorded();
	const doc: WorkstopDoc = {
		_id: newId('workstop'),
		type: 'workstop',
		scope: unitScope(unitId),
		unitId,
		stoppedAt: fields.stoppedAt,
		work: fields.work.trim(),
		reason: fields.reason.trim(),
		recordedAt: at,
		recordedBy: by,
		recordedByName: byName,
		authorityAsked: fields.authorityAsked,
		createdAt: at,
		updatedAt: at,
	};
	await app.save(doc);
	return doc;
}

/** The manager or safety rep writes (or updates) what became of a work stop. */
export async function recordOutcome(stop: WorkstopDoc, text: string, resumedAt: string | null): Promise<void> {
	await app.save({ ...stop, outcome: { ...recorded(), text: text.trim(), resumedAt } });
}

/** Either party notes that Arbetsmiljöverket was (or was not) asked to decide. */
export async function setAuthorityAsked(stop: WorkstopDoc, asked: boolean): Promise<void> {
	await app.save({ ...stop, authorityAsked: asked });
}

/** The words of the current language, for the status sentences and the CSV (read inside `$derived`). */
export function words(): ReportWords {
	return { locale: i18n.locale, t, date: i18n.date, dateTime: i18n.dateTime, number: i18n.number };
}
