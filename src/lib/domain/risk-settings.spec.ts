import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RISK_LEVELS, riskBandsSchema, riskLevel } from './risk.ts';
import { checkDoc, RISK_SETTINGS_ID } from './schemas.ts';

const settings = (bands: unknown) => ({
	_id: RISK_SETTINGS_ID,
	type: 'settings',
	scope: 'org',
	createdAt: '2026-11-23T09:00:00.000Z',
	updatedAt: '2026-11-23T09:00:00.000Z',
	bands,
});

/** Any three integers 1–17, valid or not. */
const anyBands = fc.record({
	medium: fc.integer({ min: 1, max: 17 }),
	high: fc.integer({ min: 1, max: 17 }),
	severe: fc.integer({ min: 1, max: 17 }),
});

describe('risk settings document', () => {
	it('accepts the default bands and refuses a wrong id or scope', () => {
		expect(checkDoc(settings({ medium: 4, high: 8, severe: 12 })).ok).toBe(true);
		expect(checkDoc({ ...settings({ medium: 4, high: 8, severe: 12 }), _id: 'settings:other' }).ok).toBe(false);
		expect(checkDoc({ ...settings({ medium: 4, high: 8, severe: 12 }), scope: 'unit-a1' }).ok).toBe(false);
	});

	it('refuses bands out of order, out of 1–16 or with an empty level', () => {
		for (const bands of [
			{ medium: 8, high: 4, severe: 12 },
			{ medium: 4, high: 4, severe: 12 },
			{ medium: 1, high: 8, severe: 12 },
			{ medium: 4, high: 8, severe: 17 },
			{ medium: 4, high: 8 },
			{ medium: 4.5, high: 8, severe: 12 },
		]) {
			expect(checkDoc(settings(bands)).ok, JSON.stringify(bands)).toBe(false);
		}
	});

	it('valid bands put every score 1–16 in exactly one level, rising with the score, low never empty', () => {
		fc.assert(
			fc.property(anyBands, (raw) => {
				const parsed = riskBandsSchema.safeParse(raw);
				fc.pre(parsed.success);
				const bands = parsed.data!;
				expect(checkDoc(settings(bands)).ok).toBe(true);
				const seen = new Set<string>();
				for (let p = 1; p <= 4; p++) {
					for (let c = 1; c <= 4; c++) {
						const level = riskLevel(p, c, bands);
						const rank = RISK_LEVELS.indexOf(level);
						expect(rank).toBeGreaterThanOrEqual(0);
						seen.add(level);
						// Contiguous: a level is exactly the scores in [its threshold, the next one).
						const score = p * c;
						const expected = score >= bands.severe ? 3 : score >= bands.high ? 2 : score >= bands.medium ? 1 : 0;
						expect(rank).toBe(expected);
					}
				}
				// Monotonic: a higher score never gets a lower level.
				const cells = [1, 2, 3, 4].flatMap((p) => [1, 2, 3, 4].map((c) => [p, c] as const));
				for (const [p, c] of cells) {
					for (const [q, d] of cells) {
						if (p * c <= q * d) {
							expect(RISK_LEVELS.indexOf(riskLevel(p, c, bands))).toBeLessThanOrEqual(
								RISK_LEVELS.indexOf(riskLevel(q, d, bands)),
							);
						}
					}
				}
				expect(seen.has('low')).toBe(true);
			}),
			{ numRuns: 500 },
		);
	});

	it('the schema accepts exactly the strictly rising thresholds within 2–16', () => {
		fc.assert(
			fc.property(anyBands, (b) => {
				const valid = b.medium >= 2 && b.medium < b.high && b.high < b.severe && b.severe <= 16;
				expect(riskBandsSchema.safeParse(b).success).toBe(valid);
			}),
		);
	});
});
