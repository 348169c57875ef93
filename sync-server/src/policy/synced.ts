/**
 * Which of a person's grants are handed to their devices to sync (`/api/me`, decision 0018). Every
 * scope a device syncs costs a place in its changes feed and a read on the server at every sync,
 * so a kind of scope that nothing writes is not handed out. Report scopes are written by the
 * report job (reports/unit-stats.ts, decision 0034), so every kind is synced today.
 */
import type { ScopeGrant } from '../../../src/lib/domain/index.ts';
import { scopeKind, type ScopeKind } from './access.ts';

/** Kinds of scope that nothing writes yet: none since the report job writes the report scopes. */
export const UNWRITTEN_KINDS: readonly ScopeKind[] = [];

/**
 * The grants a device should sync: all but the scopes nothing writes.
 * @example syncedGrants(grantsFor(chef, units)) // org, user-chef, unit-a1, reports-a1
 */
export function syncedGrants(grants: readonly ScopeGrant[]): ScopeGrant[] {
	// `reports` holds every unit's report documents under the ids `reports-<unit>` uses, and a
	// device keeps one document per id: whoever syncs `reports` (HR, also a manager) needs no other.
	const whole = grants.some((g) => g.scope === 'reports');
	return grants.filter((g) => {
		const kind = scopeKind(g.scope);
		return !UNWRITTEN_KINDS.includes(kind) && !(whole && kind === 'unitReports');
	});
}
