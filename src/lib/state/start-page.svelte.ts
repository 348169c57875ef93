/**
 * The start page's state (Översikt): what is due for the signed-in person (`whatIsDue` in
 * start-items.ts), from the device's documents, kept current while the page is open. The
 * database, the person and the clock are arguments, so a test gives its own.
 */
import type { StoredDoc, TryggDb } from '../db/app-db.ts';
import { liveDocsOfTypes, readDocsOfTypes } from '../db/docs-repo.ts';
import { localToday } from './clock.ts';
import { START_TYPES, whatIsDue, type StartClock, type StartItems, type StartPerson } from './start-items.ts';

export * from './start-items.ts';

/** The start page's state: the items for one person, kept current while the page is open. */
export class StartPage {
	readonly #db: TryggDb;
	readonly #person: StartPerson;
	readonly #clock: StartClock;
	#docs = $state.raw<readonly StoredDoc[] | null>(null);

	constructor(db: TryggDb, person: StartPerson, clock: StartClock) {
		this.#db = db;
		this.#person = person;
		this.#clock = clock;
	}

	/** Null until the device's documents are read. */
	readonly items = $derived.by((): StartItems | null =>
		this.#docs ? whatIsDue(this.#docs, this.#person, localToday(this.#clock.now())) : null,
	);

	/** Read the device's documents once. */
	async load(): Promise<void> {
		this.#docs = await readDocsOfTypes(this.#db, START_TYPES);
	}

	/** Follow changes on the device (a sync, a save in another tab); returns the way to stop. */
	watch(): () => void {
		const sub = liveDocsOfTypes(this.#db, START_TYPES).subscribe({ next: (docs) => (this.#docs = docs) });
		return () => sub.unsubscribe();
	}
}
