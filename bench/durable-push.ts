/**
 * Benchmark: durable push (decision 0023). Trygg's embedded store answers a write only after
 * LevelDB's fdatasync; Apache CouchDB 3 answers after its own fsync. Both in the same run, with
 * the same client code:
 * - devices: D devices at once, each pushing R single-document `_bulk_docs` requests one after
 *   another (a save each), so writes to one scope arrive together and group commit matters;
 * - bulk: one device pushing N documents in batches of 500.
 * Targets: Trygg on its embedded store, Trygg on CouchDB (`COUCHDB_URL` for the server), CouchDB
 * 3.5.0 itself (no access checks, no validation), and the npm stand-in (PouchDB, no fsync) as
 * the figure without durability. Median of REPS alternating runs; also the server process's CPU
 * per save (from /proc) for the servers this bench starts.
 * Run: `node bench/durable-push.ts --couchdb http://admin:pw@127.0.0.1:5990 [--devices 20 --saves 50 --docs 3000 --reps 3]`
 * (without --couchdb only the embedded store and the stand-in run).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { newId } from '../src/lib/domain/index.ts';
import { agent, arg, json, median, percentile, request, startReference, startTrygg, type Target } from './lib.ts';

const DEVICES = arg('devices', 20);
const SAVES = arg('saves', 50);
// Together under the 5,000 documents one person may create in a day (quotas), per run: each starts afresh.
const DOCS = arg('docs', 3000);
const REPS = arg('reps', 3);
const BATCH = 500;
const couchArg = process.argv.indexOf('--couchdb');
const COUCH = couchArg >= 0 ? process.argv[couchArg + 1] : undefined;

function round(i: number): Record<string, unknown> {
	// The server takes recorded times only near its own clock.
	const now = new Date().toISOString();
	return {
		_id: newId('round'),
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: now.slice(0, 10),
		status: 'planned',
		participants: Array.from({ length: 10 }, (_, j) => ({
			name: `Deltagare ${i}-${j} Andersson-Lindqvist`,
			role: j === 0 ? 'manager' : j === 1 ? 'safety_rep' : 'other',
		})),
		createdBy: 'chef',
		createdAt: now,
		updatedAt: now,
	};
}

async function push(target: Target, docs: Record<string, unknown>[]): Promise<void> {
	const results = await json<{ error?: string }[]>(`${target.base}${target.db}/_bulk_docs`, {
		method: 'POST',
		cookie: target.cookie,
		body: JSON.stringify({ docs }),
	});
	const failed = results.find((r) => r.error);
	if (failed) throw new Error(`${target.name} refused a document: ${JSON.stringify(failed)}`);
}

type Figures = { devices: number; p50: number; p95: number; bulk: number; cpuPerSave: number | undefined };

/** CPU time (user + system, ms) of a server started here, from /proc; undefined for one started elsewhere. */
function cpuMs(target: Target): number | undefined {
	const pid = target.proc.pid;
	if (!pid || pid === process.pid) return undefined;
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
		return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
	} catch {
		return undefined;
	}
}

async function run(target: Target): Promise<Figures> {
	const latencies: number[] = [];
	let next = 0;
	const cpu0 = cpuMs(target);
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: DEVICES }, async () => {
			for (let s = 0; s < SAVES; s++) {
				const t = performance.now();
				await push(target, [round(next++)]);
				latencies.push(performance.now() - t);
			}
		}),
	);
	const devices = performance.now() - t0;
	const cpu1 = cpuMs(target);
	const docs = Array.from({ length: DOCS }, (_, i) => round(i));
	const t1 = performance.now();
	for (let i = 0; i < docs.length; i += BATCH) await push(target, docs.slice(i, i + BATCH));
	const bulk = performance.now() - t1;
	return {
		devices: ((DEVICES * SAVES) / devices) * 1000,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		bulk: (DOCS / bulk) * 1000,
		cpuPerSave: cpu0 !== undefined && cpu1 !== undefined ? (cpu1 - cpu0) / (DEVICES * SAVES) : undefined,
	};
}

/** CouchDB itself: a fresh database, Basic auth from the URL (Node's http takes it from there). */
function couchBase(url: string): string {
	const u = new URL(url);
	return `${u.protocol}//${u.username}:${u.password}@${u.host}`;
}

async function startCouch(url: string): Promise<Target> {
	const base = couchBase(url);
	const db = `/bench_${randomBytes(4).toString('hex')}`;
	await json(`${base}${db}`, { method: 'PUT' });
	return {
		name: 'couchdb',
		base,
		db,
		cookie: '',
		proc: process as never,
		stop: async () => void (await request(`${base}${db}`, { method: 'DELETE' })),
	};
}

const starters: Record<string, () => Promise<Target>> = {
	'trygg embedded': async () => ({ ...(await startTrygg({ env: { COUCHDB_URL: '' } })), name: 'trygg embedded' }),
	'npm stand-in (no fsync)': async () => ({ ...(await startReference()), name: 'npm stand-in (no fsync)' }),
};
if (COUCH) {
	starters['trygg on CouchDB'] = async () => {
		const prefix = `bench_${randomBytes(4).toString('hex')}_`;
		const target = await startTrygg({ env: { COUCHDB_URL: COUCH, COUCHDB_PREFIX: prefix } });
		const base = couchBase(COUCH);
		return {
			...target,
			name: 'trygg on CouchDB',
			stop: async () => {
				await target.stop();
				for (const db of (await json<string[]>(`${base}/_all_dbs`)).filter((d) => d.startsWith(prefix))) {
					await request(`${base}/${encodeURIComponent(db)}`, { method: 'DELETE' });
				}
			},
		};
	};
	starters['CouchDB 3.5.0'] = async () => ({ ...(await startCouch(COUCH)), name: 'CouchDB 3.5.0' });
}

const results: Record<string, Figures[]> = Object.fromEntries(Object.keys(starters).map((k) => [k, []]));
for (let rep = 0; rep < REPS; rep++) {
	// Rotate the order so a noisy neighbour does not always hit the same target.
	const names = Object.keys(starters);
	const order = [...names.slice(rep % names.length), ...names.slice(0, rep % names.length)];
	for (const name of order) {
		const target = await (starters[name] as () => Promise<Target>)();
		try {
			results[name]?.push(await run(target));
		} finally {
			await target.stop();
		}
	}
}

const round0 = (n: number) => Math.round(n);
console.log(
	`durable push: ${DEVICES} devices × ${SAVES} single-document saves, then ${DOCS} docs in batches of ${BATCH}; median of ${REPS}`,
);
console.table(
	Object.fromEntries(
		Object.entries(results).map(([name, r]) => [
			name,
			{
				'devices docs/s': round0(median(r.map((x) => x.devices))),
				'save p50 ms': round0(median(r.map((x) => x.p50))),
				'save p95 ms': round0(median(r.map((x) => x.p95))),
				'bulk docs/s': round0(median(r.map((x) => x.bulk))),
				// The server process's CPU while the devices save (its thread pool included); not known for CouchDB.
				'server CPU ms/save': r.every((x) => x.cpuPerSave !== undefined)
					? median(r.map((x) => x.cpuPerSave as number)).toFixed(2)
					: '–',
			},
		]),
	),
);
// Keep-alive sockets must not keep the process running.
agent.destroy();
process.exit(0);
