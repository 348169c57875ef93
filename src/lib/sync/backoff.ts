/**
 * Waiting between retries, shared by document sync and photo sync: exponential backoff with
 * jitter (so many devices coming back online do not retry in step), and a wait a kick can cut short.
 */

/** Exponential backoff with jitter, capped at 30 s. */
export function defaultBackoff(attempt: number): number {
	const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
	return base / 2 + Math.random() * (base / 2);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal.aborted) return resolve();
		// An endless wait sets no timer (an Infinity delay would fire at once).
		const timer = Number.isFinite(ms) ? setTimeout(resolve, ms) : undefined;
		signal.addEventListener(
			'abort',
			() => {
				clearTimeout(timer);
				resolve();
			},
			{ once: true },
		);
	});
}
