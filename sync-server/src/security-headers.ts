/**
 * Browser hardening headers on every answer, set with `@fastify/helmet`: a Content-Security-Policy
 * the built app passes without violations, no framing, no referrer, a Permissions-Policy that
 * leaves only the camera (photos) to the app, and HSTS only on requests that came over https.
 *
 * SvelteKit's built pages (the prerendered root and the `200.html` SPA fallback) start the app
 * with one inline bootstrap script. Rather than allow inline scripts, the server hashes the
 * inline scripts of the pages it serves when it starts and allows exactly those (`'sha256-…'`).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** A year; sent only over https, so a plain-http install on a LAN is never pinned to https. */
export const HSTS = 'max-age=31536000';

/** Powerful features the app does not use are off; the camera is for photos of findings. */
export const PERMISSIONS_POLICY = [
	'camera=(self)',
	'microphone=()',
	'geolocation=()',
	'display-capture=()',
	'payment=()',
	'usb=()',
	'serial=()',
	'hid=()',
	'bluetooth=()',
	'midi=()',
	'accelerometer=()',
	'gyroscope=()',
	'magnetometer=()',
	'browsing-topics=()',
].join(', ');

/** The policy's directives; `scriptHashes` are the `'sha256-…'` sources of the pages' inline scripts. */
export function cspDirectives(scriptHashes: readonly string[]): Record<string, string[]> {
	return {
		'default-src': ["'self'"],
		'script-src': ["'self'", ...scriptHashes],
		// Svelte's component styles are built into .css files; no style attribute or <style> is needed.
		'style-src': ["'self'"],
		// Photos are shown from blob: URLs; data: for small inline images.
		'img-src': ["'self'", 'blob:', 'data:'],
		'font-src': ["'self'"],
		'connect-src': ["'self'"],
		'worker-src': ["'self'"],
		'manifest-src': ["'self'"],
		'object-src': ["'none'"],
		'base-uri': ["'self'"],
		'form-action': ["'self'"],
		'frame-ancestors': ["'none'"],
	};
}

const INLINE_SCRIPT_RE = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/** The `'sha256-…'` CSP sources of the inline scripts in `html`, as the browser hashes them. */
export function inlineScriptHashes(html: string): string[] {
	return [...html.matchAll(INLINE_SCRIPT_RE)].map(
		(m) =>
			`'sha256-${createHash('sha256')
				.update(m[1] ?? '', 'utf8')
				.digest('base64')}'`,
	);
}

/** The hashes of the inline scripts of every .html page in the built app (its top folder and below). */
export async function builtScriptHashes(staticDir: string): Promise<string[]> {
	const entries = await readdir(staticDir, { recursive: true, withFileTypes: true });
	const hashes = new Set<string>();
	for (const entry of entries) {
		if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
		const html = await readFile(path.join(entry.parentPath, entry.name), 'utf8');
		for (const hash of inlineScriptHashes(html)) hashes.add(hash);
	}
	return [...hashes].sort();
}

export async function securityHeaders(app: FastifyInstance, scriptHashes: readonly string[]): Promise<void> {
	await app.register(fastifyHelmet, {
		contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(scriptHashes) },
		frameguard: { action: 'deny' },
		referrerPolicy: { policy: 'no-referrer' },
		// Set below, and only over https.
		strictTransportSecurity: false,
	});
	app.addHook('onRequest', async (request, reply) => {
		reply.header('permissions-policy', PERMISSIONS_POLICY);
		// `request.protocol` reads X-Forwarded-Proto only from a proxy trusted by TRUST_PROXY.
		if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
	});
}
