/**
 * The round's state from its documents: current answers whatever order they arrive in, history,
 * progress, findings from Delvis/Nej answers, risk history across follow-ups, and canSign.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatStamp } from './hlc.ts';
import {
	canSign,
	currentAnswers,
	currentRisk,
	assessmentsByFinding,
	earlierOpenFindings,
	findingAfterAnswer,
	titleFromComment,
	findingIdForItem,
	followUpFindingId,
	riskHistory,
	roundItems,
	roundProgress,
} from './round-state.ts';
import type { AnswerDoc, AnswerValue, AssessmentDoc, FindingDoc, RoundDoc } from './schemas.ts';
import { checkDoc } from './schemas.ts';
import { starterTemplates } from './starter-templates.ts';

const NOW = '2026-11-23T09:00:00.000Z';
const template = starterTemplates(NOW)[0]!;
const items = roundItems(template);
const round: RoundDoc = {
	_id: 'round:019a0000-0000-7000-8000-000000000001',
	type: 'round',
	scope: 'unit-a1',
	unitId: 'a1',
	templateId: template._id,
	templateVersion: 1,
	date: '2026-11-23',
	status: 'in_progress',
	participants: [],
	createdBy: 'chef',
	createdAt: NOW,
	updatedAt: NOW,
};

let n = 0;
function answer(itemId: string, value: AnswerValue | null, stamp: string, extra: Partial<AnswerDoc> = {}): AnswerDoc {
	n += 1;
	return {
		_id: `answer:a${n}`,
		type: 'answer',
		scope: 'unit-a1',
		roundId: round._id,
		itemId,
		value,
		comment: '',
		fixedOnSite: false,
		fixedNote: '',
		photos: [],
		stamp,
		answeredAt: NOW,
		answeredBy: 'chef',
		answeredByName: 'Anna Chef',
		createdAt: NOW,
		updatedAt: NOW,
		...extra,
	};
}
const stamp = (wall: number, device: string, counter = 0) =>
	formatStamp({ wall: 1767225600000 + wall, counter, device });

function finding(id: string, extra: Partial<FindingDoc> = {}): FindingDoc {
	return {
		_id: id,
		type: 'finding',
		scope: 'unit-a1',
		roundId: round._id,
		title: 'Loose cable',
		description: '',
		category: 'physical',
		location: '',
		status: 'open',
		createdBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
		...extra,
	};
}
function assessment(findingId: string, s: string, probability = 2, consequence = 3): AssessmentDoc {
	n += 1;
	return {
		_id: `assessment:s${n}`,
		type: 'assessment',
		scope: 'unit-a1',
		findingId,
		roundId: round._id,
		probability,
		consequence,
		serious: false,
		stamp: s,
		assessedAt: NOW,
		assessedBy: 'chef',
		assessedByName: 'Anna Chef',
		createdAt: NOW,
		updatedAt: NOW,
	};
}

describe('currentAnswers', () => {
	it('takes the latest stamp as current and keeps the others as history, newest first', () => {
		const a = answer('physical-01', 'yes', stamp(1, 'tablet-a'));
		const b = answer('physical-01', 'no', stamp(5, 'tablet-b'));
		const c = answer('physical-01', 'partly', stamp(3, 'tablet-a'));
		const state = currentAnswers([a, b, c]).get('physical-01');
		expect(state?.current).toBe(b);
		expect(state?.history).toEqual([c, a]);
	});

	it('breaks a tie in wall time and counter by device id', () => {
		const a = answer('physical-02', 'yes', stamp(1, 'aaaa'));
		const b = answer('physical-02', 'no', stamp(1, 'bbbb'));
		expect(currentAnswers([b, a]).get('physical-02')?.current).toBe(b);
	});

	it('is independent of the order answers arrive in (property)', () => {
		const arb = fc.array(
			fc.record({
				item: fc.constantFrom('physical-01', 'physical-02', 'physical-03'),
				value: fc.constantFrom<AnswerValue | null>('yes', 'partly', 'no', 'not_applicable', null),
				wall: fc.integer({ min: 0, max: 50 }),
				counter: fc.integer({ min: 0, max: 3 }),
				device: fc.constantFrom('tablet-a', 'tablet-b', 'phone-c'),
			}),
			{ maxLength: 25 },
		);
		fc.assert(
			fc.property(
				arb.chain((specs) => {
					const docs = specs.map((s) => answer(s.item, s.value, stamp(s.wall, s.device, s.counter)));
					return fc.tuple(fc.constant(docs), fc.shuffledSubarray(docs, { minLength: docs.length }));
				}),
				([docs, shuffled]) => {
					const summary = (m: ReturnType<typeof currentAnswers>) =>
						[...m].map(([k, v]) => [k, v.current._id, v.history.map((h) => h._id)]).sort();
					expect(summary(currentAnswers(shuffled))).toEqual(summary(currentAnswers(docs)));
				},
			),
		);
	});
});

describe('roundProgress', () => {
	it('counts items with a value; a comment alone does not answer an item', () => {
		const current = currentAnswers([
			answer('physical-01', 'yes', stamp(1, 'a')),
			answer('physical-02', null, stamp(1, 'a'), { comment: 'Ask the caretaker' }),
			answer('physical-03', 'not_applicable', stamp(1, 'a')),
		]);
		const progress = roundProgress(template, current);
		expect(progress.total).toBe(items.length);
		expect(progress.answered).toBe(2);
		expect(progress.unanswered[0]).toBe('physical-02');
		expect(progress.unanswered).not.toContain('physical-03');
	});
});

describe('findingAfterAnswer', () => {
	const item = items[2]!.item;
	const base = { round, template, item, untitled: 'Brist vid fråga 3', now: NOW };

	it('makes a finding from a first Nej, with a stable id and a title from the comment, not the question', () => {
		const no = answer(item.id, 'no', stamp(1, 'a'), { comment: 'Stuffy air in room 4' });
		const made = findingAfterAnswer({ ...base, previous: undefined, answer: no, existing: undefined });
		expect(made).toMatchObject({
			_id: findingIdForItem(round._id, item.id),
			itemId: item.id,
			roundId: round._id,
			title: 'Stuffy air in room 4',
			description: 'Stuffy air in room 4',
			category: 'physical',
			status: 'open',
		});
		expect(checkDoc(made)).toMatchObject({ ok: true });
		// Two devices make the same id for the same item, and different ids for different items or rounds.
		expect(findingIdForItem(round._id, item.id)).toBe(made?._id);
		expect(findingIdForItem(round._id, 'physical-04')).not.toBe(made?._id);
		expect(followUpFindingId(round._id, made!._id)).not.toBe(made?._id);
	});

	it('prefills the title without a comment, and a later comment replaces only an untouched prefill', () => {
		const bare = findingAfterAnswer({
			...base,
			previous: undefined,
			answer: answer(item.id, 'no', stamp(1, 'a')),
			existing: undefined,
		});
		expect(bare?.title).toBe('Brist vid fråga 3');
		expect(bare?.title).not.toBe(item.text.sv);
		const commented = answer(item.id, 'no', stamp(2, 'a'), { comment: 'Fönstret går inte att öppna\nrum 4' });
		const titled = findingAfterAnswer({ ...base, previous: undefined, answer: commented, existing: bare! });
		expect(titled).toMatchObject({
			title: 'Fönstret går inte att öppna',
			description: 'Fönstret går inte att öppna\nrum 4',
		});
		// A title the person wrote is theirs: a comment never replaces it.
		const written = { ...bare!, title: 'Instängd luft', description: 'x' };
		expect(findingAfterAnswer({ ...base, previous: undefined, answer: commented, existing: written })).toBeNull();
	});

	it('cuts a long comment into a title at a word, and keeps an empty one empty', () => {
		expect(titleFromComment('   ')).toBeUndefined();
		const long = 'Golvet i korridoren utanför förrådet är halt när det regnar '.repeat(4);
		const title = titleFromComment(long)!;
		expect(title.length).toBeLessThanOrEqual(121);
		expect(title.endsWith('…')).toBe(true);
		expect(long.startsWith(title.slice(0, -1))).toBe(true);
		expect(title.slice(0, -1).endsWith(' ')).toBe(false);
	});

	it('makes nothing for Ja, Ej aktuellt or no value, and never withdraws by itself', () => {
		for (const value of ['yes', 'not_applicable', null] as const) {
			const a = answer(item.id, value, stamp(1, 'a'));
			expect(findingAfterAnswer({ ...base, previous: undefined, answer: a, existing: undefined })).toBeNull();
			expect(
				findingAfterAnswer({ ...base, previous: undefined, answer: a, existing: finding('finding:x') }),
			).toBeNull();
		}
	});

	it('closes when fixed on the spot, reopens when not, brings back a withdrawn finding', () => {
		const open = finding('finding:x');
		const no = answer(item.id, 'no', stamp(1, 'a'));
		const fixed = answer(item.id, 'no', stamp(2, 'a'), { fixedOnSite: true, fixedNote: 'Mopped' });
		expect(findingAfterAnswer({ ...base, previous: no, answer: fixed, existing: open })?.status).toBe('closed');
		const closed = finding('finding:x', { status: 'closed' });
		expect(findingAfterAnswer({ ...base, previous: fixed, answer: no, existing: closed })?.status).toBe('open');
		expect(findingAfterAnswer({ ...base, previous: no, answer: no, existing: open })).toBeNull();
		const withdrawn = finding('finding:x', { status: 'withdrawn' });
		expect(findingAfterAnswer({ ...base, previous: no, answer: no, existing: withdrawn })?.status).toBe('open');
		const first = findingAfterAnswer({ ...base, previous: undefined, answer: fixed, existing: undefined });
		expect(first?.status).toBe('closed');
		// A comment written after the answer fills an empty description, never a written one.
		const commented = answer(item.id, 'no', stamp(3, 'a'), { comment: 'Behind the door' });
		expect(findingAfterAnswer({ ...base, previous: no, answer: commented, existing: open })?.description).toBe(
			'Behind the door',
		);
		const described = finding('finding:x', { description: 'Written by hand' });
		expect(findingAfterAnswer({ ...base, previous: no, answer: commented, existing: described })).toBeNull();
	});
});

describe('risk across re-assessments and follow-ups', () => {
	it('keeps every assessment, the latest applies; a "changed" follow-up starts afresh', () => {
		const earlier = finding('finding:earlier', { roundId: 'round:old' });
		const still = finding('finding:still', { followsUp: earlier._id, followUp: 'still_open' });
		const changed = finding('finding:changed', { followsUp: earlier._id, followUp: 'changed' });
		const first = assessment(earlier._id, stamp(1, 'a'), 4, 4);
		const second = assessment(earlier._id, stamp(2, 'b'), 2, 2);
		const byId = new Map([earlier, still, changed].map((f) => [f._id, f]));
		const byFinding = assessmentsByFinding([first, second]);
		expect(riskHistory(earlier, byId, byFinding)).toEqual([second, first]);
		expect(currentRisk(still, byId, byFinding)).toBe(second);
		expect(currentRisk(changed, byId, byFinding)).toBeUndefined();
		const fresh = assessment(changed._id, stamp(3, 'a'), 3, 3);
		const withFresh = assessmentsByFinding([first, second, fresh]);
		expect(riskHistory(changed, byId, withFresh)).toEqual([fresh]);
		expect(riskHistory(still, byId, withFresh)).toEqual([second, first]);
	});
});

describe('earlierOpenFindings', () => {
	it('lists open findings of earlier rounds of the unit, with this round’s follow-up', () => {
		const old: RoundDoc = { ...round, _id: 'round:old', date: '2025-11-01', status: 'signed' };
		const older: RoundDoc = { ...round, _id: 'round:older', date: '2024-11-01', status: 'signed' };
		const later: RoundDoc = { ...round, _id: 'round:later', date: '2027-01-01' };
		const other: RoundDoc = { ...round, _id: 'round:other', unitId: 'b1', scope: 'unit-b1', date: '2025-01-01' };
		const a = finding('finding:a', { roundId: old._id });
		const closed = finding('finding:closed', { roundId: old._id, status: 'closed' });
		const fromLater = finding('finding:later', { roundId: later._id });
		const fromOther = finding('finding:other', { roundId: other._id });
		const b = finding('finding:b', { roundId: older._id });
		const bFollowed = finding('finding:b2', { roundId: old._id, followsUp: b._id, followUp: 'still_open' });
		const aHere = finding('finding:a2', { followsUp: a._id, followUp: 'fixed', status: 'closed' });
		const list = earlierOpenFindings(
			round,
			[round, old, older, later, other],
			[a, closed, fromLater, fromOther, b, bFollowed, aHere],
		);
		expect(list.map((e) => [e.finding._id, e.followUp?._id])).toEqual([
			['finding:a', 'finding:a2'],
			['finding:b2', undefined],
		]);
	});
});

describe('canSign', () => {
	const all = (value: AnswerValue) => items.map(({ item }) => answer(item.id, value, stamp(1, 'a')));

	it('needs every item answered and every finding assessed; a draft finding blocks', () => {
		const answers = all('yes');
		expect(canSign(round, answers, [], template, [])).toEqual({ ok: true });

		const missing = answers.slice(1);
		expect(canSign(round, missing, [], template, [])).toEqual({
			ok: false,
			blockers: [{ kind: 'unanswered', itemIds: [items[0]!.item.id] }],
		});

		const draft = finding('finding:draft');
		const withdrawn = finding('finding:gone', { status: 'withdrawn' });
		const elsewhere = finding('finding:elsewhere', { roundId: 'round:other' });
		const check = canSign(round, answers, [draft, withdrawn, elsewhere], template, []);
		expect(check).toEqual({ ok: false, blockers: [{ kind: 'unassessed', findingIds: ['finding:draft'] }] });
		expect(canSign(round, answers, [draft], template, [assessment(draft._id, stamp(2, 'a'))])).toEqual({ ok: true });
	});

	it('counts only the current answer: an item whose latest answer has no value is unanswered', () => {
		const itemId = items[0]!.item.id;
		const answers = [...all('yes'), answer(itemId, null, stamp(9, 'b'), { comment: 'Unsure, check again' })];
		expect(canSign(round, answers, [], template, [])).toEqual({
			ok: false,
			blockers: [{ kind: 'unanswered', itemIds: [itemId] }],
		});
	});

	it('refuses a signed round and ignores answers of other rounds', () => {
		const signed = { ...round, status: 'signed' as const };
		expect(canSign(signed, all('yes'), [], template, [])).toMatchObject({ ok: false, blockers: [{ kind: 'signed' }] });
		const foreign = all('yes').map((a) => ({ ...a, roundId: 'round:other' }));
		expect(canSign(round, foreign, [], template, [])).toMatchObject({
			ok: false,
			blockers: [{ kind: 'unanswered', itemIds: items.map((i) => i.item.id) }],
		});
	});
});
