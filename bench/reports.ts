/**
 * Benchmark (issue 14, item 5): consolidated results at the scale of a large municipality. Generates
 * the synthetic organisation of `synthetic-org.ts` (cached under /tmp, keyed by its parameters and
 * the day), starts the production server on a copy of it and measures, through HTTP and a browser
 * (so it does not depend on how the report jobs are built; (c) apart, see there):
 *
 * (a) initial aggregation: from the server's start until `stats:forv` counts every round and the
 *     campaign's `surveyresult:…forv` exists. Reference: reading every unit scope's documents once
 *     through `_changes?include_docs` as the department managers (what a full rescan over HTTP costs).
 * (b) the whole-organisation view, warm: HR signed in, a first full sync finished, `/reports`
 *     opened until a `table` in `main` has a row. Reference: a plain page with a table of the
 *     same rows, same browser.
 * (c) a batch of 1,000 new survey responses at a running survey-results job that has caught up:
 *     the one measure not taken through HTTP (a closed campaign takes no responses there), see
 *     `lateBatch`. Reference: the batch's own write.
 * (d) a signed round reflected in its department's `stats:<dept>`: the two signatures and the round
 *     marked signed through `_bulk_docs` as the unit's safety rep and manager; from the round's write
 *     until the department's signed count rises. Reference: the write's own round trip.
 * (e) HR's synced summaries: bytes of every document in the report scopes and `org` HR syncs.
 *     Reference: the bytes of the unit documents they summarise (read in (a)), and the 20 MB budget.
 *
 * Run: `npm run bench:reports [-- --units 5000 --staff 50000 --rounds 20000 … --signs 5 --opens 5]`;
 * `--only b,c` for some measures, `--keep <dir>` keeps the data folder after the run (its report
 * jobs caught up) and `--from <dir>` starts from a copy of such a folder instead of the cached one.
 * Results go to stdout; docs/benchmarks.md keeps the recorded figures.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import type { RoundDoc, StatsDoc, SurveyResultDoc } from '../src/lib/domain/index.ts';
import {
	DEFAULT_RISK_BANDS,
	REPORT_YEARS,
	isoWeek,
	statsId,
	surveyResultId,
	swedishDay,
	unitScope,
} from '../src/lib/domain/index.ts';
import config from '../playwright.config.ts';
import { BUILD_DIR, buildIfStale } from '../scripts/build-fresh.ts';
import { ANON_DB } from '../sync-server/src/anon/databases.ts';
import { encodeSession, newSession } from '../sync-server/src/auth/session.ts';
import { buildApp } from '../sync-server/src/app.ts';
import type { DocStore, StoredDoc } from '../sync-server/src/store/doc-store.ts';
import { openStorage } from '../sync-server/src/store/storage.ts';
import { arg, json, median, request, startTrygg, type Target } from './lib.ts';
import {
	BENCH_PASSWORD,
	CAMPAIGN_ID,
	DEFAULT_PARAMS,
	generate,
	lateResponses,
	type OrgParams,
} from './synthetic-org.ts';

const params: OrgParams = {
	today: swedishDay(new Date()),
	...(Object.fromEntries(Object.entries(DEFAULT_PARAMS).map(([k, v]) => [k, arg(k, v)])) as typeof DEFAULT_PARAMS),
};
const SIGNS = arg('signs', 5);
const OPENS = arg('opens', 5);
const LATE = arg('late', 1000);
const WAIT_MS = arg('wait', 900) * 1000;
const PORT = arg('port', 8320);
/** `--only b,c` runs some of the measures (all by default); without (a) the start waits for the figures to settle. */
const ONLY = process.argv.includes('--only')
	? (process.argv[process.argv.indexOf('--only') + 1] ?? '').split(',')
	: undefined;
const want = (m: string): boolean => !ONLY || ONLY.includes(m);
function argText(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}
const SECRET = randomBytes(32).toString('base64url');
const pad = (n: number): string => String(n).padStart(2, '0');
const cookieFor = (name: string): string => `AuthSession=${encodeSession(SECRET, newSession(name, 0, new Date()))}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const bytes = (doc: unknown): number => Buffer.byteLength(JSON.stringify(doc));

/** The cached organisation for these parameters, generated on first use (into a temporary name, then renamed). */
async function cachedOrg(): Promise<string> {
	const p = params;
	const key = `${p.today}-u${p.units}-d${p.departments}-s${p.sectionsPerDepartment}-p${p.staff}-r${p.rounds}-f${p.findings}-a${p.actions}-s${p.responses}-seed${p.seed}`;
	const dir = path.join(tmpdir(), 'trygg-reports-org', key);
	if (existsSync(dir)) return dir;
	await rm(`${dir}.part`, { recursive: true, force: true });
	await mkdir(`${dir}.part`, { recursive: true });
	process.stdout.write(`generating ${key} …\n`);
	const out = await generate(`${dir}.part`, p);
	process.stdout.write(
		`generated ${out.units} units, ${out.people} people, ${out.docs} documents, ${out.responses} responses in ${(out.ms / 1000).toFixed(0)} s\n`,
	);
	await rename(`${dir}.part`, dir);
	return dir;
}

/**
 * Read every unit document straight from the store (server stopped): the rounds the stats must
 * count (dated in the report years, up to this year's end), and the time a full in-process rescan takes.
 */
async function rescan(dir: string): Promise<{ rounds: number; docs: number; ms: number }> {
	const t = Date.now();
	const storage = await openStorage({ kind: 'embedded', dataDir: dir });
	const year = Number(params.today.slice(0, 4));
	let rounds = 0;
	let docs = 0;
	try {
		const org = await storage.docs.changes('org', { includeDocs: true });
		for (const row of org.results) {
			if (!row.id.startsWith('unit:')) continue;
			const scope = unitScope(row.id.slice(5));
			let since: string | undefined;
			for (;;) {
				const page = await storage.docs.changes(scope, { ...(since ? { since } : {}), limit: 1000, includeDocs: true });
				for (const r of page.results) {
					docs += 1;
					const y = r.doc?.type === 'round' ? Number(String(r.doc.date).slice(0, 4)) : NaN;
					if (y <= year && y > year - REPORT_YEARS) rounds += 1;
				}
				if (page.results.length < 1000) break;
				since = page.last_seq;
			}
		}
	} finally {
		await storage.close();
	}
	return { rounds, docs, ms: Date.now() - t };
}

async function doc<T>(server: Target, cookie: string, scope: string, id: string): Promise<(T & StoredDoc) | undefined> {
	const res = await json<{ rows: { doc?: T & StoredDoc }[] }>(
		`${server.base}/db/${scope}/_all_docs?include_docs=true`,
		{
			method: 'POST',
			cookie,
			body: JSON.stringify({ keys: [id] }),
		},
	);
	return res.rows[0]?.doc ?? undefined;
}

const sumRounds = (stats: StatsDoc | undefined, field: 'planned' | 'signed'): number =>
	stats
		? Object.values(stats.subtree.years).reduce(
				(n, y) => n + Object.values(y.rounds).reduce((m, r) => m + r[field], 0),
				0,
			)
		: -1;

/** Every document of a scope through `_changes?include_docs`, a page at a time: count and bytes. */
async function readScope(server: Target, cookie: string, scope: string): Promise<{ docs: number; bytes: number }> {
	let since = '';
	let docs = 0;
	let size = 0;
	for (;;) {
		const page = await json<{ results: { doc?: unknown }[]; last_seq: string }>(
			`${server.base}/db/${scope}/_changes?include_docs=true&limit=1000${since ? `&since=${encodeURIComponent(since)}` : ''}`,
			{ cookie },
		);
		for (const row of page.results) {
			if (row.doc) {
				docs += 1;
				size += bytes(row.doc);
			}
		}
		if (page.results.length < 1000) return { docs, bytes: size };
		since = page.last_seq;
	}
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, everyMs = 100): Promise<T> {
	const until = Date.now() + WAIT_MS;
	for (;;) {
		const value = await probe().catch(() => undefined);
		if (value !== undefined) return value;
		if (Date.now() > until) throw new Error(`${what}: not within ${WAIT_MS / 1000} s`);
		await sleep(everyMs);
	}
}

type Row = { measure: string; trygg: string; reference: string; ratio: string; note: string };
const rows: Row[] = [];
const fmt = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

async function main(): Promise<void> {
	// `--from <dir>`: a data folder a run kept with `--keep <dir>` (its report jobs caught up already).
	if (argText('from') && want('a')) throw new Error('(a) times the first aggregation: run it without --from');
	const from = argText('from') ?? (await cachedOrg());
	const keep = argText('keep');
	const work = await mkdtemp(path.join(tmpdir(), 'trygg-reports-run-'));
	execFileSync('cp', ['-a', `${from}/.`, work]);
	const hr = cookieFor('hr');
	const env = { SESSION_SECRET: SECRET, TRYGG_DEMO_HISTORY: 'off' };
	const withBrowser = !process.argv.includes('--no-browser');
	if (withBrowser) buildIfStale();
	const served = withBrowser ? { staticDir: BUILD_DIR } : {};
	const counted = want('a') ? await rescan(work) : { rounds: -1, docs: 0, ms: 0 };
	const expectedRounds = counted.rounds;
	let server: Target | undefined;
	try {
		if (!['a', 'b', 'd', 'e'].some(want)) {
			// (c) alone needs no server process: its in-process jobs catch up by themselves.
			rows.push(await lateBatch(work));
			return;
		}
		// ——— (a) initial aggregation ———
		let t0 = Date.now();
		server = await startTrygg({ dir: work, ...served, env, signIn: null, keepDir: true, port: PORT });
		const up = Date.now() - t0;
		const s = server;
		let settled: { rev: string | undefined; since: number } = { rev: undefined, since: 0 };
		await waitFor(
			'stats:forv counting every round',
			async () => {
				const stats = await doc<StatsDoc>(s, hr, 'reports', statsId('forv'));
				if (expectedRounds >= 0) return sumRounds(stats, 'planned') === expectedRounds ? stats : undefined;
				// Not counted beforehand: the figures have settled when forv's document stays the same for 20 s.
				if (!stats) return undefined;
				if (stats._rev !== settled.rev) settled = { rev: stats._rev, since: Date.now() };
				return Date.now() - settled.since > 20_000 ? stats : undefined;
			},
			250,
		);
		const statsReady = Date.now() - t0;
		const survey = await waitFor(
			'the campaign result of forv',
			() => doc<SurveyResultDoc>(s, hr, 'reports', surveyResultId(CAMPAIGN_ID, 'forv')),
			250,
		).catch((err: Error) => (process.stdout.write(`${err.message}\n`), undefined));
		const surveyReady = survey ? Date.now() - t0 : undefined;
		let unitDocs = 0;
		let unitBytes = 0;
		if (want('a')) {
			// Reference: every unit scope read once over HTTP, as its department's manager.
			t0 = Date.now();
			const units = await json<{ results: { id: string; doc?: { parentId: string | null } }[] }>(
				`${s.base}/db/org/_changes?include_docs=true`,
				{ cookie: hr },
			);
			const parentOf = new Map(
				units.results
					.filter((r) => r.id.startsWith('unit:'))
					.map((r) => [r.id.slice(5), r.doc?.parentId?.slice(5) ?? null]),
			);
			const deptOf = (u: string): string => {
				let at: string | null = u;
				while (at && !/^d\d+$/.test(at)) at = parentOf.get(at) ?? null;
				return at ?? 'forv';
			};
			const workplaces = [...parentOf.keys()].filter((u) => /-w\d+$/.test(u));
			// One scope at a time, as one device syncs; a 5xx is retried and counted (seen under load).
			let retried = 0;
			for (const u of workplaces) {
				for (let attempt = 1; ; attempt++) {
					try {
						const r = await readScope(s, cookieFor(`chef-${deptOf(u)}`), unitScope(u));
						unitDocs += r.docs;
						unitBytes += r.bytes;
						break;
					} catch (err) {
						if (attempt >= 3) throw err;
						retried += 1;
					}
				}
			}
			const rescan = Date.now() - t0;
			rows.push({
				measure: '(a) initial aggregation: stats of all units',
				trygg: fmt(statsReady),
				reference: fmt(rescan),
				ratio: (statsReady / rescan).toFixed(2),
				note: `from spawn (server up after ${fmt(up)}); reference: ${unitDocs} unit docs read over HTTP once${retried ? ` (${retried} retried after a 5xx)` : ''} (in-process, server stopped: ${fmt(counted.ms)})`,
			});
			if (surveyReady !== undefined) {
				rows.push({
					measure: '(a) initial aggregation: survey results',
					trygg: fmt(surveyReady),
					reference: fmt(rescan),
					ratio: (surveyReady / rescan).toFixed(2),
					note: `${params.responses} responses; forv shows ${survey?.subtree.responses ?? 'null'}`,
				});
			}
		}

		if (want('e')) {
			// ——— (e) HR's synced summaries ———
			const me = await json<{ scopes: { scope: string }[] }>(`${s.base}/api/me`, { cookie: hr });
			const scopeNames = me.scopes.map((g) => g.scope);
			let hrBytes = 0;
			let hrDocs = 0;
			for (const scope of scopeNames.filter((n) => n === 'org' || n.startsWith('reports'))) {
				const r = await readScope(s, hr, scope);
				hrBytes += r.bytes;
				hrDocs += r.docs;
			}
			rows.push({
				measure: '(e) HR synced summaries + org',
				trygg: `${(hrBytes / 1e6).toFixed(1)} MB`,
				reference: `${(unitBytes / 1e6).toFixed(1)} MB`,
				ratio: (hrBytes / unitBytes).toFixed(3),
				note: `${hrDocs} docs in ${scopeNames.filter((n) => n === 'org' || n.startsWith('reports')).join(', ')}; budget 20 MB (${((hrBytes / 20e6) * 100).toFixed(0)} %); reference: the unit docs summarised`,
			});
		}

		if (want('d')) {
			// ——— (d) a signed round reflected in its department's figures ———
			const reflect: number[] = [];
			const acks: number[] = [];
			for (let d = 1; d <= Math.min(SIGNS, params.departments); d++) {
				const dept = `d${pad(d)}`;
				const unit = `${dept}-s01-w01`;
				const scope = unitScope(unit);
				const manager = cookieFor(`chef-${unit}`);
				const rep = cookieFor(`so-${unit}`);
				const before = sumRounds(await doc<StatsDoc>(s, hr, 'reports', statsId(dept)), 'signed');
				const roundId = `round:bench-ready-${dept}`;
				for (const [cookie, role, name] of [
					[rep, 'safety_rep', `so-${unit}`],
					[manager, 'manager', `chef-${unit}`],
				] as const) {
					const who = await json<{ displayName: string }>(`${s.base}/api/me`, { cookie });
					const at = new Date().toISOString();
					const res = await request(`${s.base}/db/${scope}/_bulk_docs`, {
						method: 'POST',
						cookie,
						body: JSON.stringify({
							docs: [
								{
									_id: `signature:bench-sign-${dept}-${role}-${Date.now()}`,
									type: 'signature',
									scope,
									roundId,
									signedBy: name,
									signerName: who.displayName,
									role,
									signedAt: at,
									createdAt: at,
									updatedAt: at,
								},
							],
						}),
					});
					if (res.status >= 400 || res.body.includes('"error"')) throw new Error(`signature refused: ${res.body}`);
				}
				const round = await doc<RoundDoc>(s, manager, scope, roundId);
				if (!round) throw new Error(`${roundId} missing`);
				const signed = { ...round, status: 'signed', bands: DEFAULT_RISK_BANDS, updatedAt: new Date().toISOString() };
				const t = Date.now();
				const res = await request(`${s.base}/db/${scope}/_bulk_docs`, {
					method: 'POST',
					cookie: manager,
					body: JSON.stringify({ docs: [signed] }),
				});
				acks.push(Date.now() - t);
				if (res.status >= 400 || res.body.includes('"error"')) throw new Error(`signing refused: ${res.body}`);
				await waitFor(
					`stats:${dept} counting the signed round`,
					async () =>
						sumRounds(await doc<StatsDoc>(s, hr, 'reports', statsId(dept)), 'signed') > before ? true : undefined,
					20,
				);
				reflect.push(Date.now() - t);
			}
			rows.push({
				measure: '(d) signed round → department stats',
				trygg: fmt(median(reflect)),
				reference: fmt(median(acks)),
				ratio: (median(reflect) / median(acks)).toFixed(1),
				note: `median of ${reflect.length} (max ${fmt(Math.max(...reflect))}); budget 2 s; reference: the write's round trip`,
			});
		}

		// ——— (b) HR's whole-organisation view, warm ———
		if (withBrowser && want('b')) await browserView(s);

		if (want('c')) {
			// ——— (c) a batch of responses arriving at the running, caught-up survey-results job ———
			await s.stop();
			server = undefined;
			rows.push(await lateBatch(work));
		}
	} finally {
		await server?.stop();
		if (keep) {
			await rm(keep, { recursive: true, force: true });
			await rename(work, keep);
		} else await rm(work, { recursive: true, force: true });
		printRows();
	}
}

/**
 * (c) A batch of LATE responses arriving at a running survey-results job that has caught up. A
 * closed campaign takes no responses over HTTP (and a backdoor route would be a defect), so the
 * server is built in this process by `buildApp` with main.ts's options (the real jobs, wired as
 * in production, no port), left to catch up, and the batch is written into `anon-responses` as
 * the anonymous road's flush writes it: one `bulkDocs` of stored responses with random ids, in
 * no order. Measured from that write until the published `surveyresult:<campaign>.forv` in
 * `reports` counts them, and until the job is idle again (every node and unit scope written).
 * Reference: the `bulkDocs` itself. `--profile <file>` writes a CPU profile of the measured window.
 */
async function lateBatch(dir: string): Promise<Row> {
	let raw: DocStore | undefined;
	const app = await buildApp({
		dataDir: dir,
		sessionSecret: SECRET,
		seedDemo: true,
		seedHistory: false,
		seedSurveyHistory: true,
		observeStore: (store) => (raw = store),
	});
	try {
		const store = raw as DocStore;
		const resultId = surveyResultId(CAMPAIGN_ID, 'forv');
		const published = async (): Promise<number | undefined> => {
			const [row] = await store.allDocs('reports', [resultId], { includeDocs: true });
			const d = row && 'doc' in row ? (row.doc as (SurveyResultDoc & StoredDoc) | undefined) : undefined;
			return d?.subtree?.responses ?? undefined;
		};
		// Caught up: both report jobs idle with nothing new to read (a restart's catch-up is not the measure).
		const t = Date.now();
		let before: number | undefined;
		for (let round = 0; ; round++) {
			await app.reports.idle();
			await app.surveyResults.refresh();
			await app.surveyResults.idle();
			const n = await published();
			if (n !== undefined && n === before) break;
			if (round > 20) throw new Error('the survey results job did not settle');
			before = n;
		}
		const n0 = before as number;
		process.stdout.write(`(c) jobs caught up in ${fmt(Date.now() - t)}; forv counts ${n0}\n`);
		const [groupsRow] = await store.allDocs(ANON_DB.keys, [`groups~${CAMPAIGN_ID}`], { includeDocs: true });
		const sizes = groupsRow && 'doc' in groupsRow ? (groupsRow.doc?.sizes as Record<string, number>) : {};
		const week = isoWeek(swedishDay(new Date()));
		const late = lateResponses(LATE, Object.keys(sizes), week, Date.now())
			.map((r) => ({ ...r, _id: randomUUID() }))
			.sort((a, b) => a._id.localeCompare(b._id));
		const profile = argText('profile');
		const session = profile ? new Session() : undefined;
		if (session) {
			session.connect();
			await session.post('Profiler.enable');
			await session.post('Profiler.start');
		}
		const t0 = Date.now();
		const written = await store.bulkDocs(ANON_DB.responses, late as unknown as StoredDoc[]);
		const ack = Date.now() - t0;
		if (written.some((r) => !('rev' in r))) throw new Error('the late batch was refused by storage');
		await waitFor('the late batch in forv', async () => ((await published()) === n0 + LATE ? true : undefined), 20);
		const seen = Date.now() - t0;
		await app.surveyResults.idle();
		const settled = Date.now() - t0;
		if (session) {
			const { profile: cpu } = await session.post('Profiler.stop');
			await writeFile(profile as string, JSON.stringify(cpu));
			session.disconnect();
		}
		return {
			measure: `(c) ${LATE} new responses → forv's result`,
			trygg: fmt(seen),
			reference: fmt(ack),
			ratio: (seen / ack).toFixed(1),
			note: `running job, caught up; every node and unit scope written after ${fmt(settled)}; budget 5 s; reference: the batch's bulkDocs`,
		};
	} finally {
		await app.close();
	}
}

async function browserView(s: Target): Promise<void> {
	const launch = config.use?.launchOptions ?? {};
	const browser = await chromium.launch({ ...launch, headless: true });
	try {
		const context = await browser.newContext({ baseURL: s.base, viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		await page.goto('/sign-in');
		await page.locator('body[data-hydrated="true"]').waitFor();
		await page.locator('#name').fill('hr');
		await page.locator('#password').fill(BENCH_PASSWORD);
		await page.locator('button[type="submit"]').click();
		// A full sync finished (the pull included): "all synced" alone says only that the outbox is empty,
		// which it is at once, and the views would be timed on a half-synced device.
		const t = Date.now();
		await page
			.locator('[data-testid="sync-last"]')
			.filter({ hasText: /Senast synkat|Last synced/ })
			.waitFor({ timeout: WAIT_MS });
		const synced = Date.now() - t;
		const firstRow = page.locator('main table tbody tr').first();
		const open = async (): Promise<number> => {
			const t = Date.now();
			await page.goto('/reports');
			await firstRow.waitFor({ timeout: 180_000 });
			return Date.now() - t;
		};
		let cold: number;
		try {
			cold = await open(); // cold: the page's own code and catalogue into the cache
		} catch {
			rows.push({
				measure: '(b) /reports warm',
				trygg: '–',
				reference: '–',
				ratio: '–',
				note: 'no table in main on /reports (page not built on this branch)',
			});
			return;
		}
		const shown = await page.locator('main table tbody tr').count();
		const tableHtml = await page
			.locator('main table')
			.first()
			.evaluate((t) => t.outerHTML);
		const times: number[] = [];
		for (let i = 0; i < OPENS; i++) times.push(await open());
		// Reference: the same table as a plain page of the same origin, same browser. Its own context
		// without service workers: the app's worker would answer the navigation with the app shell.
		const plain = await browser.newContext({
			baseURL: s.base,
			viewport: { width: 1280, height: 900 },
			serviceWorkers: 'block',
		});
		await plain.route('**/bench-reference.html', (route) =>
			route.fulfill({
				contentType: 'text/html',
				body: `<!doctype html><html lang="sv"><head><title>ref</title></head><body><main>${tableHtml}</main></body></html>`,
			}),
		);
		const refPage = await plain.newPage();
		const refs: number[] = [];
		for (let i = 0; i < OPENS; i++) {
			const t = Date.now();
			await refPage.goto('/bench-reference.html');
			await refPage.locator('main table tr').first().waitFor();
			refs.push(Date.now() - t);
		}
		rows.push({
			measure: '(b) HR /reports warm, first table row',
			trygg: fmt(median(times)),
			reference: fmt(median(refs)),
			ratio: (median(times) / median(refs)).toFixed(1),
			note: `median of ${OPENS} (${fmt(Math.min(...times))}–${fmt(Math.max(...times))}; cold ${fmt(cold)}); ${shown} rows; HR's first sync ${fmt(synced)}; budget 1 s; reference: the same table as a plain page`,
		});
	} finally {
		await browser.close();
	}
}

function printRows(): void {
	process.stdout.write(`\nbench:reports ${JSON.stringify(params)}\n`);
	process.stdout.write('| measure | Trygg | reference | ratio | note |\n| --- | ---: | ---: | ---: | --- |\n');
	for (const r of rows)
		process.stdout.write(`| ${r.measure} | ${r.trygg} | ${r.reference} | ${r.ratio} | ${r.note} |\n`);
}

await main();
