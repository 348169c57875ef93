/**
 * HR's survey editor with its collaborators (issue 13): an edit is saved as the draft after a
 * pause, kept and backed up while something is wrong (an empty Swedish text, k below the kind's
 * floor, a condition on a later question), restored on the next open; publishing an unchanged
 * draft is refused; the list's commands make a new version and never touch a published one.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDoc } from '../db/docs-repo.ts';
import { AppError } from '../domain/index.ts';
import { starterSurveys } from '../domain/starter-surveys.ts';
import { nextSurveyVersion } from '../domain/survey-versions.ts';
import { SURVEY_RULE_REASONS, surveyDocSchema, type SurveyDoc } from '../domain/surveys.ts';
import { messageFor } from './errors.ts';
import { fieldIds, SurveyCommands, SurveyEditor, surveyProblems } from './surveys.svelte.ts';
import { HR, testCollaborators, type TestCollaborators } from './test-collaborators.ts';

const NOW = new Date('2026-11-23T09:00:00.000Z');

function fakePage() {
	const win = new EventTarget();
	const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
	return { window: win, document: doc, leave: () => win.dispatchEvent(new Event('pagehide')) };
}

let c: TestCollaborators;
let threat: SurveyDoc;
let draft: SurveyDoc;
let versions: SurveyDoc[];
beforeEach(async () => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
	c = testCollaborators(HR, NOW);
	threat = starterSurveys(NOW.toISOString())[0] as SurveyDoc;
	draft = nextSurveyVersion(threat, [threat], NOW.toISOString());
	await c.writer.save(threat);
	await c.writer.save(draft);
	versions = [threat, draft];
});
afterEach(() => {
	vi.useRealTimers();
	c.db.close();
});

async function stored(id = draft._id): Promise<SurveyDoc | undefined> {
	const doc = await getDoc(c.db, id);
	return doc?.type === 'survey' ? doc : undefined;
}

describe('SurveyEditor', () => {
	it('saves an edit as the draft after a pause, English left empty, the published version untouched', async () => {
		const editor = new SurveyEditor(draft, c, () => versions);
		editor.doc.intro = { sv: 'Ny inledning', en: '' };
		editor.touch();
		expect(editor.unsaved).toBe(true);
		await vi.advanceTimersByTimeAsync(700);
		await vi.waitFor(async () => expect((await stored())?.intro).toEqual({ sv: 'Ny inledning', en: '' }));
		expect(editor.unsaved).toBe(false);
		expect((await stored())?.status).toBe('draft');
		expect((await stored(threat._id))?.intro).toEqual(threat.intro);
	});

	it('keeps an edit with k below the floor unsaved, backed up, restored, and names the field', async () => {
		const editor = new SurveyEditor(draft, c, () => versions);
		const page = fakePage();
		editor.attach(page);
		expect(editor.floor).toBe(8);
		editor.doc.k = 5;
		editor.touch();
		await vi.advanceTimersByTimeAsync(700);
		expect(editor.unsaved).toBe(true);
		expect((await stored())?.k).toBe(8);
		page.leave();
		expect(c.storage.getItem(`trygg.unsaved.hr|${draft._id}`)).not.toBeNull();

		const next = new SurveyEditor(draft, c, () => versions);
		next.attach(fakePage());
		expect(next.doc.k).toBe(5);
		expect(next.problems().map((p) => p.field)).toEqual(['k']);
	});

	it("edits one question's options without changing another that shared them in the stored draft", () => {
		// The starter surveys reuse one option list for several questions.
		expect(draft.sections[0]!.questions[0]!.options).toBe(draft.sections[0]!.questions[1]!.options);
		const editor = new SurveyEditor(draft, c, () => versions);
		editor.doc.sections[0]!.questions[0]!.options![0]!.label.sv = 'Aldrig';
		expect(editor.doc.sections[0]!.questions[1]!.options![0]!.label.sv).toBe('Nej');
	});

	it('raises k to the floor when the kind changes to one with a higher floor', () => {
		const editor = new SurveyEditor(draft, c, () => versions);
		editor.setKind('close_relationship');
		expect(editor.doc.k).toBe(10);
		editor.setKind('hme');
		expect(editor.doc.k).toBe(10);
	});

	it('edits every kind of question and a condition on an earlier one, then publishes a valid version', async () => {
		const editor = new SurveyEditor(draft, c, () => versions);
		const s = editor.doc.sections.length - 1;
		const yesNo = editor.addQuestion(s, 'yesno');
		const follow = editor.addQuestion(s, 'multi');
		const section = editor.doc.sections[s]!;
		const qYes = section.questions.find((q) => q.id === yesNo)!;
		qYes.text.sv = 'Har du fått stöd?';
		const qFollow = section.questions.find((q) => q.id === follow)!;
		qFollow.text.sv = 'Från vem?';
		qFollow.options!.forEach((o, i) => (o.label.sv = `Alternativ ${i + 1}`));
		expect(editor.addCondition(qFollow)).toBe(true);
		editor.setConditionQuestion(qFollow, 0, yesNo);
		// Without a value the condition is a problem, tied to its field.
		expect(editor.problems().map((p) => p.field)).toEqual([fieldIds.condition(follow, 0)]);
		editor.toggleConditionValue(qFollow, 0, 'yes', true);
		const i = section.questions.findIndex((q) => q.id === yesNo);
		editor.setQuestionKind(s, i, 'scale');
		// A scale needs words for both ends; the condition on "yes" no longer fits a 1–5 scale.
		expect(editor.problems().map((p) => p.field)).toEqual([
			fieldIds.scaleLow(yesNo),
			fieldIds.scaleHigh(yesNo),
			fieldIds.condition(follow, 0),
		]);
		editor.setQuestionKind(s, i, 'yesno');
		expect(editor.problems()).toEqual([]);

		const doc = await editor.save('published');
		expect(surveyDocSchema.safeParse(doc).success).toBe(true);
		expect(doc.sections[s]!.questions.at(-1)!.showIf).toEqual({ anyOf: [{ questionId: yesNo, values: ['yes'] }] });
		expect((await stored())?.status).toBe('published');
	});

	it('reports a condition that a move makes point forward, and stores nothing until it is fixed', async () => {
		const editor = new SurveyEditor(draft, c, () => versions);
		// "who" (4th) depends on the first three; move the first below it.
		for (let i = 0; i < 3; i++) editor.moveQuestion(0, i, 1);
		const problems = editor.problems();
		expect(problems.map((p) => p.field)).toContain(fieldIds.condition('who', 0));
		editor.touch();
		await vi.advanceTimersByTimeAsync(700);
		expect(editor.unsaved).toBe(true);
		expect((await stored())?.sections[0]!.questions[0]!.id).toBe('threatened');
	});

	it('refuses publishing a draft identical to the latest published version, translated', async () => {
		const editor = new SurveyEditor(draft, c, () => versions);
		const refused = await editor.save('published').catch((err: unknown) => err);
		expect((refused as AppError).message).toBe(SURVEY_RULE_REASONS.unchangedSurvey);
		expect(messageFor(refused)).toMatch(/likadant som den senast publicerade/);
		expect((await stored())?.status).toBe('draft');
	});

	it('names every empty Swedish text in reading order and no English one', () => {
		const d = JSON.parse(JSON.stringify(draft)) as SurveyDoc;
		d.title = { sv: ' ', en: 'Title' };
		const q = d.sections[0]!.questions[0]!;
		q.options![1]!.label = { sv: '', en: 'Once' };
		expect(surveyProblems(d).map((p) => p.field)).toEqual(['title-sv', fieldIds.optionSv(q.id, 'once')]);
		expect(surveyProblems(draft)).toEqual([]);
	});
});

describe('SurveyCommands', () => {
	it('edits a published version by making the next one, and reuses an open draft', async () => {
		const commands = new SurveyCommands(c);
		expect(await commands.editVersion(threat, versions)).toEqual(draft);
		const hme = starterSurveys(NOW.toISOString())[3] as SurveyDoc;
		const next = await commands.editVersion(hme, [hme]);
		expect(next._id).toBe('survey:hme.v2');
		expect((await stored(next._id))?.status).toBe('draft');
	});

	it('makes a blank survey and a copy that the shared schema accepts, and retires a version', async () => {
		const commands = new SurveyCommands(c);
		const blank = await commands.createBlank('harassment');
		expect(blank.k).toBe(8);
		expect(surveyDocSchema.safeParse(await stored(blank._id)).success).toBe(true);
		const copy = await commands.copyOf(threat);
		expect(copy.title.sv).toBe(`Kopia av ${threat.title.sv}`);
		await commands.setRetired(threat, true);
		expect((await stored(threat._id))?.retired).toBe(true);
	});
});
