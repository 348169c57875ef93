/**
 * Runs the data migrations at start, before the server answers anything (decision 0026). The
 * store's data version and what each run did are recorded in `_local/data-version` of `org`
 * (a device's `_local` documents are kept under its own key, so no client reads or writes it).
 * Documents are rewritten through the store with new revisions, so devices pull today's shape.
 * A document that would not pass today's schema after its migration is left as it is and named in
 * the record: nothing stored is lost.
 */
import { checkDoc, idKey, idType, unitScope } from '../../../src/lib/domain/index.ts';
import { canonicalJson } from '../../../src/lib/domain/merge.ts';
import { starterSurveys } from '../../../src/lib/domain/starter-surveys.ts';
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';
import type { Migration } from './migrations.ts';
import { DATA_VERSION, MIGRATIONS, upgradeDoc } from './migrations.ts';

/** The `_local` id (in `org`) of the store's data version record. */
export const DATA_VERSION_DOC = 'data-version';

/** A document a migration could not bring to today's shape, and why. */
export type LeftDoc = { scope: string; id: string; reason: string };

export type MigrationRun = { from: number; to: number; at: string; changed: number; left: LeftDoc[] };

export type DataVersionRecord = { version: number; runs: MigrationRun[] };

/** The record kept names at most this many left documents per run; the count is in the log. */
const MAX_LEFT_NAMED = 100;
const PAGE = 200;

/** Every unit scope the org tree has named, deleted units too (their scopes keep their documents). */
async function unitScopes(store: DocStore): Promise<string[]> {
	const scopes: string[] = [];
	let since: string | undefined;
	for (;;) {
		const page = await store.changes('org', { ...(since ? { since } : {}), limit: PAGE });
		for (const row of page.results) if (idType(row.id) === 'unit') scopes.push(unitScope(idKey(row.id)));
		if (page.results.length < PAGE) return [...new Set(scopes)];
		since = page.last_seq;
	}
}

const sameDoc = (a: StoredDoc, b: StoredDoc): boolean => {
	const strip = ({ _rev: _r, ...rest }: StoredDoc) => rest;
	return canonicalJson(strip(a)) === canonicalJson(strip(b));
};

/**
 * Migrate one document: validate what it becomes, settle new ids already written (by an
 * interrupted run, or another server starting at once), write. Returns a reason when it is left.
 */
async function migrateDoc(
	store: DocStore,
	scope: string,
	doc: StoredDoc,
	pending: readonly Migration[],
): Promise<{ changed: boolean; left?: string }> {
	const out = upgradeDoc(doc, scope, pending);
	if (!out) {
		// No migration knows it: named in the record if today's schema refuses it all the same.
		const check = checkDoc(doc);
		return check.ok ? { changed: false } : { changed: false, left: check.reason };
	}
	for (const next of out) {
		if (next._deleted) continue;
		const check = checkDoc(next);
		if (!check.ok) return { changed: false, left: check.reason };
	}
	// A new id (a template's version id, a finding's first assessment) may be stored already.
	const created = out.filter((d) => d._id !== doc._id);
	const existing = new Map<string, StoredDoc | null>();
	if (created.length > 0) {
		for (const row of await store.allDocs(
			scope,
			created.map((d) => d._id),
			{ includeDocs: true },
		)) {
			if ('value' in row) existing.set(row.id, row.doc ?? null);
		}
	}
	const toWrite: StoredDoc[] = [];
	for (const next of out) {
		if (next._id === doc._id) {
			toWrite.push(next);
			continue;
		}
		if (!existing.has(next._id)) {
			toWrite.push(next);
			continue;
		}
		const there = existing.get(next._id);
		// Never overwrite what the organisation wrote under that id since: leave this one as it is.
		if (!there || !sameDoc(there, next)) return { changed: false, left: `${next._id} exists with other content` };
	}
	const results = await store.bulkDocs(scope, toWrite);
	const refused = results.find((r) => 'error' in r);
	if (refused && 'error' in refused) {
		// Written meanwhile by another server migrating too: the next start looks again only if
		// the record is not written, so name it.
		return { changed: results.some((r) => 'rev' in r), left: `${refused.error}: ${refused.reason}` };
	}
	return { changed: true };
}

async function migrateScope(
	store: DocStore,
	scope: string,
	pending: readonly Migration[],
	run: MigrationRun,
): Promise<void> {
	let since: string | undefined;
	for (;;) {
		const page = await store.changes(scope, { ...(since ? { since } : {}), limit: PAGE, includeDocs: true });
		for (const row of page.results) {
			if (row.deleted || !row.doc || row.id.startsWith('_design/')) continue;
			const result = await migrateDoc(store, scope, row.doc, pending);
			if (result.changed) run.changed += 1;
			if (result.left !== undefined) run.left.push({ scope, id: row.id, reason: result.left });
		}
		if (page.results.length < PAGE) return;
		since = page.last_seq;
	}
}

/**
 * Bring the store to DATA_VERSION: run the migrations it has not had, over `org` and every unit
 * scope, then record the version. A store already at DATA_VERSION is not read at all.
 */
export async function migrateStore(
	store: DocStore,
	now: Date,
): Promise<{ record: DataVersionRecord; run?: MigrationRun }> {
	const before = await store.getLocal('org', DATA_VERSION_DOC);
	const record = before && typeof before.version === 'number' ? (before as unknown as DataVersionRecord) : undefined;
	const from = record?.version ?? 0;
	if (record && from >= DATA_VERSION) return { record };
	const pending = MIGRATIONS.filter((m) => m.version > from);
	const run: MigrationRun = { from, to: DATA_VERSION, at: now.toISOString(), changed: 0, left: [] };
	// org first: rounds in the units name the template versions it moves to.
	for (const scope of ['org', ...(await unitScopes(store))]) await migrateScope(store, scope, pending, run);
	const kept: MigrationRun = { ...run, left: run.left.slice(0, MAX_LEFT_NAMED) };
	const next: DataVersionRecord = { version: DATA_VERSION, runs: [...(record?.runs ?? []), kept] };
	await store.putLocal('org', DATA_VERSION_DOC, { ...next, ...(before?._rev ? { _rev: before._rev } : {}) });
	return { record: next, run };
}

/**
 * The starter templates an organisation has never had, written in today's form. A starter id the
 * store holds in any state, deleted too, is the organisation's and left alone; an empty store is
 * the seed's (seed/demo.ts). Returns the ids written.
 */
export async function addMissingStarterTemplates(store: DocStore, now: Date): Promise<string[]> {
	if ((await store.info('org')).doc_count === 0) return [];
	// Survey versions too (issue 13): an organisation from before surveys gets the four starters.
	const starters = [...starterTemplates(now.toISOString()), ...starterSurveys(now.toISOString())];
	const rows = await store.allDocs(
		'org',
		starters.map((t) => t._id),
	);
	const missing = new Set(rows.flatMap((row) => ('error' in row ? [row.key] : [])));
	if (missing.size === 0) return [];
	const results = await store.bulkDocs(
		'org',
		starters.filter((t) => missing.has(t._id)),
	);
	// A conflict is another server starting at once that wrote it first.
	return results.flatMap((r) => ('rev' in r ? [r.id] : []));
}
