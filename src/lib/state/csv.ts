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

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A date in a CSV cell: ISO 8601 (`YYYY-MM-DD`), which every spreadsheet reads as a date in any
 * language. A calendar date is kept; a moment gives its date on the device's clock.
 * @example csvDate('2026-11-23') // '2026-11-23'
 */
export function csvDate(value: string): string {
	if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
	const d = new Date(value);
	if (Number.isNaN(d.getTime())) return value;
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * A moment in a CSV cell: ISO 8601 in the device's local time with its offset
 * (`2026-11-23T10:00:00+01:00`), so the clock time reads as people saw it and stays exact.
 * @example csvDateTime('2026-11-23T09:00:00.000Z') // '2026-11-23T10:00:00+01:00' in Sweden
 */
export function csvDateTime(value: string): string {
	const d = new Date(value);
	if (Number.isNaN(d.getTime())) return value;
	const offset = -d.getTimezoneOffset();
	const sign = offset >= 0 ? '+' : '-';
	const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
	return `${csvDate(value)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

/** The words an export formats with, with dates and times in ISO 8601 (every CSV export uses it). */
export function csvWords<W extends { date: (v: string) => string; dateTime: (v: string) => string }>(words: W): W {
	return { ...words, date: csvDate, dateTime: csvDateTime };
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
