/**
 * The report job on a store alone (no HTTP): writes are heard through `notifyWrites`, and a
 * sequence the store no longer knows makes it read the scope afresh, figures unchanged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/lib/domain/index.ts';
import { statsDocSchema } from '../../../src/lib/domain/reports.ts';
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
import { demoUnits } from '../seed/demo.ts';
import type { ChangesResult, DocStore } from '../store/doc-store.ts';
import { PouchStore } from '../store/pouch-store.ts';
import { roundDoc } from '../test-harness.ts';
import { notifyWrites, UnitStats } from './unit-stats.ts';

const AT = new Date('2026-11-24T09:00:00.000Z');

/** A store that refuses the next `since` of one scope, as a rebuilt store would. */
class RefusingStore extends PouchStore {
	refuse: string | undefined;
	override async changes(scope: string, opts: { since?: string; limit?: number; includeDocs?: boolean }) {
		if (scope === this.refuse && opts.since !== undefined) {
			this.refuse = undefined;
			throw new AppError('bad_request', 'since is not a sequence of this server');
		}
		const res: ChangesResult = await super.changes(scope, opts);
		return res;
	}
}

describe('UnitStats on a store', () => {
	const cleanup: (() => Promise<void>)[] = [];
	afterEach(async () => {
		for (const c of cleanup.splice(0).reverse()) await c();
	});

	async function setup() {
		const dir = await mkdtemp(path.join(tmpdir(), 'unit-stats-feed-'));
		const inner = new RefusingStore({ dataDir: dir });
		const heard: string[] = [];
		const stats = new UnitStats({ store: inner, now: () => AT, debounceMs: 1 });
		const store: DocStore = notifyWrites(inner, (scope) => {
			heard.push(scope);
			stats.touched(scope);
		});
		cleanup.push(async () => {
			await stats.close();
			await inner.close();
			await rm(dir, { recursive: true, force: true });
		});
		await store.bulkDocs('org', [...demoUnits(AT.toISOString()), ...starterTemplates(AT.toISOString())]);
		stats.start();
		return { inner, store, stats, heard };
	}
	const planned = async (inner: DocStore) => {
		const [row] = await inner.allDocs('reports', ['stats:a1'], { includeDocs: true });
		const doc = statsDocSchema.parse(row && 'doc' in row ? row.doc : undefined);
		return doc.own.years['2026']?.rounds.physical.planned ?? 0;
	};

	it('hears accepted writes only, and reflects them', async () => {
		const { inner, store, stats, heard } = await setup();
		await stats.idle();
		expect(await planned(inner)).toBe(0);
		const round = roundDoc('a1');
		heard.length = 0;
		await store.bulkDocs('unit-a1', [round]);
		// A conflict writes nothing: nothing to hear.
		await store.bulkDocs('unit-a1', [round]);
		expect(heard).toEqual(['unit-a1']);
		await stats.idle();
		expect(await planned(inner)).toBe(1);
	});

	it('reads a scope afresh when the store no longer knows its sequence', async () => {
		const { inner, store, stats } = await setup();
		await store.bulkDocs('unit-a1', [roundDoc('a1')]);
		await stats.idle();
		inner.refuse = 'unit-a1';
		await store.bulkDocs('unit-a1', [roundDoc('a1')]);
		await stats.idle();
		expect(inner.refuse).toBeUndefined();
		expect(await planned(inner)).toBe(2);
	});

	it('tells the log of a failed background pass, and catches up at the next change', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'unit-stats-feed-'));
		const inner = new RefusingStore({ dataDir: dir });
		const failed: unknown[] = [];
		const stats = new UnitStats({ store: inner, now: () => AT, debounceMs: 1, onError: (err) => failed.push(err) });
		const store = notifyWrites(inner, (scope) => stats.touched(scope));
		cleanup.push(async () => {
			await stats.close();
			await inner.close();
			await rm(dir, { recursive: true, force: true });
		});
		await store.bulkDocs('org', [...demoUnits(AT.toISOString()), ...starterTemplates(AT.toISOString())]);
		// The store fails every read of unit-a1's feed for a while (a disk error).
		const real = inner.changes.bind(inner);
		let broken = true;
		inner.changes = async (scope, opts) => {
			if (broken && scope === 'unit-a1') throw new Error('disk');
			return real(scope, opts);
		};
		stats.start(60_000, 1);
		await expect.poll(() => failed.length).toBeGreaterThan(0);
		expect((failed[0] as Error).message).toBe('disk');
		broken = false;
		await store.bulkDocs('unit-a1', [roundDoc('a1')]);
		await stats.idle();
		expect(await planned(inner)).toBe(1);
	});
});
