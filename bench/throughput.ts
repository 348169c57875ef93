/**
 * Benchmark (a): push 10,000 documents of about 1 KB through `_bulk_docs`, then pull them
 * into an empty device store (Dexie on fake-indexeddb) through `_changes`, against Trygg's
 * sync server and, in the same run with the same client code, against the reference
 * CouchDB-compatible server. Trygg checks access and validates every document; the
 * reference does neither. Run: `npm run bench:throughput [-- --docs 10000 --reps 3]`.
 */
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { newId } from '../src/lib/domain/index.ts';
import { agent, arg, json, median, sampleMemory, startReference, startTrygg, type Target } from './lib.ts';

const DOCS = arg('docs', 10_000);
const REPS = arg('reps', 3);
const BATCH = 500;

/** A valid round header of about 1 KB (ten named participants). */
function makeDocs(n: number): Record<string, unknown>[] {
	const now = new Date().toISOString();
	return Array.from({ length: n }, (_, i) => ({
		_id: newId('round'),
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: '2026-12-01',
		status: 'planned',
		participants: Array.from({ length: 10 }, (_, j) => ({
			name: `Deltagare ${i}-${j} Andersson-Lindqvist`,
			role: j === 0 ? 'manager' : j === 1 ? 'safety_rep' : 'other',
		})),
		createdBy: 'chef',
		createdAt: now,
		updatedAt: now,
	}));
}

type Figures = { push: number; pull: number; pullTransfer: number };

async function run(target: Target, docs: Record<string, unknown>[]): Promise<Figures> {
	const t0 = performance.now();
	for (let i = 0; i < docs.length; i += BATCH) {
		const results = await json<{ error?: string }[]>(`${target.base}${target.db}/_bulk_docs`, {
			method: 'POST',
			cookie: target.cookie,
			body: JSON.stringify({ docs: docs.slice(i, i + BATCH) }),
		});
		const failed = results.find((r) => r.error);
		if (failed) throw new Error(`${target.name} refused a document: ${JSON.stringify(failed)}`);
	}
	const push = performance.now() - t0;

	const device = new Dexie(`bench-${target.name}-${Math.random()}`);
	device.version(1).stores({ docs: '_id', checkpoints: 'scope' });
	let since = '0';
	let transfer = 0;
	let pulled = 0;
	const t1 = performance.now();
	for (;;) {
		const t = performance.now();
		const page = await json<{ results: { seq: string | number; doc: { _id: string } }[]; last_seq: string | number }>(
			`${target.base}${target.db}/_changes?include_docs=true&limit=${BATCH}&since=${encodeURIComponent(since)}`,
			{ cookie: target.cookie },
		);
		transfer += performance.now() - t;
		if (page.results.length === 0) break;
		await device.transaction('rw', 'docs', 'checkpoints', async () => {
			await device.table('docs').bulkPut(page.results.map((r) => r.doc));
			await device.table('checkpoints').put({ scope: 'bench', since: String(page.last_seq) });
		});
		pulled += page.results.length;
		since = String(page.last_seq);
	}
	const pull = performance.now() - t1;
	if (pulled < docs.length) throw new Error(`${target.name}: pulled ${pulled} of ${docs.length}`);
	device.close();
	await Dexie.delete(device.name);
	return { push, pull, pullTransfer: transfer };
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const results: Record<string, Figures[]> = { trygg: [], reference: [] };
const memory: Record<string, number> = { trygg: 0, reference: 0 };

for (let rep = 0; rep < REPS; rep++) {
	// Alternate the order so a noisy neighbour does not always hit the same side.
	const order = rep % 2 === 0 ? [startTrygg, startReference] : [startReference, startTrygg];
	for (const start of order) {
		const target = await start();
		try {
			const sampler = sampleMemory(target.proc);
			results[target.name]?.push(await run(target, makeDocs(DOCS)));
			memory[target.name] = Math.max(memory[target.name] ?? 0, await sampler.stop());
		} finally {
			await target.stop();
		}
	}
}

const summary = (name: string) => {
	const r = results[name] ?? [];
	return {
		push: rate(DOCS, median(r.map((x) => x.push))),
		pull: rate(DOCS, median(r.map((x) => x.pull))),
		transfer: rate(DOCS, median(r.map((x) => x.pullTransfer))),
		memory: Math.round(memory[name] ?? 0),
	};
};
const t = summary('trygg');
const ref = summary('reference');
const ratio = (a: number, b: number) => (a / b).toFixed(2);
console.log(`throughput: ${DOCS} docs of ~1 KB, median of ${REPS} runs, docs/s (ratio = Trygg / reference)`);
console.table({
	'push (_bulk_docs)': { trygg: t.push, reference: ref.push, ratio: ratio(t.push, ref.push) },
	'pull into device store': { trygg: t.pull, reference: ref.pull, ratio: ratio(t.pull, ref.pull) },
	'pull, server part (_changes)': {
		trygg: t.transfer,
		reference: ref.transfer,
		ratio: ratio(t.transfer, ref.transfer),
	},
	'peak server memory (MB)': { trygg: t.memory, reference: ref.memory, ratio: ratio(t.memory, ref.memory) },
});

// Keep-alive sockets (and any longpoll left open) must not keep the process running.
agent.destroy();
process.exit(0);
