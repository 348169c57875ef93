/**
 * The multi-scope changes feed (decision 0018): one request reads `_changes` of many scopes, and
 * one longpoll waits on all of them, so a device holds one long-lived connection whatever its
 * number of scopes. Each scope keeps its own checkpoint (`since` in, `last_seq` out), the same
 * sequences as per-scope `_changes`, and each scope is answered on its own: rows as `_changes`
 * gives them, or CouchDB's `{error, reason}` for that scope alone (forbidden, revoked, a `since`
 * the store did not make).
 */
import { z } from './zod.ts';
import { couchErrorSchema } from './errors.ts';
import { isScope } from './ids.ts';
import { changesResponseSchema } from './schemas.ts';

/**
 * Where the feed is served. Under `/db`, like the rest of sync, but a name CouchDB never gives a
 * database (they cannot start with `_`), so it cannot collide with a scope.
 */
export const FEED_PATH = '/db/_trygg/changes';

/** Most scopes in one request; a device with more splits its scopes over several. */
export const FEED_MAX_SCOPES = 1000;
/** Rows per scope when the request names no `limit`. */
export const FEED_DEFAULT_LIMIT = 1000;

/** A sequence as the store made it: opaque, printable, bounded (the same check as `_changes?since`). */
const sinceSchema = z.string().check(z.maxLength(4096), z.regex(/^[\x21-\x7e]+$/, 'since is not a sequence'));

/** `POST /db/_trygg/changes`: every scope with the checkpoint to read from (`'0'` from the start). */
export const feedRequestSchema = z.object({
	scopes: z.record(z.string().check(z.refine(isScope, 'not a scope name')), sinceSchema).check(
		z.refine((s) => Object.keys(s).length >= 1, 'name at least one scope'),
		z.refine((s) => Object.keys(s).length <= FEED_MAX_SCOPES, `at most ${FEED_MAX_SCOPES} scopes per request`),
	),
	feed: z.optional(z.enum(['normal', 'longpoll'])),
	/** Longpoll: milliseconds to wait for a change in any scope (the server caps it). */
	timeout: z.optional(z.number().check(z.int(), z.gte(0))),
	/** Rows per scope (the server caps it). */
	limit: z.optional(z.number().check(z.int(), z.gte(1))),
});
export type FeedRequest = z.infer<typeof feedRequestSchema>;

/** One scope's answer: its changes as `_changes` gives them, or why it was not read. */
export const feedScopeResultSchema = z.union([changesResponseSchema, couchErrorSchema]);
export type FeedScopeResult = z.infer<typeof feedScopeResultSchema>;

/** The feed's answer: one entry per scope asked for. */
export const feedResponseSchema = z.object({ results: z.record(z.string(), feedScopeResultSchema) });
export type FeedResponse = z.infer<typeof feedResponseSchema>;
