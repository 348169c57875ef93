/**
 * Photos as content-addressed blobs (architecture §8): the reference a document holds, the
 * limits, and the magic-byte sniffing that device and server share. Pure: it never decodes
 * an image and never trusts a declared content type or file name.
 */
import { z } from './zod.ts';

/** Types a stored photo may have. The device always uploads JPEG; PNG and WebP are accepted too. */
export const PHOTO_MIMES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoMime = (typeof PHOTO_MIMES)[number];

/** Largest blob the server takes (a 1600 px JPEG at quality 0.8 is typically 0.2–0.8 MB). */
export const MAX_PHOTO_BYTES = 4 * 1024 * 1024;
/** Largest file the device tries to decode (a camera original), so a huge file fails fast. */
export const MAX_SOURCE_BYTES = 40 * 1024 * 1024;
/** Longest side of a stored photo, in pixels. */
export const MAX_PHOTO_SIDE = 1600;
/** Photos per document. */
export const MAX_PHOTOS_PER_DOC = 20;

export const SHA256_RE = /^[0-9a-f]{64}$/;

/** What a document holds for one photo: the bytes live elsewhere, addressed by their hash. */
export const photoRefSchema = z.strictObject({
	sha256: z.string().check(z.regex(SHA256_RE, 'not a SHA-256 hex digest')),
	size: z.number().check(z.int(), z.gte(1), z.lte(MAX_PHOTO_BYTES)),
	mime: z.enum(PHOTO_MIMES),
	width: z.optional(z.number().check(z.int(), z.gte(1), z.lte(MAX_PHOTO_SIDE))),
	height: z.optional(z.number().check(z.int(), z.gte(1), z.lte(MAX_PHOTO_SIDE))),
});
export type PhotoRef = z.infer<typeof photoRefSchema>;

/** Image kinds the sniffer recognises; only PHOTO_MIMES may be stored. */
export type SniffedImage = PhotoMime | 'image/gif' | 'image/bmp' | 'image/heic' | 'image/avif';

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
	if (bytes.length < at + sig.length) return false;
	return sig.every((b, i) => bytes[at + i] === b);
}

function ascii(text: string): number[] {
	return [...text].map((c) => c.charCodeAt(0));
}

/**
 * The image type of some bytes by their signature (the first 16 bytes suffice), or null.
 * @example sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])) // 'image/jpeg'
 * @example sniffImage(new TextEncoder().encode('%PDF-1.7')) // null
 */
export function sniffImage(bytes: Uint8Array): SniffedImage | null {
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
	if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
	if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
	if (startsWith(bytes, ascii('BM')) && bytes.length >= 14) return 'image/bmp';
	// ISO base media: `ftyp` at offset 4, then the major brand.
	if (startsWith(bytes, ascii('ftyp'), 4)) {
		const brand = String.fromCharCode(...bytes.slice(8, 12));
		if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'image/heic';
		if (brand === 'avif' || brand === 'avis') return 'image/avif';
	}
	return null;
}

/**
 * The storable photo type of some bytes, or null when they are not JPEG, PNG or WebP.
 * @example photoMimeOf(pngBytes) // 'image/png'
 */
export function photoMimeOf(bytes: Uint8Array): PhotoMime | null {
	const kind = sniffImage(bytes);
	return (PHOTO_MIMES as readonly string[]).includes(kind ?? '') ? (kind as PhotoMime) : null;
}

/**
 * Width and height that fit within `max` on the long side, keeping the aspect ratio; never enlarges.
 * @example fitWithin(3000, 2000, 1600) // { width: 1600, height: 1067 }
 */
export function fitWithin(width: number, height: number, max = MAX_PHOTO_SIDE): { width: number; height: number } {
	const long = Math.max(width, height);
	if (long <= max) return { width, height };
	const scale = max / long;
	return {
		width: Math.max(1, Math.round(width * scale)),
		height: Math.max(1, Math.round(height * scale)),
	};
}

/**
 * Lowercase hex SHA-256 of some bytes: the name a photo is stored, uploaded and found under.
 * WebCrypto, so the same function runs on the device (secure context) and in Node.
 * @example await sha256Hex(new TextEncoder().encode('abc')) // 'ba7816bf…15ad'
 */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes);
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
