import { i18n } from '#lib/i18n/i18n.svelte.ts';
import { app } from '#lib/state/app-state.svelte.ts';

// A client-rendered app: data lives in IndexedDB, so there is nothing to render on a server.
export const ssr = false;
export const prerender = false;

// Before anything is drawn: the chosen language's catalogue (English is loaded on demand), and
// the person remembered on this device with their database opening, so the page's live queries
// find it (decision 0011). A first visit loads no database code here (issue 11).
// Every page but the sign-in page also waits for the rest of the Swedish texts.
export const load = async ({ url }: { url: URL }): Promise<void> => {
	await Promise.all([i18n.ready, app.init(), url.pathname === '/sign-in' ? undefined : i18n.loadMore()]);
};
