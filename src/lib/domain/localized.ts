/** Showing a template's text in a language: English is optional and falls back to Swedish. */
import type { Localized } from './schemas.ts';

/**
 * A localized text in `locale`, the Swedish when that language's text is empty.
 * @example localizedText({ sv: 'Golv', en: '' }, 'en') // 'Golv'
 */
export function localizedText(text: Localized, locale: keyof Localized): string {
	return text[locale] || text.sv;
}
