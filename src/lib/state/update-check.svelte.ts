/**
 * Finds a new version of the app while it is open (issue 11, item 5; decision 0025): asks the
 * service worker registration to look for a new worker when the app starts, when its window
 * regains focus or becomes visible, when the device comes back online, and every hour; never
 * while offline and never two checks at once. A new worker that has installed and waits is
 * `available`, until the person puts it off ("later"); a newer one after that is offered again.
 *
 * Everything from the browser comes in as an argument, so a spec drives it with fake timers and
 * plain event targets.
 */

/** The hourly check: an app left open on a desk sees a new version within this. */
export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

/** The part of a `ServiceWorker` this needs. */
export interface WorkerLike extends EventTarget {
	readonly state: string;
}

/** The part of a `ServiceWorkerRegistration` this needs. */
export interface RegistrationLike extends EventTarget {
	readonly installing: WorkerLike | null;
	readonly waiting: WorkerLike | null;
	/** Fetches the worker's script; a changed script starts installing. Rejects when the network fails. */
	update(): Promise<unknown>;
}

export interface Timers {
	setInterval(fn: () => void, ms: number): unknown;
	clearInterval(id: unknown): void;
}

export interface UpdateCheckDeps {
	registration: RegistrationLike;
	/** Is the page controlled by a worker? A waiting worker replaces it; on a first visit there is none. */
	controlled: () => boolean;
	/** `navigator.onLine`: false means surely offline. */
	online: () => boolean;
	/** The window: `focus` and `online`. */
	win: EventTarget;
	/** The document: `visibilitychange`, and whether it is visible now. */
	doc: EventTarget & { readonly visibilityState: string };
	timers: Timers;
	intervalMs?: number;
}

export class UpdateCheck {
	/** A new version has installed and waits to be used. */
	available = $state(false);
	/** Checks made (asked of the registration), for the figures and the specs. */
	checks = 0;

	readonly #deps: UpdateCheckDeps;
	#running: Promise<void> | null = null;
	/** The waiting worker the person put off: not offered again. */
	#putOff: WorkerLike | null = null;
	#stop: (() => void) | null = null;

	constructor(deps: UpdateCheckDeps) {
		this.#deps = deps;
	}

	/** Look now, and from now on at every trigger; returns `stop`. */
	start(): () => void {
		if (this.#stop) return this.#stop;
		const { registration, win, doc, timers } = this.#deps;
		const check = (): void => void this.check();
		const visible = (): void => {
			if (doc.visibilityState === 'visible') check();
		};
		// A worker found by any check (or by the browser's own) is watched until it waits.
		const found = (): void => {
			const worker = registration.installing;
			if (!worker) return;
			const changed = (): void => {
				if (worker.state !== 'installing') worker.removeEventListener('statechange', changed);
				this.#notice();
			};
			worker.addEventListener('statechange', changed);
		};
		registration.addEventListener('updatefound', found);
		win.addEventListener('focus', check);
		win.addEventListener('online', check);
		doc.addEventListener('visibilitychange', visible);
		const timer = timers.setInterval(check, this.#deps.intervalMs ?? UPDATE_CHECK_INTERVAL_MS);
		this.#stop = () => {
			registration.removeEventListener('updatefound', found);
			win.removeEventListener('focus', check);
			win.removeEventListener('online', check);
			doc.removeEventListener('visibilitychange', visible);
			timers.clearInterval(timer);
			this.#stop = null;
		};
		// One may already wait (found while the app was closed, or put off before a reload).
		this.#notice();
		check();
		return this.#stop;
	}

	/**
	 * Ask the registration for a new version, unless offline or a check is under way (then that
	 * check's promise). A failed check (the network went) is left for the next trigger.
	 */
	check(): Promise<void> {
		if (this.#running) return this.#running;
		if (!this.#deps.online()) return Promise.resolve();
		this.checks++;
		this.#running = this.#deps.registration
			.update()
			.then(
				() => undefined,
				() => undefined,
			)
			.finally(() => {
				this.#running = null;
				this.#notice();
			});
		return this.#running;
	}

	/** The person chose "later": hide the offer until a newer version waits. */
	putOff(): void {
		this.#putOff = this.#deps.registration.waiting;
		this.available = false;
	}

	#notice(): void {
		const waiting = this.#deps.registration.waiting;
		this.available = waiting !== null && waiting !== this.#putOff && this.#deps.controlled();
	}
}
