/**
 * The round report as CSV, for opening in a spreadsheet. The same content as the printable
 * report, one row per fact, with a column saying what the row is (round, item, finding,
 * signature, reopening). The last column lists the actions made from each finding, with their
 * status and due date as of the export. Never reads the network or the device database: it formats a report.
 * The file format, shared by every export, is in `csv.ts`.
 */
import { csvFileName, csvText } from './csv.ts';
import type { FindingAction, RoundReport } from '../domain/index.ts';
import type { MessageKey } from '../i18n/i18n.svelte.ts';

/** What the export needs of the i18n layer (passed in, so tests can use either language). */
export type ReportWords = {
	locale: 'sv' | 'en';
	t: (key: MessageKey, params?: Record<string, string | number>) => string;
	date: (value: string) => string;
	dateTime: (value: string) => string;
	number: (value: number) => string;
};

/** A finding's actions in one cell: "planned action (status, due date)", separated by "; ". */
function actionsCell(lines: readonly FindingAction[], w: ReportWords): string {
	return lines
		.map(({ action: a }) => {
			const words = { action: a.plannedAction.trim(), status: w.t(`actions.status.${a.status}`) };
			return a.due
				? w.t('findingActions.csvEntry', { ...words, date: w.date(a.due) })
				: w.t('findingActions.csvEntryNoDate', words);
		})
		.join('; ');
}

/**
 * The report's rows, header first: the table both the CSV and its test read. `actions` holds the
 * actions of each finding (by finding id); without it the column stays empty.
 */
export function reportRows(
	report: RoundReport,
	w: ReportWords,
	unitName: string,
	actions?: ReadonlyMap<string, readonly FindingAction[]>,
): string[][] {
	const { round, template } = report;
	const header = [
		w.t('report.csv.part'),
		w.t('report.csv.number'),
		w.t('report.csv.subject'),
		w.t('report.csv.value'),
		w.t('report.csv.comment'),
		w.t('report.csv.fixedOnSite'),
		w.t('report.csv.serious'),
		w.t('report.csv.by'),
		w.t('report.csv.time'),
		w.t('findingActions.csvColumn'),
	];
	const row = (
		part: MessageKey,
		cells: Partial<
			Record<'n' | 'subject' | 'value' | 'comment' | 'fixed' | 'serious' | 'by' | 'time' | 'actions', string>
		>,
	) => [
		w.t(part),
		cells.n ?? '',
		cells.subject ?? '',
		cells.value ?? '',
		cells.comment ?? '',
		cells.fixed ?? '',
		cells.serious ?? '',
		cells.by ?? '',
		cells.time ?? '',
		cells.actions ?? '',
	];
	const rows: string[][] = [header];
	const roundPart = 'report.csv.part.round' as const;
	rows.push(row(roundPart, { subject: w.t('rounds.unit'), value: unitName }));
	rows.push(row(roundPart, { subject: w.t('rounds.date'), value: w.date(round.date) }));
	rows.push(row(roundPart, { subject: w.t('rounds.template'), value: template.title[w.locale] }));
	rows.push(row(roundPart, { subject: w.t('report.version'), value: w.number(round.templateVersion) }));
	rows.push(row(roundPart, { subject: w.t('rounds.status'), value: w.t(`rounds.status.${round.status}`) }));
	for (const p of round.participants) {
		rows.push(
			row(roundPart, { subject: w.t('report.participant'), value: p.name, comment: w.t(`report.role.${p.role}`) }),
		);
	}
	for (const item of report.items) {
		const a = item.answer;
		rows.push(
			row('report.csv.part.item', {
				n: w.number(item.number),
				subject: item.text[w.locale],
				value: w.t(`walk.value.${a?.value ?? 'none'}`),
				comment: a?.comment ?? '',
				fixed: a?.fixedOnSite ? a.fixedNote || w.t('walk.fixedOnSite') : '',
				by: a?.answeredByName ?? '',
				time: a ? w.dateTime(a.answeredAt) : '',
			}),
		);
	}
	for (const f of report.findings) {
		const r = f.risk;
		rows.push(
			row('report.csv.part.finding', {
				n: w.number(f.number),
				subject: f.finding.title,
				value: r
					? w.t('report.riskValue', { level: w.t(`risk.level.${r.level}`), score: w.number(r.score) })
					: w.t('report.notAssessed'),
				comment: [f.finding.description, f.finding.location].filter((s) => s !== '').join(' – '),
				serious: r ? (r.serious ? w.t('risk.yes') : w.t('risk.no')) : '',
				by: r?.assessedByName ?? '',
				time: r ? w.dateTime(r.assessedAt) : '',
				actions: actionsCell(actions?.get(f.finding._id) ?? [], w),
			}),
		);
	}
	for (const s of report.signatures) {
		rows.push(
			row('report.csv.part.signature', {
				subject: s.signerName,
				value: w.t(`report.role.${s.role}`),
				comment: s.reservation ? w.t('report.reservation', { text: s.reservation }) : '',
				// The person, not the account (an account name such as "chef" reads as a role).
				by: s.signerName,
				time: w.dateTime(s.signedAt),
			}),
		);
	}
	for (const r of report.reopenings) {
		rows.push(
			row('report.csv.part.reopening', {
				subject: r.reopenedByName,
				comment: r.reason,
				by: r.reopenedByName,
				time: w.dateTime(r.reopenedAt),
			}),
		);
	}
	return rows;
}

/**
 * The CSV text (with BOM) of a report.
 * @example reportCsv(report, words, 'Enhet A1').startsWith('\uFEFFDel;Nr;') // true in Swedish
 */
export function reportCsv(
	report: RoundReport,
	w: ReportWords,
	unitName: string,
	actions?: ReadonlyMap<string, readonly FindingAction[]>,
): string {
	return csvText(reportRows(report, w, unitName, actions));
}

/** A file name for the export: unit and date, safe on every system. */
export function reportFileName(unitName: string, date: string): string {
	return csvFileName('rond', unitName, date, 'rond');
}
