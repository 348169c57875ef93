/**
 * A hybrid logical clock (architecture §7): stamps that follow wall time where clocks agree
 * and still order causally related edits when they do not. A stamp is `wall-counter-device`
 * with fixed-width numbers (see `hlcSchema`), so two stamps compare as plain strings and the
 * device id breaks ties. Pure: the caller passes the current time; never reads a clock itself.
 */

const WALL_DIGITS = 13;
const COUNTER_DIGITS = 4;
const MAX_COUNTER = 10 ** COUNTER_DIGITS - 1;
const MAX_WALL = 10 ** WALL_DIGITS - 1;
const STAMP_RE = /^(\d{13})-(\d{4})-([a-z0-9-]{1,64})$/;

const DAY_MS = 86_400_000;

/** The response header in which the sync server tells its clock, in milliseconds since 1970. */
export const SERVER_TIME_HEADER = 'x-trygg-time';

/**
 * The device clock error Trygg is built for: tablets in the field are often days off, and
 * every edit made after seeing another must still win the merge (decision 0013).
 */
export const MAX_SKEW_MS = 7 * DAY_MS;

/**
 * The trusted bound, held by the server: a new stamp more than this ahead of the server's
 * clock is refused. The skew plus a day of margin for a device that was offline since its
 * clock was last compared with the server's.
 */
export const SERVER_AHEAD_MS = MAX_SKEW_MS + DAY_MS;

/**
 * How far ahead of our own clock a received stamp may pull us. Every stamp the server holds is
 * at most SERVER_AHEAD_MS ahead of the server, and our clock is at most MAX_SKEW_MS behind it,
 * so any stamp that came through the server is within this; only a stamp stored before the
 * server's bound existed can be further ahead, and it must not drag every device with it.
 */
export const MAX_DRIFT_MS = SERVER_AHEAD_MS + MAX_SKEW_MS;

export interface HlcParts {
	wall: number;
	counter: number;
	device: string;
}

/** A device id usable in stamps: lowercase letters, digits and dashes. */
export function isDeviceId(value: string): boolean {
	return /^[a-z0-9-]{1,64}$/.test(value);
}

/**
 * Write a stamp.
 * @example formatStamp({ wall: 1767225600000, counter: 3, device: 'd1' }) // '1767225600000-0003-d1'
 */
export function formatStamp(parts: HlcParts): string {
	return `${String(parts.wall).padStart(WALL_DIGITS, '0')}-${String(parts.counter).padStart(COUNTER_DIGITS, '0')}-${parts.device}`;
}

/** Read a stamp, or undefined when it is not one. */
export function parseStamp(stamp: string): HlcParts | undefined {
	const m = STAMP_RE.exec(stamp);
	if (!m) return undefined;
	return { wall: Number(m[1]), counter: Number(m[2]), device: m[3] as string };
}

/**
 * Order two stamps; a missing stamp is the oldest of all.
 * @example compareStamps('1767225600000-0000-b', '1767225600000-0000-a') // 1
 */
export function compareStamps(a: string | undefined, b: string | undefined): number {
	const x = a ?? '';
	const y = b ?? '';
	return x < y ? -1 : x > y ? 1 : 0;
}

/** The later of two stamps (undefined when both are missing). */
export function maxStamp(a: string | undefined, b: string | undefined): string | undefined {
	return compareStamps(a, b) >= 0 ? a : b;
}

function next(wall: number, counter: number, device: string): string {
	// A full counter moves the clock one millisecond on instead of overflowing the fixed width.
	if (counter > MAX_COUNTER) return formatStamp({ wall: Math.min(MAX_WALL, wall + 1), counter: 0, device });
	return formatStamp({ wall: Math.min(MAX_WALL, wall), counter, device });
}

/**
 * A stamp for a local event, later than `last` (this device's previous stamp).
 * @example tick(undefined, 'd1', 1767225600000) // '1767225600000-0000-d1'
 */
export function tick(last: string | undefined, device: string, now: number): string {
	const prev = last === undefined ? undefined : parseStamp(last);
	const wall = Math.max(Math.floor(now), prev?.wall ?? 0);
	const counter = prev && prev.wall === wall ? prev.counter + 1 : 0;
	return next(wall, counter, device);
}

/**
 * A stamp for a local event that follows having seen `remote`: later than both `last` and
 * `remote`, whatever the device ids. A remote stamp too far ahead of `now` pulls us at most
 * `MAX_DRIFT_MS` forward.
 * @example receive('1767225600000-0000-a', '1767225600000-0004-b', 'a', 1767225600000) // '1767225600000-0005-a'
 */
export function receive(last: string | undefined, remote: string, device: string, now: number): string {
	const local = last === undefined ? undefined : parseStamp(last);
	const seen = parseStamp(remote);
	if (!seen) return tick(last, device, now);
	const cap = Math.floor(now) + MAX_DRIFT_MS;
	const seenWall = Math.min(seen.wall, cap);
	const seenCounter = seenWall === seen.wall ? seen.counter : 0;
	const wall = Math.max(Math.floor(now), local?.wall ?? 0, seenWall);
	let counter = 0;
	if (local && local.wall === wall) counter = Math.max(counter, local.counter + 1);
	if (seenWall === wall) counter = Math.max(counter, seenCounter + 1);
	// Beyond the drift cap the result is later than our own past only: that is all we can promise.
	return next(wall, counter, device);
}

/** The server's reason for refusing a stamp beyond its bound; the device shows its own text for it. */
export const CLOCK_AHEAD_REASON = 'a clock stamp is more than 8 days ahead of the server clock';

/**
 * Is this stamp further ahead of the server's clock than the server accepts? Unparseable
 * stamps are the schema's business, not this bound's.
 * @example isTooFarAhead('1767225600000-0000-a', 1767225600000) // false
 */
export function isTooFarAhead(stamp: string, serverNow: number): boolean {
	const parts = parseStamp(stamp);
	return parts !== undefined && parts.wall > serverNow + SERVER_AHEAD_MS;
}

/**
 * The stamps of `doc` that are new compared with `stored` (its field clock and, for answers and
 * assessments, its `stamp`) and too far ahead of the server's clock. Stamps already stored are
 * not judged again: an edit must not be refused for what it carries over.
 */
export function stampsTooFarAhead(doc: object, stored: object | undefined, serverNow: number): string[] {
	type Stamped = { clock?: Record<string, string>; stamp?: unknown };
	const incoming = doc as Stamped;
	const before = stored as Stamped | undefined;
	const fresh = Object.entries(incoming.clock ?? {})
		.filter(([field, stamp]) => before?.clock?.[field] !== stamp)
		.map(([, stamp]) => stamp);
	if (typeof incoming.stamp === 'string' && incoming.stamp !== before?.stamp) fresh.push(incoming.stamp);
	return fresh.filter((stamp) => isTooFarAhead(stamp, serverNow));
}
