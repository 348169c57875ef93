import type { ReportKey } from './reports-sv.ts';

/** English texts of the report pages. */
export const reportsEn: Record<ReportKey, string> = {
	'reports.title': 'Reports',
	// -- views: drill-down, heatmap, trends, serious risks (add keys here)

	// -- survey results, exports and the printed pack (add keys here)
};
