import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
	actionsByFinding,
	roundReport,
	type ActionDoc,
	type AnswerDoc,
	type RoundDoc,
	type TemplateDoc,
} from '../domain/index.ts';
import { findingIdForItem } from '../domain/round-state.ts';
import { en } from '../i18n/en.ts';
import { interpolate, type MessageKey } from '../i18n/i18n.svelte.ts';
import { svAll as sv } from '../i18n/sv-all.ts';
import { reportCsv, reportFileName, reportRows, type ReportWords } from './report-csv.ts';
import { csvWords } from './csv.ts';

const T = '2026-11-23T09:00:00.000Z';
const template: TemplateDoc = {
	_id: 'template:physical.v1',
	type: 'template',
	scope: 'org',
	family: 'physical',
	status: 'published',
	kind: 'physical',
	title: { sv: 'Fysisk skyddsrond', en: 'Physical safety round' },
	version: 3,
	legalRef: 'AFS 2023:1',
	retired: false,
	sections: [
		{
			id: 's1',
			title: { sv: 'Lokaler', en: 'Premises' },
			items: [
				{ id: 'i1', text: { sv: 'Är golven hela; inga "snubbelrisker"?', en: 'Are floors intact?' } },
				{ id: 'i2', text: { sv: 'Fungerar nödutgångarna?', en: 'Do the emergency exits work?' } },
			],
		},
	],
	createdAt: T,
	updatedAt: T,
};
const round: RoundDoc = {
	_id: 'round:r1',
	type: 'round',
	scope: 'unit-a1',
	unitId: 'a1',
	templateId: template._id,
	templateVersion: 3,
	date: '2026-11-23',
	status: 'signed',
	participants: [{ name: 'Åsa Öberg', role: 'other' }],
	createdBy: 'chef',
	createdAt: T,
	updatedAt: T,
};
const answer = (itemId: string, value: AnswerDoc['value'], extra: Partial<AnswerDoc> = {}): AnswerDoc => ({
	_id: `answer:${itemId}-${value}`,
	type: 'answer',
	scope: 'unit-a1',
	roundId: round._id,
	itemId,
	value,
	comment: '',
	fixedOnSite: false,
	fixedNote: '',
	photos: [],
	stamp: '1795424400000-0000-dev',
	answeredAt: T,
	answeredBy: 'chef',
	answeredByName: 'Anna Chef',
	createdAt: T,
	updatedAt: T,
	...extra,
});
const findingId = findingIdForItem(round._id, 'i2');
const reportDocs = {
	round,
	template,
	answers: [
		answer('i1', 'yes', { comment: 'Mattan byttes; nu bra', fixedOnSite: true, fixedNote: 'Tejpade kanten' }),
		answer('i2', 'no'),
	],
	findings: [
		{
			_id: findingId,
			type: 'finding',
			scope: 'unit-a1',
			roundId: round._id,
			itemId: 'i2',
			title: 'Nödutgång blockerad',
			description: 'Kartonger framför dörren',
			category: 'physical',
			location: 'Lager',
			status: 'open',
			createdBy: 'chef',
			createdAt: T,
			updatedAt: T,
		},
	],
	assessments: [
		{
			_id: 'assessment:a1',
			type: 'assessment',
			scope: 'unit-a1',
			findingId,
			roundId: round._id,
			probability: 3,
			consequence: 4,
			serious: true,
			stamp: '1795424400000-0001-dev',
			assessedAt: T,
			assessedBy: 'chef',
			assessedByName: 'Anna Chef',
			createdAt: T,
			updatedAt: T,
		},
	],
	signatures: [
		{
			_id: 'signature:m',
			type: 'signature',
			scope: 'unit-a1',
			roundId: round._id,
			signedBy: 'chef',
			signerName: 'Anna Chef',
			role: 'manager',
			signedAt: '2026-11-23T10:00:00.000Z',
			createdAt: T,
			updatedAt: T,
		},
		{
			_id: 'signature:s',
			type: 'signature',
			scope: 'unit-a1',
			roundId: round._id,
			signedBy: 'skyddsombud',
			signerName: 'Sara Skyddsombud',
			role: 'safety_rep',
			signedAt: '2026-11-23T11:00:00.000Z',
			reservation: 'Dörren måste åtgärdas; i dag',
			createdAt: T,
			updatedAt: T,
		},
	],
	reopenings: [],
} satisfies Parameters<typeof roundReport>[0];
const report = roundReport(reportDocs);

const action = (id: string, extra: Partial<ActionDoc>): ActionDoc => ({
	_id: `action:${id}`,
	type: 'action',
	scope: 'unit-a1',
	unitId: 'a1',
	source: 'finding',
	findingId,
	area: 'Nödutgång blockerad',
	plannedAction: 'Flytta kartongerna; märk golvet',
	desiredResult: '',
	responsible: 'Anna Chef',
	start: null,
	due: '2026-12-01',
	done: null,
	followUp: null,
	result: '',
	comment: '',
	estimatedCost: null,
	status: 'planned',
	createdAt: T,
	updatedAt: T,
	...extra,
});
// A first action that was not effective and the one that follows it (made later, no date yet).
const actions = actionsByFinding([
	action('2', {
		follows: 'action:1',
		plannedAction: 'Sätt upp ett skåp',
		due: null,
		createdAt: '2026-12-05T09:00:00.000Z',
	}),
	action('1', { status: 'effect_checked', effective: false, result: 'Kartonger igen', followUp: '2026-12-04' }),
]);

const words = (locale: 'sv' | 'en'): ReportWords => {
	const tag = locale === 'sv' ? 'sv-SE' : 'en-GB';
	const catalog = locale === 'sv' ? sv : en;
	return {
		locale,
		t: (key: MessageKey, params?: Record<string, string | number>) => interpolate(catalog[key], params),
		date: (v) => new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(v)),
		dateTime: (v) =>
			new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(v)),
		number: (v) => new Intl.NumberFormat(tag).format(v),
	};
};

describe('reportCsv', () => {
	it('starts with a UTF-8 byte-order mark and separates fields with ; for Swedish Excel', () => {
		const csv = reportCsv(report, words('sv'), 'Enhet A1');
		expect(csv.charCodeAt(0)).toBe(0xfeff);
		expect(csv.slice(1).split('\r\n')[0]).toBe(
			'Del;Nr;Rubrik;Värde;Kommentar;Åtgärdat direkt;Allvarlig risk;Av;Tid;Åtgärder',
		);
	});

	it('holds the round, every answer, the finding with its risk in words, and both signatures with the reservation', () => {
		const csv = reportCsv(report, words('sv'), 'Enhet A1');
		const parsed = Papa.parse<string[]>(csv.slice(1), { delimiter: ';' }).data;
		expect(parsed).toEqual(reportRows(report, words('sv'), 'Enhet A1'));
		const byPart = (part: string) => parsed.filter((r) => r[0] === part);
		expect(byPart('Rond').map((r) => [r[2], r[3]])).toEqual([
			['Enhet', 'Enhet A1'],
			['Datum', '23 november 2026'],
			['Mall', 'Fysisk skyddsrond'],
			['Mallversion', '3'],
			['Status', 'Signerad'],
			['Deltagare', 'Åsa Öberg'],
		]);
		expect(byPart('Fråga')).toEqual([
			[
				'Fråga',
				'1',
				'Är golven hela; inga "snubbelrisker"?',
				'Ja',
				'Mattan byttes; nu bra',
				'Tejpade kanten',
				'',
				'Anna Chef',
				'23 nov. 2026 09:00',
				'',
			],
			['Fråga', '2', 'Fungerar nödutgångarna?', 'Nej', '', '', '', 'Anna Chef', '23 nov. 2026 09:00', ''],
		]);
		expect(byPart('Iakttagelse')).toEqual([
			[
				'Iakttagelse',
				'1',
				'Nödutgång blockerad',
				'Mycket hög (12 av 16)',
				'Kartonger framför dörren – Lager',
				'',
				'ja',
				'Anna Chef',
				'23 nov. 2026 09:00',
				'',
			],
		]);
		expect(byPart('Underskrift').map((r) => [r[2], r[3], r[4]])).toEqual([
			['Anna Chef', 'chef', ''],
			['Sara Skyddsombud', 'skyddsombud', 'Reservation: Dörren måste åtgärdas; i dag'],
		]);
	});

	it("lists each finding's actions in the last column, a chain in order, with status and due date", () => {
		const csv = reportCsv(report, words('sv'), 'Enhet A1', actions);
		const parsed = Papa.parse<string[]>(csv.slice(1), { delimiter: ';' }).data;
		expect(parsed).toEqual(reportRows(report, words('sv'), 'Enhet A1', actions));
		expect(parsed.every((r) => r.length === 10)).toBe(true);
		const finding = parsed.find((r) => r[0] === 'Iakttagelse');
		// The columns before it are as without actions.
		expect(finding?.slice(0, 9)).toEqual(
			reportRows(report, words('sv'), 'Enhet A1')
				.find((r) => r[0] === 'Iakttagelse')
				?.slice(0, 9),
		);
		expect(finding?.[9]).toBe(
			'Flytta kartongerna; märk golvet (Effekt kontrollerad, klart senast 1 december 2026); Sätt upp ett skåp (Planerad)',
		);
		expect(parsed.filter((r) => r[0] !== 'Iakttagelse' && r[0] !== 'Del').every((r) => r[9] === '')).toBe(true);
		const en = reportRows(report, words('en'), 'Unit A1', actions);
		expect(en[0]?.[9]).toBe('Actions');
		expect(en.find((r) => r[0] === 'Finding')?.[9]).toBe(
			'Flytta kartongerna; märk golvet (Effect checked, due 1 December 2026); Sätt upp ett skåp (Planned)',
		);
	});

	it('quotes fields that hold the separator or quotes, so they survive a round trip', () => {
		const csv = reportCsv(report, words('sv'), 'Enhet A1');
		expect(csv).toContain('"Är golven hela; inga ""snubbelrisker""?"');
	});

	it('follows the language: English labels and English dates', () => {
		const rows = reportRows(report, words('en'), 'Unit A1');
		expect(rows[0]?.[0]).toBe('Part');
		expect(rows.find((r) => r[0] === 'Finding')?.[3]).toBe('Very high (12 of 16)');
		expect(rows.find((r) => r[2] === 'Date')?.[3]).toBe('23 November 2026');
	});

	it("gives the finding's level by the organisation's bands, not the default ones", () => {
		const lenient = roundReport({ ...reportDocs, bands: { medium: 13, high: 14, severe: 15 } });
		expect(reportRows(lenient, words('sv'), 'Enhet A1').find((r) => r[0] === 'Iakttagelse')?.[3]).toBe(
			'Låg (12 av 16)',
		);
		const strict = roundReport({ ...reportDocs, bands: { medium: 2, high: 3, severe: 4 } });
		expect(strict.findings[0]?.risk?.level).toBe('severe');
	});

	it('writes ISO dates and times, and names people (not accounts) in signature rows', () => {
		const rows = reportRows(report, csvWords(words('sv')), 'Enhet A1', actions);
		expect(rows.find((r) => r[2] === 'Datum')?.[3]).toBe('2026-11-23');
		const time = rows.find((r) => r[0] === 'Fråga')?.[8] ?? '';
		expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
		expect(Date.parse(time)).toBe(Date.parse(T));
		expect(rows.find((r) => r[0] === 'Iakttagelse')?.[9]).toContain('klart senast 2026-12-01');
		const signatures = rows.filter((r) => r[0] === 'Underskrift');
		expect(signatures.map((r) => r[7])).toEqual(['Anna Chef', 'Sara Skyddsombud']);
		for (const r of signatures) expect(r[8]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
	});

	it('keeps grading a signed round by the bands it was signed with, whatever the organisation’s become', () => {
		const signedWith = { ...reportDocs, round: { ...round, bands: { medium: 4, high: 8, severe: 12 } } };
		const lenient = { medium: 13, high: 14, severe: 15 };
		const kept = roundReport({ ...signedWith, bands: lenient });
		expect(kept.findings[0]?.risk?.level).toBe('severe');
		expect(reportRows(kept, words('sv'), 'Enhet A1').find((r) => r[0] === 'Iakttagelse')?.[3]).toBe(
			'Mycket hög (12 av 16)',
		);
		// Reopened, the round is graded by the bands in force again (it will be signed anew).
		const reopened = roundReport({
			...signedWith,
			round: { ...signedWith.round, status: 'in_progress' },
			bands: lenient,
		});
		expect(reopened.findings[0]?.risk?.level).toBe('low');
	});

	it('names the file by unit and date without unsafe characters', () => {
		expect(reportFileName('Enhet Å/Ö 1', '2026-11-23')).toBe('rond-Enhet-A-O-1-2026-11-23.csv');
	});
});
