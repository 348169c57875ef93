// Specs see every Swedish text, as every page past the sign-in page does (the root layout loads them).
import { i18n } from './i18n.svelte.ts';

await i18n.loadMore();
