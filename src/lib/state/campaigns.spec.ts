/**
 * HR's campaigns (issue 13): the form's problems tied to their fields (k below the survey's is
 * refused before anything is stored), a campaign written through the outbox, dates moved only
 * before opening, cancelling; the org tree as targets; which campaigns a manager follows.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDoc } from '../db/docs-repo.ts';
import type { UnitDoc } from '../domain/index.ts';
import { starterSurveys } from '../domain/starter-surveys.ts';
import { campaignDocSchema, type CampaignDoc, type SurveyDoc } from '../domain/surveys.ts';
import {
	campaignLink,
	campaignProblems,
	Campaigns,
	campaignsFor,
	targetUnits,
	type CampaignFields,
} from './campaigns.ts';
import { HR, MANAGER_A1, testCollaborators, type TestCollaborators } from './test-collaborators.ts';

// 09:00 UTC is 10:00 in Stockholm: the Swedish day is the 23rd.
const NOW = new Date('2026-11-23T09:00:00.000Z');
const [threat, , , hme] = starterSurveys(NOW.toISOString()) as [SurveyDoc, SurveyDoc, SurveyDoc, SurveyDoc];

const unit = (id: string, name: string, parent: string | null): UnitDoc => ({
	_id: `unit:${id}`,
	type: 'unit',
	scope: 'org',
	name,
	parentId: parent ? `unit:${parent}` : null,
	level: 'unit',
	createdAt: NOW.toISOString(),
	updatedAt: NOW.toISOString(),
});
const UNITS = [
	unit('a2', 'Enhet A2', 'avd-a'),
	unit('forv', 'Förvaltningen', null),
	unit('avd-b', 'Avdelning B', 'forv'),
	unit('a1', 'Enhet A1', 'avd-a'),
	unit('avd-a', 'Avdelning A', 'forv'),
	unit('b1', 'Enhet B1', 'avd-b'),
];

let c: TestCollaborators;
let campaigns: Campaigns;
beforeEach(() => {
	c = testCollaborators(HR, NOW);
	campaigns = new Campaigns(c);
});
afterEach(() => c.db.close());

const fields = (over: Partial<CampaignFields> = {}): CampaignFields => ({
	surveyId: threat._id,
	targetUnitId: 'avd-a',
	opensOn: '2026-11-23',
	closesOn: '2026-12-06',
	k: '8',
	supportContact: 'Företagshälsovården, 010-123 45 67',
	...over,
});

describe('campaignProblems', () => {
	it('refuses k below the survey’s own, tied to the k field, and accepts the floor itself', () => {
		expect(campaignProblems(fields({ k: '7' }), threat, '2026-11-23')).toEqual([
			{ field: 'c-k', message: expect.stringMatching(/från 8 till 100/) as unknown as string },
		]);
		expect(campaignProblems(fields({ k: '2.5' }), threat, '2026-11-23').map((p) => p.field)).toEqual(['c-k']);
		expect(campaignProblems(fields(), threat, '2026-11-23')).toEqual([]);
	});

	it('names every missing field at once, in the form’s order', () => {
		const empty = { surveyId: '', targetUnitId: '', opensOn: '', closesOn: '', k: '', supportContact: ' ' };
		expect(campaignProblems(empty, undefined, '2026-11-23').map((p) => p.field)).toEqual([
			'c-survey',
			'c-target',
			'c-opens',
			'c-closes',
			'c-k',
			'c-support',
		]);
	});

	it('refuses opening before today and closing before opening', () => {
		const problems = campaignProblems(fields({ opensOn: '2026-11-22', closesOn: '2026-11-21' }), threat, '2026-11-23');
		expect(problems.map((p) => p.field)).toEqual(['c-opens', 'c-closes']);
	});
});

describe('Campaigns', () => {
	it('takes today as the Swedish day, not UTC', () => {
		const late = testCollaborators(HR, new Date('2026-11-23T23:30:00.000Z'));
		expect(new Campaigns(late).today).toBe('2026-11-24');
		late.db.close();
	});

	it('writes a valid campaign through the outbox, named by the signed-in person', async () => {
		const result = await campaigns.create(fields({ k: '9' }), [threat, hme]);
		if (!('campaign' in result)) throw new Error('refused');
		const stored = await getDoc(c.db, result.campaign._id);
		expect(campaignDocSchema.safeParse(stored).success).toBe(true);
		expect(stored).toMatchObject({ k: 9, createdBy: 'hr', cancelled: false, targetUnitId: 'avd-a' });
		expect(await c.db.outbox.get(result.campaign._id)).toBeDefined();
	});

	it('stores nothing when k is below the survey’s floor or the survey is a draft', async () => {
		const low = await campaigns.create(fields({ k: '5' }), [threat]);
		expect('problems' in low && low.problems.map((p) => p.field)).toEqual(['c-k']);
		const draft = await campaigns.create(fields(), [{ ...threat, status: 'draft' }]);
		expect('problems' in draft && draft.problems.map((p) => p.field)).toEqual(['c-survey']);
		expect(await c.db.outbox.count()).toBe(0);
	});

	it('moves the dates of an upcoming campaign only, and cancels', async () => {
		const result = await campaigns.create(fields({ opensOn: '2026-11-30', closesOn: '2026-12-10' }), [threat]);
		if (!('campaign' in result)) throw new Error('refused');
		expect(campaigns.phase(result.campaign)).toBe('upcoming');
		expect(await campaigns.moveDates(result.campaign, '2026-12-01', '2026-11-30')).toEqual([
			{ field: 'm-closes', message: expect.any(String) as unknown as string },
		]);
		expect(await campaigns.moveDates(result.campaign, '2026-12-01', '2026-12-14')).toEqual([]);
		const moved = (await getDoc(c.db, result.campaign._id)) as CampaignDoc;
		expect([moved.opensOn, moved.closesOn]).toEqual(['2026-12-01', '2026-12-14']);

		const open = { ...moved, opensOn: '2026-11-20' };
		expect(campaigns.phase(open)).toBe('open');
		expect((await campaigns.moveDates(open, '2026-11-25', '2026-12-14'))[0]?.field).toBeNull();

		await campaigns.cancel(moved);
		expect(((await getDoc(c.db, moved._id)) as CampaignDoc).cancelled).toBe(true);
	});

	it('starts a new form with the survey’s k and two weeks from today', () => {
		expect(campaigns.blank(threat)).toMatchObject({ k: '8', opensOn: '2026-11-23', closesOn: '2026-12-06' });
	});
});

describe('targets and who follows a campaign', () => {
	const tree = targetUnits(UNITS);

	it('lists the org tree each unit after its parent, siblings by name, keys without unit:', () => {
		expect(tree.map((u) => `${u.depth}:${u.id}`)).toEqual(['0:forv', '1:avd-a', '2:a1', '2:a2', '1:avd-b', '2:b1']);
	});

	it('gives HR every campaign and a manager those that reach their unit', () => {
		const on = (target: string) => ({ ...({} as CampaignDoc), _id: `campaign:${target}`, targetUnitId: target });
		const all = [on('forv'), on('avd-a'), on('a1'), on('avd-b'), on('a2')];
		expect(campaignsFor(HR, all, tree)).toHaveLength(5);
		expect(campaignsFor(MANAGER_A1, all, tree).map((x) => x.targetUnitId)).toEqual(['forv', 'avd-a', 'a1']);
		expect(campaignsFor(null, all, tree)).toEqual([]);
	});

	it('links a campaign on this origin', () => {
		expect(campaignLink('https://trygg.example', 'campaign:0193-ab')).toBe(
			'https://trygg.example/surveys/campaign%3A0193-ab',
		);
	});
});
