/**
 * "Allvarlig" means one thing: the legal "allvarlig risk ja/nej" (AFS 2023:1). The risk matrix's
 * consequence levels and risk bands use other words, in both languages (issue 12 item 3).
 */
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { svAll as sv } from './sv-all.ts';

/** Labels of the matrix: consequence levels, risk levels and the band settings that name them. */
const matrixKeys = (catalog: Record<string, string>): string[] =>
	Object.keys(catalog).filter(
		(k) =>
			/^risk\.c\d$/.test(k) ||
			k.startsWith('risk.level.') ||
			k.startsWith('riskSettings.') ||
			k === 'followUp.facts.levels',
	);

describe('the word for a serious risk is kept for the legal yes/no', () => {
	it.each([
		['sv', sv as Record<string, string>, /^\d?\s*allvarlig$/i, /allvarlig/i],
		['en', en as Record<string, string>, /^\d?\s*serious$/i, /serious|severe(?! consequence)/i],
	])('%s: no consequence level is the bare word, no risk level or band uses it', (_, catalog, bare, word) => {
		const keys = matrixKeys(catalog);
		expect(keys.length).toBeGreaterThan(10);
		for (const key of keys.filter((k) => /^risk\.c\d$/.test(k))) expect(catalog[key], key).not.toMatch(bare);
		// Placeholders such as {severe} are names in code, not words people read.
		const text = (key: string) => (catalog[key] ?? '').replace(/\{\w+\}/g, '');
		for (const key of keys.filter((k) => !/^risk\.c\d$/.test(k))) expect(text(key), key).not.toMatch(word);
		// The legal question keeps its word.
		expect(catalog['risk.serious']).toMatch(word);
	});

	it('names the top levels as the issue asks', () => {
		expect(sv['risk.level.severe']).toBe('Mycket hög');
		expect(sv['risk.c4']).toBe('4 Mycket allvarlig konsekvens');
		expect(en['risk.level.severe']).toBe('Very high');
	});
});
