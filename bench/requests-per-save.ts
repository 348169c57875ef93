/**
 * Benchmark (issue 11, item 1): how many HTTP requests a device makes for one saved answer. The
 * device is the app's own replicator (src/lib/sync/replicator.ts) on a Dexie database in
 * fake-indexeddb, syncing the scopes `/api/me` lists, against Trygg's sync server in a child
 * process. For each demo account (`chef`: one unit; `avdchef`: a division and its three units) it
 * syncs, goes live, then saves an answer `--saves` times the way the app does (save on the
 * device, then `kick()`), and counts every request started from the save until the device is quiet
 * again (outbox empty, only longpolls open, nothing started or ended for `--quiet` ms).
 * It uses only the replicator's public API (`start`, `kick`, `stop`) and `saveDoc`, so the same
 * file measures an older tree too (docs/benchmarks.md: main before the one feed).
 * Run: `npm run bench:requests-per-save [-- --saves 5 --quiet 1000]`.
 */
import 'fake-indexeddb/auto';
import { newId } from '../src/lib/domain/index.ts';
import { TryggDb } from '../src/lib/db/app-db.ts';
import { saveDoc } from '../src/lib/db/docs-repo.ts';
import type { FetchLike } from '../src/lib/sync/http.ts';
import { Replicator } from '../src/lib/sync/replicator.ts';
import { arg, median, startTrygg } from './lib.ts';

const SAVES = arg('saves', 5);
const QUIET_MS = arg('quiet', 1000);
const USERS = [
	{ name: 'chef', unitId: 'a1' },
	{ name: 'avdchef', unitId: 'avd-a' },
] as const;

type Kind = 'push' | 'pull' | 'longpoll' | 'other';
type Seen = { kind: Kind; open: boolean; at: number };

/** What a request is, from its path and body (per-scope `_changes` or the one feed). */
function kindOf(url: string, init: RequestInit | undefined): Kind {
	if (url.endsWith('/_bulk_docs')) return 'push';
	const body = typeof init?.body === 'string' ? init.body : '';
	if (url.includes('feed=longpoll') || body.includes('"feed":"longpoll"')) return 'longpoll';
	if (url.includes('/_changes') || url.endsWith('/_trygg/changes')) return 'pull';
	return 'other';
}

async function signIn(base: string, name: string): Promise<string> {
	const res = await fetch(`${base}/db/_session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: 'trygg-demo' }),
	});
	if (res.status !== 200) throw new Error(`sign-in as ${name}: ${res.status}`);
	return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** A device's fetch that keeps its session and notes every request. */
function device(base: string, cookie: string): FetchLike & { seen: Seen[]; last: number } {
	const fn = (async (url: string, init?: RequestInit) => {
		const entry: Seen = { kind: kindOf(url, init), open: true, at: performance.now() };
		fn.seen.push(entry);
		fn.last = entry.at;
		const headers = new Headers(init?.headers);
		headers.set('cookie', cookie);
		try {
			const response = await fetch(base + url, { ...init, headers });
			const body = await response.arrayBuffer();
			return new Response(body, { status: response.status, headers: response.headers });
		} finally {
			entry.open = false;
			fn.last = performance.now();
		}
	}) as FetchLike & { seen: Seen[]; last: number };
	fn.seen = [];
	fn.last = performance.now();
	return fn;
}

/** Until the outbox is empty, only longpolls are open and nothing moved for QUIET_MS. */
async function quiet(db: TryggDb, f: ReturnType<typeof device>): Promise<void> {
	const deadline = performance.now() + 60_000;
	for (;;) {
		const settled =
			(await db.outbox.count()) === 0 &&
			f.seen.every((s) => !s.open || s.kind === 'longpoll') &&
			f.seen.some((s) => s.open) &&
			performance.now() - f.last >= QUIET_MS;
		if (settled) return;
		if (performance.now() > deadline) throw new Error('the device did not settle within 60 s');
		await new Promise((r) => setTimeout(r, 50));
	}
}

function answer(scope: string, roundId: string, i: number, user: string): Parameters<typeof saveDoc>[1] {
	const now = new Date().toISOString();
	return {
		_id: newId('answer'),
		type: 'answer',
		scope,
		roundId,
		itemId: `physical-${String((i % 12) + 1).padStart(2, '0')}`,
		value: 'no',
		comment: `Mätning ${i}`,
		fixedOnSite: false,
		fixedNote: '',
		photos: [],
		stamp: `${String(Date.now()).padStart(13, '0')}-${String(i).padStart(4, '0')}-bench`,
		answeredAt: now,
		answeredBy: user,
		answeredByName: user,
		createdAt: now,
		updatedAt: now,
	};
}

async function measure(base: string, user: (typeof USERS)[number]) {
	const f = device(base, await signIn(base, user.name));
	const me = (await (await f('/api/me')).json()) as { scopes: { scope: string }[] };
	const scopes = me.scopes.map((s) => s.scope);
	const db = new TryggDb(`bench-${user.name}-${Math.random()}`);
	const replicator = new Replicator({ db, fetch: f, scopes: () => scopes });
	const scope = `unit-${user.unitId}`;
	const now = new Date().toISOString();
	const round = {
		_id: newId('round'),
		type: 'round' as const,
		scope,
		unitId: user.unitId,
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: '2026-12-01',
		status: 'in_progress' as const,
		participants: [],
		createdBy: user.name,
		createdAt: now,
		updatedAt: now,
	};
	await saveDoc(db, round);
	replicator.start();
	await quiet(db, f);
	const counts: Record<Kind, number>[] = [];
	for (let i = 0; i < SAVES; i++) {
		const mark = f.seen.length;
		await saveDoc(db, answer(scope, round._id, i, user.name));
		replicator.kick();
		await quiet(db, f);
		const count: Record<Kind, number> = { push: 0, pull: 0, longpoll: 0, other: 0 };
		for (const s of f.seen.slice(mark)) count[s.kind]++;
		counts.push(count);
	}
	// Long-lived requests held while the device is live and quiet.
	const openLongpolls = f.seen.filter((s) => s.open && s.kind === 'longpoll').length;
	await replicator.stop();
	db.close();
	const total = counts.map((c) => c.push + c.pull + c.longpoll + c.other);
	const of = (kind: Kind) => median(counts.map((c) => c[kind]));
	return {
		user: user.name,
		scopes: scopes.length,
		median: median(total),
		max: Math.max(...total),
		push: of('push'),
		pull: of('pull'),
		longpoll: of('longpoll'),
		other: of('other'),
		openLongpolls,
	};
}

const target = await startTrygg();
try {
	const rows = [];
	for (const user of USERS) rows.push(await measure(target.base, user));
	console.log(`Requests per saved answer (${SAVES} saves each, median; quiet after ${QUIET_MS} ms)\n`);
	console.log('| user | scopes synced | requests per save | max | push | pull | longpoll | other | longpolls open |');
	console.log('| ---- | ------------: | ----------------: | --: | ---: | ---: | -------: | ----: | -------------: |');
	for (const r of rows) {
		console.log(
			`| ${r.user} | ${r.scopes} | ${r.median} | ${r.max} | ${r.push} | ${r.pull} | ${r.longpoll} | ${r.other} | ${r.openLongpolls} |`,
		);
	}
} finally {
	await target.stop();
}
