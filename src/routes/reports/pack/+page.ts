import { loadReportTexts } from '#lib/i18n/reports.svelte.ts';

// The report pages' own texts, so the app's first load does not carry them.
export const load = async (): Promise<void> => {
	await loadReportTexts();
};
