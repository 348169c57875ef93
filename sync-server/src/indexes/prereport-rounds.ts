/**
 * The planned rounds that take pre-reports, per unit scope: what `GET /api/prereport-rounds`
 * answers staff with (decision 0017). Kept in memory and brought up to date from the scope's
 * changes feed before each answer, reading only what changed since the last answer: ids and
 * revisions of the changes, and the bodies of changed rounds alone. So an answer costs the same
 * whether the unit holds ten documents or two hundred thousand; only the first answer after a
 * start reads the feed from the beginning (in pages, keeping nothing but the matching rounds).
 *
 * Works on any store of the port (embedded or CouchDB) and with several servers on one CouchDB:
 * every server catches up from its own sequence, so a round planned through another server is
 * seen on the next answer; concurrent callers share catch-ups (`CatchUp`). It never checks access
 * (the route does) and holds no document bodies.
 */
import { AppError, idType } from '../../../src/lib/domain/index.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';
import { CatchUp } from './catch-up.ts';

/** A round as the index keeps it: its header, nothing more. */
export type PrereportRound = { roundId: string; date: string; templateId: string };

/** Changes read per request to the store while catching up. */
export const CATCH_UP_PAGE = 1000;

type ScopeIndex = {
	/** The last sequence applied (opaque, from the store); undefined before the first catch-up. */
	since: string | undefined;
	rounds: Map<string, PrereportRound>;
	catchUp: CatchUp;
};

function takesPrereports(doc: StoredDoc): boolean {
	return doc.type === 'round' && doc.status === 'planned' && doc.prereports === true && doc._deleted !== true;
}

export class PrereportRoundIndex {
	readonly #store: DocStore;
	readonly #scopes = new Map<string, ScopeIndex>();

	constructor(store: DocStore) {
		this.#store = store;
	}

	/** The planned rounds of `scope` that take pre-reports, as of this call (any order). */
	async rounds(scope: string): Promise<PrereportRound[]> {
		let index = this.#scopes.get(scope);
		if (!index) {
			const fresh: ScopeIndex = {
				since: undefined,
				rounds: new Map(),
				catchUp: new CatchUp(() => this.#catchUp(scope, fresh)),
			};
			this.#scopes.set(scope, fresh);
			index = fresh;
		}
		await index.catchUp.refresh();
		return [...index.rounds.values()];
	}

	async #catchUp(scope: string, index: ScopeIndex): Promise<void> {
		try {
			await this.#readChanges(scope, index);
		} catch (err) {
			// A sequence the store no longer knows (rebuilt, or restored from a backup): start afresh.
			if (!(err instanceof AppError && err.code === 'bad_request') || index.since === undefined) throw err;
			index.since = undefined;
			index.rounds.clear();
			await this.#readChanges(scope, index);
		}
	}

	async #readChanges(scope: string, index: ScopeIndex): Promise<void> {
		for (;;) {
			const page = await this.#store.changes(scope, {
				...(index.since !== undefined ? { since: index.since } : {}),
				limit: CATCH_UP_PAGE,
			});
			const changed: string[] = [];
			for (const row of page.results) {
				if (idType(row.id) !== 'round') continue;
				if (row.deleted) index.rounds.delete(row.id);
				else changed.push(row.id);
			}
			if (changed.length > 0) {
				for (const row of await this.#store.allDocs(scope, changed, { includeDocs: true })) {
					const doc = 'doc' in row ? row.doc : undefined;
					const id = 'id' in row ? row.id : row.key;
					if (doc && takesPrereports(doc)) {
						index.rounds.set(id, { roundId: id, date: String(doc.date), templateId: String(doc.templateId) });
					} else index.rounds.delete(id);
				}
			}
			index.since = page.last_seq;
			if (page.results.length < CATCH_UP_PAGE) return;
		}
	}
}
