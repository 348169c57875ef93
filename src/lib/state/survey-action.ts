/**
 * Where an action from a survey result comes from (issue 14): the campaign, the question and
 * the area it is about (the question's text), read from the campaign's survey version on the
 * device. Only the new-action page imports it, so the shell's first load does not grow.
 */
import { localizedText, surveyQuestions, unitScope, type Localized, type Me } from '../domain/index.ts';
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

/**
 * How the signed-in person may add an action from a survey result to `unitId`'s plan:
 * `unit` as its manager (the plan is on the device, the action opens after saving), `submit` as
 * HR, who does not read the unit and sends the action for its manager (decision 0040), or
 * undefined when they may not. A manager of the unit who is also HR works as the manager.
 * @example surveyActionRoad(hr, 'a1') // 'submit'
 */
export function surveyActionRoad(
	me: Pick<Me, 'roles' | 'scopes'> | null,
	unitId: string,
): 'unit' | 'submit' | undefined {
	if (!me || unitId === '') return undefined;
	const grant = me.scopes.find((s) => s.scope === unitScope(unitId) && s.write);
	if (grant?.role === 'manager') return 'unit';
	if (grant) return undefined;
	return me.roles.includes('hr') ? 'submit' : undefined;
}

/** The name of an org unit as the device holds it (HR reads `org`, not the unit), or the id. */
export async function orgUnitName(db: TryggDb | null, unitId: string): Promise<string> {
	const unit = db ? await db.docs.get(`unit:${unitId}`) : undefined;
	return unit?.type === 'unit' ? unit.name : unitId;
}
