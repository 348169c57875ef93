/**
 * Benchmark (issue 11, item 2): a first visit to the sign-in page, in Debian's Chromium (the
 * flags of playwright.config.ts) with a cold cache, against the production build served by the
 * real server on a fresh data folder. It sums the bytes that cross the wire (Chromium's
 * `encodedDataLength`, headers included) by kind: the page's JavaScript, CSS, HTML and the rest,
 * then what the service worker precaches in the background once the page is up. The reference,
 * in the same run and alternating, is the same visit with `Accept-Encoding: identity` (what the
 * server sent before it had compressed copies). With `--throttle` it also times the visit on a
 * weak network (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip; Chromium's emulation).
 * Run: `npm run bench:first-load [-- --reps 3 --throttle]`. It builds the app first only when
 * `build/` is missing or older than the sources. docs/benchmarks.md keeps the recorded figures.
 */
import { chromium, type Browser } from '@playwright/test';
import config from '../playwright.config.ts';
import { BUILD_DIR, buildIfStale } from '../scripts/build-fresh.ts';
import { arg, median, startTrygg } from './lib.ts';

const REPS = arg('reps', 3);
const THROTTLE = process.argv.includes('--throttle');
/** The budget of issue 11: the sign-in page's JavaScript over the wire. */
const JS_BUDGET = 100_000;

type Kind = 'script' | 'stylesheet' | 'document' | 'other';
/** Bytes of response bodies as sent (compressed or not) and of response headers. */
type Bytes = { body: number; headers: number };
type Visit = {
	page: Record<Kind, Bytes>;
	pageRequests: number;
	/** What the service worker fetched to precache, after the page was up. */
	precache: Bytes;
	precacheRequests: number;
	/** Navigation → the sign-in form can be used (hydrated), in ms. */
	formMs: number;
};

function kindOf(type: string): Kind {
	return type === 'script' || type === 'stylesheet' || type === 'document' ? type : 'other';
}

const none = (): Bytes => ({ body: 0, headers: 0 });

async function visit(browser: Browser, base: string, identity: boolean): Promise<Visit> {
	// A new context is a cold cache: no HTTP cache, no service worker, no storage.
	const context = await browser.newContext({
		baseURL: base,
		viewport: { width: 1024, height: 768 },
		// Applies to the service worker's own requests as well (the server sees identity on all).
		...(identity ? { extraHTTPHeaders: { 'accept-encoding': 'identity' } } : {}),
	});
	try {
		const page = await context.newPage();
		if (THROTTLE) {
			const cdp = await context.newCDPSession(page);
			await cdp.send('Network.enable');
			await cdp.send('Network.emulateNetworkConditions', {
				offline: false,
				latency: 150,
				downloadThroughput: 1_600_000 / 8,
				uploadThroughput: 750_000 / 8,
			});
		}
		const result: Visit = {
			page: { script: none(), stylesheet: none(), document: none(), other: none() },
			pageRequests: 0,
			precache: none(),
			precacheRequests: 0,
			formMs: 0,
		};
		// Chromium's own counts: the body as it came over the wire, and the headers.
		const counted: Promise<void>[] = [];
		context.on('requestfinished', (request) => {
			counted.push(
				request.sizes().then((size) => {
					const fromWorker = request.serviceWorker() !== null;
					const into = fromWorker ? result.precache : result.page[kindOf(request.resourceType())];
					into.body += size.responseBodySize;
					into.headers += size.responseHeadersSize;
					if (fromWorker) result.precacheRequests += 1;
					else result.pageRequests += 1;
				}),
			);
		});

		const started = Date.now();
		await page.goto('/sign-in');
		await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 120_000 });
		await page.locator('#name').waitFor();
		result.formMs = Date.now() - started;
		// The worker is active once every file is precached.
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await page.waitForLoadState('networkidle');
		await Promise.all(counted);
		return result;
	} finally {
		await context.close();
	}
}

function kb(bytes: number): string {
	return (bytes / 1000).toFixed(1);
}

async function main(): Promise<void> {
	buildIfStale();
	const server = await startTrygg({ staticDir: BUILD_DIR });
	const browser = await chromium.launch({ ...(config.use?.launchOptions ?? {}), headless: true });
	const compressed: Visit[] = [];
	const identity: Visit[] = [];
	try {
		// Alternating, so both see the same machine load.
		for (let i = 0; i < REPS; i++) {
			compressed.push(await visit(browser, server.base, false));
			identity.push(await visit(browser, server.base, true));
		}
	} finally {
		await browser.close();
		await server.stop();
	}
	// Byte counts do not change between repetitions; the time does.
	const [c, r] = [compressed[0], identity[0]];
	if (!c || !r) throw new Error('no visit');
	const sum = (v: Visit): Bytes =>
		Object.values(v.page).reduce((a, b) => ({ body: a.body + b.body, headers: a.headers + b.headers }), none());
	const rows: [string, Bytes, Bytes][] = [
		['JavaScript', c.page.script, r.page.script],
		['CSS', c.page.stylesheet, r.page.stylesheet],
		['HTML', c.page.document, r.page.document],
		['icons, manifest and the rest', c.page.other, r.page.other],
		[`everything the page loads (${c.pageRequests} requests)`, sum(c), sum(r)],
		[`then precached by the service worker (${c.precacheRequests} files)`, c.precache, r.precache],
	];
	const lines = [
		'| first visit to /sign-in, kB | compressed: bodies | + headers | identity: bodies | + headers | ratio (bodies) |',
		'| --- | ---: | ---: | ---: | ---: | ---: |',
		...rows.map(
			([label, a, b]) =>
				`| ${label} | ${kb(a.body)} | ${kb(a.headers)} | ${kb(b.body)} | ${kb(b.headers)} | ${(a.body / b.body).toFixed(2)} |`,
		),
	];
	if (THROTTLE) {
		const [a, b] = [median(compressed.map((v) => v.formMs)), median(identity.map((v) => v.formMs))];
		lines.push(
			`| navigation → sign-in form usable, 1.6 Mbit/s, 150 ms (median of ${REPS}, ms) | ${a.toFixed(0)} | | ${b.toFixed(0)} | | ${(a / b).toFixed(2)} |`,
		);
	}
	process.stdout.write(`${lines.join('\n')}\n`);
	const js = c.page.script.body;
	process.stdout.write(
		`The sign-in page's JavaScript: ${kb(js)} kB of bodies over the wire, ${js < JS_BUDGET ? 'within' : 'OVER'} the 100 kB budget.\n`,
	);
}

await main();
