/**
 * Longpoll waiters, one list per scope: a write wakes the whole list with one call, so
 * thousands of devices waiting on one scope cost one entry each and no event listener on
 * any shared emitter. It never holds a database or a timer itself.
 */
export type WaiterHooks = {
	/** The last waiter of `scope` left (a watch of it may stop). */
	empty?: (scope: string) => void;
};

export class WaiterLists {
	readonly #lists = new Map<string, Set<() => void>>();
	readonly #hooks: WaiterHooks;

	constructor(hooks: WaiterHooks = {}) {
		this.#hooks = hooks;
	}

	/** Resolves at the next `wake(scope)`, or when `signal` aborts. Never rejects. */
	wait(scope: string, signal: AbortSignal): Promise<void> {
		return new Promise((resolve) => {
			if (signal.aborted) return resolve();
			let list = this.#lists.get(scope);
			if (!list) {
				list = new Set();
				this.#lists.set(scope, list);
			}
			const wake = (): void => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			};
			const onAbort = (): void => {
				const current = this.#lists.get(scope);
				if (current?.delete(wake) && current.size === 0) {
					this.#lists.delete(scope);
					this.#hooks.empty?.(scope);
				}
				resolve();
			};
			list.add(wake);
			signal.addEventListener('abort', onAbort, { once: true });
		});
	}

	/** Wake every waiter of `scope`. */
	wake(scope: string): void {
		const list = this.#lists.get(scope);
		if (!list) return;
		this.#lists.delete(scope);
		for (const wake of list) wake();
		this.#hooks.empty?.(scope);
	}

	wakeAll(): void {
		for (const scope of [...this.#lists.keys()]) this.wake(scope);
	}

	count(scope: string): number {
		return this.#lists.get(scope)?.size ?? 0;
	}

	has(scope: string): boolean {
		return this.#lists.has(scope);
	}
}
