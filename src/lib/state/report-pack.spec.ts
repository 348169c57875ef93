import { describe, expect, it } from 'vitest';
import { emptyNow, emptyYear, type StatsDoc, type SurveyResultDoc } from '../domain/index.ts';
import {
	keyFigures,
	latestResult,
	periodYears,
	requestFigures,
	seriousRisks,
	surveyHighlights,
	type PackLabels,
	type SurveyHighlightLabels,
} from './report-pack.ts';

const T = '2026-11-01T10:00:00.000Z';
const l = new Proxy({}, { get: (_, k) => String(k) }) as PackLabels & SurveyHighlightLabels;

function stats(unitId: string, parentId: string | null, serious: StatsDoc['serious'] = []): StatsDoc {
	const y2025 = { ...emptyYear(), actionsDone: 2, doneDays: { '10': 2 }, requests: 1 };
	const y2026 = { ...emptyYear(), actionsDone: 1, doneDays: { '3': 1 }, requests: 2, workstops: 1 };
	y2026.rounds.physical = { planned: 3, walked: 2, signed: 1 };
	const now = { ...emptyNow(), seriousOpen: serious.length, requestsOpen: 1 };
	return {
		_id: `stats:${unitId}`,
		scope: 'reports',
		type: 'stats',
		unitId,
		parentId,
		name: `Enhet ${unitId}`,
		asOf: '2026-11-30',
		own: { now, years: { '2025': y2025, '2026': y2026 } },
		subtree: { now, years: { '2025': y2025, '2026': y2026 } },
		serious,
		overdueKinds: [],
		createdAt: T,
		updatedAt: T,
	};
}
const risk = (findingId: string, foundOn: string): StatsDoc['serious'][number] => ({
	findingId,
	title: findingId,
	category: 'physical',
	level: 'high',
	foundOn,
	actions: [],
});

describe('the printed pack', () => {
	it('counts the whole calendar years a period touches', () => {
		expect(periodYears('2025-06-01', '2026-05-31')).toEqual(['2025', '2026']);
		const one = keyFigures(stats('a1', 'avd-a'), ['2026'], l);
		const two = keyFigures(stats('a1', 'avd-a'), ['2025', '2026'], l);
		const value = (t: typeof one, k: string) => t.rows.find((r) => r.figure === k)?.value;
		expect(value(one, 'actionsDone')).toBe(1);
		expect(value(two, 'actionsDone')).toBe(3);
		// The median of the period's days to done, from the added histograms: 3, 10, 10.
		expect(value(two, 'medianDays')).toBe(10);
		expect(value(one, 'roundsWalked')).toBe(2);
		expect(value(one, 'roundsSigned')).toBe(1);
		const req = requestFigures(stats('a1', 'avd-a'), ['2025', '2026'], l);
		expect(req.rows.map((r) => [r.figure, r.value])).toEqual([
			['requestsFiled', 3],
			['requestsOpen', 1],
			['requestsOverdue', 0],
			['workstops', 1],
			['workstopsOpen', 0],
		]);
	});

	it('lists the serious open risks of the part and the units below, oldest first', () => {
		const all = [
			stats('avd-a', 'forv', [risk('f-dept', '2026-05-01')]),
			stats('a1', 'avd-a', [risk('f-a1', '2026-01-01')]),
			stats('b1', 'avd-b', [risk('f-b1', '2025-01-01')]),
		];
		expect(seriousRisks(all, 'avd-a').map((r) => [r.findingId, r.unitName])).toEqual([
			['f-a1', 'Enhet a1'],
			['f-dept', 'Enhet avd-a'],
		]);
		expect(seriousRisks(all, 'a1').map((r) => r.findingId)).toEqual(['f-a1']);
	});

	it('survey highlights of the latest campaign keep a suppressed figure null', () => {
		const result = (campaignId: string, responses: number | null): SurveyResultDoc => {
			const f = {
				eligible: 4,
				responses,
				questions: {},
				hme: responses === null ? null : { index: 70, motivation: 71, leadership: 69, governance: 70 },
			};
			return {
				_id: `surveyresult:${campaignId}.a2`,
				scope: 'reports',
				type: 'surveyresult',
				campaignId: `campaign:${campaignId}`,
				surveyId: 'survey:hme.v1',
				unitId: 'a2',
				parentUnitId: 'avd-a',
				groupUnits: ['a2'],
				group: f,
				subtree: f,
				previousCampaignId: null,
				asOf: '2026-11-01',
				createdAt: T,
				updatedAt: T,
			};
		};
		const closes: Record<string, string> = { 'campaign:old': '2025-10-31', 'campaign:new': '2026-10-31' };
		const latest = latestResult([result('old', 5), result('new', null)], 'a2', (id) => closes[id]);
		expect(latest?.campaignId).toBe('campaign:new');
		const t = surveyHighlights(latest!, 'HME', l);
		expect(t.rows.map((r) => [r.figure, r.value])).toEqual([
			['eligible', 4],
			['responses', null],
			['rate', null],
			['index', null],
			['motivation', null],
			['leadership', null],
			['governance', null],
		]);
	});
});
