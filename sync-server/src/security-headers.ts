/**
 * Browser hardening headers on every answer, set with `@fastify/helmet`: a Content-Security-Policy
 * the built app passes without violations, no framing, no referrer, a Permissions-Policy that
 * leaves only the camera (photos) to the app, and HSTS only on requests that came over https.
 *
 * The build ships two kinds of inline code the policy must let through, and nothing else inline
 * is allowed: SvelteKit's pages (the prerendered root and the `200.html` SPA fallback) start the
 * app with one inline bootstrap script, and Kit's route announcer is a `<div>` with a static
 * `style` attribute (it hides the div visually). When the server starts, it hashes exactly those
 * from the build it serves: the inline scripts go into `script-src` as `'sha256-…'`, the static
 * style attributes into `style-src` with `'unsafe-hashes'` (which allows attributes with exactly
 * those values; never `'unsafe-inline'`).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import helmet from 'helmet';
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

/** The `'sha256-…'` sources the build needs: its pages' inline scripts and its static style attributes. */
export type BuiltHashes = { scripts: string[]; styleAttributes: string[] };

/** The policy's directives for a build with these inline hashes. */
export function cspDirectives(hashes: BuiltHashes): Record<string, string[]> {
	return {
		'default-src': ["'self'"],
		'script-src': ["'self'", ...hashes.scripts],
		// Component styles are built into .css files; only the build's own static style attributes pass.
		'style-src': ["'self'", ...(hashes.styleAttributes.length ? ["'unsafe-hashes'", ...hashes.styleAttributes] : [])],
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
// A static style attribute in a compiled template (`style="…"`, perhaps with the quotes escaped).
const STYLE_ATTRIBUTE_RE = /\sstyle=\\?"([^"\\]*)\\?"/g;

function cspHash(text: string): string {
	return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The CSP sources of the inline scripts in `html`, as the browser hashes them. */
export function inlineScriptHashes(html: string): string[] {
	return [...html.matchAll(INLINE_SCRIPT_RE)].map((m) => cspHash(m[1] ?? ''));
}

/** The CSP sources of the static style attributes in compiled code or html. */
export function styleAttributeHashes(code: string): string[] {
	return [...code.matchAll(STYLE_ATTRIBUTE_RE)].map((m) => cspHash(m[1] ?? ''));
}

/** The hashes of the built app: its .html pages' inline scripts, its pages' and .js files' style attributes. */
export async function builtHashes(staticDir: string): Promise<BuiltHashes> {
	const entries = await readdir(staticDir, { recursive: true, withFileTypes: true });
	const scripts = new Set<string>();
	const styleAttributes = new Set<string>();
	for (const entry of entries) {
		const isHtml = entry.name.endsWith('.html');
		if (!entry.isFile() || !(isHtml || entry.name.endsWith('.js'))) continue;
		const text = await readFile(path.join(entry.parentPath, entry.name), 'utf8');
		if (isHtml) for (const hash of inlineScriptHashes(text)) scripts.add(hash);
		for (const hash of styleAttributeHashes(text)) styleAttributes.add(hash);
	}
	return { scripts: [...scripts].sort(), styleAttributes: [...styleAttributes].sort() };
}

export function securityHeaders(app: FastifyInstance, hashes: BuiltHashes): void {
	// Helmet's middleware made once: `@fastify/helmet` builds it again for every request, parsing the
	// policy each time, which cost a few percent of a save's CPU (docs/benchmarks.md, durable push).
	const headers = helmet({
		contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(hashes) },
		frameguard: { action: 'deny' },
		referrerPolicy: { policy: 'no-referrer' },
		// Set below, and only over https.
		strictTransportSecurity: false,
	});
	app.addHook('onRequest', (request, reply, done) => {
		headers(request.raw, reply.raw, (err?: unknown) => {
			if (err) return done(err as Error);
			reply.header('permissions-policy', PERMISSIONS_POLICY);
			// `request.protocol` reads X-Forwarded-Proto only from a proxy trusted by TRUST_PROXY.
			if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
			done();
		});
	});
}
