/**
 * Bounded by design (issue 10, item 5): every route a staff member can call, under 50 parallel
 * callers, on a unit that is empty and then on the same unit grown large (thousands of rounds
 * and tens of thousands of answers). The server runs in this process (`buildApp`) on a temp
 * data folder; each route is called by 50 callers at once, each making `--requests` calls one
 * after another, and reports p50/p95/max latency. The reference in the same run is the
 * server's trivial welcome route `GET /db/` under the same load, and each route on the empty
 * unit: "large/empty" near 1 says the route does not grow with the unit. Resident memory
 * (RSS, this process: server and client) is taken after a garbage collection before and after
 * each phase. Run: `npm run bench:staff-routes [-- --rounds 2000 --answers 20000 --requests 10]`
 * (`--only prereport,members` for some routes only).
 *
 * Left out on purpose: the routes that check a password (`POST /db/_session`,
 * `POST /api/me/password`, `POST /api/rounds/sign`), which the sign-in guard bounds by design
 * (scrypt, at most a few at once), and `DELETE /db/_session`, which ends the session.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newId } from '../src/lib/domain/index.ts';
import { buildApp } from '../sync-server/src/app.ts';
import { arg, percentile } from './lib.ts';

const ROUNDS = arg('rounds', 2_000);
const ANSWERS = arg('answers', 20_000);
const REQUESTS = arg('requests', 10);
const CALLERS = 50;
/** `--only a,b`: only the routes whose name holds one of these (the welcome reference always runs). */
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : [];
const NOW = new Date().toISOString();

const agent = new http.Agent({ keepAlive: true, maxSockets: CALLERS * 2 });
type Reply = { status: number; body: string };

function call(
	base: string,
	method: string,
	url: string,
	opts: { cookie?: string; body?: string | Buffer; type?: string } = {},
): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			base + url,
			{
				method,
				agent,
				headers: {
					accept: 'application/json',
					...(opts.body !== undefined ? { 'content-type': opts.type ?? 'application/json' } : {}),
					...(opts.cookie ? { cookie: opts.cookie } : {}),
				},
			},
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (c: string) => (body += c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(opts.body);
	});
}

function rssMb(): number {
	(globalThis as { gc?: () => void }).gc?.();
	return Math.round(process.memoryUsage().rss / (1024 * 1024));
}

const dir = await mkdtemp(path.join(tmpdir(), 'trygg-bench-staff-'));
// Seeding writes tens of thousands of documents as two people in one day: far past the per-person
// day quota, which is not what is measured here; the unit's own quota stays.
const app = await buildApp({
	dataDir: dir,
	sessionSecret: 'bench-secret-bench-secret-bench-secret',
	seedDemo: true,
	quotas: { docsPerPersonDay: 1e9, submitOnlyDocsPerPersonDay: 1e9 },
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

async function signIn(name: string): Promise<string> {
	const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
		const req = http.request(
			`${base}/db/_session`,
			{ method: 'POST', headers: { 'content-type': 'application/json' } },
			resolve,
		);
		req.on('error', reject);
		req.end(JSON.stringify({ name, password: 'trygg-demo' }));
	});
	res.resume();
	const cookie = (res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
	if (!cookie) throw new Error(`could not sign in as ${name}`);
	return cookie;
}
const chef = await signIn('chef');
const staff = await signIn('medarbetare');

function round(fields: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		_id: newId('round'),
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: '2027-01-15',
		status: 'planned',
		participants: [],
		createdBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
		...fields,
	};
}

async function bulk(docs: Record<string, unknown>[]): Promise<void> {
	for (let i = 0; i < docs.length; i += 500) {
		const res = await call(base, 'POST', '/db/unit-a1/_bulk_docs', {
			cookie: chef,
			body: JSON.stringify({ docs: docs.slice(i, i + 500) }),
		});
		const rows = JSON.parse(res.body) as { ok?: boolean; reason?: string }[];
		const refused = rows.find((r) => !r.ok);
		if (res.status !== 200 || refused) throw new Error(`seeding refused: ${res.status} ${refused?.reason ?? res.body}`);
	}
}

/** The large unit: rounds (every tenth planned and taking pre-reports, the rest walked) and their answers. */
async function seed(): Promise<{ open: string }> {
	const rounds = Array.from({ length: ROUNDS }, (_, i) =>
		i % 10 === 0
			? round({ prereports: true, date: `2027-02-${String((i % 28) + 1).padStart(2, '0')}` })
			: round({ status: 'in_progress' }),
	);
	await bulk(rounds);
	const walked = rounds.filter((r) => r.status === 'in_progress');
	const answers = Array.from({ length: ANSWERS }, (_, i) => {
		const r = walked[i % walked.length] as { _id: string };
		return {
			_id: newId('answer'),
			type: 'answer',
			scope: 'unit-a1',
			roundId: r._id,
			itemId: `item-${Math.floor(i / walked.length) + 1}`,
			value: i % 7 === 0 ? 'no' : 'yes',
			comment: i % 7 === 0 ? 'Lös kabel vid dörren, behöver fästas.' : '',
			fixedOnSite: false,
			fixedNote: '',
			photos: [],
			stamp: `${Date.parse(NOW)}-0000-bench-device`,
			answeredAt: NOW,
			answeredBy: 'chef',
			answeredByName: 'Anna Chef',
			createdAt: NOW,
			updatedAt: NOW,
		};
	});
	await bulk(answers);
	return { open: String(rounds[0]?._id) };
}

type Route = { name: string; run: (caller: number) => Promise<Reply>; ok: (status: number) => boolean };

/** Per caller, what it needs across its calls: its checkpoint's revision. */
const localRevs = new Map<number, string>();
let openRound = round()._id as string;

function jpeg(): { bytes: Buffer; sha: string } {
	const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(2044)]);
	return { bytes, sha: createHash('sha256').update(new Uint8Array(bytes)).digest('hex') };
}
const photoOfCaller = new Map<number, string>();

const routes: Route[] = [
	{ name: 'GET /db/ (welcome, reference)', run: () => call(base, 'GET', '/db/'), ok: (s) => s === 200 },
	{ name: 'GET /api/health', run: () => call(base, 'GET', '/api/health'), ok: (s) => s === 200 },
	{ name: 'GET /db/_session', run: () => call(base, 'GET', '/db/_session', { cookie: staff }), ok: (s) => s === 200 },
	{ name: 'GET /api/me', run: () => call(base, 'GET', '/api/me', { cookie: staff }), ok: (s) => s === 200 },
	{
		name: 'GET /api/prereport-rounds',
		run: () => call(base, 'GET', '/api/prereport-rounds', { cookie: staff }),
		ok: (s) => s === 200,
	},
	{
		name: 'GET /api/units/a1/members (403)',
		run: () => call(base, 'GET', '/api/units/a1/members', { cookie: staff }),
		ok: (s) => s === 403,
	},
	{
		name: 'GET /api/admin/users (403)',
		run: () => call(base, 'GET', '/api/admin/users', { cookie: staff }),
		ok: (s) => s === 403,
	},
	{ name: 'GET /db/org', run: () => call(base, 'GET', '/db/org', { cookie: staff }), ok: (s) => s === 200 },
	{
		name: 'GET /db/org/_changes?limit=100',
		run: () => call(base, 'GET', '/db/org/_changes?include_docs=true&limit=100', { cookie: staff }),
		ok: (s) => s === 200,
	},
	{
		name: 'GET /db/user-medarbetare/_changes',
		run: () => call(base, 'GET', '/db/user-medarbetare/_changes?include_docs=true&limit=100', { cookie: staff }),
		ok: (s) => s === 200,
	},
	{
		name: 'POST /db/org/_all_docs',
		run: () =>
			call(base, 'POST', '/db/org/_all_docs?include_docs=true', {
				cookie: staff,
				body: JSON.stringify({ keys: ['unit:a1', 'template:physical.v1', 'settings:risk'] }),
			}),
		ok: (s) => s === 200,
	},
	{
		name: 'GET /db/unit-a1/_changes (403)',
		run: () => call(base, 'GET', '/db/unit-a1/_changes', { cookie: staff }),
		ok: (s) => s === 403,
	},
	{
		name: 'POST /db/unit-a1/_bulk_docs (pre-report)',
		run: () =>
			call(base, 'POST', '/db/unit-a1/_bulk_docs', {
				cookie: staff,
				body: JSON.stringify({
					docs: [
						{
							_id: newId('prereport'),
							type: 'prereport',
							scope: 'unit-a1',
							unitId: 'a1',
							roundId: openRound,
							submittedBy: 'medarbetare',
							submitterName: 'Mats Medarbetare',
							title: 'Dörren till förrådet kärvar',
							description: '',
							location: 'Förrådet',
							createdAt: NOW,
							updatedAt: NOW,
						},
					],
				}),
			}),
		ok: (s) => s === 200,
	},
	{
		name: 'PUT /db/user-medarbetare/_local/:id',
		run: async (caller) => {
			const rev = localRevs.get(caller);
			const res = await call(base, 'PUT', `/db/user-medarbetare/_local/bench-${caller}`, {
				cookie: staff,
				body: JSON.stringify({ last_seq: String(caller), ...(rev ? { _rev: rev } : {}) }),
			});
			if (res.status === 201) localRevs.set(caller, (JSON.parse(res.body) as { rev: string }).rev);
			return res;
		},
		ok: (s) => s === 201,
	},
	{
		name: 'GET /db/user-medarbetare/_local/:id',
		run: (caller) => call(base, 'GET', `/db/user-medarbetare/_local/bench-${caller}`, { cookie: staff }),
		ok: (s) => s === 200,
	},
	{
		name: 'PUT /db/user-medarbetare/_blobs/:sha (2 kB)',
		run: async (caller) => {
			const p = jpeg();
			photoOfCaller.set(caller, p.sha);
			return call(base, 'PUT', `/db/user-medarbetare/_blobs/${p.sha}`, {
				cookie: staff,
				body: p.bytes,
				type: 'image/jpeg',
			});
		},
		ok: (s) => s === 201,
	},
	{
		name: 'GET /db/user-medarbetare/_blobs/:sha',
		run: (caller) =>
			call(base, 'GET', `/db/user-medarbetare/_blobs/${photoOfCaller.get(caller) ?? ''}`, { cookie: staff }),
		ok: (s) => s === 200,
	},
];

if (ONLY.length > 0) {
	const kept = routes.filter((r, i) => i === 0 || ONLY.some((o) => r.name.includes(o)));
	routes.splice(0, routes.length, ...kept);
}

type Figures = { p50: number; p95: number; max: number; failed: number };

/** 50 callers at once, each making REQUESTS calls in turn. */
async function load(route: Route): Promise<Figures> {
	const latencies: number[] = [];
	let failed = 0;
	await Promise.all(
		Array.from({ length: CALLERS }, async (_, caller) => {
			for (let i = 0; i < REQUESTS; i++) {
				const t0 = performance.now();
				const res = await route.run(caller);
				latencies.push(performance.now() - t0);
				if (!route.ok(res.status)) failed++;
			}
		}),
	);
	return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: percentile(latencies, 100), failed };
}

async function phase(): Promise<Map<string, Figures>> {
	const out = new Map<string, Figures>();
	for (const route of routes) {
		await load(route); // warm-up: the first answers open databases and fill caches
		out.set(route.name, await load(route));
	}
	return out;
}

const memory: [string, number][] = [['start', rssMb()]];
const empty = await phase();
memory.push(['after the empty-unit load', rssMb()]);
const t0 = performance.now();
const seeded = await seed();
openRound = seeded.open;
const seedSeconds = (performance.now() - t0) / 1000;
memory.push([`after seeding ${ROUNDS} rounds and ${ANSWERS} answers`, rssMb()]);
// The first pre-report list after the unit grew reads what changed (the whole seeding) once.
const c0 = performance.now();
await call(base, 'GET', '/api/prereport-rounds', { cookie: staff });
const catchUpMs = performance.now() - c0;
const large = await phase();
memory.push(['after the large-unit load', rssMb()]);
const again = await phase();
memory.push(['after a second large-unit load', rssMb()]);

const ms = (n: number): number => Math.round(n * 10) / 10;
const welcome = large.get(routes[0]?.name ?? '');
const rows: Record<string, Record<string, number | string>> = {};
for (const route of routes) {
	const e = empty.get(route.name) as Figures;
	const l = large.get(route.name) as Figures;
	const a = again.get(route.name) as Figures;
	rows[route.name] = {
		'empty p95': ms(e.p95),
		'large p50': ms(l.p50),
		'large p95': ms(l.p95),
		'large max': ms(Math.max(l.max, a.max)),
		'large/empty p95': ms(l.p95 / e.p95),
		'p95 / welcome p95': welcome ? ms(l.p95 / welcome.p95) : '',
		failed: e.failed + l.failed + a.failed,
	};
}
console.log(
	`staff routes: ${CALLERS} callers × ${REQUESTS} calls per route; large unit ${ROUNDS} rounds (${ROUNDS / 10} take pre-reports) ` +
		`and ${ANSWERS} answers, seeded in ${seedSeconds.toFixed(1)} s; first pre-report list after seeding ${Math.round(catchUpMs)} ms`,
);
console.table(rows);
console.table(Object.fromEntries(memory.map(([k, v]) => [k, { 'RSS (MB)': v }])));
const worst = Math.max(...routes.map((r) => Math.max(large.get(r.name)?.max ?? 0, again.get(r.name)?.max ?? 0)));
console.log(`slowest single answer on the large unit: ${Math.round(worst)} ms (goal: under 1000 ms)`);

await app.close();
agent.destroy();
await rm(dir, { recursive: true, force: true });
