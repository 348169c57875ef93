/**
 * Blob store in CouchDB, for the scale-out mode: several stateless sync servers share one
 * CouchDB, so a photo uploaded through one server must be readable through any other (a local
 * folder per server would break that).
 *
 * Layout: ONE database `<prefix>blobs` (never a scope name, like `<prefix>auth`), one document
 * `<scope>:<sha256>` per blob with the bytes as its attachment `bytes`. Why a separate database
 * and not the scope's own: blob documents then never appear in a scope's `_changes` feed to
 * devices and can never be reached through `_bulk_docs` or `_all_docs`, by construction and
 * without a filter to forget; and migrating or replicating scope databases stays a plain copy of
 * JSON. Why one database and not one per scope: thousands of units would otherwise double the
 * number of CouchDB databases (shards, file handles) for data that is only ever read by key.
 * Isolation per scope is the key prefix, built here from a checked scope name and digest.
 *
 * It never checks access, hashes or types (the route does), and never puts the CouchDB URL or
 * credentials into an error (failures are AppError `server` with a fixed reason).
 */
import { AppError, SHA256_RE, isScope } from '../../../src/lib/domain/index.ts';
import { parseCouchUrl, type CouchEndpoint } from '../store/couch-store.ts';
import type { BlobInfo, BlobStore, BlobUsage } from './blob-store.ts';

/** The database (after the prefix) that holds every blob; never a scope name. */
export const BLOBS_DB = 'blobs';
const ATTACHMENT = 'bytes';
/** What a caller (and so a device) hears when CouchDB fails: nothing about where it is. */
const UNAVAILABLE = (): AppError => new AppError('server', 'blob storage is unavailable');

export type CouchBlobStoreOptions = { url: string; prefix: string; fetch?: typeof fetch; requestTimeoutMs?: number };

export class CouchBlobStore implements BlobStore {
	readonly #endpoint: CouchEndpoint;
	readonly #db: string;
	readonly #fetch: typeof fetch;
	readonly #timeoutMs: number;
	#created: Promise<void> | undefined;

	constructor(opts: CouchBlobStoreOptions) {
		this.#endpoint = parseCouchUrl(opts.url);
		this.#db = encodeURIComponent(`${opts.prefix}${BLOBS_DB}`);
		this.#fetch = opts.fetch ?? fetch;
		this.#timeoutMs = opts.requestTimeoutMs ?? 60_000;
	}

	/** The document path of a blob: both names are checked again, as key and path safety. */
	#doc(scope: string, sha256: string): string {
		if (!isScope(scope) || !SHA256_RE.test(sha256)) throw new Error('bad blob address');
		return `/${this.#db}/${encodeURIComponent(`${scope}:${sha256}`)}`;
	}

	async #send(method: string, path: string, body?: Uint8Array): Promise<Response> {
		const headers: Record<string, string> = {};
		if (this.#endpoint.authorization) headers.authorization = this.#endpoint.authorization;
		if (body) headers['content-type'] = 'application/octet-stream';
		let res: Response;
		try {
			res = await this.#fetch(this.#endpoint.base + path, {
				method,
				headers,
				// Bytes from a request body: never a SharedArrayBuffer.
				...(body ? { body: body as Uint8Array<ArrayBuffer> } : {}),
				signal: AbortSignal.timeout(this.#timeoutMs),
			});
		} catch {
			throw UNAVAILABLE();
		}
		if (res.status >= 500 || res.status === 401 || res.status === 403) {
			await res.body?.cancel();
			throw UNAVAILABLE();
		}
		return res;
	}

	/** Create the blobs database once per process (412: another server made it first). */
	#ensure(): Promise<void> {
		this.#created ??= (async () => {
			const res = await this.#send('PUT', `/${this.#db}`);
			await res.body?.cancel();
			if (res.status !== 201 && res.status !== 202 && res.status !== 412) {
				throw UNAVAILABLE();
			}
		})().catch((err: unknown) => {
			this.#created = undefined;
			throw err;
		});
		return this.#created;
	}

	async stat(scope: string, sha256: string): Promise<BlobInfo | undefined> {
		const path = this.#doc(scope, sha256);
		await this.#ensure();
		const res = await this.#send('GET', path);
		if (res.status === 404) {
			await res.body?.cancel();
			return undefined;
		}
		const doc = (await res.json()) as { _attachments?: Record<string, { length?: number }> };
		const length = doc._attachments?.[ATTACHMENT]?.length;
		return typeof length === 'number' ? { size: length } : undefined;
	}

	async get(scope: string, sha256: string): Promise<Buffer | undefined> {
		const path = `${this.#doc(scope, sha256)}/${ATTACHMENT}`;
		await this.#ensure();
		const res = await this.#send('GET', path);
		if (res.status === 404) {
			await res.body?.cancel();
			return undefined;
		}
		return Buffer.from(await res.arrayBuffer());
	}

	async put(scope: string, sha256: string, bytes: Uint8Array): Promise<{ created: boolean }> {
		const path = `${this.#doc(scope, sha256)}/${ATTACHMENT}`;
		await this.#ensure();
		// No `rev`: CouchDB creates the document with the attachment, or answers 409 when the
		// document exists. Content-addressed, so an existing one holds these very bytes (another
		// server, or an earlier upload whose answer was lost): nothing to do.
		const res = await this.#send('PUT', path, bytes);
		await res.body?.cancel();
		if (res.status === 201 || res.status === 202) return { created: true };
		if (res.status === 409) return { created: false };
		throw UNAVAILABLE();
	}

	async usage(scope: string): Promise<BlobUsage> {
		if (!isScope(scope)) throw new Error('bad blob address');
		await this.#ensure();
		// The scope's documents are one key range (`<scope>:<sha256>`); a scope name never holds `:`.
		const range = new URLSearchParams({
			startkey: JSON.stringify(`${scope}:`),
			endkey: JSON.stringify(`${scope}:\ufff0`),
			include_docs: 'true',
		});
		const res = await this.#send('GET', `/${this.#db}/_all_docs?${range.toString()}`);
		if (res.status !== 200) {
			await res.body?.cancel();
			throw UNAVAILABLE();
		}
		const body = (await res.json()) as {
			rows?: { id?: string; doc?: { _attachments?: Record<string, { length?: number }> } }[];
		};
		const usage = { count: 0, bytes: 0 };
		for (const row of body.rows ?? []) {
			// Collation is CouchDB's (ICU), not by code point: keep the range to its exact prefix.
			if (!row.id?.startsWith(`${scope}:`)) continue;
			const length = row.doc?._attachments?.[ATTACHMENT]?.length;
			if (typeof length !== 'number') continue;
			usage.count++;
			usage.bytes += length;
		}
		return usage;
	}
}
