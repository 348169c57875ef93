import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	addFigures,
	dayOfId,
	emptyFigures,
	unitFigures,
	type ActionRecord,
	type FindingRecord,
	type UnitRecords,
} from './report-figures.ts';
import { emptyYear, figuresSchema, medianDays, MAX_SERIOUS_LISTED, type Figures } from './reports.ts';
import type { TemplateKind } from './schemas.ts';

const KINDS: Record<string, TemplateKind> = {
	'template:physical.v1': 'physical',
	'template:osa.v1': 'osa',
	'template:threat-violence.v1': 'threat_violence',
	'template:other.v1': 'other',
};
const kindOf = (id: string): TemplateKind | undefined => KINDS[id];
const ASOF = '2026-11-24';

function records(over: Partial<UnitRecords> = {}): UnitRecords {
	return {
		rounds: [],
		findings: [],
		assessments: [],
		actions: [],
		requests: [],
		workstops: [],
		followUps: [],
		...over,
	};
}
function finding(id: string, over: Partial<FindingRecord> = {}): FindingRecord {
	return { id, category: 'physical', status: 'open', foundOn: '2026-10-01', title: 'Loose cable', ...over };
}
function action(id: string, over: Partial<ActionRecord> = {}): ActionRecord {
	return { id, status: 'planned', due: null, done: null, createdOn: '2026-10-01', text: 'Fasten it', ...over };
}
function compute(r: UnitRecords, workplace = true, asOf = ASOF) {
	return unitFigures(r, { asOf, kindOf, workplace });
}

describe('unitFigures', () => {
	it('counts rounds per kind and year: planned, walked (done or signed), signed', () => {
		const { own } = compute(
			records({
				rounds: [
					{ id: 'round:1', templateId: 'template:physical.v1', date: '2026-03-01', status: 'planned' },
					{ id: 'round:2', templateId: 'template:physical.v1', date: '2026-04-01', status: 'done' },
					{ id: 'round:3', templateId: 'template:physical.v1', date: '2026-05-01', status: 'signed' },
					{ id: 'round:4', templateId: 'template:osa.v1', date: '2025-05-01', status: 'signed' },
					{ id: 'round:5', templateId: 'template:unknown.v1', date: '2026-05-01', status: 'signed' },
					// Older than the years kept.
					{ id: 'round:6', templateId: 'template:osa.v1', date: '2023-05-01', status: 'signed' },
				],
			}),
		);
		expect(own.years['2026']?.rounds.physical).toEqual({ planned: 3, walked: 2, signed: 1 });
		expect(own.years['2025']?.rounds.osa).toEqual({ planned: 1, walked: 1, signed: 1 });
		expect(Object.keys(own.years).sort()).toEqual(['2025', '2026']);
		expect(figuresSchema.safeParse(own).success).toBe(true);
	});

	it('finds the yearly kinds a workplace lacks, from signed rounds since the same day a year before', () => {
		const r = records({
			rounds: [
				{ id: 'round:1', templateId: 'template:physical.v1', date: '2025-11-24', status: 'signed' },
				{ id: 'round:2', templateId: 'template:osa.v1', date: '2025-11-23', status: 'signed' },
				{ id: 'round:3', templateId: 'template:threat-violence.v1', date: '2026-06-01', status: 'done' },
			],
		});
		const w = compute(r);
		expect(w.overdueKinds).toEqual(['osa', 'threat_violence']);
		expect(w.own.now.workplaces).toBe(1);
		expect(w.own.now.roundsOverdue).toEqual({ physical: 0, osa: 1, threat_violence: 1 });
		// A unit with child units is no workplace: nothing overdue of its own.
		const parent = compute(r, false);
		expect(parent.overdueKinds).toEqual([]);
		expect(parent.own.now.workplaces).toBe(0);
		expect(parent.own.now.roundsOverdue).toEqual({ physical: 0, osa: 0, threat_violence: 0 });
	});

	it('grades findings by their latest assessment and the bands, and ages the serious open ones', () => {
		const r = records({
			findings: [
				finding('finding:a', { foundOn: '2026-11-20' }),
				finding('finding:b', { foundOn: '2026-05-01', category: 'osa' }),
				finding('finding:c', { status: 'closed' }),
				finding('finding:d', { status: 'withdrawn' }),
				finding('finding:e'),
			],
			assessments: [
				{ id: 'assessment:1', findingId: 'finding:a', stamp: '1', probability: 1, consequence: 1, serious: false },
				{ id: 'assessment:2', findingId: 'finding:a', stamp: '2', probability: 4, consequence: 4, serious: true },
				{ id: 'assessment:3', findingId: 'finding:b', stamp: '1', probability: 2, consequence: 2, serious: true },
				{ id: 'assessment:4', findingId: 'finding:c', stamp: '1', probability: 4, consequence: 4, serious: true },
			],
		});
		const { own, serious } = compute(r);
		expect(own.years['2026']?.findings.physical).toEqual({ low: 0, medium: 0, high: 0, severe: 2, unassessed: 1 });
		expect(own.years['2026']?.findings.osa.medium).toBe(1);
		expect(own.now.findingsOpen).toBe(3);
		expect(own.now.seriousOpen).toBe(2);
		expect(own.now.seriousAge).toEqual({ d0: 1, d30: 0, d90: 0, d180: 1 });
		// The organisation's bands decide the level.
		const banded = unitFigures(r, { asOf: ASOF, kindOf, workplace: true, bands: { medium: 2, high: 3, severe: 4 } });
		expect(banded.own.years['2026']?.findings.osa.severe).toBe(1);
		expect(serious.map((s) => s.findingId)).toEqual(['finding:b', 'finding:a']);
	});

	it('lists serious open findings oldest first with their actions, cut, naming no person', () => {
		const long = 'x'.repeat(300);
		const { serious } = compute(
			records({
				findings: [finding('finding:a', { title: long })],
				assessments: [
					{ id: 'assessment:1', findingId: 'finding:a', stamp: '1', probability: 3, consequence: 4, serious: true },
				],
				actions: [action('action:1', { findingId: 'finding:a', text: long, due: '2026-12-01' }), action('action:2')],
			}),
		);
		expect(serious).toEqual([
			{
				findingId: 'finding:a',
				title: 'x'.repeat(200),
				category: 'physical',
				level: 'severe',
				foundOn: '2026-10-01',
				actions: [{ actionId: 'action:1', text: 'x'.repeat(200), status: 'planned', due: '2026-12-01' }],
			},
		]);
		expect(Object.keys(serious[0] ?? {}).sort()).toEqual([
			'actions',
			'category',
			'findingId',
			'foundOn',
			'level',
			'title',
		]);
	});

	it('lists at most MAX_SERIOUS_LISTED but counts them all', () => {
		const findings = Array.from({ length: MAX_SERIOUS_LISTED + 5 }, (_, i) =>
			finding(`finding:${String(i).padStart(4, '0')}`),
		);
		const assessments = findings.map((f, i) => ({
			id: `assessment:${i}`,
			findingId: f.id,
			stamp: '1',
			probability: 4,
			consequence: 4,
			serious: true,
		}));
		const { own, serious } = compute(records({ findings, assessments }));
		expect(own.now.seriousOpen).toBe(MAX_SERIOUS_LISTED + 5);
		expect(serious).toHaveLength(MAX_SERIOUS_LISTED);
		expect(serious[0]?.findingId).toBe('finding:0000');
	});

	it('counts actions open, overdue, done, effective and not, and the days to done', () => {
		const { own } = compute(
			records({
				actions: [
					action('action:1', { due: '2026-11-23' }),
					action('action:2', { status: 'in_progress', due: '2026-11-24' }),
					action('action:3', { status: 'postponed', due: '2026-01-01' }),
					action('action:4', { status: 'done', done: '2026-10-04' }),
					action('action:5', {
						status: 'effect_checked',
						done: '2026-10-11',
						effective: true,
						checkedOn: '2026-11-01',
					}),
					action('action:6', {
						status: 'effect_checked',
						done: '2025-12-31',
						effective: false,
						createdOn: '2025-12-01',
					}),
				],
			}),
		);
		expect(own.now.actions).toEqual({ open: 3, overdue: 2, done: 1, effective: 1, notEffective: 1 });
		expect(own.years['2026']).toMatchObject({ actionsDone: 2, doneDays: { '3': 1, '10': 1 }, effective: 1 });
		expect(own.years['2025']).toMatchObject({ actionsDone: 1, doneDays: { '30': 1 }, notEffective: 1 });
		expect(medianDays(own.years['2026']?.doneDays ?? {})).toBe(3);
	});

	it('counts requests and stops open and overdue, and follow-ups signed by both', () => {
		const { own } = compute(
			records({
				requests: [
					{ id: 'request:1', filedOn: '2026-11-01', replyBy: '2026-11-23', answered: false },
					{ id: 'request:2', filedOn: '2026-11-01', replyBy: '2026-11-24', answered: false },
					{ id: 'request:3', filedOn: '2025-11-01', replyBy: '2025-11-15', answered: true },
				],
				workstops: [
					{ id: 'workstop:1', stoppedOn: '2026-11-16', resumed: false },
					{ id: 'workstop:2', stoppedOn: '2026-11-17', resumed: false },
					{ id: 'workstop:3', stoppedOn: '2026-01-17', resumed: true },
				],
				followUps: [
					{ id: 'followup:a1-2025', year: 2025, signed: true },
					{ id: 'followup:a1-2026', year: 2026, signed: false },
				],
			}),
		);
		expect(own.now).toMatchObject({ requestsOpen: 2, requestsOverdue: 1, workstopsOpen: 2, workstopsOverdue: 1 });
		expect(own.years['2026']).toMatchObject({ requests: 2, workstops: 3, followUpsSigned: 0 });
		expect(own.years['2025']).toMatchObject({ requests: 1, followUpsSigned: 1 });
	});

	it('moves with the day: a year later the same records are other figures', () => {
		const r = records({
			rounds: [{ id: 'round:1', templateId: 'template:physical.v1', date: '2026-03-01', status: 'signed' }],
			actions: [action('action:1', { due: '2026-12-01' })],
		});
		const later = compute(r, true, '2027-11-24');
		expect(later.own.now.actions.overdue).toBe(1);
		expect(later.overdueKinds).toContain('physical');
		expect(Object.keys(compute(r, true, '2029-01-01').own.years)).toEqual([]);
	});
});

describe('dayOfId', () => {
	it('reads the Swedish day of a UUIDv7 id and nothing else', () => {
		// 2026-11-23T23:30:00Z is already the 24th in Stockholm.
		const ms = Date.parse('2026-11-23T23:30:00Z').toString(16).padStart(12, '0');
		expect(dayOfId(`action:${ms.slice(0, 8)}-${ms.slice(8)}-7000-8000-000000000000`)).toBe('2026-11-24');
		expect(dayOfId('action:t1-abc')).toBeUndefined();
	});
});

describe('addFigures', () => {
	it('adds counts and merges the days histograms', () => {
		const a: Figures = emptyFigures();
		a.years['2026'] = { ...emptyYear(), actionsDone: 1, doneDays: { '3': 1 } };
		a.now.seriousOpen = 2;
		const b: Figures = emptyFigures();
		b.years['2026'] = { ...emptyYear(), actionsDone: 2, doneDays: { '3': 1, '9': 1 } };
		b.years['2025'] = { ...emptyYear(), requests: 1 };
		b.now.seriousOpen = 1;
		const sum = addFigures(a, b);
		expect(sum.now.seriousOpen).toBe(3);
		expect(sum.years['2026']).toMatchObject({ actionsDone: 3, doneDays: { '3': 2, '9': 1 } });
		expect(sum.years['2025']?.requests).toBe(1);
		expect(a.now.seriousOpen).toBe(2); // arguments untouched
	});

	const arbRecords: fc.Arbitrary<UnitRecords> = fc.record({
		rounds: fc.array(
			fc.record({
				id: fc.uuid().map((u) => `round:${u}`),
				templateId: fc.constantFrom(...Object.keys(KINDS)),
				date: fc.constantFrom('2024-06-01', '2025-11-30', '2026-02-01'),
				status: fc.constantFrom('planned', 'in_progress', 'done', 'signed'),
			}),
			{ maxLength: 5 },
		),
		findings: fc.array(
			fc.record({
				id: fc.constantFrom('finding:a', 'finding:b', 'finding:c'),
				category: fc.constantFrom('physical', 'osa', 'threat_violence', 'other'),
				status: fc.constantFrom('open', 'closed', 'withdrawn'),
				foundOn: fc.constantFrom('2025-01-01', '2026-11-01'),
				title: fc.constant('t'),
			}),
			{ maxLength: 3 },
		),
		assessments: fc.array(
			fc.record({
				id: fc.uuid().map((u) => `assessment:${u}`),
				findingId: fc.constantFrom('finding:a', 'finding:b'),
				stamp: fc.constantFrom('1', '2'),
				probability: fc.integer({ min: 1, max: 4 }),
				consequence: fc.integer({ min: 1, max: 4 }),
				serious: fc.boolean(),
			}),
			{ maxLength: 3 },
		),
		actions: fc.array(
			fc.record({
				id: fc.uuid().map((u) => `action:${u}`),
				status: fc.constantFrom('planned', 'in_progress', 'done', 'effect_checked', 'postponed'),
				due: fc.constantFrom(null, '2026-01-01', '2027-01-01'),
				done: fc.constantFrom(null, '2026-03-01'),
				effective: fc.boolean(),
				createdOn: fc.constantFrom('2025-12-01', '2026-02-20'),
				text: fc.constant('x'),
			}),
			{ maxLength: 4 },
		),
		requests: fc.array(
			fc.record({
				id: fc.constant('request:1'),
				filedOn: fc.constant('2026-05-01'),
				replyBy: fc.constantFrom('2026-05-15', '2027-01-01'),
				answered: fc.boolean(),
			}),
			{ maxLength: 2 },
		),
		workstops: fc.array(
			fc.record({
				id: fc.constant('workstop:1'),
				stoppedOn: fc.constantFrom('2026-11-20', '2026-01-01'),
				resumed: fc.boolean(),
			}),
			{ maxLength: 2 },
		),
		followUps: fc.array(
			fc.record({ id: fc.constant('followup:x'), year: fc.constantFrom(2025, 2026), signed: fc.boolean() }),
			{ maxLength: 2 },
		),
	});

	it('a subtree is its own figures plus its children’s, in any order', () => {
		fc.assert(
			fc.property(
				arbRecords,
				fc.array(fc.tuple(arbRecords, fc.boolean()), { maxLength: 4 }),
				fc.integer({ min: 0, max: 1000 }),
				(ownRecords, children, seed) => {
					const own = compute(ownRecords, children.length === 0).own;
					const kids = children.map(([r, leaf]) => compute(r, leaf).own);
					const subtree = kids.reduce(addFigures, own);
					// Another order: rotate and reverse the children, start from an empty sum.
					const k = seed % (kids.length || 1);
					const other = [...kids.slice(k), ...kids.slice(0, k)].reverse();
					const again = addFigures(other.reduce(addFigures, emptyFigures()), own);
					expect(again).toEqual(subtree);
					expect(figuresSchema.safeParse(subtree).success).toBe(true);
					// Each count of the sum is the sum of the counts.
					const parts = [own, ...kids];
					expect(subtree.now.actions.open).toBe(parts.reduce((s, p) => s + p.now.actions.open, 0));
					expect(subtree.now.workplaces).toBe(parts.reduce((s, p) => s + p.now.workplaces, 0));
					const done = (f: Figures) => Object.values(f.years).reduce((s, y) => s + y.actionsDone, 0);
					const hist = (f: Figures) =>
						Object.values(f.years).reduce((s, y) => s + Object.values(y.doneDays).reduce((a, b) => a + b, 0), 0);
					expect(done(subtree)).toBe(parts.reduce((s, p) => s + done(p), 0));
					expect(hist(subtree)).toBe(done(subtree));
				},
			),
		);
	});
});
