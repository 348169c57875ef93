/**
 * The JSON body parser of every route: Fastify's own (prototype-poisoning checks included),
 * behind a nesting check on the raw text. `JSON.parse` itself does not overflow on deep input,
 * but it takes its time (a million nested arrays: about a second of a blocked server) and the
 * parsed value would overflow every recursive walk after it. So a body nested deeper than a
 * document may be, plus the request's own wrapping, is refused with 400 before it is parsed.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../src/lib/domain/index.ts';
import { MAX_BODY_WRAPPING, MAX_DOC_DEPTH, TOO_DEEP_REASON, jsonTooDeep } from '../../src/lib/domain/nesting.ts';

/** Deepest nesting a JSON request body may have. */
export const MAX_BODY_DEPTH = MAX_DOC_DEPTH + MAX_BODY_WRAPPING;

export function jsonBodyParser(app: FastifyInstance): void {
	const parse = app.getDefaultJsonParser('error', 'error');
	app.removeContentTypeParser('application/json');
	app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
		if (jsonTooDeep(body as string, MAX_BODY_DEPTH)) {
			done(new AppError('bad_request', TOO_DEEP_REASON), undefined);
			return;
		}
		parse(request, body as string, done);
	});
}
