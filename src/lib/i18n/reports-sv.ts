/**
 * Swedish texts of the report pages (issue 14), apart from the main catalogue: only HR and
 * managers open these pages, so the first load of everyone else does not carry them. Every key
 * here must exist in reports-en.ts (the compiler checks it).
 */
export const reportsSv = {
	'reports.title': 'Rapporter',
	// -- views: drill-down, heatmap, trends, serious risks (add keys here)

	// -- survey results, exports and the printed pack (add keys here)
} as const;

export type ReportKey = keyof typeof reportsSv;
