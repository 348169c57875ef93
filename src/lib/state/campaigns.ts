/**
 * HR's campaigns (issue 13, decision 0030): the org tree as campaign targets, the form that
 * starts a campaign, moving its dates before it opens, and cancelling it. Campaigns are ordinary
 * `org` documents: written on the device, queued in the outbox, and judged again by the server
 * (a refusal stays in the sync queue, translated).
 */
import {
	campaignDocSchema,
	campaignPhase,
	MAX_K,
	swedishDay,
	type CampaignDoc,
	type CampaignPhase,
	type SurveyDoc,
	type TreeUnit,
} from '../domain/surveys.ts';
import { idKey, newId, type Me, type UnitDoc } from '../domain/index.ts';
import { t } from '../i18n/i18n.svelte.ts';
import type { Collaborators } from './collaborators.ts';
import { nowIso } from './clock.ts';
import type { FormError } from '../components/form-errors.ts';

/** A unit of the org tree as a campaign target: its key, name and depth (for an indented list). */
export type TargetUnit = { id: string; name: string; depth: number; parentId: string | null };

/** The org tree in reading order (each unit after its parent, siblings by name), keys without `unit:`. */
export function targetUnits(units: readonly Pick<UnitDoc, '_id' | 'name' | 'parentId'>[]): TargetUnit[] {
	const tree = units.map((u) => ({ id: idKey(u._id), name: u.name, parentId: u.parentId ? idKey(u.parentId) : null }));
	const known = new Set(tree.map((u) => u.id));
	const children = Map.groupBy(tree, (u) => (u.parentId && known.has(u.parentId) ? u.parentId : ''));
	const out: TargetUnit[] = [];
	const visit = (parent: string, depth: number): void => {
		if (depth > 64) return;
		for (const u of [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name, 'sv'))) {
			out.push({ ...u, depth });
			visit(u.id, depth + 1);
		}
	};
	visit('', 0);
	return out;
}

/** Is `unitId` inside the subtree of `rootId` (or the root itself)? */
export function within(units: readonly TreeUnit[], unitId: string, rootId: string): boolean {
	const parent = new Map(units.map((u) => [u.id, u.parentId]));
	let at: string | null | undefined = unitId;
	for (let depth = 0; at && depth <= 64; depth++, at = parent.get(at)) if (at === rootId) return true;
	return false;
}

/**
 * The campaigns a person follows: HR and admin (who write `org`) every one; a manager those whose
 * target holds one of their units or lies inside one (the server limits the figures to their groups).
 */
export function campaignsFor(
	me: Me | null,
	campaigns: readonly CampaignDoc[],
	units: readonly TreeUnit[],
): CampaignDoc[] {
	if (!me) return [];
	if (me.scopes.some((s) => s.scope === 'org' && s.write)) return [...campaigns];
	const mine = me.scopes.filter((s) => s.role === 'manager' && s.unitId).map((s) => s.unitId as string);
	return campaigns.filter((c) =>
		mine.some((u) => within(units, u, c.targetUnitId) || within(units, c.targetUnitId, u)),
	);
}

/** What the campaign form holds while typed (numbers as typed text). */
export type CampaignFields = {
	surveyId: string;
	targetUnitId: string;
	opensOn: string;
	closesOn: string;
	k: string;
	supportContact: string;
};

const SUPPORT_MAX = 500;

/**
 * Problems of the campaign form, each tied to its field (the ids are the form's): a survey and a
 * target chosen, both dates, closing on or after opening, opening today or later, k a whole number
 * from the survey's own k up to the maximum, a support contact within its length.
 */
export function campaignProblems(f: CampaignFields, survey: SurveyDoc | undefined, today: string): FormError[] {
	const out: FormError[] = [];
	if (!survey) out.push({ field: 'c-survey', message: t('campaigns.problem.survey') });
	if (!f.targetUnitId) out.push({ field: 'c-target', message: t('campaigns.problem.target') });
	if (!f.opensOn) out.push({ field: 'c-opens', message: t('campaigns.problem.opens') });
	else if (f.opensOn < today) out.push({ field: 'c-opens', message: t('campaigns.problem.opensPast') });
	if (!f.closesOn) out.push({ field: 'c-closes', message: t('campaigns.problem.closes') });
	else if (f.opensOn && f.closesOn < f.opensOn) out.push({ field: 'c-closes', message: t('campaigns.problem.order') });
	const k = Number(f.k);
	const floor = survey?.k ?? 2;
	if (f.k.trim() === '' || !Number.isInteger(k) || k < floor || k > MAX_K) {
		out.push({ field: 'c-k', message: t('campaigns.problem.k', { floor, max: MAX_K }) });
	}
	if (f.supportContact.trim() === '') out.push({ field: 'c-support', message: t('campaigns.problem.support') });
	else if (f.supportContact.length > SUPPORT_MAX) {
		out.push({ field: 'c-support', message: t('campaigns.problem.supportLong', { max: SUPPORT_MAX }) });
	}
	return out;
}

/** Campaign commands, saved on the device through the collaborators' writer. */
export class Campaigns {
	readonly #with: Collaborators;
	constructor(collaborators: Collaborators) {
		this.#with = collaborators;
	}

	/** Today as a Swedish calendar day (campaign dates are Swedish days). */
	get today(): string {
		return swedishDay(this.#with.clock.now());
	}

	phase(c: CampaignDoc): CampaignPhase {
		return campaignPhase(c, this.today);
	}

	/** The form's fields for a new campaign: the survey's k, opening today for two weeks. */
	blank(survey?: SurveyDoc): CampaignFields {
		const closes = new Date(`${this.today}T12:00:00Z`);
		closes.setUTCDate(closes.getUTCDate() + 13);
		return {
			surveyId: survey?._id ?? '',
			targetUnitId: '',
			opensOn: this.today,
			closesOn: closes.toISOString().slice(0, 10),
			k: survey ? String(survey.k) : '',
			supportContact: '',
		};
	}

	/**
	 * Start a campaign: the form's problems, or the stored campaign. The shared schema checks it
	 * again on saving, and the server once more (k below the survey's floor is its refusal too).
	 */
	async create(
		f: CampaignFields,
		surveys: readonly SurveyDoc[],
	): Promise<{ problems: FormError[] } | { campaign: CampaignDoc }> {
		const survey = surveys.find((s) => s._id === f.surveyId && s.status === 'published');
		const problems = campaignProblems(f, survey, this.today);
		if (problems.length > 0) return { problems };
		const now = nowIso(this.#with.clock);
		const campaign: CampaignDoc = campaignDocSchema.parse({
			_id: newId('campaign'),
			type: 'campaign',
			scope: 'org',
			surveyId: f.surveyId,
			targetUnitId: f.targetUnitId,
			opensOn: f.opensOn,
			closesOn: f.closesOn,
			k: Number(f.k),
			supportContact: f.supportContact.trim(),
			cancelled: false,
			createdBy: this.#with.person()?.name ?? '',
			createdAt: now,
			updatedAt: now,
		});
		await this.#with.writer.save(campaign);
		return { campaign };
	}

	/** Move the dates of a campaign that has not opened yet. */
	async moveDates(c: CampaignDoc, opensOn: string, closesOn: string): Promise<FormError[]> {
		const problems: FormError[] = [];
		if (this.phase(c) !== 'upcoming') return [{ field: null, message: t('campaigns.problem.alreadyOpen') }];
		if (!opensOn || opensOn < this.today)
			problems.push({ field: 'm-opens', message: t('campaigns.problem.opensPast') });
		if (!closesOn || closesOn < opensOn) problems.push({ field: 'm-closes', message: t('campaigns.problem.order') });
		if (problems.length > 0) return problems;
		await this.#with.writer.save({ ...c, opensOn, closesOn, updatedAt: nowIso(this.#with.clock) });
		return [];
	}

	async cancel(c: CampaignDoc): Promise<void> {
		await this.#with.writer.save({ ...c, cancelled: true, updatedAt: nowIso(this.#with.clock) });
	}
}

/**
 * The link staff open for a campaign, on this origin.
 * @example campaignLink('https://trygg.example', 'campaign:0193…') // 'https://trygg.example/surveys/campaign%3A0193…'
 */
export function campaignLink(origin: string, campaignId: string): string {
	return `${origin}/surveys/${encodeURIComponent(campaignId)}`;
}
