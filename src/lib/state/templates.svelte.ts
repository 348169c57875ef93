/**
 * Template screens' state: live template versions grouped into families, the commands that make
 * a new version, a copy or a blank template, publish or retire one, and the editor's working copy.
 * It never edits a published version in place (decision 0006): editing one starts the next version.
 */
import { untrack } from 'svelte';
import { AppError, type Localized, type TemplateDoc } from '../domain/index.ts';
import {
	blankTemplate,
	copyTemplate,
	families,
	move,
	moveItem,
	newKey,
	nextVersion,
	unchangedPublishRefusal,
} from '../domain/templates.ts';
import { liveDocsOfType } from '../db/docs-repo.ts';
import type { TryggDb } from '../db/app-db.ts';
import { t, i18n, type MessageKey } from '../i18n/i18n.svelte.ts';
import { svAll as sv } from '../i18n/sv-all.ts';
import { en } from '../i18n/en.ts';
import { app } from './app-state.svelte.ts';
import { Autosave, type PageEvents } from './autosave.svelte.ts';
import type { Collaborators } from './collaborators.ts';
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
		i18n.text((f.current ?? f.draft ?? f.versions[0])?.title ?? { sv: '', en: '' });
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

/** Every required field of a working copy left empty, in reading order. Swedish is required, English optional. */
export function missingFields(d: TemplateDoc): Missing[] {
	const found: Missing[] = [];
	const need = (value: string, fieldId: string, label: string): void => {
		if (value.trim() === '') found.push({ fieldId, label });
	};
	need(d.title.sv, 'title-sv', t('templates.field.titleSv'));
	for (const [si, s] of d.sections.entries()) {
		const n = si + 1;
		need(s.title.sv, `section-${s.id}-sv`, t('templates.field.sectionSv', { n }));
		for (const [ii, item] of s.items.entries()) {
			const m = ii + 1;
			need(item.text.sv, `item-${item.id}-sv`, t('templates.field.itemSv', { n: m, section: n }));
			// English help without Swedish: the Swedish is the source, shown when English is empty.
			if ((item.help?.en.trim() ?? '') !== '' && (item.help?.sv.trim() ?? '') === '')
				found.push({ fieldId: `help-${item.id}-sv`, label: t('templates.field.helpSv', { n: m, section: n }) });
		}
	}
	return found;
}

/** The first required field of a working copy left empty, in reading order, or undefined. */
export function missingField(d: TemplateDoc): Missing | undefined {
	return missingFields(d)[0];
}

/** The document to store from a working copy: trimmed text, help only where written in Swedish. */
export function templateToStore(working: TemplateDoc, status: TemplateDoc['status']): TemplateDoc {
	const d = structuredClone(working);
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
				const help = i.help && i.help.sv.trim() ? trim(i.help) : undefined;
				return help ? { id: i.id, text: trim(i.text), help } : { id: i.id, text: trim(i.text) };
			}),
		})),
	};
}

/**
 * The editor's working copy of a draft. Text is edited as plain strings; Swedish is required,
 * English optional (shown in Swedish when empty). Every change goes through the one autosave:
 * stored as the draft after a pause once nothing required is empty, kept (and backed up to
 * `localStorage` when the page goes) until then, and restored on the next open.
 */
export class TemplateEditor {
	doc = $state<TemplateDoc>() as TemplateDoc;
	/** What the last move did, for the live region. */
	announcement = $state('');
	readonly drafts: Autosave;
	readonly #with: Collaborators;
	readonly #versions: () => readonly TemplateDoc[];
	#queue: Promise<unknown> = Promise.resolve();

	/** `versions`: the template versions on the device (a publish is compared with the latest published one). */
	constructor(draft: TemplateDoc, collaborators: Collaborators, versions: () => readonly TemplateDoc[]) {
		const copy = structuredClone($state.snapshot(draft)) as TemplateDoc;
		// The editor shows help fields for every item; empty means "no help".
		for (const s of copy.sections) for (const i of s.items) i.help ??= { sv: '', en: '' };
		this.doc = copy;
		this.#with = collaborators;
		this.#versions = versions;
		this.drafts = new Autosave({
			save: (_key, text) => this.#storeWorkingCopy(text),
			backupKey: () => `trygg.unsaved.${untrack(() => collaborators.person()?.name) ?? ''}|${draft._id}`,
			storage: collaborators.storage,
			timers: collaborators.timers,
		});
	}

	/** Edits not stored on the device yet (a pause not over, a required field empty, a failed write). */
	get unsaved(): boolean {
		return this.drafts.unsaved;
	}

	/** The working copy changed: saved as the draft after a pause. */
	touch(): void {
		this.drafts.set(WORKING_COPY, JSON.stringify($state.snapshot(this.doc)));
	}

	/** Store a working copy as the draft; not yet (no error) while a required field is empty. */
	async #storeWorkingCopy(text: string): Promise<boolean> {
		const working = JSON.parse(text) as TemplateDoc;
		if (missingField(working)) return false;
		await this.#write(templateToStore(working, 'draft'));
		return true;
	}

	/** Writes one after another (an autosave never lands after a publish). */
	#write(doc: TemplateDoc): Promise<void> {
		const run = this.#queue.then(async () => {
			await this.#with.writer.save(doc);
		});
		this.#queue = run.catch(() => undefined);
		return run;
	}

	/** Show again what was typed when the editor last went away; then save on leaving (and back up). */
	attach(page: PageEvents): () => void {
		if (this.drafts.restore().includes(WORKING_COPY)) {
			const restored = JSON.parse(this.drafts.get(WORKING_COPY) ?? 'null') as TemplateDoc | null;
			if (restored?._id === this.doc._id) this.doc = restored;
		}
		return this.drafts.attach(page);
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
		return missingField(this.doc);
	}

	/** Every required field left empty, in reading order. */
	missingAll(): Missing[] {
		return missingFields(this.doc);
	}

	/** The document to store: trimmed text, help only where written in Swedish. */
	toDoc(status: TemplateDoc['status']): TemplateDoc {
		return templateToStore($state.snapshot(this.doc) as TemplateDoc, status);
	}

	/**
	 * Save the draft now, or publish it. Publishing a draft identical to the latest published
	 * version is refused here as on the server (`UNCHANGED_TEMPLATE_REASON`).
	 */
	async save(status: TemplateDoc['status']): Promise<TemplateDoc> {
		const text = JSON.stringify($state.snapshot(this.doc));
		this.drafts.cancel(WORKING_COPY);
		const doc = this.toDoc(status);
		const refusal = unchangedPublishRefusal(doc, undefined, this.#versions());
		if (refusal) throw new AppError('forbidden', refusal);
		await this.#write(doc);
		this.drafts.settle(WORKING_COPY, text);
		return doc;
	}
}

/** The autosave key of the editor's one draft: the whole working copy, as JSON. */
const WORKING_COPY = 'doc';
