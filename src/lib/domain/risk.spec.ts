/** The risk matrix: the default bands from the domain brief, configurable bands, and bad input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_BANDS, RISK_LEVELS, riskBandsSchema, riskLevel, riskScore } from './risk.ts';

describe('riskLevel', () => {
	it('bands the default matrix as the brief says: 1–3 låg, 4–6 medel, 8–9 hög, 12–16 allvarlig', () => {
		const grid = [1, 2, 3, 4].map((p) => [1, 2, 3, 4].map((c) => riskLevel(p, c)));
		expect(grid).toEqual([
			['low', 'low', 'low', 'medium'],
			['low', 'medium', 'medium', 'high'],
			['low', 'medium', 'high', 'severe'],
			['medium', 'high', 'severe', 'severe'],
		]);
	});

	it('follows configured bands', () => {
		const strict = { medium: 3, high: 6, severe: 9 };
		expect(riskLevel(1, 3, strict)).toBe('medium');
		expect(riskLevel(2, 3, strict)).toBe('high');
		expect(riskLevel(3, 3, strict)).toBe('severe');
		expect(riskLevel(1, 2, strict)).toBe('low');
	});

	it('never lowers the level when probability or consequence rises', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 4 }),
				fc.integer({ min: 1, max: 4 }),
				fc.integer({ min: 2, max: 14 }),
				fc.integer({ min: 1, max: 2 }),
				fc.integer({ min: 1, max: 2 }),
				(p, c, medium, dh, ds) => {
					const bands = { medium, high: medium + dh, severe: medium + dh + ds };
					const rank = (l: string) => RISK_LEVELS.indexOf(l as 'low');
					const base = rank(riskLevel(p, c, bands));
					if (p < 4) expect(rank(riskLevel(p + 1, c, bands))).toBeGreaterThanOrEqual(base);
					if (c < 4) expect(rank(riskLevel(p, c + 1, bands))).toBeGreaterThanOrEqual(base);
				},
			),
		);
	});

	it('refuses values off the 1–4 scales and bands that do not rise', () => {
		expect(() => riskScore(0, 2)).toThrow(RangeError);
		expect(() => riskScore(2, 5)).toThrow(RangeError);
		expect(() => riskLevel(1.5, 2)).toThrow(RangeError);
		expect(riskBandsSchema.safeParse(DEFAULT_RISK_BANDS).success).toBe(true);
		expect(riskBandsSchema.safeParse({ medium: 8, high: 8, severe: 12 }).success).toBe(false);
	});
});
