/**
 * Yearly rounds: which workplaces under a manager have no signed round of each required kind in
 * the last 12 months. Pure: takes today's date as a value, never reads a clock or storage.
 */
import { idKey } from './ids.ts';
import type { RoundDoc, TemplateDoc, TemplateKind, UnitDoc } from './schemas.ts';

/** The round kinds every workplace needs once a year (skyddsrond, OSA-rond, hot-och-våld-rond). */
export const YEARLY_KINDS: readonly TemplateKind[] = ['physical', 'osa', 'threat_violence'];

export type OverdueUnit = {
	/** The unit id without its `unit:` prefix, as rounds carry it. */
	unitId: string;
	name: string;
	/** Required kinds with no signed round since `since`, in YEARLY_KINDS order. */
	missing: TemplateKind[];
	/** The date of the latest signed round of each missing kind, or null when there never was one. */
	lastSigned: Partial<Record<TemplateKind, string | null>>;
};

/**
 * The same calendar day one year earlier (29 February falls back to 28 February).
 * @example yearBefore('2028-02-29') // '2027-02-28'
 */
export function yearBefore(date: string): string {
	const [y, m, d] = date.split('-').map(Number) as [number, number, number];
	const lastDay = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
	return `${String(y - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/**
 * The workplaces (units without child units) in the subtrees of `roots` that are overdue: for
 * some required kind there is no signed round dated on or after the same day a year before
 * `today`. A round's kind is its template version's kind; rounds of unknown templates count for
 * nothing. Sorted by `compare` on the unit name (pass the locale's collator).
 * @example overdueUnits({ units, rounds: [], templates, roots: ['avd-a'], today: '2026-11-23' })
 * // [{ unitId: 'a1', name: 'Enhet A1', missing: ['physical', 'osa', 'threat_violence'], … }, …]
 */
export function overdueUnits(opts: {
	units: readonly Pick<UnitDoc, '_id' | 'name' | 'parentId'>[];
	rounds: readonly Pick<RoundDoc, 'unitId' | 'templateId' | 'status' | 'date'>[];
	templates: readonly Pick<TemplateDoc, '_id' | 'kind'>[];
	roots: readonly string[];
	today: string;
	kinds?: readonly TemplateKind[];
	compare?: (a: string, b: string) => number;
}): OverdueUnit[] {
	const kinds = opts.kinds ?? YEARLY_KINDS;
	const since = yearBefore(opts.today);
	const children = new Map<string, string[]>();
	const names = new Map<string, string>();
	for (const u of opts.units) {
		const id = idKey(u._id);
		names.set(id, u.name);
		if (u.parentId === null) continue;
		const parent = idKey(u.parentId);
		children.set(parent, [...(children.get(parent) ?? []), id]);
	}

	// Every unit in the subtrees, once, even when roots overlap or the tree has a cycle.
	const seen = new Set<string>();
	const queue = opts.roots.filter((r) => names.has(r));
	const leaves: string[] = [];
	while (queue.length > 0) {
		const id = queue.shift() as string;
		if (seen.has(id)) continue;
		seen.add(id);
		const below = children.get(id) ?? [];
		if (below.length === 0) leaves.push(id);
		queue.push(...below);
	}

	const kindOf = new Map(opts.templates.map((t) => [t._id, t.kind]));
	// The latest signed round date per unit and kind.
	const latest = new Map<string, string>();
	for (const r of opts.rounds) {
		const kind = kindOf.get(r.templateId);
		if (r.status !== 'signed' || !kind) continue;
		const key = `${r.unitId}\u0000${kind}`;
		const prev = latest.get(key);
		if (!prev || r.date > prev) latest.set(key, r.date);
	}

	const out: OverdueUnit[] = [];
	for (const unitId of leaves) {
		const missing: TemplateKind[] = [];
		const lastSigned: OverdueUnit['lastSigned'] = {};
		for (const kind of kinds) {
			const last = latest.get(`${unitId}\u0000${kind}`);
			if (last !== undefined && last >= since) continue;
			missing.push(kind);
			lastSigned[kind] = last ?? null;
		}
		if (missing.length > 0) out.push({ unitId, name: names.get(unitId) ?? unitId, missing, lastSigned });
	}
	const compare = opts.compare ?? ((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0));
	return out.sort((a, b) => compare(a.name, b.name) || (a.unitId < b.unitId ? -1 : 1));
}
