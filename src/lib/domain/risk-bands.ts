/**
 * The organisation's risk bands as the device uses them: the bands of the `settings:risk`
 * document (the default when there is none or it is not valid), what is wrong with bands typed
 * into the settings form (by the schema's own rules, as codes the page words), and which scores
 * each level covers. Pure and language-free.
 */
import {
	DEFAULT_RISK_BANDS,
	RISK_LEVELS,
	RISK_SCALE,
	riskBandsSchema,
	type RiskBands,
	type RiskLevel,
} from './risk.ts';

export const BAND_NAMES = ['medium', 'high', 'severe'] as const;
export type BandName = (typeof BAND_NAMES)[number];

/**
 * The bands of a settings document, or the default when it is absent, deleted or invalid (a
 * device must always be able to show a level).
 * @example bandsOf(undefined) // { medium: 4, high: 8, severe: 12 }
 */
export function bandsOf(doc: unknown): RiskBands {
	if (!doc || typeof doc !== 'object' || (doc as { _deleted?: unknown })._deleted === true) return DEFAULT_RISK_BANDS;
	const parsed = riskBandsSchema.safeParse((doc as { bands?: unknown }).bands);
	return parsed.success ? parsed.data : DEFAULT_RISK_BANDS;
}

/** One thing wrong with a threshold: `limit` is the bound for min/max, `below` the band it must exceed for order. */
export type BandIssue =
	| { field: BandName; rule: 'required' | 'integer' }
	| { field: BandName; rule: 'min' | 'max'; limit: number }
	| { field: BandName; rule: 'order'; below: BandName };

/** Thresholds as typed: a number input gives null (or NaN) when empty. */
export type BandInput = Record<BandName, number | null>;

/**
 * What is wrong with typed thresholds, by `riskBandsSchema` (integer, within its bounds, rising),
 * at most one issue per field, in the order of the fields. Empty when the schema accepts them.
 * @example bandIssues({ medium: 4, high: 4, severe: 12 }) // [{ field: 'high', rule: 'order', below: 'medium' }]
 */
export function bandIssues(input: BandInput): BandIssue[] {
	const raw = Object.fromEntries(
		BAND_NAMES.map((f) => [f, input[f] === null || Number.isNaN(input[f]) ? undefined : input[f]]),
	);
	const result = riskBandsSchema.safeParse(raw);
	if (result.success) return [];
	const byField = new Map<BandName, BandIssue>();
	for (const issue of result.error.issues) {
		const field = issue.path[0] as BandName | undefined;
		if (!field || !BAND_NAMES.includes(field) || byField.has(field)) continue;
		if (issue.code === 'invalid_type') {
			byField.set(field, { field, rule: raw[field] === undefined ? 'required' : 'integer' });
		} else if (issue.code === 'too_small') {
			byField.set(field, { field, rule: 'min', limit: Number(issue.minimum) });
		} else if (issue.code === 'too_big') {
			byField.set(field, { field, rule: 'max', limit: Number(issue.maximum) });
		} else {
			byField.set(field, { field, rule: 'integer' });
		}
	}
	// The schema's rising rule (a refinement of the whole object): name the band that is not above
	// the one below it, where both are otherwise fine.
	const b = raw as RiskBands;
	for (const [field, below] of [
		['high', 'medium'],
		['severe', 'high'],
	] as const) {
		if (!byField.has(field) && !byField.has(below) && b[field] <= b[below]) {
			byField.set(field, { field, rule: 'order', below });
		}
	}
	return BAND_NAMES.flatMap((f) => {
		const issue = byField.get(f);
		return issue ? [issue] : [];
	});
}

/** The scores 1–16 a level covers (an inclusive range), and how many cells of the 4 × 4 matrix fall in it. */
export type LevelRange = { level: RiskLevel; from: number; to: number; cells: number };

/**
 * Each level's range of scores under valid bands.
 * @example levelRanges({ medium: 4, high: 8, severe: 12 })[1] // { level: 'medium', from: 4, to: 7, cells: 5 }
 */
export function levelRanges(bands: RiskBands): LevelRange[] {
	const starts = [1, bands.medium, bands.high, bands.severe, 17];
	const scores = RISK_SCALE.flatMap((p) => RISK_SCALE.map((c) => p * c));
	return RISK_LEVELS.map((level, i) => {
		const from = starts[i] as number;
		const to = (starts[i + 1] as number) - 1;
		return { level, from, to, cells: scores.filter((s) => s >= from && s <= to).length };
	});
}
