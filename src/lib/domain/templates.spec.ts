import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { localizedText } from './localized.ts';
import { checkDoc, templateDocSchema, type TemplateDoc } from './schemas.ts';
import { starterTemplates } from './starter-templates.ts';
import {
	blankTemplate,
	copyTemplate,
	families,
	move,
	moveItem,
	nextVersion,
	plannable,
	templateChangeRefusal,
	templateVersionId,
} from './templates.ts';

const NOW = '2026-11-23T09:00:00.000Z';
const [physical, osa, threat] = starterTemplates(NOW) as [TemplateDoc, TemplateDoc, TemplateDoc];

describe('starter templates', () => {
	it('are three valid published version-1 templates, 12 + 12 + 13 items, each with help in sv and en', () => {
		for (const t of [physical, osa, threat]) {
			expect(checkDoc(t)).toMatchObject({ ok: true });
			expect(t.status).toBe('published');
			expect(t.legalRef).not.toBe('');
			for (const item of t.sections.flatMap((s) => s.items)) {
				expect(item.help?.sv.length).toBeGreaterThan(10);
				expect(item.help?.en.length).toBeGreaterThan(10);
				expect(item.text.en.length).toBeGreaterThan(10);
			}
		}
		expect([physical, osa, threat].map((t) => t.sections.flatMap((s) => s.items).length)).toEqual([12, 12, 13]);
		expect(physical.sections[0]?.items[0]?.text.sv).toBe(
			'Är gångytor, trappor och golv fria från hinder, spill och halkrisker?',
		);
	});
});

describe('versions', () => {
	it('nextVersion makes a valid draft of the same family with the next free number', () => {
		const v2 = nextVersion(physical, [physical], NOW);
		expect(v2).toMatchObject({ _id: 'template:physical.v2', family: 'physical', version: 2, status: 'draft' });
		expect(checkDoc(v2)).toMatchObject({ ok: true });
		const published2 = { ...v2, status: 'published' as const };
		expect(nextVersion(physical, [physical, published2], NOW)._id).toBe('template:physical.v3');
		// The copy is deep: editing the draft leaves the published version as it was.
		v2.sections[0]!.items[0]!.text.sv = 'Ändrad';
		expect(physical.sections[0]?.items[0]?.text.sv).not.toBe('Ändrad');
	});

	it('copyTemplate starts a new family at version 1 with a prefixed title', () => {
		const copy = copyTemplate(osa, { sv: 'Kopia av', en: 'Copy of' }, NOW);
		expect(copy.family).not.toBe('osa');
		expect(copy._id).toBe(templateVersionId(copy.family, 1));
		expect(copy.title.sv).toBe(`Kopia av ${osa.title.sv}`);
		expect(copy.status).toBe('draft');
		expect(checkDoc(copy)).toMatchObject({ ok: true });
	});

	it('blankTemplate is a valid draft', () => {
		const t = blankTemplate(
			'other',
			{ sv: 'Ny', en: 'New' },
			{ sv: 'Del', en: 'Part' },
			{ sv: 'Fråga?', en: 'Q?' },
			NOW,
		);
		expect(checkDoc(t)).toMatchObject({ ok: true });
	});

	it('the schema refuses an id that does not name family and version, and duplicate item ids', () => {
		expect(checkDoc({ ...physical, _id: 'template:physical.v2' })).toMatchObject({ ok: false });
		const dup = structuredClone(physical);
		dup.sections[1]!.items[0]!.id = 'physical-01';
		expect(checkDoc(dup)).toMatchObject({ ok: false, reason: expect.stringContaining('unique') });
	});

	it('families and plannable pick the newest published, skip drafts and retired families', () => {
		const v2draft = nextVersion(physical, [physical], NOW);
		const osaV2 = { ...nextVersion(osa, [osa], NOW), status: 'published' as const };
		const retiredThreat = { ...threat, retired: true };
		const fams = families([v2draft, physical, osa, osaV2, retiredThreat]);
		const phys = fams.find((f) => f.family === 'physical');
		expect(phys?.current?._id).toBe('template:physical.v1');
		expect(phys?.draft?._id).toBe('template:physical.v2');
		expect(phys?.versions.map((v) => v.version)).toEqual([1, 2]);
		expect(plannable([v2draft, physical, osa, osaV2, retiredThreat]).map((t) => t._id)).toEqual([
			'template:physical.v1',
			'template:osa.v2',
		]);
	});

	it('plannable never offers a draft or two versions of one family (property)', () => {
		const arb = fc.array(
			fc.record({
				family: fc.constantFrom('a', 'b', 'c'),
				version: fc.integer({ min: 1, max: 5 }),
				status: fc.constantFrom('draft', 'published'),
				retired: fc.boolean(),
			}),
			{ maxLength: 12 },
		);
		fc.assert(
			fc.property(arb, (rows) => {
				const docs = rows.map(
					(r) => ({ ...physical, ...r, _id: templateVersionId(r.family, r.version) }) as TemplateDoc,
				);
				const out = plannable(docs);
				expect(out.every((t) => t.status === 'published' && !t.retired)).toBe(true);
				expect(new Set(out.map((t) => t.family)).size).toBe(out.length);
				for (const t of out) {
					const newer = docs.filter((d) => d.family === t.family && d.status === 'published' && d.version > t.version);
					expect(newer).toEqual([]);
				}
			}),
		);
	});
});

describe('reordering', () => {
	it('move swaps neighbours and ignores moves off either end', () => {
		expect(move(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
		expect(move(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
		expect(move(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
	});

	it('moveItem keeps every item exactly once and never empties a section (property)', () => {
		const ids = (s: TemplateDoc['sections']) => s.flatMap((x) => x.items.map((i) => i.id));
		const steps = fc.array(fc.tuple(fc.nat(5), fc.nat(8), fc.constantFrom(-1 as const, 1 as const)), { maxLength: 30 });
		fc.assert(
			fc.property(steps, (moves) => {
				let sections = physical.sections;
				for (const [s, i, step] of moves) sections = moveItem(sections, s, i, step);
				expect([...ids(sections)].sort()).toEqual([...ids(physical.sections)].sort());
				expect(sections.every((s) => s.items.length > 0)).toBe(true);
				expect(sections.map((s) => s.id)).toEqual(physical.sections.map((s) => s.id));
			}),
		);
	});

	it('moveItem crosses into the neighbouring section at an edge', () => {
		const moved = moveItem(physical.sections, 1, 0, -1);
		expect(moved[0]?.items.at(-1)?.id).toBe('physical-05');
		expect(moved[1]?.items.map((i) => i.id)).toEqual(['physical-06']);
		// The single item left in a section stays.
		expect(moveItem(moved, 1, 0, -1)).toEqual(moved);
	});
});

describe('templateChangeRefusal', () => {
	const draft = nextVersion(physical, [physical], NOW);

	it('lets a draft change anything but family and version, and be deleted', () => {
		expect(
			templateChangeRefusal(draft, { ...draft, legalRef: 'AFS 2023:2', sections: physical.sections.slice(1) }),
		).toBe(undefined);
		expect(templateChangeRefusal(draft, { ...draft, status: 'published' })).toBe(undefined);
		const tombstone = (id: string) => ({ _id: id, _deleted: true, type: 'template', scope: 'org' });
		expect(templateChangeRefusal(draft, tombstone(draft._id))).toBe(undefined);
		expect(templateChangeRefusal(draft, { ...draft, version: 3 })).toMatch(/family and version/);
	});

	it('keeps a published version as it is, except for retiring it', () => {
		expect(templateChangeRefusal(physical, { ...physical, retired: true, updatedAt: NOW })).toBe(undefined);
		expect(templateChangeRefusal(physical, { ...physical, legalRef: 'AFS 2023:2' })).toMatch(/legalRef cannot change/);
		expect(templateChangeRefusal(physical, { ...physical, status: 'draft' })).toMatch(/cannot become a draft/);
		expect(
			templateChangeRefusal(physical, { _id: physical._id, _deleted: true, type: 'template', scope: 'org' }),
		).toMatch(/cannot be deleted/);
		const reordered = { ...physical, sections: moveItem(physical.sections, 0, 0, 1) };
		expect(templateChangeRefusal(physical, reordered)).toMatch(/sections cannot change/);
	});

	it('ignores key order inside the content (property: any reordering of keys is the same content)', () => {
		const reversed = (v: unknown): unknown =>
			Array.isArray(v)
				? v.map(reversed)
				: v && typeof v === 'object'
					? Object.fromEntries(
							Object.entries(v)
								.reverse()
								.map(([k, x]) => [k, reversed(x)]),
						)
					: v;
		expect(templateChangeRefusal(physical, reversed(physical) as Record<string, unknown>)).toBe(undefined);
	});
});

describe('English is optional (issue 12)', () => {
	it('takes a template without English text, shown in Swedish where English is empty', () => {
		const [t] = starterTemplates('2026-11-23T09:00:00.000Z') as [TemplateDoc];
		const swedishOnly = { ...t, title: { sv: 'Rond', en: '' } };
		expect(templateDocSchema.safeParse(swedishOnly).success).toBe(true);
		expect(templateDocSchema.safeParse({ ...t, title: { sv: '', en: 'Round' } }).success).toBe(false);
		expect(localizedText(swedishOnly.title, 'en')).toBe('Rond');
		expect(localizedText({ sv: 'Golv', en: 'Floor' }, 'en')).toBe('Floor');
	});
});
