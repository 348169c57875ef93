/**
 * Shared live reads for pages. Pages never touch Dexie: they ask for a Live value here.
 */
import type { TryggDb, StoredDoc } from '../db/app-db.ts';
import { liveDoc, liveDocsOfType } from '../db/docs-repo.ts';
import { Live } from './live.svelte.ts';

type Of<T extends StoredDoc['type']> = Extract<StoredDoc, { type: T }>;

export function liveRounds(db: TryggDb | null): Live<Of<'round'>[]> | null {
	return db ? new Live(liveDocsOfType(db, 'round')) : null;
}

export function liveTemplates(db: TryggDb | null): Live<Of<'template'>[]> | null {
	return db ? new Live(liveDocsOfType(db, 'template')) : null;
}

export function liveDocById(db: TryggDb | null, id: string): Live<StoredDoc | undefined> | null {
	return db ? new Live(liveDoc(db, id)) : null;
}
