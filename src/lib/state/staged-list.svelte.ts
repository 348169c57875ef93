/**
 * Draws a long list in two passes. The first `first` entries are complete at once; the rest get
 * their heavier parts (fields, photo pickers) a few at a time when the page is idle, so a 60-item
 * round shows every question and answer at once and is complete moments later.
 * @example const staged = new StagedList(6, 8); $effect(() => staged.run(items.length)); // entry i is complete when i < staged.complete
 */
export class StagedList {
	/** Entries before this index are complete. */
	complete = $state(0);
	readonly #first: number;
	readonly #step: number;

	constructor(first: number, step: number) {
		this.#first = first;
		this.#step = step;
		this.complete = first;
	}

	/** Completes entries until `total` are; returns the cleanup (stops, for an effect). */
	run(total: number): () => void {
		let handle: number | undefined;
		const idle = globalThis.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 16));
		const cancel = globalThis.cancelIdleCallback ?? clearTimeout;
		const next = (): void => {
			if (this.complete >= total) return;
			handle = idle(
				() => {
					this.complete = Math.min(total, this.complete + this.#step);
					next();
				},
				{ timeout: 100 },
			) as number;
		};
		if (this.complete < this.#first) this.complete = this.#first;
		next();
		return () => {
			if (handle !== undefined) cancel(handle);
		};
	}
}
