/**
 * The survey editor's checks and the document it stores (issue 13): every problem of a working
 * copy tied to its field, in reading order, and the trimmed document. Pure of storage.
 */
import type { Localized } from '../domain/index.ts';
import { conditionSources } from '../domain/survey-versions.ts';
import {
	K_FLOOR,
	MAX_K,
	MAX_TEXT_ANSWER,
	surveyDocSchema,
	surveyShapeProblem,
	type SurveyDoc,
	type SurveyQuestion,
} from '../domain/surveys.ts';
import { t } from '../i18n/i18n.svelte.ts';

/** One problem of a working copy: the field to focus (or null) and its translated message. */
export type SurveyProblem = { field: string | null; message: string };

/** Field ids of the editor, shared by the page and the problems that point at them. */
export const fieldIds = {
	questionSv: (qid: string) => `q-${qid}-sv`,
	optionSv: (qid: string, value: string) => `opt-${qid}-${value}-sv`,
	scaleLow: (qid: string) => `low-${qid}-sv`,
	scaleHigh: (qid: string) => `high-${qid}-sv`,
	maxLength: (qid: string) => `len-${qid}`,
	condition: (qid: string, c: number) => `cond-${qid}-${c}`,
	sectionSv: (sid: string) => `section-${sid}-sv`,
};

/**
 * Every problem of a working copy, in reading order: Swedish text left empty (English is
 * optional), k below the kind's floor, a length out of range, a condition without values or on a
 * question that is not earlier; last, anything else the shared schema refuses.
 */
export function surveyProblems(d: SurveyDoc): SurveyProblem[] {
	const found: SurveyProblem[] = [];
	const need = (value: string | undefined, field: string, what: string): void => {
		if ((value ?? '').trim() === '') found.push({ field, message: t('form.required', { field: what }) });
	};
	need(d.title.sv, 'title-sv', t('surveys.field.titleSvShort'));
	need(d.intro.sv, 'intro-sv', t('surveys.field.introSvShort'));
	if (!Number.isInteger(d.k) || d.k < K_FLOOR[d.kind] || d.k > MAX_K) {
		found.push({ field: 'k', message: t('surveys.kRange', { floor: K_FLOOR[d.kind], max: MAX_K }) });
	}
	for (const [si, s] of d.sections.entries()) {
		need(s.title.sv, fieldIds.sectionSv(s.id), t('templates.field.sectionSv', { n: si + 1 }));
		for (const [qi, q] of s.questions.entries()) {
			const where = { n: qi + 1, section: si + 1 };
			need(q.text.sv, fieldIds.questionSv(q.id), t('templates.field.itemSv', where));
			for (const [oi, o] of (q.options ?? []).entries()) {
				need(o.label.sv, fieldIds.optionSv(q.id, o.value), t('surveys.field.optionShort', { ...where, o: oi + 1 }));
			}
			if (q.kind === 'scale') {
				need(q.scaleLow?.sv, fieldIds.scaleLow(q.id), t('surveys.field.scaleLowShort', where));
				need(q.scaleHigh?.sv, fieldIds.scaleHigh(q.id), t('surveys.field.scaleHighShort', where));
			}
			if (
				q.kind === 'text' &&
				(!Number.isInteger(q.maxLength) || (q.maxLength ?? 0) < 10 || (q.maxLength ?? 0) > MAX_TEXT_ANSWER)
			) {
				found.push({
					field: fieldIds.maxLength(q.id),
					message: t('surveys.lengthRange', { max: MAX_TEXT_ANSWER, ...where }),
				});
			}
			const sources = new Map(conditionSources(d.sections, q.id).map((x) => [x.question.id, x]));
			for (const [ci, c] of (q.showIf?.anyOf ?? []).entries()) {
				const source = sources.get(c.questionId);
				const ok = source && c.values.length > 0 && c.values.every((v) => source.values.some((x) => x.value === v));
				if (!ok) found.push({ field: fieldIds.condition(q.id, ci), message: t('surveys.conditionInvalid', where) });
			}
		}
	}
	if (found.length > 0) return found;
	const parsed = surveyDocSchema.safeParse(surveyToStore(d, d.status));
	if (!parsed.success) {
		found.push({
			field: null,
			message: t('error.invalid', { reason: surveyShapeProblem(d.sections) ?? parsed.error.issues[0]?.message ?? '' }),
		});
	}
	return found;
}

/** The document to store from a working copy: trimmed text, help only where written in Swedish. */
export function surveyToStore(working: SurveyDoc, status: SurveyDoc['status']): SurveyDoc {
	const d = structuredClone(working);
	const trim = (l: Localized): Localized => ({ sv: l.sv.trim(), en: l.en.trim() });
	const question = (q: SurveyQuestion): SurveyQuestion => {
		const out: SurveyQuestion = { ...q, text: trim(q.text) };
		if (q.help && q.help.sv.trim()) out.help = trim(q.help);
		else delete out.help;
		if (q.options) out.options = q.options.map((o) => ({ value: o.value, label: trim(o.label) }));
		if (q.scaleLow) out.scaleLow = trim(q.scaleLow);
		if (q.scaleHigh) out.scaleHigh = trim(q.scaleHigh);
		if (!q.showIf || q.showIf.anyOf.length === 0) delete out.showIf;
		return out;
	};
	return {
		...d,
		status,
		title: trim(d.title),
		intro: trim(d.intro),
		sections: d.sections.map((s) => ({ id: s.id, title: trim(s.title), questions: s.questions.map(question) })),
	};
}
