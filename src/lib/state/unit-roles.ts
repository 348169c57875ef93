/**
 * What the signed-in person may do in a unit, from the grants `/api/me` lists: one place for the
 * pages' role checks (the server decides; these only choose what to offer).
 */
import { unitScope } from '../domain/index.ts';
import { app } from './app-state.svelte.ts';

/** The signed-in person's writing role in `unitId` (its `unit-<id>` scope), if any. */
function writeRole(unitId: string): string | undefined {
	return app.me?.scopes.find((s) => s.scope === unitScope(unitId) && s.write)?.role;
}

/** Is the signed-in person a manager of `unitId` (confirms receipt, answers, closes actions)? */
export function isManagerOf(unitId: string): boolean {
	return writeRole(unitId) === 'manager';
}

/** Is the signed-in person a safety rep of `unitId` (files, escalates, stops work)? */
export function isSafetyRepOf(unitId: string): boolean {
	return writeRole(unitId) === 'safety_rep';
}

/** May the signed-in person change the unit's shared work (a manager or safety rep of it)? */
export function canWriteUnit(unitId: string): boolean {
	const role = writeRole(unitId);
	return role === 'manager' || role === 'safety_rep';
}

/** The name of a unit the person syncs. */
export function unitName(unitId: string): string {
	return app.me?.scopes.find((s) => s.unitId === unitId)?.unitName ?? unitId;
}
