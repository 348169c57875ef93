/**
 * Shared catching up of an index that follows a changes feed (decision 0017): callers that
 * come while a catch-up is under way share a single one queued behind it, so each caller waits
 * for a catch-up that began after it asked (and sees every write made before), and fifty
 * callers at once cost two reads of the feed, not fifty.
 */
export class CatchUp {
	readonly #run: () => Promise<void>;
	#running: Promise<void> | undefined;
	#queued: Promise<void> | undefined;

	constructor(run: () => Promise<void>) {
		this.#run = run;
	}

	/** Resolves once a catch-up that began after this call has ended (rejects if it failed). */
	refresh(): Promise<void> {
		if (this.#queued) return this.#queued;
		if (!this.#running) return this.#start();
		const next = (): Promise<void> => {
			this.#queued = undefined;
			return this.#start();
		};
		this.#queued = this.#running.then(next, next);
		return this.#queued;
	}

	#start(): Promise<void> {
		const run = this.#run().finally(() => {
			if (this.#running === run) this.#running = undefined;
		});
		this.#running = run;
		return run;
	}
}
