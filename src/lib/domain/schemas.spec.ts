import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDoc, newId, MAX_DOC_BYTES } from './index.ts';
import { starterTemplates } from './starter-templates.ts';

const now = '2026-11-23T09:00:00.000Z';
const round = () => ({
	_id: newId('round'),
	type: 'round',
	scope: 'unit-a1',
	unitId: 'a1',
	templateId: 'template:physical.v1',
	templateVersion: 1,
	date: '2026-11-23',
	status: 'planned',
	participants: [],
	createdBy: 'chef',
	createdAt: now,
	updatedAt: now,
});

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

describe('checkDoc', () => {
	it('accepts a valid round and the starter templates', () => {
		expect(checkDoc(round())).toMatchObject({ ok: true });
		for (const t of starterTemplates(now)) expect(checkDoc(t)).toMatchObject({ ok: true });
	});

	it('refuses an id that does not match the type', () => {
		expect(checkDoc({ ...round(), _id: 'unit:x' })).toEqual({
			ok: false,
			reason: 'id unit:x does not match type round',
		});
	});

	it('refuses unknown fields, types and bad dates with a reason', () => {
		expect(checkDoc({ ...round(), extra: 1 })).toMatchObject({ ok: false });
		expect(checkDoc({ ...round(), type: 'secret' })).toMatchObject({ ok: false });
		const bad = checkDoc({ ...round(), date: '23/11/2026' });
		expect(bad.ok === false && bad.reason).toContain('date');
	});

	it('gives the reason in English, field first (zod/mini has no default locale: zod.ts sets it)', () => {
		expect(checkDoc({ ...round(), createdBy: '' })).toEqual({
			ok: false,
			reason: 'createdBy: Too small: expected string to have >=1 characters',
		});
		expect(checkDoc({ ...round(), participants: [{ name: '   ', role: 'other' }] })).toEqual({
			ok: false,
			reason: 'participants.0.name: Too small: expected string to have >=1 characters',
		});
	});

	it('refuses documents over 1 MB', () => {
		const big = { ...round(), createdBy: 'x'.repeat(MAX_DOC_BYTES) };
		expect(checkDoc(big)).toMatchObject({ ok: false, reason: expect.stringContaining('1 MB') });
	});

	it('never accepts a round with any field replaced by an arbitrary value of the wrong kind', () => {
		const keys = Object.keys(round()) as (keyof ReturnType<typeof round>)[];
		fc.assert(
			fc.property(
				fc.constantFrom(...keys),
				fc.oneof(fc.integer(), fc.constant(null), fc.object(), fc.boolean()),
				(key, value) => {
					// Only values of another kind than the field's own: an integer is a fine templateVersion.
					fc.pre(kind(value) !== kind(round()[key]));
					const doc: Record<string, unknown> = { ...round(), [key]: value };
					expect(checkDoc(doc).ok).toBe(false);
				},
			),
		);
	});
});

describe('checkDoc: answers, findings, actions, signatures', () => {
	const base = (type: 'answer' | 'finding' | 'assessment' | 'action' | 'signature') => ({
		_id: newId(type),
		type,
		scope: 'unit-a1',
		createdAt: now,
		updatedAt: now,
	});
	const answer = () => ({
		...base('answer'),
		roundId: newId('round'),
		itemId: 'i1',
		value: 'partly',
		comment: '',
		fixedOnSite: true,
		fixedNote: 'Mopped the floor',
		photos: [],
		stamp: '1767225600000-0000-tablet-a',
		answeredAt: now,
		answeredBy: 'chef',
		answeredByName: 'Anna Chef',
	});
	const finding = () => ({
		...base('finding'),
		title: 'Wet floor',
		description: '',
		category: 'physical',
		location: '',
		status: 'open',
		createdBy: 'chef',
	});
	const assessment = () => ({
		...base('assessment'),
		findingId: newId('finding'),
		probability: 4,
		consequence: 1,
		serious: true,
		stamp: '1767225600000-0001-tablet-a',
		assessedAt: now,
		assessedBy: 'chef',
		assessedByName: 'Anna Chef',
	});
	const action = () => ({
		...base('action'),
		unitId: 'a1',
		source: 'other',
		comment: '',
		estimatedCost: null,
		area: 'Kitchen',
		plannedAction: 'Mop',
		desiredResult: 'Dry floor',
		responsible: 'Anna',
		start: null,
		due: '2026-12-01',
		done: null,
		followUp: null,
		result: '',
		status: 'planned',
	});
	const signature = () => ({
		...base('signature'),
		roundId: newId('round'),
		signedBy: 'chef',
		signerName: 'Anna Chef',
		role: 'manager',
		signedAt: now,
	});

	it('accepts a valid document of each type', () => {
		for (const doc of [answer(), finding(), assessment(), action(), signature()]) {
			expect(checkDoc(doc)).toMatchObject({ ok: true });
		}
		expect(checkDoc({ ...answer(), value: null, fixedOnSite: false, fixedNote: '' })).toMatchObject({ ok: true });
		expect(checkDoc({ ...finding(), followsUp: newId('finding'), followUp: 'fixed' })).toMatchObject({ ok: true });
		expect(checkDoc({ ...action(), status: 'postponed', postponeReason: 'Budget' })).toMatchObject({ ok: true });
	});

	it('refuses what the rules of each type forbid, with the field in the reason', () => {
		const reasons = [
			checkDoc({ ...answer(), value: 'ja' }),
			checkDoc({ ...answer(), roundId: newId('finding') }),
			checkDoc({ ...answer(), fixedOnSite: false }),
			checkDoc({ ...answer(), stamp: 'yesterday' }),
			checkDoc({ ...finding(), risk: { probability: 2, consequence: 1, serious: false } }),
			checkDoc({ ...finding(), followUp: 'fixed' }),
			checkDoc({ ...finding(), status: 'draft' }),
			checkDoc({ ...assessment(), probability: 5 }),
			checkDoc({ ...assessment(), findingId: newId('round') }),
			checkDoc({ ...action(), status: 'postponed' }),
			checkDoc({ ...action(), findingId: 'round:x' }),
			checkDoc({ ...signature(), role: 'staff' }),
			checkDoc({ ...signature(), clock: { status: 'yesterday' } }),
		].map((r) => (r.ok ? 'accepted' : r.reason));
		expect(reasons).toEqual([
			expect.stringContaining('value'),
			'roundId: not a round id',
			'fixedNote: a note on what was fixed needs "fixed on site"',
			'stamp: not a clock stamp',
			expect.stringContaining('risk'),
			'followUp: a follow-up names both the earlier finding and the outcome',
			expect.stringContaining('status'),
			expect.stringContaining('probability'),
			'findingId: not a finding id',
			'postponeReason: a postponed action needs a reason and a new due date',
			'findingId: not a finding id',
			expect.stringContaining('role'),
			expect.stringContaining('clock.status'),
		]);
	});

	it('refuses a tombstone of an unknown type and counts size in bytes', () => {
		expect(checkDoc({ _id: 'answer:x', _deleted: true, type: 'secret', scope: 'unit-a1' }).ok).toBe(false);
		expect(checkDoc({ _id: 'answer:x', _deleted: true, type: 'answer', scope: 'unit-a1' }).ok).toBe(true);
		// 600 000 × "å" is 1.2 MB as UTF-8 though only 600 000 characters.
		expect(checkDoc({ ...answer(), comment: 'å'.repeat(600_000) })).toMatchObject({
			ok: false,
			reason: expect.stringContaining('1 MB'),
		});
	});
});
