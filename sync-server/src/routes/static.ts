/**
 * Serves the built PWA with an SPA fallback to `200.html`. Shell files (html, service
 * worker) are never cached without revalidation, hashed `_app/immutable` files are cached
 * for a year. It must never answer a `/db` or `/api` path with the app shell.
 */
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const FALLBACK_PAGE = '200.html';
export const API_PATH = /^\/(db|api)(\/|$|\?)/;

function cacheControlFor(file: string): string | undefined {
	const normalized = file.split(path.sep).join('/');
	if (normalized.includes('/_app/immutable/')) return 'public, max-age=31536000, immutable';
	if (normalized.endsWith('.html') || normalized.endsWith('/service-worker.js')) return 'no-cache';
	return undefined;
}

export async function staticRoutes(app: FastifyInstance, staticDir: string): Promise<void> {
	await app.register(fastifyStatic, {
		root: path.resolve(staticDir),
		cacheControl: false,
		setHeaders(reply, file) {
			const value = cacheControlFor(file);
			if (value) reply.header('cache-control', value);
		},
	});
}

/** Does this request get the app shell instead of a 404? */
export function wantsAppShell(request: FastifyRequest): boolean {
	return (request.method === 'GET' || request.method === 'HEAD') && !API_PATH.test(request.url);
}

export function sendAppShell(reply: FastifyReply): FastifyReply {
	return reply.header('cache-control', 'no-cache').sendFile(FALLBACK_PAGE);
}
