import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TryggDb, type StoredDoc } from '../db/app-db.ts';
import type { NodeFigures, SurveyResultDoc } from '../domain/index.ts';
import {
	campaignSummaries,
	hmeTable,
	participationTable,
	questionTable,
	readResultDocs,
	resultNodes,
	textGroups,
	type ResultDocs,
	type ResultLabels,
} from './survey-results.ts';

const T = '2026-11-01T10:00:00.000Z';
const labels: ResultLabels = {
	node: 'Del',
	group: 'Grupp',
	eligible: 'I gruppen',
	responses: 'Svar',
	rate: 'Svarsfrekvens',
	answered: 'Svarade',
	mean: 'Medel',
	previous: 'Förra',
	change: 'Förändring',
	index: 'HME',
	motivation: 'Motivation',
	leadership: 'Ledarskap',
	governance: 'Styrning',
	groupOnly: (n) => `${n} (endast gruppen)`,
	withBelow: (n) => `${n} inkl. under`,
	yes: 'Ja',
	no: 'Nej',
};

const shown = (eligible: number, responses: number, mean: number, index: number): NodeFigures => ({
	eligible,
	responses,
	questions: {
		q1: { n: responses, counts: { '4': responses - 1, '5': 1 }, mean },
		q2: { n: responses, counts: { yes: 2, no: responses - 2 } },
	},
	hme: { index, motivation: index + 1, leadership: index - 1, governance: index },
});
/** A group of 4 respondents: every survey figure suppressed, only the headcount shown. */
const suppressed = (eligible: number): NodeFigures => ({
	eligible,
	responses: null,
	questions: { q1: null, q2: null },
	hme: null,
});

function result(campaign: string, unitId: string, parent: string | null, subtree: NodeFigures, group = subtree) {
	return {
		_id: `surveyresult:${campaign}.${unitId}`,
		scope: `reports-${unitId}`,
		type: 'surveyresult',
		campaignId: `campaign:${campaign}`,
		surveyId: 'survey:hme.v1',
		unitId,
		parentUnitId: parent,
		groupUnits: [unitId],
		group,
		subtree,
		previousCampaignId: campaign === 'c2' ? 'campaign:c1' : null,
		asOf: '2026-11-01',
		createdAt: T,
		updatedAt: T,
	} satisfies SurveyResultDoc;
}

const survey = {
	_id: 'survey:hme.v1',
	scope: 'org',
	type: 'survey',
	family: 'hme',
	kind: 'hme',
	title: { sv: 'HME', en: 'HME (en)' },
	intro: { sv: 'Intro', en: '' },
	sensitive: false,
	k: 5,
	version: 1,
	status: 'published',
	retired: false,
	sections: [
		{
			id: 's1',
			title: { sv: 'Del 1', en: '' },
			questions: [
				{ id: 'q1', kind: 'scale', text: { sv: 'Jag trivs', en: 'I thrive' }, required: true },
				{ id: 'q2', kind: 'yesno', text: { sv: 'Hot?', en: 'Threats?' }, required: true },
				{ id: 'q3', kind: 'text', text: { sv: 'Övrigt', en: 'Other' }, required: false },
			],
		},
	],
	createdAt: T,
	updatedAt: T,
};
const campaign = (id: string, closesOn: string) => ({
	_id: `campaign:${id}`,
	scope: 'org',
	type: 'campaign',
	surveyId: 'survey:hme.v1',
	targetUnitId: 'avd-a',
	opensOn: '2026-10-01',
	closesOn,
	k: 5,
	supportContact: '',
	cancelled: false,
	createdBy: 'hr',
	createdAt: T,
	updatedAt: T,
});
const unit = (id: string, name: string) => ({
	_id: `unit:${id}`,
	scope: 'org',
	type: 'unit',
	name,
	parentId: null,
	level: 'unit',
	createdAt: T,
	updatedAt: T,
});

const docs = [
	survey,
	campaign('c1', '2025-10-31'),
	campaign('c2', '2026-10-31'),
	campaign('open', '2026-12-31'),
	unit('avd-a', 'Avdelning A'),
	unit('a1', 'Enhet A1'),
	unit('a2', 'Enhet A2'),
	// Listed out of order on purpose: the tree puts the target first.
	result('c2', 'a2', 'avd-a', suppressed(4)),
	result('c2', 'avd-a', null, shown(16, 14, 4.1, 76), suppressed(0)),
	result('c2', 'a1', 'avd-a', shown(12, 10, 4, 75)),
	result('c1', 'a1', 'avd-a', shown(12, 9, 3.5, 70)),
	result('c1', 'a2', 'avd-a', shown(6, 5, 3, 60)),
	{
		_id: 'surveytext:c2.a1',
		scope: 'reports',
		type: 'surveytext',
		campaignId: 'campaign:c2',
		unitId: 'a1',
		texts: { q3: ['Zebra', 'Apa', 'Mellan'] },
		createdAt: T,
		updatedAt: T,
	},
] as unknown as StoredDoc[];

async function deviceWith(list: StoredDoc[]): Promise<TryggDb> {
	const db = new TryggDb(`results-${Math.random()}`);
	await db.docs.bulkPut(list);
	return db;
}

async function read(): Promise<ResultDocs> {
	return readResultDocs(await deviceWith(docs));
}

describe('campaign results on the device', () => {
	it('lists only campaigns with results, newest first, by the survey title', async () => {
		const list = campaignSummaries(await read(), 'en');
		expect(list.map((c) => [c.campaignId, c.title, c.nodes, c.targetName])).toEqual([
			['campaign:c2', 'HME (en)', 3, 'Avdelning A'],
			['campaign:c1', 'HME (en)', 2, 'Avdelning A'],
		]);
	});

	it('orders the nodes as a tree, the target first, and finds last campaign’s node', async () => {
		const nodes = resultNodes(await read(), 'campaign:c2');
		expect(nodes.map((n) => [n.doc.unitId, n.depth, n.inner, n.previous?.campaignId ?? null])).toEqual([
			['avd-a', 0, true, null],
			['a1', 1, false, 'campaign:c1'],
			['a2', 1, false, 'campaign:c1'],
		]);
	});

	it('a manager’s part of the tree starts at their highest node', async () => {
		const mine = await readResultDocs(await deviceWith(docs.filter((d) => d._id !== 'surveyresult:c2.avd-a')));
		expect(resultNodes(mine, 'campaign:c2').map((n) => [n.doc.unitId, n.depth])).toEqual([
			['a1', 0],
			['a2', 0],
		]);
	});
});

describe('tables keep every suppressed figure null', () => {
	it('participation: a suppressed group has its headcount but no responses and no rate', async () => {
		const t = participationTable(resultNodes(await read(), 'campaign:c2'), labels, 'Deltagande', 'p');
		expect(t.rows).toEqual([
			{ node: 'Avdelning A inkl. under', eligible: 16, responses: 14, rate: 88 },
			{ node: 'Avdelning A (endast gruppen)', eligible: 0, responses: null, rate: null },
			{ node: 'Enhet A1', eligible: 12, responses: 10, rate: 83 },
			{ node: 'Enhet A2', eligible: 4, responses: null, rate: null },
		]);
	});

	it('a scale question: counts, mean and trend only where both campaigns show them', async () => {
		const d = await read();
		const q = survey.sections[0]!.questions[0] as Parameters<typeof questionTable>[1];
		const t = questionTable(resultNodes(d, 'campaign:c2'), q, labels, 'sv', 'q1');
		expect(t.title).toBe('Jag trivs');
		expect(t.columns.map((c) => c.key)).toEqual([
			'node',
			'n',
			'o:1',
			'o:2',
			'o:3',
			'o:4',
			'o:5',
			'mean',
			'previous',
			'change',
		]);
		expect(t.rows[2]).toEqual({
			node: 'Enhet A1',
			n: 10,
			'o:1': 0,
			'o:2': 0,
			'o:3': 0,
			'o:4': 9,
			'o:5': 1,
			mean: 4,
			previous: 3.5,
			change: 0.5,
		});
		// Enhet A2 was shown last year: the trend must not reveal this year's suppressed mean.
		expect(t.rows[3]).toEqual({
			node: 'Enhet A2',
			n: null,
			'o:1': null,
			'o:2': null,
			'o:3': null,
			'o:4': null,
			'o:5': null,
			mean: null,
			previous: 3,
			change: null,
		});
		// No node and no figure of a suppressed row holds a number but the headcount-free previous mean.
		for (const row of t.rows.filter((r) => r.n === null)) {
			for (const [k, v] of Object.entries(row)) if (k !== 'node' && k !== 'previous') expect(v, k).toBeNull();
		}
	});

	it('a yes/no question shows its options as columns', async () => {
		const q = survey.sections[0]!.questions[1] as Parameters<typeof questionTable>[1];
		const t = questionTable(resultNodes(await read(), 'campaign:c2'), q, labels, 'sv', 'q2');
		expect(t.columns.map((c) => c.label)).toEqual(['Del', 'Svarade', 'Ja', 'Nej']);
		expect(t.rows[2]).toEqual({ node: 'Enhet A1', n: 10, 'o:yes': 2, 'o:no': 8 });
		expect(t.rows[3]).toEqual({ node: 'Enhet A2', n: null, 'o:yes': null, 'o:no': null });
	});

	it('HME: index and sub-indices, null where the index is suppressed', async () => {
		const t = hmeTable(resultNodes(await read(), 'campaign:c2'), labels, 'HME', 'hme');
		expect(t.rows[2]).toEqual({
			node: 'Enhet A1',
			index: 75,
			motivation: 76,
			leadership: 74,
			governance: 75,
			previous: 70,
			change: 5,
		});
		expect(t.rows[3]).toEqual({
			node: 'Enhet A2',
			index: null,
			motivation: null,
			leadership: null,
			governance: null,
			previous: 60,
			change: null,
		});
	});
});

describe('free text', () => {
	it('keeps the server’s order per group: no sorting, no filtering', async () => {
		const d = await read();
		const questions = survey.sections[0]!.questions as Parameters<typeof textGroups>[2];
		const groups = textGroups(d, 'campaign:c2', questions, resultNodes(d, 'campaign:c2'));
		expect(groups.map((g) => [g.name, g.questions.map((q) => [q.question.id, q.answers])])).toEqual([
			['Enhet A1', [['q3', ['Zebra', 'Apa', 'Mellan']]]],
		]);
	});
});
