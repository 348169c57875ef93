/** A report table's cells as shown: numbers in the reader's locale, a missing figure as the placeholder. */
import { describe, expect, it } from 'vitest';
import { cellText } from './report-table.ts';

const sv = { number: (n: number) => new Intl.NumberFormat('sv-SE').format(n) };
const en = { number: (n: number) => new Intl.NumberFormat('en-GB').format(n) };

describe('cellText', () => {
	it('formats numbers in the locale and keeps text as it is', () => {
		expect(cellText(12345, sv, '–')).toBe('12\u00a0345');
		expect(cellText(12345, en, '–')).toBe('12,345');
		expect(cellText(0, sv, '–')).toBe('0');
		expect(cellText('Enhet A1', sv, '–')).toBe('Enhet A1');
	});

	it('shows the placeholder for a missing figure, never a zero', () => {
		expect(cellText(null, sv, '–')).toBe('–');
		expect(cellText(undefined, sv, '–')).toBe('–');
		expect(cellText('', sv, '–')).toBe('–');
	});
});
