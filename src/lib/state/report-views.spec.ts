/**
 * The report views (issue 14, item 3) read the stats documents synced to the device: the tree
 * is what is here (HR: the organisation; a manager: their subtree), every view is one
 * `ReportTable`, "this year" is the figures' day, never the real date.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TryggDb, type StoredDoc } from '../db/app-db.ts';
import { checkDoc, emptyNow, emptyYear, type Figures, type Me, type StatsDoc } from '../domain/index.ts';
import { loadReportTexts } from '../i18n/reports.svelte.ts';
import { buildTree, flatten, heat, indicators, mayReadReports, ReportViews } from './report-views.svelte.ts';
import { HR, MANAGER_A1 } from './test-collaborators.ts';

const AS_OF = '2031-05-20';
const clock = { now: () => new Date('2031-05-20T10:00:00'), serverOffsetMs: 0 };

function figures(edit: (f: Figures) => void = () => {}): Figures {
	const f: Figures = { now: emptyNow(), years: { '2031': emptyYear(), '2030': emptyYear(), '2029': emptyYear() } };
	edit(f);
	return f;
}

function stats(
	unitId: string,
	parentId: string | null,
	name: string,
	own: Figures = figures(),
	subtree: Figures = own,
	extra: Partial<StatsDoc> = {},
): StatsDoc {
	return {
		_id: `stats:${unitId}`,
		type: 'stats',
		scope: 'reports',
		createdAt: '2031-01-01T00:00:00.000Z',
		updatedAt: '2031-05-20T00:00:00.000Z',
		unitId,
		parentId,
		name,
		asOf: AS_OF,
		own,
		subtree,
		serious: [],
		overdueKinds: [],
		...extra,
	};
}

const a1Own = figures((f) => {
	f.years['2031']!.rounds.physical = { planned: 2, walked: 1, signed: 1 };
	f.years['2030']!.rounds.physical = { planned: 1, walked: 1, signed: 1 };
	f.years['2031']!.doneDays = { '3': 1, '10': 2 };
	f.years['2030']!.followUpsSigned = 1;
	f.now.seriousOpen = 2;
	f.now.actions.overdue = 3;
	f.now.roundsOverdue = { physical: 0, osa: 1, threat_violence: 1 };
	f.now.requestsOpen = 1;
});
const a2Own = figures((f) => {
	f.years['2031']!.rounds.osa = { planned: 1, walked: 0, signed: 0 };
	f.now.actions.overdue = 1;
});
const dept = figures((f) => {
	f.years['2031']!.rounds.physical = { planned: 2, walked: 1, signed: 1 };
	f.years['2031']!.rounds.osa = { planned: 1, walked: 0, signed: 0 };
	f.now.actions.overdue = 4;
	f.now.seriousOpen = 2;
});
const ORG: StatsDoc[] = [
	stats('forv', null, 'Förvaltningen', figures(), dept),
	stats('avd-a', 'forv', 'Avdelning A', figures(), dept),
	stats('a2', 'avd-a', 'Enhet A2', a2Own),
	stats('a1', 'avd-a', 'Enhet A1', a1Own, a1Own, {
		serious: [
			{
				findingId: 'finding:new',
				title: 'Lös kabel',
				category: 'physical',
				level: 'severe',
				foundOn: '2031-05-10',
				actions: [],
			},
			{
				findingId: 'finding:old',
				title: 'Hotfull kund',
				category: 'threat_violence',
				level: 'high',
				foundOn: '2031-01-20',
				actions: [{ actionId: 'action:x', text: 'Larm', status: 'planned', due: '2031-06-01' }],
			},
		],
	}),
];

const dbs: TryggDb[] = [];
async function device(docs: StatsDoc[]): Promise<TryggDb> {
	const db = new TryggDb(`reports-${Math.random()}`);
	dbs.push(db);
	await db.docs.bulkPut(docs as unknown as StoredDoc[]);
	return db;
}
afterEach(async () => {
	for (const db of dbs.splice(0)) await db.delete();
});
beforeAll(loadReportTexts);

async function views(docs: StatsDoc[], person: Me = HR): Promise<ReportViews> {
	const v = new ReportViews({ db: await device(docs), person: () => person, clock });
	await v.load();
	return v;
}

describe('report views', () => {
	it('the test documents are valid stats documents', () => {
		for (const doc of ORG) expect(checkDoc(doc)).toMatchObject({ ok: true });
	});

	it('lets HR and managers read reports, and nobody else', () => {
		expect(mayReadReports(HR)).toBe(true);
		expect(mayReadReports(MANAGER_A1)).toBe(true);
		expect(mayReadReports({ roles: ['staff'], scopes: [] })).toBe(false);
		expect(
			mayReadReports({
				roles: [],
				scopes: [{ scope: 'unit-a1', unitId: 'a1', unitName: 'A1', role: 'safety_rep', write: true }],
			}),
		).toBe(false);
		expect(mayReadReports(null)).toBe(false);
	});

	it('builds the tree of what is on the device: a unit whose parent is missing is a root', () => {
		expect(flatten(buildTree(ORG)).map((n) => [n.doc.unitId, n.depth])).toEqual([
			['forv', 0],
			['avd-a', 1],
			['a1', 2],
			['a2', 2],
		]);
		// A manager of a1 has only a1's documents: a1 is the top.
		expect(buildTree(ORG.filter((d) => d.unitId === 'a1')).map((n) => n.doc.unitId)).toEqual(['a1']);
	});

	it('compares this year (the figures’ day) with last year, and takes the median days of the histogram', () => {
		const row = indicators(a1Own, 2031);
		expect(row).toMatchObject({
			roundsPlanned: 2,
			roundsPlannedLast: 1,
			roundsWalked: 1,
			roundsSigned: 1,
			roundsSignedLast: 1,
			roundsOverdue: 2,
			seriousOpen: 2,
			actionsOverdue: 3,
			medianDays: 10,
			requestsOpen: 1,
			followUpsSigned: 0,
			followUpsSignedLast: 1,
		});
		expect(indicators(figures(), 2031).medianDays).toBeNull();
	});

	it('drills down: the unit itself first, then its children with their figures', async () => {
		const v = await views(ORG);
		expect(v.defaultUnit).toBe('forv');
		expect(v.year).toBe(2031);
		const table = v.drillDown('avd-a', 'subtree');
		expect(table?.rows.map((r) => [r.unitId, r.unit, r.actionsOverdue])).toEqual([
			['avd-a', 'Avdelning A (själv)', 4],
			['a1', 'Enhet A1', 3],
			['a2', 'Enhet A2', 1],
		]);
		expect(table?.columns[0]).toEqual({ key: 'unit', label: 'Enhet' });
		expect(table?.columns.find((c) => c.key === 'roundsPlannedLast')).toEqual({
			key: 'roundsPlannedLast',
			label: 'Ronder planerade 2030',
			numeric: true,
		});
		// Every column has a value in every row (the exports read the columns).
		for (const row of table?.rows ?? []) for (const c of table?.columns ?? []) expect(c.key in row).toBe(true);
		// Own figures: the department itself has none of its own.
		expect(v.drillDown('avd-a', 'own')?.rows[0]?.actionsOverdue).toBe(0);
		expect(v.path('a1').map((n) => n.doc.unitId)).toEqual(['forv', 'avd-a', 'a1']);
	});

	it('shows a manager only their subtree: the organisation above is not on the device', async () => {
		const v = await views(
			ORG.filter((d) => d.unitId === 'a1').map((d) => ({ ...d, scope: 'reports-a1' })),
			MANAGER_A1,
		);
		expect(v.defaultUnit).toBe('a1');
		expect(v.drillDown('forv', 'subtree')).toBeNull();
		expect(v.trends('forv', 'subtree')).toBeNull();
		expect(v.path('a1').map((n) => n.doc.unitId)).toEqual(['a1']);
		expect(v.heatmap().table.rows.map((r) => r.unitId)).toEqual(['a1']);
		expect(v.drillDown(null, 'subtree')?.rows.map((r) => r.unitId)).toEqual(['a1']);
	});

	it('colours the heatmap against units at the same depth, with the number kept in the row', async () => {
		const v = await views(ORG);
		const { table, heat: tone } = v.heatmap();
		const a1 = table.rows.findIndex((r) => r.unitId === 'a1');
		const a2 = table.rows.findIndex((r) => r.unitId === 'a2');
		const forv = table.rows.findIndex((r) => r.unitId === 'forv');
		expect(table.rows[a1]?.actionsOverdue).toBe(3);
		expect(tone(a1, 'actionsOverdue')).toBe(3);
		expect(tone(a2, 'actionsOverdue')).toBe(1);
		// The only unit at its depth is the largest at it.
		expect(tone(forv, 'actionsOverdue')).toBe(3);
		expect(tone(a2, 'seriousOpen')).toBe(0);
		expect(tone(a1, 'unit')).toBe(0);
		expect([heat(0, 5), heat(1, 9), heat(4, 9), heat(9, 9), heat(null, 0)]).toEqual([0, 1, 2, 3, 0]);
	});

	it('gives the trends of the last three years, oldest first', async () => {
		const v = await views(ORG);
		const table = v.trends('a1', 'own');
		expect(table?.rows.map((r) => [r.year, r.roundsPlanned, r.medianDays, r.followUpsSigned])).toEqual([
			['2029', 0, null, 0],
			['2030', 1, null, 1],
			['2031', 2, 10, 0],
		]);
	});

	it('lists serious open risks with unit, age and actions, sortable by age, naming no person', async () => {
		const v = await views(ORG);
		const oldest = v.risks('oldest');
		expect(oldest.rows.map((r) => [r.findingId, r.unit, r.ageDays])).toEqual([
			['finding:old', 'Enhet A1', 120],
			['finding:new', 'Enhet A1', 10],
		]);
		expect(oldest.rows[0]).toMatchObject({
			category: 'Hot och våld',
			level: 'Hög',
			actions: 'Larm (Planerad, klar senast 1 juni 2031)',
		});
		expect(oldest.rows[1]?.actions).toBe('Ingen åtgärd planerad');
		expect(v.risks('newest').rows.map((r) => r.findingId)).toEqual(['finding:new', 'finding:old']);
	});

	it('follows the device: a newer stats document from a sync shows at once', async () => {
		const db = await device(ORG);
		const v = new ReportViews({ db, person: () => HR, clock });
		const stop = v.watch();
		await expect.poll(() => v.loaded).toBe(true);
		await db.docs.put({
			...stats(
				'a2',
				'avd-a',
				'Enhet A2',
				figures((f) => (f.now.actions.overdue = 7)),
			),
		} as unknown as StoredDoc);
		await expect.poll(() => v.drillDown('a2', 'own')?.rows[0]?.actionsOverdue).toBe(7);
		stop();
	});

	it('reads only the level the drill-down shows, and shows the same as from every document', async () => {
		// A wider organisation: a second department whose units must not be read at avd-a.
		const more = [
			stats('avd-b', 'forv', 'Avdelning B'),
			stats('b1', 'avd-b', 'Enhet B1'),
			stats('b2', 'avd-b', 'Enhet B2'),
		];
		const db = await device([...ORG, ...more]);
		const full = new ReportViews({ db, person: () => HR, clock });
		await full.load();
		const read: string[] = [];
		db.docs.hook('reading', (doc: StoredDoc | undefined) => {
			if (doc) read.push(doc._id);
			return doc;
		});
		const around = async (unitId: string | null) => {
			const v = new ReportViews({ db, person: () => HR, clock });
			read.length = 0;
			const stop = v.watchAround(unitId);
			await expect.poll(() => v.loaded).toBe(true);
			stop();
			return v;
		};
		let v = await around('avd-a');
		expect([...new Set(read)].sort()).toEqual(['stats:a1', 'stats:a2', 'stats:avd-a', 'stats:forv']);
		expect(v.drillDown('avd-a', 'subtree')).toEqual(full.drillDown('avd-a', 'subtree'));
		expect(v.path('avd-a').map((n) => n.doc.unitId)).toEqual(['forv', 'avd-a']);
		// No unit asked: the one top unit and its children.
		v = await around(null);
		expect(v.defaultUnit).toBe('forv');
		// Found by walking up from one unit: that unit and the top, and the top's children; no level below.
		expect(read).not.toContain('stats:b1');
		expect(read).not.toContain('stats:b2');
		expect(read).not.toContain('stats:a2');
		expect(v.drillDown('forv', 'subtree')).toEqual(full.drillDown('forv', 'subtree'));
		// A unit not on the device: no table, as from every document, but what is here is known.
		v = await around('elsewhere');
		expect(v.drillDown('elsewhere', 'subtree')).toBeNull();
		expect(v.nodes.map((n) => n.doc.unitId)).toEqual(['forv', 'avd-a', 'avd-b']);
	});

	it('without a unit asked, a manager of two separate units gets both as top units', async () => {
		const db = await device([
			{ ...(ORG[3] as StatsDoc), scope: 'reports-a1' },
			{ ...stats('b1', 'avd-b', 'Enhet B1'), scope: 'reports-b1' },
		]);
		const v = new ReportViews({ db, person: () => MANAGER_A1, clock });
		const stop = v.watchAround(null);
		await expect.poll(() => v.loaded).toBe(true);
		stop();
		expect(v.defaultUnit).toBeNull();
		expect(v.drillDown(null, 'subtree')?.rows.map((r) => r.unitId)).toEqual(['a1', 'b1']);
	});

	it('takes "this year" from the clock only when no figures are on the device', async () => {
		const v = await views([]);
		expect(v.year).toBe(2031);
		expect(v.tree).toEqual([]);
		expect(v.defaultUnit).toBeNull();
		expect(v.risks('oldest').rows).toEqual([]);
	});
});
