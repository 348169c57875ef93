// SvelteKit 3 takes its configuration here (it refuses svelte.config.js).
import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-static';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		sveltekit({
			compilerOptions: { runes: true },
			// SPA fallback: the prerendered root stays, every other path falls back to the app.
			adapter: adapter({ fallback: '200.html' }),
			// workbox-window registers the worker, so the update prompt is ours and never reloads under a form.
			serviceWorker: { register: false },
			version: { pollInterval: 0 },
		}),
	],
	// TRYGG_SOURCEMAP=1 for profiling: source maps, and readable names (unminified).
	build: {
		sourcemap: process.env.TRYGG_SOURCEMAP === '1',
		minify: process.env.TRYGG_SOURCEMAP === '1' ? false : undefined,
	},
	server: { proxy: { '/db': 'http://localhost:8080', '/api': 'http://localhost:8080' } },
	test: {
		include: ['src/**/*.spec.ts', 'sync-server/src/**/*.spec.ts', 'tests/conformance/**/*.spec.ts'],
		environment: 'node',
		setupFiles: ['src/lib/i18n/test-setup.ts'],
		testTimeout: 20000,
	},
});
