import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionsByFinding, actionTiming, shortText } from './finding-actions.ts';
import type { ActionDoc } from './schemas.ts';

const F1 = 'finding:0001';
const F2 = 'finding:0002';

function action(id: string, createdAt: string, overrides: Partial<ActionDoc> = {}): ActionDoc {
	return {
		_id: `action:${id}`,
		type: 'action',
		scope: 'unit-a1',
		unitId: 'a1',
		source: 'finding',
		findingId: F1,
		area: 'Korridor',
		plannedAction: `Åtgärd ${id}`,
		desiredResult: '',
		responsible: 'Sara Skyddsombud',
		start: null,
		due: '2026-12-01',
		done: null,
		followUp: null,
		result: '',
		comment: '',
		estimatedCost: null,
		status: 'planned',
		createdAt: `2026-11-${createdAt}T09:00:00.000Z`,
		updatedAt: `2026-11-${createdAt}T09:00:00.000Z`,
		...overrides,
	};
}

const ids = (lines: { action: ActionDoc }[] | undefined): string[] => (lines ?? []).map((l) => l.action._id);

describe('actionsByFinding', () => {
	it('groups by finding, by creation, and leaves out actions from no finding', () => {
		const a = action('a', '12');
		const b = action('b', '10');
		const c = action('c', '11', { findingId: F2 });
		const meeting = action('m', '09', { source: 'meeting', findingId: undefined });
		const map = actionsByFinding([a, b, c, meeting]);
		expect([...map.keys()].sort()).toEqual([F1, F2]);
		expect(ids(map.get(F1))).toEqual(['action:b', 'action:a']);
		expect(ids(map.get(F2))).toEqual(['action:c']);
	});

	it('puts the action that follows one that was not effective right after it, naming it', () => {
		const first = action('1', '10', { status: 'effect_checked', effective: false, result: 'Ingen effekt' });
		const other = action('2', '11');
		const follower = action('3', '15', { follows: first._id });
		const next = action('4', '20', { follows: follower._id });
		const lines = actionsByFinding([next, other, follower, first]).get(F1);
		expect(ids(lines)).toEqual(['action:1', 'action:3', 'action:4', 'action:2']);
		expect(lines?.map((l) => l.follows?._id)).toEqual([undefined, 'action:1', 'action:3', undefined]);
	});

	it('lists a follower whose predecessor is not on the device as a start of its own', () => {
		const lines = actionsByFinding([action('x', '10', { follows: 'action:gone' })]).get(F1);
		expect(ids(lines)).toEqual(['action:x']);
		expect(lines?.[0]?.follows).toBeUndefined();
	});

	it('lists every action exactly once in the same order whatever order they are read in, loops included', () => {
		const pool = [
			action('1', '10'),
			action('2', '11', { follows: 'action:1' }),
			action('3', '12', { follows: 'action:1' }),
			action('4', '13', { follows: 'action:5' }),
			action('5', '14', { follows: 'action:4' }),
			action('6', '10', { findingId: F2, follows: 'action:6' }),
		];
		const expected = actionsByFinding(pool);
		fc.assert(
			fc.property(fc.shuffledSubarray(pool, { minLength: pool.length, maxLength: pool.length }), (shuffled) => {
				const got = actionsByFinding(shuffled);
				expect(ids(got.get(F1))).toEqual(ids(expected.get(F1)));
				expect(ids(got.get(F2))).toEqual(['action:6']);
				const all = [...got.values()].flat().map((l) => l.action._id);
				expect(new Set(all).size).toBe(pool.length);
			}),
		);
		expect(ids(expected.get(F1))).toEqual(['action:1', 'action:2', 'action:3', 'action:4', 'action:5']);
	});
});

describe('actionTiming', () => {
	const today = '2026-11-23';
	it('an open action waits for its due date: overdue, soon or later', () => {
		expect(actionTiming({ status: 'planned', due: '2026-11-20', followUp: null }, today)).toEqual({
			kind: 'due',
			date: '2026-11-20',
			attention: 'overdue',
		});
		expect(actionTiming({ status: 'in_progress', due: '2026-11-30', followUp: null }, today).attention).toBe('soon');
		expect(actionTiming({ status: 'postponed', due: '2027-02-01', followUp: null }, today).attention).toBe('later');
		expect(actionTiming({ status: 'planned', due: null, followUp: null }, today)).toEqual({
			kind: 'due',
			date: null,
			attention: 'later',
		});
	});
	it('a done action waits for its effect check; a checked one is closed and keeps its due date', () => {
		expect(actionTiming({ status: 'done', due: '2026-11-01', followUp: '2026-11-22' }, today)).toEqual({
			kind: 'followUp',
			date: '2026-11-22',
			attention: 'overdue',
		});
		expect(actionTiming({ status: 'effect_checked', due: '2026-11-01', followUp: '2026-11-22' }, today)).toEqual({
			kind: 'due',
			date: '2026-11-01',
			attention: 'closed',
		});
	});
});

describe('shortText', () => {
	it('keeps a short text, cuts a long one at a word with an ellipsis, and never exceeds the length', () => {
		expect(shortText('Fäst kabeln')).toBe('Fäst kabeln');
		expect(shortText('Dra sladdarna i kabelkanal längs väggen', 20)).toBe('Dra sladdarna i …');
		expect(shortText('x'.repeat(30), 10)).toBe(`${'x'.repeat(9)}…`);
		fc.assert(fc.property(fc.string(), fc.integer({ min: 2, max: 100 }), (s, max) => shortText(s, max).length <= max));
	});
});
