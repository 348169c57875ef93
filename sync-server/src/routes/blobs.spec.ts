/**
 * The blob routes against the real server (embedded store, temp folder, no port).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MAX_PHOTO_BYTES } from '../../../src/lib/domain/index.ts';
import { buildApp } from '../app.ts';

let dir: string;
let app: FastifyInstance;

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-blobs-'));
	app = await buildApp({ dataDir: dir, sessionSecret: 'test-secret-test-secret-test-secret', seedDemo: true });
});

afterEach(async () => {
	await app.close();
	await rm(dir, { recursive: true, force: true });
});

const sha = (bytes: Buffer): string =>
	createHash('sha256')
		.update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
		.digest('hex');
const concat = (head: Uint8Array, tail: Uint8Array): Buffer => {
	const out = new Uint8Array(head.length + tail.length);
	out.set(head);
	out.set(tail, head.length);
	return Buffer.from(out.buffer);
};
/** Bytes that start like a JPEG (the server sniffs, it never decodes). */
const jpeg = (size = 2048): Buffer =>
	concat(new Uint8Array([0xff, 0xd8, 0xff, 0xdb]), new Uint8Array(randomBytes(size - 4)));
const png = (): Buffer =>
	concat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), new Uint8Array(randomBytes(100)));

async function cookieOf(name: string): Promise<string> {
	const res = await app.inject({
		method: 'POST',
		url: '/db/_session',
		payload: { name, password: 'trygg-demo' },
	});
	expect(res.statusCode).toBe(200);
	return String(res.headers['set-cookie']).split(';')[0] ?? '';
}

function put(cookie: string, scope: string, hash: string, body: Buffer, type = 'image/jpeg') {
	return app.inject({
		method: 'PUT',
		url: `/db/${scope}/_blobs/${hash}`,
		headers: { cookie, 'content-type': type },
		payload: body,
	});
}

function get(cookie: string, scope: string, hash: string, method: 'GET' | 'HEAD' = 'GET') {
	return app.inject({ method, url: `/db/${scope}/_blobs/${hash}`, headers: { cookie } });
}

async function storedFiles(scope: string): Promise<string[]> {
	return readdir(join(dir, 'blobs', scope)).catch(() => []);
}

describe('PUT /db/:scope/_blobs/:sha256', () => {
	it('stores an image under its hash once; a second upload of the same bytes is a harmless 200', async () => {
		const chef = await cookieOf('chef');
		const bytes = jpeg();
		const first = await put(chef, 'unit-a1', sha(bytes), bytes);
		expect(first.statusCode).toBe(201);
		expect(first.json()).toEqual({ ok: true, id: sha(bytes), size: bytes.length });
		const again = await put(chef, 'unit-a1', sha(bytes), bytes);
		expect(again.statusCode).toBe(200);
		expect(await storedFiles('unit-a1')).toEqual([sha(bytes)]);
	});

	it('refuses bytes whose hash is not the one in the URL, and stores nothing', async () => {
		const chef = await cookieOf('chef');
		const bytes = jpeg();
		const res = await put(chef, 'unit-a1', sha(jpeg()), bytes);
		expect(res.statusCode).toBe(400);
		expect(res.json()).toEqual({ error: 'bad_request', reason: 'The bytes do not match the SHA-256 in the URL.' });
		expect(await storedFiles('unit-a1')).toEqual([]);
	});

	it('refuses what is not a JPEG, PNG or WebP by its bytes, whatever type it claims', async () => {
		const chef = await cookieOf('chef');
		for (const bytes of [
			Buffer.from('%PDF-1.7\n% not a photo'),
			Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
			Buffer.from('GIF89a\x01\x00\x01\x00'),
		]) {
			const res = await put(chef, 'unit-a1', sha(bytes), bytes, 'image/jpeg');
			expect(res.statusCode).toBe(415);
			expect(res.json()).toMatchObject({ error: 'unsupported_media' });
		}
		expect(await storedFiles('unit-a1')).toEqual([]);
	});

	it('answers 413 too_large beyond the size limit', async () => {
		const chef = await cookieOf('chef');
		const bytes = jpeg(MAX_PHOTO_BYTES + 1);
		const res = await put(chef, 'unit-a1', sha(bytes), bytes);
		expect(res.statusCode).toBe(413);
		expect(res.json()).toMatchObject({ error: 'too_large' });
		const limit = jpeg(MAX_PHOTO_BYTES);
		expect((await put(chef, 'unit-a1', sha(limit), limit)).statusCode).toBe(201);
	});

	it('refuses other units, read-only grants, the signed-out and bad names', async () => {
		const bytes = jpeg();
		const hash = sha(bytes);
		const chef2 = await cookieOf('chef2');
		const staff = await cookieOf('medarbetare');
		expect((await put(chef2, 'unit-a1', hash, bytes)).statusCode).toBe(403);
		expect((await put(staff, 'unit-a1', hash, bytes)).statusCode).toBe(403);
		// The org scope is readable, not writable, by a manager.
		expect((await put(await cookieOf('chef'), 'org', hash, bytes)).statusCode).toBe(403);
		expect((await put('', 'unit-a1', hash, bytes)).statusCode).toBe(401);
		const chef = await cookieOf('chef');
		expect((await put(chef, 'unit-a1', hash.toUpperCase(), bytes)).statusCode).toBe(400);
		expect((await put(chef, 'unit-a1', '..%2F..%2Fauth', bytes)).statusCode).toBe(400);
		expect((await put(chef, 'Unit_A1', hash, bytes)).statusCode).toBe(404);
		expect(await storedFiles('unit-a1')).toEqual([]);
	});

	it('keeps blobs per scope: the same bytes in another unit are a separate blob', async () => {
		const bytes = jpeg();
		const hash = sha(bytes);
		expect((await put(await cookieOf('chef'), 'unit-a1', hash, bytes)).statusCode).toBe(201);
		const chef2 = await cookieOf('chef2');
		expect((await get(chef2, 'unit-b1', hash)).statusCode).toBe(404);
		expect((await put(chef2, 'unit-b1', hash, bytes)).statusCode).toBe(201);
	});
});

describe('GET and HEAD /db/:scope/_blobs/:sha256', () => {
	it('serve the bytes with their type to anyone who may read the scope, cacheable privately', async () => {
		const bytes = png();
		const hash = sha(bytes);
		expect((await put(await cookieOf('chef'), 'unit-a1', hash, bytes, 'application/octet-stream')).statusCode).toBe(
			201,
		);
		const rep = await cookieOf('skyddsombud');
		const res = await get(rep, 'unit-a1', hash);
		expect(res.statusCode).toBe(200);
		expect(res.rawPayload.equals(bytes)).toBe(true);
		expect(res.headers['content-type']).toBe('image/png');
		expect(res.headers['x-content-type-options']).toBe('nosniff');
		// The blob's own sandbox policy, not the app's (helmet sets the app's on every answer first).
		expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
		expect(res.headers['cache-control']).toBe('private, max-age=31536000, immutable');
		expect(sha(res.rawPayload)).toBe(hash);

		const head = await get(rep, 'unit-a1', hash, 'HEAD');
		expect(head.statusCode).toBe(200);
		expect(head.headers['content-type']).toBe('image/png');
		expect(Number(head.headers['content-length'])).toBe(bytes.length);
		expect(head.rawPayload.length).toBe(0);
	});

	it('refuses another unit (403) and says 404 for a missing blob, neither cacheable', async () => {
		const bytes = jpeg();
		const hash = sha(bytes);
		await put(await cookieOf('chef'), 'unit-a1', hash, bytes);
		for (const name of ['chef2', 'medarbetare']) {
			const cookie = await cookieOf(name);
			const res = await get(cookie, 'unit-a1', hash);
			expect(res.statusCode).toBe(403);
			expect(res.json()).toMatchObject({ error: 'forbidden' });
			expect(res.headers['cache-control']).toBe('no-store');
			expect((await get(cookie, 'unit-a1', hash, 'HEAD')).statusCode).toBe(403);
		}
		const missing = await get(await cookieOf('skyddsombud'), 'unit-a1', sha(jpeg()));
		expect(missing.statusCode).toBe(404);
		expect(missing.headers['cache-control']).toBe('no-store');
		expect((await get('', 'unit-a1', hash)).statusCode).toBe(401);
	});
});
