/**
 * The risk matrix (riskmatris): probability 1–4 × consequence 1–4 gives a score 1–16, and the
 * organisation's bands turn the score into a level (låg, medel, hög, mycket hög). The law asks
 * only whether a risk is serious; that answer is recorded explicitly and never derived from the
 * level. Pure: no storage, no clock.
 */
import { z } from './zod.ts';

export const RISK_LEVELS = ['low', 'medium', 'high', 'severe'] as const;
/** Låg, medel, hög, mycket hög ("allvarlig" is kept for the legal serious risk yes/no). */
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** The 1–4 scales: probability (osannolik … mycket sannolik) and consequence (försumbar … mycket allvarlig). */
export const RISK_SCALE = [1, 2, 3, 4] as const;

/**
 * Bands: the lowest score of each level above `low`. A score below `medium` is low, and so on.
 * Configurable per organisation; every band must start above the one below it.
 */
export const riskBandsSchema = z
	.strictObject({
		medium: z.number().check(z.int(), z.gte(2), z.lte(16)),
		high: z.number().check(z.int(), z.gte(3), z.lte(16)),
		severe: z.number().check(z.int(), z.gte(4), z.lte(16)),
	})
	.check(
		z.refine((b) => b.medium < b.high && b.high < b.severe, { message: 'bands must rise: medium < high < severe' }),
	);
export type RiskBands = z.infer<typeof riskBandsSchema>;

/** The default from the domain brief: 1–3 låg, 4–6 medel, 8–9 hög, 12–16 allvarlig. */
export const DEFAULT_RISK_BANDS: RiskBands = { medium: 4, high: 8, severe: 12 };

/**
 * Probability × consequence.
 * @example riskScore(3, 4) // 12
 */
export function riskScore(probability: number, consequence: number): number {
	if (!RISK_SCALE.includes(probability as 1) || !RISK_SCALE.includes(consequence as 1)) {
		throw new RangeError(`probability and consequence are 1–4, got ${probability} × ${consequence}`);
	}
	return probability * consequence;
}

/**
 * The level of a risk by the organisation's bands.
 * @example riskLevel(2, 3) // 'medium'
 * @example riskLevel(3, 4, { medium: 3, high: 6, severe: 10 }) // 'severe'
 */
export function riskLevel(probability: number, consequence: number, bands: RiskBands = DEFAULT_RISK_BANDS): RiskLevel {
	const score = riskScore(probability, consequence);
	if (score >= bands.severe) return 'severe';
	if (score >= bands.high) return 'high';
	if (score >= bands.medium) return 'medium';
	return 'low';
}
