/**
 * Families of immutable published versions (decision 0006), shared by round templates and
 * surveys (decision 0030): which version is current, the open draft, the next version and a copy
 * as a new family. Pure functions of version documents; the id of a version is the caller's.
 */
import type { Localized } from './schema-parts.ts';

/** What a versioned document has in common: a family, a number, draft or published, retired. */
export type Versioned = {
	_id: string;
	_rev?: string | undefined;
	clock?: Record<string, string> | undefined;
	family: string;
	version: number;
	status: 'draft' | 'published';
	retired: boolean;
	title: Localized;
	createdAt: string;
	updatedAt: string;
};

/** One family: its newest published version, its open draft, and every version. */
export type VersionFamily<T extends Versioned> = {
	family: string;
	/** The newest published version (what new rounds or campaigns use), if any. */
	current: T | undefined;
	/** A draft newer than `current`, being edited. */
	draft: T | undefined;
	/** Every version, oldest first. */
	versions: T[];
	/** Retired: the newest published version is retired, so nothing new may use it. */
	retired: boolean;
};

/**
 * Group versions into families.
 * @example families([v1, v2draft])[0] // { family: 'physical', current: v1, draft: v2draft, versions: [v1, v2draft], retired: false }
 */
export function families<T extends Versioned>(docs: readonly T[]): VersionFamily<T>[] {
	const byFamily = Map.groupBy(docs, (t) => t.family);
	return [...byFamily].map(([family, list]) => {
		const versions = [...list].sort((a, b) => a.version - b.version);
		const published = versions.filter((t) => t.status === 'published');
		const current = published.at(-1);
		const newestDraft = versions.filter((t) => t.status === 'draft').at(-1);
		const draft = newestDraft && (!current || newestDraft.version > current.version) ? newestDraft : undefined;
		return { family, current, draft, versions, retired: current?.retired ?? false };
	});
}

/**
 * The versions something new may use: the newest published version of each family not retired.
 * @example usable([physicalV1, physicalV2]) // [physicalV2]
 */
export function usable<T extends Versioned>(docs: readonly T[]): T[] {
	return families(docs)
		.filter((f) => f.current && !f.retired)
		.map((f) => f.current as T);
}

/**
 * The next version of `base` as a draft, content copied. A published version is never edited in
 * place; what uses it keeps it unchanged. `idOf` names a version of a family.
 * @example nextVersionOf(physicalV1, [physicalV1], now, templateVersionId)._id // 'template:physical.v2'
 */
export function nextVersionOf<T extends Versioned>(
	base: T,
	versions: readonly T[],
	now: string,
	idOf: (family: string, version: number) => string,
): T {
	const highest = Math.max(base.version, ...versions.filter((t) => t.family === base.family).map((t) => t.version));
	const version = highest + 1;
	return {
		...structuredClone(stripMeta(base)),
		_id: idOf(base.family, version),
		version,
		status: 'draft',
		retired: false,
		createdAt: now,
		updatedAt: now,
	};
}

/**
 * A new family copied from `base` (version 1, a draft) under the family key `family`, its title
 * prefixed ("Kopia av …").
 * @example copyAsFamily(physicalV3, 'f1', { sv: 'Kopia av', en: 'Copy of' }, now, templateVersionId).version // 1
 */
export function copyAsFamily<T extends Versioned>(
	base: T,
	family: string,
	prefix: Localized,
	now: string,
	idOf: (family: string, version: number) => string,
): T {
	return {
		...structuredClone(stripMeta(base)),
		_id: idOf(family, 1),
		family,
		version: 1,
		status: 'draft',
		retired: false,
		title: {
			sv: `${prefix.sv} ${base.title.sv}`.slice(0, 2000),
			// English is optional: a copy without it stays without it.
			en: base.title.en ? `${prefix.en} ${base.title.en}`.slice(0, 2000) : '',
		},
		createdAt: now,
		updatedAt: now,
	};
}

function stripMeta<T extends Versioned>(t: T): T {
	const copy = { ...t };
	delete copy._rev;
	delete copy.clock;
	return copy;
}

/**
 * Move the element at `index` one step up (-1) or down (+1); out of range leaves the list as it is.
 * @example move(['a', 'b', 'c'], 2, -1) // ['a', 'c', 'b']
 */
export function move<T>(list: readonly T[], index: number, step: -1 | 1): T[] {
	const to = index + step;
	const out = [...list];
	if (index < 0 || index >= list.length || to < 0 || to >= list.length) return out;
	[out[index], out[to]] = [out[to] as T, out[index] as T];
	return out;
}

/**
 * Move an entry within its group, or across into the neighbouring group at a group's edge (so a
 * keyboard user can put any entry anywhere with up/down alone). A group never empties: its last
 * entry stays. `key` names the groups' list (`items` of a template section, `questions` of a survey's).
 * @example moveAcross(sections, 'items', 0, 0, -1) // unchanged: already first of the first section
 */
export function moveAcross<K extends string, E, G extends { [P in K]: E[] }>(
	groups: readonly G[],
	key: K,
	s: number,
	i: number,
	step: -1 | 1,
): G[] {
	const out = groups.map((x) => ({ ...x, [key]: [...x[key]] }) as G);
	const group = out[s];
	if (!group || i < 0 || i >= group[key].length) return out;
	const to = i + step;
	if (to >= 0 && to < group[key].length) {
		(group as Record<K, E[]>)[key] = move(group[key], i, step);
		return out;
	}
	const neighbour = out[s + step];
	if (!neighbour || group[key].length === 1) return out;
	const [entry] = group[key].splice(i, 1) as [E];
	if (step === -1) neighbour[key].push(entry);
	else neighbour[key].unshift(entry);
	return out;
}
