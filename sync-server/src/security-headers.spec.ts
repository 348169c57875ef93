/**
 * Browser hardening headers: the CSP allows the built pages' own inline bootstrap by hash and
 * nothing inline else, framing is refused, and HSTS is sent only when the request came over
 * https, as told by a proxy trusted through TRUST_PROXY.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HSTS, builtHashes, inlineScriptHashes, styleAttributeHashes } from './security-headers.ts';
import type { Harness } from './test-harness.ts';
import { startServer } from './test-harness.ts';

const BOOT = '\n\t\t\t\t{ import("/_app/immutable/entry/start.js"); }\n\t\t\t';
const bootHash = `'sha256-${createHash('sha256').update(BOOT).digest('base64')}'`;
const HIDDEN = 'position: absolute; width: 1px; height: 1px';
const hiddenHash = `'sha256-${createHash('sha256').update(HIDDEN).digest('base64')}'`;
// A compiled Svelte template as Kit's announcer has it, in a .js chunk.
const CHUNK = `var t = from_html(\`<div id="svelte-announcer" aria-live="assertive" style="${HIDDEN}"><!></div>\`);`;
const PAGE = `<!doctype html><html><head><script type="module" src="/_app/x.js"></script></head><body><div><script>${BOOT}</script></div></body></html>`;

let staticDir: string;
let h: Harness | undefined;

beforeAll(async () => {
	staticDir = await mkdtemp(path.join(tmpdir(), 'trygg-static-'));
	await writeFile(path.join(staticDir, '200.html'), PAGE);
	await writeFile(path.join(staticDir, 'index.html'), PAGE);
	await mkdir(path.join(staticDir, 'about'));
	await writeFile(path.join(staticDir, 'about', 'index.html'), '<script>other()</script>');
	await mkdir(path.join(staticDir, '_app', 'immutable', 'chunks'), { recursive: true });
	await writeFile(path.join(staticDir, '_app', 'immutable', 'chunks', 'a.js'), CHUNK);
});
afterAll(async () => {
	await rm(staticDir, { recursive: true, force: true });
});
afterEach(async () => {
	await h?.close();
	h = undefined;
});

/** The CSP header as a map of directive → sources. */
function csp(header: unknown): Map<string, string[]> {
	return new Map(
		String(header)
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((parts) => parts[0])
			.map(([name, ...sources]) => [name ?? '', sources]),
	);
}

describe('inline script hashes', () => {
	it('hashes the text of inline scripts exactly and skips scripts with src', () => {
		expect(inlineScriptHashes(PAGE)).toEqual([bootHash]);
	});

	it('hashes static style attributes, with or without escaped quotes', () => {
		expect(styleAttributeHashes(CHUNK)).toEqual([hiddenHash]);
		expect(styleAttributeHashes(`"<div style=\\"${HIDDEN}\\"></div>"`)).toEqual([hiddenHash]);
	});

	it('collects every built page and chunk, below the top folder too, once each', async () => {
		const other = `'sha256-${createHash('sha256').update('other()').digest('base64')}'`;
		expect(await builtHashes(staticDir)).toEqual({ scripts: [bootHash, other].sort(), styleAttributes: [hiddenHash] });
	});
});

describe('security headers', () => {
	it("sends a CSP with the build's hashes and no 'unsafe-inline', on pages, API answers and refusals", async () => {
		h = await startServer({ staticDir });
		const page = await h.call({ method: 'GET', url: '/rounds/some-deep-link' });
		expect(page.statusCode).toBe(200);
		const api = await h.call({ method: 'GET', url: '/api/health' });
		const refused = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_bulk_docs',
			headers: { origin: 'https://evil.example' },
			payload: { docs: [] },
		});
		expect(refused.statusCode).toBe(403);
		for (const res of [page, api, refused]) {
			const policy = csp(res.headers['content-security-policy']);
			expect(policy.get('script-src')).toEqual(expect.arrayContaining(["'self'", bootHash]));
			expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
			expect(policy.get('object-src')).toEqual(["'none'"]);
			expect(policy.get('base-uri')).toEqual(["'self'"]);
			expect(policy.get('form-action')).toEqual(["'self'"]);
			expect(policy.get('img-src')).toEqual(["'self'", 'blob:', 'data:']);
			// The build's own static style attributes, by hash only.
			expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-hashes'", hiddenHash]);
			for (const name of ['connect-src', 'worker-src', 'manifest-src', 'default-src']) {
				expect(policy.get(name)).toEqual(["'self'"]);
			}
			expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-inline|unsafe-eval/);
			expect(res.headers['x-frame-options']).toBe('DENY');
			expect(res.headers['referrer-policy']).toBe('no-referrer');
			expect(res.headers['x-content-type-options']).toBe('nosniff');
			expect(res.headers['permissions-policy']).toMatch(/(^|, )camera=\(self\)(,|$)/);
			expect(res.headers['permissions-policy']).toMatch(/(^|, )microphone=\(\)(,|$)/);
			expect(res.headers['permissions-policy']).toMatch(/(^|, )geolocation=\(\)(,|$)/);
			expect(res.headers['strict-transport-security']).toBeUndefined();
		}
	});

	it('sends HSTS only when a proxy trusted by TRUST_PROXY says the request came over https', async () => {
		const overHttps = { method: 'GET', url: '/api/health', headers: { 'x-forwarded-proto': 'https' } } as const;

		h = await startServer({ staticDir });
		// Without TRUST_PROXY anyone could claim https: the header is ignored.
		expect((await h.call(overHttps)).headers['strict-transport-security']).toBeUndefined();
		await h.close();

		h = await startServer({ staticDir, trustProxy: ['127.0.0.1'] });
		expect((await h.call(overHttps)).headers['strict-transport-security']).toBe(HSTS);
		expect((await h.call({ ...overHttps, remoteAddress: '10.9.9.9' })).headers['strict-transport-security']).toBe(
			undefined,
		);
		const plain = await h.call({ method: 'GET', url: '/api/health', headers: { 'x-forwarded-proto': 'http' } });
		expect(plain.headers['strict-transport-security']).toBeUndefined();
		await h.close();

		h = await startServer({ staticDir, trustProxy: 1 });
		expect((await h.call(overHttps)).headers['strict-transport-security']).toBe(HSTS);
	});
});
