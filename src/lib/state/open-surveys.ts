/**
 * The surveys a person is asked to answer (issue 13), for the home page: campaigns in `org` that
 * are open today and target a part of the org tree where the person has a membership, with what
 * this device knows of their answer (not started, started, waiting to be sent, refused, sent).
 * The server decides who may answer; this only lists. Pure: documents, person and day are arguments.
 */
import {
	campaignPhase,
	homeUnit,
	idKey,
	type CampaignDoc,
	type Me,
	type SurveyDoc,
	type TreeUnit,
} from '../domain/index.ts';
import type { AnonOutboxEntry, StoredDoc } from '../db/app-db.ts';
import type { SurveyStatus } from '../db/surveys-repo.ts';

export type SurveyPerson = Pick<Me, 'scopes'>;

export type OpenSurvey = {
	campaign: CampaignDoc;
	survey: SurveyDoc;
	/**
	 * The person is one of its people: a membership the profile shows in the target's subtree, or
	 * the server gave them the group's key, or this device has answers for it. Staff profiles name
	 * no units (staff sync no unit scope), so for them the key is what tells.
	 */
	asked: boolean;
	/** What this device knows: nothing yet, answers kept, queued, refused by the server, or sent. */
	state: 'new' | 'started' | 'queued' | 'refused' | 'sent';
	error?: AnonOutboxEntry['error'];
};

export const SURVEY_DOC_TYPES = ['campaign', 'survey', 'unit'] as const;

/** The org tree as the group rules name it (`a1`, parent `avd-a`), from the device's unit documents. */
export function treeOf(docs: readonly StoredDoc[]): TreeUnit[] {
	return docs
		.filter((d) => d.type === 'unit' && !d._deleted)
		.map((d) => ({
			id: idKey(d._id),
			parentId: d.type === 'unit' && d.parentId !== null ? idKey(d.parentId) : null,
		}));
}

/** Is the person one of the campaign's people (a membership in the target's subtree)? */
export function isAsked(campaign: CampaignDoc, person: SurveyPerson, tree: readonly TreeUnit[]): boolean {
	const memberships = person.scopes.filter((s) => s.unitId !== null).map((s) => ({ unitId: s.unitId as string }));
	return homeUnit(memberships, tree, campaign.targetUnitId) !== undefined;
}

/**
 * Open campaigns on `today` (a Swedish day) with what the device knows of `person`'s answer, the
 * one closing first first; `asked` says whether to list it. Pure.
 * @example openSurveysFor([], { scopes: [] }, '2026-12-06', { keyed: [], started: [], queued: [], sent: [] }) // []
 */
export function openSurveysFor(
	docs: readonly StoredDoc[],
	person: SurveyPerson,
	today: string,
	status: SurveyStatus,
): OpenSurvey[] {
	const live = docs.filter((d) => !d._deleted);
	const surveys = new Map(live.filter((d) => d.type === 'survey').map((d) => [d._id, d as SurveyDoc]));
	const tree = treeOf(live);
	const sent = new Set(status.sent);
	const queued = new Map(status.queued.map((q) => [q.campaignId, q]));
	const out: OpenSurvey[] = [];
	for (const doc of live) {
		if (doc.type !== 'campaign') continue;
		const campaign = doc as CampaignDoc;
		const survey = surveys.get(campaign.surveyId);
		if (!survey || campaignPhase(campaign, today) !== 'open') continue;
		const entry = queued.get(campaign._id);
		const state: OpenSurvey['state'] = sent.has(campaign._id)
			? 'sent'
			: entry
				? entry.state === 'refused'
					? 'refused'
					: 'queued'
				: status.started.includes(campaign._id)
					? 'started'
					: 'new';
		const asked = state !== 'new' || status.keyed.includes(campaign._id) || isAsked(campaign, person, tree);
		out.push({ campaign, survey, asked, state, ...(entry?.error ? { error: entry.error } : {}) });
	}
	return out.sort(
		(a, b) => a.campaign.closesOn.localeCompare(b.campaign.closesOn) || a.campaign._id.localeCompare(b.campaign._id),
	);
}
