import { describe, expect, it } from 'vitest';
import { starterSurveys } from './starter-surveys.ts';
import {
	blankSurvey,
	campaignableSurveys,
	conditionSources,
	copySurvey,
	dependents,
	moveQuestion,
	newQuestion,
	nextSurveyVersion,
	surveyFamilies,
	withKind,
} from './survey-versions.ts';
import { surveyDocSchema, surveyShapeProblem, type SurveyDoc } from './surveys.ts';

const NOW = '2026-03-01T09:00:00.000Z';
const [threat, , , hme] = starterSurveys(NOW) as [SurveyDoc, SurveyDoc, SurveyDoc, SurveyDoc];
const l = (sv: string) => ({ sv, en: '' });

describe('survey versions', () => {
	it('makes the next version a draft with the content copied, the published one untouched', () => {
		const v2 = nextSurveyVersion(hme, [hme], NOW);
		expect(v2).toMatchObject({ _id: 'survey:hme.v2', version: 2, status: 'draft', retired: false, family: 'hme' });
		expect(v2.sections).toEqual(hme.sections);
		v2.sections[0]!.title.sv = 'Ändrad';
		expect(hme.sections[0]!.title.sv).not.toBe('Ändrad');
		expect(surveyDocSchema.safeParse(v2).success).toBe(true);
		// Above every version of the family, not just the base.
		const v3 = nextSurveyVersion(hme, [hme, v2], NOW);
		expect(v3._id).toBe('survey:hme.v3');
	});

	it('groups families with their current version and open draft; retired ones take no campaign', () => {
		const v2 = nextSurveyVersion(hme, [hme], NOW);
		const [fam] = surveyFamilies([v2, hme]);
		expect(fam).toMatchObject({ family: 'hme', current: hme, draft: v2, retired: false });
		expect(campaignableSurveys([hme, v2, threat])).toEqual([hme, threat]);
		expect(campaignableSurveys([{ ...hme, retired: true }, threat])).toEqual([threat]);
	});

	it('copies into a new family, version 1, prefixed title, valid', () => {
		const copy = copySurvey(threat, { sv: 'Kopia av', en: 'Copy of' }, NOW);
		expect(copy.family).not.toBe(threat.family);
		expect(copy).toMatchObject({ version: 1, status: 'draft', k: 8 });
		expect(copy.title.sv).toBe(`Kopia av ${threat.title.sv}`);
		expect(surveyDocSchema.safeParse(copy).success).toBe(true);
	});

	it('starts a blank survey at the floor of its kind, sensitive for close relationships', () => {
		const texts = { title: l('Ny'), intro: l('Intro'), section: l('Del'), question: l('Fråga?') };
		const blank = blankSurvey('close_relationship', texts, NOW);
		expect(blank).toMatchObject({ k: 10, sensitive: true, status: 'draft' });
		expect(surveyDocSchema.safeParse(blank).success).toBe(true);
	});

	it('gives each kind of question only its own fields', () => {
		const q = { ...newQuestion('single', l('Vad?')), help: l('Hjälp') };
		expect(q.options).toHaveLength(2);
		const text = withKind(q, 'text');
		expect(text).toMatchObject({ kind: 'text', maxLength: 1000, help: l('Hjälp') });
		expect(text.options).toBeUndefined();
		const scale = withKind(text, 'scale');
		expect(scale.maxLength).toBeUndefined();
		expect(scale.scaleLow).toEqual({ sv: '', en: '' });
		expect(withKind(scale, 'yesno')).not.toHaveProperty('scaleLow');
	});

	it('offers conditions only on earlier questions that have values', () => {
		expect(conditionSources(threat.sections, 'who').map((s) => s.question.id)).toEqual([
			'threatened',
			'violence',
			'harassed',
		]);
		expect(conditionSources(threat.sections, 'threatened')).toEqual([]);
		expect(dependents(threat.sections, 'threatened').map((q) => q.id)).toContain('who');
	});

	it('moves a question across sections; a condition that then points forward is a shape problem', () => {
		// "who" depends on "threatened": moving "threatened" below it breaks the rule, and says so.
		let sections = threat.sections;
		for (let i = 0; i < 3; i++) sections = moveQuestion(sections, 0, i, 1);
		expect(sections[0]!.questions.findIndex((q) => q.id === 'threatened')).toBe(3);
		expect(surveyShapeProblem(sections)).toMatch(/earlier question/);
		expect(threat.sections[0]!.questions[0]!.id).toBe('threatened');
	});
});
