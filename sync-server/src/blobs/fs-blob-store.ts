/**
 * Blob store on the local file system: `<dataDir>/blobs/<scope>/<sha256>`. A write goes to a
 * temporary file in the same folder and is renamed into place, so a crash never leaves a
 * half-written blob under a hash name, and a reader never sees one; the temporary files a crash
 * leaves are removed at the next start (`removeTemporaryFiles`). It trusts its caller to pass a
 * valid scope name and a lowercase hex digest (both are checked again, as path safety).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SHA256_RE, isScope } from '../../../src/lib/domain/index.ts';
import type { BlobInfo, BlobStore, BlobUsage } from './blob-store.ts';

/** Names of temporary files while a blob is written; never a SHA-256 (those are hex only). */
const TEMP_PREFIX = '.tmp-';

export class FsBlobStore implements BlobStore {
	readonly #root: string;

	constructor(opts: { dataDir: string }) {
		this.#root = path.join(opts.dataDir, 'blobs');
	}

	#file(scope: string, sha256: string): string {
		// Both names end up in a path: refuse anything that could climb out of the folder.
		if (!isScope(scope) || !SHA256_RE.test(sha256)) throw new Error('bad blob address');
		return path.join(this.#root, scope, sha256);
	}

	async stat(scope: string, sha256: string): Promise<BlobInfo | undefined> {
		try {
			const s = await stat(this.#file(scope, sha256));
			return s.isFile() ? { size: s.size } : undefined;
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw err;
		}
	}

	async get(scope: string, sha256: string): Promise<Buffer | undefined> {
		try {
			return await readFile(this.#file(scope, sha256));
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw err;
		}
	}

	async put(scope: string, sha256: string, bytes: Uint8Array): Promise<{ created: boolean }> {
		const file = this.#file(scope, sha256);
		if (await this.stat(scope, sha256)) return { created: false };
		await mkdir(path.dirname(file), { recursive: true });
		const temp = path.join(
			path.dirname(file),
			`${TEMP_PREFIX}${sha256.slice(0, 16)}-${randomBytes(6).toString('hex')}`,
		);
		try {
			await writeFile(temp, bytes, { flag: 'wx', mode: 0o600 });
			// Two uploads of the same bytes may race here: both renames put identical content in place.
			await rename(temp, file);
		} catch (err) {
			await rm(temp, { force: true });
			throw err;
		}
		return { created: true };
	}

	async usage(scope: string): Promise<BlobUsage> {
		if (!isScope(scope)) throw new Error('bad blob address');
		const dir = path.join(this.#root, scope);
		let names: string[];
		try {
			names = await readdir(dir);
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { count: 0, bytes: 0 };
			throw err;
		}
		const usage = { count: 0, bytes: 0 };
		for (const name of names.filter((n) => SHA256_RE.test(n))) {
			const info = await this.stat(scope, name);
			if (!info) continue;
			usage.count++;
			usage.bytes += info.size;
		}
		return usage;
	}

	/**
	 * Remove the temporary files of writes a crash cut short. Only at start, before any upload:
	 * the data folder is this process's alone (the stores' locks say so), so no write is under way.
	 * Returns how many were removed.
	 */
	async removeTemporaryFiles(): Promise<number> {
		let removed = 0;
		let scopes: string[];
		try {
			scopes = await readdir(this.#root);
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
			throw err;
		}
		for (const scope of scopes.filter(isScope)) {
			const dir = path.join(this.#root, scope);
			const names = await readdir(dir).catch(() => [] as string[]);
			for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
				await rm(path.join(dir, name), { force: true });
				removed++;
			}
		}
		return removed;
	}
}
