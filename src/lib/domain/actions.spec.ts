import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	ACTION_MOVES,
	actionChanges,
	actionHistory,
	actionMoveRefusal,
	actionPatch,
	attention,
	myActions,
	planRows,
	responsibleNames,
} from './actions.ts';
import { ACTION_STATUSES, checkDoc, type ActionDoc, type ActionLogDoc, type AssessmentDoc } from './schemas.ts';

const NOW = '2026-11-23T09:00:00.000Z';
let n = 0;
function action(overrides: Partial<ActionDoc> = {}): ActionDoc {
	n += 1;
	return {
		_id: `action:0000-${String(n).padStart(4, '0')}`,
		type: 'action',
		scope: 'unit-a1',
		unitId: 'a1',
		source: 'other',
		area: 'Entré',
		plannedAction: 'Fäst kabeln',
		desiredResult: 'Ingen snubblar',
		responsible: 'Anna Chef',
		responsibleUser: 'chef',
		start: null,
		due: '2026-12-01',
		done: null,
		followUp: null,
		result: '',
		comment: '',
		estimatedCost: null,
		status: 'planned',
		createdAt: `2026-11-${String(10 + (n % 10)).padStart(2, '0')}T09:00:00.000Z`,
		updatedAt: NOW,
		...overrides,
	};
}

function assessment(findingId: string, p: number, c: number, stamp: string): AssessmentDoc {
	return {
		_id: `assessment:${stamp}`,
		type: 'assessment',
		scope: 'unit-a1',
		findingId,
		probability: p,
		consequence: c,
		serious: false,
		stamp,
		assessedAt: NOW,
		assessedBy: 'chef',
		assessedByName: 'Anna Chef',
		createdAt: NOW,
		updatedAt: NOW,
	};
}

describe('action schema', () => {
	it('accepts a complete action and asks a postponed one for a reason and a new date', () => {
		expect(checkDoc(action()).ok).toBe(true);
		expect(checkDoc(action({ status: 'postponed' }))).toMatchObject({ ok: false });
		expect(checkDoc(action({ status: 'postponed', postponeReason: 'Budget', due: null })).ok).toBe(false);
		expect(checkDoc(action({ status: 'postponed', postponeReason: 'Budget' })).ok).toBe(true);
	});

	it('wants the verdict of an effect check and the finding of an action from a finding', () => {
		expect(checkDoc(action({ status: 'effect_checked' })).ok).toBe(false);
		expect(checkDoc(action({ status: 'effect_checked', effective: false })).ok).toBe(true);
		expect(checkDoc(action({ source: 'finding' })).ok).toBe(false);
		expect(checkDoc(action({ source: 'finding', findingId: 'finding:1' })).ok).toBe(true);
		expect(checkDoc(action({ estimatedCost: -1 })).ok).toBe(false);
	});

	it('keeps a residual assessment out of every round', () => {
		const residual = { ...assessment('finding:1', 1, 2, '1795424400000-0000-dev'), kind: 'residual' };
		expect(checkDoc(residual).ok).toBe(true);
		expect(checkDoc({ ...residual, roundId: 'round:1' }).ok).toBe(false);
	});
});

describe('status moves', () => {
	it('follows planerad → pågår → genomförd → effekt kontrollerad', () => {
		expect(actionMoveRefusal('planned', 'in_progress')).toBeUndefined();
		expect(actionMoveRefusal('in_progress', 'done')).toBeUndefined();
		expect(actionMoveRefusal('done', 'effect_checked')).toBeUndefined();
		expect(actionMoveRefusal('planned', 'effect_checked')).toBe('an action cannot move from planned to effect_checked');
		expect(actionMoveRefusal(undefined, 'effect_checked')).toBe('a new action cannot start as effect_checked');
		expect(actionMoveRefusal(undefined, 'planned')).toBeUndefined();
	});

	it('postpones any open action and takes a postponed one up again', () => {
		for (const s of ['planned', 'in_progress'] as const) expect(actionMoveRefusal(s, 'postponed')).toBeUndefined();
		expect(actionMoveRefusal('postponed', 'in_progress')).toBeUndefined();
		expect(actionMoveRefusal('postponed', 'done')).toBeDefined();
	});

	it('never leaves effect checked, and every status stays where it is', () => {
		fc.assert(
			fc.property(fc.constantFrom(...ACTION_STATUSES), fc.constantFrom(...ACTION_STATUSES), (from, to) => {
				expect(actionMoveRefusal(from, from)).toBeUndefined();
				if (from === 'effect_checked' && to !== from) expect(actionMoveRefusal(from, to)).toBeDefined();
				expect(actionMoveRefusal(from, to) === undefined).toBe(from === to || ACTION_MOVES[from].includes(to));
			}),
		);
	});

	it('reaches effect checked from every status', () => {
		for (const start of ACTION_STATUSES) {
			const seen = new Set([start]);
			const queue = [start];
			while (queue.length > 0) {
				for (const next of ACTION_MOVES[queue.shift() as (typeof ACTION_STATUSES)[number]]) {
					if (seen.has(next)) continue;
					queue.push(next);
					seen.add(next);
				}
			}
			expect(seen.has('effect_checked'), start).toBe(true);
		}
	});
});

describe('history', () => {
	it('records each changed field from what to what', () => {
		const a = action();
		expect(actionChanges(a, { ...a, status: 'done', done: '2026-11-30', comment: 'Klart' })).toEqual([
			{ field: 'status', from: 'planned', to: 'done' },
			{ field: 'done', from: null, to: '2026-11-30' },
			{ field: 'comment', from: '', to: 'Klart' },
		]);
		expect(actionChanges(a, a)).toEqual([]);
	});

	it('applies only what the person changed, also a cleared optional field', () => {
		const a = action();
		const { status: _s, ...fields } = a;
		expect(actionPatch(a, fields)).toEqual({});
		expect(actionPatch(a, { ...fields, comment: 'Klart', responsibleUser: undefined })).toEqual({
			comment: 'Klart',
			responsibleUser: undefined,
		});
		// An edit made from an old copy does not carry the old status back.
		expect(actionPatch({ ...a, status: 'done' }, { area: 'Ny rubrik' })).toEqual({ area: 'Ny rubrik' });
	});

	it('lists the filled fields of a new action', () => {
		const fields = actionChanges(undefined, action()).map((c) => c.field);
		expect(fields).toContain('area');
		expect(fields).toContain('due');
		expect(fields).not.toContain('done');
		expect(fields).not.toContain('comment');
	});

	it('orders an action’s entries by time, then id', () => {
		const log = (id: string, at: string, actionId = 'action:1'): ActionLogDoc => ({
			_id: `actionlog:${id}`,
			type: 'actionlog',
			scope: 'unit-a1',
			actionId,
			event: 'changed',
			changes: [],
			at,
			by: 'chef',
			byName: 'Anna Chef',
			createdAt: at,
			updatedAt: at,
		});
		const logs = [log('b', NOW), log('a', NOW), log('c', '2026-11-22T09:00:00.000Z'), log('d', NOW, 'action:2')];
		expect(actionHistory(logs, 'action:1').map((l) => l._id)).toEqual(['actionlog:c', 'actionlog:a', 'actionlog:b']);
	});
});

describe('dates', () => {
	it('tells overdue, due within 14 days and later; a done action waits for its follow-up', () => {
		const today = '2026-11-23';
		expect(attention({ status: 'planned', due: '2026-11-22', followUp: null }, today)).toBe('overdue');
		expect(attention({ status: 'in_progress', due: '2026-12-07', followUp: null }, today)).toBe('soon');
		expect(attention({ status: 'planned', due: '2026-12-08', followUp: null }, today)).toBe('later');
		expect(attention({ status: 'planned', due: null, followUp: null }, today)).toBe('later');
		expect(attention({ status: 'done', due: '2026-01-01', followUp: '2026-11-30' }, today)).toBe('soon');
		expect(attention({ status: 'done', due: '2026-01-01', followUp: '2026-11-01' }, today)).toBe('overdue');
		expect(attention({ status: 'effect_checked', due: '2026-01-01', followUp: null }, today)).toBe('closed');
	});

	it('lists only my actions that are not closed, by date', () => {
		const late = action({ due: '2026-11-01' });
		const soon2 = action({ due: '2026-12-05' });
		const soon1 = action({ due: '2026-11-24' });
		const other = action({ responsibleUser: 'skyddsombud', due: '2026-11-01' });
		const closed = action({ status: 'effect_checked', effective: true });
		const mine = myActions([late, soon2, soon1, other, closed], 'chef', '2026-11-23');
		expect(mine.overdue).toEqual([late]);
		expect(mine.soon).toEqual([soon1, soon2]);
		expect(mine.later).toEqual([]);
	});
});

describe('the plan', () => {
	const f1 = 'finding:1';
	const f2 = 'finding:2';
	const severe = action({ area: 'Trappa', source: 'finding', findingId: f1, responsible: 'Sara', due: '2026-12-10' });
	const low = action({ area: 'Kök', source: 'finding', findingId: f2, due: null, status: 'in_progress' });
	const none = action({ area: 'Arbetstider', due: '2026-11-30', status: 'effect_checked', effective: true });
	const assessments = [
		assessment(f1, 4, 4, '1795424400000-0000-dev'),
		assessment(f2, 3, 3, '1795424400000-0000-dev'),
		// The residual risk after the action is the finding's current risk.
		{ ...assessment(f2, 1, 2, '1795424400001-0000-dev'), kind: 'residual' as const },
	];
	const actions = [none, low, severe];

	it('gives each line its finding’s current risk level and filters by status, level and responsible', () => {
		const rows = planRows({ actions, assessments });
		expect(rows.map((r) => [r.action.area, r.level])).toEqual(
			[...rows].map((r) => [r.action.area, r.action === severe ? 'severe' : r.action === low ? 'low' : undefined]),
		);
		expect(planRows({ actions, assessments, filter: { status: 'open' } }).map((r) => r.action)).not.toContain(none);
		expect(planRows({ actions, assessments, filter: { level: 'severe' } }).map((r) => r.action)).toEqual([severe]);
		expect(planRows({ actions, assessments, filter: { level: 'none' } }).map((r) => r.action)).toEqual([none]);
		expect(planRows({ actions, assessments, filter: { responsible: 'Sara' } }).map((r) => r.action)).toEqual([severe]);
		expect(planRows({ actions, assessments, filter: { status: 'in_progress' } }).map((r) => r.action)).toEqual([low]);
	});

	it('uses the bands it is given', () => {
		const rows = planRows({ actions: [low], assessments, bands: { medium: 2, high: 3, severe: 4 } });
		expect(rows[0]?.level).toBe('medium');
	});

	it('sorts by date with undated lines last in both directions, and by level', () => {
		const up = planRows({ actions, assessments, sort: { key: 'due', dir: 1 } }).map((r) => r.action);
		expect(up).toEqual([none, severe, low]);
		const down = planRows({ actions, assessments, sort: { key: 'due', dir: -1 } }).map((r) => r.action);
		expect(down).toEqual([severe, none, low]);
		const byLevel = planRows({ actions, assessments, sort: { key: 'level', dir: -1 } }).map((r) => r.action);
		expect(byLevel).toEqual([severe, low, none]);
		const byArea = planRows({
			actions,
			assessments,
			sort: { key: 'area', dir: 1 },
			compare: (a, b) => a.localeCompare(b, 'sv'),
		});
		expect(byArea.map((r) => r.action.area)).toEqual(['Arbetstider', 'Kök', 'Trappa']);
	});

	it('lists each responsible name once', () => {
		expect(responsibleNames(actions, (a, b) => a.localeCompare(b))).toEqual(['Anna Chef', 'Sara']);
	});
});
