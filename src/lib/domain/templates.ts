/**
 * Template versions (decision 0006): which version is current, how a new version or a copy is
 * made, how sections and items are reordered, and what may change in a published version.
 * Pure functions of template documents; they never read storage and never touch a round.
 */
import { newId, idKey } from './ids.ts';
import { canonicalJson } from './merge.ts';
import type { Localized, TemplateDoc } from './schemas.ts';
import { copyAsFamily, families, move, moveAcross, nextVersionOf, usable, type VersionFamily } from './versions.ts';

type Section = TemplateDoc['sections'][number];

/**
 * The id of version `version` of template family `family`.
 * @example templateVersionId('physical', 2) // 'template:physical.v2'
 */
export function templateVersionId(family: string, version: number): string {
	return `template:${family}.v${version}`;
}

/** One template family: its newest published version, its open draft, and every version. */
export type TemplateFamily = VersionFamily<TemplateDoc>;

export { families, move };

/**
 * The versions a new round may use: the newest published version of each family that is not retired.
 * @example plannable([physicalV1, physicalV2]) // [physicalV2]
 */
export function plannable(templates: readonly TemplateDoc[]): TemplateDoc[] {
	return usable(templates);
}

/**
 * The next version of `base` as a draft, content copied, for HR to edit. A published version is
 * never edited in place; rounds that use it keep it unchanged.
 * @example nextVersion(physicalV1, now)._id // 'template:physical.v2'
 */
export function nextVersion(base: TemplateDoc, versions: readonly TemplateDoc[], now: string): TemplateDoc {
	return nextVersionOf(base, versions, now, templateVersionId);
}

/**
 * A new template family copied from `base` (version 1, a draft), with its title prefixed.
 * @example copyTemplate(physicalV3, { sv: 'Kopia av', en: 'Copy of' }, now).version // 1
 */
export function copyTemplate(base: TemplateDoc, prefix: Localized, now: string): TemplateDoc {
	return copyAsFamily(base, idKey(newId('template')), prefix, now, templateVersionId);
}

/** A brand-new template family: one section with one empty-ish item, a draft. */
export function blankTemplate(
	kind: TemplateDoc['kind'],
	title: Localized,
	section: Localized,
	item: Localized,
	now: string,
): TemplateDoc {
	const family = idKey(newId('template'));
	return {
		_id: templateVersionId(family, 1),
		type: 'template',
		scope: 'org',
		family,
		kind,
		title,
		version: 1,
		status: 'draft',
		legalRef: '',
		sections: [{ id: newKey(), title: section, items: [{ id: newKey(), text: item }] }],
		retired: false,
		createdAt: now,
		updatedAt: now,
	};
}

/** A fresh id for a section or an item (unique within its template, and across copies). */
export function newKey(): string {
	return idKey(newId('template')).slice(-12);
}

/**
 * Move an item within its section, or across into the neighbouring section at a section edge
 * (so a keyboard user can put any item anywhere with up/down alone). A section never empties:
 * the last item of a section stays.
 * @example moveItem(sections, 0, 0, -1) // unchanged: already first of the first section
 */
export function moveItem(sections: readonly Section[], s: number, i: number, step: -1 | 1): Section[] {
	return moveAcross(sections, 'items', s, i, step);
}

/** The fields of a template version that make up its content (what a round depends on). */
const CONTENT_FIELDS = ['family', 'kind', 'title', 'version', 'legalRef', 'sections'] as const;

/**
 * Why a change from `stored` to `incoming` is not allowed, or undefined. A draft may change
 * anything but its family and version, and may be deleted; a published version keeps its
 * content for ever (rounds rely on it) and may only be retired or brought back.
 * @example templateChangeRefusal(publishedV1, { ...publishedV1, legalRef: 'AFS 2023:2' }) // 'version 1 is published …'
 */
export function templateChangeRefusal(
	stored: Record<string, unknown> | undefined,
	incoming: Record<string, unknown>,
): string | undefined {
	if (!stored) return undefined;
	// A tombstone carries only id, type and scope (schemas.ts).
	if (incoming._deleted === true) {
		return stored.status === 'published'
			? `version ${String(stored.version)} is published and cannot be deleted; retire it`
			: undefined;
	}
	if (stored.family !== incoming.family || stored.version !== incoming.version) {
		return 'a template version keeps its family and version number';
	}
	if (stored.status !== 'published') return undefined;
	if (incoming.status !== 'published')
		return `version ${String(stored.version)} is published and cannot become a draft`;
	for (const field of CONTENT_FIELDS) {
		if (canonicalJson(stored[field]) !== canonicalJson(incoming[field])) {
			return `version ${String(stored.version)} is published: ${field} cannot change; make a new version`;
		}
	}
	return undefined;
}

/** The server's and the device's reason for publishing a draft identical to the latest published version. */
export const UNCHANGED_TEMPLATE_REASON =
	'the draft is the same as the latest published version; change something first';

/** What a published version says (family and version aside): a draft saying the same adds nothing. */
const PUBLISHED_CONTENT = ['kind', 'title', 'legalRef', 'sections'] as const;

/** How many earlier versions a publish is compared against (bounded reads, decision 0017). */
export const EARLIER_VERSIONS_CHECKED = 50;

/**
 * Ids of the versions before `incoming` that a publish is compared with (newest first), or none
 * when `incoming` does not publish a draft.
 * @example earlierVersionIds({ type: 'template', family: 'fysisk', version: 3, status: 'published' }, draftV3) // ['template:fysisk.v2', 'template:fysisk.v1']
 */
export function earlierVersionIds(
	incoming: Record<string, unknown>,
	stored: Record<string, unknown> | undefined,
): string[] {
	if (incoming.type !== 'template' || incoming._deleted === true || incoming.status !== 'published') return [];
	if (stored?.status === 'published' || typeof incoming.family !== 'string' || typeof incoming.version !== 'number') {
		return [];
	}
	const ids: string[] = [];
	for (let v = incoming.version - 1; v >= 1 && ids.length < EARLIER_VERSIONS_CHECKED; v--) {
		ids.push(`template:${incoming.family}.v${String(v)}`);
	}
	return ids;
}

/**
 * Why publishing `incoming` is refused: it publishes a draft whose content is the latest published
 * version's (a new version that changes nothing only makes rounds differ in name). `earlier` are
 * the family's stored versions (any order; others are ignored).
 * @example unchangedPublishRefusal({ ...physicalV1, _id: 'template:physical.v2', version: 2 }, draftV2, [physicalV1]) // UNCHANGED_TEMPLATE_REASON
 */
export function unchangedPublishRefusal(
	incoming: Record<string, unknown>,
	stored: Record<string, unknown> | undefined,
	earlier: readonly Record<string, unknown>[],
): string | undefined {
	if (earlierVersionIds(incoming, stored).length === 0) return undefined;
	const version = incoming.version as number;
	const latest = earlier
		.filter(
			(t) =>
				t.family === incoming.family &&
				typeof t.version === 'number' &&
				t.version < version &&
				t.status === 'published' &&
				t._deleted !== true,
		)
		.sort((a, b) => (a.version as number) - (b.version as number))
		.at(-1);
	if (!latest) return undefined;
	const same = PUBLISHED_CONTENT.every((field) => canonicalJson(latest[field]) === canonicalJson(incoming[field]));
	return same ? UNCHANGED_TEMPLATE_REASON : undefined;
}
