import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDoc, newId } from './index.ts';
import { MAX_PHOTO_SIDE, fitWithin, photoMimeOf, photoRefSchema, sha256Hex, sniffImage } from './photo.ts';

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
	new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

const JPEG = bytes([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10], 'Exif');
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR');
const WEBP = bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ');
const HEIC = bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0]);

describe('sniffImage', () => {
	it('recognises the stored types by their signature', () => {
		expect(sniffImage(JPEG)).toBe('image/jpeg');
		expect(sniffImage(PNG)).toBe('image/png');
		expect(sniffImage(WEBP)).toBe('image/webp');
	});

	it('recognises other images, which the device converts but the server refuses', () => {
		expect(sniffImage(bytes('GIF89a', [1, 0, 1, 0]))).toBe('image/gif');
		expect(sniffImage(HEIC)).toBe('image/heic');
		expect(sniffImage(bytes([0, 0, 0, 0x1c], 'ftypavif'))).toBe('image/avif');
		expect(photoMimeOf(HEIC)).toBeNull();
		expect(photoMimeOf(bytes('GIF89a'))).toBeNull();
	});

	it('says null for documents, text, a RIFF that is not WebP and cut-off signatures', () => {
		expect(sniffImage(bytes('%PDF-1.7\n'))).toBeNull();
		expect(sniffImage(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
		expect(sniffImage(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '))).toBeNull();
		expect(sniffImage(bytes([0xff, 0xd8]))).toBeNull();
		expect(sniffImage(new Uint8Array())).toBeNull();
	});

	it('never throws and decides on the signature alone, whatever follows it', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
				const kind = sniffImage(tail);
				expect(kind === null || kind.startsWith('image/')).toBe(true);
				expect(photoMimeOf(new Uint8Array([...JPEG.slice(0, 3), ...tail]))).toBe('image/jpeg');
			}),
		);
	});
});

describe('fitWithin', () => {
	it('scales the long side down to the limit and keeps small photos as they are', () => {
		expect(fitWithin(3000, 2000)).toEqual({ width: 1600, height: 1067 });
		expect(fitWithin(2000, 3000)).toEqual({ width: 1067, height: 1600 });
		expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
	});

	it('never exceeds the limit, never enlarges, keeps the aspect ratio within a pixel', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }), (w, h) => {
				const out = fitWithin(w, h);
				expect(Math.max(out.width, out.height)).toBeLessThanOrEqual(MAX_PHOTO_SIDE);
				expect(out.width).toBeLessThanOrEqual(w);
				expect(out.height).toBeLessThanOrEqual(h);
				expect(out.width).toBeGreaterThanOrEqual(1);
				if (Math.max(w, h) > MAX_PHOTO_SIDE) {
					const long = Math.max(out.width, out.height);
					expect(long).toBe(MAX_PHOTO_SIDE);
					// The short side is the exact scaled length, rounded (and at least one pixel).
					const exact = (Math.min(w, h) * MAX_PHOTO_SIDE) / Math.max(w, h);
					expect(Math.abs(Math.min(out.width, out.height) - Math.max(1, exact))).toBeLessThanOrEqual(0.5);
				}
			}),
		);
	});
});

describe('photo references in a round', () => {
	const ref = { sha256: 'a'.repeat(64), size: 123_456, mime: 'image/jpeg', width: 1600, height: 1067 };
	const round = (photos: unknown) => ({
		_id: newId('round'),
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: '2026-11-23',
		status: 'planned',
		participants: [],
		createdBy: 'chef',
		createdAt: '2026-11-23T09:00:00.000Z',
		updatedAt: '2026-11-23T09:00:00.000Z',
		photos,
	});

	it('accepts hash, size and type, and refuses anything else', () => {
		expect(photoRefSchema.safeParse(ref).success).toBe(true);
		expect(checkDoc(round([ref]))).toMatchObject({ ok: true });
		expect(photoRefSchema.safeParse({ ...ref, sha256: 'A'.repeat(64) }).success).toBe(false);
		expect(photoRefSchema.safeParse({ ...ref, mime: 'image/svg+xml' }).success).toBe(false);
		expect(photoRefSchema.safeParse({ ...ref, url: 'https://x' }).success).toBe(false);
		expect(photoRefSchema.safeParse({ ...ref, width: 3000 }).success).toBe(false);
		expect(checkDoc(round(Array.from({ length: 21 }, () => ref)))).toMatchObject({ ok: false });
	});
});

describe('sha256Hex', () => {
	it('gives the standard digest in lowercase hex', async () => {
		expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
		);
		expect(await sha256Hex(new ArrayBuffer(0))).toBe(
			'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
		);
	});
});
