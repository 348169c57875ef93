/**
 * A map whose readers depend on their own key only. Svelte's `SvelteMap` makes a reader of a
 * missing key depend on the whole map (adding or removing any key re-runs it), so with 60 items
 * on a page, one item's draft re-ran every item. Here each key has its own signal, made on first
 * use and kept (an absent key holds `undefined`).
 * @example const drafts = new KeyedState<string>(); drafts.set('a', 'x'); drafts.get('b') // undefined, and 'a' changing does not re-run this reader
 */
class Slot<V> {
	value = $state<V | undefined>(undefined);
}

export class KeyedState<V> {
	// Not reactive on purpose: each slot is; a reactive map is what made every reader depend on all keys.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly #slots = new Map<string, Slot<V>>();

	#slot(key: string): Slot<V> {
		let slot = this.#slots.get(key);
		if (!slot) {
			slot = new Slot<V>();
			this.#slots.set(key, slot);
		}
		return slot;
	}

	get(key: string): V | undefined {
		return this.#slot(key).value;
	}

	has(key: string): boolean {
		return this.get(key) !== undefined;
	}

	set(key: string, value: V): void {
		this.#slot(key).value = value;
	}

	delete(key: string): void {
		const slot = this.#slots.get(key);
		if (slot) slot.value = undefined;
	}

	/** The keys that hold a value now (not reactive: for saving everything on leaving). */
	keys(): string[] {
		return [...this.#slots].filter(([, slot]) => slot.value !== undefined).map(([key]) => key);
	}
}
