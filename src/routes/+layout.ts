import { i18n } from '#lib/i18n/i18n.svelte.ts';

// A client-rendered app: data lives in IndexedDB, so there is nothing to render on a server.
export const ssr = false;
export const prerender = false;

// The chosen language's catalogue before anything is drawn (English is loaded on demand).
export const load = () => i18n.ready;
