import { loadReportTexts } from '#lib/i18n/reports.svelte.ts';

// The report pages' own texts, loaded here and not with the app, so nobody else's first load grows.
export const load = async (): Promise<void> => {
	await loadReportTexts();
};
