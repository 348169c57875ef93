/**
 * Survey versions for HR's editor (issue 13, decision 0030): families, the next version, a copy,
 * a blank survey, new questions of each kind, conditions on earlier questions and reordering.
 * Built on the same family rules as round templates
 * (`versions.ts`, decision 0006). Pure functions; they never read storage or a clock.
 */
import { idKey, newId } from './ids.ts';
import type { Localized } from './schema-parts.ts';
import {
	DEFAULT_TEXT_ANSWER,
	K_FLOOR,
	surveyQuestions,
	surveyVersionId,
	type QuestionKind,
	type SurveyDoc,
	type SurveyKind,
	type SurveyOption,
	type SurveyQuestion,
	type SurveySection,
} from './surveys.ts';
import { copyAsFamily, families, moveAcross, nextVersionOf, usable, type VersionFamily } from './versions.ts';

export type SurveyFamily = VersionFamily<SurveyDoc>;

/**
 * Survey versions grouped into families (current published version, open draft, all versions).
 * @example surveyFamilies([hmeV1, hmeV2draft])[0]?.draft?.version // 2
 */
export function surveyFamilies(surveys: readonly SurveyDoc[]): SurveyFamily[] {
	return families(surveys);
}

/**
 * The versions a new campaign may use: each family's newest published version, not retired.
 * @example campaignableSurveys([hmeV1, hmeV2]) // [hmeV2]
 */
export function campaignableSurveys(surveys: readonly SurveyDoc[]): SurveyDoc[] {
	return usable(surveys);
}

/**
 * The next version of `base` as a draft to edit; the published version stays as it is.
 * @example nextSurveyVersion(hmeV1, [hmeV1], now)._id // 'survey:hme.v2'
 */
export function nextSurveyVersion(base: SurveyDoc, versions: readonly SurveyDoc[], now: string): SurveyDoc {
	return nextVersionOf(base, versions, now, surveyVersionId);
}

/**
 * A new survey family copied from `base` (version 1, a draft), its title prefixed.
 * @example copySurvey(hmeV1, { sv: 'Kopia av', en: 'Copy of' }, now).version // 1
 */
export function copySurvey(base: SurveyDoc, prefix: Localized, now: string): SurveyDoc {
	return copyAsFamily(base, newSurveyKey(), prefix, now, surveyVersionId);
}

/** Texts a new survey starts with (from the catalogue, in both languages). */
export type BlankTexts = { title: Localized; intro: Localized; section: Localized; question: Localized };

/** A brand-new survey of `kind`: one section with one yes/no question, k at the kind's floor, a draft. */
export function blankSurvey(kind: SurveyKind, texts: BlankTexts, now: string): SurveyDoc {
	const family = newSurveyKey();
	return {
		_id: surveyVersionId(family, 1),
		type: 'survey',
		scope: 'org',
		family,
		kind,
		title: texts.title,
		intro: texts.intro,
		sensitive: kind === 'close_relationship',
		k: K_FLOOR[kind],
		version: 1,
		status: 'draft',
		retired: false,
		sections: [{ id: newSurveyKey(), title: texts.section, questions: [newQuestion('yesno', texts.question)] }],
		createdAt: now,
		updatedAt: now,
	};
}

/** A fresh key for a family, section, question or option: lower-case, unique across copies. */
export function newSurveyKey(): string {
	return idKey(newId('survey'))
		.replaceAll(/[^a-z0-9-]/g, '')
		.slice(-12);
}

/** A new question of `kind`; choice questions start with two options to fill in. */
export function newQuestion(kind: QuestionKind, text: Localized = { sv: '', en: '' }): SurveyQuestion {
	return withKind({ id: newSurveyKey(), kind: 'yesno', text, required: false }, kind);
}

/** A new, empty option. */
export function newOption(): SurveyOption {
	return { value: newSurveyKey(), label: { sv: '', en: '' } };
}

/**
 * The question as `kind`: options only for single and multiple choice (two empty ones to start),
 * end labels only for a scale, a length only for free text; text, help and conditions are kept.
 * @example withKind(yesNoQuestion, 'text').maxLength // 1000
 */
export function withKind(q: SurveyQuestion, kind: QuestionKind): SurveyQuestion {
	const { options, scaleLow, scaleHigh, maxLength, ...rest } = q;
	const out: SurveyQuestion = { ...rest, kind };
	if (kind === 'single' || kind === 'multi') out.options = options ?? [newOption(), newOption()];
	if (kind === 'scale') {
		out.scaleLow = scaleLow ?? { sv: '', en: '' };
		out.scaleHigh = scaleHigh ?? { sv: '', en: '' };
	}
	if (kind === 'text') out.maxLength = maxLength ?? DEFAULT_TEXT_ANSWER;
	return out;
}

/** A question a condition may test, with the values it can have (free text has none). */
export type ConditionSource = { question: SurveyQuestion; values: { value: string; label: Localized | string }[] };

/**
 * The questions before `questionId` that a condition on it may name (every kind but free text),
 * with their answer values: what the editor offers, so a condition always points backwards.
 * @example conditionSources(threat.sections, 'who').map((s) => s.question.id) // ['threatened', 'violence', 'harassed']
 */
export function conditionSources(sections: readonly SurveySection[], questionId: string): ConditionSource[] {
	const out: ConditionSource[] = [];
	for (const q of sections.flatMap((s) => s.questions)) {
		if (q.id === questionId) break;
		const values = valuesOf(q);
		if (values) out.push({ question: q, values });
	}
	return out;
}

function valuesOf(q: SurveyQuestion): ConditionSource['values'] | undefined {
	switch (q.kind) {
		case 'single':
		case 'multi':
			return (q.options ?? []).map((o) => ({ value: o.value, label: o.label }));
		case 'yesno':
			return [
				{ value: 'yes', label: 'yes' },
				{ value: 'no', label: 'no' },
			];
		case 'scale':
			return ['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v }));
		case 'text':
			return undefined;
	}
}

/**
 * Move a question within its section or across to the neighbouring one at an edge (a section
 * never empties). Conditions are not changed: one that now points forward is reported by
 * `surveyShapeProblem`, so nothing HR wrote disappears silently.
 */
export function moveQuestion(sections: readonly SurveySection[], s: number, i: number, step: -1 | 1): SurveySection[] {
	return moveAcross(sections, 'questions', s, i, step);
}

/** Where each question is (section and place, from 1), for messages that point at it. */
export function questionPlaces(sections: readonly SurveySection[]): Map<string, { section: number; n: number }> {
	const out = new Map<string, { section: number; n: number }>();
	sections.forEach((s, si) => s.questions.forEach((q, qi) => out.set(q.id, { section: si + 1, n: qi + 1 })));
	return out;
}

/** The questions whose conditions name `questionId` (they must change before it goes). */
export function dependents(sections: readonly SurveySection[], questionId: string): SurveyQuestion[] {
	return surveyQuestions({ sections: [...sections] }).filter((q) =>
		q.showIf?.anyOf.some((c) => c.questionId === questionId),
	);
}
