/**
 * A table of a report page (issue 14): what the screen shows as a table (and as the text
 * alternative of a chart), and what CSV and XLSX export, so an export can never show more than
 * the screen. `null` in a cell is a suppressed figure ("för få svar"), never a number.
 */
export type ReportColumn = { key: string; label: string; numeric?: boolean };

export type ReportCell = string | number | null;

export type ReportTable = {
	/** A short name for file names (`hme-a1`). */
	name: string;
	title: string;
	columns: ReportColumn[];
	rows: Record<string, ReportCell>[];
};
