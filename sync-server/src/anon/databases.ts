/**
 * The server-only databases of the anonymous road (decision 0030). Their names are not scopes, so
 * no `/db` route reaches them (routes/scope.ts, blobs.ts check `isScope`); only the stores open them.
 * Keys, issued tokens, spent tokens and responses are kept apart on purpose: no database links
 * a person to what they answered.
 */
export const ANON_DB = {
	/** Private keys per (campaign, group) and each campaign's frozen reporting groups. */
	keys: 'anon-keys',
	/** Who took a token per campaign: group and the hash of the blinded message, no time. */
	issued: 'anon-issued',
	/** Hashes of spent tokens. */
	spent: 'anon-spent',
	/** Stored responses, and per campaign the pending list (`_local`) not yet written in a batch. */
	responses: 'anon-responses',
} as const;
