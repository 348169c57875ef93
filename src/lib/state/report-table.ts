/**
 * The one shape every report view builds (issue 14): the screen renders it with `ReportTable`,
 * and the CSV/XLSX exports and the printed pack read the same value, so an export never shows
 * more than the screen. Numbers stay numbers (formatted when shown); `null` is "no figure".
 */
export type ReportColumn = { key: string; label: string; numeric?: boolean };
export type ReportRow = Record<string, string | number | null>;
export type ReportTable = { name: string; title: string; columns: ReportColumn[]; rows: ReportRow[] };

/**
 * A cell as text: numbers in the reader's locale, `null` as the given placeholder.
 * @example cellText(1234, { number: (n) => n.toLocaleString('sv-SE') }, '–') // '1 234'
 */
export function cellText(
	value: string | number | null | undefined,
	format: { number: (n: number) => string },
	none: string,
): string {
	if (value === null || value === undefined || value === '') return none;
	return typeof value === 'number' ? format.number(value) : value;
}
