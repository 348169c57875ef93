/**
 * Photo compression on the device (architecture §8): decode with the photo's own orientation,
 * scale the long side down to MAX_PHOTO_SIDE, re-encode as JPEG. Re-encoding from pixels writes
 * a fresh file with no EXIF block, so camera data and GPS position never leave the device.
 * It never uploads or stores anything, and never keeps the original.
 *
 * Why a few lines of canvas code and not browser-image-compression: the work is decode → draw →
 * encode on platform APIs (`createImageBitmap` applies the EXIF orientation itself); the library's
 * extras (its own EXIF parser, worker orchestration, iterative size search) are not needed here,
 * and our errors must be values from the shared vocabulary, which a wrapper would have to translate.
 */
import {
	AppError,
	MAX_PHOTO_BYTES,
	MAX_PHOTO_SIDE,
	MAX_SOURCE_BYTES,
	fitWithin,
	sniffImage,
	type PhotoMime,
} from '../domain/index.ts';

export type CompressedPhoto = { blob: Blob; width: number; height: number; mime: PhotoMime };

/** Qualities tried in turn until the photo fits under MAX_PHOTO_BYTES (the first almost always does). */
const QUALITIES = [0.8, 0.65, 0.5];
/** Larger decoded images would take hundreds of megabytes of memory on a phone. */
const MAX_SOURCE_PIXELS = 100_000_000;

type Surface = {
	context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
	encode: (quality: number) => Promise<Blob>;
};

function surface(width: number, height: number): Surface {
	if (typeof OffscreenCanvas !== 'undefined') {
		const canvas = new OffscreenCanvas(width, height);
		const context = canvas.getContext('2d');
		if (context) return { context, encode: (quality) => canvas.convertToBlob({ type: 'image/jpeg', quality }) };
	}
	const canvas = document.createElement('canvas');
	canvas.width = width;
	canvas.height = height;
	const context = canvas.getContext('2d');
	if (!context) throw new AppError('unreadable', 'no 2d canvas');
	return {
		context,
		encode: (quality) =>
			new Promise((resolve, reject) =>
				canvas.toBlob(
					(blob) => (blob ? resolve(blob) : reject(new AppError('unreadable', 'encoding failed'))),
					'image/jpeg',
					quality,
				),
			),
	};
}

/**
 * Make a photo ready to store: not an image → `unsupported_media`; too big to try → `too_large`;
 * an image the browser cannot decode (damaged, or e.g. HEIC outside Safari) → `unreadable`.
 * @example const { blob, width } = await compressPhoto(file) // JPEG, long side ≤ 1600, no EXIF
 */
export async function compressPhoto(file: Blob): Promise<CompressedPhoto> {
	const head = new Uint8Array(await file.slice(0, 32).arrayBuffer());
	// Decided by the bytes, not the name or declared type: a renamed text file is not an image.
	if (!sniffImage(head)) throw new AppError('unsupported_media', `not an image (${file.type || 'unknown type'})`);
	if (file.size > MAX_SOURCE_BYTES) throw new AppError('too_large', `${file.size} bytes`);

	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
	} catch {
		throw new AppError('unreadable', 'the browser could not decode the image');
	}
	try {
		if (bitmap.width * bitmap.height > MAX_SOURCE_PIXELS) throw new AppError('too_large', 'too many pixels');
		const { width, height } = fitWithin(bitmap.width, bitmap.height, MAX_PHOTO_SIDE);
		const { context, encode } = surface(width, height);
		// JPEG has no transparency: a transparent PNG gets white, not black, behind it.
		context.fillStyle = '#fff';
		context.fillRect(0, 0, width, height);
		context.imageSmoothingQuality = 'high';
		context.drawImage(bitmap, 0, 0, width, height);
		for (const quality of QUALITIES) {
			const blob = await encode(quality);
			if (blob.size <= MAX_PHOTO_BYTES) return { blob, width, height, mime: 'image/jpeg' };
		}
		throw new AppError('too_large', 'still too large after compression');
	} finally {
		bitmap.close();
	}
}
