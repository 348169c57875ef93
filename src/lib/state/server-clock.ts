/**
 * The device's estimate of the server's clock, for the times records state (decision 0016): the
 * offset the replicator learns from every answer (decision 0013) is kept in the person's device
 * database; this module keeps the state modules' `clock` following it, and learns it from the
 * sign-in answers too, so a device whose clock is days off records acceptable times from its
 * very first save.
 */
import type { TryggDb } from '../db/app-db.ts';
import { liveClockOffset, noteServerTime } from '../db/docs-repo.ts';
import { clock } from './clock.ts';
import type { ServerTime } from './server-time-fetch.ts';

export { timeTellingFetch, type ServerTime } from './server-time-fetch.ts';

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

/** Store a reading taken before the database was open (see `timeTellingFetch`). */
export async function noteReading(db: TryggDb, reading: ServerTime | undefined): Promise<void> {
	if (reading) await noteServerTime(db, reading.serverMs, reading.receivedMs);
}
