/** The device clock for state modules, in one place so a test can replace it (pure domain code takes times as values). Not reactive. */
export const clock = { now: (): Date => new Date() };

/** Now as an ISO timestamp. */
export function nowIso(): string {
	return clock.now().toISOString();
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
