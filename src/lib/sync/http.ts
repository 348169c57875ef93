/**
 * The device's HTTP client for the sync server. Turns every failure into an AppError with a
 * code from the shared vocabulary (network, unauthorized, forbidden, …), so callers never
 * parse statuses themselves. Sends cookies (same origin) and never caches.
 */
import { AppError, codeFromCouch, couchErrorSchema } from '../domain/index.ts';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpOptions {
	method?: string;
	body?: unknown;
	signal?: AbortSignal;
	/** `same-origin` unless said: the anonymous road sends with `omit` (decision 0030). */
	credentials?: RequestCredentials;
}

/**
 * Call the server and return its JSON answer.
 * @example await requestJson(fetch, '/db/unit-a1') // { db_name: 'unit-a1', … }
 */
export async function requestJson<T = unknown>(fetchFn: FetchLike, url: string, opts: HttpOptions = {}): Promise<T> {
	let response: Response;
	try {
		response = await fetchFn(url, {
			method: opts.method ?? 'GET',
			headers:
				opts.body === undefined
					? { accept: 'application/json' }
					: { 'content-type': 'application/json', accept: 'application/json' },
			body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
			credentials: opts.credentials ?? 'same-origin',
			cache: 'no-store',
			signal: opts.signal,
		});
	} catch (err) {
		if ((err as Error)?.name === 'AbortError') throw err;
		throw new AppError('network', 'the server could not be reached');
	}
	let body: unknown = undefined;
	try {
		body = await response.json();
	} catch (err) {
		if ((err as Error)?.name === 'AbortError') throw err;
		if (response.ok) throw new AppError('network', 'the answer was cut off');
	}
	if (!response.ok) throw errorFromBody(response.status, body, response.headers);
	return body as T;
}

function errorFromBody(status: number, body: unknown, headers?: Headers): AppError {
	const parsed = couchErrorSchema.safeParse(body);
	// Only whole seconds (the form our server sends); an HTTP date is ignored.
	const retry = Number(headers?.get('retry-after') ?? Number.NaN);
	const retryAfter = Number.isInteger(retry) && retry >= 0 ? retry : undefined;
	const reason = parsed.success ? parsed.data.reason : `HTTP ${status}`;
	return new AppError(codeFromCouch(status, body), reason, status, retryAfter);
}

/** The AppError of a failed response whose body has not been read (binary routes such as blobs). */
export async function errorFromResponse(response: Response): Promise<AppError> {
	return errorFromBody(response.status, await response.json().catch(() => undefined), response.headers);
}
