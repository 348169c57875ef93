/**
 * The demo organisation seeded into an empty store: an org tree, the starter templates and
 * seven invented accounts (password `trygg-demo`). It must never touch a store that already
 * holds data, and never contain real people.
 */
import type { UnitDoc } from '../../../src/lib/domain/index.ts';
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
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
	{ name: 'hr', displayName: 'Hanna HR', roles: ['hr'], memberships: [] },
	{ name: 'admin', displayName: 'Adam Admin', roles: ['admin'], memberships: [] },
];

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

/** Seed when both the accounts and `org` are empty. Returns whether it seeded. */
export async function seedIfEmpty(store: DocStore, users: UserStore, now: Date): Promise<boolean> {
	const org = await store.info('org');
	if (org.doc_count > 0 || (await users.count()) > 0) return false;
	const iso = now.toISOString();
	await store.bulkDocs('org', [...demoUnits(iso), ...starterTemplates(iso)]);
	for (const account of DEMO_ACCOUNTS) await users.create({ ...account, password: DEMO_PASSWORD });
	return true;
}
