import { describe, expect, it } from 'vitest';
import type { Role } from '../../../src/lib/domain/index.ts';
import type { Membership, PolicyUnit } from './access.ts';
import { grantsFor } from './access.ts';
import { syncedGrants } from './synced.ts';

const units: PolicyUnit[] = [
	{ _id: 'unit:forv', name: 'Förvaltningen', parentId: null },
	{ _id: 'unit:a1', name: 'Enhet A1', parentId: 'unit:forv' },
];

const scopes = (roles: Role[], memberships: Membership[]) =>
	syncedGrants(grantsFor({ name: 'x', roles, memberships }, units)).map((g) => g.scope);

describe('syncedGrants', () => {
	it('hands a manager their unit and its report scope', () => {
		expect(scopes([], [{ unitId: 'a1', role: 'manager' }])).toEqual(['org', 'user-x', 'unit-a1', 'reports-a1']);
	});

	it('hands HR who also manages a unit `reports` and not the unit’s report scope, whose ids it repeats', () => {
		const synced = scopes(['hr'], [{ unitId: 'a1', role: 'manager' }]);
		expect(synced).toContain('reports');
		expect(synced).toContain('unit-a1');
		expect(synced).not.toContain('reports-a1');
	});
});
