/**
 * Which of a person's grants are handed to their devices to sync (`/api/me`, decision 0018). Every
 * scope a device syncs costs a place in its changes feed and a read on the server at every sync.
 * Report scopes are granted (decision 0003; readable through `_changes` and the feed) but nothing
 * writes them yet, so they are not handed out. When the aggregation job writes them (issue 14),
 * take their kinds out of `UNWRITTEN_KINDS` and devices sync them again with no other change.
 */
import type { ScopeGrant } from '../../../src/lib/domain/index.ts';
import { scopeKind, type ScopeKind } from './access.ts';

/** Kinds of scope that nothing writes yet. */
export const UNWRITTEN_KINDS: readonly ScopeKind[] = ['reports', 'unitReports'];

/**
 * The grants a device should sync: all but the scopes nothing writes.
 * @example syncedGrants(grantsFor(chef, units)) // org, user-chef, unit-a1 (not reports-a1)
 */
export function syncedGrants(grants: readonly ScopeGrant[]): ScopeGrant[] {
	return grants.filter((g) => !UNWRITTEN_KINDS.includes(scopeKind(g.scope)));
}
