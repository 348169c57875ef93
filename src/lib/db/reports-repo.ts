/**
 * Reads of the report documents the server writes into the report scopes (issue 14, decision
 * 0034). The device never writes them; it reads whatever the person's report scopes synced.
 */
import { liveQuery, type Observable } from 'dexie';
import { withSubtree, type StatsDoc } from '../domain/index.ts';
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
