/**
 * A campaign's reporting groups, frozen the first time the campaign needs them (decision 0030):
 * later moves of people do not shift groups mid-campaign. Stored in `anon-keys` as counts per
 * unit and group, never names; cached in memory. Several servers racing to freeze agree on the
 * first stored version.
 */
import type { CampaignDoc, TreeUnit } from '../../../src/lib/domain/index.ts';
import { ANON_REASONS, AppError, reportingGroups } from '../../../src/lib/domain/index.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';
import { ANON_DB } from './databases.ts';
import type { Roster } from './eligible.ts';
import { eligiblePeople } from './eligible.ts';

/** The frozen groups of one campaign: each unit's group, and each group's size. */
export type FrozenGroups = {
	campaignId: string;
	targetUnitId: string;
	k: number;
	groupOf: Record<string, string>;
	sizes: Record<string, number>;
};

const groupsDocId = (campaignId: string): string => `groups~${campaignId}`;

function fromDoc(doc: StoredDoc): FrozenGroups {
	return {
		campaignId: String(doc.campaignId),
		targetUnitId: String(doc.targetUnitId),
		k: Number(doc.k),
		groupOf: doc.groupOf as Record<string, string>,
		sizes: doc.sizes as Record<string, number>,
	};
}

export class CampaignGroups {
	readonly #store: DocStore;
	readonly #cache = new Map<string, FrozenGroups>();

	constructor(store: DocStore) {
		this.#store = store;
	}

	/** The frozen groups, if the campaign has needed them before (never freezes). */
	async peek(campaignId: string): Promise<FrozenGroups | undefined> {
		const cached = this.#cache.get(campaignId);
		if (cached) return cached;
		const [row] = await this.#store.allDocs(ANON_DB.keys, [groupsDocId(campaignId)], { includeDocs: true });
		if (!row || !('doc' in row) || !row.doc || row.value.deleted) return undefined;
		const frozen = fromDoc(row.doc);
		this.#cache.set(campaignId, frozen);
		return frozen;
	}

	/**
	 * The campaign's groups, frozen now from the roster and org tree if this is the first need.
	 * Refuses (`forbidden`, `ANON_REASONS.tooFewPeople`) when the target has fewer than k people.
	 * The caller serialises calls per campaign.
	 */
	async freeze(campaign: CampaignDoc, roster: Roster, units: readonly TreeUnit[]): Promise<FrozenGroups> {
		const known = await this.peek(campaign._id);
		if (known) return known;
		const { counts } = await eligiblePeople(roster, units, campaign.targetUnitId);
		const groups = reportingGroups(units, counts, campaign.targetUnitId, campaign.k);
		if (!groups) throw new AppError('forbidden', ANON_REASONS.tooFewPeople);
		const frozen: FrozenGroups = {
			campaignId: campaign._id,
			targetUnitId: campaign.targetUnitId,
			k: campaign.k,
			groupOf: Object.fromEntries(groups.groupOf),
			sizes: Object.fromEntries(groups.sizes),
		};
		const [result] = await this.#store.bulkDocs(ANON_DB.keys, [{ _id: groupsDocId(campaign._id), ...frozen }]);
		if (result && 'error' in result) {
			// Another server froze them first: theirs count.
			const theirs = await this.peek(campaign._id);
			if (theirs) return theirs;
			throw new AppError('server', 'the reporting groups could not be stored');
		}
		this.#cache.set(campaign._id, frozen);
		return frozen;
	}
}

/** The units whose people make up `group`. */
export function unitsOfGroup(frozen: FrozenGroups, group: string): string[] {
	return Object.entries(frozen.groupOf)
		.filter(([, g]) => g === group)
		.map(([unit]) => unit)
		.sort();
}

/** `unitsOfGroup` of every group at once, in one pass over the units (a publication needs them all). */
export function unitsByGroup(frozen: FrozenGroups): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const [unit, group] of Object.entries(frozen.groupOf)) {
		const units = out.get(group);
		if (units) units.push(unit);
		else out.set(group, [unit]);
	}
	for (const units of out.values()) units.sort();
	return out;
}
