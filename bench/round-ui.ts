/**
 * Benchmark (issue 4, item 8): the round UI stays instant with a 60-item round, 20 photos and
 * 500 rounds in the unit. Starts the production server on a temporary data folder, seeds it
 * through the API, signs in as `chef` in Debian's Chromium (the flags of playwright.config.ts),
 * lets sync finish, then measures with the app's performance marks (src/lib/state/perf.ts):
 * recording an answer, opening the round, the round list, and compressing a 12-megapixel photo.
 * Each figure is compared in the same run with a reference for the same amount of work (static
 * HTML, a bare IndexedDB round trip, the bare canvas pipeline), because the machine is shared.
 * Run: `npm run bench:round-ui [-- --answers 30 --opens 7 --compressions 5 --gap 1000]`. It builds the app
 * first only when `build/` is missing or older than the sources (as `npm start` does).
 * Results go to stdout; docs/benchmarks.md keeps the recorded figures.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import ts from 'typescript';
import config from '../playwright.config.ts';
import { BUILD_DIR, buildIfStale } from '../scripts/build-fresh.ts';
import { arg, median, percentile, startTrygg } from './lib.ts';

/** What the in-page half (`round-ui.page.ts`) offers, through `tryggBenchOf()`. */
export type Timing = {
	ready: number;
	painted: number;
	/** `navigate`: when the link was clicked, from the page's time origin. */
	clickedAt?: number;
};
export type AnswerTiming = {
	/** Click → the next frame presented (the choice is shown). */
	shown: number;
	/** Click → the answer (and its finding, round status) stored in IndexedDB. */
	saved: number;
	/** The write alone (RoundWalk#writeAnswer: one device transaction). */
	write: number;
	/** Click → the progress line changed: the page shows the answer once its transaction is committed. */
	reflectedDom: number;
	/** … and the frame showing it presented. */
	reflected: number;
};
export type BenchPage = {
	smallJpeg(seed: number): Promise<string>;
	prepareBigJpeg(seed: number): Promise<number>;
	loaded(mark: string): Promise<Timing>;
	navigate(href: string, mark: string): Promise<Timing>;
	html(selector: string): string;
	staticRender(selector: string, html: string): Promise<Timing>;
	answer(itemId: string, value: 'yes' | 'no'): Promise<AnswerTiming>;
	referenceAnswer(seq: number): Promise<{ frame: number; idb: number; idbPainted: number }>;
	compressInApp(inputSelector: string): Promise<number>;
	compressReference(): Promise<number>;
};

const ANSWERS = arg('answers', 30);
const OPENS = arg('opens', 7);
const COMPRESSIONS = arg('compressions', 5);
/** Milliseconds between two answers. */
const GAP_MS = arg('gap', 1000);
/** `--only list,open,answer,compress` runs some of the measures (all by default). */
const ONLY = process.argv.includes('--only')
	? (process.argv[process.argv.indexOf('--only') + 1] ?? '').split(',')
	: null;
/** `--profile` records a CPU profile of the answers (test-results/round-ui-answer.cpuprofile). */
const PROFILE = process.argv.includes('--profile');
const want = (part: 'list' | 'open' | 'answer' | 'compress'): boolean => !ONLY || ONLY.includes(part);
const ROUNDS = 500;
const ITEMS = 60;
const PHOTOS = 20;

const root = path.resolve(import.meta.dirname, '..');

/** The in-page half, as a classic script (its only import is a type). */
function pageScript(): string {
	const source = readFileSync(path.join(import.meta.dirname, 'round-ui.page.ts'), 'utf8');
	const js = ts.transpileModule(source, {
		compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
	}).outputText;
	return js.replace(/^export \{\};?\s*$/m, '');
}

async function signIn(base: string, name: string): Promise<string> {
	const res = await fetch(`${base}/db/_session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: 'trygg-demo' }),
	});
	if (!res.ok) throw new Error(`sign-in as ${name}: ${res.status}`);
	return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function call<T>(base: string, cookie: string, url: string, init: RequestInit = {}): Promise<T> {
	const res = await fetch(`${base}${url}`, {
		...init,
		headers: { accept: 'application/json', cookie, ...(init.headers as Record<string, string>) },
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status} ${text.slice(0, 200)}`);
	return JSON.parse(text) as T;
}

async function bulk(base: string, cookie: string, scope: string, docs: object[]): Promise<void> {
	for (let i = 0; i < docs.length; i += 250) {
		const results = await call<{ error?: string; reason?: string }[]>(base, cookie, `/db/${scope}/_bulk_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ docs: docs.slice(i, i + 250) }),
		});
		const refused = results.find((r) => r.error);
		if (refused) throw new Error(`${scope} refused a document: ${JSON.stringify(refused)}`);
	}
}

type Seeded = { roundId: string; otherRoundId: string; templateId: string };

/**
 * A 60-item template (a copy of the physical starter template, as HR would make it), 500 rounds
 * in Enhet A1, and in one of them answers to items 1–20, each with a photo uploaded as a blob.
 */
async function seed(base: string, page: Page): Promise<Seeded> {
	const hr = await signIn(base, 'hr');
	const chef = await signIn(base, 'chef');
	const now = new Date().toISOString();
	const found = await call<{ rows: { doc?: Record<string, unknown> }[] }>(
		base,
		hr,
		'/db/org/_all_docs?include_docs=true',
		{
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ keys: ['template:physical.v1'] }),
		},
	);
	const starter = found.rows[0]?.doc as
		| { sections: { id: string; title: object; items: { text: { sv: string; en: string }; help?: object }[] }[] }
		| undefined;
	if (!starter) throw new Error('the starter template is missing');
	const starterItems = starter.sections.flatMap((s) => s.items);
	const templateId = 'template:bench-sixty.v1';
	const sections = Array.from({ length: 6 }, (_, s) => ({
		id: `bench-s${s + 1}`,
		title: starter.sections[s % starter.sections.length]?.title,
		items: Array.from({ length: ITEMS / 6 }, (_, i) => {
			const n = s * (ITEMS / 6) + i + 1;
			const from = starterItems[(n - 1) % starterItems.length] as (typeof starterItems)[number];
			return {
				id: `bench-${String(n).padStart(2, '0')}`,
				text: { sv: `${from.text.sv} (${n})`, en: `${from.text.en} (${n})` },
				...(from.help ? { help: from.help } : {}),
			};
		}),
	}));
	const { _rev: _ignored, ...copy } = starter as Record<string, unknown>;
	await bulk(base, hr, 'org', [
		{
			...copy,
			_id: templateId,
			family: 'bench-sixty',
			title: { sv: 'Fysisk skyddsrond, 60 frågor', en: 'Physical safety round, 60 items' },
			version: 1,
			sections,
			retired: false,
			createdAt: now,
			updatedAt: now,
		},
	]);

	const rounds = Array.from({ length: ROUNDS }, (_, i) => {
		const day = new Date(Date.UTC(2024, 0, 1) + i * 2 * 86_400_000).toISOString().slice(0, 10);
		return {
			_id: `round:bench-${String(i).padStart(4, '0')}`,
			type: 'round',
			scope: 'unit-a1',
			unitId: 'a1',
			templateId: i % 3 === 0 ? 'template:physical.v1' : templateId,
			templateVersion: 1,
			date: day,
			status: i === 0 ? 'in_progress' : (['planned', 'in_progress', 'done'] as const)[i % 3],
			participants: [
				{ name: 'Anna Chef', role: 'manager' },
				{ name: 'Sara Skyddsombud', role: 'safety_rep' },
			],
			createdBy: 'chef',
			createdAt: now,
			updatedAt: now,
		};
	});
	// The measured round is the newest (what one walks today), on the 60-item template (i % 3 !== 0).
	const measured = rounds[ROUNDS - 1] as (typeof rounds)[number];
	measured.status = 'in_progress';
	const other = rounds[ROUNDS - 3] as (typeof rounds)[number];
	await bulk(base, chef, 'unit-a1', rounds);

	const answers = [];
	for (let n = 1; n <= PHOTOS; n++) {
		const base64 = await page.evaluate((seed) => tryggBenchOf().smallJpeg(seed), n);
		const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
		const sha256 = createHash('sha256').update(bytes).digest('hex');
		const res = await fetch(`${base}/db/unit-a1/_blobs/${sha256}`, {
			method: 'PUT',
			headers: { cookie: chef, 'content-type': 'image/jpeg' },
			body: bytes,
		});
		if (!res.ok) throw new Error(`blob upload: ${res.status} ${await res.text()}`);
		answers.push({
			_id: `answer:bench-${n}`,
			type: 'answer',
			scope: 'unit-a1',
			roundId: measured._id,
			itemId: `bench-${String(n).padStart(2, '0')}`,
			value: 'yes',
			comment: n % 4 === 0 ? `Kommentar till fråga ${n}.` : '',
			fixedOnSite: false,
			fixedNote: '',
			photos: [{ sha256, size: bytes.length, mime: 'image/jpeg', width: 800, height: 600 }],
			stamp: `${Date.now()}-${String(n).padStart(4, '0')}-bench-seed`,
			answeredAt: now,
			answeredBy: 'chef',
			answeredByName: 'Anna Chef',
			createdAt: now,
			updatedAt: now,
		});
	}
	await bulk(base, chef, 'unit-a1', answers);
	return { roundId: measured._id, otherRoundId: other._id, templateId };
}

/** The in-page API: a global function the page script defines (only called inside `page.evaluate`). */
declare function tryggBenchOf(): BenchPage;

type ProfileNode = {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
};
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/** A CPU profile through CDP; on stop, writes it and prints the functions with the most self time. */
async function startProfile(page: Page): Promise<{ stop: (name: string) => Promise<void> }> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
	await cdp.send('Profiler.start');
	return {
		stop: async (name) => {
			const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
			const file = path.join(root, 'test-results', `round-ui-${name}.cpuprofile`);
			mkdirSync(path.dirname(file), { recursive: true });
			writeFileSync(file, JSON.stringify(profile));
			const self = new Map<number, number>();
			profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
			const byFrame = new Map<string, number>();
			for (const node of profile.nodes) {
				const f = node.callFrame;
				const key = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
				byFrame.set(key, (byFrame.get(key) ?? 0) + (self.get(node.id) ?? 0));
			}
			const top = [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, 25);
			process.stdout.write(`\nCPU profile (${file}), self time:\n`);
			for (const [key, ms] of top) process.stdout.write(`${ms.toFixed(1).padStart(8)} ms  ${key}\n`);
		},
	};
}

const roundHref = (id: string) => `/rounds/${encodeURIComponent(id)}`;

async function setWalkMode(page: Page, mode: 'one' | 'list'): Promise<void> {
	await page.evaluate((m) => localStorage.setItem('trygg.walkMode', m), mode);
}

type Row = { what: string; budget: number | null; app: number[]; reference: number[] | null; refName: string };

function fmt(ms: number): string {
	return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

async function main(): Promise<void> {
	buildIfStale();
	const server = await startTrygg({ staticDir: BUILD_DIR });
	const launch = config.use?.launchOptions ?? {};
	const browser = await chromium.launch({ ...launch, headless: true });
	const rows: Row[] = [];
	try {
		const context = await browser.newContext({ baseURL: server.base, viewport: { width: 1024, height: 768 } });
		await context.addInitScript({ content: "localStorage.setItem('trygg.perfMarks', '1');" });
		await context.addInitScript({ content: pageScript() });
		const page = await context.newPage();
		await page.goto('/sign-in');
		const seeded = await seed(server.base, page);

		// Sign in as the unit's manager and let the service worker and the first sync finish.
		await page.locator('body[data-hydrated="true"]').waitFor();
		await page.locator('#name').fill('chef');
		await page.locator('#password').fill('trygg-demo');
		await page.locator('button[type="submit"]').click();
		await page
			.getByRole('heading', { level: 1 })
			.filter({ hasText: /Välkommen|Welcome/ })
			.waitFor();
		await page
			.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: 20_000 })
			.catch(async () => {
				await page.reload();
				await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: 20_000 });
			});
		await page.goto('/rounds');
		// The list draws the newest rounds a page at a time; its status line counts them all.
		await page.waitForFunction(
			(n) => Number(document.querySelector<HTMLElement>('[data-testid="rounds-showing"]')?.dataset.total) >= n,
			ROUNDS,
			{ timeout: 60_000 },
		);
		await page.locator(`a[href="${roundHref(seeded.roundId)}"]`).waitFor();
		await page
			.locator('[data-testid="sync-pending"]')
			.filter({ hasText: /Allt synkat|All synced/ })
			.waitFor();
		// Every photo of the round downloaded once (later opens read them from the device).
		await setWalkMode(page, 'list');
		await page.goto(roundHref(seeded.roundId));
		// Thumbnails load when near the screen: scroll each into view until it shows its image.
		await page.waitForFunction((n) => document.querySelectorAll('[data-testid="photo-thumb"]').length >= n, PHOTOS);
		for (const thumb of await page.locator('[data-testid="photo-thumb"]').all()) {
			await thumb.scrollIntoViewIfNeeded();
			await thumb.locator('img').waitFor({ timeout: 30_000 });
		}

		if (want('list')) {
			// 1. The round list with 500 rounds: a full load, and arriving from the home page.
			const listLoad: number[] = [];
			const listNav: number[] = [];
			const listStatic: number[] = [];
			let listHtml = '';
			for (let i = 0; i <= OPENS; i++) {
				await page.goto('/rounds');
				const load = await page.evaluate(() => tryggBenchOf().loaded('trygg:rounds-ready'));
				if (!listHtml) listHtml = await page.evaluate(() => tryggBenchOf().html('main'));
				const reference = await page.evaluate((html) => tryggBenchOf().staticRender('main', html), listHtml);
				await page.goto('/');
				await page.locator('body[data-hydrated="true"]').waitFor();
				const nav = await page.evaluate(() => tryggBenchOf().navigate('/rounds', 'trygg:rounds-ready'));
				if (i === 0) continue; // warm-up
				listLoad.push(load.painted);
				listNav.push(nav.painted);
				listStatic.push(reference.painted);
			}
			rows.push({
				what: `Round list, ${ROUNDS} rounds: from the home page → list painted`,
				budget: 300,
				app: listNav,
				reference: listStatic,
				refName: 'same list as static HTML',
			});
			rows.push({
				what: `Round list, ${ROUNDS} rounds: full page load → list painted`,
				budget: 300,
				app: listLoad,
				reference: listStatic,
				refName: 'same list as static HTML',
			});
		}
		if (want('open')) {
			// 2. Opening the 60-item round from the list, all items on the page and one at a time.
			for (const mode of ['list', 'one'] as const) {
				await setWalkMode(page, mode);
				const nav: number[] = [];
				const load: number[] = [];
				const stat: number[] = [];
				// List mode draws every question and answer first, the items' fields in idle moments after.
				const navComplete: number[] = [];
				const loadComplete: number[] = [];
				let html = '';
				for (let i = 0; i <= OPENS; i++) {
					await page.goto('/rounds');
					await page.evaluate(() => tryggBenchOf().loaded('trygg:rounds-ready'));
					const opened = await page.evaluate(
						(href) => tryggBenchOf().navigate(href, 'trygg:round-ready'),
						roundHref(seeded.roundId),
					);
					const openedComplete =
						mode === 'list' ? await page.evaluate(() => tryggBenchOf().loaded('trygg:round-complete')) : null;
					if (!html) html = await page.evaluate(() => tryggBenchOf().html('main'));
					const reference = await page.evaluate((h) => tryggBenchOf().staticRender('main', h), html);
					await page.reload();
					const loaded = await page.evaluate(() => tryggBenchOf().loaded('trygg:round-ready'));
					const loadedComplete =
						mode === 'list' ? await page.evaluate(() => tryggBenchOf().loaded('trygg:round-complete')) : null;
					if (i === 0) continue;
					nav.push(opened.painted);
					load.push(loaded.painted);
					stat.push(reference.painted);
					if (openedComplete && loadedComplete) {
						// The open started at the click: its time origin is the list page's navigation.
						navComplete.push(openedComplete.painted - (opened.clickedAt ?? 0));
						loadComplete.push(loadedComplete.painted);
					}
				}
				const shown = mode === 'list' ? `all ${ITEMS} items shown` : 'one item at a time';
				rows.push({
					what: `Open the ${ITEMS}-item round (${shown}): from the list → painted`,
					budget: 300,
					app: nav,
					reference: stat,
					refName: 'same page as static HTML',
				});
				rows.push({
					what: `Open the ${ITEMS}-item round (${shown}): full page load → painted`,
					budget: 300,
					app: load,
					reference: stat,
					refName: 'same page as static HTML',
				});
				if (mode === 'list') {
					rows.push({
						what: `Open the ${ITEMS}-item round (${shown}): from the list → every item's fields drawn`,
						budget: null,
						app: navComplete,
						reference: null,
						refName: '',
					});
					rows.push({
						what: `Open the ${ITEMS}-item round (${shown}): full page load → every item's fields drawn`,
						budget: null,
						app: loadComplete,
						reference: null,
						refName: '',
					});
				}
			}
		}
		if (want('answer')) {
			// 3. Recording answers on the round with every item on the page (the heavier view).
			await setWalkMode(page, 'list');
			await page.goto(roundHref(seeded.roundId));
			// Every item complete (its comment field drawn): the answers leave the group for that field.
			await page.evaluate(() => tryggBenchOf().loaded('trygg:round-complete'));
			const answers: { shown: number[]; saved: number[]; reflected: number[] } = {
				shown: [],
				saved: [],
				reflected: [],
			};
			const refs: { frame: number[]; idb: number[]; idbPainted: number[] } = { frame: [], idb: [], idbPainted: [] };
			const profiler = PROFILE ? await startProfile(page) : null;
			for (let i = 0; i <= ANSWERS; i++) {
				const n = PHOTOS + 1 + i;
				if (n > ITEMS) break;
				// Every fifth answer is a Nej, which also makes a finding.
				const value = i % 5 === 4 ? 'no' : 'yes';
				const a = await page.evaluate(
					([id, v]) => tryggBenchOf().answer(id as string, v as 'yes' | 'no'),
					[`bench-${String(n).padStart(2, '0')}`, value],
				);
				const r = await page.evaluate((seq) => tryggBenchOf().referenceAnswer(seq), i);
				// A person answers every few seconds: the previous answer's push and its echo from the
				// server's feed are done before the next click (`--gap 150` measures them overlapping).
				await page.waitForTimeout(GAP_MS);
				if (i === 0) continue;
				answers.shown.push(a.shown);
				answers.saved.push(a.saved);
				answers.reflected.push(a.reflected);
				refs.frame.push(r.frame);
				refs.idb.push(r.idb);
				refs.idbPainted.push(r.idbPainted);
			}
			if (profiler) await profiler.stop('answer');
			rows.push({
				what: 'Answer: click → choice painted',
				budget: 50,
				app: answers.shown,
				reference: refs.frame,
				refName: 'a direct text change → painted',
			});
			rows.push({
				what: 'Answer: click → stored in IndexedDB',
				budget: 50,
				app: answers.saved,
				reference: refs.idb,
				refName: 'bare IndexedDB put + get',
			});
			rows.push({
				what: 'Answer: click → stored, the progress painted',
				budget: 50,
				app: answers.reflected,
				reference: refs.idbPainted,
				refName: 'bare IndexedDB put + get → painted',
			});
		}
		if (want('compress')) {
			// 4. Compressing a 12-megapixel camera JPEG with the app's own code (the round's photo picker).
			await setWalkMode(page, 'one');
			await page.goto(roundHref(seeded.otherRoundId));
			await page.evaluate(() => tryggBenchOf().loaded('trygg:round-ready'));
			const compress: number[] = [];
			const compressRef: number[] = [];
			let sourceBytes = 0;
			for (let i = 0; i <= COMPRESSIONS; i++) {
				sourceBytes = await page.evaluate((seed) => tryggBenchOf().prepareBigJpeg(seed), 1000 + i);
				const app = await page.evaluate(() => tryggBenchOf().compressInApp('[data-testid="photo-choose"]'));
				const ref = await page.evaluate(() => tryggBenchOf().compressReference());
				if (i === 0) continue;
				compress.push(app);
				compressRef.push(ref);
			}
			rows.push({
				what: `Compress a 12 MP JPEG (4000×3000, ${(sourceBytes / 1e6).toFixed(1)} MB) → 1600 px`,
				budget: 1500,
				app: compress,
				reference: compressRef,
				refName: 'bare decode → draw → encode',
			});
		}
	} finally {
		await browser.close();
		await server.stop();
	}

	const table = [
		'| Measure | n | median ms | p95 ms | budget ms | reference (same run) | ref median ms | ratio |',
		'|---|---:|---:|---:|---:|---|---:|---:|',
		...rows.map((r) => {
			const m = median(r.app);
			const ref = r.reference ? median(r.reference) : NaN;
			const verdict = r.budget === null ? '' : m <= r.budget ? ' ✓' : ' ✗';
			const [refText, ratio] = r.reference ? [fmt(ref), (m / ref).toFixed(2)] : ['', ''];
			return `| ${r.what} | ${r.app.length} | ${fmt(m)}${verdict} | ${fmt(percentile(r.app, 95))} | ${r.budget ?? ''} | ${r.refName} | ${refText} | ${ratio} |`;
		}),
	].join('\n');
	process.stdout.write(`\n${table}\n`);
}

await main();
