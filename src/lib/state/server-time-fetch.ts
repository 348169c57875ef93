/**
 * Reading the server's clock off sign-in answers. Apart from `server-clock.ts` because the sign-in
 * page of a first visit loads this and must not load the device database with it (issue 11).
 */
import { SERVER_TIME_HEADER } from '../domain/hlc.ts';
import type { FetchLike } from '../sync/http.ts';
import { clock } from './clock.ts';

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
