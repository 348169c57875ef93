import { describe, expect, it } from 'vitest';
import { interpolate, type MessageKey } from '../i18n/i18n.svelte.ts';
import { svAll as sv } from '../i18n/sv-all.ts';
import { historyValue, type HistoryNames } from './action-history.ts';

const words = {
	t: (key: MessageKey, params?: Record<string, string | number>) => interpolate(sv[key], params),
	date: (v: string) => `date ${v}`,
	number: (v: number) => `n${v}`,
};
const names: HistoryNames = {
	person: (account) => ({ chef: 'Anna Chef' })[account],
	finding: (id) => ({ 'finding:f1': 'Nödutgång blockerad' })[id],
	action: (id) => ({ 'action:a0': 'Belysning i trapphuset' })[id],
};

describe('historyValue', () => {
	it('names people and documents, never their internal ids', () => {
		expect(historyValue('responsibleUser', 'chef', words, names)).toBe('Anna Chef');
		expect(historyValue('findingId', 'finding:f1', words, names)).toBe('iakttagelsen ”Nödutgång blockerad”');
		expect(historyValue('follows', 'action:a0', words, names)).toBe('åtgärden ”Belysning i trapphuset”');
		// Not on the device: said in words, still no id.
		for (const [field, id] of [
			['responsibleUser', 'gone-account'],
			['findingId', 'finding:zz'],
			['follows', 'action:zz'],
		] as const) {
			const text = historyValue(field, id, words, names);
			expect(text).not.toContain(id);
			expect(text.length).toBeGreaterThan(3);
		}
	});

	it('keeps the other values in words: status, dates, numbers, yes/no, empty', () => {
		expect(historyValue('status', 'in_progress', words, names)).toBe(sv['actions.status.in_progress']);
		expect(historyValue('due', '2026-12-01', words, names)).toBe('date 2026-12-01');
		expect(historyValue('estimatedCost', 1200, words, names)).toBe('n1200');
		expect(historyValue('effective', true, words, names)).toBe('ja');
		expect(historyValue('comment', '', words, names)).toBe('(tomt)');
		expect(historyValue('plannedAction', 'Byt lampor', words, names)).toBe('Byt lampor');
	});
});
