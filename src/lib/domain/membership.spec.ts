import { describe, expect, it } from 'vitest';
import { membershipsSchema, rolesAfter } from './membership.ts';

describe('membershipsSchema', () => {
	it('takes one role per unit and refuses the rest', () => {
		expect(membershipsSchema.safeParse([{ unitId: 'a1', role: 'manager' }]).success).toBe(true);
		expect(membershipsSchema.safeParse([]).success).toBe(true);
		for (const bad of [
			[{ unitId: 'a1', role: 'hr' }],
			[{ unitId: 'A1', role: 'staff' }],
			[{ unitId: 'a1/../x', role: 'staff' }],
			[{ unitId: 'a1', role: 'staff', extra: 1 }],
			[
				{ unitId: 'a1', role: 'staff' },
				{ unitId: 'a1', role: 'manager' },
			],
			{ unitId: 'a1', role: 'staff' },
		]) {
			expect(membershipsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
		}
	});
});

describe('rolesAfter', () => {
	it('keeps global roles and lists each membership role once', () => {
		expect(rolesAfter(['safety_rep'], [])).toEqual([]);
		expect(rolesAfter(['hr', 'manager'], [{ unitId: 'b1', role: 'staff' }])).toEqual(['hr', 'staff']);
		expect(
			rolesAfter(
				['admin'],
				[
					{ unitId: 'a1', role: 'manager' },
					{ unitId: 'a2', role: 'manager' },
					{ unitId: 'a3', role: 'safety_rep' },
				],
			),
		).toEqual(['admin', 'manager', 'safety_rep']);
	});

	it('makes a main safety rep a safety rep in the role list, and keeps an employee rep', () => {
		expect(
			rolesAfter(
				[],
				[
					{ unitId: 'avd-b', role: 'main_safety_rep' },
					{ unitId: 'b1', role: 'employee_rep' },
				],
			),
		).toEqual(['safety_rep', 'employee_rep']);
		expect(membershipsSchema.safeParse([{ unitId: 'avd-b', role: 'main_safety_rep' }]).success).toBe(true);
	});
});
