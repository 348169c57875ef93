/**
 * The blob port: photo bytes, content-addressed per scope (architecture §8). Adapters store
 * bytes under their SHA-256; the same bytes in the same scope are stored once. It never checks
 * access, hashes or types: the route does that before anything reaches a store.
 */

export type BlobInfo = { size: number };

/** How many blobs one scope holds, and their bytes. */
export type BlobUsage = { count: number; bytes: number };

export interface BlobStore {
	/** Size of the stored blob, or undefined when this scope has no such blob. */
	stat(scope: string, sha256: string): Promise<BlobInfo | undefined>;
	/** The stored bytes, or undefined. */
	get(scope: string, sha256: string): Promise<Buffer | undefined>;
	/** Store bytes already verified to hash to `sha256`; `created` is false when they were there. */
	put(scope: string, sha256: string, bytes: Uint8Array): Promise<{ created: boolean }>;
	/**
	 * Every blob of `scope` counted: a pass over the scope's blobs, so only for seeding a counter
	 * once (quotas keep their own count after that), never per request.
	 */
	usage(scope: string): Promise<BlobUsage>;
}
