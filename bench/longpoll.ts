/**
 * Benchmark (b) and (c): N simulated devices of one unit on `_changes?feed=longpoll`, one
 * more device writing. "Connected" is measured from the server's side of things: from the
 * first request until every device has done its catch-up `_changes`, opened its longpoll,
 * and received a first (warm-up) write through it. Then for each of W writes, the time until
 * every device has it (p50/p95/max over all devices and writes), and the server's peak
 * resident memory sampled during the run (start-up, e.g. password hashing, excluded). Same client code against Trygg and the reference server in
 * the same run. Run: `npm run bench:longpoll [-- --devices 500 --writes 5]`.
 */
import { setMaxListeners } from 'node:events';
import { newId } from '../src/lib/domain/index.ts';
import { agent, arg, json, percentile, request, sampleMemory, startReference, startTrygg, type Target } from './lib.ts';

const DEVICES = arg('devices', 500);
const WRITES = arg('writes', 5);
/** Seconds a side may take to get every device connected before it is reported as not managing. */
const BUDGET_S = arg('budget', 240);

type Seq = string | number;
type Changes = { results: { id: string; seq: Seq }[]; last_seq: Seq };

function roundDoc(): Record<string, unknown> {
	const now = new Date().toISOString();
	return {
		_id: newId('round'),
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: '2026-12-01',
		status: 'planned',
		participants: [],
		createdBy: 'chef',
		createdAt: now,
		updatedAt: now,
	};
}

type Device = { since: string; seen: Map<string, number> };

/** One write; resolves when every device has it (or after 60 s), with each device's delay. */
async function writeAndWait(
	target: Target,
	devices: Device[],
	waitMs = 60_000,
): Promise<{ latencies: number[]; lost: number }> {
	const doc = roundDoc();
	const id = doc._id as string;
	const sent = performance.now();
	await json(`${target.base}${target.db}/_bulk_docs`, {
		method: 'POST',
		cookie: target.cookie,
		body: JSON.stringify({ docs: [doc] }),
	});
	const deadline = sent + waitMs;
	while (devices.some((d) => !d.seen.has(id)) && performance.now() < deadline) {
		await new Promise((r) => setTimeout(r, 5));
	}
	const latencies: number[] = [];
	let lost = 0;
	for (const d of devices) {
		const at = d.seen.get(id);
		if (at === undefined) lost++;
		else latencies.push(at - sent);
	}
	return { latencies, lost };
}

async function run(target: Target): Promise<{
	connectMs: number;
	latencies: number[];
	memoryMb: number;
	lost: number;
	live: number;
	opened: number;
}> {
	const url = `${target.base}${target.db}/_changes`;
	const devices: Device[] = Array.from({ length: DEVICES }, () => ({ since: '0', seen: new Map() }));
	const stop = new AbortController();
	setMaxListeners(0, stop.signal); // every device's request listens to it
	let connected = 0;
	let failures = 0;
	let resolveConnected: () => void = () => undefined;
	const allConnected = new Promise<void>((r) => (resolveConnected = r));

	const memory = sampleMemory(target.proc);
	const t0 = performance.now();
	const loops = devices.map(async (device) => {
		// Catch up first, as a device does when it comes online. A server that drops the connection
		// leaves this device out (counted as not live), instead of ending the benchmark.
		try {
			const first = await json<Changes>(`${url}?since=0`, { cookie: target.cookie });
			device.since = String(first.last_seq);
		} catch {
			failures++;
			return;
		}
		let counted = false;
		while (!stop.signal.aborted) {
			const pending = request(`${url}?feed=longpoll&timeout=60000&since=${encodeURIComponent(device.since)}`, {
				cookie: target.cookie,
				signal: stop.signal,
			});
			if (!counted) {
				counted = true;
				if (++connected === DEVICES) resolveConnected();
			}
			let res;
			try {
				res = await pending;
			} catch {
				if (!stop.signal.aborted) failures++;
				return; // aborted at the end, or the server dropped it
			}
			if (res.status !== 200) {
				failures++; // the server refused or failed this longpoll: the device drops out
				return;
			}
			const page = JSON.parse(res.body) as Changes;
			const at = performance.now();
			for (const row of page.results) if (!device.seen.has(row.id)) device.seen.set(row.id, at);
			device.since = String(page.last_seq);
		}
	});
	const budgetEnd = t0 + BUDGET_S * 1000;
	await Promise.race([
		allConnected,
		new Promise((r) => setTimeout(r, BUDGET_S * 1000)),
		// Every device either opened its longpoll or failed: nothing more to wait for.
		(async () => {
			while (connected + failures < DEVICES) await new Promise((r) => setTimeout(r, 100));
		})(),
	]);
	const opened = connected;
	// A device is live once a write reaches it through its longpoll; the budget bounds the wait
	// (with a short grace, so a side that opened every longpoll at the last moment is not cut off).
	const warmUp = await writeAndWait(target, devices, Math.max(10_000, budgetEnd - performance.now()));
	const live = DEVICES - warmUp.lost;
	const connectMs = live === DEVICES ? performance.now() - t0 : Infinity;

	const latencies: number[] = [];
	let lost = 0;
	for (let w = 0; w < (live === DEVICES ? WRITES : 0); w++) {
		await new Promise((r) => setTimeout(r, 300)); // let every device re-open its longpoll
		const result = await writeAndWait(target, devices);
		latencies.push(...result.latencies);
		lost += result.lost;
	}
	const memoryMb = await memory.stop();
	stop.abort();
	await Promise.allSettled(loops);
	return { connectMs, latencies, memoryMb, lost, live, opened };
}

const figures: Record<string, Awaited<ReturnType<typeof run>>> = {};
for (const start of [startTrygg, startReference]) {
	const target = await start();
	try {
		figures[target.name] = await run(target);
		console.log(target.name, JSON.stringify(row(target.name))); // early, in case the other side never finishes
	} finally {
		await target.stop();
	}
}

function row(name: string) {
	const f = figures[name];
	if (!f) return {};
	return {
		'connect all (ms)': Number.isFinite(f.connectMs)
			? Math.round(f.connectMs)
			: `> ${BUDGET_S} s (${f.opened} opened, ${f.live} live)`,
		'p50 (ms)': Math.round(percentile(f.latencies, 50)),
		'p95 (ms)': Math.round(percentile(f.latencies, 95)),
		'max (ms)': Math.round(percentile(f.latencies, 100)),
		'missed (60 s)': f.lost,
		'peak memory (MB)': Math.round(f.memoryMb),
	};
}
console.log(`longpoll: ${DEVICES} devices on one unit, ${WRITES} writes`);
console.table({ trygg: row('trygg'), reference: row('reference') });
const t = figures.trygg;
const r = figures.reference;
if (t && r && !Number.isFinite(r.connectMs)) {
	console.log(
		`the reference did not get all ${DEVICES} devices live within ${BUDGET_S} s ` +
			`(${r.opened} had their catch-up answered and a longpoll open; ${r.live} received the warm-up write)`,
	);
} else if (t && r) {
	console.log(
		`ratios (Trygg / reference, lower is better): connect ${(t.connectMs / r.connectMs).toFixed(2)}, ` +
			`p95 ${(percentile(t.latencies, 95) / percentile(r.latencies, 95)).toFixed(2)}`,
	);
}

// Keep-alive sockets (and any longpoll left open) must not keep the process running.
agent.destroy();
process.exit(0);
