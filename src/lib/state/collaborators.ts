/**
 * What a state class works with, passed to its constructor: the device's database, the writer
 * that validates and queues a change, the signed-in person, the clock, and where typed text is
 * backed up. The pages pass the app's (`appCollaborators`); a spec passes a fake-indexeddb
 * database, a fixed person and clock.
 */
import type { LiveDoc, Me } from '../domain/index.ts';
import type { StoredDoc, TryggDb } from '../db/app-db.ts';
import type { SaveOptions, saveDocs } from '../db/docs-repo.ts';
import { app } from './app-state.svelte.ts';
import { browserStorage, browserTimers, type DraftStorage, type Timers } from './autosave.svelte.ts';
import { clock, type Clock } from './clock.ts';

/** Saves on the device: validated with the shared schemas, queued for sync (`AppState.save`). */
export type DocWriter = {
	save(doc: LiveDoc, options?: SaveOptions): Promise<StoredDoc>;
	saveAll(docs: Parameters<typeof saveDocs>[1]): Promise<StoredDoc[]>;
};

export type Collaborators = {
	db: TryggDb | null;
	writer: DocWriter;
	/** The signed-in person, read when needed (a session check replaces it). */
	person: () => Me | null;
	clock: Clock;
	/** Where unsaved typing is backed up when the page goes (`localStorage`). */
	storage: DraftStorage | null;
	timers: Timers;
};

/** The app's own: its database, saves, session, clock and `localStorage`. */
export function appCollaborators(): Collaborators {
	return { db: app.db, writer: app, person: () => app.me, clock, storage: browserStorage(), timers: browserTimers };
}
