/**
 * The planned rounds that take pre-reports, per unit scope: what `GET /api/prereport-rounds`
 * answers staff with (decision 0017). Kept in memory and brought up to date from the scope's
 * changes feed before each answer, reading only what changed since the last answer: ids and
 * revisions of the changes, and the bodies of changed rounds alone. So an answer costs the same
 * whether the unit holds ten documents or two hundred thousand. The index is saved in the
 * scope's `_local/index.prereport-rounds` (a key without `~`, out of reach of the `_local` route)
 * once a thousand changes have gone into it, so after a restart it reads only what changed since
 * the last save; only the very first answer for a unit reads its feed from the beginning (in
 * pages, keeping nothing but the matching rounds).
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
/** Changes applied between two saves of the index: what a restart reads again at most (besides new ones). */
export const SAVE_EVERY = 1000;
/** Where the index of a scope is saved (a `_local` key without `~`: no key of the `_local` route). */
export const CHECKPOINT_KEY = 'index.prereport-rounds';

type ScopeIndex = {
	/** The last sequence applied (opaque, from the store); undefined before the first catch-up. */
	since: string | undefined;
	rounds: Map<string, PrereportRound>;
	catchUp: CatchUp;
	/** Whether the saved index was read (once, on the first catch-up in this process). */
	loaded: boolean;
	/** Changes applied since the last save, and the revision of the saved `_local` document. */
	unsaved: number;
	rev?: string;
};

function isRound(value: unknown): value is PrereportRound {
	const r = value as PrereportRound | null;
	return (
		typeof r === 'object' &&
		r !== null &&
		typeof r.roundId === 'string' &&
		typeof r.date === 'string' &&
		typeof r.templateId === 'string'
	);
}

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
				loaded: false,
				unsaved: 0,
			};
			this.#scopes.set(scope, fresh);
			index = fresh;
		}
		await index.catchUp.refresh();
		return [...index.rounds.values()];
	}

	async #catchUp(scope: string, index: ScopeIndex): Promise<void> {
		if (!index.loaded) {
			await this.#load(scope, index);
			index.loaded = true;
		}
		try {
			await this.#readChanges(scope, index);
		} catch (err) {
			// A sequence the store no longer knows (rebuilt, or restored from a backup): start afresh.
			if (!(err instanceof AppError && err.code === 'bad_request') || index.since === undefined) throw err;
			index.since = undefined;
			index.rounds.clear();
			await this.#readChanges(scope, index);
		}
		if (index.unsaved >= SAVE_EVERY) await this.#save(scope, index);
	}

	async #load(scope: string, index: ScopeIndex): Promise<void> {
		const saved = await this.#store.getLocal(scope, CHECKPOINT_KEY);
		if (!saved) return;
		if (typeof saved._rev === 'string') index.rev = saved._rev;
		if (typeof saved.since !== 'string' || !Array.isArray(saved.rounds)) return;
		index.since = saved.since;
		for (const round of saved.rounds.filter(isRound)) index.rounds.set(round.roundId, round);
	}

	/** Save the index; a failure only means the next start reads more (another server may have saved). */
	async #save(scope: string, index: ScopeIndex): Promise<void> {
		const body = { since: index.since, rounds: [...index.rounds.values()] };
		for (let attempt = 0; attempt < 2; attempt++) {
			try {
				const res = await this.#store.putLocal(scope, CHECKPOINT_KEY, {
					...body,
					...(index.rev ? { _rev: index.rev } : {}),
				});
				index.rev = res.rev;
				index.unsaved = 0;
				return;
			} catch {
				const current = await this.#store.getLocal(scope, CHECKPOINT_KEY).catch(() => undefined);
				if (typeof current?._rev === 'string') index.rev = current._rev;
				else delete index.rev;
			}
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
			index.unsaved += page.results.length;
			if (page.results.length < CATCH_UP_PAGE) return;
		}
	}
}
