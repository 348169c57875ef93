/**
 * A crash while a photo is written leaves a temporary file beside the blobs; the next start
 * removes it, and only it: stored blobs and anything else in the folder stay as they were.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, tempDir } from '../test-harness.ts';
import { FsBlobStore } from './fs-blob-store.ts';

let dir: string;
beforeEach(async () => {
	dir = await tempDir('trygg-blobs-');
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

function photo(): { bytes: Uint8Array; sha: string } {
	const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(512)]);
	return { bytes, sha: createHash('sha256').update(bytes).digest('hex') };
}

describe('temporary photo files left by a crash', () => {
	it('are gone after the server starts; stored blobs are untouched', async () => {
		const store = new FsBlobStore({ dataDir: dir });
		const kept = photo();
		await store.put('unit-a1', kept.sha, kept.bytes);
		const a1 = path.join(dir, 'blobs', 'unit-a1');
		const b1 = path.join(dir, 'blobs', 'unit-b1');
		await mkdir(b1, { recursive: true });
		// As `put` names them, cut short before the rename.
		await writeFile(path.join(a1, `.tmp-${kept.sha.slice(0, 16)}-0a1b2c3d4e5f`), kept.bytes.slice(0, 100));
		await writeFile(path.join(b1, '.tmp-0123456789abcdef-ffffffffffff'), 'half a photo');
		await writeFile(path.join(b1, 'notes.txt'), 'not ours to remove');

		const h = await startServer({}, dir);
		try {
			expect((await readdir(a1)).sort()).toEqual([kept.sha]);
			expect((await readdir(b1)).sort()).toEqual(['notes.txt']);
			expect(Buffer.from(await readFile(path.join(a1, kept.sha))).equals(Buffer.from(kept.bytes))).toBe(true);
			const res = await h.call({ url: `/db/unit-a1/_blobs/${kept.sha}`, cookie: await h.signIn('chef') });
			expect(res.statusCode).toBe(200);
			expect(res.rawPayload.equals(Buffer.from(kept.bytes))).toBe(true);
		} finally {
			await h.close();
		}
	});

	it('counts what it removed, and finds nothing on a fresh folder', async () => {
		const store = new FsBlobStore({ dataDir: dir });
		expect(await store.removeTemporaryFiles()).toBe(0);
		await mkdir(path.join(dir, 'blobs', 'user-chef'), { recursive: true });
		await writeFile(path.join(dir, 'blobs', 'user-chef', '.tmp-aaaaaaaaaaaaaaaa-bbbbbbbbbbbb'), '');
		expect(await store.removeTemporaryFiles()).toBe(1);
		expect(await readdir(path.join(dir, 'blobs', 'user-chef'))).toEqual([]);
	});
});
