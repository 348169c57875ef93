/**
 * The production build in `build/`, made by `npm run build` only when it is missing or older
 * than its sources: shared by `npm start`, the benchmarks and the server specs that read the
 * real build. A build counts as finished once its fallback page has its brotli copy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const BUILD_DIR = path.join(ROOT, 'build');
const SOURCES = ['src', 'static', 'vite.config.ts', 'package.json', 'scripts/compress-build.ts'];

/** Newest modification time under `p` (a file or folder), 0 when missing. */
function newest(p: string): number {
	if (!existsSync(p)) return 0;
	const stat = statSync(p);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return readdirSync(p).reduce((max, name) => Math.max(max, newest(path.join(p, name))), stat.mtimeMs);
}

/** Is `build/` missing, unfinished or older than the sources? */
export function buildIsStale(): boolean {
	const page = path.join(BUILD_DIR, '200.html');
	if (!existsSync(page) || !existsSync(`${page}.br`)) return true;
	const sources = SOURCES.map((p) => newest(path.join(ROOT, p)));
	return statSync(page).mtimeMs < Math.max(...sources);
}

/**
 * Builds when stale. Throws when the build fails; `quiet` keeps its output unless it fails
 * (then the error carries the output's end).
 */
export function buildIfStale(opts: { quiet?: boolean } = {}): void {
	if (!buildIsStale()) return;
	if (!opts.quiet) process.stdout.write('Building the app…\n');
	// A test runner's NODE_ENV=test (and its own variables) would make a development build.
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([key]) => key !== 'NODE_ENV' && !key.startsWith('VITEST')),
	);
	const result = spawnSync('npm', ['run', 'build'], {
		cwd: ROOT,
		env,
		stdio: opts.quiet ? 'pipe' : 'inherit',
		encoding: 'utf8',
	});
	if (result.status !== 0) {
		const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-2000);
		throw new Error(`the build failed${output ? `:\n${output}` : ''}`);
	}
}
