/**
 * CSV files for spreadsheets, one way for every export (round report, action plan, the safety
 * rep's register): papaparse's `unparse` with `;` between fields (Swedish Excel uses `,` as the
 * decimal sign), CRLF line ends, and a UTF-8 BOM (without it Excel reads the file as Latin-1).
 * Cells that a spreadsheet would run as a formula are neutralised here, for every export.
 */
import Papa from 'papaparse';

const BOM = '\uFEFF';

/**
 * A cell a spreadsheet program would read as a formula (OWASP "CSV injection"): one starting
 * with `=`, `+`, `-`, `@`, tab or carriage return. Such a cell gets a leading `'` (and quotes),
 * so Excel, LibreOffice and Google Sheets show it as text. One exception, on purpose: a cell
 * that is only a number with a minus sign (`-3`, `-2,5`, `-0.5`) stays as it is, so negative
 * figures remain numbers a spreadsheet can sum; nothing after the number can be evaluated.
 * `-3+1`, `-1e5` or `-2 ` are not plain numbers and are neutralised like any other.
 * Papaparse's own `escapeFormulae: true` is not used as is: its pattern (`/^[=+\-@\t\r].*$/`)
 * misses a formula with a line break in it (`.` stops at the break), and it escapes `-3` too.
 */
export const FORMULA_START = /^(?!-\d+(?:[.,]\d+)?$)[=+\-@\t\r]/;

/**
 * The CSV text (with BOM) of rows of cells, formula cells neutralised (see `FORMULA_START`).
 * @example csvText([['Del', 'Nr'], ['Svar', '1']]) // '\uFEFFDel;Nr\r\nSvar;1'
 * @example csvText([['=1+1', '-3']]) // '\uFEFF"\'=1+1";-3'
 */
export function csvText(rows: readonly (readonly string[])[]): string {
	return (
		BOM +
		Papa.unparse(rows as string[][], {
			delimiter: ';',
			newline: '\r\n',
			quotes: false,
			escapeFormulae: FORMULA_START,
		})
	);
}

/**
 * A file name of a prefix, a unit and a date, safe on every system: letters lose their marks
 * (Å → A), anything else between words becomes `-`.
 * @example csvFileName('rond', 'Enhet Å/Ö 1', '2026-11-23', 'enhet') // 'rond-Enhet-A-O-1-2026-11-23.csv'
 */
export function csvFileName(prefix: string, unitName: string, date: string, fallback: string): string {
	const safe =
		unitName
			.normalize('NFKD')
			.replace(/\p{M}+/gu, '')
			.replace(/[^\w-]+/g, '-')
			.replace(/^-+|-+$/g, '') || fallback;
	return `${prefix}-${safe}-${date}.csv`;
}

/** Hand CSV text to the browser as a download. */
export function downloadCsv(text: string, fileName: string): void {
	const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName;
	document.body.append(a);
	a.click();
	a.remove();
	// The download has started by then; the URL is only needed until it has.
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
