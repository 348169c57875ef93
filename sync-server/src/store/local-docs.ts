/**
 * Compare-and-set for `_local` documents, above any store (decision 0021). Apache CouchDB does
 * not check the `_rev` of a local document: it takes any `0-N` and answers `0-(N+1)`, and a
 * write without `_rev` replaces the document with `0-1`. PouchDB answers conflict for both. So
 * Trygg checks here, the same for every store: a create names no revision, an update names the
 * current one, anything else is `conflict`; the check and the write run under one lock per
 * document, so two requests to this server never both pass it.
 */
import { AppError } from '../../../src/lib/domain/index.ts';
import type { DocStore, StoredDoc } from './doc-store.ts';

/** What CouchDB and PouchDB give a local document: generation 0, a counter from 1. */
const LOCAL_REV_RE = /^0-[1-9]\d{0,14}$/;

/** CouchDB's own reason for a local `_rev` that is not `0-N`. */
export const LOCAL_REV_REASON = 'Invalid rev format';

/** Runs tasks one after another per key; keys are forgotten once idle. */
export class KeyedLock {
	readonly #tails = new Map<string, Promise<void>>();

	/** How many keys have a task running or waiting (for tests). */
	get size(): number {
		return this.#tails.size;
	}

	async run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const before = this.#tails.get(key) ?? Promise.resolve();
		let release!: () => void;
		const tail = before.then(() => new Promise<void>((resolve) => (release = resolve)));
		this.#tails.set(key, tail);
		await before;
		try {
			return await task();
		} finally {
			release();
			if (this.#tails.get(key) === tail) this.#tails.delete(key);
		}
	}
}

export class LocalDocs {
	readonly #store: DocStore;
	readonly #lock = new KeyedLock();

	constructor(store: DocStore) {
		this.#store = store;
	}

	get(scope: string, id: string): Promise<StoredDoc | undefined> {
		return this.#store.getLocal(scope, id);
	}

	/**
	 * Write `doc` as `_local/<id>` of `scope` if its `_rev` is the current revision (none for a
	 * create). Throws AppError `bad_request` for a `_rev` that is no local revision, `conflict`
	 * for one that is not the current revision; the stored document is then untouched.
	 */
	async put(scope: string, id: string, doc: Record<string, unknown>): Promise<{ id: string; rev: string }> {
		const rev = doc._rev;
		if (rev !== undefined && (typeof rev !== 'string' || !LOCAL_REV_RE.test(rev))) {
			throw new AppError('bad_request', LOCAL_REV_REASON);
		}
		return this.#lock.run(`${scope}\u0000${id}`, async () => {
			const current = await this.#store.getLocal(scope, id);
			if (current?._rev !== rev) throw new AppError('conflict', 'Document update conflict.');
			// Named on the revision just read, so CouchDB counts on from it (0-N becomes 0-N+1).
			return this.#store.putLocal(scope, id, doc);
		});
	}
}
