/**
 * Survey figures with suppression (issue 14, decision 0034). A closed campaign's reporting groups
 * form a tree (each group rooted at a unit, its parent the group of the unit above); every node
 * has two sets of respondents: its own group, and the union of the groups in its subtree. These
 * sets are laminar (two of them are nested or disjoint), so the finest sets anyone can compute
 * from shown figures by subtraction are the residuals: a shown set minus its maximal shown
 * subsets. A figure is shown only with n ≥ k and only when every residual is 0 or ≥ k; a hidden
 * figure is `null`, never a count of how many fewer. Pure: no storage, no clock, no randomness.
 */
import type { HmeFigures, NodeFigures, QuestionFigures } from './reports.ts';
import { HME_INDEX } from './starter-surveys.ts';
import type { SurveyAnswers, SurveyDoc, SurveyQuestion } from './surveys.ts';
import { surveyQuestions } from './surveys.ts';

/** A reporting group as a node of the campaign's tree: its root unit, the group above, its headcount. */
export type GroupNode = { id: string; parent: string | null; eligible: number };

/** A node of the suppression tree: a group's own set, or a group's subtree union. */
type SetNode = { key: string; children: SetNode[] };

const groupKey = (g: string): string => `g:${g}`;
const subtreeKey = (g: string): string => `s:${g}`;

/** The groups below each group, sorted by id, and the root (the group without a parent in the tree). */
function childrenOf(groups: readonly GroupNode[]): { root: string; below: Map<string, string[]> } {
	const ids = new Set(groups.map((g) => g.id));
	const below = new Map<string, string[]>();
	const roots: string[] = [];
	for (const g of [...groups].sort((a, b) => a.id.localeCompare(b.id))) {
		if (g.parent === null || !ids.has(g.parent)) roots.push(g.id);
		else below.set(g.parent, [...(below.get(g.parent) ?? []), g.id]);
	}
	if (roots.length !== 1) throw new Error(`a campaign's groups form one tree, found ${roots.length} roots`);
	return { root: roots[0] as string, below };
}

/** The tree of sets: a group with groups below is a subtree node over its own set and theirs. */
function setTree(groups: readonly GroupNode[]): SetNode {
	const { root, below } = childrenOf(groups);
	const build = (g: string, depth: number): SetNode => {
		if (depth > 64) throw new Error('group tree too deep or cyclic');
		const kids = below.get(g) ?? [];
		// A group with nothing below: its subtree is its group, one set.
		if (kids.length === 0) return { key: groupKey(g), children: [] };
		return {
			key: subtreeKey(g),
			children: [{ key: groupKey(g), children: [] }, ...kids.map((c) => build(c, depth + 1))],
		};
	};
	return build(root, 0);
}

/**
 * Which nodes may show a figure, given per group the n of that figure (respondents counted).
 * Keys: `g:<group>` (the group alone) and `s:<group>` (its subtree, only for a group with groups
 * below). One bottom-up pass: a node below k is hidden; a shown node whose residual (its n minus
 * that of its maximal shown descendants) is between 1 and k − 1 hides its shown descendants with
 * the smallest positive residual until the residual reaches k, and itself when that cannot.
 */
export function shownNodes(
	groups: readonly GroupNode[],
	n: Readonly<Record<string, number>>,
	k: number,
): Map<string, boolean> {
	const shown = new Map<string, boolean>();
	const size = new Map<string, number>();
	const residual = new Map<string, number>();
	const nodes = new Map<string, SetNode>();
	/** The maximal shown nodes strictly inside `node`. */
	const topShown = (node: SetNode): SetNode[] => node.children.flatMap((c) => (shown.get(c.key) ? [c] : topShown(c)));
	const visit = (node: SetNode): number => {
		nodes.set(node.key, node);
		const total =
			node.children.length === 0
				? Math.max(0, n[node.key.slice(2)] ?? 0)
				: node.children.reduce((s, c) => s + visit(c), 0);
		size.set(node.key, total);
		if (total < k) {
			shown.set(node.key, false);
			return total;
		}
		const inside = topShown(node);
		let rest = total - inside.reduce((s, d) => s + (size.get(d.key) ?? 0), 0);
		let candidates = inside;
		while (rest > 0 && rest < k) {
			const next = candidates
				.filter((d) => (residual.get(d.key) ?? 0) > 0)
				.sort(
					(a, b) =>
						(residual.get(a.key) ?? 0) - (residual.get(b.key) ?? 0) ||
						(size.get(a.key) ?? 0) - (size.get(b.key) ?? 0) ||
						a.key.localeCompare(b.key),
				)[0];
			if (!next) break;
			shown.set(next.key, false);
			rest += residual.get(next.key) ?? 0;
			candidates = [...candidates.filter((d) => d !== next), ...topShown(next)];
		}
		const ok = rest === 0 || rest >= k;
		shown.set(node.key, ok);
		if (ok) residual.set(node.key, rest);
		return total;
	};
	visit(setTree(groups));
	return shown;
}

/** Whether a group's own figure and its subtree figure may show. */
function visibility(shown: Map<string, boolean>, g: string): { group: boolean; subtree: boolean } {
	const group = shown.get(groupKey(g)) ?? false;
	return { group, subtree: shown.get(subtreeKey(g)) ?? group };
}

/** One question's running sums for one group: respondents, counts per value, the sum of scale steps. */
export type QuestionTally = { n: number; counts: Record<string, number>; sum: number; texts?: string[] };
/** One group's running sums: responses and per question. Adding a response never needs the others. */
export type GroupTally = { responses: number; questions: Record<string, QuestionTally> };

export function emptyTally(): GroupTally {
	return { responses: 0, questions: {} };
}

/**
 * Add one response's answers to a group's sums (in place). Multi counts once per chosen option;
 * text keeps the answer (for the group's free-text document) and counts nothing.
 */
export function addToTally(tally: GroupTally, survey: Pick<SurveyDoc, 'sections'>, answers: SurveyAnswers): void {
	tally.responses++;
	for (const q of surveyQuestions(survey)) {
		const a = answers[q.id];
		if (a === undefined) continue;
		const t = (tally.questions[q.id] ??= { n: 0, counts: {}, sum: 0 });
		t.n++;
		if (q.kind === 'text') {
			if (typeof a === 'string') (t.texts ??= []).push(a);
			continue;
		}
		const values = Array.isArray(a) ? a : [String(a)];
		for (const v of values) t.counts[v] = (t.counts[v] ?? 0) + 1;
		if (q.kind === 'scale' && typeof a === 'number') t.sum += a;
	}
}

function addTallies(into: GroupTally, from: GroupTally): void {
	into.responses += from.responses;
	for (const [id, q] of Object.entries(from.questions)) {
		const t = (into.questions[id] ??= { n: 0, counts: {}, sum: 0 });
		t.n += q.n;
		t.sum += q.sum;
		for (const [v, c] of Object.entries(q.counts)) t.counts[v] = (t.counts[v] ?? 0) + c;
	}
}

function questionFigures(q: SurveyQuestion, t: QuestionTally | undefined): QuestionFigures {
	const n = t?.n ?? 0;
	if (q.kind === 'text') return { n, counts: {} };
	const counts = { ...(t?.counts ?? {}) };
	return q.kind === 'scale' ? { n, counts, mean: n > 0 ? (t?.sum ?? 0) / n : 0 } : { n, counts };
}

/** The HME index of a node from its item means; null when any of the nine items is hidden or absent. */
function hmeOf(questions: Record<string, QuestionFigures | null>): HmeFigures | null {
	const items = Object.keys(HME_INDEX);
	const score = new Map<string, number>();
	for (const id of items) {
		const f = questions[id];
		if (!f || f.mean === undefined || f.n === 0) return null;
		score.set(id, (f.mean - 1) * 25);
	}
	const mean = (ids: string[]): number => ids.reduce((s, id) => s + (score.get(id) ?? 0), 0) / ids.length;
	const part = (p: string): number => mean(items.filter((id) => HME_INDEX[id] === p));
	return {
		index: mean(items),
		motivation: part('motivation'),
		leadership: part('leadership'),
		governance: part('governance'),
	};
}

export type NodeResult = { group: NodeFigures; subtree: NodeFigures };

/**
 * Per group of a campaign, the figures of its own group and of its subtree, from per-group sums,
 * with every figure (responses, and each question) suppressed on the tree as `shownNodes` says.
 */
export function figuresFromTallies(
	survey: Pick<SurveyDoc, 'sections' | 'kind'>,
	tallies: Readonly<Record<string, GroupTally>>,
	groups: readonly GroupNode[],
	k: number,
): Map<string, NodeResult> {
	const { below } = childrenOf(groups);
	const eligibleOf = new Map(groups.map((g) => [g.id, g.eligible]));
	// Subtree sums and headcounts, bottom-up.
	const subtreeTally = new Map<string, GroupTally>();
	const subtreeEligible = new Map<string, number>();
	const sum = (g: string): GroupTally => {
		const known = subtreeTally.get(g);
		if (known) return known;
		const t = emptyTally();
		addTallies(t, tallies[g] ?? emptyTally());
		let eligible = eligibleOf.get(g) ?? 0;
		for (const c of below.get(g) ?? []) {
			addTallies(t, sum(c));
			eligible += subtreeEligible.get(c) ?? 0;
		}
		subtreeTally.set(g, t);
		subtreeEligible.set(g, eligible);
		return t;
	};
	for (const g of groups) sum(g.id);

	const nOf = (pick: (t: GroupTally) => number): Record<string, number> =>
		Object.fromEntries(groups.map((g) => [g.id, pick(tallies[g.id] ?? emptyTally())]));
	const responsesShown = shownNodes(
		groups,
		nOf((t) => t.responses),
		k,
	);
	const questions = surveyQuestions(survey);
	const questionShown = new Map(
		questions.map(
			(q) =>
				[
					q.id,
					shownNodes(
						groups,
						nOf((t) => t.questions[q.id]?.n ?? 0),
						k,
					),
				] as const,
		),
	);

	const node = (g: string, part: 'group' | 'subtree'): NodeFigures => {
		const t = part === 'group' ? (tallies[g] ?? emptyTally()) : (subtreeTally.get(g) as GroupTally);
		const figures: NodeFigures = {
			eligible: part === 'group' ? (eligibleOf.get(g) ?? 0) : (subtreeEligible.get(g) ?? 0),
			responses: visibility(responsesShown, g)[part] ? t.responses : null,
			questions: Object.fromEntries(
				questions.map((q) => [
					q.id,
					visibility(questionShown.get(q.id) as Map<string, boolean>, g)[part]
						? questionFigures(q, t.questions[q.id])
						: null,
				]),
			),
		};
		if (survey.kind === 'hme') figures.hme = hmeOf(figures.questions);
		return figures;
	};
	return new Map(groups.map((g) => [g.id, { group: node(g.id, 'group'), subtree: node(g.id, 'subtree') }]));
}

/**
 * Per group, the figures of a campaign's responses (each with its group), suppressed.
 * @example surveyFigures(hme, responses, [{ id: 'forv', parent: null, eligible: 17 }], 5).get('forv')?.group.responses // 16
 */
export function surveyFigures(
	survey: Pick<SurveyDoc, 'sections' | 'kind'>,
	responses: readonly { group: string; answers: SurveyAnswers }[],
	groups: readonly GroupNode[],
	k: number,
): Map<string, NodeResult> {
	const tallies: Record<string, GroupTally> = {};
	for (const r of responses) addToTally((tallies[r.group] ??= emptyTally()), survey, r.answers);
	return figuresFromTallies(survey, tallies, groups, k);
}

/** The free text of a group whose text question is shown in its group figure. */
export function shownTextQuestions(result: NodeResult, survey: Pick<SurveyDoc, 'sections'>): string[] {
	return surveyQuestions(survey)
		.filter((q) => q.kind === 'text' && result.group.questions[q.id] != null)
		.map((q) => q.id);
}
