/**
 * The anonymous road's server side in one place (decision 0030): campaigns read from `org`,
 * frozen reporting groups, group keys, token issue, responses and participation counts. Routes
 * (routes/campaigns.ts, routes/anon.ts) check who asks and call in here.
 */
import { createHash } from 'node:crypto';
import type {
	AnonResponse,
	CampaignDoc,
	CampaignPhase,
	Participation,
	SurveyDoc,
} from '../../../src/lib/domain/index.ts';
import {
	ANON_REASONS,
	AppError,
	campaignDocSchema,
	campaignPhase,
	idKey,
	surveyDocSchema,
	swedishDay,
} from '../../../src/lib/domain/index.ts';
import type { PolicyUnit } from '../policy/access.ts';
import type { DocStore } from '../store/doc-store.ts';
import type { LocalDocs } from '../store/local-docs.ts';
import type { ScopeWriteLock } from '../store/write-lock.ts';
import { ANON_DB } from './databases.ts';
import type { Roster } from './eligible.ts';
import { eligiblePeople, treeUnits } from './eligible.ts';
import type { FrozenGroups } from './groups.ts';
import { CampaignGroups, unitsOfGroup } from './groups.ts';
import type { GroupKey } from './keys.ts';
import { GroupKeys, SUITE, fromB64url, toB64url } from './keys.ts';
import type { RandomSource } from './responses.ts';
import { AnonResponses } from './responses.ts';
import { ResponseCounts } from './response-counts.ts';

/** A campaign id from a URL: the key after `campaign:`, or the whole id. */
export function campaignDocId(param: string): string {
	return param.startsWith('campaign:') ? param : `campaign:${param}`;
}

const PHASE_REASON: Record<Exclude<CampaignPhase, 'open'>, string> = {
	upcoming: ANON_REASONS.upcoming,
	closed: ANON_REASONS.closed,
	cancelled: ANON_REASONS.cancelled,
};

export type RoadOptions = {
	store: DocStore;
	local: LocalDocs;
	lock: ScopeWriteLock;
	roster: Roster;
	/** The org tree (the server's cached one). */
	units: () => Promise<PolicyUnit[]>;
	now: () => Date;
	random?: RandomSource;
};

export class AnonRoad {
	readonly #o: RoadOptions;
	readonly groups: CampaignGroups;
	readonly keys: GroupKeys;
	readonly responses: AnonResponses;
	readonly #counts: ResponseCounts;

	constructor(opts: RoadOptions) {
		this.#o = opts;
		this.groups = new CampaignGroups(opts.store);
		this.keys = new GroupKeys(opts.store);
		this.responses = new AnonResponses({
			store: opts.store,
			local: opts.local,
			lock: opts.lock,
			now: opts.now,
			...(opts.random ? { random: opts.random } : {}),
		});
		this.#counts = new ResponseCounts(opts.store);
	}

	/** The campaign, its phase on the server's Swedish day; `not_found` when there is none. */
	async campaign(id: string): Promise<{ campaign: CampaignDoc; phase: CampaignPhase }> {
		const [row] = await this.#o.store.allDocs('org', [id], { includeDocs: true });
		const parsed = row && 'doc' in row && row.doc ? campaignDocSchema.safeParse(row.doc) : undefined;
		if (!parsed?.success) throw new AppError('not_found', ANON_REASONS.unknownCampaign);
		const campaign = parsed.data;
		const phase = campaignPhase(campaign, swedishDay(this.#o.now()));
		// Whatever asks about a campaign that has ended writes its last batch (and at start).
		await this.responses.flushIfOver(campaign, phase);
		return { campaign, phase };
	}

	/** An open campaign, or the fixed reason why not (`forbidden`). */
	async openCampaign(id: string): Promise<CampaignDoc> {
		const { campaign, phase } = await this.campaign(id);
		if (phase !== 'open') throw new AppError('forbidden', PHASE_REASON[phase]);
		return campaign;
	}

	/** The campaign's groups, frozen now if this is the first need. */
	frozen(campaign: CampaignDoc): Promise<FrozenGroups> {
		return this.#o.lock.run(`anon-setup~${campaign._id}`, async () =>
			this.groups.freeze(campaign, this.#o.roster, treeUnits(await this.#o.units())),
		);
	}

	/** The group of a person (by their memberships now, in the frozen grouping); `forbidden` when the campaign does not ask them. */
	async groupOf(campaign: CampaignDoc, name: string): Promise<{ frozen: FrozenGroups; group: string }> {
		const frozen = await this.frozen(campaign);
		const { homeOf } = await eligiblePeople(this.#o.roster, treeUnits(await this.#o.units()), campaign.targetUnitId);
		const home = homeOf.get(name);
		const group = home === undefined ? undefined : frozen.groupOf[home];
		if (group === undefined) throw new AppError('forbidden', ANON_REASONS.notEligible);
		return { frozen, group };
	}

	/** The key of a group, made on first need. */
	key(campaignId: string, group: string): Promise<GroupKey> {
		return this.#o.lock.run(`anon-setup~${campaignId}`, () => this.keys.get(campaignId, group));
	}

	/**
	 * Blind-sign for `name`, once per person and campaign: the same blinded message again is signed
	 * again (a lost answer), another is refused. Records the group and the hash of the blinded
	 * message, and no time, in `anon-issued`.
	 */
	async issue(campaign: CampaignDoc, name: string, blindedMsg: string): Promise<string> {
		const { group: current } = await this.groupOf(campaign, name);
		const blindedHash = createHash('sha256').update(blindedMsg).digest('hex');
		const id = `issued~${campaign._id}~${name}`;
		return this.#o.lock.run(`anon-issue~${campaign._id}`, async () => {
			const [row] = await this.#o.store.allDocs(ANON_DB.issued, [id], { includeDocs: true });
			const taken = row && 'doc' in row && row.doc ? row.doc : undefined;
			if (taken && taken.blindedHash !== blindedHash) throw new AppError('conflict', ANON_REASONS.tokenTaken);
			// Signed with the key of the group it was first issued for.
			const group = taken ? String(taken.group) : current;
			const key = await this.key(campaign._id, group);
			let blindSig: Uint8Array;
			try {
				blindSig = await SUITE.blindSign(key.private, fromB64url(blindedMsg));
			} catch {
				// Before anything is recorded: a damaged request does not use up the person's token.
				throw new AppError('bad_request', ANON_REASONS.badBlinded);
			}
			if (!taken) {
				const [written] = await this.#o.store.bulkDocs(ANON_DB.issued, [
					{ _id: id, campaignId: campaign._id, group, blindedHash },
				]);
				if (!written || 'error' in written) throw new AppError('conflict', ANON_REASONS.tokenTaken);
			}
			return toB64url(blindSig);
		});
	}

	/** Take a response sent on the anonymous road (the route knows nothing of who sent it). */
	async respond(campaignId: string, response: AnonResponse): Promise<{ fresh: boolean }> {
		const campaign = await this.openCampaign(campaignId);
		// Never freezes: a campaign nobody took a token for has no keys, so no valid token.
		const frozen = await this.groups.peek(campaign._id);
		if (!frozen) throw new AppError('forbidden', ANON_REASONS.invalidToken);
		const survey = await this.#survey(campaign.surveyId);
		return this.responses.accept(response, {
			campaign,
			survey,
			frozen,
			keyOf: (group) => this.keys.peek(campaign._id, group),
		});
	}

	async #survey(id: string): Promise<SurveyDoc> {
		const [row] = await this.#o.store.allDocs('org', [id], { includeDocs: true });
		const parsed = row && 'doc' in row && row.doc ? surveyDocSchema.safeParse(row.doc) : undefined;
		if (!parsed?.success) throw new AppError('server', 'the survey of the campaign is missing');
		return parsed.data;
	}

	/**
	 * Participation per group the caller may see (`visible`): eligible people and responses
	 * received (stored and pending). Counts only, never a response.
	 */
	async participation(
		campaign: CampaignDoc,
		phase: CampaignPhase,
		visible: (units: string[]) => boolean,
	): Promise<Participation> {
		const frozen = await this.frozen(campaign);
		const names = new Map((await this.#o.units()).map((u) => [idKey(u._id), u.name]));
		const stored = await this.#counts.of(campaign._id);
		const pending = await this.responses.pendingCounts(campaign._id);
		const groups: Participation['groups'] = [];
		for (const [group, eligible] of Object.entries(frozen.sizes).sort(([a], [b]) => a.localeCompare(b))) {
			const units = unitsOfGroup(frozen, group);
			if (!visible(units)) continue;
			groups.push({
				group,
				groupName: names.get(group) ?? group,
				units,
				eligible,
				responses: eligible >= frozen.k ? (stored.get(group) ?? 0) + (pending.get(group) ?? 0) : null,
			});
		}
		return { campaignId: campaign._id, phase, groups };
	}

	/** At start: the last batch of every campaign that has ended. */
	async flushEnded(): Promise<void> {
		const { results } = await this.#o.store.changes('org', { includeDocs: true });
		for (const row of results) {
			if (row.deleted || row.doc?.type !== 'campaign') continue;
			const parsed = campaignDocSchema.safeParse(row.doc);
			if (!parsed.success) continue;
			await this.responses.flushIfOver(parsed.data, campaignPhase(parsed.data, swedishDay(this.#o.now())));
		}
	}
}
