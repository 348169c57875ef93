/**
 * The demo organisation seeded into an empty store: an org tree, the starter templates and
 * surveys, one open survey campaign and invented accounts (password `trygg-demo`). It must never
 * touch a store that holds other data, and never contain real people.
 *
 * Several sync servers may start at once on one CouchDB, each finding the store empty. So the
 * seed is idempotent and tolerates conflicts: every document and account has a fixed id, and a
 * conflict on one means another server (or an earlier, interrupted start) wrote it already, which
 * is accepted. A marker `_local/demo-seed` in `org` says a seed began (`started`) and finished
 * (`done`): a store with a started seed is completed on the next start, one with data but no
 * marker is a real organisation and left alone.
 */
import type { CampaignDoc, SurveyDoc, TemplateDoc, UnitDoc } from '../../../src/lib/domain/index.ts';
import { AppError, swedishDay } from '../../../src/lib/domain/index.ts';
import { starterSurveys } from '../../../src/lib/domain/starter-surveys.ts';
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { NewUser, UserStore } from '../auth/users.ts';
import type { DocStore } from '../store/doc-store.ts';

export const DEMO_PASSWORD = 'trygg-demo';

/** The demo accounts, for tests and for main.ts to print. */
export const DEMO_ACCOUNTS: readonly Omit<NewUser, 'password'>[] = [
	{ name: 'chef', displayName: 'Anna Chef', roles: ['manager'], memberships: [{ unitId: 'a1', role: 'manager' }] },
	{ name: 'chef2', displayName: 'Bo Chef', roles: ['manager'], memberships: [{ unitId: 'b1', role: 'manager' }] },
	{
		name: 'skyddsombud',
		displayName: 'Sara Skyddsombud',
		roles: ['safety_rep'],
		memberships: [{ unitId: 'a1', role: 'safety_rep' }],
	},
	{
		name: 'medarbetare',
		displayName: 'Mats Medarbetare',
		roles: ['staff'],
		memberships: [{ unitId: 'a1', role: 'staff' }],
	},
	{
		name: 'avdchef',
		displayName: 'Dora Avdelningschef',
		roles: ['manager'],
		memberships: [{ unitId: 'avd-a', role: 'manager' }],
	},
	// Enhet B1 has no safety rep: a main safety rep of Avdelning B covers it, and an employee rep
	// of B1 may be invited to co-sign (decision 0028).
	{
		name: 'huvudskyddsombud',
		displayName: 'Tove Huvudskyddsombud',
		roles: ['safety_rep'],
		memberships: [{ unitId: 'avd-b', role: 'main_safety_rep' }],
	},
	{
		name: 'arbetstagarrep',
		displayName: 'Olle Representant',
		roles: ['employee_rep'],
		memberships: [{ unitId: 'b1', role: 'employee_rep' }],
	},
	{ name: 'hr', displayName: 'Hanna HR', roles: ['hr'], memberships: [] },
	{ name: 'admin', displayName: 'Adam Admin', roles: ['admin'], memberships: [] },
	// Staff enough for a survey (issue 13): twelve in Enhet A1 (a group of its own at k 5), four in
	// Enhet A2 (too few alone, so they pool upwards). Invented names.
	...staff('a1', [
		['medarbetare2', 'Lina Lindqvist'],
		['medarbetare3', 'Erik Sandberg'],
		['medarbetare4', 'Maja Holm'],
		['medarbetare5', 'Johan Ek'],
		['medarbetare6', 'Sofia Berglund'],
		['medarbetare7', 'Ali Hassan'],
		['medarbetare8', 'Karin Nyström'],
		['medarbetare9', 'Per Åberg'],
		['medarbetare10', 'Elin Strand'],
		['medarbetare11', 'Nils Forsberg'],
		['medarbetare12', 'Amira Yusuf'],
	]),
	...staff('a2', [
		['a2-medarbetare1', 'Greta Lund'],
		['a2-medarbetare2', 'Oskar Björk'],
		['a2-medarbetare3', 'Hedda Wiklund'],
		['a2-medarbetare4', 'Viktor Dahl'],
	]),
];

/** Staff accounts of one unit. */
function staff(unitId: string, people: [name: string, displayName: string][]): Omit<NewUser, 'password'>[] {
	return people.map(([name, displayName]) => ({
		name,
		displayName,
		roles: ['staff'],
		memberships: [{ unitId, role: 'staff' }],
	}));
}

type UnitSeed = [id: string, name: string, parent: string | null, level: UnitDoc['level']];

const UNITS: UnitSeed[] = [
	['demo', 'Demo kommun', null, 'organisation'],
	['forv', 'Förvaltningen', 'demo', 'administration'],
	['avd-a', 'Avdelning A', 'forv', 'division'],
	['avd-b', 'Avdelning B', 'forv', 'division'],
	['a1', 'Enhet A1', 'avd-a', 'unit'],
	['a2', 'Enhet A2', 'avd-a', 'unit'],
	['a3', 'Enhet A3', 'avd-a', 'unit'],
	['b1', 'Enhet B1', 'avd-b', 'unit'],
	['b2', 'Enhet B2', 'avd-b', 'unit'],
	['b3', 'Enhet B3', 'avd-b', 'unit'],
];

export function demoUnits(now: string): UnitDoc[] {
	return UNITS.map(([id, name, parent, level]) => ({
		_id: `unit:${id}`,
		type: 'unit',
		scope: 'org',
		name,
		parentId: parent === null ? null : `unit:${parent}`,
		level,
		createdAt: now,
		updatedAt: now,
	}));
}

/** The demo campaign's fixed id (so a repeated seed writes it once). */
export const DEMO_CAMPAIGN_ID = 'campaign:demo-hme';

/**
 * One open demo campaign: the HME survey to everyone in Förvaltningen, from today (the Swedish
 * day of `now`) for four weeks, k 5.
 */
export function demoCampaign(now: Date): CampaignDoc {
	const today = swedishDay(now);
	const closes = new Date(`${today}T12:00:00Z`);
	closes.setUTCDate(closes.getUTCDate() + 28);
	const iso = now.toISOString();
	return {
		_id: DEMO_CAMPAIGN_ID,
		type: 'campaign',
		scope: 'org',
		surveyId: 'survey:hme.v1',
		targetUnitId: 'forv',
		opensOn: today,
		closesOn: closes.toISOString().slice(0, 10),
		k: 5,
		supportContact: 'Företagshälsovården Demo, tel. 010-000 00 00 (påhittat)',
		cancelled: false,
		createdBy: 'hr',
		createdAt: iso,
		updatedAt: iso,
	};
}

/** Every document the seed writes to `org`: units, starter templates and surveys, the campaign. */
export function demoOrgDocs(now: Date): (UnitDoc | TemplateDoc | SurveyDoc | CampaignDoc)[] {
	const iso = now.toISOString();
	return [...demoUnits(iso), ...starterTemplates(iso), ...starterSurveys(iso), demoCampaign(now)];
}

const MARKER = 'demo-seed';
type SeedState = 'started' | 'done';

async function readMarker(store: DocStore): Promise<{ state?: SeedState; _rev?: string } | undefined> {
	return (await store.getLocal('org', MARKER)) as { state?: SeedState; _rev?: string } | undefined;
}

/** Move the marker forward; losing a race to another server that wrote it is fine. */
async function writeMarker(store: DocStore, state: SeedState): Promise<void> {
	const current = await readMarker(store);
	if (current?.state === state || current?.state === 'done') return;
	try {
		await store.putLocal('org', MARKER, { state, ...(current?._rev ? { _rev: current._rev } : {}) });
	} catch (err) {
		if (!(err instanceof AppError && err.code === 'conflict')) throw err;
	}
}

const isConflict = (err: unknown): boolean =>
	(err as { status?: number }).status === 409 || (err instanceof AppError && err.code === 'conflict');

/**
 * Seed the demo organisation when the store is empty, or finish a seed that began (here or on
 * another server). Returns whether this call wrote anything (so exactly the server that seeded
 * prints the demo accounts, give or take a race in which both wrote a part).
 */
export async function seedIfEmpty(store: DocStore, users: UserStore, now: Date): Promise<boolean> {
	const marker = await readMarker(store);
	if (marker?.state === 'done') return false;
	if (marker?.state !== 'started') {
		const org = await store.info('org');
		if (org.doc_count > 0 || (await users.count()) > 0) return false;
		await writeMarker(store, 'started');
	}
	let wrote = false;
	for (const result of await store.bulkDocs('org', demoOrgDocs(now))) {
		if ('rev' in result) wrote = true;
		else if (result.error !== 'conflict') throw new AppError('server', `seeding ${result.id} failed`);
	}
	// One scrypt for every demo account: their password is public anyway, and two dozen hashes
	// would slow every demo start.
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	for (const account of DEMO_ACCOUNTS) {
		try {
			await users.createHashed(account, passwordHash);
			wrote = true;
		} catch (err) {
			if (!isConflict(err)) throw err;
		}
	}
	await writeMarker(store, 'done');
	return wrote;
}
