/**
 * Survey history for the demo (issue 14 item 7): two closed HME campaigns to Förvaltningen, one
 * about a year ago and one that closed 40 days before the seed, with responses sent through the
 * real anonymous road (group key, blind token, response, batch at close), so the report pages
 * show results and a trend at once. All invented.
 *
 * The demo's groups at k 5 are Enhet A1 (14 eligible) and Förvaltningen (the rest, A2's four
 * pooled in): A2 can never be a group of its own, so "för få svar" is shown where a group with
 * enough eligible people had only 4 respondents: Enhet A1 in the earlier campaign. Its figure
 * then also hides Förvaltningen's own group (complementary suppression), and only the whole
 * target shows.
 *
 * Idempotent: a marker `_local/demo-survey-history` in `org`; a person whose token was taken by
 * an interrupted seed is skipped on the next start.
 */
import type { CampaignDoc, SurveyAnswers } from '../../../src/lib/domain/index.ts';
import { AppError, swedishDay } from '../../../src/lib/domain/index.ts';
import { HME_INDEX } from '../../../src/lib/domain/starter-surveys.ts';
import type { UserStore } from '../auth/users.ts';
import { AnonRoad } from '../anon/road.ts';
import { SUITE, fromB64url, toB64url } from '../anon/keys.ts';
import type { PolicyUnit } from '../policy/access.ts';
import type { DocStore } from '../store/doc-store.ts';
import type { LocalDocs } from '../store/local-docs.ts';
import type { ScopeWriteLock } from '../store/write-lock.ts';

const MARKER = 'demo-survey-history';
const DEMO_MARKER = 'demo-seed';

export const DEMO_HISTORY_CAMPAIGNS = ['campaign:demo-hme-earlier', 'campaign:demo-hme-last'] as const;

const A1 = ['medarbetare', ...Array.from({ length: 11 }, (_, i) => `medarbetare${i + 2}`)];
const FORV_GROUP = [
	'a2-medarbetare1',
	'a2-medarbetare2',
	'a2-medarbetare3',
	'a2-medarbetare4',
	'avdchef',
	'chef2',
	'huvudskyddsombud',
];

/** A day `days` after (before, when negative) `day`. */
function shift(day: string, days: number): string {
	const d = new Date(`${day}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/** The two campaigns, by the Swedish day of the seed: one closed 40 days ago, one a year before it. */
export function demoHistoryCampaigns(now: Date): { campaign: CampaignDoc; respondents: string[]; mood: number }[] {
	const today = swedishDay(now);
	const iso = now.toISOString();
	const campaign = (id: string, closesOn: string): CampaignDoc => ({
		_id: id,
		type: 'campaign',
		scope: 'org',
		surveyId: 'survey:hme.v1',
		targetUnitId: 'forv',
		opensOn: shift(closesOn, -20),
		closesOn,
		k: 5,
		supportContact: 'Företagshälsovården Demo, tel. 010-000 00 00 (påhittat)',
		cancelled: false,
		createdBy: 'hr',
		createdAt: iso,
		updatedAt: iso,
	});
	const last = shift(today, -40);
	return [
		// A1 had only four respondents: "för få svar".
		{
			campaign: campaign(DEMO_HISTORY_CAMPAIGNS[0], shift(last, -365)),
			respondents: [...A1.slice(0, 4), ...FORV_GROUP],
			mood: 0,
		},
		{ campaign: campaign(DEMO_HISTORY_CAMPAIGNS[1], last), respondents: [...A1, ...FORV_GROUP], mood: 1 },
	];
}

/** Invented HME answers: all nine statements, a little better in the later campaign. */
function answers(i: number, mood: number): SurveyAnswers {
	return Object.fromEntries(Object.keys(HME_INDEX).map((id, j) => [id, Math.min(5, 2 + ((i + j) % 3) + mood)]));
}

export type HistoryOptions = {
	store: DocStore;
	local: LocalDocs;
	lock: ScopeWriteLock;
	users: UserStore;
	units: () => Promise<PolicyUnit[]>;
	now: Date;
};

/** Seed the survey history into a demo store (one the demo seed finished), once. */
export async function seedSurveyHistory(o: HistoryOptions): Promise<boolean> {
	const demo = await o.store.getLocal('org', DEMO_MARKER);
	if (demo?.state !== 'done') return false;
	const marker = await o.store.getLocal('org', MARKER);
	if (marker?.state === 'done') return false;
	const plans = demoHistoryCampaigns(o.now);
	for (const r of await o.store.bulkDocs(
		'org',
		plans.map((p) => p.campaign),
	)) {
		if ('error' in r && r.error !== 'conflict') throw new AppError('server', `seeding ${r.id} failed`);
	}
	for (const { campaign, respondents, mood } of plans) {
		// The road as it was while the campaign was open: noon of its first day.
		const road = new AnonRoad({
			store: o.store,
			local: o.local,
			lock: o.lock,
			roster: o.users,
			units: o.units,
			now: () => new Date(`${campaign.opensOn}T11:00:00Z`),
		});
		for (const [i, name] of respondents.entries()) {
			const person = await o.users.get(name);
			if (!person) continue;
			const { group } = await road.groupOf(campaign, person);
			const key = await road.key(campaign._id, group);
			// What the phone does: blind a random message, have it signed, unblind, send without a name.
			const prepared = SUITE.prepare(crypto.getRandomValues(new Uint8Array(32)));
			const { blindedMsg, inv } = await SUITE.blind(key.public, prepared);
			let blindSig: string;
			try {
				blindSig = await road.issue(campaign, person, toB64url(blindedMsg));
			} catch (err) {
				// Taken by an interrupted seed: that answer was sent or is lost, as on a real phone.
				if (err instanceof AppError && err.code === 'conflict') continue;
				throw err;
			}
			const sig = await SUITE.finalize(key.public, prepared, fromB64url(blindSig), inv);
			await road.respond(campaign._id, {
				group,
				token: { msg: toB64url(prepared), sig: toB64url(sig) },
				answers: answers(i, mood),
			});
		}
		// The close batch.
		await road.responses.flushIfOver(campaign, 'closed');
	}
	await o.store.putLocal('org', MARKER, { state: 'done', ...(marker?._rev ? { _rev: marker._rev } : {}) });
	return true;
}
