/**
 * The one place where a caught error becomes a translated message for the user.
 */
import { AppError, ERROR_CODES, type ErrorCode } from '../domain/index.ts';
import { CLOCK_AHEAD_REASON } from '../domain/hlc.ts';
import { BAD_REV_REASON } from '../domain/merge.ts';
import { TOO_DEEP_REASON } from '../domain/nesting.ts';
import {
	LOCAL_DOCS_QUOTA_REASON,
	PERSON_DOCS_QUOTA_REASON,
	PERSON_PHOTOS_QUOTA_REASON,
	SCOPE_DOCS_QUOTA_REASON,
	SCOPE_PHOTOS_QUOTA_REASON,
} from '../domain/quotas.ts';
import { t } from '../i18n/i18n.svelte.ts';

/** The vocabulary code for any thrown value. */
export function errorCode(err: unknown): ErrorCode {
	if (err instanceof AppError) return err.code;
	const name = (err as { name?: string })?.name;
	if (name === 'QuotaExceededError') return 'quota';
	if (err instanceof TypeError) return 'network';
	return 'server';
}

/**
 * A translated, user-facing message for an error (or a stored error code and reason).
 * A refusal for too many attempts names the wait when the server gave one (`Retry-After`).
 * @example messageFor(new AppError('unauthorized', 'x')) // 'Fel användarnamn eller lösenord.'
 * @example messageFor(new AppError('rate_limited', 'x', 429, 30)) // 'För många försök. Försök igen om 30 sekunder.'
 */
export function messageFor(err: unknown): string {
	const code = errorCode(err);
	const wait = err instanceof AppError ? err.retryAfterSeconds : undefined;
	if (code === 'rate_limited' && wait !== undefined && wait > 0) {
		return wait < 120
			? t('error.rate_limited.seconds', { count: wait })
			: t('error.rate_limited.minutes', { count: Math.ceil(wait / 60) });
	}
	return t(`error.${code}`, { reason: err instanceof AppError ? err.message : '' });
}

/** Message for an error stored as `{code, reason}` (e.g. a refused outbox entry). */
export function messageForStored(error: { code: string; reason: string }): string {
	const code = (ERROR_CODES as readonly string[]).includes(error.code) ? (error.code as ErrorCode) : 'server';
	return t(`error.${code}`, { reason: error.reason });
}

/**
 * Message for a change the server refused. A refused `conflict` is the one conflict the merge
 * does not resolve: the document was deleted elsewhere (the delete wins, see domain/merge.ts).
 * A per-document `bad_request` is a `_rev` the server does not take (not a canonical revision)
 * or a document nested too deep: sending it again cannot help. A quota says which limit was
 * reached and what to do (a photo's refusal is shown the same way).
 */
export function messageForRefused(error: { code: string; reason: string }): string {
	if (error.code === 'conflict') return t('sync.queue.deletedElsewhere');
	if (error.reason === CLOCK_AHEAD_REASON) return t('sync.queue.clockAhead');
	if (error.reason === BAD_REV_REASON) return t('sync.queue.unknownVersion');
	if (error.reason === TOO_DEEP_REASON) return t('sync.queue.tooDeep');
	// Quotas (decision 0017): which limit, and what the person can do.
	if (error.reason === SCOPE_DOCS_QUOTA_REASON) return t('sync.queue.quotaScope');
	if (error.reason === PERSON_DOCS_QUOTA_REASON) return t('sync.queue.quotaPerson');
	if (error.reason === LOCAL_DOCS_QUOTA_REASON) return t('sync.queue.quotaLocal');
	if (error.reason === SCOPE_PHOTOS_QUOTA_REASON) return t('sync.queue.quotaPhotosScope');
	if (error.reason === PERSON_PHOTOS_QUOTA_REASON) return t('sync.queue.quotaPhotosPerson');
	return messageForStored(error);
}
