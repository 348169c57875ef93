/**
 * A unit's register of the safety rep's requests (6 kap. 6 a § AML) and work stops (6 kap. 7 §):
 * the status sentences the pages show, and the register as CSV (the format of every export, `csv.ts`). Never reads the network or the
 * device database.
 */
import { csvFileName, csvText } from './csv.ts';
import { requestState, type RequestDoc, type WorkstopDoc } from '../domain/index.ts';
import type { ReportWords } from './report-csv.ts';

/**
 * Where a request stands, in words (never colour alone): overdue with its date, answered with the
 * decision, or waiting; then whether receipt was confirmed and whether it went to Arbetsmiljöverket.
 * @example requestStatusParts(late, '2026-12-08', words) // ['Försenad: svar skulle ha lämnats senast 7 december 2026', 'Mottagandet är inte bekräftat']
 */
export function requestStatusParts(request: RequestDoc, today: string, w: ReportWords): string[] {
	const s = requestState(request, today);
	const parts: string[] = [];
	if (s.answered && request.answer) {
		parts.push(
			w.t('requests.status.answered', {
				decision: w.t(`requests.decision.${request.answer.decision}`),
				date: w.date(request.answer.at),
			}),
		);
	} else if (s.overdue) parts.push(w.t('requests.status.overdue', { date: w.date(request.replyBy) }));
	else parts.push(w.t('requests.status.waiting', { date: w.date(request.replyBy) }));
	if (!s.answered) parts.push(s.received ? w.t('requests.status.received') : w.t('requests.status.notReceived'));
	if (s.escalated) parts.push(w.t('requests.status.escalated'));
	return parts;
}

/** Whether a work stop is still in force, in words. */
export function workstopStatus(stop: WorkstopDoc, w: ReportWords): string {
	const resumed = stop.outcome?.resumedAt;
	return resumed ? w.t('workstops.status.resumed', { time: w.dateTime(resumed) }) : w.t('workstops.status.stopped');
}

/** The register's rows, header first: one row per request, then one per work stop. */
export function registerRows(
	requests: readonly RequestDoc[],
	workstops: readonly WorkstopDoc[],
	today: string,
	w: ReportWords,
): string[][] {
	const rows: string[][] = [
		[
			w.t('register.csv.part'),
			w.t('register.csv.subject'),
			w.t('register.csv.kind'),
			w.t('register.csv.description'),
			w.t('register.csv.time'),
			w.t('register.csv.by'),
			w.t('register.csv.replyBy'),
			w.t('register.csv.status'),
			w.t('register.csv.receipt'),
			w.t('register.csv.answer'),
			w.t('register.csv.authority'),
		],
	];
	const recorded = (r: { byName: string; at: string } | undefined): string =>
		r ? w.t('register.recorded', { name: r.byName, time: w.dateTime(r.at) }) : '';
	for (const r of requests) {
		const a = r.answer;
		rows.push([
			w.t('register.csv.part.request'),
			r.subject,
			w.t(`requests.kind.${r.kind}`),
			[r.description, r.requestedMeasures, r.location].filter((s) => s !== '').join(' – '),
			w.dateTime(r.filedAt),
			r.filedByName,
			w.date(r.replyBy),
			requestStatusParts(r, today, w).join('. '),
			recorded(r.receipt),
			a ? `${w.t(`requests.decision.${a.decision}`)}: ${a.text} (${recorded(a)})` : '',
			r.escalation ? [recorded(r.escalation), r.escalation.note].filter((s) => s !== '').join(' – ') : '',
		]);
	}
	for (const s of workstops) {
		const o = s.outcome;
		rows.push([
			w.t('register.csv.part.workstop'),
			s.work,
			w.t('workstops.kind'),
			s.reason,
			w.dateTime(s.stoppedAt),
			s.recordedByName,
			'',
			workstopStatus(s, w),
			'',
			o ? `${o.text} (${recorded(o)})` : '',
			s.authorityAsked ? w.t('workstops.authorityAsked') : w.t('workstops.authorityNotAsked'),
		]);
	}
	return rows;
}

/**
 * The register as CSV text (with BOM).
 * @example registerCsv([], [], '2026-12-01', words).startsWith('\uFEFFDel;') // true in Swedish
 */
export function registerCsv(
	requests: readonly RequestDoc[],
	workstops: readonly WorkstopDoc[],
	today: string,
	w: ReportWords,
): string {
	return csvText(registerRows(requests, workstops, today, w));
}

/** A file name for the export: unit and date, safe on every system. */
export function registerFileName(unitName: string, today: string): string {
	return csvFileName('skyddsombud-register', unitName, today, 'enhet');
}
