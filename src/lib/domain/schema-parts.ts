/** Schema parts shared by `schemas.ts` and `surveys.ts` (kept apart so neither imports the other at load). */
import { z } from './zod.ts';

/**
 * Text in the product languages: Swedish required (the source), English optional. An empty
 * English text is shown in Swedish (`localizedText`).
 */
export const localizedSchema = z.object({
	sv: z.string().check(z.minLength(1), z.maxLength(2000)),
	en: z.string().check(z.maxLength(2000)),
});
export type Localized = z.infer<typeof localizedSchema>;

/**
 * A hybrid logical clock stamp: 13-digit wall milliseconds, 4-digit counter, device id.
 * Fixed width, so stamps compare as strings; the device id breaks ties (architecture §7).
 */
export const hlcSchema = z.string().check(z.regex(/^\d{13}-\d{4}-[a-z0-9-]{1,64}$/, 'not a clock stamp'));

/** Round template kinds: skyddsrond, OSA-rond, hot-och-våld-rond, other. */
export const TEMPLATE_KINDS = ['physical', 'osa', 'threat_violence', 'other'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const FINDING_CATEGORIES = ['physical', 'osa', 'threat_violence', 'other'] as const;
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];
