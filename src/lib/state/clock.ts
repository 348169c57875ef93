/**
 * The device clock for state modules, in one place so a test can replace it (pure domain code
 * takes times as values). Not reactive.
 *
 * Two readings: `now()` is this device's own clock, its calendar ("today", overdue, the dates a
 * person picks); `recordNow()` is the device's estimate of the server's clock (its own plus the
 * offset learned from the server's answers, decision 0013), the time a record states as when
 * something was done. The server accepts a recorded time only near its own clock (decision 0016),
 * so a tablet whose clock is days off still records times the server takes.
 */
export type Clock = {
	now: () => Date;
	/** How far the server's clock is ahead of this device's, in ms (0 until measured; set by `app-state`). */
	serverOffsetMs: number;
};

export const clock: Clock = {
	now: (): Date => new Date(),
	serverOffsetMs: 0,
};

/** Now on the server's clock as this device estimates it: the time to record. */
export function recordNow(c: Clock = clock): Date {
	return new Date(c.now().getTime() + c.serverOffsetMs);
}

/** The time to record, as an ISO timestamp (`recordNow`). */
export function nowIso(c: Clock = clock): string {
	return recordNow(c).toISOString();
}

/**
 * A date as YYYY-MM-DD on this device's calendar (not UTC: a round planned late in the evening
 * is for today).
 * @example localToday(new Date(2026, 10, 23, 23, 30)) // '2026-11-23'
 */
export function localToday(now = clock.now()): string {
	return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/** A `datetime-local` value (device time) as ISO, or null when empty or invalid. */
export function fromLocalDateTime(value: string): string | null {
	if (!value) return null;
	const d = new Date(value);
	return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Now as a `datetime-local` value on this device's clock. */
export function localDateTimeNow(now = clock.now()): string {
	const pad = (n: number): string => String(n).padStart(2, '0');
	return `${localToday(now)}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}
