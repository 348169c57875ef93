/**
 * Blob sync (architecture §8): uploads photos waiting on the device with
 * `PUT /db/{scope}/_blobs/{sha256}`, independent of document sync, and downloads a photo only
 * when someone looks at it, keeping it in Dexie. Network and server failures back off and
 * retry; 401 pauses until the next kick (the session is checked elsewhere); a refusal that
 * retrying cannot change (403, not an image, too large) is marked on the blob and not retried.
 * Downloaded bytes are hashed and must match their name. It never uploads a blob twice on purpose
 * (the server makes a repeat harmless anyway) and never drops a pending photo.
 */
import { AppError, photoMimeOf, sha256Hex } from '../domain/index.ts';
import type { TryggDb } from '../db/app-db.ts';
import { cacheRemoteBlob, getBlob, markBlobRefused, markBlobUploaded, pendingBlobs } from '../db/blobs-repo.ts';
import { errorFromResponse, type FetchLike } from './http.ts';
import { defaultBackoff, wait } from './backoff.ts';

export interface BlobSyncOptions {
	db: TryggDb;
	fetch: FetchLike;
	baseUrl?: string;
	/** Wait before retry number `attempt`; injectable so tests need not wait. */
	backoff?: (attempt: number) => number;
	/** Download attempts for one photo before giving up (it may not be uploaded yet). */
	downloadAttempts?: number;
}

/** Codes worth another try later; anything else about a blob will not change by retrying. */
const TRANSIENT = new Set(['network', 'server', 'rate_limited', 'not_found', 'conflict']);

export class BlobSync {
	readonly #o: Required<BlobSyncOptions>;
	#running = false;
	#wake: AbortController | undefined;
	#stopped = new AbortController();
	#loop: Promise<void> | undefined;

	constructor(options: BlobSyncOptions) {
		this.#o = { baseUrl: '', backoff: defaultBackoff, downloadAttempts: 6, ...options };
	}

	#url(scope: string, sha256: string): string {
		return `${this.#o.baseUrl}/db/${encodeURIComponent(scope)}/_blobs/${sha256}`;
	}

	async #call(url: string, init: RequestInit): Promise<Response> {
		try {
			return await this.#o.fetch(url, { credentials: 'same-origin', ...init });
		} catch (err) {
			if ((err as Error)?.name === 'AbortError') throw err;
			throw new AppError('network', 'the server could not be reached');
		}
	}

	/** Upload every pending photo once. Throws on a failure worth retrying, and on 401. */
	async uploadPending(): Promise<void> {
		for (const entry of await pendingBlobs(this.#o.db)) {
			const response = await this.#call(this.#url(entry.scope, entry.sha256), {
				method: 'PUT',
				headers: { 'content-type': entry.mime },
				body: entry.blob,
			});
			if (response.ok) {
				await markBlobUploaded(this.#o.db, entry.sha256, entry.scope);
				continue;
			}
			const err = await errorFromResponse(response);
			if (err.code === 'unauthorized' || TRANSIENT.has(err.code)) throw err;
			await markBlobRefused(this.#o.db, entry.sha256, { code: err.code, reason: err.message });
		}
	}

	/**
	 * The bytes of a photo: from the device if it has them, else from the server (then kept).
	 * Retries a missing photo (the other device may not have uploaded it yet) and network failures.
	 * @example const blob = await blobSync.download('unit-a1', ref.sha256, signal)
	 */
	async download(scope: string, sha256: string, signal: AbortSignal, attempts?: number): Promise<Blob> {
		const tries = attempts ?? this.#o.downloadAttempts;
		for (let attempt = 0; ; attempt++) {
			const local = await getBlob(this.#o.db, sha256);
			if (local) return local.blob;
			try {
				return await this.#fetchOnce(scope, sha256, signal);
			} catch (err) {
				const code = err instanceof AppError ? err.code : '';
				if (!TRANSIENT.has(code) || attempt + 1 >= tries) throw err;
				await wait(this.#o.backoff(attempt), signal);
				if (signal.aborted) throw new DOMException('aborted', 'AbortError');
			}
		}
	}

	async #fetchOnce(scope: string, sha256: string, signal: AbortSignal): Promise<Blob> {
		const response = await this.#call(this.#url(scope, sha256), { signal });
		if (!response.ok) throw await errorFromResponse(response);
		const bytes = new Uint8Array(await response.arrayBuffer());
		const mime = photoMimeOf(bytes);
		if (!mime) throw new AppError('unsupported_media', 'the server sent something that is not a photo');
		if ((await sha256Hex(bytes)) !== sha256) throw new AppError('invalid', 'the photo does not match its hash');
		const blob = new Blob([bytes], { type: mime });
		await cacheRemoteBlob(this.#o.db, { sha256, scope, mime, size: bytes.length, blob });
		return blob;
	}

	/** Start uploading: now, and again on every kick, with backoff after failures, until stop(). */
	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#stopped = new AbortController();
		this.#loop = this.#run();
	}

	/** A photo was added or the network came back: upload now instead of waiting. */
	kick(): void {
		this.#wake?.abort();
	}

	async stop(): Promise<void> {
		this.#running = false;
		this.#stopped.abort();
		this.#wake?.abort();
		await this.#loop?.catch(() => undefined);
	}

	async #run(): Promise<void> {
		let attempt = 0;
		while (this.#running) {
			this.#wake = new AbortController();
			const signal = AbortSignal.any([this.#wake.signal, this.#stopped.signal]);
			try {
				await this.uploadPending();
				attempt = 0;
				await wait(Number.POSITIVE_INFINITY, signal); // nothing to do until a kick
			} catch (err) {
				// Signed out on the server: wait for a kick (sign-in again, or the network returning).
				if (err instanceof AppError && err.code === 'unauthorized') await wait(Number.POSITIVE_INFINITY, signal);
				else await wait(this.#o.backoff(attempt++), signal);
			}
		}
	}
}
