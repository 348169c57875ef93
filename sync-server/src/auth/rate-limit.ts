/**
 * In-memory limiter of failed sign-ins (per account and per IP, sliding window).
 * It must never store passwords, and keeps only counts with timestamps.
 */
export class FailureLimiter {
	readonly #max: number;
	readonly #windowMs: number;
	readonly #failures = new Map<string, number[]>();

	constructor(max: number, windowMs: number) {
		this.#max = max;
		this.#windowMs = windowMs;
	}

	#recent(key: string, now: number): number[] {
		const list = (this.#failures.get(key) ?? []).filter((t) => t > now - this.#windowMs);
		if (list.length === 0) this.#failures.delete(key);
		else this.#failures.set(key, list);
		return list;
	}

	/** Is `key` over its limit right now? */
	blocked(key: string, now: number): boolean {
		return this.#recent(key, now).length >= this.#max;
	}

	fail(key: string, now: number): void {
		const list = this.#recent(key, now);
		list.push(now);
		this.#failures.set(key, list);
		// Keep memory bounded under a spray of names: drop the oldest keys.
		if (this.#failures.size > 100_000) {
			const first = this.#failures.keys().next().value;
			if (first !== undefined) this.#failures.delete(first);
		}
	}

	reset(key: string): void {
		this.#failures.delete(key);
	}
}
