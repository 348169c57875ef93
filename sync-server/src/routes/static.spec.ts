/**
 * The built app over the wire (issue 11, items 2 and 5), against the real production build
 * (made first when `build/` is missing or stale): files go out precompressed by the request's
 * Accept-Encoding, the sign-in page's JavaScript stays under 100 kB compressed, and a file the
 * build does not have is a CouchDB-shaped 404, never the app's HTML.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, ROOT, buildIfStale } from '../../../scripts/build-fresh.ts';
import { MIN_BYTES } from '../../../scripts/compress-build.ts';
import type { Harness } from '../test-harness.ts';
import { startServer } from '../test-harness.ts';
import { MISSING_FILE_REASON } from './static.ts';

/** The type the identity answer has: every encoding must say the same. */
const JS_TYPE = 'application/javascript; charset=utf-8';
/** What Chromium sends. */
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';
/** The budget of issue 11, item 2: the sign-in page's JavaScript over the wire. */
const FIRST_LOAD_JS_BUDGET = 100_000;

let h: Harness;

beforeAll(async () => {
	buildIfStale({ quiet: true });
	h = await startServer({ staticDir: BUILD_DIR });
}, 300_000);
afterAll(async () => {
	await h?.close();
});

function get(url: string, acceptEncoding?: string, headers: Record<string, string> = {}) {
	return h.call({
		method: 'GET',
		url,
		headers: { ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }), ...headers },
	});
}

function decoded(res: LightMyRequestResponse): Buffer {
	const encoding = res.headers['content-encoding'];
	// A plain view of the bytes: Node's Buffer type and TypeScript's lib disagree on `slice`.
	const raw = new Uint8Array(res.rawPayload.buffer, res.rawPayload.byteOffset, res.rawPayload.byteLength);
	if (encoding === 'br') return zlib.brotliDecompressSync(raw);
	if (encoding === 'gzip') return zlib.gunzipSync(raw);
	expect(encoding).toBeUndefined();
	return res.rawPayload;
}

function varies(res: LightMyRequestResponse): string[] {
	return String(res.headers.vary ?? '')
		.split(',')
		.map((v) => v.trim().toLowerCase());
}

/** The largest JavaScript file of the build's hashed files (surely worth compressing). */
async function largestChunk(): Promise<string> {
	const dir = path.join(BUILD_DIR, '_app/immutable/chunks');
	const names = (await readdir(dir)).filter((n) => n.endsWith('.js'));
	const sized = await Promise.all(names.map(async (n) => ({ n, size: (await stat(path.join(dir, n))).size })));
	sized.sort((a, b) => b.size - a.size);
	return `/_app/immutable/chunks/${sized[0]?.n}`;
}

describe('precompressed files', () => {
	it('sends brotli to a browser, gzip when only gzip is accepted, the file itself otherwise', async () => {
		const url = await largestChunk();
		const original = await readFile(path.join(BUILD_DIR, url));
		const cases: [string | undefined, string | undefined][] = [
			[BROWSER_ENCODINGS, 'br'],
			['br', 'br'],
			['gzip', 'gzip'],
			['br;q=0, gzip', 'gzip'],
			['identity', undefined],
			[undefined, undefined],
		];
		const etags = new Map<string | undefined, string>();
		for (const [accept, encoding] of cases) {
			const res = await get(url, accept);
			expect(res.statusCode, String(accept)).toBe(200);
			expect(res.headers['content-encoding'], String(accept)).toBe(encoding);
			expect(res.headers['content-type']).toBe(JS_TYPE);
			expect(varies(res)).toContain('accept-encoding');
			expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
			expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
			expect(decoded(res).equals(original)).toBe(true);
			if (encoding) expect(res.rawPayload.length).toBeLessThan(original.length / 2);
			etags.set(encoding, String(res.headers.etag));
		}
		// Each encoding is its own representation: caches must never swap them.
		expect(new Set(etags.values()).size).toBe(3);
		const again = await get(url, 'br', { 'if-none-match': etags.get('br') ?? '' });
		expect(again.statusCode).toBe(304);
		const other = await get(url, 'gzip', { 'if-none-match': etags.get('br') ?? '' });
		expect(other.statusCode).toBe(200);
		expect(other.headers['content-encoding']).toBe('gzip');
	});

	it('sends the app shell, the prerendered root and the service worker compressed, revalidated', async () => {
		const pages: [string, string, string][] = [
			['/rounds/some-deep-link', '200.html', 'text/html; charset=utf-8'],
			['/sign-in', '200.html', 'text/html; charset=utf-8'],
			['/', 'index.html', 'text/html; charset=utf-8'],
			['/service-worker.js', 'service-worker.js', JS_TYPE],
		];
		for (const [url, file, type] of pages) {
			const original = await readFile(path.join(BUILD_DIR, file));
			for (const [accept, encoding] of [
				[BROWSER_ENCODINGS, 'br'],
				['gzip', 'gzip'],
				[undefined, undefined],
			] as const) {
				const res = await get(url, accept);
				expect(res.statusCode, url).toBe(200);
				expect(res.headers['content-encoding'], `${url} ${accept}`).toBe(encoding);
				expect(res.headers['content-type'], url).toBe(type);
				expect(res.headers['cache-control'], url).toBe('no-cache');
				expect(varies(res), url).toContain('accept-encoding');
				expect(decoded(res).equals(original), url).toBe(true);
			}
		}
	});

	it('sends images as they are (already compressed), tiny files too', async () => {
		for (const url of ['/icon-512.png', '/_app/version.json']) {
			const res = await get(url, BROWSER_ENCODINGS);
			expect(res.statusCode, url).toBe(200);
			expect(res.headers['content-encoding'], url).toBeUndefined();
		}
	});
});

/** `_app/immutable/…` files of the sign-in page, from the build's Vite manifest (see below). */
async function signInScripts(shell: string): Promise<string[]> {
	type Chunk = { file: string; src?: string; imports?: string[]; dynamicImports?: string[] };
	const manifest = JSON.parse(
		await readFile(path.join(ROOT, '.svelte-kit/output/client/.vite/manifest.json'), 'utf8'),
	) as Record<string, Chunk>;
	const isNode = (key: string): boolean => /\/nodes\/\d+\.js$/.test(key) || key.endsWith('/error-template.js');
	// A route's node module names the component it shows.
	const nodeOf = async (component: string): Promise<string> => {
		for (const [key, chunk] of Object.entries(manifest)) {
			if (!isNode(key) || !chunk.src) continue;
			const source = await readFile(path.join(ROOT, chunk.src), 'utf8');
			if (source.includes(`/src/routes/${component}"`)) return key;
		}
		throw new Error(`no node shows ${component}`);
	};
	const byFile = new Map(Object.entries(manifest).map(([key, chunk]) => [`/${chunk.file}`, key]));
	// The shell's own scripts: its modulepreload links and the inline bootstrap's imports.
	const referenced = [...shell.matchAll(/(?:href="|import\(")(\/_app\/immutable\/[^"]+\.js)"/g)].map((m) => m[1]);
	const roots = referenced.map((url) => byFile.get(url ?? '') ?? '');
	expect(roots.every(Boolean), 'every script of the shell is in the manifest').toBe(true);
	// Kit starts with the root layout and the root error page (node 1, Kit's own), then the page.
	const errorPage = Object.keys(manifest).find((key) => key.endsWith('/nodes/1.js')) ?? '';
	roots.push(await nodeOf('+layout.svelte'), errorPage, await nodeOf('sign-in/+page.svelte'));
	// The update prompt imports workbox-window as soon as the page is there.
	const eager = Object.keys(manifest).filter((key) => key.includes('/workbox-window/'));
	expect(eager).toHaveLength(1);
	roots.push(...eager);
	// And everything they import statically. What they import on demand is not loaded by a first
	// visit: other pages, the device's database code (after sign-in), the English catalogue.
	const seen = new Set<string>();
	const visit = (key: string): void => {
		if (seen.has(key)) return;
		seen.add(key);
		const chunk = manifest[key];
		if (!chunk) throw new Error(`${key} is not in the manifest`);
		for (const next of chunk.imports ?? []) visit(next);
	};
	for (const key of roots) visit(key);
	return [...seen].map((key) => `/${manifest[key]?.file}`).filter((file) => file.endsWith('.js'));
}

describe('the first visit', () => {
	it('moves under 100 kB of JavaScript to show the sign-in page', async () => {
		const shell = await get('/sign-in', BROWSER_ENCODINGS);
		expect(shell.statusCode).toBe(200);
		const scripts = await signInScripts(decoded(shell).toString('utf8'));
		expect(scripts.length).toBeGreaterThan(5);
		let wire = 0;
		let plain = 0;
		for (const url of scripts) {
			const res = await get(url, BROWSER_ENCODINGS);
			expect(res.statusCode, url).toBe(200);
			const body = decoded(res);
			expect(res.headers['content-encoding'], url).toBe(body.length < MIN_BYTES ? undefined : 'br');
			wire += res.rawPayload.length;
			plain += body.length;
		}
		const figures = `${scripts.length} files, ${wire} B over the wire, ${plain} B unpacked`;
		expect(wire, figures).toBeLessThan(FIRST_LOAD_JS_BUDGET);
		expect(wire, figures).toBeLessThan(plain / 2);
	});
});

describe('files the build does not have', () => {
	it('are a CouchDB-shaped 404, never the app shell', async () => {
		const missing = [
			'/_app/immutable/chunks/OldChunk1.js',
			'/_app/immutable/nodes/21.OldHash.js',
			'/_app/immutable/assets/0.OldHash.css',
			'/_app/immutable/entry/start.OldHash.js',
			'/_app/something-else',
			'/favicon.ico',
			'/old-icon.png',
			'/manifest.json',
			'/rounds/x/leftover.js',
		];
		for (const url of missing) {
			for (const method of ['GET', 'HEAD'] as const) {
				const res = await h.call({ method, url, headers: { 'accept-encoding': BROWSER_ENCODINGS } });
				expect(res.statusCode, `${method} ${url}`).toBe(404);
				expect(res.headers['content-type'], url).toMatch(/^application\/json/);
				expect(res.headers['cache-control'], url).toBe('no-cache');
				if (method === 'GET') expect(res.json()).toEqual({ error: 'not_found', reason: MISSING_FILE_REASON });
			}
		}
	});

	it('leaves pages of the app to the shell, dots in their ids included', async () => {
		const shell = await readFile(path.join(BUILD_DIR, '200.html'));
		for (const url of [
			'/sign-in',
			'/rounds/round:019a0000-0000-7000-8000-000000000000',
			'/templates/template%3Afysisk.v2',
			'/rounds?filter=a.js',
		]) {
			const res = await get(url);
			expect(res.statusCode, url).toBe(200);
			expect(res.rawPayload.equals(shell), url).toBe(true);
		}
	});
});
