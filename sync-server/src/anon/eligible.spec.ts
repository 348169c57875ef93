import { describe, expect, it } from 'vitest';
import type { TreeUnit } from '../../../src/lib/domain/index.ts';
import { eligiblePeople, subtree, treeUnits } from './eligible.ts';

const units: TreeUnit[] = [
	{ id: 'org', parentId: null },
	{ id: 'forv', parentId: 'org' },
	{ id: 'a', parentId: 'forv' },
	{ id: 'a1', parentId: 'a' },
	{ id: 'b', parentId: 'forv' },
	{ id: 'other', parentId: 'org' },
];
const roster = (byUnit: Record<string, string[]>) => ({
	membersOf: async (unitId: string) => (byUnit[unitId] ?? []).map((name) => ({ name })),
});

describe('eligible people', () => {
	it('counts everyone with a membership below the target once, in their deepest unit there', async () => {
		const { homeOf, counts } = await eligiblePeople(
			roster({ a: ['ann', 'bo'], a1: ['ann', 'cia'], b: ['dan'], other: ['eva', 'bo'], org: ['fia'] }),
			units,
			'forv',
		);
		expect(Object.fromEntries(homeOf)).toEqual({ ann: 'a1', bo: 'a', cia: 'a1', dan: 'b' });
		expect(counts).toEqual({ a1: 2, a: 1, b: 1 });
	});

	it('walks the subtree once even when the data has a cycle', () => {
		const cyclic: TreeUnit[] = [
			{ id: 'x', parentId: 'y' },
			{ id: 'y', parentId: 'x' },
		];
		expect(subtree(cyclic, 'x')).toEqual(['x', 'y']);
	});

	it('reads unit ids without their prefix', () => {
		expect(treeUnits([{ _id: 'unit:a1', name: 'A1', parentId: 'unit:a' }])).toEqual([{ id: 'a1', parentId: 'a' }]);
	});
});
