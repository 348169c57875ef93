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
 * when the device holds several top units and none is asked for (or one not on the device), just those. The tree's shape
 * comes from index keys alone (no document is read for it), so HR's device with 5,000 units reads
 * a few dozen documents instead of all (issue 14, item 5: the whole-organisation view under 1 s).
 */
export async function readStatsAround(db: TryggDb, unitId: string | null): Promise<StatsDoc[]> {
	return db.transaction('r', db.docs, async () => {
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
		const children = (id: string): string[] => [...parentOf].filter(([, p]) => p === id).map(([c]) => c);
		const read = async (units: Iterable<string>): Promise<StatsDoc[]> =>
			(await db.docs.bulkGet([...new Set(units)].map(statsId))).flatMap((doc) =>
				doc?.type === 'stats' && !doc._deleted ? [withSubtree(doc)] : [],
			);
		// A unit not here (not synced, or not this person's): the top units, so the page can say so.
		let target = unitId !== null && present.has(unitId) ? unitId : null;
		if (target === null) {
			// The top units: no parent, or a parent not on this device (a manager's subtree).
			const tops = await read([...present].filter((u) => !present.has(parentOf.get(u) ?? '')));
			if (tops.length !== 1) return tops;
			target = (tops[0] as StatsDoc).unitId;
		}
		const path: string[] = [];
		for (let at: string | undefined = target; at && present.has(at) && !path.includes(at); at = parentOf.get(at)) {
			path.push(at);
		}
		return read([...path, ...children(target)]);
	});
}

/** `readStatsAround`, again whenever a stats document changes on the device. */
export function liveStatsAround(db: TryggDb, unitId: string | null): Observable<StatsDoc[]> {
	return liveQuery(() => readStatsAround(db, unitId));
}
