/**
 * Serves the built PWA with an SPA fallback to `200.html`. Shell files (html, service
 * worker) are never cached without revalidation, hashed `_app/immutable` files are cached
 * for a year. Files go out precompressed when the build has a `.br`/`.gz` copy and the
 * request accepts it (`scripts/compress-build.ts`), with `Vary: Accept-Encoding` and an ETag
 * of the copy sent. It must never answer a `/db` or `/api` path with the app shell, nor a
 * file of the build that is not there (an old version's chunk): that is a 404.
 */
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const FALLBACK_PAGE = '200.html';
export const API_PATH = /^\/(db|api)(\/|$|\?)/;

/**
 * A path that names a file of the build rather than a page of the app: anything under Kit's
 * `/_app/`, or a name ending in an extension the build's files have. App paths may hold dots
 * (`/templates/template:fysisk.v2`), so only these extensions count.
 */
export const FILE_PATH =
	/^\/_app\/|\.(?:js|mjs|css|map|html|json|webmanifest|svg|png|jpe?g|gif|webp|avif|ico|woff2?|ttf|txt|xml|wasm|br|gz)$/i;

/** The reason of the 404 for a file the build does not have (it names no path). */
export const MISSING_FILE_REASON = 'This file is not part of the app; it may belong to an older version.';

/** The served file's own name: the precompressed copy of `x.js` is `x.js.br`. */
function logicalName(file: string): string {
	return file.replace(/\.(br|gz)$/, '');
}

function cacheControlFor(file: string): string | undefined {
	const normalized = logicalName(file.split(path.sep).join('/'));
	if (normalized.includes('/_app/immutable/')) return 'public, max-age=31536000, immutable';
	if (normalized.endsWith('.html') || normalized.endsWith('/service-worker.js')) return 'no-cache';
	return undefined;
}

export async function staticRoutes(app: FastifyInstance, staticDir: string): Promise<void> {
	await app.register(fastifyStatic, {
		root: path.resolve(staticDir),
		cacheControl: false,
		// Sends `x.br` or `x.gz` by the request's Accept-Encoding (br first), else `x` itself.
		preCompressed: true,
		setHeaders(reply, file) {
			const value = cacheControlFor(file);
			if (value) reply.header('cache-control', value);
		},
	});
}

function pathname(request: FastifyRequest): string {
	return request.url.split('?')[0] ?? '';
}

/** Does this request ask for a file of the build (that was not found)? */
export function wantsFile(request: FastifyRequest): boolean {
	return !API_PATH.test(request.url) && FILE_PATH.test(pathname(request));
}

/** Does this request get the app shell instead of a 404? Only a page of the app does. */
export function wantsAppShell(request: FastifyRequest): boolean {
	if (request.method !== 'GET' && request.method !== 'HEAD') return false;
	return !API_PATH.test(request.url) && !FILE_PATH.test(pathname(request));
}

export function sendAppShell(reply: FastifyReply): FastifyReply {
	return reply.header('cache-control', 'no-cache').sendFile(FALLBACK_PAGE);
}
