/**
 * Part of `npm run build`, after `vite build`: writes a brotli (`.br`, quality 11) and a gzip
 * (`.gz`, level 9) copy beside every compressible file of the build, so the server sends them
 * as they are (`@fastify/static` with `preCompressed`) and never compresses on a request.
 * Images are compressed already and tiny files gain nothing, so both are skipped; a copy that
 * is not smaller than its file is not written (the server then sends the file itself).
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Text formats the build holds (the web manifest included). */
export const COMPRESSIBLE = ['.js', '.mjs', '.css', '.html', '.json', '.svg', '.webmanifest', '.txt', '.xml', '.map'];
/** Below this a file fits in a packet or two, compressed or not. */
export const MIN_BYTES = 1024;

/** The encodings written, with their file suffix. */
export const ENCODINGS = { br: '.br', gzip: '.gz' } as const;

async function compressFile(file: string): Promise<number> {
	// A plain view of the bytes: Node's Buffer type and TypeScript's lib disagree on `slice`.
	const read = await readFile(file);
	const data = new Uint8Array(read.buffer, read.byteOffset, read.byteLength);
	if (data.length < MIN_BYTES) return 0;
	const [br, gz] = await Promise.all([
		brotli(data, {
			params: {
				[zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
				[zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
				[zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
			},
		}),
		gzip(data, { level: zlib.constants.Z_BEST_COMPRESSION }),
	]);
	let written = 0;
	for (const [suffix, bytes] of [
		[ENCODINGS.br, br],
		[ENCODINGS.gzip, gz],
	] as const) {
		const target = file + suffix;
		// A copy left by an earlier run must not outlive a file that no longer compresses.
		if (bytes.length >= data.length) await rm(target, { force: true });
		else {
			await writeFile(target, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
			written += 1;
		}
	}
	return written;
}

/** Compresses every compressible file under `dir`; the number of copies written. */
export async function compressBuild(dir: string): Promise<number> {
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	const files = entries
		.filter((e) => e.isFile() && COMPRESSIBLE.includes(path.extname(e.name)))
		.map((e) => path.join(e.parentPath, e.name));
	let written = 0;
	// Two at a time: brotli at quality 11 is CPU-bound, and the machine may have two cores.
	let next = 0;
	await Promise.all(
		[0, 1].map(async () => {
			while (next < files.length) {
				const copies = await compressFile(files[next++] as string);
				written += copies;
			}
		}),
	);
	return written;
}

if (import.meta.main) {
	const dir = path.resolve(process.argv[2] ?? 'build');
	const written = await compressBuild(dir);
	process.stdout.write(`Wrote ${written} precompressed copies (brotli, gzip) in ${path.relative('.', dir)}.\n`);
}
