import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDoc, newId } from './index.ts';
import { MAX_DOC_DEPTH, TOO_DEEP_REASON, jsonTooDeep, valueTooDeep } from './nesting.ts';

/** `{"a":{"a":…}}` with `levels` objects. */
function nested(levels: number): Record<string, unknown> {
	let v: Record<string, unknown> = {};
	for (let i = 1; i < levels; i++) v = { a: v };
	return v;
}

describe('nesting', () => {
	it('counts the levels of objects and arrays, in text and in values alike', () => {
		for (const [value, depth] of [
			[1, 0],
			[{}, 1],
			[[1, 2], 1],
			[{ a: [[1]] }, 3],
			[{ a: 'x', b: [{ c: null }], d: {} }, 3],
			[nested(MAX_DOC_DEPTH), MAX_DOC_DEPTH],
		] as const) {
			const text = JSON.stringify(value);
			expect(jsonTooDeep(text, depth), text).toBe(false);
			expect(valueTooDeep(value, depth), text).toBe(false);
			if (depth > 0) {
				expect(jsonTooDeep(text, depth - 1), text).toBe(true);
				expect(valueTooDeep(value, depth - 1), text).toBe(true);
			}
		}
	});

	it('does not count brackets inside strings, escaped quotes included', () => {
		expect(jsonTooDeep(JSON.stringify({ a: '[[[{{{' }), 1)).toBe(false);
		expect(jsonTooDeep(JSON.stringify({ a: 'say "[[[" \\ [' }), 1)).toBe(false);
		expect(jsonTooDeep(JSON.stringify({ a: '\\', b: [[]] }), 2)).toBe(true);
	});

	it('agrees between text and value for any JSON', () => {
		fc.assert(
			fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, max) => {
				expect(jsonTooDeep(JSON.stringify(value), max)).toBe(valueTooDeep(value, max));
			}),
		);
	});

	it('answers for a million nested arrays without overflowing the stack', () => {
		const levels = 1_000_000;
		const text = '['.repeat(levels) + ']'.repeat(levels);
		expect(jsonTooDeep(text, MAX_DOC_DEPTH)).toBe(true);
		const value = JSON.parse(text) as unknown;
		expect(valueTooDeep(value, MAX_DOC_DEPTH)).toBe(true);
		expect(valueTooDeep(value, levels)).toBe(false);
	});

	it('makes checkDoc refuse a deep document by its fixed reason, before anything recursive', () => {
		const now = '2026-11-23T09:00:00.000Z';
		const deep = {
			_id: newId('prereport'),
			type: 'prereport',
			scope: 'unit-a1',
			extra: nested(200_000),
			createdAt: now,
		};
		expect(checkDoc(deep)).toEqual({ ok: false, reason: TOO_DEEP_REASON });
	});
});
