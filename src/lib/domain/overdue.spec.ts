import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { overdueUnits, yearBefore, YEARLY_KINDS } from './overdue.ts';
import type { RoundDoc, TemplateDoc } from './schemas.ts';

const units = [
	{ _id: 'unit:demo', name: 'Demo', parentId: null },
	{ _id: 'unit:avd-a', name: 'Avdelning A', parentId: 'unit:demo' },
	{ _id: 'unit:avd-b', name: 'Avdelning B', parentId: 'unit:demo' },
	{ _id: 'unit:a1', name: 'Enhet A1', parentId: 'unit:avd-a' },
	{ _id: 'unit:a2', name: 'Enhet Ä2', parentId: 'unit:avd-a' },
	{ _id: 'unit:a3', name: 'Enhet Z3', parentId: 'unit:avd-a' },
	{ _id: 'unit:b1', name: 'Enhet B1', parentId: 'unit:avd-b' },
];
const templates: Pick<TemplateDoc, '_id' | 'kind'>[] = [
	{ _id: 'template:physical.v1', kind: 'physical' },
	{ _id: 'template:physical.v2', kind: 'physical' },
	{ _id: 'template:osa.v1', kind: 'osa' },
	{ _id: 'template:threat-violence.v1', kind: 'threat_violence' },
];
type R = Pick<RoundDoc, 'unitId' | 'templateId' | 'status' | 'date'>;
const signed = (unitId: string, templateId: string, date: string): R => ({
	unitId,
	templateId,
	status: 'signed',
	date,
});
const allKinds = (unitId: string, date: string): R[] => [
	signed(unitId, 'template:physical.v1', date),
	signed(unitId, 'template:osa.v1', date),
	signed(unitId, 'template:threat-violence.v1', date),
];
const sv = new Intl.Collator('sv-SE').compare;

describe('yearBefore', () => {
	it('goes back one calendar year, 29 February to 28 February', () => {
		expect(yearBefore('2026-11-23')).toBe('2025-11-23');
		expect(yearBefore('2028-02-29')).toBe('2027-02-28');
		expect(yearBefore('2027-03-01')).toBe('2026-03-01');
	});
});

describe('overdueUnits', () => {
	it('lists every workplace under a division when nothing is signed, sorted by the Swedish collator', () => {
		const out = overdueUnits({ units, rounds: [], templates, roots: ['avd-a'], today: '2026-11-23', compare: sv });
		// In Swedish, Ä sorts after Z.
		expect(out.map((u) => u.name)).toEqual(['Enhet A1', 'Enhet Z3', 'Enhet Ä2']);
		expect(out[0]).toEqual({
			unitId: 'a1',
			name: 'Enhet A1',
			missing: ['physical', 'osa', 'threat_violence'],
			lastSigned: { physical: null, osa: null, threat_violence: null },
		});
	});

	it('counts only signed rounds within the last 12 months, of any version of a kind', () => {
		const rounds: R[] = [
			...allKinds('a1', '2026-01-10'),
			signed('a2', 'template:physical.v2', '2025-11-23'), // exactly a year ago: still counts
			signed('a2', 'template:osa.v1', '2025-11-22'), // a day too old
			{ ...signed('a2', 'template:threat-violence.v1', '2026-10-01'), status: 'done' }, // not signed
			...allKinds('a3', '2026-06-01'),
		];
		const out = overdueUnits({ units, rounds, templates, roots: ['avd-a'], today: '2026-11-23' });
		expect(out).toEqual([
			{
				unitId: 'a2',
				name: 'Enhet Ä2',
				missing: ['osa', 'threat_violence'],
				lastSigned: { osa: '2025-11-22', threat_violence: null },
			},
		]);
	});

	it('ignores rounds of unknown templates and units outside the roots', () => {
		const rounds = [signed('a1', 'template:gone.v1', '2026-11-01'), ...allKinds('b1', '2026-11-01')];
		const out = overdueUnits({ units, rounds, templates, roots: ['avd-a'], today: '2026-11-23', kinds: ['physical'] });
		expect(out.map((u) => u.unitId).sort()).toEqual(['a1', 'a2', 'a3']);
		expect(overdueUnits({ units, rounds, templates, roots: ['b1'], today: '2026-11-23' })).toEqual([]);
		expect(overdueUnits({ units, rounds, templates, roots: ['ghost'], today: '2026-11-23' })).toEqual([]);
	});

	it('a unit is overdue exactly when some kind lacks a signed round since a year ago (property)', () => {
		const day = fc
			.integer({ min: 0, max: 800 })
			.map((n) => new Date(Date.UTC(2025, 0, 1 + n)).toISOString().slice(0, 10));
		const roundArb = fc.record({
			unitId: fc.constantFrom('a1', 'a2', 'a3', 'b1'),
			templateId: fc.constantFrom(...templates.map((t) => t._id), 'template:gone.v1'),
			status: fc.constantFrom('planned', 'in_progress', 'done', 'signed'),
			date: day,
		}) as fc.Arbitrary<R>;
		fc.assert(
			fc.property(fc.array(roundArb, { maxLength: 30 }), day, (rounds, today) => {
				const out = overdueUnits({ units, rounds, templates, roots: ['demo'], today });
				const since = yearBefore(today);
				for (const unitId of ['a1', 'a2', 'a3', 'b1']) {
					const expected = YEARLY_KINDS.filter(
						(kind) =>
							!rounds.some(
								(r) =>
									r.unitId === unitId &&
									r.status === 'signed' &&
									r.date >= since &&
									templates.find((t) => t._id === r.templateId)?.kind === kind,
							),
					);
					expect(out.find((u) => u.unitId === unitId)?.missing ?? []).toEqual(expected);
				}
				// Divisions and the organisation are not workplaces.
				expect(out.every((u) => u.unitId.length === 2)).toBe(true);
			}),
		);
	});
});
