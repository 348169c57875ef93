/**
 * Photos of a round, an item's answer or a finding, for components: add (compress, hash, keep on
 * the device, reference in the document through the ordinary save path), remove, load for
 * viewing, and upload state.
 * A photo is shown from the device at once, offline too; blob sync uploads it later.
 * It never sends an original file anywhere: only the re-encoded JPEG is stored.
 */
import {
	AppError,
	MAX_PHOTOS_PER_DOC,
	MAX_SOURCE_BYTES,
	sha256Hex,
	type PhotoRef,
	type RoundDoc,
} from '../domain/index.ts';
import { liveBlobStates, storeLocalBlob, type BlobState } from '../db/blobs-repo.ts';
import { compressPhoto } from '../media/compress.ts';
import { t } from '../i18n/i18n.svelte.ts';
import { app } from './app-state.svelte.ts';
import { errorCode, messageFor, messageForRefused } from './errors.ts';
import { Live } from './live.svelte.ts';
import { perfMeasure, perfNow } from './perf.ts';

export type PhotoProblem = { name: string; message: string };

/** Where photos go: the scope their bytes belong to, the photos held now, and how to save a new list. */
export type PhotoTarget = {
	scope: string;
	photos: () => PhotoRef[];
	save: (photos: PhotoRef[]) => Promise<void>;
};

/** The round's own photos as a target. */
export function roundPhotoTarget(round: RoundDoc): PhotoTarget {
	return {
		scope: round.scope,
		photos: () => round.photos ?? [],
		save: async (photos) => {
			await app.save({ ...round, photos });
		},
	};
}
export type AddResult = { added: number; problems: PhotoProblem[] };

const MB = 1024 * 1024;

/** What went wrong with one chosen file, in words for the person who chose it. */
function problemMessage(err: unknown): string {
	if (errorCode(err) === 'too_large') return t('photos.tooLarge', { max: MAX_SOURCE_BYTES / MB });
	return messageFor(err);
}

/**
 * Add chosen files to a target: each is compressed and kept on the device, then the target is saved
 * once with the new references. Files that fail are reported by name and do not stop the others.
 * @example const { added, problems } = await addPhotos(roundPhotoTarget(round), [...input.files], (done, total) => …)
 */
export async function addPhotos(
	target: PhotoTarget,
	files: File[],
	onProgress: (done: number, total: number) => void = () => undefined,
): Promise<AddResult> {
	const db = app.db;
	if (!db) throw new AppError('unauthorized', 'not signed in');
	const photos: PhotoRef[] = [...target.photos()];
	const problems: PhotoProblem[] = [];
	let added = 0;
	for (const [index, file] of files.entries()) {
		onProgress(index, files.length);
		if (photos.length >= MAX_PHOTOS_PER_DOC) {
			problems.push({ name: file.name, message: t('photos.limit', { max: MAX_PHOTOS_PER_DOC }) });
			continue;
		}
		try {
			const started = perfNow();
			const photo = await compressPhoto(file);
			perfMeasure('trygg:compress', started);
			const bytes = new Uint8Array(await photo.blob.arrayBuffer());
			const sha256 = await sha256Hex(bytes);
			if (photos.some((p) => p.sha256 === sha256)) {
				problems.push({ name: file.name, message: t('photos.duplicate') });
				continue;
			}
			await storeLocalBlob(db, { sha256, scope: target.scope, mime: photo.mime, size: bytes.length, blob: photo.blob });
			photos.push({ sha256, size: bytes.length, mime: photo.mime, width: photo.width, height: photo.height });
			added++;
		} catch (err) {
			problems.push({ name: file.name, message: problemMessage(err) });
		}
	}
	onProgress(files.length, files.length);
	if (added > 0) {
		// Photos already there when the files were chosen may have changed meanwhile: keep them.
		const now = target.photos();
		const fresh = photos.filter((p) => !now.some((q) => q.sha256 === p.sha256));
		await target.save([...now, ...fresh].slice(0, MAX_PHOTOS_PER_DOC));
		app.blobSync?.kick();
	}
	return { added, problems };
}

/** Take a photo out of a target (its bytes stay on the server: content-addressed, maybe shared). */
export async function removePhoto(target: PhotoTarget, sha256: string): Promise<void> {
	await target.save(target.photos().filter((p) => p.sha256 !== sha256));
}

/** The bytes of a photo for viewing: from the device, else downloaded (and kept). */
export async function loadPhoto(scope: string, sha256: string, signal: AbortSignal, attempts?: number): Promise<Blob> {
	if (!app.blobSync) throw new AppError('unauthorized', 'not signed in');
	return app.blobSync.download(scope, sha256, signal, attempts);
}

/** Why a photo cannot be shown, in words. */
export function loadProblemMessage(err: unknown): string {
	if (errorCode(err) === 'not_found') return t('photos.notUploadedYet');
	return t('photos.unavailable', { message: messageFor(err) });
}

/** Live upload state of a round's photos that wait on this device (or were refused). */
export function livePhotoStates(shas: string[]): Live<BlobState[]> | null {
	return app.db ? new Live<BlobState[]>(liveBlobStates(app.db, shas), []) : null;
}

/** A short upload status for one photo, or null when there is nothing to say. */
export function uploadStatus(state: BlobState | undefined): string | null {
	if (!state || state.state !== 'pending') return null;
	if (state.error) return t('photos.uploadRefused', { message: messageForRefused(state.error) });
	return t('photos.notUploaded');
}
