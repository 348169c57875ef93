/**
 * Versioned data migrations (decision 0026): each brings the documents of one earlier schema up to
 * today's. A migration is a pure function of one stored document, so the same step upgrades the
 * store at start (run.ts) and a document an older app pushes (upgradeIncoming). Each returns
 * nothing for a document already in today's shape, which is what makes running twice a no-op.
 *
 * The earlier shapes, from `git log -p -- src/lib/domain/schemas.ts` on main:
 * - templates without `family` and `status`, id `template:<key>` (f0ad65f up to 4424e6c, which
 *   made the id `template:<family>.v<version>`), and the rounds that name them;
 * - actions without `unitId`, `source`, `comment`, `estimatedCost` (c970e6a up to ab2a7d6);
 * - answers edited in place without stamp and author, findings with a `draft` status and the risk
 *   inside (c970e6a up to 1c5d17c, which made answers and assessments append-only).
 */
import { OLDER_APP_REASON } from '../../../src/lib/domain/older-app.ts';
import type { StoredDoc } from '../store/doc-store.ts';

export type Migration = {
	/** The data version a store has once this migration has run. */
	version: number;
	name: string;
	/**
	 * Today's shape of `doc`: the documents to write in its place (a changed id writes the new one
	 * and deletes the old), or undefined when `doc` needs nothing. Never reads anything else.
	 */
	upgrade(doc: StoredDoc, scope: string): StoredDoc[] | undefined;
};

/** Who wrote a record the earlier schema kept no author for: no account can have this name. */
export const UNKNOWN_AUTHOR = { account: '(unknown)', name: 'Okänd (sparad före uppgraderingen)' } as const;

const FAMILY_KEY = /^[a-z0-9-]{1,64}$/;
/** A template id of the first schema: `template:<key>`, no version in it. */
const UNVERSIONED_TEMPLATE_ID = /^template:([a-z0-9-]{1,64})$/;

function without<T extends Record<string, unknown>>(doc: T, ...keys: string[]): T {
	const copy = { ...doc };
	for (const key of keys) delete copy[key];
	return copy;
}

const tombstone = (doc: StoredDoc): StoredDoc => ({
	_id: doc._id,
	...(doc._rev ? { _rev: doc._rev } : {}),
	_deleted: true,
	type: doc.type,
	scope: doc.scope,
});

/** A round naming a template by its first-schema id names the version it was planned with. */
export function upgradeRoundTemplateId(doc: StoredDoc): StoredDoc | undefined {
	if (doc.type !== 'round' || doc._deleted || typeof doc.templateId !== 'string') return undefined;
	const match = UNVERSIONED_TEMPLATE_ID.exec(doc.templateId);
	if (!match || typeof doc.templateVersion !== 'number') return undefined;
	return { ...doc, templateId: `template:${match[1]}.v${doc.templateVersion}` };
}

/** The version id a first-schema template moves to, or undefined when it is not one (or cannot move). */
export function templateVersionIdFor(doc: StoredDoc): string | undefined {
	if (doc.type !== 'template' || doc._deleted || 'family' in doc) return undefined;
	const match = UNVERSIONED_TEMPLATE_ID.exec(doc._id);
	if (!match || typeof doc.version !== 'number' || !FAMILY_KEY.test(match[1] ?? '')) return undefined;
	return `template:${match[1]}.v${doc.version}`;
}

const templateVersions: Migration = {
	version: 1,
	name: 'template-versions',
	upgrade(doc) {
		if (doc.type === 'round') {
			const round = upgradeRoundTemplateId(doc);
			return round ? [round] : undefined;
		}
		const id = templateVersionIdFor(doc);
		if (!id) return undefined;
		const family = id.slice('template:'.length, id.lastIndexOf('.v'));
		// A template in use before versions existed: rounds were planned on it, so it is published.
		const moved = { ...without(doc, '_rev'), _id: id, family, status: 'published' };
		return [moved, tombstone(doc)];
	},
};

const actionPlanFields: Migration = {
	version: 2,
	name: 'action-plan-fields',
	upgrade(doc, scope) {
		if (doc.type !== 'action' || doc._deleted || 'source' in doc) return undefined;
		return [
			{
				...doc,
				unitId: typeof doc.unitId === 'string' ? doc.unitId : scope.slice('unit-'.length),
				// The only sources the earlier schema knew: a finding, or none named.
				source: typeof doc.findingId === 'string' ? 'finding' : 'other',
				comment: typeof doc.comment === 'string' ? doc.comment : '',
				estimatedCost: 'estimatedCost' in doc ? doc.estimatedCost : null,
			},
		];
	},
};

/** A clock stamp for a record the earlier schema did not stamp: its last save, from no device. */
function stampOf(iso: unknown): string | undefined {
	const ms = typeof iso === 'string' ? Date.parse(iso) : NaN;
	return Number.isFinite(ms) ? `${String(ms).padStart(13, '0')}-0000-migrated` : undefined;
}

const appendOnlyRecords: Migration = {
	version: 3,
	name: 'append-only-answers-and-assessments',
	upgrade(doc) {
		if (doc._deleted) return undefined;
		if (doc.type === 'answer' && !('stamp' in doc)) {
			const stamp = stampOf(doc.updatedAt);
			if (!stamp) return undefined;
			// Only what the earlier schema did not have: a field the document carries is kept as it is.
			return [
				{
					fixedNote: '',
					photos: [],
					stamp,
					answeredAt: doc.updatedAt,
					answeredBy: UNKNOWN_AUTHOR.account,
					answeredByName: UNKNOWN_AUTHOR.name,
					...doc,
				},
			];
		}
		if (doc.type !== 'finding' || !('risk' in doc || doc.status === 'draft' || !('createdBy' in doc))) {
			return undefined;
		}
		// A draft is now an open finding without an assessment; the risk becomes its first assessment.
		const finding: StoredDoc = {
			...without(doc, 'risk'),
			status: doc.status === 'draft' ? 'open' : doc.status,
			createdBy: typeof doc.createdBy === 'string' ? doc.createdBy : UNKNOWN_AUTHOR.account,
		};
		const risk = doc.risk as { probability?: unknown; consequence?: unknown; serious?: unknown } | undefined;
		const stamp = stampOf(doc.updatedAt);
		if (!risk || !stamp) return [finding];
		const assessment: StoredDoc = {
			_id: `assessment:${doc._id.slice('finding:'.length)}-risk`,
			type: 'assessment',
			scope: doc.scope,
			findingId: doc._id,
			...(typeof doc.roundId === 'string' ? { roundId: doc.roundId } : {}),
			probability: risk.probability,
			consequence: risk.consequence,
			serious: risk.serious,
			stamp,
			assessedAt: doc.updatedAt,
			assessedBy: UNKNOWN_AUTHOR.account,
			assessedByName: UNKNOWN_AUTHOR.name,
			createdAt: doc.updatedAt,
			updatedAt: doc.updatedAt,
		};
		return [finding, assessment];
	},
};

/** Every migration, in the order they run; a store's data version is the last one's that ran. */
export const MIGRATIONS: readonly Migration[] = [templateVersions, actionPlanFields, appendOnlyRecords];

/** The data version of a store all migrations have run on. */
export const DATA_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

/**
 * Run `migrations` over one document: today's documents in its place (the first has its id
 * unless the id moved), or undefined when it needs nothing.
 */
export function upgradeDoc(doc: StoredDoc, scope: string, migrations = MIGRATIONS): StoredDoc[] | undefined {
	let docs = [doc];
	let changed = false;
	for (const migration of migrations) {
		docs = docs.flatMap((d) => {
			const next = migration.upgrade(d, scope);
			if (next) changed = true;
			return next ?? [d];
		});
	}
	return changed ? docs : undefined;
}

/** A document as an older app sends it, brought to today's shape, or the reason it cannot be. */
export type IncomingUpgrade = { doc: unknown } | { refused: string };

/**
 * A document pushed by an app one version older, in today's shape: the same migrations as the
 * store's, with the sender as the author where the earlier schema named none (the server takes
 * only the signed-in account's own name in a record, decision 0016). What would change its id or
 * add a document cannot be answered in one per-document result, so it is refused with
 * OLDER_APP_REASON and stays in the device's queue. Anything else passes unchanged.
 */
export function upgradeIncoming(
	raw: unknown,
	scope: string,
	sender: { name: string; displayName: string },
): IncomingUpgrade {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { doc: raw };
	const doc = raw as StoredDoc;
	if (typeof doc._id !== 'string') return { doc: raw };
	const out = upgradeDoc(doc, scope);
	if (!out) return { doc: raw };
	const [first] = out;
	if (out.length !== 1 || first?._id !== doc._id) {
		const what =
			doc.type === 'template'
				? 'a template id is now template:<family>.v<version>'
				: 'a finding keeps its risk in an assessment';
		return { refused: `${OLDER_APP_REASON}: ${what}` };
	}
	const byUnknown = (field: string): boolean => first[field] === UNKNOWN_AUTHOR.account;
	const author: Record<string, string> = {};
	if (byUnknown('answeredBy')) Object.assign(author, { answeredBy: sender.name, answeredByName: sender.displayName });
	if (byUnknown('createdBy')) author.createdBy = sender.name;
	return { doc: { ...first, ...author } };
}
