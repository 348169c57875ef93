/**
 * The server's log: Fastify's pino logger, one structured line per request, written when the
 * answer is sent (method, route pattern, status, time, kind of scope, and the CouchDB error
 * name of a refusal). Fastify's own request lines are replaced (they carry the URL, and URLs
 * hold user names in `user-<name>` scopes and document ids). It must never log a name, a
 * document id, a body, a cookie or an address; the redaction below is a second line of
 * defence should a later log call pass a request, a body or headers.
 */
import type { FastifyLoggerOptions, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { LogController } from 'fastify';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `LOG_LEVEL` from the environment: `info` when unset; anything else not a level is refused. */
export function parseLogLevel(value: string | undefined): LogLevel {
	if (value === undefined || value === '') return 'info';
	const level = value.trim().toLowerCase();
	if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
	throw new Error(`LOG_LEVEL ${value} is not one of ${LOG_LEVELS.join(', ')}.`);
}

export type LogOptions = {
	level: LogLevel;
	/** Where the lines go, one JSON object per line; standard output by default. */
	stream?: { write(line: string): void };
};

/** Censored wherever a log call would put them, whatever the serializers do. */
export const REDACT_PATHS = [
	'req.url',
	'req.originalUrl',
	'req.query',
	'req.params',
	'req.body',
	'req.headers',
	'req.remoteAddress',
	'req.ip',
	'res.headers',
	'url',
	'query',
	'params',
	'body',
	'headers',
	'cookie',
	'cookies',
	'password',
	'name',
	'user',
	'doc',
	'docs',
	'*.password',
	'*.name',
	'*.cookie',
	'*.authorization',
	'err.message',
	'err.stack',
];

/** The kind of a scope, never its name (`user-<name>` holds a user name). */
export function scopeKind(scope: unknown): 'org' | 'unit' | 'user' | 'reports' | 'none' {
	if (typeof scope !== 'string') return 'none';
	if (scope === 'org') return 'org';
	if (scope === 'reports' || scope.startsWith('reports-')) return 'reports';
	if (scope.startsWith('unit-')) return 'unit';
	if (scope.startsWith('user-')) return 'user';
	return 'none';
}

/**
 * A request on the anonymous road (decision 0030): no line at all, not even its route and time,
 * which next to the signed-in requests around it could link a response to a person.
 */
export function isAnonymous(request: FastifyRequest): boolean {
	return request.url.startsWith('/anon/');
}

/** The CouchDB error name each refused answer was sent with (set by `sendError`). */
const errorNames = new WeakMap<FastifyReply, string>();

export function noteErrorName(reply: FastifyReply, name: string): void {
	errorNames.set(reply, name);
}

/** An error as logged (the `err` serializer): its name and code, never its message (it may quote a document). */
function errorFields(err: unknown): { type: string; code?: string } {
	const e = err as { name?: unknown; code?: unknown } | null | undefined;
	const type = typeof e?.name === 'string' ? e.name : 'Error';
	return typeof e?.code === 'string' ? { type, code: e.code } : { type };
}

function requestFields(request: FastifyRequest): { method: string; route: string | null; scope: string } {
	return {
		method: request.method,
		// The pattern (`/db/:scope/_changes`), never the URL; none for the fallback of unknown paths.
		route: request.routeOptions.url ?? null,
		scope: scopeKind((request.params as Record<string, unknown> | undefined)?.scope),
	};
}

/**
 * The line of a request whose client went away before the answer (a longpoll left, a page
 * closed): Fastify sends nothing then, so no answer's line follows (an `onRequestAbort` hook).
 */
export function logAborted(request: FastifyRequest): void {
	if (isAnonymous(request)) return;
	request.log.info({ ...requestFields(request), status: null, ms: null, aborted: true }, 'request');
}

/** Fastify's request log lines, replaced by one line per request with nothing personal in it. */
export class RequestLog extends LogController {
	override incomingRequest(): void {
		// The line is written once, with the answer.
	}

	override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
		if (isAnonymous(request)) return;
		const line = {
			...requestFields(request),
			status: reply.statusCode,
			ms: Math.round(reply.elapsedTime * 10) / 10,
			...(errorNames.has(reply) ? { error: errorNames.get(reply) } : {}),
		};
		if (error) reply.log.error({ ...line, err: error }, 'request failed');
		else reply.log.info(line, 'request');
	}

	override defaultErrorLog(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
		if (reply.statusCode >= 500) reply.log.error({ err: error }, 'unexpected error');
	}

	override streamError(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
		if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
		reply.log.warn({ err: error }, 'answer cut off after its headers were sent');
	}

	override routeNotFound(): void {
		// The request line says 404; Fastify's own line names the URL.
	}

	override writeHeadError(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
		reply.log.warn({ err: error }, 'could not write the error answer');
	}

	override serializerError(
		error: Error,
		_request: FastifyRequest,
		reply: FastifyReply,
		metadata: { statusCode: number },
	): void {
		reply.log.error({ err: error, status: metadata.statusCode }, 'could not serialise the answer');
	}
}

type ErrSerializer = NonNullable<NonNullable<FastifyLoggerOptions['serializers']>['err']>;

/** Fastify's `logger` and `logController` options for this level and stream. */
export function loggerOptions(
	opts: LogOptions,
): Pick<FastifyServerOptions, 'logger' | 'logController'> & { logger: object } {
	return {
		logger: {
			level: opts.level,
			...(opts.stream ? { stream: opts.stream } : {}),
			redact: { paths: REDACT_PATHS, censor: '[redacted]' },
			// Should a request, an answer or an error be logged whole, only these fields are kept.
			serializers: {
				req: (req: { method?: string }) => ({ method: req.method }),
				res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
				// Fastify's type asks for the message and stack: left out on purpose.
				err: errorFields as unknown as ErrSerializer,
			},
		},
		logController: new RequestLog(),
	};
}
