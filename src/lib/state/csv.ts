/**
 * CSV files for spreadsheets, one way for every export (round report, action plan, the safety
 * rep's register): papaparse's `unparse` with `;` between fields (Swedish Excel uses `,` as the
 * decimal sign), CRLF line ends, and a UTF-8 BOM (without it Excel reads the file as Latin-1).
 */
import Papa from 'papaparse';

const BOM = '\uFEFF';

/**
 * The CSV text (with BOM) of rows of cells.
 * @example csvText([['Del', 'Nr'], ['Svar', '1']]) // '\uFEFFDel;Nr\r\nSvar;1'
 */
export function csvText(rows: readonly (readonly string[])[]): string {
	return BOM + Papa.unparse(rows as string[][], { delimiter: ';', newline: '\r\n', quotes: false });
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
