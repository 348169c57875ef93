/** The sync page's survey responses: waiting ones counted, refused ones named (neutrally when sensitive). */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TryggDb, type StoredDoc } from '../db/app-db.ts';
import { markRefused, queueResponse } from '../db/surveys-repo.ts';
import { starterSurveys } from '../domain/starter-surveys.ts';
import { campaignDocSchema, type SurveyDoc } from '../domain/index.ts';
import { AnonQueueView, anonQueue } from './anon-queue.svelte.ts';

const STAMP = '2031-03-01T08:00:00.000Z';
const SURVEYS = starterSurveys(STAMP);
const plain = SURVEYS.find((s) => !s.sensitive) as SurveyDoc;
const sensitive = SURVEYS.find((s) => s.sensitive) as SurveyDoc;

const campaign = (id: string, survey: SurveyDoc): StoredDoc =>
	campaignDocSchema.parse({
		_id: `campaign:${id}`,
		type: 'campaign',
		scope: 'org',
		surveyId: survey._id,
		targetUnitId: 'avd-a',
		opensOn: '2031-03-01',
		closesOn: '2031-03-20',
		k: survey.k,
		supportContact: '',
		cancelled: false,
		createdBy: 'hr',
		createdAt: STAMP,
		updatedAt: STAMP,
	}) as StoredDoc;

describe('anonQueue', () => {
	const docs = [...SURVEYS, campaign('one', plain), campaign('two', sensitive)] as StoredDoc[];

	it('counts waiting responses and names refused ones by their survey, sensitive ones not at all', () => {
		const error = { code: 'conflict', reason: 'spent' };
		const q = anonQueue(
			[
				{ campaignId: 'campaign:one', answers: { a: 'x' }, state: 'refused', error },
				{ campaignId: 'campaign:two', answers: {}, state: 'refused', error },
				{ campaignId: 'campaign:three', answers: {}, state: 'pending' },
			],
			docs,
		);
		expect(q.waiting).toBe(1);
		expect(q.refused).toEqual([
			{ campaignId: 'campaign:one', title: plain.title, error },
			{ campaignId: 'campaign:two', title: null, error },
		]);
		// Nothing of what was answered reaches the page.
		expect(JSON.stringify(q)).not.toContain('"x"');
	});

	it('follows the device: a refusal shows without reloading', async () => {
		const db = new TryggDb(`anon-queue-${Math.random()}`);
		await db.docs.bulkPut(docs);
		const view = new AnonQueueView(db);
		const stop = view.watch();
		await queueResponse(db, 'campaign:one', { q: 'yes' });
		await expect.poll(() => view.current.waiting).toBe(1);
		await markRefused(db, 'campaign:one', { code: 'conflict', reason: 'spent' });
		await expect.poll(() => view.current.refused.length).toBe(1);
		expect(view.current.waiting).toBe(0);
		stop();
		db.close();
	});
});
