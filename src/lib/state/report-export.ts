/**
 * CSV and XLSX of a report table (issue 14, item 4; decision 0034): made on the device from the
 * very table the screen shows. A suppressed cell (`null`) becomes the suppressed text ("för få
 * svar") in both formats, never a number or an empty cell that a reader could take for zero.
 * CSV uses the format of every export here (`csv.ts`: BOM, `;`, formulas neutralised). exceljs is
 * imported only when XLSX is asked for, so no page carries it in its first load.
 */
import { csvText, downloadCsv } from './csv.ts';
import type { ReportRow, ReportTable } from './report-table.ts';

/** What an export needs of the i18n layer: the suppressed text and how numbers read. */
export type ExportWords = {
	/** "för få svar" / "too few responses". */
	suppressed: string;
	number: (value: number) => string;
};

/**
 * The CSV text of a table: header of the column labels, then one line per row.
 * @example reportCsv({ name: 'x', title: 'X', columns: [{ key: 'n', label: 'Svar' }], rows: [{ n: null }] }, words) // '\uFEFFSvar\r\nför få svar'
 */
export function reportCsv(table: ReportTable, w: ExportWords): string {
	const cell = (v: ReportRow[string] | undefined): string =>
		v === null ? w.suppressed : v === undefined ? '' : typeof v === 'number' ? w.number(v) : v;
	return csvText([
		table.columns.map((c) => c.label),
		...table.rows.map((r) => table.columns.map((c) => cell(r[c.key]))),
	]);
}

/** A file name safe on every system: letters lose their marks, anything else becomes `-`. */
export function exportFileName(table: ReportTable, date: string, ext: 'csv' | 'xlsx'): string {
	const safe =
		table.name
			.normalize('NFKD')
			.replace(/\p{M}+/gu, '')
			.replace(/[^\w-]+/g, '-')
			.replace(/^-+|-+$/g, '') || 'rapport';
	return `${safe}-${date}.${ext}`;
}

/** Excel's limit on a sheet name (31 characters, none of `[]:*?/\`). */
function sheetName(title: string): string {
	return title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Rapport';
}

/**
 * The XLSX bytes of a table: one sheet, the title in the first row, the column labels in the
 * second, numbers as numbers, a suppressed cell as the suppressed text.
 */
export async function reportXlsx(table: ReportTable, w: ExportWords): Promise<Uint8Array> {
	const { default: ExcelJS } = await import('exceljs');
	const book = new ExcelJS.Workbook();
	const sheet = book.addWorksheet(sheetName(table.title));
	sheet.addRow([table.title]).font = { bold: true };
	sheet.addRow(table.columns.map((c) => c.label)).font = { bold: true };
	for (const r of table.rows) {
		// A text cell that looks like a formula stays text: exceljs writes strings as strings.
		sheet.addRow(table.columns.map((c) => (r[c.key] === null ? w.suppressed : (r[c.key] ?? ''))));
	}
	table.columns.forEach((c, i) => {
		sheet.getColumn(i + 1).width = Math.min(60, Math.max(10, c.label.length + 2));
	});
	return new Uint8Array(await book.xlsx.writeBuffer());
}

/** Hand a table to the browser as a CSV download. */
export function downloadReportCsv(table: ReportTable, w: ExportWords, date: string): void {
	downloadCsv(reportCsv(table, w), exportFileName(table, date, 'csv'));
}

/** Hand a table to the browser as an XLSX download. */
export async function downloadReportXlsx(table: ReportTable, w: ExportWords, date: string): Promise<void> {
	const bytes = await reportXlsx(table, w);
	const blob = new Blob([bytes as BlobPart], {
		type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	});
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = exportFileName(table, date, 'xlsx');
	document.body.append(a);
	a.click();
	a.remove();
	// The download has started by then; the URL is only needed until it has.
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
