/**
 * Turns a Dexie liveQuery (or any subscribable) into a runes value. It subscribes only while
 * something reads `current`, so a page that is gone stops querying IndexedDB.
 */
import { createSubscriber } from 'svelte/reactivity';

interface Subscribable<T> {
	subscribe(observer: { next: (value: T) => void; error?: (err: unknown) => void }): { unsubscribe(): void };
}

export class Live<T> {
	#value: T | undefined;
	#loaded = $state(false);
	#subscribe: () => void;

	constructor(source: Subscribable<T>, initial?: T) {
		this.#value = initial;
		this.#subscribe = createSubscriber((update) => {
			const sub = source.subscribe({
				next: (value) => {
					this.#value = value;
					this.#loaded = true;
					update();
				},
				error: () => {
					this.#loaded = true;
					update();
				},
			});
			return () => sub.unsubscribe();
		});
	}

	/** The latest value, or the initial one before the first answer. */
	get current(): T | undefined {
		this.#subscribe();
		return this.#value;
	}

	/** False until the first answer arrives (to tell "loading" from "empty"). */
	get loaded(): boolean {
		this.#subscribe();
		return this.#loaded;
	}
}
