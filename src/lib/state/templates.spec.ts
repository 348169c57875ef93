/**
 * The template editor with its collaborators (issue 12, item 5): edits are saved as the draft
 * after a pause, kept and backed up while a required field is empty or the write fails, restored
 * on the next open; English is optional; publishing a draft identical to the latest published
 * version is refused with the reason the server gives.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDoc } from '../db/docs-repo.ts';
import { AppError, templateDocSchema, type TemplateDoc } from '../domain/index.ts';
import { starterTemplates } from '../domain/starter-templates.ts';
import { nextVersion, UNCHANGED_TEMPLATE_REASON } from '../domain/templates.ts';
import { messageFor } from './errors.ts';
import { missingFields, TemplateEditor } from './templates.svelte.ts';
import { HR, testCollaborators, type TestCollaborators } from './test-collaborators.ts';

const NOW = new Date('2026-11-23T09:00:00.000Z');

function fakePage() {
	const win = new EventTarget();
	const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
	return { window: win, document: doc, leave: () => win.dispatchEvent(new Event('pagehide')) };
}

let c: TestCollaborators;
let published: TemplateDoc;
let draft: TemplateDoc;
let versions: TemplateDoc[];
beforeEach(async () => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
	c = testCollaborators(HR, NOW);
	published = starterTemplates(NOW.toISOString())[0] as TemplateDoc;
	draft = nextVersion(published, [published], NOW.toISOString());
	await c.writer.save(published);
	await c.writer.save(draft);
	versions = [published, draft];
});
afterEach(() => {
	vi.useRealTimers();
	c.db.close();
});

async function storedDraft(): Promise<TemplateDoc | undefined> {
	const doc = await getDoc(c.db, draft._id);
	return doc?.type === 'template' ? doc : undefined;
}

describe('TemplateEditor', () => {
	it('saves an edit as the draft after a pause, with the English left empty', async () => {
		const editor = new TemplateEditor(draft, c, () => versions);
		editor.doc.title.sv = 'Skyddsrond kök';
		editor.doc.title.en = '';
		editor.touch();
		expect(editor.unsaved).toBe(true);
		await vi.advanceTimersByTimeAsync(700);
		await vi.waitFor(async () => expect((await storedDraft())?.title).toEqual({ sv: 'Skyddsrond kök', en: '' }));
		expect(editor.unsaved).toBe(false);
		expect((await storedDraft())?.status).toBe('draft');
	});

	it('keeps an edit with a required Swedish field empty as an unsaved draft, backed up and restored on the next open', async () => {
		const editor = new TemplateEditor(draft, c, () => versions);
		const page = fakePage();
		editor.attach(page);
		editor.doc.title.sv = '';
		editor.doc.sections[0]!.items[0]!.text.sv = 'Finns det halkrisk?';
		editor.touch();
		await vi.advanceTimersByTimeAsync(700);
		expect(editor.unsaved).toBe(true);
		expect(editor.drafts.error).toBeNull();
		expect((await storedDraft())?.title.sv).toBe(published.title.sv);
		page.leave();
		expect(c.storage.getItem(`trygg.unsaved.hr|${draft._id}`)).not.toBeNull();

		const next = new TemplateEditor(draft, c, () => versions);
		next.attach(fakePage());
		expect(next.doc.title.sv).toBe('');
		expect(next.doc.sections[0]!.items[0]!.text.sv).toBe('Finns det halkrisk?');
		expect(next.unsaved).toBe(true);
		expect(next.missing()?.fieldId).toBe('title-sv');
	});

	it('keeps the edit and the error when the write fails', async () => {
		const editor = new TemplateEditor(draft, c, () => versions);
		c.failWith.error = new AppError('quota', 'full');
		editor.doc.legalRef = 'AFS 2023:1 kap. 3';
		editor.touch();
		await vi.advanceTimersByTimeAsync(700);
		await vi.waitFor(() => expect(editor.drafts.error).toBeInstanceOf(AppError));
		expect(editor.unsaved).toBe(true);
		expect(editor.doc.legalRef).toBe('AFS 2023:1 kap. 3');
	});

	it('refuses publishing a draft identical to the latest published version, with a translated message', async () => {
		const editor = new TemplateEditor(draft, c, () => versions);
		const refused = await editor.save('published').catch((err: unknown) => err);
		expect(refused).toBeInstanceOf(AppError);
		expect((refused as AppError).message).toBe(UNCHANGED_TEMPLATE_REASON);
		expect(messageFor(refused)).toMatch(/likadant som den senast publicerade/);
		expect((await storedDraft())?.status).toBe('draft');
	});

	it('publishes a changed draft whose English texts are empty; shown in English they fall back to Swedish', async () => {
		const editor = new TemplateEditor(draft, c, () => versions);
		editor.doc.title = { sv: 'Ny rond', en: '' };
		for (const s of editor.doc.sections) {
			s.title.en = '';
			for (const i of s.items) i.text.en = '';
		}
		editor.touch();
		const doc = await editor.save('published');
		expect(templateDocSchema.safeParse(doc).success).toBe(true);
		expect((await storedDraft())?.status).toBe('published');
		expect(editor.unsaved).toBe(false);
	});

	it('names every empty Swedish field at once, in reading order, and no English one', () => {
		const d = structuredClone(draft);
		const [first] = d.sections;
		const item = first!.items[1]!;
		d.title = { sv: ' ', en: '' };
		item.text = { sv: '', en: 'Only English' };
		item.help = { sv: '', en: 'English help' };
		d.sections[1]!.title = { sv: '', en: '' };
		expect(missingFields(d).map((m) => m.fieldId)).toEqual([
			'title-sv',
			`item-${item.id}-sv`,
			`help-${item.id}-sv`,
			`section-${d.sections[1]!.id}-sv`,
		]);
		expect(missingFields(draft)).toEqual([]);
	});
});
