/**
 * In-memory sign-in limits. It must never store passwords: only names, addresses, counts and
 * times, in maps of bounded size.
 *
 * `BackoffLimiter` is a leaky bucket per key: every attempt adds one to the key's score (counted
 * *before* the password is checked, so a burst of parallel guesses cannot all slip through while
 * the first ones are still hashing); the score leaks away by one every `leakMs`. Up to `free`
 * the key may try at once; above it, the next attempt waits `baseMs · 2^(score − free)`, capped
 * at `capMs`, after the last one. A success forgives the key (`reset`). There is no fixed lock:
 * the owner who waits always gets another try.
 *
 * `InFlight` bounds how many checks run at once per key.
 */

export type BackoffOptions = {
	/** Attempts allowed without waiting. */
	free: number;
	/** The first wait once past `free`; it doubles with every further attempt. */
	baseMs: number;
	capMs: number;
	/** One attempt is forgotten per `leakMs`. */
	leakMs: number;
	/** Most keys remembered; the least recently used are dropped beyond it. */
	maxKeys: number;
};

type Entry = { score: number; at: number };

export class BackoffLimiter {
	readonly #o: BackoffOptions;
	readonly #entries = new Map<string, Entry>();

	constructor(options: BackoffOptions) {
		this.#o = options;
	}

	/** The score of `key` leaked down to `now`, or undefined when it is all forgotten (and dropped). */
	#current(key: string, now: number): Entry | undefined {
		const e = this.#entries.get(key);
		if (!e) return undefined;
		const score = e.score - Math.max(0, now - e.at) / this.#o.leakMs;
		if (score <= 0) {
			this.#entries.delete(key);
			return undefined;
		}
		return { score, at: e.at };
	}

	/** How long `key` must still wait before its next attempt (0 = may try now). */
	waitMs(key: string, now: number): number {
		const e = this.#current(key, now);
		if (!e) return 0;
		const over = Math.ceil(e.score) - this.#o.free;
		if (over < 0) return 0;
		const delay = Math.min(this.#o.baseMs * 2 ** over, this.#o.capMs);
		return Math.max(0, e.at + delay - now);
	}

	/** Count one attempt of `key` at `now` (before its outcome is known). */
	attempt(key: string, now: number): void {
		const score = (this.#current(key, now)?.score ?? 0) + 1;
		// Re-inserted, so the map's order is least recently used first.
		this.#entries.delete(key);
		this.#entries.set(key, { score, at: now });
		while (this.#entries.size > this.#o.maxKeys) {
			const oldest = this.#entries.keys().next().value;
			if (oldest === undefined) break;
			this.#entries.delete(oldest);
		}
	}

	/** Take back one attempt of `key` (a success that must not count against a shared address). */
	refund(key: string, now: number): void {
		const e = this.#current(key, now);
		if (!e) return;
		if (e.score <= 1) this.#entries.delete(key);
		else this.#entries.set(key, { score: e.score - 1, at: e.at });
	}

	reset(key: string): void {
		this.#entries.delete(key);
	}

	/** Keys remembered (for tests of the memory bound). */
	get size(): number {
		return this.#entries.size;
	}
}

/** How many checks run at once per key; keys at zero are dropped, so memory follows the load. */
export class InFlight {
	readonly #max: number;
	readonly #running = new Map<string, number>();

	constructor(max: number) {
		this.#max = max;
	}

	/** Take a slot for `key`, or false when it already has `max` running. */
	tryEnter(key: string): boolean {
		const n = this.#running.get(key) ?? 0;
		if (n >= this.#max) return false;
		this.#running.set(key, n + 1);
		return true;
	}

	leave(key: string): void {
		const n = (this.#running.get(key) ?? 1) - 1;
		if (n <= 0) this.#running.delete(key);
		else this.#running.set(key, n);
	}
}
