import { describe, expect, it } from 'vitest';
import { starterSurveys } from './starter-surveys.ts';
import type { SurveyDoc, TreeUnit } from './surveys.ts';
import {
	SURVEY_RULE_REASONS,
	campaignChangeRefusal,
	earlierSurveyIds,
	isAnonDatabase,
	surveyChangeRefusal,
	unchangedSurveyRefusal,
} from './surveys.ts';

const NOW = '2026-03-01T09:00:00.000Z';
const hme = starterSurveys(NOW)[3] as SurveyDoc;
const draftV2: SurveyDoc = { ...structuredClone(hme), _id: 'survey:hme.v2', version: 2, status: 'draft' };

describe('survey versions', () => {
	it('keep a published version as it is, except retiring it', () => {
		expect(surveyChangeRefusal(hme, { ...hme, retired: true })).toBeUndefined();
		expect(surveyChangeRefusal(hme, { ...hme, k: 6 })).toBe(SURVEY_RULE_REASONS.publishedSurvey);
		expect(surveyChangeRefusal(hme, { ...hme, status: 'draft' })).toBe(SURVEY_RULE_REASONS.publishedSurvey);
		expect(surveyChangeRefusal(hme, { _id: hme._id, _deleted: true })).toBe(SURVEY_RULE_REASONS.publishedSurvey);
		expect(surveyChangeRefusal(hme, { ...hme, version: 3 })).toBe(SURVEY_RULE_REASONS.surveyKeepsVersion);
		// A draft is free, and so is a new document.
		expect(surveyChangeRefusal(draftV2, { ...draftV2, k: 7 })).toBeUndefined();
		expect(surveyChangeRefusal(undefined, hme)).toBeUndefined();
	});

	it('refuse publishing a draft that says what the latest published version says', () => {
		const publishing = { ...draftV2, status: 'published' };
		expect(earlierSurveyIds(publishing, draftV2)).toEqual(['survey:hme.v1']);
		expect(unchangedSurveyRefusal(publishing, draftV2, [hme])).toBe(SURVEY_RULE_REASONS.unchangedSurvey);
		expect(unchangedSurveyRefusal({ ...publishing, k: 7 }, draftV2, [hme])).toBeUndefined();
		// Saving the draft is not publishing it.
		expect(unchangedSurveyRefusal(draftV2, draftV2, [hme])).toBeUndefined();
	});
});

describe('campaigns', () => {
	const units: TreeUnit[] = [
		{ id: 'forv', parentId: null },
		{ id: 'a1', parentId: 'forv' },
		{ id: 'a2', parentId: 'forv' },
	];
	const campaign = {
		type: 'campaign',
		surveyId: hme._id,
		targetUnitId: 'forv',
		opensOn: '2026-03-10',
		closesOn: '2026-03-20',
		k: 5,
	};
	const judge = (over: Partial<Parameters<typeof campaignChangeRefusal>[0]> = {}) =>
		campaignChangeRefusal({
			stored: undefined,
			incoming: campaign,
			survey: hme,
			units,
			targetPeople: { a1: 12, a2: 4 },
			today: '2026-03-01',
			...over,
		});

	it('need a published survey that is not retired, k at least its k, and a target with k people', () => {
		expect(judge()).toBeUndefined();
		expect(judge({ survey: undefined })).toBe(SURVEY_RULE_REASONS.campaignSurvey);
		expect(judge({ survey: { ...hme, retired: true } })).toBe(SURVEY_RULE_REASONS.campaignSurvey);
		expect(judge({ survey: draftV2 })).toBe(SURVEY_RULE_REASONS.campaignSurvey);
		expect(judge({ incoming: { ...campaign, k: 4 } })).toBe(SURVEY_RULE_REASONS.campaignK);
		expect(judge({ incoming: { ...campaign, targetUnitId: 'gone' } })).toBe(SURVEY_RULE_REASONS.campaignTarget);
		expect(judge({ incoming: { ...campaign, targetUnitId: 'a2' } })).toBe(SURVEY_RULE_REASONS.campaignTooFew);
		expect(judge({ incoming: { ...campaign, k: 17 } })).toBe(SURVEY_RULE_REASONS.campaignTooFew);
	});

	it('keep target, survey and k once open, and are not deleted then; dates may move', () => {
		const open = { today: '2026-03-10', stored: campaign };
		expect(judge({ ...open, incoming: { ...campaign, closesOn: '2026-03-25' } })).toBeUndefined();
		expect(judge({ ...open, incoming: { ...campaign, cancelled: true } })).toBeUndefined();
		for (const change of [{ targetUnitId: 'a1' }, { k: 6 }, { surveyId: 'survey:hme.v2' }]) {
			expect(judge({ ...open, incoming: { ...campaign, ...change } })).toBe(SURVEY_RULE_REASONS.campaignFixed);
		}
		expect(judge({ ...open, incoming: { _deleted: true } })).toBe(SURVEY_RULE_REASONS.campaignDeleted);
		// Before it opens, all may change (and it is judged afresh).
		expect(judge({ stored: campaign, incoming: { ...campaign, targetUnitId: 'a1' } })).toBeUndefined();
		expect(judge({ stored: campaign, incoming: { _deleted: true } })).toBeUndefined();
	});
});

describe('anonymous databases', () => {
	it('are anon- names that are no scope and no path', () => {
		expect(isAnonDatabase('anon-keys')).toBe(true);
		expect(isAnonDatabase('anon-../../etc')).toBe(false);
		expect(isAnonDatabase('unit-anon-keys')).toBe(false);
		expect(isAnonDatabase('org')).toBe(false);
	});
});
