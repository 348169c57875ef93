import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatStamp } from './hlc.ts';
import {
	compareRevs,
	contains,
	isCanonicalRev,
	mergeDocs,
	mergeIntoStored,
	sameContent,
	type MergeableDoc,
} from './merge.ts';
import { checkDoc, type RoundDoc } from './schemas.ts';

const T0 = 1_767_225_600_000;
const FIELDS = ['date', 'status', 'participants', 'templateVersion'] as const;

const stampArb = fc
	.record({
		wall: fc.integer({ min: T0, max: T0 + 3 }),
		counter: fc.integer({ min: 0, max: 2 }),
		device: fc.constantFrom('a', 'b', 'c'),
	})
	.map(formatStamp);

/** Versions of one round, from small pools so that fields and stamps often collide. */
const roundArb: fc.Arbitrary<RoundDoc> = fc
	.record({
		date: fc.constantFrom('2026-12-01', '2026-12-02', '2027-01-15'),
		status: fc.constantFrom('planned', 'in_progress', 'done'),
		participants: fc.array(
			fc.record({ name: fc.constantFrom('Anna', 'Sam'), role: fc.constantFrom('manager', 'safety_rep') }),
			{ maxLength: 2 },
		),
		templateVersion: fc.integer({ min: 1, max: 3 }),
		updatedAt: fc.integer({ min: 0, max: 5 }).map((s) => new Date(T0 + s * 1000).toISOString()),
		rev: fc.option(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom('a', 'b')), { nil: undefined }),
		clock: fc.dictionary(fc.constantFrom(...FIELDS), stampArb, { maxKeys: 4 }),
	})
	.map(({ rev, clock, ...fields }) => {
		const doc: RoundDoc = {
			_id: 'round:019a0000-0000-7000-8000-000000000001',
			type: 'round',
			scope: 'unit-a1',
			unitId: 'a1',
			templateId: 'template:physical.v1',
			createdBy: 'chef',
			createdAt: new Date(T0).toISOString(),
			...fields,
			status: fields.status as RoundDoc['status'],
			participants: fields.participants as RoundDoc['participants'],
		};
		if (rev) doc._rev = `${rev[0]}-${rev[1]}`;
		if (Object.keys(clock).length > 0) doc.clock = clock;
		return doc;
	});

const tombstoneArb = fc.integer({ min: 1, max: 12 }).map(
	(g) =>
		({
			_id: 'round:019a0000-0000-7000-8000-000000000001',
			_rev: `${g}-t`,
			_deleted: true,
			type: 'round',
			scope: 'unit-a1',
		}) as MergeableDoc,
);

const docArb: fc.Arbitrary<MergeableDoc> = fc.oneof(
	{ weight: 6, arbitrary: roundArb as fc.Arbitrary<MergeableDoc> },
	{ weight: 1, arbitrary: tombstoneArb },
);

const run = { numRuns: 500 };

describe('isCanonicalRev', () => {
	const hash = '0bb1b34e13c255e1b45039ccb9e6428c';
	it('takes what PouchDB and CouchDB make, and no other spelling of it', () => {
		expect(isCanonicalRev(`1-${hash}`)).toBe(true);
		expect(isCanonicalRev(`123-${hash}`)).toBe(true);
		for (const bad of [
			`01-${hash}`,
			`0-${hash}`,
			` 1-${hash}`,
			`1-${hash} `,
			`1-${hash.toUpperCase()}`,
			`1-${hash}0`,
		]) {
			expect(isCanonicalRev(bad), bad).toBe(false);
		}
		for (const bad of ['', 'x', '1-x', '1-', `+1-${hash}`, `1.0-${hash}`, `1234567890123456-${hash}`, 1, null, {}]) {
			expect(isCanonicalRev(bad), String(bad)).toBe(false);
		}
	});
});

describe('mergeDocs', () => {
	it('is commutative', () => {
		fc.assert(
			fc.property(docArb, docArb, (a, b) => {
				expect(mergeDocs(a, b)).toEqual(mergeDocs(b, a));
			}),
			run,
		);
	});

	it('is associative', () => {
		fc.assert(
			fc.property(docArb, docArb, docArb, (a, b, c) => {
				expect(mergeDocs(mergeDocs(a, b), c)).toEqual(mergeDocs(a, mergeDocs(b, c)));
			}),
			run,
		);
	});

	it('is idempotent: merging a version with itself or again with an input changes nothing', () => {
		fc.assert(
			fc.property(docArb, docArb, (a, b) => {
				expect(mergeDocs(a, a)).toEqual(a);
				const m = mergeDocs(a, b);
				expect(mergeDocs(m, a)).toEqual(m);
				expect(mergeDocs(m, b)).toEqual(m);
			}),
			run,
		);
	});

	it('loses no field: each field is the value of the later stamp, stamps only move forward', () => {
		fc.assert(
			fc.property(roundArb, roundArb, (a, b) => {
				const m = mergeDocs(a, b);
				for (const field of Object.keys({ ...a, ...b })) {
					if (['_rev', 'clock', 'updatedAt'].includes(field)) continue;
					expect(Object.hasOwn(m, field)).toBe(true);
					const sa = a.clock?.[field] ?? '';
					const sb = b.clock?.[field] ?? '';
					const value = (m as Record<string, unknown>)[field];
					if (sa > sb) expect(value).toEqual((a as Record<string, unknown>)[field]);
					if (sb > sa) expect(value).toEqual((b as Record<string, unknown>)[field]);
					if (sa === sb)
						expect([a, b].map((d) => JSON.stringify((d as Record<string, unknown>)[field]))).toContain(
							JSON.stringify(value),
						);
					const stamp = m.clock?.[field] ?? '';
					expect(stamp >= sa && stamp >= sb).toBe(true);
				}
				expect(compareRevs(m._rev, a._rev)).toBeGreaterThanOrEqual(0);
				expect(compareRevs(m._rev, b._rev)).toBeGreaterThanOrEqual(0);
			}),
			run,
		);
	});

	it('gives a valid document when both inputs are valid', () => {
		fc.assert(
			fc.property(docArb, docArb, (a, b) => {
				expect(checkDoc(a).ok && checkDoc(b).ok).toBe(true);
				expect(checkDoc(mergeDocs(a, b))).toMatchObject({ ok: true });
			}),
			run,
		);
	});

	it('keeps concurrent edits of different fields from two devices', () => {
		const base = fc.sample(roundArb, { numRuns: 1, seed: 1 })[0] as RoundDoc;
		const original = { ...base, clock: undefined, _rev: '1-a' };
		delete original.clock;
		const chef = { ...original, date: '2027-02-01', clock: { date: `${T0 + 10}-0000-chef` } };
		const rep = {
			...original,
			participants: [{ name: 'Sam', role: 'safety_rep' as const }],
			clock: { participants: `${T0 + 5}-0000-rep` },
		};
		const server = { ...rep, _rev: '2-b' };
		const merged = mergeDocs<MergeableDoc>(chef, server);
		expect(merged.date).toBe('2027-02-01');
		expect(merged.participants).toEqual([{ name: 'Sam', role: 'safety_rep' }]);
		expect(merged._rev).toBe('2-b');
	});

	it('lets a delete win over a concurrent edit, in either order (see the comment on mergeDocs)', () => {
		const edit = fc.sample(roundArb, { numRuns: 1, seed: 2 })[0] as RoundDoc;
		const tomb = { _id: edit._id, _rev: '3-t', _deleted: true, type: 'round', scope: 'unit-a1' } as MergeableDoc;
		const fresher = { ...edit, _rev: '9-z', clock: { date: `${T0 + 9_000_000}-0000-a` } };
		expect(mergeDocs(fresher as MergeableDoc, tomb)).toEqual({ ...tomb, _rev: '9-z' });
		expect(mergeDocs(tomb, fresher as MergeableDoc)).toEqual({ ...tomb, _rev: '9-z' });
	});

	it('tells when a version already holds an edit (the lost answer case)', () => {
		const edit = {
			...(fc.sample(roundArb, { numRuns: 1, seed: 3 })[0] as RoundDoc),
			clock: { date: `${T0}-0001-a` },
		};
		const onServer = { ...edit, _rev: '4-x' };
		expect(contains(onServer, edit)).toBe(true);
		expect(contains(onServer, { ...edit, date: '2030-01-01', clock: { date: `${T0}-0002-a` } })).toBe(false);
		expect(sameContent(onServer, edit)).toBe(true);
	});

	it('refuses to merge two different documents', () => {
		expect(() => mergeDocs({ _id: 'round:a' }, { _id: 'round:b' })).toThrow();
	});

	it('merges a local edit into the stored version keeping its creator and creation time (decision 0016)', () => {
		fc.assert(
			fc.property(roundArb, roundArb, fc.constantFrom('chef', 'skyddsombud'), (local, stored, author) => {
				const mine = { ...local, createdBy: author, createdAt: new Date(T0 + 5000).toISOString() };
				const theirs = { ...stored, createdBy: 'chef', createdAt: new Date(T0).toISOString() };
				// The local side's stamps for the creation fields are the later ones.
				mine.clock = { ...mine.clock, createdBy: `${T0 + 9}-0000-c`, createdAt: `${T0 + 9}-0000-c` };
				const merged = mergeIntoStored(mine as MergeableDoc, theirs as MergeableDoc);
				expect(merged.createdBy).toBe('chef');
				expect(merged.createdAt).toBe(theirs.createdAt);
				// Everything else merges as ever.
				const plain = mergeDocs(mine as MergeableDoc, theirs as MergeableDoc);
				expect({ ...merged, createdBy: 0, createdAt: 0 }).toEqual({ ...plain, createdBy: 0, createdAt: 0 });
			}),
		);
		const tomb: MergeableDoc = { _id: 'round:x', _rev: '3-a', _deleted: true };
		expect(mergeIntoStored<MergeableDoc>({ _id: 'round:x', createdBy: 'chef' }, tomb)).toEqual(tomb);
	});
});
