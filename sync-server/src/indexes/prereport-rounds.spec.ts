/**
 * The pre-report round index reads what changed since its last answer, never the whole unit:
 * the documents it reads per answer are the same for a unit of a few documents and one of
 * thousands (counted at the store, no timings).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/lib/domain/index.ts';
import type { AllDocsRow, ChangesResult, DocStore, StoredDoc } from '../store/doc-store.ts';
import { PouchStore } from '../store/pouch-store.ts';
import { CATCH_UP_PAGE, PrereportRoundIndex } from './prereport-rounds.ts';

/** The store, counting what each call reads: change rows, and document bodies. */
class CountingStore implements DocStore {
	changeCalls = 0;
	changeRows = 0;
	docsRead = 0;
	/** Make the next `changes` with a `since` refuse it, as a rebuilt store would. */
	refuseNextSince = false;
	readonly #inner: DocStore;
	constructor(inner: DocStore) {
		this.#inner = inner;
	}
	reset(): void {
		this.changeCalls = this.changeRows = this.docsRead = 0;
	}
	info(scope: string) {
		return this.#inner.info(scope);
	}
	async changes(
		scope: string,
		opts: { since?: string; limit?: number; includeDocs?: boolean },
	): Promise<ChangesResult> {
		this.changeCalls++;
		if (this.refuseNextSince && opts.since !== undefined) {
			this.refuseNextSince = false;
			throw new AppError('bad_request', 'since is not a sequence of this server');
		}
		const res = await this.#inner.changes(scope, opts);
		this.changeRows += res.results.length;
		this.docsRead += res.results.filter((r) => r.doc).length;
		return res;
	}
	bulkDocs(scope: string, docs: StoredDoc[]) {
		return this.#inner.bulkDocs(scope, docs);
	}
	async allDocs(scope: string, keys: string[], opts?: { includeDocs?: boolean }): Promise<AllDocsRow[]> {
		const rows = await this.#inner.allDocs(scope, keys, opts);
		this.docsRead += rows.filter((r) => 'doc' in r && r.doc).length;
		return rows;
	}
	getLocal(scope: string, id: string) {
		return this.#inner.getLocal(scope, id);
	}
	putLocal(scope: string, id: string, doc: Record<string, unknown>) {
		return this.#inner.putLocal(scope, id, doc);
	}
	waitForChange(scope: string, signal: AbortSignal, since?: string) {
		return this.#inner.waitForChange(scope, signal, since);
	}
	close() {
		return this.#inner.close();
	}
}

let dir: string;
let inner: PouchStore;
let store: CountingStore;
let index: PrereportRoundIndex;
beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'trygg-index-'));
	inner = new PouchStore({ dataDir: dir });
	store = new CountingStore(inner);
	index = new PrereportRoundIndex(store);
});
afterEach(async () => {
	await inner.close();
	await rm(dir, { recursive: true, force: true });
});

let n = 0;
const round = (fields: Record<string, unknown> = {}): StoredDoc => ({
	_id: `round:r${++n}`,
	type: 'round',
	status: 'planned',
	date: `2027-01-${String((n % 28) + 1).padStart(2, '0')}`,
	templateId: 'template:physical.v1',
	...fields,
});
const answer = (roundId: string): StoredDoc => ({ _id: `answer:a${++n}`, type: 'answer', roundId, value: 'yes' });

/** A unit with three rounds that take pre-reports among `otherRounds` that do not, and `answers` answers. */
async function fillUnit(scope: string, otherRounds: number, answers: number): Promise<string[]> {
	const open = [round({ prereports: true }), round({ prereports: true }), round({ prereports: true })];
	const others = Array.from({ length: otherRounds }, (_, i) =>
		round(i % 2 ? { prereports: true, status: 'signed' } : {}),
	);
	await inner.bulkDocs(scope, [...open, ...others]);
	for (let i = 0; i < answers; i += 500) {
		const batch = Array.from({ length: Math.min(500, answers - i) }, () => answer(others[0]?._id ?? 'round:x'));
		await inner.bulkDocs(scope, batch);
	}
	return open.map((r) => r._id);
}

const ids = (rounds: { roundId: string }[]) => rounds.map((r) => r.roundId).sort();

describe('PrereportRoundIndex', () => {
	it('lists the planned rounds that take pre-reports, and nothing else', async () => {
		const open = await fillUnit('unit-a1', 6, 20);
		expect(ids(await index.rounds('unit-a1'))).toEqual([...open].sort());
		const [first] = await index.rounds('unit-a1');
		expect(first).toEqual({
			roundId: expect.any(String),
			date: expect.any(String),
			templateId: 'template:physical.v1',
		});
		expect(await index.rounds('unit-b1')).toEqual([]);
	});

	it('reads the same few documents per answer for a unit of 20 documents and one of 3,000', async () => {
		const small = await fillUnit('unit-small', 2, 15);
		const large = await fillUnit('unit-large', 200, 2_800);
		const reads: Record<string, { changeRows: number; docsRead: number }[]> = {};
		for (const [scope, open] of [
			['unit-small', small],
			['unit-large', large],
		] as const) {
			await index.rounds(scope); // the first answer after a start reads the feed once
			const seen: { changeRows: number; docsRead: number }[] = [];
			// Nothing written since: nothing read.
			store.reset();
			expect(ids(await index.rounds(scope))).toEqual([...open].sort());
			seen.push({ changeRows: store.changeRows, docsRead: store.docsRead });
			// One round planned and one answer given since: those two changes, and the round's body.
			const next = round({ prereports: true });
			await inner.bulkDocs(scope, [next, answer(next._id)]);
			store.reset();
			expect(ids(await index.rounds(scope))).toEqual([...open, next._id].sort());
			seen.push({ changeRows: store.changeRows, docsRead: store.docsRead });
			reads[scope] = seen;
		}
		expect(reads['unit-small']).toEqual([
			{ changeRows: 0, docsRead: 0 },
			{ changeRows: 2, docsRead: 1 },
		]);
		expect(reads['unit-large']).toEqual(reads['unit-small']);
	});

	it('reads a large unit in pages the first time, never with document bodies in the feed', async () => {
		await fillUnit('unit-a1', 10, CATCH_UP_PAGE * 2);
		store.reset();
		await index.rounds('unit-a1');
		expect(store.changeCalls).toBe(3);
		// Only the 13 rounds' bodies: the answers are known to be none of its business by their ids.
		expect(store.docsRead).toBe(13);
	});

	it('resumes from its saved state after a restart, reading only what changed since', async () => {
		const open = await fillUnit('unit-a1', 20, CATCH_UP_PAGE * 2);
		await index.rounds('unit-a1'); // the very first answer reads the feed and saves the index
		const next = round({ prereports: true });
		await inner.bulkDocs('unit-a1', [next]);
		const restarted = new PrereportRoundIndex(store);
		store.reset();
		expect(ids(await restarted.rounds('unit-a1'))).toEqual([...open, next._id].sort());
		expect({ changeRows: store.changeRows, docsRead: store.docsRead }).toEqual({ changeRows: 1, docsRead: 1 });
	});

	it('drops a round that starts, stops taking pre-reports, or is deleted', async () => {
		const [a, b, c] = await fillUnit('unit-a1', 0, 0);
		expect(ids(await index.rounds('unit-a1'))).toHaveLength(3);
		const rows = await inner.allDocs('unit-a1', [a, b, c] as string[], { includeDocs: true });
		const docs = rows.map((r) => ('doc' in r ? r.doc : undefined)) as StoredDoc[];
		await inner.bulkDocs('unit-a1', [
			{ ...docs[0], status: 'in_progress' } as StoredDoc,
			{ ...docs[1], prereports: false } as StoredDoc,
			{ _id: c as string, _rev: docs[2]?._rev, _deleted: true },
		]);
		expect(await index.rounds('unit-a1')).toEqual([]);
	});

	it('has fifty callers at once share two reads of the feed, and each sees what was written before it asked', async () => {
		const open = await fillUnit('unit-a1', 5, 100);
		await index.rounds('unit-a1');
		const late = round({ prereports: true });
		await inner.bulkDocs('unit-a1', [late]);
		store.reset();
		const answers = await Promise.all(Array.from({ length: 50 }, () => index.rounds('unit-a1')));
		expect(store.changeCalls).toBe(2);
		for (const a of answers) expect(ids(a)).toEqual([...open, late._id].sort());
	});

	it('starts afresh when the store no longer knows its sequence', async () => {
		const open = await fillUnit('unit-a1', 2, 10);
		await index.rounds('unit-a1');
		store.refuseNextSince = true;
		expect(ids(await index.rounds('unit-a1'))).toEqual([...open].sort());
	});
});
