/**
 * `npm start`: builds the PWA when the build is missing or older than its sources, then
 * runs the sync server serving it. It must never build when nothing changed (a quick start).
 */
import { BUILD_DIR, buildIfStale } from './build-fresh.ts';

try {
	buildIfStale();
} catch {
	process.stderr.write('trygg: the build failed.\n');
	process.exit(1);
}

const { main } = await import('../sync-server/src/main.ts');
await main({ staticDir: BUILD_DIR });
