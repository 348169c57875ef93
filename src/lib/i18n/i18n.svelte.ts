/**
 * The i18n layer: every user-visible sentence goes through `t`. Swedish is the default;
 * the choice persists on the device. Dates, numbers and sorting follow the chosen locale.
 * Never put a sentence in a component: add a key to sv.ts (en.ts must follow, the compiler says so).
 */
import { localizedText } from '../domain/localized.ts';
import type { Localized } from '../domain/schemas.ts';
import { sv, type MessageKey } from './sv.ts';

export type { MessageKey };
export const LOCALES = ['sv', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
type Catalog = Partial<Record<MessageKey, string>>;

// Swedish for the sign-in page and the app's frame is in the first script; the rest of Swedish
// (`loadMore`, before any other page) and English (about 50 kB, for those who choose it) are
// fetched when needed, so the first visit does not parse them.
const catalogs: Partial<Record<Locale, Catalog>> = { sv };
async function loadCatalog(locale: Locale): Promise<void> {
	if (catalogs[locale]) return;
	catalogs[locale] = (await import('./en.ts')).en;
}
let more: Promise<void> | undefined;
const STORAGE_KEY = 'trygg.locale';
const TAGS: Record<Locale, string> = { sv: 'sv-SE', en: 'en-GB' };

function storedLocale(): Locale {
	try {
		const value = globalThis.localStorage?.getItem(STORAGE_KEY);
		return value === 'en' ? 'en' : 'sv';
	} catch {
		return 'sv';
	}
}

/** Replace `{name}` placeholders; unknown placeholders stay visible so a missing value is noticed. */
export function interpolate(template: string, params: Record<string, string | number> = {}): string {
	return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

class I18n {
	/** The language shown: it changes only once its catalogue is here, so `t` is never without one. */
	locale = $state<Locale>('sv');
	/** Resolves once the device's chosen language can be shown (the root layout waits for it). */
	readonly ready: Promise<void>;

	constructor() {
		const chosen = storedLocale();
		this.ready = chosen === 'sv' ? Promise.resolve() : this.#show(chosen);
	}

	async #show(locale: Locale): Promise<void> {
		try {
			await loadCatalog(locale);
			this.locale = locale;
		} catch {
			// Offline before the app was ever cached whole: stay in Swedish rather than show nothing.
		}
	}
	readonly tag = $derived(TAGS[this.locale]);
	readonly collator = $derived(new Intl.Collator(TAGS[this.locale]));
	// Made once per locale: building an Intl formatter costs far more than using one (a list of
	// 500 rounds formats 500 dates).
	readonly #dateFormat = $derived(new Intl.DateTimeFormat(TAGS[this.locale], { dateStyle: 'long' }));
	readonly #dateTimeFormat = $derived(
		new Intl.DateTimeFormat(TAGS[this.locale], { dateStyle: 'medium', timeStyle: 'short' }),
	);
	readonly #numberFormat = $derived(new Intl.NumberFormat(TAGS[this.locale]));

	async set(locale: Locale): Promise<void> {
		await this.#show(locale);
		if (this.locale !== locale) return;
		try {
			globalThis.localStorage?.setItem(STORAGE_KEY, locale);
		} catch {
			// Private mode: the choice lasts for this visit only.
		}
		if (typeof document !== 'undefined') document.documentElement.lang = locale;
	}

	/** The Swedish texts of every page but the sign-in page (the root layout awaits it first). */
	loadMore = (): Promise<void> =>
		(more ??= import('./sv-more.ts').then(
			({ svMore }) => void (catalogs.sv = { ...sv, ...svMore }),
			(err: unknown) => {
				more = undefined; // offline before the app was cached: try again at the next page
				throw err;
			},
		));

	// A key whose text is not loaded shows as the key, never as "undefined".
	t = (key: MessageKey, params?: Record<string, string | number>): string =>
		interpolate((catalogs[this.locale] ?? (sv as Catalog))[key] ?? key, params);

	date = (value: string | Date): string => {
		const d =
			typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00`) : new Date(value);
		return this.#dateFormat.format(d);
	};

	dateTime = (value: string | Date): string => this.#dateTimeFormat.format(new Date(value));

	number = (value: number): string => this.#numberFormat.format(value);

	compare = (a: string, b: string): number => this.collator.compare(a, b);

	/** A template's text in the chosen language; English is optional and falls back to Swedish. */
	text = (value: Localized): string => localizedText(value, this.locale);
}

/** The app's one i18n instance. */
export const i18n = new I18n();
/** Shorthand for `i18n.t`. */
export const t = i18n.t;
