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
	templateId: 'template:physical',
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
