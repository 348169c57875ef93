import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
	actionChanges,
	actionHistory,
	newId,
	type ActionDoc,
	type ActionLogDoc,
	type LiveDoc,
} from '../domain/index.ts';
import { mergeDocs, type MergeableDoc } from '../domain/merge.ts';
import { TryggDb } from './app-db.ts';
import { cacheMembers, liveActionFile, liveMembers, liveScopeActions, type ActionFile } from './actions-repo.ts';
import { saveDocs } from './docs-repo.ts';

const T0 = Date.parse('2026-12-01T08:00:00Z');
const freshDb = () => new TryggDb(`actions-${Math.random()}`);

function action(): ActionDoc {
	const now = new Date(T0).toISOString();
	return {
		_id: newId('action'),
		type: 'action',
		scope: 'unit-a1',
		unitId: 'a1',
		source: 'meeting',
		area: 'Arbetsbelastning',
		plannedAction: 'Se över schemat',
		desiredResult: 'Färre övertimmar',
		responsible: 'Sara Skyddsombud',
		responsibleUser: 'skyddsombud',
		start: null,
		due: '2026-12-20',
		done: null,
		followUp: null,
		result: '',
		comment: '',
		estimatedCost: null,
		status: 'planned',
		createdAt: now,
		updatedAt: now,
	};
}

function log(before: ActionDoc | undefined, after: ActionDoc, by: string, at: number): ActionLogDoc {
	const iso = new Date(at).toISOString();
	return {
		_id: newId('actionlog'),
		type: 'actionlog',
		scope: after.scope,
		actionId: after._id,
		event: before ? 'changed' : 'created',
		changes: actionChanges(before, after),
		at: iso,
		by,
		byName: by,
		createdAt: iso,
		updatedAt: iso,
	};
}

/** The first value a live query answers. */
function first<T>(source: { subscribe: (o: { next: (v: T) => void }) => { unsubscribe(): void } }): Promise<T> {
	return new Promise((resolve) => {
		const sub = source.subscribe({
			next: (v) => {
				resolve(v);
				queueMicrotask(() => sub.unsubscribe());
			},
		});
	});
}

describe('saving an action with its history', () => {
	it('stores the action and its entry together, or neither', async () => {
		const db = freshDb();
		const a = action();
		await saveDocs(db, [{ doc: a }, { doc: log(undefined, a, 'chef', T0) }], new Date(T0));
		expect(await db.docs.count()).toBe(2);
		expect(await db.outbox.count()).toBe(2);

		const b = action();
		const broken = { ...log(undefined, b, 'chef', T0), by: '' } as LiveDoc;
		await expect(saveDocs(db, [{ doc: b }, { doc: broken }], new Date(T0))).rejects.toThrow();
		expect(await db.docs.get(b._id)).toBeUndefined();
		expect(await db.outbox.count()).toBe(2);
	});

	it('builds the documents from what is stored, inside the transaction', async () => {
		const db = freshDb();
		const a = action();
		await saveDocs(db, [{ doc: a }], new Date(T0));
		await saveDocs(
			db,
			async (get) => {
				const stored = (await get(a._id)) as ActionDoc;
				const next = { ...stored, status: 'in_progress' as const };
				return [{ doc: next }, { doc: log(stored, next, 'chef', T0 + 1000) }];
			},
			new Date(T0 + 1000),
		);
		const file = await first<ActionFile>(liveActionFile(db, a._id));
		expect(file.action?.status).toBe('in_progress');
		expect(file.logs.map((l) => l.changes)).toEqual([[{ field: 'status', from: 'planned', to: 'in_progress' }]]);
	});

	it('keeps both of two devices’ concurrent edits: fields merge, and both history entries stay', async () => {
		const tablet = freshDb();
		const phone = freshDb();
		const a = action();
		const [base] = await saveDocs(tablet, [{ doc: a }], new Date(T0));
		await phone.docs.put(base as ActionDoc);
		// Offline on both: the manager changes the due date, the safety rep marks it in progress.
		const tabletEdit = { ...a, due: '2027-01-15' };
		const phoneEdit = { ...a, status: 'in_progress' as const, comment: 'Påbörjad' };
		const [t] = await saveDocs(
			tablet,
			[{ doc: tabletEdit }, { doc: log(a, tabletEdit, 'chef', T0 + 10) }],
			new Date(T0 + 10),
		);
		const [p] = await saveDocs(
			phone,
			[{ doc: phoneEdit }, { doc: log(a, phoneEdit, 'skyddsombud', T0 + 20) }],
			new Date(T0 + 20),
		);
		const merged = mergeDocs(t as MergeableDoc, p as MergeableDoc) as unknown as ActionDoc;
		expect(merged).toMatchObject({ due: '2027-01-15', status: 'in_progress', comment: 'Påbörjad' });
		expect(mergeDocs(p as MergeableDoc, t as MergeableDoc)).toEqual(merged);
		const logs = [...(await tablet.docs.where('type').equals('actionlog').toArray())].concat(
			await phone.docs.where('type').equals('actionlog').toArray(),
		) as ActionLogDoc[];
		expect(actionHistory(logs, a._id).map((l) => l.by)).toEqual(['chef', 'skyddsombud']);
	});
});

describe("a unit's actions for a round's findings", () => {
	it('reads the actions of one scope only, without their history entries', async () => {
		const db = freshDb();
		const a = action();
		const other = { ...action(), scope: 'unit-b1', unitId: 'b1' };
		await saveDocs(db, [{ doc: a }, { doc: log(undefined, a, 'chef', T0) }, { doc: other }], new Date(T0));
		expect((await first<ActionDoc[]>(liveScopeActions(db, 'unit-a1'))).map((d) => d._id)).toEqual([a._id]);
		expect((await first<ActionDoc[]>(liveScopeActions(db, 'unit-b1'))).map((d) => d._id)).toEqual([other._id]);
	});
});

describe('unit members on the device', () => {
	it('keeps the last list from the server for offline use', async () => {
		const db = freshDb();
		expect(await first(liveMembers(db, 'a1'))).toEqual([]);
		await cacheMembers(db, 'a1', [{ name: 'chef', displayName: 'Anna Chef', role: 'manager' }]);
		expect(await first(liveMembers(db, 'a1'))).toEqual([{ name: 'chef', displayName: 'Anna Chef', role: 'manager' }]);
		expect(await first(liveMembers(db, 'b1'))).toEqual([]);
	});
});
