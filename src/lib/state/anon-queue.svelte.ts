/**
 * Survey responses on this device that have not reached the server (decision 0030), for the
 * sync page: how many wait to be sent, and the refused ones with the survey and the reason. The
 * answers themselves are never shown here; a sensitive survey is named neutrally, as on the phone.
 */
import type { AnonOutboxEntry, StoredDoc, TryggDb } from '../db/app-db.ts';
import { liveDocsOfTypes } from '../db/docs-repo.ts';
import { liveSurveyStatus } from '../db/surveys-repo.ts';
import type { Localized } from '../domain/index.ts';

export type RefusedResponse = {
	campaignId: string;
	/** The survey's title, or null for a sensitive survey (the page shows a neutral word) or one not on the device. */
	title: Localized | null;
	error: { code: string; reason: string };
};

/** The waiting count and the refused responses, from the anonymous outbox and the synced campaigns. */
export function anonQueue(
	queued: readonly AnonOutboxEntry[],
	docs: readonly StoredDoc[],
): { waiting: number; refused: RefusedResponse[] } {
	// A handful of campaigns and surveys: a lookup table would cost more than it saves.
	const byId = { get: (id: string) => docs.find((d) => d._id === id) };
	const refused: RefusedResponse[] = [];
	for (const entry of queued) {
		if (entry.state !== 'refused') continue;
		const campaign = byId.get(entry.campaignId);
		const survey = campaign?.type === 'campaign' ? byId.get(campaign.surveyId) : undefined;
		const title = survey?.type === 'survey' && !survey.sensitive ? survey.title : null;
		refused.push({
			campaignId: entry.campaignId,
			title,
			error: entry.error ?? { code: 'unknown', reason: '' },
		});
	}
	return { waiting: queued.filter((q) => q.state === 'pending').length, refused };
}

/** `anonQueue` kept current while the sync page is open. */
export class AnonQueueView {
	readonly #db: TryggDb;
	#queued = $state.raw<readonly AnonOutboxEntry[]>([]);
	#docs = $state.raw<readonly StoredDoc[]>([]);

	constructor(db: TryggDb) {
		this.#db = db;
	}

	readonly current = $derived(anonQueue(this.#queued, this.#docs));

	/** Follow the device; returns the way to stop. */
	watch(): () => void {
		const status = liveSurveyStatus(this.#db).subscribe({ next: (s) => (this.#queued = s.queued) });
		const docs = liveDocsOfTypes(this.#db, ['campaign', 'survey']).subscribe({ next: (d) => (this.#docs = d) });
		return () => {
			status.unsubscribe();
			docs.unsubscribe();
		};
	}
}
