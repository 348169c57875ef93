/**
 * Text typed on a page and not stored yet, for the one reload the app makes itself (a new
 * version): a page that holds such text registers how to store it, and the update waits for all
 * of them before it reloads. The pages' own pagehide backups stay the second line (a reload the
 * person makes, a closed tab).
 */

type Store = () => Promise<unknown>;

export class UnsavedWork {
	readonly #stores = new Set<Store>();

	/** `store` writes what the page holds; returns the unregister. */
	hold(store: Store): () => void {
		this.#stores.add(store);
		return () => this.#stores.delete(store);
	}

	/** Store everything held, each on its own: one failing store does not keep the others back. */
	async storeAll(): Promise<void> {
		await Promise.allSettled([...this.#stores].map((store) => store()));
	}
}

/** The app's one list (pages register, the update prompt stores). */
export const unsaved = new UnsavedWork();
