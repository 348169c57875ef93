/**
 * Documents written by an older app version (decision 0026). The server brings what it can up to
 * today's shape, on its store at start and on the way in; what it cannot is refused with a reason
 * that starts with OLDER_APP_REASON, never as a permission refusal, and stays in the device's queue.
 */

/** The start of the reason for a document only an older app version writes and the server cannot bring up to date. */
export const OLDER_APP_REASON = 'written by an older app version';

/** The reason for a round planned on a template version that is a draft, or another version than the round names. */
export const PUBLISHED_TEMPLATE_REASON = 'a round needs a published template version';

/** Does `reason` say the document came from an older app version? */
export function isOlderAppReason(reason: string): boolean {
	return reason === OLDER_APP_REASON || reason.startsWith(`${OLDER_APP_REASON}: `);
}
