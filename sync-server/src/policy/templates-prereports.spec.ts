/**
 * Policy for template versions (a published version never changes: decision 0005), round
 * headers (a started round keeps its template version) and staff pre-reports (submit-only:
 * staff send into their unit without reading it), as pure rules and over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerDoc, PrereportDoc, RoundDoc, TemplateDoc } from '../../../src/lib/domain/index.ts';
import { TEMPLATE_ANSWERED_REASON } from '../../../src/lib/domain/recorded.ts';
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
import { moveItem, nextVersion, UNCHANGED_TEMPLATE_REASON } from '../../../src/lib/domain/templates.ts';
import { DEMO_ACCOUNTS, demoUnits } from '../seed/demo.ts';
import type { Harness } from '../test-harness.ts';
import { answerDoc, roundDoc, startServer, testId, TEST_SERVER_TIME } from '../test-harness.ts';
import type { IncomingDoc, PolicyUser, StoredVersion } from './access.ts';
import { checkWrite, grantsFor, submitTypes, submitUnits } from './access.ts';

const NOW = '2026-11-23T09:00:00.000Z';
const units = demoUnits(NOW).map((u) => ({ _id: u._id, name: u.name, parentId: u.parentId }));
const demo = (name: string): PolicyUser => {
	const a = DEMO_ACCOUNTS.find((x) => x.name === name);
	if (!a) throw new Error(name);
	return { name: a.name, displayName: a.displayName, roles: [...a.roles], memberships: [...a.memberships] };
};
function write(
	name: string,
	scope: string,
	doc: object,
	stored?: object,
	others: object[] = [],
	templates: object[] = [],
): { ok: boolean; reason?: string } {
	const user = demo(name);
	const byId = new Map(others.map((d) => [(d as StoredVersion)._id, d as StoredVersion]));
	const templateById = new Map(templates.map((d) => [(d as StoredVersion)._id, d as StoredVersion]));
	return checkWrite({
		user,
		grants: grantsFor(user, units),
		now: TEST_SERVER_TIME,
		scope,
		doc: doc as IncomingDoc,
		stored: stored as StoredVersion | undefined,
		lookup: (id) => byId.get(id),
		template: (id) => templateById.get(id),
		// A round's file: its answers among `others` (whether it has any decides a template change).
		roundFile: (id) => ({
			round: byId.get(id) as RoundDoc | undefined,
			template: undefined,
			answers: (others as AnswerDoc[]).filter((d) => d.type === 'answer' && d.roundId === id),
			findings: [],
			assessments: [],
			signatures: [],
			reopenings: [],
		}),
		units,
	});
}
const [physical] = starterTemplates(NOW) as [TemplateDoc];

function prereport(roundId: string, overrides: Partial<PrereportDoc> = {}): PrereportDoc {
	return {
		_id: testId('prereport'),
		type: 'prereport',
		scope: 'unit-a1',
		unitId: 'a1',
		roundId,
		submittedBy: 'medarbetare',
		submitterName: 'Mats Medarbetare',
		title: 'Dörren till förrådet kärvar',
		description: '',
		location: 'Förrådet',
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
	};
}

describe('templates: a published version never changes', () => {
	it('lets HR and admin create and edit a draft, and publish it', () => {
		const draft = nextVersion(physical, [physical], NOW);
		expect(write('hr', 'org', draft)).toEqual({ ok: true });
		const edited = { ...draft, legalRef: 'AFS 2023:1 (ändrad)', sections: moveItem(draft.sections, 0, 0, 1) };
		expect(write('admin', 'org', edited, draft)).toEqual({ ok: true });
		expect(write('hr', 'org', { ...edited, status: 'published' }, edited)).toEqual({ ok: true });
		expect(write('chef', 'org', draft).reason).toBe('no write access to org');
	});

	it('refuses publishing a draft identical to the latest published version', () => {
		const draft = nextVersion(physical, [physical], NOW);
		const same = { ...draft, status: 'published' };
		expect(write('hr', 'org', same, draft, [], [physical]).reason).toBe(UNCHANGED_TEMPLATE_REASON);
		// A new version that changes anything is published; so is one when the server holds no earlier version.
		expect(write('hr', 'org', { ...same, legalRef: 'AFS 2023:1 (ändrad)' }, draft, [], [physical])).toEqual({
			ok: true,
		});
		expect(write('hr', 'org', same, draft, [], [])).toEqual({ ok: true });
		// Only the latest published version counts: v3 like v1 after a changed v2 is a change.
		const v2 = { ...draft, status: 'published', legalRef: 'AFS 2023:1 (ändrad)' };
		const v3 = { ...nextVersion(physical, [physical, v2 as TemplateDoc], NOW), status: 'published' };
		expect(v3.version).toBe(3);
		expect(write('hr', 'org', v3, { ...v3, status: 'draft' }, [], [physical, v2])).toEqual({ ok: true });
		// A draft like the published version may be saved (it is being worked on), and a published one retired.
		expect(write('hr', 'org', draft, undefined, [], [physical])).toEqual({ ok: true });
	});

	it('refuses any content change, a return to draft and a delete of a published version', () => {
		const item = { ...physical, sections: structuredClone(physical.sections) };
		item.sections[0]!.items[0]!.text.sv = 'Ändrad fråga';
		expect(write('hr', 'org', item, physical).reason).toBe(
			'version 1 is published: sections cannot change; make a new version',
		);
		expect(write('hr', 'org', { ...physical, title: { sv: 'X', en: 'X' } }, physical).reason).toMatch(/title/);
		expect(write('hr', 'org', { ...physical, status: 'draft' }, physical).reason).toMatch(/cannot become a draft/);
		const tomb = { _id: physical._id, _rev: '1-x', _deleted: true, type: 'template', scope: 'org' };
		expect(write('admin', 'org', tomb, physical).reason).toMatch(/cannot be deleted; retire it/);
	});

	it('allows retiring a published version and bringing it back', () => {
		const retired = { ...physical, retired: true, updatedAt: '2026-11-24T09:00:00.000Z' };
		expect(write('hr', 'org', retired, physical)).toEqual({ ok: true });
		expect(write('hr', 'org', { ...retired, retired: false }, retired)).toEqual({ ok: true });
	});
});

describe('round header: a started round keeps its template version', () => {
	it('lets a planned round change its template, date and participants, a started one only date and people', () => {
		const planned = roundDoc('a1', { templateId: 'template:physical.v1', templateVersion: 1 });
		const v2 = { ...planned, templateId: 'template:physical.v2', templateVersion: 2 };
		expect(write('chef', 'unit-a1', v2, planned)).toEqual({ ok: true });
		const started = { ...planned, status: 'in_progress' as const };
		expect(
			write('chef', 'unit-a1', { ...started, templateId: 'template:physical.v2', templateVersion: 2 }, started).reason,
		).toBe('a started round keeps its template version');
		const people = { ...started, date: '2026-12-01', participants: [{ name: 'Sara', role: 'safety_rep' as const }] };
		expect(write('skyddsombud', 'unit-a1', people, started)).toEqual({ ok: true });
	});

	it('keeps the template of a round with any answer, even one still marked planned (decision 0016)', () => {
		// Answers may reach the server before the round's own move to in progress.
		const planned = roundDoc('a1', { templateId: 'template:physical.v1', templateVersion: 1 });
		const answer = answerDoc('unit-a1', planned._id);
		const v2 = { ...planned, templateId: 'template:physical.v2', templateVersion: 2 };
		expect(write('chef', 'unit-a1', v2, planned, [planned, answer]).reason).toBe(TEMPLATE_ANSWERED_REASON);
		expect(write('chef', 'unit-a1', { ...planned, templateVersion: 2 }, planned, [planned, answer]).reason).toBe(
			TEMPLATE_ANSWERED_REASON,
		);
		// Without answers it still may change, and the answers of another round do not count.
		const other = answerDoc('unit-a1', roundDoc('a1')._id);
		expect(write('chef', 'unit-a1', v2, planned, [planned, other])).toEqual({ ok: true });
		// Its date and people may change whatever it has.
		expect(write('chef', 'unit-a1', { ...planned, date: '2026-12-02' }, planned, [planned, answer])).toEqual({
			ok: true,
		});
	});

	it('plans a round only on a published template version, never on a draft', () => {
		const draft = { ...nextVersion(physical, [], NOW), status: 'draft' as const };
		const published = { ...draft, status: 'published' as const };
		const onDraft = roundDoc('a1', { templateId: draft._id, templateVersion: draft.version });
		const refusal = 'a round needs a published template version';
		expect(write('chef', 'unit-a1', onDraft, undefined, [], [draft]).reason).toBe(refusal);
		expect(write('chef', 'unit-a1', onDraft, undefined, [], [published])).toEqual({ ok: true });
		// Re-planned onto a draft: refused; a round already on a version keeps passing (its date changes).
		const planned = roundDoc('a1', { templateId: physical._id, templateVersion: 1 });
		expect(write('chef', 'unit-a1', onDraft, planned, [], [draft]).reason).toBe(refusal);
		expect(write('chef', 'unit-a1', { ...planned, date: '2027-01-02' }, planned, [], [draft])).toEqual({ ok: true });
		// The version number must be the template's own.
		const mislabelled = { ...onDraft, templateVersion: 1 };
		expect(write('chef', 'unit-a1', mislabelled, undefined, [], [published]).reason).toBe(refusal);
		// A version the server does not hold is the device's to show as missing, not a refusal.
		expect(write('chef', 'unit-a1', onDraft, undefined, [], [])).toEqual({ ok: true });
	});
});

describe('pre-reports: staff submit, never read', () => {
	const open = roundDoc('a1', { prereports: true });

	it('staff may only submit pre-reports, only into their own unit', () => {
		const staff = demo('medarbetare');
		expect(submitTypes(staff, 'unit-a1', units)).toEqual(['prereport']);
		expect(submitTypes(staff, 'unit-b1', units)).toEqual([]);
		expect(submitTypes(demo('chef'), 'unit-a1', units)).toEqual([]);
		expect(submitUnits(staff, units)).toEqual(['a1']);
		// A manager reads the unit, so is no submit-only writer there.
		expect(submitUnits(demo('chef'), units)).toEqual([]);
		expect(write('medarbetare', 'unit-a1', roundDoc('a1')).reason).toBe('no write access to unit-a1');
		const foreign = { ...prereport(open._id), scope: 'unit-b1', unitId: 'b1' };
		expect(write('medarbetare', 'unit-b1', foreign).reason).toBe('no write access to unit-b1');
	});

	it('accepts a pre-report by its author to a planned round that asks for them', () => {
		expect(write('medarbetare', 'unit-a1', prereport(open._id), undefined, [open])).toEqual({ ok: true });
		const byRep = prereport(open._id, { submittedBy: 'skyddsombud', submitterName: 'Sara Skyddsombud' });
		expect(write('skyddsombud', 'unit-a1', byRep, undefined, [open])).toEqual({ ok: true });
	});

	it('refuses forged authors, closed, started or missing rounds, edits and deletes', () => {
		const forged = prereport(open._id, { submittedBy: 'chef' });
		expect(write('medarbetare', 'unit-a1', forged, undefined, [open]).reason).toBe(
			'you may send a pre-report only as yourself',
		);
		const closed = roundDoc('a1');
		expect(write('medarbetare', 'unit-a1', prereport(closed._id), undefined, [closed]).reason).toBe(
			'this round does not take pre-reports',
		);
		const started = { ...open, status: 'in_progress' };
		expect(write('medarbetare', 'unit-a1', prereport(open._id), undefined, [started]).reason).toBe(
			'the round has started; pre-reports are closed',
		);
		expect(write('medarbetare', 'unit-a1', prereport('round:none')).reason).toBe(
			'the round does not exist in this unit',
		);
		const sent = prereport(open._id);
		expect(write('medarbetare', 'unit-a1', { ...sent, title: 'Annat' }, sent, [open]).reason).toBe(
			'a pre-report cannot be changed or deleted once sent',
		);
		const tomb = { _id: sent._id, _rev: '1-x', _deleted: true, type: 'prereport', scope: 'unit-a1' };
		expect(write('chef', 'unit-a1', tomb, sent, [open]).reason).toBe(
			'a pre-report cannot be changed or deleted once sent',
		);
	});
});

describe('over HTTP', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startServer();
	});
	afterAll(async () => {
		await h.close();
	});
	const bulk = (name: string, scope: string, docs: object[]) => h.bulk(name, scope, docs);

	it('seeds the starter templates as published version 1, and refuses editing one in place', async () => {
		const cookie = await h.signIn('hr');
		const res = await h.call({
			method: 'POST',
			url: '/db/org/_all_docs?include_docs=true',
			cookie,
			payload: { keys: ['template:physical.v1'] },
		});
		const doc = res.json().rows[0].doc as TemplateDoc;
		expect(doc).toMatchObject({ status: 'published', version: 1, family: 'physical' });
		const [edit] = await bulk('hr', 'org', [{ ...doc, legalRef: 'AFS 2023:1 kap. 2' }]);
		expect(edit).toMatchObject({ error: 'forbidden', reason: expect.stringMatching(/legalRef cannot change/) });
		const [next] = await bulk('hr', 'org', [{ ...nextVersion(doc, [doc], NOW), legalRef: 'AFS 2023:1 kap. 2' }]);
		expect(next).toMatchObject({ ok: true, id: 'template:physical.v2' });
	});

	it('refuses publishing a new version that changes nothing, with the reason the device explains', async () => {
		const [, second] = starterTemplates(NOW) as [TemplateDoc, TemplateDoc];
		const draft = nextVersion(second, [second], NOW);
		const [saved] = await bulk('hr', 'org', [draft]);
		expect(saved).toMatchObject({ ok: true });
		const [publish] = await bulk('hr', 'org', [{ ...draft, _rev: saved?.rev, status: 'published' }]);
		expect(publish).toMatchObject({ error: 'forbidden', reason: UNCHANGED_TEMPLATE_REASON });
	});

	it('lets staff send a pre-report and list open rounds, and read nothing of the unit', async () => {
		const staff = await h.signIn('medarbetare');
		const open = roundDoc('a1', { prereports: true, date: '2027-02-03' });
		const closed = roundDoc('a1', { date: '2027-02-04' });
		expect(await bulk('chef', 'unit-a1', [open, closed])).toMatchObject([{ ok: true }, { ok: true }]);

		const listed = await h.call({ method: 'GET', url: '/api/prereport-rounds', cookie: staff });
		expect(listed.statusCode).toBe(200);
		expect(listed.json()).toEqual({
			rounds: [
				{
					roundId: open._id,
					unitId: 'a1',
					unitName: 'Enhet A1',
					date: '2027-02-03',
					templateId: 'template:physical.v1',
				},
			],
		});
		// Those who sync the unit get nothing here, and the anonymous get 401.
		expect(
			(await h.call({ method: 'GET', url: '/api/prereport-rounds', cookie: await h.signIn('chef') })).json(),
		).toEqual({
			rounds: [],
		});
		expect((await h.call({ method: 'GET', url: '/api/prereport-rounds' })).statusCode).toBe(401);

		const mine = prereport(open._id);
		const [sent, refused, notMine] = await bulk('medarbetare', 'unit-a1', [
			mine,
			prereport(closed._id),
			{ ...roundDoc('a1'), createdBy: 'medarbetare' },
		]);
		expect(sent).toMatchObject({ ok: true, id: mine._id });
		expect(refused).toMatchObject({ error: 'forbidden', reason: 'this round does not take pre-reports' });
		expect(notMine).toMatchObject({ error: 'forbidden', reason: 'no write access to unit-a1' });

		// Sent twice (its answer was lost): taken as sent, with the stored revision; nothing new is written.
		const [again] = await bulk('medarbetare', 'unit-a1', [mine]);
		expect(again).toEqual({ id: mine._id, rev: sent?.rev, ok: true });
		const [changed] = await bulk('medarbetare', 'unit-a1', [{ ...mine, title: 'Annat' }]);
		expect(changed).toMatchObject({
			error: 'forbidden',
			reason: 'a pre-report cannot be changed or deleted once sent',
		});

		// Staff still read nothing of the unit.
		for (const url of ['/db/unit-a1/_changes', '/db/unit-a1']) {
			expect((await h.call({ method: 'GET', url, cookie: staff })).statusCode).toBe(403);
		}
		const back = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs?include_docs=true',
			cookie: staff,
			payload: { keys: [mine._id] },
		});
		expect(back.statusCode).toBe(403);
		// And the manager sees the pre-report through sync.
		const changes = await h.call({
			method: 'GET',
			url: '/db/unit-a1/_changes?include_docs=true',
			cookie: await h.signIn('chef'),
		});
		expect(changes.json().results.some((r: { id: string }) => r.id === mine._id)).toBe(true);
	});

	it('gives the division manager read access to every unit below, for the overdue list', async () => {
		const me = (await h.call({ method: 'GET', url: '/api/me', cookie: await h.signIn('avdchef') })).json();
		const scopes = Object.fromEntries(me.scopes.map((s: { scope: string; write: boolean }) => [s.scope, s.write]));
		expect(scopes).toMatchObject({ 'unit-avd-a': true, 'unit-a1': false, 'unit-a2': false, 'unit-a3': false });
		expect(scopes['unit-b1']).toBeUndefined();
	});
});
