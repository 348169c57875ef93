/**
 * `npm start`: builds the PWA when the build is missing or older than its sources, then
 * runs the sync server serving it. It must never build when nothing changed (a quick start).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = path.join(root, 'build');
const marker = path.join(build, '200.html');

/** Newest modification time under `p` (a file or folder), 0 when missing. */
function newest(p: string): number {
	if (!existsSync(p)) return 0;
	const stat = statSync(p);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return readdirSync(p).reduce((max, name) => Math.max(max, newest(path.join(p, name))), stat.mtimeMs);
}

const sources = ['src', 'static', 'vite.config.ts', 'package.json'].map((p) => newest(path.join(root, p)));
if (!existsSync(marker) || statSync(marker).mtimeMs < Math.max(...sources)) {
	process.stdout.write('Building the app…\n');
	const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) {
		process.stderr.write('trygg: the build failed.\n');
		process.exit(1);
	}
}

const { main } = await import('../sync-server/src/main.ts');
await main({ staticDir: build });
