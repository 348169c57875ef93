/**
 * `POST /anon/campaigns/:id/responses`: the anonymous road (decision 0030). It reads no cookie and
 * no session, writes no request line (logging.ts leaves `/anon/` out; only counters are kept) and
 * answers CouchDB's `{error, reason}` with fixed reasons only, so an answer says nothing about
 * who sent what. The body is `anonResponseSchema` and nothing else.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ANON_REASONS, AppError, anonResponseSchema } from '../../../src/lib/domain/index.ts';
import type { AnonRoad } from '../anon/road.ts';
import { campaignDocId } from '../anon/road.ts';
import { sendError } from '../context.ts';

/** The largest response body: a long survey of free-text answers, with room for the token. */
export const ANON_BODY_LIMIT = 256 * 1024;

/** The route's prefix, which the request log leaves out (logging.ts). */
export const ANON_PREFIX = '/anon/';

export async function anonRoutes(app: FastifyInstance, road: AnonRoad): Promise<void> {
	const counters = road.responses.counters;
	app.post(
		`${ANON_PREFIX}campaigns/:id/responses`,
		{
			bodyLimit: ANON_BODY_LIMIT,
			// Fixed reasons only, whatever failed; never the parser's message.
			errorHandler: (err: FastifyError, _request, reply) => {
				const refusal =
					err instanceof AppError
						? err
						: err.statusCode === 413
							? new AppError('too_large', ANON_REASONS.tooLarge)
							: err.statusCode !== undefined && err.statusCode < 500
								? new AppError('bad_request', ANON_REASONS.malformed)
								: new AppError('server', 'internal error');
				counters.refuse(refusal.message);
				reply.header('cache-control', 'no-store');
				return sendError(reply, refusal);
			},
		},
		async (request, reply) => {
			const parsed = anonResponseSchema.safeParse(request.body);
			if (!parsed.success) throw new AppError('bad_request', ANON_REASONS.malformed);
			const { fresh } = await road.respond(campaignDocId((request.params as { id: string }).id), parsed.data);
			if (fresh) counters.accepted++;
			else counters.retried++;
			reply.header('cache-control', 'no-store');
			return { ok: true };
		},
	);
}
