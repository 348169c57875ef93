/**
 * Survey and campaign documents through `_bulk_docs` (decision 0030): who writes them, a published
 * survey frozen but for `retired`, a campaign judged against its survey, the org tree and the
 * people of its target (read from the accounts' roster), and fixed once it opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignDoc, SurveyDoc } from '../../../src/lib/domain/index.ts';
import { SURVEY_RULE_REASONS } from '../../../src/lib/domain/index.ts';
import { starterSurveys } from '../../../src/lib/domain/starter-surveys.ts';
import { campaignDoc } from '../anon/test-phone.ts';
import type { Harness } from '../test-harness.ts';
import { TEST_SERVER_TIME, startServer } from '../test-harness.ts';

let h: Harness;
beforeAll(async () => {
	h = await startServer();
});
afterAll(async () => {
	await h.close();
});

type Row = { ok?: boolean; rev?: string; error?: string; reason?: string };
async function write(doc: object, as = 'hr'): Promise<Row> {
	const res = await h.call({
		method: 'POST',
		url: '/db/org/_bulk_docs',
		cookie: await h.signIn(as),
		payload: { docs: [doc] },
	});
	return (res.json() as Row[])[0] as Row;
}
async function stored<T>(id: string): Promise<T> {
	const res = await h.call({
		method: 'POST',
		url: '/db/org/_all_docs?include_docs=true',
		cookie: await h.signIn('hr'),
		payload: { keys: [id] },
	});
	return (res.json() as { rows: { doc: T }[] }).rows[0]?.doc as T;
}
const refused = (reason: string) => ({ error: 'forbidden', reason });

describe('surveys', () => {
	it('keep a published version except for retiring it', async () => {
		const hme = await stored<SurveyDoc>('survey:hme.v1');
		expect(await write({ ...hme, k: 6 })).toMatchObject(refused(SURVEY_RULE_REASONS.publishedSurvey));
		expect(await write({ _id: hme._id, _rev: hme._rev, type: 'survey', scope: 'org', _deleted: true })).toMatchObject(
			refused(SURVEY_RULE_REASONS.publishedSurvey),
		);
		expect(await write({ ...hme, retired: true })).toMatchObject({ ok: true });
	});

	it('do not publish a draft that changes nothing; a changed one is published', async () => {
		const threat = await stored<SurveyDoc>('survey:threat-violence.v1');
		const now = new Date(TEST_SERVER_TIME).toISOString();
		const draft = { ...threat, _id: 'survey:threat-violence.v2', version: 2, status: 'draft', updatedAt: now };
		delete (draft as { _rev?: string })._rev;
		const saved = await write(draft);
		expect(saved).toMatchObject({ ok: true });
		expect(await write({ ...draft, _rev: saved.rev, status: 'published' })).toMatchObject(
			refused(SURVEY_RULE_REASONS.unchangedSurvey),
		);
		expect(await write({ ...draft, _rev: saved.rev, status: 'published', k: 9 })).toMatchObject({ ok: true });
	});

	it('are written by HR and admin only', async () => {
		const survey = { ...(starterSurveys(new Date(TEST_SERVER_TIME).toISOString())[0] as SurveyDoc) };
		const mine = { ...survey, _id: 'survey:mine.v1', family: 'mine', status: 'draft' };
		expect(await write(mine, 'chef')).toMatchObject({ error: 'forbidden' });
		expect(await write(mine, 'admin')).toMatchObject({ ok: true });
	});
});

describe('campaigns', () => {
	it('name a published, not retired survey and a k at least its own', async () => {
		expect(await write(campaignDoc({ surveyId: 'survey:nope.v1' }))).toMatchObject(
			refused(SURVEY_RULE_REASONS.campaignSurvey),
		);
		expect(await write(campaignDoc({ surveyId: 'survey:threat-violence.v2', k: 9 }))).toMatchObject({ ok: true });
		expect(await write(campaignDoc({ surveyId: 'survey:threat-violence.v1', k: 7 }))).toMatchObject(
			refused(SURVEY_RULE_REASONS.campaignK),
		);
		// Retired above.
		expect(await write(campaignDoc({ surveyId: 'survey:hme.v1' }))).toMatchObject(
			refused(SURVEY_RULE_REASONS.campaignSurvey),
		);
	});

	it('need a target that exists and holds k people (from the accounts)', async () => {
		const threat = 'survey:threat-violence.v1';
		expect(await write(campaignDoc({ surveyId: threat, k: 8, targetUnitId: 'nowhere' }))).toMatchObject(
			refused(SURVEY_RULE_REASONS.campaignTarget),
		);
		// Enhet A2 has four staff; Enhet A1 fourteen people.
		expect(await write(campaignDoc({ surveyId: threat, k: 8, targetUnitId: 'a2' }))).toMatchObject(
			refused(SURVEY_RULE_REASONS.campaignTooFew),
		);
		expect(await write(campaignDoc({ surveyId: threat, k: 15, targetUnitId: 'a1' }))).toMatchObject(
			refused(SURVEY_RULE_REASONS.campaignTooFew),
		);
		expect(await write(campaignDoc({ surveyId: threat, k: 14, targetUnitId: 'a1' }))).toMatchObject({ ok: true });
	});

	it('keep target, survey and k once open; dates and cancelling may change', async () => {
		const open = await stored<CampaignDoc>('campaign:demo-hme');
		expect(await write({ ...open, targetUnitId: 'a1' })).toMatchObject(refused(SURVEY_RULE_REASONS.campaignFixed));
		expect(await write({ ...open, k: 6 })).toMatchObject(refused(SURVEY_RULE_REASONS.campaignFixed));
		expect(
			await write({ _id: open._id, _rev: open._rev, type: 'campaign', scope: 'org', _deleted: true }),
		).toMatchObject(refused(SURVEY_RULE_REASONS.campaignDeleted));
		// Its survey was retired meanwhile: an open campaign keeps it.
		expect(await write({ ...open, closesOn: '2026-12-31' })).toMatchObject({ ok: true });
	});
});
