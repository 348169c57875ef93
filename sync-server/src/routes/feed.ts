/**
 * The multi-scope changes feed (decision 0018), `POST /db/_trygg/changes`: `_changes` of every scope
 * the body names, each from its own checkpoint, and as a longpoll one wait on all of them, so a
 * device holds one long-lived connection whatever its number of scopes. Every scope is checked as
 * per-scope `_changes` checks it (signed in, then a read grant: forbidden, or revoked for one the
 * caller held before, the same answer for every scope so existence never leaks) and answered on its
 * own: a refused scope never fails the others. Per-scope `_changes` stays for CouchDB tools.
 */
import { setMaxListeners } from 'node:events';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../../src/lib/domain/index.ts';
import {
	FEED_DEFAULT_LIMIT,
	FEED_PATH,
	feedRequestSchema,
	type FeedScopeResult,
} from '../../../src/lib/domain/feed.ts';
import type { ServerContext } from '../context.ts';
import type { ChangesResult } from '../store/doc-store.ts';
import { LONGPOLL_DEFAULT_MS, LONGPOLL_MAX_MS, MAX_CHANGES_LIMIT, readChanges } from './scope.ts';

/** Scopes read at once: a request naming hundreds must not open hundreds of databases together. */
const READ_CONCURRENCY = 8;

function isRefusal(err: unknown): err is AppError {
	return err instanceof AppError && (err.code === 'forbidden' || err.code === 'revoked');
}

/** Run `fn` on every item, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < items.length) await fn(items[next++] as T);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Wait until any scope has a write past its sequence, `timeout` passes, the client goes away or the
 * server stops; returns the scopes that woke. One abort ends every scope's wait, so no waiter and
 * no listener outlives the request.
 */
async function waitForAny(
	ctx: ServerContext,
	reply: FastifyReply,
	scopes: { scope: string; since: string }[],
	timeout: number,
): Promise<string[]> {
	const stop = new AbortController();
	setMaxListeners(0, stop.signal); // one listener per scope's wait
	const woken: string[] = [];
	const timer = setTimeout(() => stop.abort(), timeout);
	// Plain listeners, removed below (see the per-scope longpoll in scope.ts for why not AbortSignal.any).
	const onClose = (): void => stop.abort();
	reply.raw.once('close', onClose);
	ctx.closing.signal.addEventListener('abort', onClose, { once: true });
	try {
		await new Promise<void>((resolve) => {
			stop.signal.addEventListener('abort', () => resolve(), { once: true });
			for (const { scope, since } of scopes) {
				void ctx.store.waitForChange(scope, stop.signal, since).then(() => {
					if (stop.signal.aborted) return;
					woken.push(scope);
					resolve();
				});
			}
		});
	} finally {
		stop.abort();
		clearTimeout(timer);
		reply.raw.off('close', onClose);
		ctx.closing.signal.removeEventListener('abort', onClose);
	}
	return woken;
}

export async function feedRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
	setMaxListeners(0, ctx.closing.signal); // one listener per waiting longpoll

	app.post(FEED_PATH, async (request, reply) => {
		const user = await ctx.requireUser(request);
		const parsed = feedRequestSchema.safeParse(request.body);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			throw new AppError('bad_request', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
		}
		const { scopes, feed = 'normal' } = parsed.data;
		const limit = Math.min(parsed.data.limit ?? FEED_DEFAULT_LIMIT, MAX_CHANGES_LIMIT);
		const timeout = Math.min(parsed.data.timeout ?? LONGPOLL_DEFAULT_MS, LONGPOLL_MAX_MS);

		const results: Record<string, FeedScopeResult> = {};
		const readable: string[] = [];
		for (const scope of Object.keys(scopes)) {
			try {
				await ctx.readGrants(user, scope);
				readable.push(scope);
			} catch (err) {
				if (!isRefusal(err)) throw err;
				results[scope] = err.toBody();
			}
		}

		const pages = new Map<string, ChangesResult>();
		const read = (only: readonly string[]): Promise<void> =>
			eachLimited(only, READ_CONCURRENCY, async (scope) => {
				try {
					pages.set(scope, await readChanges(ctx, scope, { since: scopes[scope], limit, includeDocs: true }));
				} catch (err) {
					// A sequence this store did not make (a checkpoint from another server): this scope only.
					if (!(err instanceof AppError && err.code === 'bad_request')) throw err;
					results[scope] = err.toBody();
				}
			});
		await read(readable);

		// Anything to tell (a change, a refusal) is answered at once, as `_changes` answers a longpoll.
		const news = Object.keys(results).length > 0 || [...pages.values()].some((p) => p.results.length > 0);
		if (feed === 'longpoll' && !news) {
			const waits = [...pages].map(([scope, page]) => ({ scope, since: page.last_seq }));
			const woken = await waitForAny(ctx, reply, waits, timeout);
			if (reply.raw.destroyed) return reply;
			await read(woken);
		}

		for (const [scope, page] of pages) {
			if (results[scope]) continue;
			// Nothing new: the client keeps its own `since` (opaque: never compared, never moved back).
			// A copy: the page may be shared with other requests.
			results[scope] = page.results.length === 0 ? { ...page, last_seq: scopes[scope] as string } : page;
		}
		return { results };
	});
}
