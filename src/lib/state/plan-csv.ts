/**
 * The unit's action plan as CSV, in the shape of the printed plan (area, action, desired
 * result, responsible, done, follow-up) followed by the other fields. The format of every export
 * (`csv.ts`), so Excel set to Swedish opens it with å, ä and ö intact.
 */
import { csvFileName, csvText } from './csv.ts';
import type { PlanRow } from '../domain/index.ts';
import type { ReportWords } from './report-csv.ts';

/** The plan's rows, header first (what both the CSV and its test read). */
export function planCsvRows(rows: readonly PlanRow[], w: ReportWords): string[][] {
	const date = (d: string | null): string => (d === null ? '' : w.date(d));
	const header = [
		w.t('actions.field.area'),
		w.t('actions.field.plannedAction'),
		w.t('actions.field.desiredResult'),
		w.t('actions.field.responsible'),
		w.t('actions.field.done'),
		w.t('actions.field.followUp'),
		w.t('actions.field.status'),
		w.t('actionplan.col.level'),
		w.t('actions.field.start'),
		w.t('actions.field.due'),
		w.t('actions.field.estimatedCost'),
		w.t('actions.field.result'),
		w.t('actions.field.comment'),
	];
	const out = [header];
	for (const { action: a, level } of rows) {
		out.push([
			a.area,
			a.plannedAction,
			a.desiredResult,
			a.responsible,
			date(a.done),
			date(a.followUp),
			a.status === 'effect_checked' && a.effective !== undefined
				? `${w.t('actions.status.effect_checked')} (${w.t(a.effective ? 'actions.effect.yes' : 'actions.effect.no')})`
				: w.t(`actions.status.${a.status}`),
			level ? w.t(`risk.level.${level}`) : '',
			date(a.start),
			date(a.due),
			a.estimatedCost === null ? '' : w.number(a.estimatedCost),
			a.result,
			[a.comment, a.postponeReason ? w.t('actionplan.postponedBecause', { reason: a.postponeReason }) : '']
				.filter((s) => s !== '')
				.join(' – '),
		]);
	}
	return out;
}

/** The CSV text (with BOM) of the plan's rows as shown (filtered and sorted). */
export function planCsv(rows: readonly PlanRow[], w: ReportWords): string {
	return csvText(planCsvRows(rows, w));
}

/** A file name for the plan: unit and date, safe on every system. */
export function planFileName(unitName: string, date: string): string {
	return csvFileName('handlingsplan', unitName, date, 'enhet');
}
