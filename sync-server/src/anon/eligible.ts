/**
 * Who a campaign asks: everyone with a membership in the target's subtree, counted once, in
 * their deepest unit there (`homeUnit`, decision 0030). Read from the accounts' unit index
 * (decision 0017), never from every account; names go no further than this module's caller.
 */
import type { TreeUnit } from '../../../src/lib/domain/index.ts';
import { homeUnit, idKey } from '../../../src/lib/domain/index.ts';
import type { PolicyUnit } from '../policy/access.ts';

/** What the counting needs of the accounts: the people with a membership of a unit. */
export type Roster = { membersOf(unitId: string): Promise<{ name: string }[]> };

/** The org tree as the group rules want it: unit keys without the `unit:` prefix. */
export function treeUnits(units: readonly PolicyUnit[]): TreeUnit[] {
	return units.map((u) => ({ id: idKey(u._id), parentId: u.parentId === null ? null : idKey(u.parentId) }));
}

/** `targetId` and every unit below it. */
export function subtree(units: readonly TreeUnit[], targetId: string): string[] {
	const children = Map.groupBy(
		units.filter((u) => u.parentId !== null),
		(u) => u.parentId as string,
	);
	const out: string[] = [];
	const queue = [targetId];
	const seen = new Set<string>();
	while (queue.length > 0) {
		const id = queue.shift() as string;
		if (seen.has(id)) continue; // a cycle in bad data must not loop forever
		seen.add(id);
		out.push(id);
		queue.push(...(children.get(id) ?? []).map((u) => u.id));
	}
	return out;
}

/**
 * The home unit of every eligible person of `targetId`'s subtree, by name (for the token route)
 * and the number of eligible people per unit (for `reportingGroups`).
 */
export async function eligiblePeople(
	roster: Roster,
	units: readonly TreeUnit[],
	targetId: string,
): Promise<{ homeOf: Map<string, string>; counts: Record<string, number> }> {
	const unitsOf = new Map<string, { unitId: string }[]>();
	for (const unitId of subtree(units, targetId)) {
		for (const { name } of await roster.membersOf(unitId)) {
			const list = unitsOf.get(name) ?? [];
			list.push({ unitId });
			unitsOf.set(name, list);
		}
	}
	const homeOf = new Map<string, string>();
	const counts: Record<string, number> = {};
	for (const [name, memberships] of unitsOf) {
		const home = homeUnit(memberships, units, targetId);
		if (home === undefined) continue;
		homeOf.set(name, home);
		counts[home] = (counts[home] ?? 0) + 1;
	}
	return { homeOf, counts };
}
