/**
 * The annual follow-up form with its collaborators: typed text is saved after a pause, kept (with
 * the error) when the write fails, backed up when the page is hidden and restored on the next open.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDoc } from '../db/docs-repo.ts';
import { AppError, FOLLOW_UP_QUESTIONS, type FollowUpDoc } from '../domain/index.ts';
import { FollowUpForm, answerFieldId } from './annual-follow-up.svelte.ts';
import { MANAGER_A1, testCollaborators, type TestCollaborators } from './test-collaborators.ts';

const NOW = new Date('2026-11-23T09:00:00.000Z');
const ID = 'followup:a1-2026';
const BACKUP = `trygg.unsaved.chef.a1|${ID}`;

/** A page the spec hides. */
function fakePage() {
	const win = new EventTarget();
	const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
	return {
		window: win,
		document: doc,
		hide() {
			doc.visibilityState = 'hidden';
			doc.dispatchEvent(new Event('visibilitychange'));
		},
	};
}

async function stored(c: TestCollaborators): Promise<FollowUpDoc | undefined> {
	const doc = await getDoc(c.db, ID);
	return doc?.type === 'followup' ? doc : undefined;
}

let c: TestCollaborators;
beforeEach(() => {
	// Only the timers the autosave uses: fake-indexeddb runs on its own.
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
	c = testCollaborators(MANAGER_A1, NOW);
});
afterEach(() => {
	vi.useRealTimers();
	c.db.close();
});

describe('FollowUpForm', () => {
	it('saves typed conclusions after a pause, in the follow-up of its unit and year', async () => {
		const form = new FollowUpForm(ID, c);
		form.type('conclusions', 'Bra år');
		expect(form.text('conclusions')).toBe('Bra år');
		expect(await stored(c)).toBeUndefined();
		await vi.advanceTimersByTimeAsync(700);
		await vi.waitFor(async () => expect((await stored(c))?.conclusions).toBe('Bra år'));
		expect(form.drafts.get('conclusions')).toBeUndefined();
		expect((await stored(c))?.createdAt).toBe(NOW.toISOString());
	});

	it('keeps the typed text and shows the error when the write fails, and stores it on the next try', async () => {
		const form = new FollowUpForm(ID, c);
		c.failWith.error = new AppError('quota', 'the device is full');
		form.type('roundsComment', 'Skyddsronder gjordes');
		expect(await form.flush('roundsComment')).toBe(false);
		expect(form.text('roundsComment')).toBe('Skyddsronder gjordes');
		expect((form.error as AppError).code).toBe('quota');
		c.failWith.error = undefined;
		expect(await form.flushAll()).toBe(true);
		expect((await stored(c))?.roundsComment).toBe('Skyddsronder gjordes');
		expect(form.error).toBeNull();
	});

	it('backs up unsaved text when the page is hidden, and the next open shows and saves it', async () => {
		const form = new FollowUpForm(ID, c);
		const page = fakePage();
		const detach = form.attach(page);
		c.failWith.error = new TypeError('Failed to fetch');
		form.type('conclusions', 'Skrivet offline');
		page.hide();
		expect(JSON.parse(c.storage.getItem(BACKUP) ?? 'null')).toEqual([['conclusions', 'Skrivet offline']]);
		await vi.advanceTimersByTimeAsync(0);
		detach();

		c.failWith.error = undefined;
		const next = new FollowUpForm(ID, c);
		const release = next.attach(fakePage());
		expect(next.text('conclusions')).toBe('Skrivet offline');
		await vi.waitFor(async () => expect((await stored(c))?.conclusions).toBe('Skrivet offline'));
		await vi.waitFor(() => expect(c.storage.getItem(BACKUP)).toBeNull());
		release();
	});

	it('names every answer still missing before signing, with its field, once typing is saved', async () => {
		const form = new FollowUpForm(ID, c);
		const all = await form.missingToSign();
		expect(all.map((e) => e.field)).toEqual([...FOLLOW_UP_QUESTIONS.map((q) => answerFieldId(q)), 'conclusions']);
		expect(all[0]).toEqual({ field: 'answer-rounds', message: 'Svara på fråga 1.' });
		expect(all.at(-1)?.message).toBe('Fyll i slutsatser och vad som behöver förbättras.');

		for (const q of FOLLOW_UP_QUESTIONS.filter((q) => q !== 'routines')) await form.choose(q, 'yes');
		// Typed but not yet saved: saved first, so it does not count as missing.
		form.type('conclusions', 'Bra år');
		expect(await form.missingToSign()).toEqual([{ field: 'answer-routines', message: 'Svara på fråga 4.' }]);

		await form.choose('routines', 'partly');
		expect(await form.missingToSign()).toEqual([]);
	});
});
