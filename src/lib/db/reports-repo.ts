/**
 * Reads of the report documents the server writes into the report scopes (issue 14, decision
 * 0034). The device never writes them; it reads whatever the person's report scopes synced.
 */
import { Dexie, liveQuery, type Observable } from 'dexie';
import { statsId, withSubtree, type StatsDoc } from '../domain/index.ts';
import type { TryggDb } from './app-db.ts';

/**
 * Every unit's stats document on the device, one per unit. HR's come from `reports`, a manager's
 * from the `reports-<unit>` scopes of the units they may read: what is here is what they may see.
 */
export async function readStats(db: TryggDb): Promise<StatsDoc[]> {
	const docs = await db.docs.where('type').equals('stats').toArray();
	const byUnit = new Map<string, StatsDoc>();
	for (const doc of docs) {
		if (doc.type !== 'stats' || (doc as { _deleted?: boolean })._deleted) continue;
		// One id, one row in IndexedDB; kept per unit anyway so a stray copy can never show twice.
		const known = byUnit.get(doc.unitId);
		if (!known || known.asOf < doc.asOf) byUnit.set(doc.unitId, withSubtree(doc));
	}
	return [...byUnit.values()];
}

/** `readStats`, again whenever a stats document changes on the device (a sync brought new figures). */
export function liveStats(db: TryggDb): Observable<StatsDoc[]> {
	return liveQuery(() => readStats(db));
}

/**
 * The stats one level of the drill-down needs, read without the rest: the unit `unitId` (or,
 * when null, the one top unit on the device), the units above it up to the top, and its children;
 * when the device holds several top units and none is asked for (or one not on the device), just
 * those. A unit is read by its id and its children through the `[type+parentId]` index, so HR's
 * device with 5,000 units reads a few dozen documents instead of all (issue 14, item 5: the
 * whole-organisation view under 1 s).
 */
export async function readStatsAround(db: TryggDb, unitId: string | null): Promise<StatsDoc[]> {
	// No transaction around the reads: the live query reads again whenever a stats document changes.
	const get = async (unit: string): Promise<StatsDoc | undefined> => {
		const doc = await db.docs.get(statsId(unit));
		return doc?.type === 'stats' && !doc._deleted ? withSubtree(doc) : undefined;
	};
	const target = (unitId === null ? undefined : await get(unitId)) ?? (await top(db, get));
	if (!target) return topUnits(db);
	const path: StatsDoc[] = [target];
	for (let at = target.parentId; at !== null && !path.some((d) => d.unitId === at);) {
		const parent = await get(at);
		if (!parent) break;
		path.unshift(parent);
		at = parent.parentId;
	}
	const children = (await db.docs.where('[type+parentId]').equals(['stats', target.unitId]).toArray()).flatMap((doc) =>
		doc.type === 'stats' && !doc._deleted ? [withSubtree(doc)] : [],
	);
	return [...path, ...children];
}

/**
 * The one top unit, found cheaply when the device holds a whole tree (HR): exactly one stats
 * document without a parent (counted: the index holds only those with one), reached by walking up
 * from any unit. Undefined otherwise (several tops, or a manager's subtree): `topUnits` finds them.
 */
async function top(db: TryggDb, get: (unit: string) => Promise<StatsDoc | undefined>): Promise<StatsDoc | undefined> {
	const [all, withParent] = await Promise.all([
		db.docs.where('type').equals('stats').count(),
		db.docs.where('[type+parentId]').between(['stats', Dexie.minKey], ['stats', Dexie.maxKey]).count(),
	]);
	if (all - withParent !== 1) return undefined;
	const first = await db.docs.where('type').equals('stats').first();
	let at = first?.type === 'stats' && !first._deleted ? withSubtree(first) : undefined;
	for (let steps = 0; at && at.parentId !== null && steps < 64; steps++) at = await get(at.parentId);
	return at?.parentId === null ? at : undefined;
}

/** Every top unit on the device (no parent, or one not here), the tree's shape from index keys alone. */
async function topUnits(db: TryggDb): Promise<StatsDoc[]> {
	const byParent = db.docs.where('[type+parentId]').between(['stats', Dexie.minKey], ['stats', Dexie.maxKey]);
	const [all, parentKeys, withParent] = await Promise.all([
		db.docs.where('type').equals('stats').primaryKeys(),
		byParent.keys(),
		byParent.primaryKeys(),
	]);
	const unitOf = (id: string): string => id.slice('stats:'.length);
	const parentOf = new Map<string, string>();
	withParent.forEach((id, i) => parentOf.set(unitOf(String(id)), String((parentKeys[i] as unknown[])[1])));
	const present = new Set(all.map((id) => unitOf(String(id))));
	const tops = [...present].filter((u) => !present.has(parentOf.get(u) ?? ''));
	return (await db.docs.bulkGet(tops.map(statsId))).flatMap((doc) =>
		doc?.type === 'stats' && !doc._deleted ? [withSubtree(doc)] : [],
	);
}

/** `readStatsAround`, again whenever a stats document changes on the device. */
export function liveStatsAround(db: TryggDb, unitId: string | null): Observable<StatsDoc[]> {
	return liveQuery(() => readStatsAround(db, unitId));
}
