/**
 * One write at a time per scope, in this server process: `writeDocs` reads the stored versions,
 * judges a group of requests against them and writes (decision 0024), with awaits in between. Two requests on one scope
 * could otherwise both be judged against the state before either wrote: a round locked by one and
 * an answer to it added by the other, both accepted (decision 0016). Writes to different scopes
 * never wait for each other; reads never wait at all.
 */
export class ScopeWriteLock {
	/** The tail of each scope's queue: settles when the last write queued on the scope is done. */
	readonly #tails = new Map<string, Promise<void>>();

	/**
	 * Run `fn` once every write queued before it on `scope` has finished (whether it succeeded or
	 * failed), and before any queued after it starts.
	 * @example await lock.run('unit-a1', () => judgeAndWrite())
	 */
	async run<T>(scope: string, fn: () => Promise<T>): Promise<T> {
		const before = this.#tails.get(scope) ?? Promise.resolve();
		let release!: () => void;
		const mine = new Promise<void>((resolve) => {
			release = resolve;
		});
		const tail = before.then(() => mine);
		this.#tails.set(scope, tail);
		try {
			await before;
			return await fn();
		} finally {
			release();
			// The last in the queue removes it, so idle scopes keep nothing.
			if (this.#tails.get(scope) === tail) this.#tails.delete(scope);
		}
	}

	/** Scopes with a write running or waiting (for tests). */
	get busyScopes(): number {
		return this.#tails.size;
	}
}
