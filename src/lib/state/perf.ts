/**
 * Performance marks for the round UI benchmark (`bench/round-ui.ts`, docs/benchmarks.md). They
 * are off unless the device was told to record them (`localStorage['trygg.perfMarks'] = '1'`, set
 * by the benchmark before the app starts), so the app never fills the browser's timing buffer.
 * It never measures anything itself and never sends a figure anywhere.
 */
const enabled = (() => {
	try {
		return typeof performance !== 'undefined' && localStorage.getItem('trygg.perfMarks') === '1';
	} catch {
		return false;
	}
})();

/** A named point in the browser's performance timeline (a no-op unless enabled). */
export function perfMark(name: string): void {
	if (enabled) performance.mark(name);
}

/** The time from `start` (a `performance.now()` value) until now, under `name` (a no-op unless enabled). */
export function perfMeasure(name: string, start: number): void {
	if (enabled) performance.measure(name, { start, end: performance.now() });
}

/** `performance.now()` when marks are on, else 0 (the clock is not read). */
export function perfNow(): number {
	return enabled ? performance.now() : 0;
}
