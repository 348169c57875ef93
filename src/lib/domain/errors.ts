/**
 * The one error vocabulary of Trygg. The server answers CouchDB's `{error, reason}`;
 * the device turns any failure into an `AppError` with one of these codes, and the UI
 * maps the code to a translated message in one place. Reasons are for logs and
 * developers; users see the translated code.
 */
import { z } from './zod.ts';

export const ERROR_CODES = [
	'bad_request',
	'unauthorized',
	'forbidden',
	'not_found',
	'conflict',
	'invalid',
	'too_large',
	'unsupported_media',
	'unreadable',
	'rate_limited',
	/** 403: the user synced this scope before but no longer holds it; drop it, do not retry. */
	'revoked',
	'network',
	'quota',
	'server',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The reason the server gives with `{error: 'revoked'}` (status 403). Clients act on the code, not this text. */
export const REVOKED_REASON = 'Your access to this scope was revoked.';

/** The reason of a 403 from `POST /api/me/password` when the current password is wrong (the session holds). */
export const WRONG_CURRENT_PASSWORD_REASON = 'The current password is incorrect.';

/** The reason of a 400 from `DELETE /api/admin/users/:name` for the admin's own account. */
export const OWN_ACCOUNT_REASON = 'You cannot remove your own account.';

/**
 * How a per-document reason begins when the database behind the sync server (Apache CouchDB)
 * refused a document Trygg's rules took; the database's own reason follows after `: `.
 */
export const STORE_REFUSED_REASON = 'The database refused this document';

/** CouchDB's error body. */
export const couchErrorSchema = z.object({ error: z.string(), reason: z.string() });
export type CouchError = z.infer<typeof couchErrorSchema>;

/** HTTP status for each code, used by the server. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
	bad_request: 400,
	unauthorized: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	invalid: 400,
	too_large: 413,
	unsupported_media: 415,
	unreadable: 400,
	rate_limited: 429,
	revoked: 403,
	network: 503,
	quota: 507,
	server: 500,
};

/** An error as a value: a code from the vocabulary and a reason for developers. */
export class AppError extends Error {
	readonly code: ErrorCode;
	readonly status: number;
	/** For `rate_limited`: seconds to wait before trying again (the `Retry-After` header), when known. */
	readonly retryAfterSeconds: number | undefined;
	constructor(code: ErrorCode, reason: string, status = ERROR_STATUS[code], retryAfterSeconds?: number) {
		super(reason);
		this.name = 'AppError';
		this.code = code;
		this.status = status;
		this.retryAfterSeconds = retryAfterSeconds;
	}
	/** The CouchDB-shaped body for this error. */
	toBody(): CouchError {
		return { error: this.code, reason: this.message };
	}
}

/**
 * Turn a CouchDB error body (from our server or a real CouchDB) into a code of ours.
 * @example codeFromCouch(401, {error: 'unauthorized', reason: '…'}) // 'unauthorized'
 */
export function codeFromCouch(status: number, body: unknown): ErrorCode {
	const parsed = couchErrorSchema.safeParse(body);
	const name = parsed.success ? parsed.data.error : '';
	if ((ERROR_CODES as readonly string[]).includes(name)) return name as ErrorCode;
	if (status === 401) return 'unauthorized';
	if (status === 403) return 'forbidden';
	if (status === 404) return 'not_found';
	if (status === 409) return 'conflict';
	if (status === 413) return 'too_large';
	if (status === 415) return 'unsupported_media';
	if (status === 429) return 'rate_limited';
	if (status >= 500) return 'server';
	return 'bad_request';
}
