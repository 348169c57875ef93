/**
 * Answering a survey on the phone and the home page's list of surveys, on the device's database
 * (fake-indexeddb), a fixed person and an injected day (never the real date).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { StoredDoc } from '../db/app-db.ts';
import { markRefused, markSent, readProgress } from '../db/surveys-repo.ts';
import { starterSurveys } from '../domain/starter-surveys.ts';
import { campaignDocSchema, surveyQuestions, type CampaignDoc, type Me, type SurveyDoc } from '../domain/index.ts';
import { backupKeyFor } from './autosave.svelte.ts';
import { StaffSurveys, openSurveysFor } from './staff-surveys.svelte.ts';
import { SurveyAnswering, type AnonRoad } from './survey-answer.svelte.ts';
import { testCollaborators, type TestCollaborators } from './test-collaborators.ts';

const STAMP = '2031-03-01T08:00:00.000Z';
const NOW = new Date('2031-03-10T10:00:00Z');
const STAFF_A1: Me = {
	name: 'medarbetare',
	displayName: 'Medarbetare',
	roles: ['staff'],
	scopes: [
		{ scope: 'org', unitId: null, unitName: null, role: 'staff', write: false },
		{ scope: 'unit-a1', unitId: 'a1', unitName: 'Enhet A1', role: 'staff', write: true },
	],
};
const STAFF_B1: Me = {
	...STAFF_A1,
	name: 'medarbetare.b1',
	scopes: [{ scope: 'unit-b1', unitId: 'b1', unitName: 'Enhet B1', role: 'staff', write: true }],
};

/** Staff as the server's profile names them: the org scope and their own, no unit. */
const STAFF_NO_UNITS: Me = {
	...STAFF_A1,
	scopes: [
		{ scope: 'org', unitId: null, unitName: null, role: 'staff', write: false },
		{ scope: 'user-medarbetare', unitId: null, unitName: null, role: 'staff', write: true },
	],
};

const SURVEYS = starterSurveys(STAMP);
const byFamily = (family: string): SurveyDoc => SURVEYS.find((s) => s.family === family) as SurveyDoc;

const unit = (id: string, parent: string | null): StoredDoc =>
	({
		_id: `unit:${id}`,
		type: 'unit',
		scope: 'org',
		name: id,
		parentId: parent === null ? null : `unit:${parent}`,
		level: 'unit',
		createdAt: STAMP,
		updatedAt: STAMP,
	}) as StoredDoc;
const UNITS = [
	unit('demo', null),
	unit('avd-a', 'demo'),
	unit('a1', 'avd-a'),
	unit('avd-b', 'demo'),
	unit('b1', 'avd-b'),
];

function campaign(id: string, survey: SurveyDoc, extra: Partial<CampaignDoc> = {}): CampaignDoc {
	return campaignDocSchema.parse({
		_id: `campaign:${id}`,
		type: 'campaign',
		scope: 'org',
		surveyId: survey._id,
		targetUnitId: 'avd-a',
		opensOn: '2031-03-01',
		closesOn: '2031-03-20',
		k: survey.k,
		supportContact: 'Företagshälsan, 010-123 45 67',
		cancelled: false,
		createdBy: 'hr',
		createdAt: STAMP,
		updatedAt: STAMP,
		...extra,
	});
}

/** A fake sender: counts kicks and token requests. */
function road(): AnonRoad & { kicks: number; tokens: string[] } {
	const r = {
		kicks: 0,
		tokens: [] as string[],
		ensureToken: (id: string) => {
			r.tokens.push(id);
			return Promise.resolve();
		},
		kick: () => void r.kicks++,
	};
	return r;
}

async function setup(person = STAFF_A1, docs: StoredDoc[] = []): Promise<TestCollaborators> {
	const c = testCollaborators(person, NOW);
	await c.db.docs.bulkPut([...UNITS, ...SURVEYS, ...docs] as StoredDoc[]);
	return c;
}

async function open(c: TestCollaborators, id: string, sender = road()): Promise<SurveyAnswering> {
	const page = new SurveyAnswering(c, id, () => sender);
	await page.load();
	return page;
}

const question = (survey: SurveyDoc, id: string) => surveyQuestions(survey).find((q) => q.id === id)!;

describe('answering a survey', () => {
	it('shows a follow-up question only while the earlier answer asks for it', async () => {
		const threat = byFamily('threat-violence');
		const c = await setup(STAFF_A1, [campaign('t', threat) as StoredDoc]);
		const page = await open(c, 'campaign:t');
		expect(page.answerable).toBe(true);
		expect(page.visible.some((q) => q.id === 'who')).toBe(false);
		page.answer(question(threat, 'threatened'), 'once');
		expect(page.visible.some((q) => q.id === 'who')).toBe(true);
		page.answer(question(threat, 'threatened'), 'no');
		expect(page.visible.some((q) => q.id === 'who')).toBe(false);
	});

	it('keeps answers on the device only, and a new visit resumes them', async () => {
		const hme = byFamily('hme');
		const c = await setup(STAFF_A1, [campaign('h', hme) as StoredDoc]);
		const page = await open(c, 'campaign:h');
		page.start();
		page.answer(question(hme, 'meaningful'), 4);
		page.answer(question(hme, 'learning'), 5);
		await page.autosave.flushAll();
		expect(await readProgress(c.db, 'campaign:h')).toEqual({ meaningful: 4, learning: 5 });
		expect(await c.db.outbox.count()).toBe(0); // nothing for document sync
		const again = await open(c, 'campaign:h');
		expect(again.resumed).toBe(true);
		expect(again.answers).toEqual({ meaningful: 4, learning: 5 });
	});

	it('multiple choice keeps the options in their order, and unticking the last clears the answer', async () => {
		const threat = byFamily('threat-violence');
		const c = await setup(STAFF_A1, [campaign('t', threat) as StoredDoc]);
		const page = await open(c, 'campaign:t');
		page.answer(question(threat, 'threatened'), 'several');
		const who = question(threat, 'who');
		page.toggle(who, 'manager', true);
		page.toggle(who, 'client', true);
		expect(page.answers['who']).toEqual(['client', 'manager']);
		page.toggle(who, 'client', false);
		page.toggle(who, 'manager', false);
		expect(page.answers['who']).toBeUndefined();
	});

	it('sends only the shown answers to the anonymous outbox, clears the typed-text backup and kicks the sender', async () => {
		const threat = byFamily('threat-violence');
		const c = await setup(STAFF_A1, [campaign('t', threat) as StoredDoc]);
		const sender = road();
		const page = await open(c, 'campaign:t', sender);
		page.start();
		expect(sender.tokens).toEqual(['campaign:t']); // asked early, not at sending time
		page.answer(question(threat, 'threatened'), 'once');
		page.toggle(question(threat, 'who'), 'public', true);
		page.answer(question(threat, 'threatened'), 'no'); // "who" is hidden again
		page.answer(question(threat, 'safer'), '  Mer ljus i korridoren  ');
		page.autosave.backUp();
		expect(c.storage.items.has(backupKeyFor('medarbetare', 'survey|campaign:t'))).toBe(true);
		expect(await page.send()).toBe(true);
		expect(await c.db.anonOutbox.get('campaign:t')).toEqual({
			campaignId: 'campaign:t',
			answers: { threatened: 'no', safer: 'Mer ljus i korridoren' },
			state: 'pending',
		});
		expect(c.storage.items.size).toBe(0);
		expect(sender.kicks).toBe(1);
		expect(page.step).toEqual({ kind: 'done' });
		expect(page.response).toBe('queued');
		expect(page.answerable).toBe(false);
		// Delivered: nothing of the answers stays on the phone.
		await markSent(c.db, 'campaign:t');
		expect(await readProgress(c.db, 'campaign:t')).toEqual({});
		expect(await c.db.anonOutbox.count()).toBe(0);
	});

	it('refuses to queue answers that do not fit (nothing answered), and queues nothing', async () => {
		const hme = byFamily('hme');
		const c = await setup(STAFF_A1, [campaign('h', hme) as StoredDoc]);
		const page = await open(c, 'campaign:h');
		expect(await page.send()).toBe(false);
		expect(page.problem?.reason).toBe('a response must answer at least one question');
		expect(await c.db.anonOutbox.count()).toBe(0);
	});

	it('a refused response stays visible with its reason and cannot be answered again here', async () => {
		const hme = byFamily('hme');
		const c = await setup(STAFF_A1, [campaign('h', hme) as StoredDoc]);
		const page = await open(c, 'campaign:h');
		page.answer(question(hme, 'trust'), 2);
		await page.send();
		await markRefused(c.db, 'campaign:h', { code: 'conflict', reason: 'spent' });
		const later = await open(c, 'campaign:h');
		expect(later.response).toBe('refused');
		expect(later.refusal).toEqual({ code: 'conflict', reason: 'spent' });
		expect(later.answerable).toBe(false);
	});

	it('a sensitive survey is marked so the page shows a neutral title', async () => {
		const close = byFamily('close-relationship');
		const c = await setup(STAFF_A1, [campaign('c', close) as StoredDoc]);
		expect((await open(c, 'campaign:c')).sensitive).toBe(true);
		const hme = byFamily('hme');
		const d = await setup(STAFF_A1, [campaign('h', hme) as StoredDoc]);
		expect((await open(d, 'campaign:h')).sensitive).toBe(false);
	});

	it('is not answerable before it opens, after it closes, outside its target, or unknown', async () => {
		const hme = byFamily('hme');
		const c = await setup(STAFF_A1, [
			campaign('later', hme, { opensOn: '2031-03-11', closesOn: '2031-03-30' }) as StoredDoc,
			campaign('over', hme, { opensOn: '2031-02-01', closesOn: '2031-03-09' }) as StoredDoc,
			campaign('b', hme, { targetUnitId: 'avd-b' }) as StoredDoc,
		]);
		const sender = road();
		const later = await open(c, 'campaign:later', sender);
		expect(later.phase).toBe('upcoming');
		expect(later.answerable).toBe(false);
		expect((await open(c, 'campaign:over')).phase).toBe('closed');
		const other = await open(c, 'campaign:b', sender);
		expect(other.asked).toBe(false);
		expect(other.answerable).toBe(false);
		later.prepareToken(); // not open: nothing asked
		expect(sender.tokens).toEqual([]);
		const missing = await open(c, 'campaign:none');
		expect(missing.campaign).toBeNull();
	});
});

describe('the home page list of surveys', () => {
	it('lists open campaigns of the person’s part of the tree, with what the device knows', async () => {
		const hme = byFamily('hme');
		const threat = byFamily('threat-violence');
		const docs = [
			campaign('h', hme),
			campaign('t', threat, { closesOn: '2031-03-15' }),
			campaign('b', hme, { targetUnitId: 'avd-b' }),
			campaign('gone', hme, { cancelled: true }),
		] as StoredDoc[];
		const c = await setup(STAFF_A1, docs);
		const list = new StaffSurveys(c.db, c.person, c.clock);
		await list.load();
		expect(list.list?.map((s) => [s.campaign._id, s.state])).toEqual([
			['campaign:t', 'new'],
			['campaign:h', 'new'],
		]);
		expect(list.toAnswer).toBe(2);
		const page = await open(c, 'campaign:h');
		page.answer(question(hme, 'trust'), 3);
		await page.send();
		await markSent(c.db, 'campaign:h');
		await list.load();
		expect(list.list?.map((s) => [s.campaign._id, s.state])).toEqual([
			['campaign:t', 'new'],
			['campaign:h', 'sent'],
		]);
		expect(list.toAnswer).toBe(1);
	});

	it('someone elsewhere in the tree is not asked; answers kept here say they are', async () => {
		const docs = [...UNITS, ...SURVEYS, campaign('h', byFamily('hme'))] as StoredDoc[];
		const none = { keyed: [], started: [], queued: [], sent: [] };
		expect(openSurveysFor(docs, STAFF_B1, '2031-03-10', none)).toEqual([
			expect.objectContaining({ asked: false, state: 'new' }),
		]);
		expect(openSurveysFor(docs, STAFF_A1, '2031-03-10', { ...none, started: ['campaign:h'] })).toEqual([
			expect.objectContaining({ asked: true, state: 'started' }),
		]);
	});

	it('staff, whose profile names no unit, are asked once the server gave them the group key', async () => {
		const c = await setup(STAFF_NO_UNITS, [campaign('h', byFamily('hme')) as StoredDoc]);
		const list = new StaffSurveys(c.db, c.person, c.clock);
		await list.load();
		expect(list.list).toEqual([]);
		expect(list.toPrepare).toEqual(['campaign:h']); // the token is asked for: the key says who is asked
		const page = await open(c, 'campaign:h');
		expect(page.asked).toBe(false);
		await c.db.surveyTokens.put({
			campaignId: 'campaign:h',
			group: 'a1',
			publicKey: 'pk',
			prepared: 'm',
			blindedMsg: 'b',
			inv: 'i',
		});
		await list.load();
		expect(list.list?.map((s) => s.campaign._id)).toEqual(['campaign:h']);
		expect((await open(c, 'campaign:h')).answerable).toBe(true);
	});
});
