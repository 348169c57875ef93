import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { exportFileName, reportCsv, reportXlsx, type ExportWords } from './report-export.ts';
import type { ReportTable } from './report-table.ts';

const words: ExportWords = { suppressed: 'för få svar', number: (n) => String(n).replace('.', ',') };

/** A 4-respondent group beside a shown one: its figures are null (suppressed). */
const table: ReportTable = {
	name: 'deltagande-Enhet Å1',
	title: 'Deltagande',
	columns: [
		{ key: 'group', label: 'Grupp' },
		{ key: 'eligible', label: 'Antal i gruppen', numeric: true },
		{ key: 'responses', label: 'Svar', numeric: true },
		{ key: 'mean', label: 'Medel', numeric: true },
	],
	rows: [
		{ group: 'Enhet A1', eligible: 12, responses: 9, mean: 3.5 },
		{ group: 'Enhet A2', eligible: 4, responses: null, mean: null },
		{ group: '=HYPERLINK("x")', eligible: 0, responses: 0, mean: null },
	],
};

describe('reportCsv', () => {
	it('writes the suppressed text, never a number, for a suppressed cell', () => {
		const text = reportCsv(table, words);
		expect(text.startsWith('\uFEFF')).toBe(true);
		const rows = Papa.parse<string[]>(text.slice(1), { delimiter: ';' }).data;
		expect(rows[0]).toEqual(['Grupp', 'Antal i gruppen', 'Svar', 'Medel']);
		expect(rows[1]).toEqual(['Enhet A1', '12', '9', '3,5']);
		expect(rows[2]).toEqual(['Enhet A2', '4', 'för få svar', 'för få svar']);
		// A text cell that a spreadsheet would run is neutralised, as in every export.
		expect(rows[3]?.[0]).toBe('\'=HYPERLINK("x")');
	});
});

describe('reportXlsx', () => {
	it('writes numbers as numbers and a suppressed cell as the suppressed text', async () => {
		const bytes = await reportXlsx(table, words);
		const book = new ExcelJS.Workbook();
		await book.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
		const sheet = book.worksheets[0];
		expect(sheet?.name).toBe('Deltagande');
		const values = (n: number) => (sheet?.getRow(n).values as unknown[]).slice(1);
		expect(values(1)).toEqual(['Deltagande']);
		expect(values(2)).toEqual(['Grupp', 'Antal i gruppen', 'Svar', 'Medel']);
		expect(values(3)).toEqual(['Enhet A1', 12, 9, 3.5]);
		expect(values(4)).toEqual(['Enhet A2', 4, 'för få svar', 'för få svar']);
		// A formula-looking text is a string cell, not a formula.
		expect(sheet?.getRow(5).getCell(1).type).toBe(ExcelJS.ValueType.String);
	});
});

describe('exportFileName', () => {
	it('is safe on every system', () => {
		expect(exportFileName(table, '2026-12-01', 'xlsx')).toBe('deltagande-Enhet-A1-2026-12-01.xlsx');
	});
});
