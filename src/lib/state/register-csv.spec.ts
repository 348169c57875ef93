import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { RequestDoc, WorkstopDoc } from '../domain/index.ts';
import { en } from '../i18n/en.ts';
import { interpolate, type MessageKey } from '../i18n/i18n.svelte.ts';
import { svAll as sv } from '../i18n/sv-all.ts';
import type { ReportWords } from './report-csv.ts';
import { registerCsv, registerFileName, registerRows, requestStatusParts, workstopStatus } from './register-csv.ts';

const T = '2026-11-23T09:00:00.000Z';
const words = (locale: 'sv' | 'en'): ReportWords => ({
	locale,
	t: (key: MessageKey, params?: Record<string, string | number>) =>
		interpolate((locale === 'sv' ? sv : en)[key], params),
	date: (v) => v.slice(0, 10),
	dateTime: (v) => v.slice(0, 16).replace('T', ' '),
	number: (n) => String(n),
});
const request = (extra: Partial<RequestDoc> = {}): RequestDoc => ({
	_id: 'request:r1',
	type: 'request',
	scope: 'unit-a1',
	unitId: 'a1',
	kind: 'measures',
	subject: 'Trasig belysning; "trapphus B"',
	description: 'Lysrören är trasiga.\nDet är mörkt.',
	location: 'Trapphus B',
	requestedMeasures: 'Byt armaturerna.',
	replyBy: '2026-12-07',
	filedAt: T,
	filedBy: 'skyddsombud',
	filedByName: 'Sara Skyddsombud',
	createdAt: T,
	updatedAt: T,
	...extra,
});
const stop: WorkstopDoc = {
	_id: 'workstop:w1',
	type: 'workstop',
	scope: 'unit-a1',
	unitId: 'a1',
	stoppedAt: '2026-11-25T13:30:00.000Z',
	work: 'Takarbete, hus C',
	reason: 'Fallskydd saknas.',
	recordedAt: T,
	recordedBy: 'skyddsombud',
	recordedByName: 'Sara Skyddsombud',
	authorityAsked: true,
	createdAt: T,
	updatedAt: T,
};

describe('status sentences', () => {
	it('says overdue in words, with the date, and what is still missing', () => {
		expect(requestStatusParts(request(), '2026-12-08', words('sv'))).toEqual([
			'Försenad: svar skulle ha lämnats senast 2026-12-07',
			'Mottagandet är inte bekräftat',
		]);
		const escalation = { at: T, by: 'skyddsombud', byName: 'Sara', note: '' };
		expect(requestStatusParts(request({ escalation }), '2026-12-01', words('en'))).toEqual([
			'Waiting for an answer, due by 2026-12-07',
			'Receipt not confirmed',
			'The safety rep has turned to the Swedish Work Environment Authority',
		]);
		const answer = {
			at: T,
			by: 'chef',
			byName: 'Anna Chef',
			decision: 'rejected' as const,
			text: 'Nej',
			actionIds: [],
		};
		expect(requestStatusParts(request({ answer }), '2027-01-01', words('sv'))).toEqual([
			'Besvarad 2026-11-23: Begäran tillgodoses inte',
		]);
		expect(workstopStatus(stop, words('sv'))).toBe('Arbetet är stoppat');
	});
});

describe('register CSV', () => {
	it('has one row per request and work stop, quotes what needs it, and starts with a BOM', () => {
		const rows = registerRows([request()], [stop], '2026-12-08', words('sv'));
		expect(rows).toHaveLength(3);
		expect(rows[0]?.[0]).toBe('Del');
		expect(rows[1]?.slice(0, 3)).toEqual([
			'Begäran 6 kap. 6 a §',
			'Trasig belysning; "trapphus B"',
			'Begäran om åtgärder',
		]);
		expect(rows[2]?.[10]).toBe('Arbetsmiljöverket har ombetts ta ställning');
		const csv = registerCsv([request()], [stop], '2026-12-08', words('sv'));
		expect(csv.startsWith('\uFEFFDel;')).toBe(true);
		const parsed = Papa.parse<string[]>(csv.slice(1), { delimiter: ';' });
		expect(parsed.data[1]?.[1]).toBe('Trasig belysning; "trapphus B"');
		expect(parsed.data[1]?.[3]).toContain('Det är mörkt.');
		expect(registerFileName('Enhet Å1', '2026-12-08')).toBe('skyddsombud-register-Enhet-A1-2026-12-08.csv');
	});
});
