/**
 * Template screens' state: live template versions grouped into families, the commands that make
 * a new version, a copy or a blank template, publish or retire one, and the editor's working copy.
 * It never edits a published version in place (decision 0006): editing one starts the next version.
 */
import type { Localized, TemplateDoc } from '../domain/index.ts';
import { blankTemplate, copyTemplate, families, move, moveItem, newKey, nextVersion } from '../domain/templates.ts';
import { liveDocsOfType } from '../db/docs-repo.ts';
import type { TryggDb } from '../db/app-db.ts';
import { t, i18n, type MessageKey } from '../i18n/i18n.svelte.ts';
import { sv } from '../i18n/sv.ts';
import { en } from '../i18n/en.ts';
import { app } from './app-state.svelte.ts';
import { Live } from './live.svelte.ts';
import { nowIso } from './clock.ts';

type Section = TemplateDoc['sections'][number];

export function liveTemplateVersions(db: TryggDb | null): Live<TemplateDoc[]> | null {
	return db ? new Live(liveDocsOfType(db, 'template')) : null;
}

/** May the signed-in person change templates (HR and admin write `org`)? */
export function canEditTemplates(): boolean {
	return app.me?.scopes.some((s) => s.scope === 'org' && s.write) ?? false;
}

/** Families sorted by their current (or draft) title in the user's language. */
export function sortedFamilies(templates: readonly TemplateDoc[]) {
	const title = (f: ReturnType<typeof families>[number]) =>
		(f.current ?? f.draft ?? f.versions[0])?.title[i18n.locale] ?? '';
	return families(templates).sort((a, b) => i18n.compare(title(a), title(b)));
}

/** A message in both languages (a new template starts with text in both). */
const localized = (key: MessageKey): Localized => ({ sv: sv[key], en: en[key] });

/** The draft to edit for `base`: its family's open draft, or a new next version saved now. */
export async function editVersion(base: TemplateDoc, all: readonly TemplateDoc[]): Promise<TemplateDoc> {
	const family = families(all).find((f) => f.family === base.family);
	if (family?.draft) return family.draft;
	const draft = nextVersion(base, all, nowIso());
	await app.save(draft);
	return draft;
}

export async function copyOf(base: TemplateDoc): Promise<TemplateDoc> {
	const copy = copyTemplate(base, localized('templates.copyPrefix'), nowIso());
	await app.save(copy);
	return copy;
}

export async function createBlank(): Promise<TemplateDoc> {
	const doc = blankTemplate(
		'other',
		localized('templates.newTitle'),
		localized('templates.newSection'),
		localized('templates.newItem'),
		nowIso(),
	);
	await app.save(doc);
	return doc;
}

export async function setRetired(current: TemplateDoc, retired: boolean): Promise<void> {
	await app.save({ ...current, retired });
}

/** One field the editor found empty, for a message and for moving focus to it. */
export type Missing = { fieldId: string; label: string };

/**
 * The editor's working copy of a draft. Text is edited as plain strings; help text in both
 * languages or in neither (the schema wants both or none).
 */
export class TemplateEditor {
	doc = $state<TemplateDoc>() as TemplateDoc;
	/** What the last move did, for the live region. */
	announcement = $state('');
	dirty = $state(false);

	constructor(draft: TemplateDoc) {
		const copy = structuredClone($state.snapshot(draft)) as TemplateDoc;
		// The editor shows help fields for every item; empty means "no help".
		for (const s of copy.sections) for (const i of s.items) i.help ??= { sv: '', en: '' };
		this.doc = copy;
	}

	touch(): void {
		this.dirty = true;
	}

	moveSection(index: number, step: -1 | 1): void {
		this.doc.sections = move(this.doc.sections, index, step);
		this.announcement = t('templates.moved.section', { n: index + 1 + step });
		this.touch();
	}

	moveItem(s: number, i: number, step: -1 | 1): { section: number; index: number } {
		const id = this.doc.sections[s]?.items[i]?.id;
		this.doc.sections = moveItem(this.doc.sections, s, i, step);
		const section = this.doc.sections.findIndex((x) => x.items.some((it) => it.id === id));
		const index = this.doc.sections[section]?.items.findIndex((it) => it.id === id) ?? -1;
		this.announcement = t('templates.moved.item', { n: index + 1, section: section + 1 });
		this.touch();
		return { section, index };
	}

	addItem(s: number): string {
		const id = newKey();
		this.doc.sections[s]?.items.push({ id, text: { sv: '', en: '' }, help: { sv: '', en: '' } });
		this.touch();
		return id;
	}

	removeItem(s: number, i: number): void {
		const section = this.doc.sections[s];
		if (!section || section.items.length <= 1) return;
		section.items.splice(i, 1);
		this.touch();
	}

	addSection(): string {
		const section: Section = {
			id: newKey(),
			title: { sv: '', en: '' },
			items: [{ id: newKey(), text: { sv: '', en: '' }, help: { sv: '', en: '' } }],
		};
		this.doc.sections.push(section);
		this.touch();
		return section.id;
	}

	removeSection(s: number): void {
		if (this.doc.sections.length <= 1) return;
		this.doc.sections.splice(s, 1);
		this.touch();
	}

	/** The first required field left empty, in reading order, or undefined. */
	missing(): Missing | undefined {
		const d = this.doc;
		const need = (value: string, fieldId: string, label: string): Missing | undefined =>
			value.trim() === '' ? { fieldId, label } : undefined;
		const head =
			need(d.title.sv, 'title-sv', t('templates.field.titleSv')) ??
			need(d.title.en, 'title-en', t('templates.field.titleEn'));
		if (head) return head;
		for (const [si, s] of d.sections.entries()) {
			const n = si + 1;
			const sec =
				need(s.title.sv, `section-${s.id}-sv`, t('templates.field.sectionSv', { n })) ??
				need(s.title.en, `section-${s.id}-en`, t('templates.field.sectionEn', { n }));
			if (sec) return sec;
			for (const [ii, item] of s.items.entries()) {
				const m = ii + 1;
				const q =
					need(item.text.sv, `item-${item.id}-sv`, t('templates.field.itemSv', { n: m, section: n })) ??
					need(item.text.en, `item-${item.id}-en`, t('templates.field.itemEn', { n: m, section: n }));
				if (q) return q;
				const hsv = item.help?.sv.trim() ?? '';
				const hen = item.help?.en.trim() ?? '';
				if (hsv && !hen)
					return { fieldId: `help-${item.id}-en`, label: t('templates.field.helpEn', { n: m, section: n }) };
				if (hen && !hsv)
					return { fieldId: `help-${item.id}-sv`, label: t('templates.field.helpSv', { n: m, section: n }) };
			}
		}
		return undefined;
	}

	/** The document to store: trimmed text, help only where written in both languages. */
	toDoc(status: TemplateDoc['status']): TemplateDoc {
		const d = structuredClone($state.snapshot(this.doc)) as TemplateDoc;
		const trim = (l: Localized): Localized => ({ sv: l.sv.trim(), en: l.en.trim() });
		return {
			...d,
			status,
			title: trim(d.title),
			legalRef: d.legalRef.trim(),
			sections: d.sections.map((s) => ({
				id: s.id,
				title: trim(s.title),
				items: s.items.map((i) => {
					const help = i.help && i.help.sv.trim() && i.help.en.trim() ? trim(i.help) : undefined;
					return help ? { id: i.id, text: trim(i.text), help } : { id: i.id, text: trim(i.text) };
				}),
			})),
		};
	}

	async save(status: TemplateDoc['status']): Promise<TemplateDoc> {
		const doc = this.toDoc(status);
		await app.save(doc);
		this.dirty = false;
		return doc;
	}
}
