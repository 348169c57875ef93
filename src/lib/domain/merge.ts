/**
 * Field-level merge of two versions of one document (architecture §7). Each top-level field
 * is taken from the version whose `clock` stamp for it is later; a field without a stamp is
 * the oldest. Every choice is a maximum over one total order, so the merge is commutative,
 * associative and idempotent: devices that have seen the same versions agree, in any order.
 * Pure: never reads a clock, the network or storage.
 */
import { compareStamps, maxStamp } from './hlc.ts';

/** What the merge needs to know about a document: its id, revision, clock and fields. */
export type MergeableDoc = {
	_id: string;
	_rev?: string;
	_deleted?: boolean;
	clock?: Record<string, string>;
	updatedAt?: string;
} & Record<string, unknown>;

/** Fields that are not user content: identity, revision, the clock itself, the save time. */
const BOOKKEEPING = new Set(['_id', '_rev', '_deleted', 'clock', 'updatedAt']);

/** JSON with object keys sorted, so equal values have equal text. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value as Record<string, unknown>)
				.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
				.map(([k, v]) => [k, sortKeys(v)]),
		);
	}
	return value;
}

function compareText(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** The server's reason for refusing a `_rev` that is not canonical; the device shows its own text for it. */
export const BAD_REV_REASON = 'invalid _rev: not a revision of this server';

/**
 * A revision in CouchDB's canonical form, as PouchDB and CouchDB make them: a generation (a
 * positive integer without leading zeros) and a 32-digit lower-case hex hash. The server takes
 * no other: a store reads `01-abc…` as `1-abc…`, so a second spelling of a revision would let
 * a write be judged against one version and replace another.
 * @example isCanonicalRev('2-0bb1b34e13c255e1b45039ccb9e6428c') // true
 * @example isCanonicalRev('02-0bb1b34e13c255e1b45039ccb9e6428c') // false
 */
export function isCanonicalRev(rev: unknown): rev is string {
	return typeof rev === 'string' && /^[1-9]\d{0,14}-[0-9a-f]{32}$/.test(rev);
}

/**
 * Order two CouchDB revisions: by generation, then by hash text.
 * @example compareRevs('10-a', '9-z') // 1
 */
export function compareRevs(a: string | undefined, b: string | undefined): number {
	if (a === b) return 0;
	if (a === undefined) return -1;
	if (b === undefined) return 1;
	const ga = Number.parseInt(a, 10);
	const gb = Number.parseInt(b, 10);
	if (Number.isFinite(ga) && Number.isFinite(gb) && ga !== gb) return ga < gb ? -1 : 1;
	return compareText(a, b);
}

function laterTime(a: string | undefined, b: string | undefined): string | undefined {
	if (a === undefined || b === undefined) return a ?? b;
	const ta = Date.parse(a);
	const tb = Date.parse(b);
	if (ta !== tb && Number.isFinite(ta) && Number.isFinite(tb)) return ta > tb ? a : b;
	return compareText(a, b) >= 0 ? a : b;
}

/** One side's claim on a field: its stamp, whether it has the field, and the value. */
type Claim = { stamp: string | undefined; has: boolean; value: unknown };

/** The total order behind every field choice: stamp, then presence, then value text. */
function compareClaims(x: Claim, y: Claim): number {
	const byStamp = compareStamps(x.stamp, y.stamp);
	if (byStamp !== 0) return byStamp;
	// Equal stamps (in practice: neither side stamped the field): keep a value over no value.
	if (x.has !== y.has) return x.has ? 1 : -1;
	return compareText(canonicalJson(x.value), canonicalJson(y.value));
}

function claim(doc: MergeableDoc, field: string): Claim {
	return { stamp: doc.clock?.[field], has: Object.hasOwn(doc, field), value: doc[field] };
}

/**
 * Merge two versions of the same document.
 *
 * Deletes: a tombstone wins over any edit. A tombstone carries no clock (its schema keeps only
 * id, type and scope), so the merge cannot tell an edit made concurrently with the delete from
 * one the deleting person had already seen; in the second case bringing the document back would
 * undo a deliberate delete, and deletes here are deliberate (a withdrawn round, removed personal
 * details). The device does not drop the losing edit silently: the replicator keeps it in the
 * sync queue with the reason, for the person to see and discard.
 *
 * `_rev` is the later of the two revisions, which in a conflict is the server's (the local
 * version is always based on an older one); the replicator also sets it from the server.
 *
 * @example mergeDocs({_id:'round:1', date:'2026-01-02', clock:{date:'1767225600000-0000-a'}},
 *                    {_id:'round:1', date:'2026-01-03', clock:{date:'1767225600001-0000-b'}}).date // '2026-01-03'
 */
export function mergeDocs<T extends MergeableDoc>(a: T, b: T): T {
	if (a._id !== b._id) throw new Error(`cannot merge ${a._id} with ${b._id}`);
	const rev = compareRevs(a._rev, b._rev) >= 0 ? a._rev : b._rev;
	if (a._deleted || b._deleted) {
		const winner =
			a._deleted && b._deleted
				? compareText(canonicalJson({ ...a, _rev: '' }), canonicalJson({ ...b, _rev: '' })) >= 0
					? a
					: b
				: a._deleted
					? a
					: b;
		return withRev({ ...winner }, rev);
	}

	const fields = new Set<string>();
	for (const doc of [a, b]) {
		for (const key of Object.keys(doc)) fields.add(key);
		for (const key of Object.keys(doc.clock ?? {})) fields.add(key);
	}
	const out: Record<string, unknown> = { _id: a._id };
	const clock: Record<string, string> = {};
	for (const field of [...fields].sort()) {
		if (BOOKKEEPING.has(field)) continue;
		const x = claim(a, field);
		const y = claim(b, field);
		const win = compareClaims(x, y) >= 0 ? x : y;
		if (win.has) out[field] = win.value;
		const stamp = maxStamp(x.stamp, y.stamp);
		if (stamp !== undefined) clock[field] = stamp;
	}
	const updatedAt = laterTime(a.updatedAt, b.updatedAt);
	if (updatedAt !== undefined) out.updatedAt = updatedAt;
	if (Object.keys(clock).length > 0) out.clock = clock;
	return withRev(out as T, rev);
}

/**
 * Fields set when a document is created. Once stored they are the record: the server refuses a
 * change of `createdBy` (decision 0016), so a device's edit merged into the stored version keeps
 * the stored ones, even where its own stamp is later (two tablets that made the same finding).
 */
export const CREATION_FIELDS = ['createdBy', 'createdAt'] as const;

/**
 * Merge a local edit into the version the server stores (`mergeDocs`), keeping the stored
 * version's creation fields (`CREATION_FIELDS`).
 * @example mergeIntoStored({ ...finding, createdBy: 'skyddsombud' }, storedByChef).createdBy // 'chef'
 */
export function mergeIntoStored<T extends MergeableDoc>(local: T, stored: T): T {
	const merged = mergeDocs(local, stored);
	if (merged._deleted) return merged;
	for (const field of CREATION_FIELDS) {
		if (Object.hasOwn(stored, field)) (merged as Record<string, unknown>)[field] = stored[field];
	}
	return merged;
}

function withRev<T extends MergeableDoc>(doc: T, rev: string | undefined): T {
	if (rev === undefined) delete doc._rev;
	else doc._rev = rev;
	return doc;
}

/**
 * Does `doc` already hold everything in `edit`? True when merging the edit changes nothing but
 * bookkeeping: then the edit is on the server already (for example after a lost answer).
 */
export function contains(doc: MergeableDoc, edit: MergeableDoc): boolean {
	return sameContent(mergeDocs(doc, edit), doc);
}

/** Same document content, ignoring revision and save time. */
export function sameContent(a: MergeableDoc, b: MergeableDoc): boolean {
	const strip = ({ _rev: _r, updatedAt: _u, ...rest }: MergeableDoc) => rest;
	return canonicalJson(strip(a)) === canonicalJson(strip(b));
}
