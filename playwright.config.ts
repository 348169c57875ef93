// End-to-end tests against the production build served by the real sync server (one port),
// on Debian's Chromium (browsers cannot be downloaded here).
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 8181);

export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 60_000,
	fullyParallel: false,
	workers: 1,
	retries: process.env.CI ? 1 : 0,
	reporter: process.env.CI ? 'line' : 'list',
	use: {
		baseURL: `http://localhost:${PORT}`,
		launchOptions: {
			executablePath: '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
				'--disable-quic',
			],
		},
	},
	webServer: {
		command: `rm -rf test-results/e2e-data && PORT=${PORT} TRYGG_DEMO_HISTORY=off TRYGG_DATA_DIR=test-results/e2e-data node scripts/start.ts`,
		url: `http://localhost:${PORT}/api/health`,
		reuseExistingServer: false,
		timeout: 120_000,
		stdout: 'ignore',
		stderr: 'pipe',
	},
});
