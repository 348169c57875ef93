/**
 * The report pages' texts (issue 14): loaded by those pages only (`loadReportTexts` in their
 * load function), so the app's first load stays as it is. `rt` reads the chosen language like `t`.
 */
import { i18n, interpolate, type Locale } from './i18n.svelte.ts';
import type { ReportKey } from './reports-sv.ts';

export type { ReportKey };

const catalogs = $state<Partial<Record<Locale, Record<ReportKey, string>>>>({});

/** Fetch both languages' report texts (small; switching language on a report page needs no network). */
export async function loadReportTexts(): Promise<void> {
	if (catalogs.sv && catalogs.en) return;
	const [{ reportsSv }, { reportsEn }] = await Promise.all([import('./reports-sv.ts'), import('./reports-en.ts')]);
	catalogs.sv = reportsSv;
	catalogs.en = reportsEn;
}

/** A report text in the chosen language; the key itself until `loadReportTexts` has resolved. */
export function rt(key: ReportKey, params?: Record<string, string | number>): string {
	return interpolate((catalogs[i18n.locale] ?? catalogs.sv)?.[key] ?? key, params);
}
