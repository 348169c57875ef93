/**
 * Writes report documents (decision 0034) into their scopes, only where the figures changed:
 * an unchanged figure costs a read and no write, so devices that sync the report scopes pull
 * nothing when nothing moved. The one writer of these scopes is this server process; a conflict
 * (another server behind the same CouchDB) is settled by re-reading and writing again.
 */
import type { DocStore, StoredDoc } from '../store/doc-store.ts';

/** A report document to write, without `_rev`, `scope`, `createdAt` or `updatedAt`. */
export type ReportBody = { _id: string; type: 'stats' | 'surveyresult' | 'surveytext'; [key: string]: unknown };

/** What the figures are, for comparison: the body without what storage and timing add, keys sorted. */
function content(doc: StoredDoc | ReportBody): string {
	const { _rev: _r, scope: _s, createdAt: _c, updatedAt: _u, ...rest } = doc as Record<string, unknown>;
	return stable(rest);
}

/** Does the stored document hold exactly these figures (what storage and timing add aside)? */
export function sameReport(stored: StoredDoc | undefined, body: ReportBody): boolean {
	return stored !== undefined && content(stored) === content(body);
}

function stable(value: unknown): string {
	return JSON.stringify(value, (_k, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
			: v,
	);
}

export class ReportWriter {
	readonly #store: DocStore;
	readonly #now: () => Date;

	constructor(store: DocStore, now: () => Date) {
		this.#store = store;
		this.#now = now;
	}

	/**
	 * Put `bodies` into `scope`, each replacing its stored version when its figures differ.
	 * Returns how many were written. Retries a conflicted document once after re-reading it.
	 */
	async write(scope: string, bodies: readonly ReportBody[]): Promise<number> {
		let written = 0;
		let pending = [...bodies];
		for (let attempt = 0; attempt < 3 && pending.length > 0; attempt++) {
			const rows = await this.#store.allDocs(
				scope,
				pending.map((b) => b._id),
				{ includeDocs: true },
			);
			const at = this.#now().toISOString();
			const docs: StoredDoc[] = [];
			for (const [i, body] of pending.entries()) {
				const row = rows[i];
				const stored = row && 'doc' in row && row.doc && row.value.deleted !== true ? row.doc : undefined;
				if (stored && content(stored) === content(body)) continue;
				docs.push({
					...body,
					scope,
					createdAt: typeof stored?.createdAt === 'string' ? stored.createdAt : at,
					updatedAt: at,
					...(stored?._rev ? { _rev: stored._rev } : row && 'value' in row ? { _rev: row.value.rev } : {}),
				});
			}
			if (docs.length === 0) return written;
			const results = await this.#store.bulkDocs(scope, docs);
			const retry = new Set<string>();
			for (const r of results) {
				if ('rev' in r) written++;
				else if (r.error === 'conflict') retry.add(r.id);
				else throw new Error(`report ${r.id} refused by storage: ${r.error}`);
			}
			pending = pending.filter((b) => retry.has(b._id));
		}
		if (pending.length > 0) throw new Error(`reports still conflicted in ${scope}: ${pending.length}`);
		return written;
	}

	/** Delete the report documents `ids` from `scope` where they exist (a unit left the org). */
	async remove(scope: string, ids: readonly string[]): Promise<number> {
		let removed = 0;
		for (let attempt = 0; attempt < 3 && ids.length > 0; attempt++) {
			const rows = await this.#store.allDocs(scope, [...ids]);
			const docs: StoredDoc[] = rows.flatMap((row) =>
				'value' in row && row.value.deleted !== true
					? [{ _id: row.id, _rev: row.value.rev, _deleted: true } as StoredDoc]
					: [],
			);
			if (docs.length === 0) return removed;
			const results = await this.#store.bulkDocs(scope, docs);
			removed += results.filter((r) => 'rev' in r).length;
			if (!results.some((r) => 'error' in r && r.error === 'conflict')) return removed;
		}
		throw new Error(`reports still conflicted in ${scope}`);
	}
}
