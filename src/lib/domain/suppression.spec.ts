import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HME_INDEX, starterSurveys } from './starter-surveys.ts';
import type { GroupNode } from './suppression.ts';
import { shownNodes, surveyFigures } from './suppression.ts';
import type { NodeFigures } from './reports.ts';
import type { SurveyAnswers, SurveyDoc } from './surveys.ts';

const AT = '2026-01-01T00:00:00.000Z';
const hme = starterSurveys(AT).find((s) => s.kind === 'hme') as SurveyDoc;
const l = (sv: string) => ({ sv, en: sv });
const other: Pick<SurveyDoc, 'sections' | 'kind'> = {
	kind: 'other',
	sections: [
		{
			id: 's',
			title: l('S'),
			questions: [
				{ id: 'scale', kind: 'scale', text: l('Skala'), required: false },
				{
					id: 'multi',
					kind: 'multi',
					text: l('Flera'),
					required: false,
					options: [
						{ value: 'x', label: l('X') },
						{ value: 'y', label: l('Y') },
					],
				},
				{ id: 'yn', kind: 'yesno', text: l('Ja/nej'), required: false },
				{ id: 'free', kind: 'text', text: l('Fritt'), required: false },
			],
		},
	],
};

/** forv (target) → avd-a → a1, a2; forv → avd-b. */
const TREE: GroupNode[] = [
	{ id: 'forv', parent: null, eligible: 6 },
	{ id: 'avd-a', parent: 'forv', eligible: 5 },
	{ id: 'a1', parent: 'avd-a', eligible: 12 },
	{ id: 'a2', parent: 'avd-a', eligible: 6 },
	{ id: 'avd-b', parent: 'forv', eligible: 9 },
];

const many = (group: string, count: number, answers: SurveyAnswers) =>
	Array.from({ length: count }, () => ({ group, answers }));

describe('shownNodes', () => {
	it('hides a group below k and shows one at k', () => {
		const shown = shownNodes([{ id: 'forv', parent: null, eligible: 9 }], { forv: 4 }, 5);
		expect(shown.get('g:forv')).toBe(false);
		expect(shownNodes([{ id: 'forv', parent: null, eligible: 9 }], { forv: 5 }, 5).get('g:forv')).toBe(true);
	});

	it('hides the smallest child whose mass lifts a parent residual below k to k', () => {
		// forv's own 3 would be forv's subtree (20) minus avd-a (9) minus avd-b (8): hide avd-b.
		const groups: GroupNode[] = [
			{ id: 'forv', parent: null, eligible: 5 },
			{ id: 'avd-a', parent: 'forv', eligible: 9 },
			{ id: 'avd-b', parent: 'forv', eligible: 9 },
		];
		const shown = shownNodes(groups, { forv: 3, 'avd-a': 9, 'avd-b': 8 }, 5);
		expect(shown.get('g:forv')).toBe(false);
		expect(shown.get('g:avd-b')).toBe(false);
		expect(shown.get('g:avd-a')).toBe(true);
		expect(shown.get('s:forv')).toBe(true);
	});

	it('hides the node itself when hiding every child cannot reach k', () => {
		// a1 alone has 6; avd-a's subtree 8 = a1 6 + avd-a's own 2: hiding a1 leaves 8 ≥ 5, so a1 goes.
		const groups: GroupNode[] = [
			{ id: 'avd-a', parent: null, eligible: 5 },
			{ id: 'a1', parent: 'avd-a', eligible: 6 },
		];
		const shown = shownNodes(groups, { 'avd-a': 2, a1: 6 }, 5);
		expect(shown.get('g:a1')).toBe(false);
		expect(shown.get('s:avd-a')).toBe(true);
		// With 4 in total nothing is shown.
		const none = shownNodes(groups, { 'avd-a': 0, a1: 4 }, 5);
		expect([...none.values()].some(Boolean)).toBe(false);
	});
});

describe('surveyFigures', () => {
	it('counts options, multi once per option, means of scales, text as n only', () => {
		const responses = [
			...many('forv', 3, { scale: 5, multi: ['x', 'y'], yn: 'yes', free: 'bra' }),
			...many('forv', 3, { scale: 2, multi: ['y'], free: 'dåligt' }),
		];
		const groups = [{ id: 'forv', parent: null, eligible: 10 }];
		const result = surveyFigures(other, responses, groups, 5).get('forv');
		expect(result?.group.responses).toBe(6);
		expect(result?.group.questions.scale).toEqual({ n: 6, counts: { '5': 3, '2': 3 }, mean: 3.5 });
		expect(result?.group.questions.multi).toEqual({ n: 6, counts: { x: 3, y: 6 } });
		expect(result?.group.questions.free).toEqual({ n: 6, counts: {} });
		// Only 3 answered yes/no: hidden, with no count of how many.
		expect(result?.group.questions.yn).toBeNull();
		expect(result?.subtree).toEqual(result?.group);
		expect(result?.group.eligible).toBe(10);
	});

	it('computes the HME index as the mean of the nine item scores, and null when an item is hidden', () => {
		const step: Record<string, number> = { motivation: 5, leadership: 3, governance: 1 };
		const all: SurveyAnswers = Object.fromEntries(
			Object.entries(HME_INDEX).map(([id, part]) => [id, step[part] as number]),
		);
		const groups = [{ id: 'forv', parent: null, eligible: 10 }];
		const result = surveyFigures(hme, many('forv', 5, all), groups, 5).get('forv');
		expect(result?.group.hme).toEqual({ index: 50, motivation: 100, leadership: 50, governance: 0 });
		const { trust: _skipped, ...withoutTrust } = all;
		const partly = [...many('forv', 4, all), ...many('forv', 1, withoutTrust)];
		const hidden = surveyFigures(hme, partly, groups, 5).get('forv');
		expect(hidden?.group.questions.trust).toBeNull();
		expect(hidden?.group.hme).toBeNull();
	});

	it('hides a unit of 4 respondents everywhere its figure could be recovered', () => {
		const responses = [
			...many('a1', 10, { scale: 4 }),
			...many('a2', 4, { scale: 1 }),
			...many('avd-b', 7, { scale: 3 }),
		];
		const results = surveyFigures(other, responses, TREE, 5);
		expect(results.get('a2')?.group.responses).toBeNull();
		expect(results.get('a2')?.group.questions.scale).toBeNull();
		// avd-a's subtree is a1 + a2 (+ its own 0): showing it and a1 would give a2 by subtraction.
		const avdA = results.get('avd-a')?.subtree.responses;
		const a1 = results.get('a1')?.group.responses;
		expect(avdA !== null && a1 !== null && avdA !== undefined && a1 !== undefined).toBe(false);
	});
});

// ——— The adversarial property ———

type SetFigure = { key: string; members: Set<string>; n: number };

/** Every set a node's figure covers: `g:<group>`, and `s:<group>` for a group with groups below. */
function sets(groups: readonly GroupNode[], n: Readonly<Record<string, number>>): SetFigure[] {
	const below = (g: string): string[] => groups.filter((x) => x.parent === g).map((x) => x.id);
	const subtree = (g: string): string[] => [g, ...below(g).flatMap(subtree)];
	const out: SetFigure[] = [];
	for (const g of groups) {
		out.push({ key: `g:${g.id}`, members: new Set([g.id]), n: n[g.id] ?? 0 });
		if (below(g.id).length > 0) {
			const members = subtree(g.id);
			out.push({ key: `s:${g.id}`, members: new Set(members), n: members.reduce((s, m) => s + (n[m] ?? 0), 0) });
		}
	}
	return out;
}

const inside = (a: Set<string>, b: Set<string>): boolean => a.size < b.size && [...a].every((m) => b.has(m));
const disjoint = (a: Set<string>, b: Set<string>): boolean => [...a].every((m) => !b.has(m));

/**
 * Every value an attacker computes from shown figures: each shown figure, and each shown figure
 * minus any set of shown, pairwise disjoint figures inside it. Returns the first in 1..k−1.
 */
function recoverable(all: SetFigure[], shown: (key: string) => boolean, k: number): string | undefined {
	const visible = all.filter((s) => shown(s.key));
	for (const outer of visible) {
		if (outer.n < k) return `${outer.key} shows ${outer.n}`;
		const parts = visible.filter((s) => inside(s.members, outer.members));
		const walk = (from: number, chosen: SetFigure[], rest: number): string | undefined => {
			if (chosen.length > 0 && rest > 0 && rest < k) {
				return `${outer.key} − ${chosen.map((c) => c.key).join(' − ')} = ${rest}`;
			}
			for (let i = from; i < parts.length; i++) {
				const p = parts[i] as SetFigure;
				if (!chosen.every((c) => disjoint(c.members, p.members))) continue;
				const found = walk(i + 1, [...chosen, p], rest - p.n);
				if (found) return found;
			}
			return undefined;
		};
		const found = walk(0, [], outer.n);
		if (found) return found;
	}
	return undefined;
}

/** Random trees of 1–10 groups (each below an earlier one), n per group 0..k+3 (sometimes more). */
const caseArb = fc.integer({ min: 2, max: 10 }).chain((k) =>
	fc.integer({ min: 1, max: 10 }).chain((size) =>
		fc.record({
			k: fc.constant(k),
			parents: fc.tuple(...Array.from({ length: size }, (_, i) => fc.integer({ min: 0, max: Math.max(0, i - 1) }))),
			n: fc.array(fc.oneof(fc.integer({ min: 0, max: k + 3 }), fc.integer({ min: 0, max: 3 * k })), {
				minLength: size,
				maxLength: size,
			}),
			m: fc.array(fc.integer({ min: 0, max: k + 3 }), { minLength: size, maxLength: size }),
		}),
	),
);

function treeOf(parents: readonly number[]): GroupNode[] {
	return parents.map((p, i) => ({ id: `u${i}`, parent: i === 0 ? null : `u${p}`, eligible: 100 }));
}

describe('suppression against every subtraction', () => {
	it('leaves no shown figure, nor any difference of shown figures, between 1 and k − 1', () => {
		fc.assert(
			fc.property(caseArb, ({ k, parents, n }) => {
				const groups = treeOf(parents);
				const counts = Object.fromEntries(groups.map((g, i) => [g.id, n[i] ?? 0]));
				const shown = shownNodes(groups, counts, k);
				expect(recoverable(sets(groups, counts), (key) => shown.get(key) ?? false, k)).toBeUndefined();
			}),
			{ numRuns: 400 },
		);
	});

	it('holds per question and for responses in the documents, and a hidden figure carries no count', () => {
		fc.assert(
			fc.property(caseArb, ({ k, parents, n, m }) => {
				const groups = treeOf(parents);
				// Everyone answers the scale question; only some (m) the yes/no question: two figures, two suppressions.
				const responses = groups.flatMap((g, i) =>
					Array.from({ length: n[i] ?? 0 }, (_, j) => ({
						group: g.id,
						answers: (j < (m[i] ?? 0) ? { scale: 3, yn: 'yes' } : { scale: 2 }) as SurveyAnswers,
					})),
				);
				const results = surveyFigures(other, responses, groups, k);
				const figure = (key: string, pick: (f: NodeFigures) => number | null | undefined) => {
					const g = key.slice(2);
					const r = results.get(g);
					if (!r) throw new Error(`no result for ${g}`);
					return pick(key.startsWith('g:') ? r.group : r.subtree);
				};
				for (const [pick, nOf] of [
					[(f: NodeFigures) => f.responses, (i: number) => n[i] ?? 0],
					[(f: NodeFigures) => f.questions.scale?.n ?? null, (i: number) => n[i] ?? 0],
					[(f: NodeFigures) => f.questions.yn?.n ?? null, (i: number) => Math.min(m[i] ?? 0, n[i] ?? 0)],
				] as const) {
					const counts = Object.fromEntries(groups.map((g, i) => [g.id, nOf(i)]));
					const all = sets(groups, counts);
					// The document shows exactly the true n, or null.
					for (const s of all) {
						const shownValue = figure(s.key, pick);
						expect(shownValue === null || shownValue === s.n).toBe(true);
					}
					expect(recoverable(all, (key) => figure(key, pick) !== null, k)).toBeUndefined();
				}
				// A hidden question is null whole: no n, no counts, no mean anywhere.
				for (const r of results.values()) {
					for (const f of [r.group, r.subtree]) {
						for (const q of Object.values(f.questions)) expect(q === null || q.n >= k).toBe(true);
						if (f.responses !== null) expect(f.responses).toBeGreaterThanOrEqual(k);
					}
				}
			}),
			{ numRuns: 300 },
		);
	});

	it('would catch suppression that only hides groups below k (the check can fail)', () => {
		const groups = treeOf([0, 0]);
		const counts = { u0: 6, u1: 3 };
		const naive = (key: string) => sets(groups, counts).find((s) => s.key === key)!.n >= 5;
		expect(recoverable(sets(groups, counts), naive, 5)).toBe('s:u0 − g:u0 = 3');
		const shown = shownNodes(groups, counts, 5);
		expect(recoverable(sets(groups, counts), (key) => shown.get(key) ?? false, 5)).toBeUndefined();
	});
});
