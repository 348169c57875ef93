/**
 * The demo's survey history: two closed HME campaigns whose responses went through the anonymous
 * road, published as results at start, with "för få svar" for Enhet A1's four respondents in the
 * earlier one; seeding again adds nothing.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurveyResultDoc } from '../../../src/lib/domain/index.ts';
import { surveyResultDocSchema, surveyResultId, withSubtree } from '../../../src/lib/domain/index.ts';
import { ANON_DB } from '../anon/databases.ts';
import { PouchStore } from '../store/pouch-store.ts';
import type { Harness } from '../test-harness.ts';
import { TEST_SERVER_TIME, startServer, tempDir } from '../test-harness.ts';
import { DEMO_HISTORY_CAMPAIGNS } from './demo-surveys.ts';

const [EARLIER, LAST] = DEMO_HISTORY_CAMPAIGNS;
let dir: string;
let h: Harness;
const now = () => new Date(TEST_SERVER_TIME);

async function results(): Promise<Map<string, SurveyResultDoc>> {
	const res = await h.call({
		method: 'GET',
		url: '/db/reports/_changes?include_docs=true',
		cookie: await h.signIn('hr'),
	});
	const docs = res.json<{ results: { doc?: { _id: string; type?: string } }[] }>().results.flatMap((r) => r.doc ?? []);
	return new Map(
		docs
			.filter((d) => d.type === 'surveyresult')
			.map((d) => [d._id, withSubtree(surveyResultDocSchema.parse(d))] as const),
	);
}

async function storedResponses(): Promise<number> {
	const store = new PouchStore({ dataDir: dir });
	try {
		return (await store.info(ANON_DB.responses)).doc_count;
	} finally {
		await store.close();
	}
}

beforeAll(async () => {
	dir = await tempDir();
	h = await startServer({ now, seedSurveyHistory: true }, dir);
	await h.app.surveyResults.idle();
}, 240_000);

afterAll(async () => {
	await h.close();
	await rm(dir, { recursive: true, force: true });
});

describe('demo survey history', () => {
	it('publishes the last campaign in full, with the earlier one as its trend', async () => {
		const all = await results();
		const a1 = all.get(surveyResultId(LAST, 'a1'));
		const forv = all.get(surveyResultId(LAST, 'forv'));
		expect(a1?.group.responses).toBe(12);
		expect(forv?.group.responses).toBe(7);
		expect(forv?.subtree.responses).toBe(19);
		expect(forv?.subtree.hme?.index).toBeGreaterThan(0);
		expect(a1?.previousCampaignId).toBe(EARLIER);
		expect(all.get(surveyResultId(EARLIER, 'a1'))?.previousCampaignId).toBeNull();
	});

	it('shows "för få svar" for Enhet A1 with four respondents, not recoverable from Förvaltningen', async () => {
		const all = await results();
		const a1 = all.get(surveyResultId(EARLIER, 'a1'));
		const forv = all.get(surveyResultId(EARLIER, 'forv'));
		expect(a1?.group.responses).toBeNull();
		expect(a1?.group.questions.meaningful).toBeNull();
		expect(a1?.group.eligible).toBe(14);
		// Förvaltningen's own 7 would give A1's 4 from the total of 11: hidden too.
		expect(forv?.group.responses).toBeNull();
		expect(forv?.subtree.responses).toBe(11);
	});

	it('seeds once: a restart sends no response again', async () => {
		await h.app.close();
		const before = await storedResponses();
		expect(before).toBe(30);
		h = await startServer({ now, seedSurveyHistory: true }, dir);
		await h.app.surveyResults.idle();
		await h.app.close();
		expect(await storedResponses()).toBe(before);
		h = await startServer({ now }, dir);
	});
});
