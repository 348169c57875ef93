/** The device's view of the risk settings: bands of a document, form issues by the schema's rules, level ranges. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandIssues, bandsOf, levelRanges } from './risk-bands.ts';
import { DEFAULT_RISK_BANDS, riskBandsSchema, riskLevel } from './risk.ts';

describe('bandsOf', () => {
	it('reads valid bands and falls back to the default when there are none or they are not valid', () => {
		expect(bandsOf({ _id: 'settings:risk', bands: { medium: 3, high: 6, severe: 9 } })).toEqual({
			medium: 3,
			high: 6,
			severe: 9,
		});
		expect(bandsOf(undefined)).toEqual(DEFAULT_RISK_BANDS);
		expect(bandsOf(null)).toEqual(DEFAULT_RISK_BANDS);
		expect(bandsOf({ bands: { medium: 8, high: 4, severe: 12 } })).toEqual(DEFAULT_RISK_BANDS);
		expect(bandsOf({ bands: { medium: 3, high: 6 } })).toEqual(DEFAULT_RISK_BANDS);
		expect(bandsOf({ _deleted: true, bands: { medium: 3, high: 6, severe: 9 } })).toEqual(DEFAULT_RISK_BANDS);
	});
});

describe('bandIssues', () => {
	it('names each rule a threshold breaks, one issue per field', () => {
		expect(bandIssues({ medium: 4, high: 8, severe: 12 })).toEqual([]);
		expect(bandIssues({ medium: null, high: 8, severe: 12 })).toEqual([{ field: 'medium', rule: 'required' }]);
		expect(bandIssues({ medium: Number.NaN, high: 8, severe: 12 })).toEqual([{ field: 'medium', rule: 'required' }]);
		expect(bandIssues({ medium: 4.5, high: 8, severe: 12 })).toEqual([{ field: 'medium', rule: 'integer' }]);
		expect(bandIssues({ medium: 1, high: 8, severe: 17 })).toEqual([
			{ field: 'medium', rule: 'min', limit: 2 },
			{ field: 'severe', rule: 'max', limit: 16 },
		]);
		expect(bandIssues({ medium: 4, high: 4, severe: 12 })).toEqual([{ field: 'high', rule: 'order', below: 'medium' }]);
		expect(bandIssues({ medium: 4, high: 8, severe: 8 })).toEqual([{ field: 'severe', rule: 'order', below: 'high' }]);
		expect(bandIssues({ medium: 9, high: 5, severe: 3 })).toEqual([
			{ field: 'high', rule: 'order', below: 'medium' },
			{ field: 'severe', rule: 'min', limit: 4 },
		]);
	});

	it('finds no issue exactly when the schema accepts the bands', () => {
		const value = fc.oneof(fc.integer({ min: -2, max: 20 }), fc.constant(null), fc.double({ min: 1, max: 17 }));
		fc.assert(
			fc.property(fc.record({ medium: value, high: value, severe: value }), (input) => {
				const accepted = riskBandsSchema.safeParse(input).success;
				expect(bandIssues(input).length === 0).toBe(accepted);
			}),
			{ numRuns: 500 },
		);
	});
});

describe('levelRanges', () => {
	it('splits 1–16 into the four levels, with the cells of the matrix in each', () => {
		expect(levelRanges(DEFAULT_RISK_BANDS)).toEqual([
			{ level: 'low', from: 1, to: 3, cells: 5 },
			{ level: 'medium', from: 4, to: 7, cells: 5 },
			{ level: 'high', from: 8, to: 11, cells: 3 },
			{ level: 'severe', from: 12, to: 16, cells: 3 },
		]);
		// Score 5 is no cell of a 4 × 4 matrix: a level may cover scores but no cell.
		expect(levelRanges({ medium: 5, high: 6, severe: 8 })[1]).toEqual({ level: 'medium', from: 5, to: 5, cells: 0 });
	});

	it('agrees with riskLevel for every cell under any valid bands', () => {
		const bands = fc
			.record({
				medium: fc.integer({ min: 2, max: 14 }),
				high: fc.integer({ min: 3, max: 15 }),
				severe: fc.integer({ min: 4, max: 16 }),
			})
			.filter((b) => riskBandsSchema.safeParse(b).success);
		fc.assert(
			fc.property(bands, (b) => {
				const ranges = levelRanges(b);
				expect(ranges.reduce((n, r) => n + r.cells, 0)).toBe(16);
				for (let p = 1; p <= 4; p++) {
					for (let c = 1; c <= 4; c++) {
						const range = ranges.find((r) => p * c >= r.from && p * c <= r.to);
						expect(range?.level).toBe(riskLevel(p, c, b));
					}
				}
			}),
		);
	});
});
