import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TryggDb, type StoredDoc } from '../db/app-db.ts';
import type { Me, ScopeGrant } from '../domain/index.ts';
import { orgUnitName, surveyActionRoad } from './survey-action.ts';

const grant = (unitId: string, role: ScopeGrant['role'], write = true): ScopeGrant => ({
	scope: `unit-${unitId}`,
	unitId,
	unitName: unitId,
	role,
	write,
});
const person = (roles: Me['roles'], scopes: ScopeGrant[]): Pick<Me, 'roles' | 'scopes'> => ({ roles, scopes });

describe('surveyActionRoad: who adds an action from a survey result, and how', () => {
	it('lets the unit’s manager work in the plan, and HR send to any unit it does not read', () => {
		expect(surveyActionRoad(person(['manager'], [grant('a1', 'manager')]), 'a1')).toBe('unit');
		expect(surveyActionRoad(person(['hr'], []), 'a1')).toBe('submit');
		expect(surveyActionRoad(person(['hr'], []), 'b3')).toBe('submit');
		// HR who manages the unit works there as its manager.
		expect(surveyActionRoad(person(['hr', 'manager'], [grant('a1', 'manager')]), 'a1')).toBe('unit');
	});

	it('offers nothing to anyone else: a manager of another unit, a reader, a safety rep, staff, nobody', () => {
		expect(surveyActionRoad(person(['manager'], [grant('b1', 'manager')]), 'a1')).toBeUndefined();
		expect(surveyActionRoad(person(['manager'], [grant('a1', 'manager', false)]), 'a1')).toBeUndefined();
		expect(surveyActionRoad(person(['safety_rep'], [grant('a1', 'safety_rep')]), 'a1')).toBeUndefined();
		expect(surveyActionRoad(person(['staff'], []), 'a1')).toBeUndefined();
		expect(surveyActionRoad(null, 'a1')).toBeUndefined();
		expect(surveyActionRoad(person(['hr'], []), '')).toBeUndefined();
	});
});

describe('orgUnitName', () => {
	it('names a unit from the org scope on the device, or falls back to its id', async () => {
		const db = new TryggDb(`survey-action-${Math.random()}`);
		const at = '2026-11-01T10:00:00.000Z';
		await db.docs.put({
			_id: 'unit:a1',
			type: 'unit',
			scope: 'org',
			name: 'Enhet A1',
			parentId: 'unit:avd-a',
			level: 'unit',
			createdAt: at,
			updatedAt: at,
		} as StoredDoc);
		expect(await orgUnitName(db, 'a1')).toBe('Enhet A1');
		expect(await orgUnitName(db, 'zz')).toBe('zz');
		expect(await orgUnitName(null, 'a1')).toBe('a1');
		db.close();
	});
});
