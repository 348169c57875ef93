/**
 * Where an action from a survey result comes from (issue 14): the campaign, the question and
 * the area it is about (the question's text), read from the campaign's survey version on the
 * device. Only the new-action page imports it, so the shell's first load does not grow.
 */
import { localizedText, surveyQuestions, type Localized } from '../domain/index.ts';
import type { TryggDb } from '../db/app-db.ts';
import type { SurveyOrigin } from './actions.svelte.ts';

/** The origin of an action from question `questionId` of `campaignId`, or undefined when unknown here. */
export async function surveyActionOrigin(
	db: TryggDb | null,
	campaignId: string,
	questionId: string,
	locale: keyof Localized,
): Promise<SurveyOrigin | undefined> {
	if (!db) return undefined;
	const campaign = await db.docs.get(campaignId);
	if (campaign?.type !== 'campaign') return undefined;
	const survey = await db.docs.get(campaign.surveyId);
	if (survey?.type !== 'survey') return undefined;
	const question = surveyQuestions(survey).find((q) => q.id === questionId);
	if (!question) return undefined;
	return { campaignId, questionId, area: localizedText(question.text, locale).slice(0, 200) };
}
