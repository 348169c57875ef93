/**
 * The one place where a caught error becomes a translated message for the user.
 */
import {
	ANON_REASONS,
	ANSWERS_REASONS,
	AppError,
	CO_SIGNER_BY_MANAGER_REASON,
	CO_SIGNER_NOT_MEMBER_REASON,
	ERROR_CODES,
	isOlderAppReason,
	NOT_INVITED_REASON,
	PUBLISHED_TEMPLATE_REASON,
	ROLE_SUBMIT_REASON,
	STORE_REFUSED_REASON,
	SURVEY_RULE_REASONS,
	NEW_PASSWORD_MIN,
	OWN_ACCOUNT_REASON,
	PASSWORD_MAX,
	WRONG_CURRENT_PASSWORD_REASON,
	type ErrorCode,
} from '../domain/index.ts';
import { CLOCK_AHEAD_REASON } from '../domain/hlc.ts';
import { BAD_REV_REASON } from '../domain/merge.ts';
import { TOO_DEEP_REASON } from '../domain/nesting.ts';
import { UNCHANGED_TEMPLATE_REASON } from '../domain/templates.ts';
import {
	LOCAL_DOCS_QUOTA_REASON,
	PERSON_DOCS_QUOTA_REASON,
	PERSON_PHOTOS_QUOTA_REASON,
	SCOPE_DOCS_QUOTA_REASON,
	SCOPE_PHOTOS_QUOTA_REASON,
} from '../domain/quotas.ts';
import {
	CREATED_BY_FIXED_REASON,
	RECORDED_AHEAD_REASON,
	RECORDED_NAME_REASON,
	RECORDED_TOO_OLD_REASON,
	SAME_SIGNER_REASON,
	TEMPLATE_ANSWERED_REASON,
} from '../domain/recorded.ts';
import { t, type MessageKey } from '../i18n/i18n.svelte.ts';

/** The server's fixed reasons that the device explains in its own words (they say what to do). */
const REASON_TEXT: Readonly<Record<string, MessageKey>> = {
	[CLOCK_AHEAD_REASON]: 'sync.queue.clockAhead',
	[BAD_REV_REASON]: 'sync.queue.unknownVersion',
	[RECORDED_TOO_OLD_REASON]: 'sync.queue.recordedTooOld',
	[RECORDED_AHEAD_REASON]: 'sync.queue.recordedAhead',
	[RECORDED_NAME_REASON]: 'sync.queue.recordedName',
	[CREATED_BY_FIXED_REASON]: 'sync.queue.createdByFixed',
	[SAME_SIGNER_REASON]: 'sync.queue.sameSigner',
	[TEMPLATE_ANSWERED_REASON]: 'sync.queue.templateAnswered',
	[WRONG_CURRENT_PASSWORD_REASON]: 'error.wrongCurrentPassword',
	[OWN_ACCOUNT_REASON]: 'error.ownAccount',
	[TOO_DEEP_REASON]: 'sync.queue.tooDeep',
	[PUBLISHED_TEMPLATE_REASON]: 'sync.queue.templateNotPublished',
	[UNCHANGED_TEMPLATE_REASON]: 'templates.unchanged',
	// Who co-signs where the unit has no safety rep (decision 0028).
	[CO_SIGNER_NOT_MEMBER_REASON]: 'sync.queue.coSignerNotMember',
	[CO_SIGNER_BY_MANAGER_REASON]: 'sync.queue.coSignerByManager',
	[NOT_INVITED_REASON]: 'sync.queue.notInvited',
	// HR's survey actions into a unit it does not read (decision 0040).
	[ROLE_SUBMIT_REASON]: 'sync.queue.roleSubmit',
	// Quotas (decision 0017): which limit, and what the person can do.
	[SCOPE_DOCS_QUOTA_REASON]: 'sync.queue.quotaScope',
	[PERSON_DOCS_QUOTA_REASON]: 'sync.queue.quotaPerson',
	[LOCAL_DOCS_QUOTA_REASON]: 'sync.queue.quotaLocal',
	[SCOPE_PHOTOS_QUOTA_REASON]: 'sync.queue.quotaPhotosScope',
	[PERSON_PHOTOS_QUOTA_REASON]: 'sync.queue.quotaPhotosPerson',
	// Surveys and campaigns (decision 0030).
	[SURVEY_RULE_REASONS.publishedSurvey]: 'sync.queue.surveyPublished',
	[SURVEY_RULE_REASONS.surveyKeepsVersion]: 'sync.queue.surveyKeepsVersion',
	[SURVEY_RULE_REASONS.unchangedSurvey]: 'sync.queue.surveyUnchanged',
	[SURVEY_RULE_REASONS.campaignSurvey]: 'sync.queue.campaignSurvey',
	[SURVEY_RULE_REASONS.campaignK]: 'sync.queue.campaignK',
	[SURVEY_RULE_REASONS.campaignTarget]: 'sync.queue.campaignTarget',
	[SURVEY_RULE_REASONS.campaignTooFew]: 'sync.queue.campaignTooFew',
	[SURVEY_RULE_REASONS.campaignFixed]: 'sync.queue.campaignFixed',
	[SURVEY_RULE_REASONS.campaignDeleted]: 'sync.queue.campaignDeleted',
};

/** The translated text for a fixed reason, or undefined for any other. */
function reasonText(reason: string): string | undefined {
	const key = Object.hasOwn(REASON_TEXT, reason) ? REASON_TEXT[reason] : undefined;
	return key ? t(key) : undefined;
}

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
	// A refusal with a fixed reason (a co-signature the server refused, a signature the device
	// refuses itself) says what to do.
	const fixed = err instanceof AppError ? reasonText(err.message) : undefined;
	if (fixed) return fixed;
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
 * A fixed reason gets its own text: a `_rev` the server does not take, a stamp or recorded time
 * beyond the server's bounds, a name that is not the account's, one account signing both roles,
 * a document nested too deep, a quota reached (which limit, and what to do; a photo's refusal is
 * shown the same way), a round on a template version that is not published, a document an older
 * app version wrote that the server cannot bring up to date.
 * The database behind the server (CouchDB) may refuse a change the rules took; its own reason
 * stays in the stored error.
 */
export function messageForRefused(error: { code: string; reason: string }): string {
	if (error.code === 'conflict') return t('sync.queue.deletedElsewhere');
	if (error.reason === STORE_REFUSED_REASON || error.reason.startsWith(`${STORE_REFUSED_REASON}: `)) {
		return t('sync.queue.storeRefused');
	}
	// Written by an older app version and not brought up to date on the server (decision 0026).
	if (isOlderAppReason(error.reason)) return t('sync.queue.olderApp');
	return reasonText(error.reason) ?? messageForStored(error);
}

/**
 * Message for a request that is never queued on the device (a password change, the admin's
 * changes to people and accounts): without a network there is nothing kept to send later, so
 * the text says to try again online; a 401 here means the session ended, not a wrong password.
 */
export function messageForOnlineOnly(err: unknown): string {
	const code = errorCode(err);
	if (code === 'network') return t('error.network.onlineOnly');
	if (code === 'unauthorized') return t('session.expired');
	return messageFor(err);
}

/** The anonymous road's fixed reasons (decision 0030): answers that do not fit, and the server's own. */
const ANSWERS_TEXT: Readonly<Record<string, MessageKey>> = {
	[ANSWERS_REASONS.unknown]: 'surveys.refused.notFit',
	[ANSWERS_REASONS.hidden]: 'surveys.refused.notFit',
	[ANSWERS_REASONS.invalid]: 'surveys.refused.notFit',
	[ANSWERS_REASONS.tooLong]: 'surveys.refused.tooLong',
	[ANSWERS_REASONS.required]: 'surveys.refused.required',
	[ANSWERS_REASONS.empty]: 'surveys.refused.empty',
	// The server's own refusals on the anonymous road.
	[ANON_REASONS.spent]: 'surveys.refused.spent',
	[ANON_REASONS.invalidToken]: 'surveys.refused.token',
	[ANON_REASONS.otherGroup]: 'surveys.refused.otherGroup',
	[ANON_REASONS.upcoming]: 'surveys.refused.upcoming',
	[ANON_REASONS.closed]: 'surveys.refused.closed',
	[ANON_REASONS.cancelled]: 'surveys.refused.cancelled',
	[ANON_REASONS.unknownCampaign]: 'surveys.refused.notFound',
	[ANON_REASONS.malformed]: 'surveys.refused.notFit',
	[ANON_REASONS.tooLarge]: 'surveys.refused.tooLong',
	[ANON_REASONS.notEligible]: 'surveys.refused.notEligible',
	[ANON_REASONS.tokenTaken]: 'surveys.refused.tokenTaken',
	[ANON_REASONS.badBlinded]: 'surveys.refused.token',
	[ANON_REASONS.tooFewPeople]: 'surveys.refused.tooFewPeople',
};

/**
 * Message for a survey response the anonymous road refused (kept on the device with its
 * `{code, reason}`): each fixed reason says what happened; another reason by its code (a spent
 * token is a `conflict`, a token that does not verify `forbidden`, a campaign gone `not_found`);
 * anything else as any stored error.
 * @example messageForAnon({ code: 'conflict', reason: 'spent' }) // 'Du har redan svarat på den här enkäten. …'
 */
export function messageForAnon(error: { code: string; reason: string }): string {
	const key = Object.hasOwn(ANSWERS_TEXT, error.reason) ? ANSWERS_TEXT[error.reason] : undefined;
	if (key) return t(key);
	if (error.code === 'conflict') return t('surveys.refused.spent');
	if (error.code === 'forbidden') return t('surveys.refused.token');
	if (error.code === 'not_found') return t('surveys.refused.notFound');
	return messageForStored(error);
}

/** The fields of the password form and what the device finds wrong with them before sending. */
export type PasswordField = 'password' | 'newPassword' | 'confirm';
export type PasswordIssue = 'required' | 'tooShort' | 'tooLong' | 'mismatch';

/** Message for a problem the device found in the password form. */
export function messageForPasswordIssue(field: PasswordField, issue: PasswordIssue): string {
	switch (issue) {
		case 'required':
			return t(`account.password.required.${field}`);
		case 'tooShort':
			return t('account.password.tooShort', { min: NEW_PASSWORD_MIN });
		case 'tooLong':
			return t('account.password.tooLong', { max: PASSWORD_MAX });
		case 'mismatch':
			return t('account.password.mismatch');
	}
}
