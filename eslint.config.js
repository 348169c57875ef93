// Lint: TypeScript + Svelte rules, and the import direction of architecture §Layout:
// routes → components/state → sync → db → domain; media (photo processing) → domain, used by
// components/state only; sync-server → domain only.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/** Forbid imports of the given layer folders (by path fragment). */
function forbid(...layers) {
	const patterns = layers.map((layer) => ({
		group: [`**/${layer}/**`, `#lib/${layer}/**`],
		message: `This layer may not import from ${layer}/ (dependencies point one way, see docs/architecture.md).`,
	}));
	return { 'no-restricted-imports': ['error', { patterns }] };
}

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'data/', 'test-results/', 'playwright-report/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs['flat/recommended'],
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
		},
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
		rules: { 'svelte/no-navigation-without-resolve': 'off' },
	},
	{ files: ['src/lib/domain/**'], rules: forbid('db', 'sync', 'state', 'components', 'i18n', 'routes', 'media') },
	{ files: ['src/lib/media/**'], rules: forbid('db', 'sync', 'state', 'components', 'i18n', 'routes') },
	{ files: ['src/lib/db/**'], rules: forbid('sync', 'state', 'components', 'routes', 'media') },
	{ files: ['src/lib/sync/**'], rules: forbid('state', 'components', 'routes', 'media') },
	{ files: ['src/lib/state/**', 'src/lib/components/**'], rules: forbid('routes') },
	{ files: ['src/routes/**'], rules: forbid('db', 'sync', 'media') },
	{
		files: ['sync-server/**'],
		// The server shares only the domain with the app.
		rules: forbid('lib/db', 'lib/sync', 'lib/state', 'lib/components', 'lib/i18n', 'lib/media', 'src/routes'),
	},
);
