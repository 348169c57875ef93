/**
 * How many responses `anon-responses` holds per campaign and group, kept from its changes feed
 * (decision 0017): the only reading of stored responses any route does, and it keeps counts only.
 */
import type { DocStore } from '../store/doc-store.ts';
import { CatchUp } from '../indexes/catch-up.ts';
import { ANON_DB } from './databases.ts';

const PAGE = 1000;

export class ResponseCounts {
	readonly #store: DocStore;
	#since: string | undefined;
	/** Ids counted, so a change seen twice counts once (stored responses never change). */
	readonly #seen = new Set<string>();
	readonly #counts = new Map<string, Map<string, number>>();
	readonly #catchUp = new CatchUp(() => this.#read());

	constructor(store: DocStore) {
		this.#store = store;
	}

	/** Stored responses per group of `campaignId`. */
	async of(campaignId: string): Promise<Map<string, number>> {
		await this.#catchUp.refresh();
		return new Map(this.#counts.get(campaignId) ?? []);
	}

	async #read(): Promise<void> {
		for (;;) {
			const page = await this.#store.changes(ANON_DB.responses, {
				...(this.#since ? { since: this.#since } : {}),
				limit: PAGE,
				includeDocs: true,
			});
			for (const row of page.results) {
				if (row.deleted || !row.doc || this.#seen.has(row.id)) continue;
				this.#seen.add(row.id);
				const campaign = String(row.doc.campaignId);
				const group = String(row.doc.group);
				const byGroup = this.#counts.get(campaign) ?? new Map<string, number>();
				byGroup.set(group, (byGroup.get(group) ?? 0) + 1);
				this.#counts.set(campaign, byGroup);
			}
			this.#since = page.last_seq;
			if (page.results.length < PAGE) return;
		}
	}
}
