/**
 * The survey result pages' state (issue 14 item 3): the device's result documents, live, read
 * through the pure functions of `survey-results.ts`. Reads IndexedDB only, so it opens offline.
 */
import { liveQuery } from 'dexie';
import type { CampaignDoc, Localized, SurveyDoc, SurveyQuestion } from '../domain/index.ts';
import { localizedText, surveyQuestions } from '../domain/index.ts';
import type { TryggDb } from '../db/app-db.ts';
import { Live } from './live.svelte.ts';
import {
	campaignSummaries,
	EMPTY_RESULTS,
	readResultDocs,
	resultNodes,
	textGroups,
	type CampaignSummary,
	type ResultDocs,
	type ResultNode,
	type TextGroup,
} from './survey-results.ts';

type Locale = keyof Localized;

/** The closed campaigns with results the signed-in person has on this device. */
export class SurveyResultsList {
	readonly #live: Live<ResultDocs> | null;
	readonly #locale: () => Locale;

	constructor(db: TryggDb | null, locale: () => Locale) {
		this.#live = db
			? new Live(
					liveQuery(() => readResultDocs(db)),
					EMPTY_RESULTS,
				)
			: null;
		this.#locale = locale;
	}

	get loaded(): boolean {
		return this.#live?.loaded ?? true;
	}
	get campaigns(): CampaignSummary[] {
		return campaignSummaries(this.#live?.current ?? EMPTY_RESULTS, this.#locale());
	}
}

/** One campaign's results: nodes, questions, tables, free text. */
export class CampaignResults {
	readonly campaignId: string;
	readonly #live: Live<ResultDocs> | null;
	readonly #locale: () => Locale;

	constructor(db: TryggDb | null, campaignId: string, locale: () => Locale) {
		this.campaignId = campaignId;
		this.#live = db
			? new Live(
					liveQuery(() => readResultDocs(db)),
					EMPTY_RESULTS,
				)
			: null;
		this.#locale = locale;
	}

	get loaded(): boolean {
		return this.#live?.loaded ?? true;
	}
	get docs(): ResultDocs {
		return this.#live?.current ?? EMPTY_RESULTS;
	}
	get campaign(): CampaignDoc | null {
		return this.docs.campaigns.find((c) => c._id === this.campaignId) ?? null;
	}
	get survey(): SurveyDoc | null {
		const id = this.campaign?.surveyId;
		return this.docs.surveys.find((s) => s._id === id) ?? null;
	}
	get title(): string {
		return this.survey ? localizedText(this.survey.title, this.#locale()) : this.campaignId;
	}
	get nodes(): ResultNode[] {
		return resultNodes(this.docs, this.campaignId);
	}
	/** The questions with figures (every kind but free text), in the survey's order. */
	get questions(): SurveyQuestion[] {
		return this.survey ? surveyQuestions(this.survey).filter((q) => q.kind !== 'text') : [];
	}
	get isHme(): boolean {
		return this.nodes.some((n) => n.doc.subtree.hme !== undefined);
	}
	get texts(): TextGroup[] {
		return this.survey ? textGroups(this.docs, this.campaignId, surveyQuestions(this.survey), this.nodes) : [];
	}
}
