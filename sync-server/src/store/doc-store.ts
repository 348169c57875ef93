/**
 * The storage port: the only way routes reach documents. Adapters (embedded PouchDB in
 * pouch-store.ts, Apache CouchDB 3 over HTTP in couch-store.ts) implement it with CouchDB's
 * semantics, checked by one suite in tests/conformance. Sequences are opaque strings: only
 * the store that made one may interpret it. It never checks access or validates documents:
 * callers do that before anything reaches a store.
 */

/** A stored document as the wire carries it. */
export type StoredDoc = { _id: string; _rev?: string; _deleted?: boolean; [key: string]: unknown };

export type ScopeInfo = { db_name: string; update_seq: string; doc_count: number };

export type ChangeRow = {
	seq: string;
	id: string;
	changes: { rev: string }[];
	deleted?: boolean;
	doc?: StoredDoc;
};

export type ChangesResult = { results: ChangeRow[]; last_seq: string };

/**
 * Per-document answer of a write, in request order. Only CouchDB refuses a document otherwise
 * than with a conflict (its reason after STORE_REFUSED_REASON): `invalid` for JSON it will
 * not take (a lone surrogate), `too_large` over its `max_document_size`, `forbidden` from a
 * `validate_doc_update` of its own.
 */
export type WriteResult =
	| { id: string; rev: string }
	| { id: string; error: 'conflict' | 'invalid' | 'too_large' | 'forbidden'; reason: string };

export type AllDocsRow =
	| { id: string; key: string; value: { rev: string; deleted?: boolean }; doc?: StoredDoc | null }
	| { key: string; error: 'not_found' };

export interface DocStore {
	info(scope: string): Promise<ScopeInfo>;
	/** Changes after `since` (an opaque sequence from this store, or undefined for the start). */
	changes(scope: string, opts: { since?: string; limit?: number; includeDocs?: boolean }): Promise<ChangesResult>;
	/**
	 * Ordinary edits (new_edits=true): a stale `_rev` of a stored document, and a create over a
	 * live one, come back as a conflict. A `_rev` for a document that does not exist is not
	 * guaranteed to: CouchDB 3.5 stores it as generation 2 once its database holds any document,
	 * so callers check it first (decision 0015).
	 */
	bulkDocs(scope: string, docs: StoredDoc[]): Promise<WriteResult[]>;
	allDocs(scope: string, keys: string[], opts?: { includeDocs?: boolean }): Promise<AllDocsRow[]>;
	getLocal(scope: string, id: string): Promise<StoredDoc | undefined>;
	/**
	 * Write `_local/<id>`. Named on its current `_rev` (none when absent) it is stored with a new
	 * one. Any other `_rev` is not guaranteed to conflict: CouchDB takes it (PouchDB does not), so
	 * compare-and-set goes through LocalDocs (local-docs.ts, decision 0021).
	 */
	putLocal(scope: string, id: string, doc: Record<string, unknown>): Promise<{ id: string; rev: string }>;
	/**
	 * Resolves at the next write to `scope`, or when `signal` aborts; never rejects. With
	 * `since` (the last sequence the caller read), a write already past it resolves at once.
	 * Waiting never holds a database open; many waiters on one scope share one watch.
	 */
	waitForChange(scope: string, signal: AbortSignal, since?: string): Promise<void>;
	close(): Promise<void>;
}

/** A store that cannot be opened (corrupt files, a lock held by another process). */
export class StoreOpenError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'StoreOpenError';
	}
}
