/**
 * The actions made from each finding, for the finding card and the round report: grouped by
 * finding and ordered so a chain reads top down (an action that was not effective, then the one
 * that follows it). Pure.
 */
import { attention, nextDate, type Attention } from './actions.ts';
import type { ActionDoc } from './schemas.ts';

/** One line of a finding's actions: the action and, when it follows one that was not effective, that one. */
export type FindingAction = { action: ActionDoc; follows: ActionDoc | undefined };

const byCreation = (a: ActionDoc, b: ActionDoc): number =>
	a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a._id < b._id ? -1 : a._id > b._id ? 1 : 0;

/**
 * The actions of each finding (actions from no finding are left out). Within a finding: by
 * creation, each action directly followed by the actions that follow it (its chain), so two
 * devices list them alike.
 * @example actionsByFinding([a, b]).get(findingId) // [{ action: a, follows: undefined }, { action: b, follows: a }]
 */
export function actionsByFinding(actions: readonly ActionDoc[]): Map<string, FindingAction[]> {
	const groups = new Map<string, ActionDoc[]>();
	for (const a of actions) {
		if (!a.findingId) continue;
		const list = groups.get(a.findingId);
		if (list) list.push(a);
		else groups.set(a.findingId, [a]);
	}
	const out = new Map<string, FindingAction[]>();
	for (const [findingId, list] of groups) {
		const ids = new Map(list.map((a) => [a._id, a]));
		const followers = new Map<string, ActionDoc[]>();
		const roots: ActionDoc[] = [];
		for (const a of list) {
			const prev = a.follows;
			if (prev && prev !== a._id && ids.has(prev)) {
				const f = followers.get(prev);
				if (f) f.push(a);
				else followers.set(prev, [a]);
			} else roots.push(a);
		}
		const lines: FindingAction[] = [];
		const seen = new Set<string>();
		const visit = (a: ActionDoc): void => {
			if (seen.has(a._id)) return;
			seen.add(a._id);
			lines.push({ action: a, follows: a.follows ? ids.get(a.follows) : undefined });
			for (const f of (followers.get(a._id) ?? []).sort(byCreation)) visit(f);
		};
		for (const a of roots.sort(byCreation)) visit(a);
		// A loop of `follows` (never made by the app) has no start: its actions still show.
		for (const a of [...list].sort(byCreation)) visit(a);
		out.set(findingId, lines);
	}
	return out;
}

/** What a finding's action line says about time: the date it waits for (due, or the effect check when done) and its urgency. */
export type ActionTiming = { kind: 'due' | 'followUp'; date: string | null; attention: Attention };

/**
 * @example actionTiming({ status: 'planned', due: '2026-11-20', followUp: null }, '2026-11-23') // { kind: 'due', date: '2026-11-20', attention: 'overdue' }
 */
export function actionTiming(action: Pick<ActionDoc, 'status' | 'due' | 'followUp'>, today: string): ActionTiming {
	return {
		kind: action.status === 'done' ? 'followUp' : 'due',
		date: action.status === 'effect_checked' ? action.due : nextDate(action),
		attention: attention(action, today),
	};
}

/**
 * A long text cut to `max` characters at a word where it can, with an ellipsis (a list line's
 * name for an action; the action's page shows it whole).
 * @example shortText('Dra sladdarna i kabelkanal längs väggen', 20) // 'Dra sladdarna i …'
 */
export function shortText(text: string, max = 80): string {
	const s = text.trim().replace(/\s+/g, ' ');
	if (s.length <= max) return s;
	const cut = s.slice(0, max - 1);
	const space = cut.lastIndexOf(' ');
	return `${space > max / 2 ? cut.slice(0, space + 1) : cut}…`;
}
