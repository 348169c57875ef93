/**
 * The report job end to end: documents written through the real `_bulk_docs` as the unit's
 * manager become `stats:<unitId>` in `reports` (HR) and `reports-<unitId>` (whoever reads the
 * unit), for the unit and every ancestor; a change rewrites only the affected documents; a
 * restart reads nothing it read before (counted at the store, no timings).
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statsDocSchema, withSubtree, type StatsDoc } from '../../../src/lib/domain/reports.ts';
import { ObservedStore } from '../anon/test-phone.ts';
import type { ChangesResult, DocStore, StoredDoc } from '../store/doc-store.ts';
import {
	actionDoc,
	assessmentDoc,
	findingDoc,
	roundDoc,
	startServer,
	TEST_SERVER_TIME,
	tempDir,
	type Harness,
} from '../test-harness.ts';

const NOW = '2026-11-23T09:00:00.000Z';

/** The store, counting what the report job reads from unit scopes. */
class CountingStore extends ObservedStore {
	unitChangeRows = 0;
	unitDocsRead = 0;
	override async changes(scope: string, opts: { since?: string; limit?: number; includeDocs?: boolean }) {
		const res: ChangesResult = await super.changes(scope, opts);
		if (scope.startsWith('unit-')) this.unitChangeRows += res.results.length;
		return res;
	}
	override async allDocs(scope: string, keys: string[], opts?: { includeDocs?: boolean }) {
		if (scope.startsWith('unit-') && opts?.includeDocs) this.unitDocsRead += keys.length;
		return super.allDocs(scope, keys, opts);
	}
}

describe('UnitStats: stats documents in the report scopes', () => {
	let dir: string;
	let h: Harness;
	let store: CountingStore;
	let clock = TEST_SERVER_TIME;
	const start = async () => {
		h = await startServer(
			{
				now: () => new Date(clock),
				reportsDebounceMs: 5,
				observeStore: (inner: DocStore) => (store = new CountingStore(inner)),
			},
			dir,
		);
	};
	const bulk = async (name: string, scope: string, docs: object[]) => {
		const res = await h.call({
			method: 'POST',
			url: `/db/${scope}/_bulk_docs`,
			cookie: await h.signIn(name),
			payload: { docs },
		});
		return { status: res.statusCode, results: res.json() as { id: string; rev?: string; error?: string }[] };
	};
	const stats = async (name: string, scope: string): Promise<Map<string, StatsDoc>> => {
		const res = await h.call({
			method: 'GET',
			url: `/db/${scope}/_changes?include_docs=true`,
			cookie: await h.signIn(name),
		});
		expect(res.statusCode).toBe(200);
		const rows = (res.json() as { results: { doc: StoredDoc }[] }).results;
		return new Map(rows.map((r) => [r.doc._id, withSubtree(statsDocSchema.parse(r.doc))]));
	};

	const round1 = roundDoc('a1', { status: 'in_progress', date: '2026-11-20' });
	const round2 = roundDoc('a1', { date: '2026-12-10', templateId: 'template:osa.v1' });
	const serious = findingDoc('unit-a1', { roundId: round1._id, title: 'Trasig nödutgång' });
	const minor = findingDoc('unit-a1', { category: 'osa', title: 'Hög ljudnivå' });
	const seriousRisk = assessmentDoc('unit-a1', serious._id, { probability: 3, consequence: 4, serious: true });
	const minorRisk = assessmentDoc('unit-a1', minor._id, { probability: 1, consequence: 2 });
	const fix = actionDoc('unit-a1', {
		source: 'finding',
		findingId: serious._id,
		plannedAction: 'Laga låset på nödutgången',
		responsible: 'Anna Chef',
		due: '2026-11-23',
	});
	const done = actionDoc('unit-a1', {
		done: '2026-11-23',
		status: 'done',
		createdAt: '2026-11-18T09:00:00.000Z',
	});
	const request = {
		_id: 'request:report-1',
		type: 'request',
		scope: 'unit-a1',
		unitId: 'a1',
		kind: 'measures',
		subject: 'Nödutgången',
		description: 'Låset kärvar.',
		location: '',
		requestedMeasures: 'Laga låset.',
		replyBy: '2026-11-23',
		filedAt: NOW,
		filedBy: 'skyddsombud',
		filedByName: 'Sara Skyddsombud',
		createdAt: NOW,
		updatedAt: NOW,
	};

	beforeAll(async () => {
		dir = await tempDir('unit-stats-');
		await start();
		const chefWrote = await bulk('chef', 'unit-a1', [
			round1,
			round2,
			serious,
			minor,
			seriousRisk,
			minorRisk,
			fix,
			done,
		]);
		expect(
			chefWrote.results.every((r) => r.rev),
			JSON.stringify(chefWrote.results),
		).toBe(true);
		const repWrote = await bulk('skyddsombud', 'unit-a1', [request]);
		expect(repWrote.results[0]?.rev, JSON.stringify(repWrote.results)).toBeDefined();
		await h.app.reports.idle();
	});
	afterAll(async () => {
		await h.close();
		await rm(dir, { recursive: true, force: true });
	});

	it('writes a1’s own figures, its serious list without names, as of the Swedish day', async () => {
		const a1 = (await stats('hr', 'reports')).get('stats:a1') as StatsDoc;
		expect(a1).toMatchObject({ unitId: 'a1', parentId: 'avd-a', asOf: '2026-11-24', scope: 'reports' });
		const year = a1.own.years['2026'];
		expect(year?.rounds.physical).toEqual({ planned: 1, walked: 0, signed: 0 });
		expect(year?.rounds.osa).toEqual({ planned: 1, walked: 0, signed: 0 });
		expect(year?.findings.physical.severe).toBe(1);
		expect(year?.findings.osa.low).toBe(1);
		expect(year).toMatchObject({ actionsDone: 1, doneDays: { '5': 1 }, requests: 1 });
		expect(a1.own.now).toMatchObject({
			findingsOpen: 2,
			seriousOpen: 1,
			seriousAge: { d0: 1, d30: 0, d90: 0, d180: 0 },
			actions: { open: 1, overdue: 1, done: 1, effective: 0, notEffective: 0 },
			requestsOpen: 1,
			requestsOverdue: 1,
			workplaces: 1,
			roundsOverdue: { physical: 1, osa: 1, threat_violence: 1 },
		});
		expect(a1.overdueKinds).toEqual(['physical', 'osa', 'threat_violence']);
		expect(a1.serious).toEqual([
			{
				findingId: serious._id,
				title: 'Trasig nödutgång',
				category: 'physical',
				level: 'severe',
				foundOn: '2026-11-23',
				actions: [{ actionId: fix._id, text: 'Laga låset på nödutgången', status: 'planned', due: '2026-11-23' }],
			},
		]);
		// No person: not the manager who made them, not the responsible, not the safety rep.
		expect(JSON.stringify(a1)).not.toMatch(/chef|Anna|skyddsombud|Sara/i);
	});

	it('rolls a1 up into avd-a and forv, counting workplaces', async () => {
		const all = await stats('hr', 'reports');
		const a1 = all.get('stats:a1') as StatsDoc;
		const avd = all.get('stats:avd-a') as StatsDoc;
		const forv = all.get('stats:forv') as StatsDoc;
		expect(avd.own.now.seriousOpen).toBe(0);
		expect(avd.own.now.workplaces).toBe(0);
		expect(avd.subtree.now.seriousOpen).toBe(1);
		expect(avd.subtree.now.actions).toEqual(a1.own.now.actions);
		expect(avd.subtree.years['2026']?.rounds.physical.planned).toBe(1);
		const leavesUnderAvd = [...all.values()].filter((d) => d.parentId === 'avd-a').length;
		expect(avd.subtree.now.workplaces).toBe(leavesUnderAvd);
		expect(forv.subtree.now.seriousOpen).toBe(1);
		expect(forv.subtree.now.requestsOpen).toBe(1);
		const workplaces = [...all.values()].filter((d) => d.own.now.workplaces === 1).length;
		expect(forv.subtree.now.workplaces).toBe(workplaces);
		expect(forv.parentId).toBe('demo');
		expect(all.get('stats:demo')?.parentId).toBeNull();
		expect(all.get('stats:demo')?.subtree.now.workplaces).toBe(workplaces);
	});

	it('leaves a workplace’s subtree out (it is its own figures) and keeps an inner unit’s', async () => {
		const res = await h.call({
			method: 'GET',
			url: '/db/reports/_changes?include_docs=true',
			cookie: await h.signIn('hr'),
		});
		const raw = new Map(
			(res.json() as { results: { doc: StoredDoc }[] }).results.map((r) => [r.doc._id, r.doc] as const),
		);
		expect(raw.get('stats:a1')).not.toHaveProperty('subtree');
		expect(raw.get('stats:avd-a')).toHaveProperty('subtree');
		// As the views read it, the workplace's subtree is its own figures.
		const a1 = withSubtree(statsDocSchema.parse(raw.get('stats:a1')));
		expect(a1.subtree).toEqual(a1.own);
	});

	it('lets the unit’s manager read reports-a1 and nobody read or write more', async () => {
		const mine = await stats('chef', 'reports-a1');
		expect([...mine.keys()]).toEqual(['stats:a1']);
		expect(mine.get('stats:a1')?.scope).toBe('reports-a1');
		const chefReports = await h.call({ method: 'GET', url: '/db/reports/_changes', cookie: await h.signIn('chef') });
		expect(chefReports.statusCode).toBe(403);
		const staff = await h.call({
			method: 'GET',
			url: '/db/reports-a1/_changes',
			cookie: await h.signIn('medarbetare'),
		});
		expect(staff.statusCode).toBe(403);
		const forged = { ...(mine.get('stats:a1') as StatsDoc) };
		for (const [name, scope] of [
			['hr', 'reports'],
			['chef', 'reports-a1'],
		] as const) {
			const res = await bulk(name, scope, [{ ...forged, scope, own: forged.subtree }]);
			expect(res.results[0], `${name} writing ${scope}`).toMatchObject({ error: 'forbidden' });
		}
	});

	it('rewrites only the documents a change affects', async () => {
		const before = await stats('hr', 'reports');
		const reassessed = assessmentDoc('unit-a1', serious._id, {
			roundId: round1._id,
			probability: 1,
			consequence: 1,
			serious: false,
			stamp: '1795424400001-0000-test-device',
		});
		const res = await bulk('chef', 'unit-a1', [reassessed]);
		expect(res.results[0]?.rev, JSON.stringify(res.results)).toBeDefined();
		await h.app.reports.idle();
		const after = await stats('hr', 'reports');
		const changed = [...after.values()].filter((d) => d._rev !== before.get(d._id)?._rev).map((d) => d._id);
		expect(changed.sort()).toEqual(['stats:a1', 'stats:avd-a', 'stats:demo', 'stats:forv']);
		expect(after.get('stats:forv')?.subtree.now.seriousOpen).toBe(0);
		expect(after.get('stats:a1')?.serious).toEqual([]);
		expect(after.get('stats:a1')?.own.years['2026']?.findings.physical).toMatchObject({ low: 1, severe: 0 });
	});

	it('after a restart reads nothing it read before, and writes nothing unchanged', async () => {
		await h.close();
		await start();
		await h.app.reports.idle();
		expect(store.unitChangeRows).toBe(0);
		expect(store.unitDocsRead).toBe(0);
		expect(store.writes.filter((w) => w.db.startsWith('reports'))).toEqual([]);
		// A write after the restart is read alone.
		const later = findingDoc('unit-a1', { title: 'Halt golv' });
		expect((await bulk('chef', 'unit-a1', [later])).results[0]?.rev).toBeDefined();
		await h.app.reports.idle();
		expect(store.unitChangeRows).toBe(1);
		expect((await stats('hr', 'reports')).get('stats:a1')?.own.now.findingsOpen).toBe(3);
	});

	it('reads a write it did not hear of (another server’s, on a shared CouchDB) at a sweep', async () => {
		const findingsOpen = async () => (await stats('hr', 'reports')).get('stats:a1')?.own.now.findingsOpen;
		const before = await findingsOpen();
		// Straight into the store, past the notice every write through this server gives the job.
		const elsewhere = findingDoc('unit-a1', { title: 'Lös kabel' });
		await store.inner.bulkDocs('unit-a1', [elsewhere as unknown as StoredDoc]);
		await h.app.reports.idle();
		expect(await findingsOpen()).toBe(before);
		h.app.reports.sweep();
		await h.app.reports.idle();
		expect(await findingsOpen()).toBe((before ?? 0) + 1);
	});

	it('refreshes the figures that depend on the day when the Swedish day changes', async () => {
		// Sessions do not last a year: read the store itself.
		const statsA1 = async () => (await store.all('reports')).find((d) => d._id === 'stats:a1') as StatsDoc;
		const reads = store.unitDocsRead;
		const rows = store.unitChangeRows;
		clock = Date.parse('2027-11-24T09:00:00Z');
		await h.app.reports.idle();
		let a1 = await statsA1();
		expect(a1.asOf).toBe('2027-11-24');
		expect(a1.own.now.seriousAge).toEqual({ d0: 0, d30: 0, d90: 0, d180: 0 });
		expect(a1.own.now.actions.overdue).toBe(1);
		expect(Object.keys(a1.own.years)).toEqual(['2026']);
		// Three years on, 2026 is no longer kept.
		clock = Date.parse('2029-01-01T09:00:00Z');
		await h.app.reports.idle();
		a1 = await statsA1();
		expect(a1.asOf).toBe('2029-01-01');
		expect(a1.own.years).toEqual({});
		// From memory: no unit scope read again.
		expect([store.unitDocsRead, store.unitChangeRows]).toEqual([reads, rows]);
	});

	it('deletes a unit’s stats when the unit leaves the org, also across a restart', async () => {
		const statsIds = async (scope: string) =>
			(await store.all(scope)).filter((d) => d.type === 'stats').map((d) => d._id);
		expect(await statsIds('reports')).toContain('stats:a2');
		expect(await statsIds('reports-a2')).toEqual(['stats:a2']);
		const [row] = await store.allDocs('org', ['unit:a2'], { includeDocs: true });
		const unit = row && 'doc' in row ? row.doc : undefined;
		expect(unit).toBeDefined();
		// The job stops before it deletes: the org checkpoint keeps the unit to remove.
		const realRemove = store.bulkDocs.bind(store);
		let refused = 0;
		store.bulkDocs = async (scope, docs) => {
			if (scope.startsWith('reports') && docs.some((d) => d._deleted)) {
				refused++;
				throw new Error('stopped');
			}
			return realRemove(scope, docs);
		};
		const res = await bulk('admin', 'org', [
			{ _id: 'unit:a2', _rev: unit?._rev, type: 'unit', scope: 'org', _deleted: true },
		]);
		expect(res.results[0]?.rev, JSON.stringify(res.results)).toBeDefined();
		await h.app.reports.idle().catch(() => undefined);
		expect(refused).toBeGreaterThan(0);
		await h.close();
		await start();
		await h.app.reports.idle();
		expect(await statsIds('reports')).not.toContain('stats:a2');
		expect(await statsIds('reports-a2')).toEqual([]);
		expect(await statsIds('reports')).toContain('stats:avd-a');
	});
});
