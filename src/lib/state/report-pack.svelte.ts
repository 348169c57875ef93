/**
 * The printed pack's state (issue 14 item 4): the stats and survey result documents on the
 * device, live, read through the pure functions of `report-pack.ts`. IndexedDB only, so the
 * pack can be printed offline after a sync.
 */
import { liveQuery } from 'dexie';
import type { TryggDb } from '../db/app-db.ts';
import { Live } from './live.svelte.ts';
import { EMPTY_PACK, readPackDocs, type PackDocs } from './report-pack.ts';

export class ReportPackState {
	readonly #live: Live<PackDocs> | null;

	constructor(db: TryggDb | null) {
		this.#live = db
			? new Live(
					liveQuery(() => readPackDocs(db)),
					EMPTY_PACK,
				)
			: null;
	}

	get loaded(): boolean {
		return this.#live?.loaded ?? true;
	}
	get docs(): PackDocs {
		return this.#live?.current ?? EMPTY_PACK;
	}
}
