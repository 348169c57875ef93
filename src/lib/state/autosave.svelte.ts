/**
 * Typed text on its way to the device's database, for every form with typing (round walk,
 * annual follow-up, action, 6:6a request, template editor, the surveys to come). One behaviour:
 *
 * - a draft is shown from the first key (the field reads `get` first, the store second), and
 *   written after a pause in typing (`delayMs`) or at once on `flush` (leaving the field);
 * - it stays shown until its write is stored, and stays (with `error` set) when the write fails
 *   or is refused: typed text is never dropped;
 * - when the page is hidden or left, what is not stored yet is also written to `localStorage`
 *   synchronously (the browser aborts a device transaction still running when the page goes),
 *   and `restore` shows it again and saves it on the next open; the backup follows what is still
 *   unsaved and is removed once everything is stored.
 *
 * Keys are the form's own (`answer|item|comment`, `conclusions`, `doc` …); the values are strings
 * (a form with structured content stores JSON). Collaborators come in as arguments, so a spec
 * drives it with fake timers and a fake storage.
 */
import { untrack } from 'svelte';
import type { UnsavedWork } from './unsaved.ts';
import { KeyedState } from './keyed-state.svelte.ts';

/** How long typing may pause before the text is saved. */
export const AUTOSAVE_DELAY_MS = 700;

/** The part of `localStorage` the backup uses. */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Timers, replaceable in specs. */
export type Timers = {
	set: (run: () => void, ms: number) => unknown;
	clear: (handle: unknown) => void;
};

export const browserTimers: Timers = {
	set: (run, ms) => setTimeout(run, ms),
	clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Store one draft. Resolve when stored (the draft is then cleared if not typed on since), resolve
 * `false` when it cannot be stored yet and that is no error (a template with a required field
 * still empty: kept as a draft and in the backup), reject when the write fails or is refused.
 */
export type SaveDraft = (key: string, text: string) => Promise<unknown>;

export type AutosaveOptions = {
	save: SaveDraft;
	/** The `localStorage` key of the backup (read when needed: it may name the signed-in person). */
	backupKey: () => string;
	/** `localStorage` in the app; null where there is none. */
	storage: DraftStorage | null;
	timers?: Timers;
	delayMs?: number;
	/** Other pending work of the form to store with the drafts when the page goes (a risk being chosen). */
	flushOthers?: () => Promise<unknown>;
};

/** Where `attach` listens: the window and document in the app, fakes in specs. */
export type PageEvents = {
	window: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
	document: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { visibilityState: string };
	/** The update prompt's list of unsaved work (its reload waits for the writes). */
	unsaved?: UnsavedWork;
};

export class Autosave {
	readonly #drafts = new KeyedState<string>();
	readonly #save: SaveDraft;
	readonly #backupKey: () => string;
	readonly #storage: DraftStorage | null;
	readonly #timers: Timers;
	readonly #delayMs: number;
	readonly #flushOthers: () => Promise<unknown>;
	// Not reactive on purpose: timers, which nothing shows.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly #pending = new Map<string, unknown>();
	/** A backup was written and must follow what is still unsaved (a stale one would bring old text back). */
	#backedUp = false;
	#restored = false;
	/** The last failed write, for the form to show (translated by `messageFor`); cleared by the next stored one. */
	error = $state<unknown>(null);

	constructor(options: AutosaveOptions) {
		this.#save = options.save;
		this.#backupKey = options.backupKey;
		this.#storage = options.storage;
		this.#timers = options.timers ?? browserTimers;
		this.#delayMs = options.delayMs ?? AUTOSAVE_DELAY_MS;
		this.#flushOthers = options.flushOthers ?? (() => Promise.resolve());
	}

	/** The draft of a field, or undefined when what is stored is what shows. */
	get(key: string): string | undefined {
		return this.#drafts.get(key);
	}

	has(key: string): boolean {
		return this.#drafts.has(key);
	}

	/** Keys holding a draft now (not reactive). */
	keys(): string[] {
		return this.#drafts.keys();
	}

	/** Something typed is not stored yet (not reactive: for leaving the page). */
	get unsaved(): boolean {
		return this.#drafts.keys().length > 0;
	}

	/** Text typed: shown at once, saved after a pause (`delayMs`, or the form's own for this key). */
	set(key: string, text: string, delayMs = this.#delayMs): void {
		this.#drafts.set(key, text);
		this.cancel(key);
		this.#pending.set(
			key,
			this.#timers.set(() => {
				this.#pending.delete(key);
				void this.flush(key);
			}, delayMs),
		);
	}

	/** Show a value without saving it by itself (it goes with the next write of its group). */
	hold(key: string, text: string): void {
		this.#drafts.set(key, text);
	}

	/** Stop a pending save of this key (its text goes with another write). */
	cancel(key: string): void {
		if (!this.#pending.has(key)) return;
		this.#timers.clear(this.#pending.get(key));
		this.#pending.delete(key);
	}

	/**
	 * A write stored `text` for `key` (this one's, or a write of the form that took it along):
	 * the draft goes unless typed on since, and a backup follows.
	 */
	settle(key: string, text: string): void {
		if (this.#drafts.get(key) === text) this.#drafts.delete(key);
		if (this.#backedUp) this.backUp();
	}

	/** Drop a draft without saving (the form decided it is nothing to store, e.g. the stored text is the same). */
	discard(key: string): void {
		this.cancel(key);
		this.#drafts.delete(key);
		if (this.#backedUp) this.backUp();
	}

	/** Forget every draft and the backup: the form stored everything itself (a new form's submit). */
	clear(): void {
		for (const key of this.#drafts.keys()) this.discard(key);
		this.#backedUp = true;
		this.backUp();
	}

	/** Save a field's draft now. Never rejects: a failure is in `error` and the draft stays. */
	async flush(key: string): Promise<boolean> {
		this.cancel(key);
		const text = this.#drafts.get(key);
		if (text === undefined) return true;
		try {
			const result = await this.#save(key, text);
			if (result === false) return false;
			this.error = null;
			this.settle(key, text);
			return true;
		} catch (err) {
			this.error = err;
			return false;
		}
	}

	/** Save every draft now (the page is hidden or left, or the form is submitted). True when all are stored. */
	async flushAll(): Promise<boolean> {
		const others = this.#flushOthers();
		const results = await Promise.all(this.#drafts.keys().map((key) => this.flush(key)));
		await others;
		return results.every(Boolean);
	}

	/** Write what is not stored yet to `localStorage`, synchronously (the page is going). */
	backUp(): void {
		if (!this.#storage) return;
		const keys = this.#drafts.keys();
		this.#backedUp = keys.length > 0;
		try {
			if (keys.length === 0) this.#storage.removeItem(this.#backupKey());
			else this.#storage.setItem(this.#backupKey(), JSON.stringify(keys.map((k) => [k, this.#drafts.get(k)])));
		} catch {
			// Storage full or private mode: the device database write is still under way.
		}
	}

	/**
	 * Show again what was kept when the form last went away, and save it. Once per instance; the
	 * backup stays until the restored text is stored (a reload in between keeps it). Returns the
	 * restored keys.
	 */
	restore(): string[] {
		// Not tracked: pages call this from an effect, which must not re-run on the drafts it sets.
		return untrack(() => this.#restore());
	}

	#restore(): string[] {
		if (this.#restored || !this.#storage) return [];
		this.#restored = true;
		let entries: [string, string][];
		try {
			const saved = this.#storage.getItem(this.#backupKey());
			if (saved === null) return [];
			entries = (JSON.parse(saved) as unknown[]).filter(
				(e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string',
			);
		} catch {
			// A damaged backup: nothing to show again.
			return [];
		}
		for (const [key, text] of entries) if (this.#drafts.get(key) === undefined) this.#drafts.set(key, text);
		this.#backedUp = true;
		void this.flushAll();
		return entries.map(([key]) => key);
	}

	/** Back up and save on pagehide and when the page is hidden; returns the cleanup (which does the same). */
	attach(page: PageEvents): () => void {
		const flush = (): void => {
			this.backUp();
			void this.flushAll();
		};
		const hidden = (): void => {
			if (page.document.visibilityState === 'hidden') flush();
		};
		page.window.addEventListener('pagehide', flush);
		page.document.addEventListener('visibilitychange', hidden);
		// The update's reload waits for these writes (the backup stays for a reload it does not make).
		const release = page.unsaved?.hold(() => {
			this.backUp();
			return this.flushAll();
		});
		return () => {
			release?.();
			page.window.removeEventListener('pagehide', flush);
			page.document.removeEventListener('visibilitychange', hidden);
			untrack(flush);
		};
	}
}

/** The browser's page events and the app's unsaved-work list, for `attach` in the app. */
export function browserPage(unsaved?: UnsavedWork): PageEvents {
	return { window, document, ...(unsaved ? { unsaved } : {}) };
}

/** `localStorage`, or null where it cannot be used (private mode, tests without a DOM). */
export function browserStorage(): DraftStorage | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null;
	}
}

/**
 * Drafts of a form that is stored by its submit (a new action, a new 6:6a request, an action's
 * edit form): nothing is written while typing, but what is typed is backed up when the page goes,
 * restored on the next open, and cleared (`clear`) once the submit has stored it.
 */
export function submitFormDrafts(backupKey: () => string, storage: DraftStorage | null): Autosave {
	return new Autosave({ save: () => Promise.resolve(false), backupKey, storage });
}

/** The `localStorage` key of a form's backup: per person, so a shared tablet never shows one person's text to another. */
export function backupKeyFor(person: string | undefined, form: string): string {
	return `trygg.unsaved.${person ?? ''}|${form}`;
}
