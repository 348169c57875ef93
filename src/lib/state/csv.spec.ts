import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvFileName, csvText } from './csv.ts';

describe('csvText', () => {
	it('starts with a BOM, separates by ; and CRLF, and quotes only what needs it', () => {
		const text = csvText([
			['Del', 'Text'],
			['Svar', 'Ja; men "trasig", 2,5 m\nandra raden'],
		]);
		expect(text.startsWith('\uFEFFDel;Text\r\n')).toBe(true);
		expect(text).toContain('Svar;"Ja; men ""trasig"", 2,5 m\nandra raden"');
		const parsed = Papa.parse<string[]>(text.slice(1), { delimiter: ';' }).data;
		expect(parsed[1]).toEqual(['Svar', 'Ja; men "trasig", 2,5 m\nandra raden']);
	});
});

describe('csvFileName', () => {
	it('keeps letters without their marks and makes everything else a dash', () => {
		expect(csvFileName('rond', 'Förskolan Ängen/Öst', '2026-11-27', 'enhet')).toBe(
			'rond-Forskolan-Angen-Ost-2026-11-27.csv',
		);
		expect(csvFileName('rond', ' / ', '2026-11-27', 'enhet')).toBe('rond-enhet-2026-11-27.csv');
	});
});
