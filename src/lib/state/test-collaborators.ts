/**
 * Collaborators for specs of state classes: a fresh fake-indexeddb database (the spec imports
 * `fake-indexeddb/auto`), a signed-in person, a fixed clock, an in-memory `localStorage`, and a
 * writer that saves like the app (validated, queued) and can be told to fail.
 */
import { TryggDb } from '../db/app-db.ts';
import { saveDoc, saveDocs } from '../db/docs-repo.ts';
import type { Me } from '../domain/index.ts';
import { browserTimers, type DraftStorage } from './autosave.svelte.ts';
import type { Collaborators } from './collaborators.ts';

export class MemoryStorage implements DraftStorage {
	readonly items = new Map<string, string>();
	getItem(key: string): string | null {
		return this.items.get(key) ?? null;
	}
	setItem(key: string, value: string): void {
		this.items.set(key, value);
	}
	removeItem(key: string): void {
		this.items.delete(key);
	}
}

export type TestCollaborators = Collaborators & {
	db: TryggDb;
	storage: MemoryStorage;
	/** Set to an error to make every write fail with it (a refused or aborted write). */
	failWith: { error: unknown };
};

export function testCollaborators(
	person: Me,
	now: Date,
	db = new TryggDb(`state-${Math.random()}`),
): TestCollaborators {
	const failWith: { error: unknown } = { error: undefined };
	const clock = { now: () => new Date(now), serverOffsetMs: 0 };
	return {
		db,
		failWith,
		writer: {
			save: async (doc, options) => {
				if (failWith.error !== undefined) throw failWith.error;
				return saveDoc(db, doc, clock.now(), options);
			},
			saveAll: async (docs) => {
				if (failWith.error !== undefined) throw failWith.error;
				return saveDocs(db, docs, clock.now());
			},
		},
		person: () => person,
		clock,
		storage: new MemoryStorage(),
		timers: browserTimers,
	};
}

/** A manager of unit a1 (the demo's Enhet A1). */
export const MANAGER_A1: Me = {
	name: 'chef.a1',
	displayName: 'Chef A1',
	roles: ['manager'],
	scopes: [{ scope: 'unit-a1', unitId: 'a1', unitName: 'Enhet A1', role: 'manager', write: true }],
};

/** HR: writes templates in the org scope. */
export const HR: Me = {
	name: 'hr',
	displayName: 'HR',
	roles: ['hr'],
	scopes: [{ scope: 'org', unitId: null, unitName: null, role: 'hr', write: true }],
};
