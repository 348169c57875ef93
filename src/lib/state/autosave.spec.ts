/** One autosave for every form: debounce, kept on failure, page-hide backup, restore, clear. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosave, submitFormDrafts, type DraftStorage, type PageEvents } from './autosave.svelte.ts';
import { UnsavedWork } from './unsaved.ts';

class MemoryStorage implements DraftStorage {
	readonly items = new Map<string, string>();
	getItem(key: string): string | null {
		return this.items.get(key) ?? null;
	}
	setItem(key: string, value: string): void {
		this.items.set(key, value);
	}
	removeItem(key: string): void {
		this.items.delete(key);
	}
}

/** A page whose events the spec fires. */
function fakePage(unsaved?: UnsavedWork): PageEvents & { fire: (type: string) => void } {
	const win = new EventTarget();
	const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
	return {
		window: win,
		document: doc,
		...(unsaved ? { unsaved } : {}),
		fire(type: string) {
			if (type === 'visibilitychange') {
				doc.visibilityState = 'hidden';
				doc.dispatchEvent(new Event(type));
			} else win.dispatchEvent(new Event(type));
		},
	};
}

const KEY = 'trygg.unsaved.ann|form-1';

function setup(save: (key: string, text: string) => Promise<unknown>) {
	const storage = new MemoryStorage();
	const stored: [string, string][] = [];
	const autosave = new Autosave({
		save: async (key, text) => {
			const result = await save(key, text);
			if (result !== false) stored.push([key, text]);
			return result;
		},
		backupKey: () => KEY,
		storage,
		delayMs: 700,
	});
	return { autosave, storage, stored };
}

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

describe('Autosave', () => {
	it('saves once after typing pauses, not on every key, and clears the draft once stored', async () => {
		const { autosave, stored } = setup(async () => undefined);
		autosave.set('comment', 'H');
		await vi.advanceTimersByTimeAsync(300);
		autosave.set('comment', 'Hal');
		await vi.advanceTimersByTimeAsync(300);
		autosave.set('comment', 'Halt golv');
		expect(autosave.get('comment')).toBe('Halt golv');
		await vi.advanceTimersByTimeAsync(699);
		expect(stored).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(stored).toEqual([['comment', 'Halt golv']]);
		expect(autosave.get('comment')).toBeUndefined();
		expect(autosave.unsaved).toBe(false);
	});

	it('keeps the draft shown until the write is stored, and text typed meanwhile after it', async () => {
		let finish: () => void = () => undefined;
		const { autosave } = setup(() => new Promise<void>((resolve) => (finish = resolve)));
		autosave.set('comment', 'first');
		await vi.advanceTimersByTimeAsync(700);
		expect(autosave.get('comment')).toBe('first');
		autosave.set('comment', 'first and more');
		finish();
		await vi.advanceTimersByTimeAsync(0);
		// The stored write was of the older text: the newer stays, to be saved.
		expect(autosave.get('comment')).toBe('first and more');
	});

	it('keeps the typed text and the error when the write fails or is refused, and saves it on the next try', async () => {
		let fail = true;
		const { autosave, stored } = setup(async () => {
			if (fail) throw new Error('refused');
		});
		autosave.set('conclusions', 'Bra år');
		await vi.advanceTimersByTimeAsync(700);
		expect(autosave.get('conclusions')).toBe('Bra år');
		expect((autosave.error as Error).message).toBe('refused');
		expect(autosave.unsaved).toBe(true);
		fail = false;
		expect(await autosave.flush('conclusions')).toBe(true);
		expect(stored).toEqual([['conclusions', 'Bra år']]);
		expect(autosave.get('conclusions')).toBeUndefined();
		expect(autosave.error).toBeNull();
	});

	it('keeps a draft the form cannot store yet without an error', async () => {
		const { autosave } = setup(async () => false);
		autosave.set('doc', '{"title":""}');
		await vi.advanceTimersByTimeAsync(700);
		expect(autosave.get('doc')).toBe('{"title":""}');
		expect(autosave.error).toBeNull();
	});

	it('backs up what is unsaved to localStorage when the page is hidden or left, and removes it once stored', async () => {
		const finishers: (() => void)[] = [];
		const { autosave, storage } = setup(() => new Promise<void>((resolve) => finishers.push(resolve)));
		const page = fakePage();
		const detach = autosave.attach(page);
		autosave.set('a', 'one');
		autosave.set('b', 'two');
		page.fire('visibilitychange');
		expect(JSON.parse(storage.getItem(KEY) ?? 'null')).toEqual([
			['a', 'one'],
			['b', 'two'],
		]);
		finishers[0]?.();
		await vi.advanceTimersByTimeAsync(0);
		// One stored, one still on its way: the backup follows.
		expect(JSON.parse(storage.getItem(KEY) ?? 'null')).toEqual([['b', 'two']]);
		finishers[1]?.();
		await vi.advanceTimersByTimeAsync(0);
		expect(storage.getItem(KEY)).toBeNull();
		autosave.set('a', 'again');
		page.fire('pagehide');
		expect(JSON.parse(storage.getItem(KEY) ?? 'null')).toEqual([['a', 'again']]);
		detach();
	});

	it('restores the backup on the next open, saves it, and keeps it until stored', async () => {
		let fail = true;
		const { autosave: before, storage } = setup(async () => {
			throw new Error('offline');
		});
		before.set('comment', 'Trasig stege');
		await vi.advanceTimersByTimeAsync(700);
		before.backUp();

		const stored: string[] = [];
		const next = new Autosave({
			save: async (_key, text) => {
				if (fail) throw new Error('still failing');
				stored.push(text);
			},
			backupKey: () => KEY,
			storage,
		});
		expect(next.restore()).toEqual(['comment']);
		expect(next.get('comment')).toBe('Trasig stege');
		await vi.advanceTimersByTimeAsync(0);
		// Not stored yet: a reload now still finds it.
		expect(storage.getItem(KEY)).not.toBeNull();
		fail = false;
		await next.flushAll();
		expect(stored).toEqual(['Trasig stege']);
		expect(next.get('comment')).toBeUndefined();
		expect(storage.getItem(KEY)).toBeNull();
		// Once per form.
		expect(next.restore()).toEqual([]);
	});

	it('ignores a damaged backup', () => {
		const { autosave, storage } = setup(async () => undefined);
		storage.setItem(KEY, '{not json');
		expect(autosave.restore()).toEqual([]);
		expect(autosave.unsaved).toBe(false);
	});

	it('registers with the update prompt, which waits for the writes, and flushes when detached', async () => {
		const unsaved = new UnsavedWork();
		const { autosave, stored, storage } = setup(async () => undefined);
		const detach = autosave.attach(fakePage(unsaved));
		autosave.set('title', 'Ny');
		await unsaved.storeAll();
		expect(stored).toEqual([['title', 'Ny']]);
		autosave.set('title', 'Nyare');
		detach();
		await vi.advanceTimersByTimeAsync(0);
		expect(stored.at(-1)).toEqual(['title', 'Nyare']);
		expect(storage.getItem(KEY)).toBeNull();
		// Detached: the update no longer waits for it.
		autosave.set('title', 'Senare');
		await unsaved.storeAll();
		expect(stored.at(-1)).toEqual(['title', 'Nyare']);
	});

	it('takes a draft along with another write of the form (settle) and cancels its own timer', async () => {
		const { autosave, stored } = setup(async () => undefined);
		autosave.set('answer|i1|comment', 'text');
		autosave.cancel('answer|i1|comment');
		autosave.settle('answer|i1|comment', 'text');
		await vi.advanceTimersByTimeAsync(1000);
		expect(stored).toEqual([]);
		expect(autosave.unsaved).toBe(false);
	});
});

describe('submitFormDrafts', () => {
	it('keeps a new form’s text until its submit stores it: backed up, restored, cleared', async () => {
		const storage = new MemoryStorage();
		const form = submitFormDrafts(() => KEY, storage);
		const page = fakePage();
		const detach = form.attach(page);
		form.hold('form', '{"subject":"Buller i verkstaden"}');
		await vi.advanceTimersByTimeAsync(5000);
		expect(await form.flushAll()).toBe(false);
		page.fire('pagehide');
		detach();
		const next = submitFormDrafts(() => KEY, storage);
		expect(next.restore()).toEqual(['form']);
		expect(next.get('form')).toBe('{"subject":"Buller i verkstaden"}');
		next.clear();
		expect(next.unsaved).toBe(false);
		expect(storage.getItem(KEY)).toBeNull();
	});
});
