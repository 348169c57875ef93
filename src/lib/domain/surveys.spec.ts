import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDoc } from './schemas.ts';
import { starterSurveys } from './starter-surveys.ts';
import {
	ANSWERS_REASONS,
	answersRefusal,
	answersToSend,
	campaignPhase,
	homeUnit,
	isoWeek,
	reportingGroups,
	surveyDocSchema,
	visibleQuestions,
	type SurveyDoc,
	type TreeUnit,
} from './surveys.ts';

const NOW = '2026-03-01T09:00:00.000Z';
const [threat, harassment, close, hme] = starterSurveys(NOW) as [SurveyDoc, SurveyDoc, SurveyDoc, SurveyDoc];

describe('starter surveys', () => {
	it('are valid published documents with the kind floors of k', () => {
		for (const s of starterSurveys(NOW)) expect(checkDoc(s)).toEqual({ ok: true, doc: s });
		expect([threat.k, harassment.k, close.k, hme.k]).toEqual([8, 8, 10, 5]);
		expect(close.sensitive).toBe(true);
		expect(hme.sections.flatMap((s) => s.questions)).toHaveLength(9);
	});

	it('refuses a k below the kind floor and a condition on a later question', () => {
		expect(surveyDocSchema.safeParse({ ...close, k: 8 }).success).toBe(false);
		const sections = structuredClone(threat.sections);
		sections[0]!.questions[0]!.showIf = { anyOf: [{ questionId: 'violence', values: ['once'] }] };
		expect(surveyDocSchema.safeParse({ ...threat, sections }).success).toBe(false);
	});
});

describe('conditional questions', () => {
	it('shows follow-up questions only after a yes, and chains through shown questions', () => {
		const ids = (a: Record<string, string>) => visibleQuestions(threat, a).map((q) => q.id);
		expect(ids({ threatened: 'no' })).not.toContain('who');
		expect(ids({ violence: 'once' })).toContain('who');
		expect(ids({ violence: 'once', reported: 'no' })).toContain('why-not');
		// 'reported' is hidden once every event is answered no, so its follow-up hides too.
		expect(ids({ violence: 'no', reported: 'no' })).not.toContain('why-not');
	});

	it('sends only shown, non-empty answers', () => {
		expect(answersToSend(threat, { threatened: 'no', who: ['public'], safer: '  ', safe: 4 })).toEqual({
			threatened: 'no',
			safe: 4,
		});
	});
});

describe('answersRefusal', () => {
	it('takes answers that fit and refuses every kind of misfit with its reason', () => {
		expect(
			answersRefusal(threat, { threatened: 'once', who: ['public', 'unknown'], safe: 3, safer: 'Larm' }),
		).toBeUndefined();
		expect(answersRefusal(threat, { nope: 'x' })).toEqual({ reason: ANSWERS_REASONS.unknown, questionId: 'nope' });
		expect(answersRefusal(threat, { threatened: 'no', who: ['public'] })).toEqual({
			reason: ANSWERS_REASONS.hidden,
			questionId: 'who',
		});
		expect(answersRefusal(threat, { threatened: 'maybe' })).toEqual({
			reason: ANSWERS_REASONS.invalid,
			questionId: 'threatened',
		});
		expect(answersRefusal(threat, { threatened: 'once', who: ['public', 'public'] })?.reason).toBe(
			ANSWERS_REASONS.invalid,
		);
		expect(answersRefusal(hme, { meaningful: 'yes' })?.reason).toBe(ANSWERS_REASONS.invalid);
		expect(answersRefusal(threat, { safer: 'x'.repeat(1001) })).toEqual({
			reason: ANSWERS_REASONS.tooLong,
			questionId: 'safer',
		});
		expect(answersRefusal(threat, {})).toEqual({ reason: ANSWERS_REASONS.empty });
		const required = structuredClone(hme);
		required.sections[0]!.questions[0]!.required = true;
		expect(answersRefusal(required, { learning: 2 })).toEqual({
			reason: ANSWERS_REASONS.required,
			questionId: 'meaningful',
		});
	});
});

describe('campaign dates and weeks', () => {
	it('is open on both end days and closed after', () => {
		const c = { opensOn: '2026-03-02', closesOn: '2026-03-15', cancelled: false };
		expect(['2026-03-01', '2026-03-02', '2026-03-15', '2026-03-16'].map((d) => campaignPhase(c, d))).toEqual([
			'upcoming',
			'open',
			'open',
			'closed',
		]);
		expect(campaignPhase({ ...c, cancelled: true }, '2026-03-05')).toBe('cancelled');
	});

	it('names ISO weeks across year ends', () => {
		expect(isoWeek('2026-12-06')).toBe('2026-W49');
		expect(isoWeek('2027-01-01')).toBe('2026-W53');
		expect(isoWeek('2024-12-30')).toBe('2025-W01');
		expect(isoWeek('2026-01-05')).toBe('2026-W02');
	});
});

const TREE: TreeUnit[] = [
	{ id: 'forv', parentId: null },
	{ id: 'avd-a', parentId: 'forv' },
	{ id: 'avd-b', parentId: 'forv' },
	{ id: 'a1', parentId: 'avd-a' },
	{ id: 'a2', parentId: 'avd-a' },
	{ id: 'b1', parentId: 'avd-b' },
];

describe('reportingGroups', () => {
	it('keeps a unit of k as its own group and pools a small one upwards', () => {
		const g = reportingGroups(TREE, { a1: 15, a2: 4, 'avd-a': 1, b1: 2, 'avd-b': 1 }, 'forv', 5);
		expect(Object.fromEntries(g!.groupOf)).toEqual({
			a1: 'a1',
			a2: 'forv',
			'avd-a': 'forv',
			b1: 'forv',
			'avd-b': 'forv',
			forv: 'forv',
		});
		expect(Object.fromEntries(g!.sizes)).toEqual({ a1: 15, forv: 8 });
	});

	it('lets the target take in its smallest group when its own pool is below k', () => {
		const g = reportingGroups(TREE, { a1: 12, a2: 4, b1: 9 }, 'forv', 8);
		expect(Object.fromEntries(g!.sizes)).toEqual({ a1: 12, forv: 13 });
		expect(g!.groupOf.get('b1')).toBe('forv');
	});

	it('refuses a target with fewer than k people', () => {
		expect(reportingGroups(TREE, { a1: 3, a2: 4 }, 'avd-a', 8)).toBeUndefined();
	});

	it('never makes a group below k, and counts every person once', () => {
		const counts = fc.record({
			forv: fc.nat(20),
			'avd-a': fc.nat(20),
			'avd-b': fc.nat(20),
			a1: fc.nat(20),
			a2: fc.nat(20),
			b1: fc.nat(20),
		});
		fc.assert(
			fc.property(counts, fc.integer({ min: 2, max: 20 }), (eligible, k) => {
				const total = Object.values(eligible).reduce((a, b) => a + b, 0);
				const g = reportingGroups(TREE, eligible, 'forv', k);
				if (total < k) return g === undefined;
				if (!g) return false;
				const sizes = [...g.sizes.values()];
				const summed = [...g.sizes.keys()].map((group) =>
					[...g.groupOf]
						.filter(([, of]) => of === group)
						.reduce((n, [unit]) => n + (eligible[unit as keyof typeof eligible] ?? 0), 0),
				);
				return (
					sizes.every((s) => s >= k) &&
					sizes.reduce((a, b) => a + b, 0) === total &&
					summed.join() === sizes.join() &&
					g.groupOf.size === TREE.length
				);
			}),
		);
	});
});

describe('homeUnit', () => {
	it('takes the deepest membership inside the target, none outside it', () => {
		expect(homeUnit([{ unitId: 'avd-a' }, { unitId: 'a1' }], TREE, 'forv')).toBe('a1');
		expect(homeUnit([{ unitId: 'b1' }], TREE, 'avd-a')).toBeUndefined();
		expect(homeUnit([{ unitId: 'a2' }, { unitId: 'a1' }], TREE, 'avd-a')).toBe('a1');
	});
});
