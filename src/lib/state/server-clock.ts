/**
 * The device's estimate of the server's clock, for the times records state (decision 0016): the
 * offset the replicator learns from every answer (decision 0013) is kept in the person's device
 * database; this module keeps the state modules' `clock` following it, and learns it from the
 * sign-in answers too, so a device whose clock is days off records acceptable times from its
 * very first save.
 */
import type { TryggDb } from '../db/app-db.ts';
import { liveClockOffset, noteServerTime } from '../db/docs-repo.ts';
import { SERVER_TIME_HEADER } from '../domain/hlc.ts';
import type { FetchLike } from '../sync/http.ts';
import { clock } from './clock.ts';

/**
 * Keep `target.serverOffsetMs` at the offset stored in `db`, as it changes. Returns the function
 * that stops following.
 * @example const stop = followServerClock(db); // clock.serverOffsetMs follows meta `clockOffset`
 */
export function followServerClock(db: TryggDb, target: { serverOffsetMs: number } = clock): () => void {
	const subscription = liveClockOffset(db).subscribe({
		next: (offset) => {
			target.serverOffsetMs = offset;
		},
		// A database closed under the query (sign-out): the offset stays as last known.
		error: () => undefined,
	});
	return () => subscription.unsubscribe();
}

/** The server's clock as one answer told it, and this device's when the answer came. */
export type ServerTime = { serverMs: number; receivedMs: number };

/**
 * A fetch that notes the server's clock of the last answer that told it (`x-trygg-time`): sign-in
 * happens before the person's device database is open, so the reading is kept until it can be stored.
 */
export function timeTellingFetch(
	inner: FetchLike,
	now: () => Date = clock.now,
): { fetch: FetchLike; last: () => ServerTime | undefined } {
	let last: ServerTime | undefined;
	return {
		fetch: async (url, init) => {
			const response = await inner(url, init);
			const serverMs = Number(response.headers.get(SERVER_TIME_HEADER) ?? Number.NaN);
			if (Number.isFinite(serverMs)) last = { serverMs, receivedMs: now().getTime() };
			return response;
		},
		last: () => last,
	};
}

/** Store a reading taken before the database was open (see `timeTellingFetch`). */
export async function noteReading(db: TryggDb, reading: ServerTime | undefined): Promise<void> {
	if (reading) await noteServerTime(db, reading.serverMs, reading.receivedMs);
}
