import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { ActionDoc, PlanRow } from '../domain/index.ts';
import { en } from '../i18n/en.ts';
import { interpolate, type MessageKey } from '../i18n/i18n.svelte.ts';
import { svAll as sv } from '../i18n/sv-all.ts';
import { planCsv, planCsvRows, planFileName } from './plan-csv.ts';
import type { ReportWords } from './report-csv.ts';

const T = '2026-11-23T09:00:00.000Z';
const words = (locale: 'sv' | 'en'): ReportWords => ({
	locale,
	t: (key: MessageKey, params) => interpolate((locale === 'sv' ? sv : en)[key], params),
	date: (d) => d,
	dateTime: (d) => d,
	number: (n) => String(n),
});
const action = (overrides: Partial<ActionDoc> = {}): ActionDoc => ({
	_id: 'action:1',
	type: 'action',
	scope: 'unit-a1',
	unitId: 'a1',
	source: 'finding',
	findingId: 'finding:1',
	area: 'Trappan; "lösa" mattor',
	plannedAction: 'Byt mattor\nSätt upp skylt',
	desiredResult: 'Ingen halkar',
	responsible: 'Anna Chef',
	responsibleUser: 'chef',
	start: '2026-11-23',
	due: '2026-12-01',
	done: '2026-11-30',
	followUp: '2027-01-15',
	result: '',
	comment: 'Beställt',
	estimatedCost: 2500,
	status: 'done',
	createdAt: T,
	updatedAt: T,
	...overrides,
});

describe('action plan CSV', () => {
	it('starts with the columns of the printed plan, in Swedish and English', () => {
		const rows: PlanRow[] = [{ action: action(), level: 'high' }];
		expect(planCsvRows(rows, words('sv'))[0]?.slice(0, 6)).toEqual([
			'Identifierat område eller risk',
			'Planerad åtgärd',
			'Önskat resultat',
			'Ansvarig',
			'Genomfört datum',
			'Uppföljningsdatum',
		]);
		expect(planCsvRows(rows, words('en'))[1]).toEqual([
			'Trappan; "lösa" mattor',
			'Byt mattor\nSätt upp skylt',
			'Ingen halkar',
			'Anna Chef',
			'2026-11-30',
			'2027-01-15',
			'Done',
			'High',
			'2026-11-23',
			'2026-12-01',
			'2500',
			'',
			'Beställt',
		]);
	});

	it('is read back unchanged by a CSV parser: BOM, semicolons, quotes and line breaks', () => {
		const rows: PlanRow[] = [
			{ action: action(), level: undefined },
			{ action: action({ _id: 'action:2', status: 'postponed', postponeReason: 'Budget', done: null }), level: 'low' },
		];
		const text = planCsv(rows, words('sv'));
		expect(text.startsWith('\uFEFFIdentifierat område eller risk;')).toBe(true);
		const parsed = Papa.parse<string[]>(text.slice(1), { delimiter: ';' }).data.filter((r) => r.length > 1);
		expect(parsed).toEqual(planCsvRows(rows, words('sv')));
		expect(parsed[2]?.[12]).toBe('Beställt – Uppskjuten: Budget');
	});

	it('names the file by unit and date', () => {
		expect(planFileName('Enhet Å/1', '2026-11-23')).toBe('handlingsplan-Enhet-A-1-2026-11-23.csv');
	});
});
