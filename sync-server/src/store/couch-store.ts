/**
 * The Apache CouchDB 3 adapter: one CouchDB database per scope (`<prefix><scope>`), reached
 * over HTTP with Node's fetch (keep-alive) and a service account sent as Basic auth. The
 * sync server stays stateless, so several can share one CouchDB (cluster) behind a load
 * balancer. Longpoll waiters on a scope share ONE `_changes?feed=longpoll` watch.
 * It must never put the CouchDB URL or credentials into an error, a log line or a reply:
 * callers see AppError / StoreOpenError with a reason of ours.
 */
import { AppError, STORE_REFUSED_REASON, isAnonDatabase, isScope } from '../../../src/lib/domain/index.ts';
import type { AllDocsRow, ChangeRow, ChangesResult, DocStore, ScopeInfo, StoredDoc, WriteResult } from './doc-store.ts';
import { StoreOpenError } from './doc-store.ts';
import { WaiterLists } from './waiters.ts';

export type CouchStoreOptions = {
	/** `http(s)://user:pass@host:5984[/path]`; the credentials are taken out of it. */
	url: string;
	/** Prepended to every scope to make the database name (CouchDB rules: `[a-z][a-z0-9_$()+/-]*`). */
	prefix?: string;
	fetch?: typeof fetch;
	/** How long one watch request waits in CouchDB before it is renewed. */
	watchTimeoutMs?: number;
	/** How long an ordinary request may take. */
	requestTimeoutMs?: number;
	/** How long a watch outlives its last waiter, so devices coming straight back reuse it. */
	watchGraceMs?: number;
};

export const DEFAULT_PREFIX = 'trygg_';
const DB_NAME_RE = /^[a-z][a-z0-9_$()+/-]*$/;
const MAX_DB_NAME = 238;

/** The parts of a COUCHDB_URL: where, and as whom. `shown` is safe to print. */
export type CouchEndpoint = { base: string; shown: string; authorization?: string };

/**
 * Split credentials out of a CouchDB URL.
 * @example parseCouchUrl('http://svc:pw@couch:5984').shown // 'http://couch:5984'
 */
export function parseCouchUrl(url: string): CouchEndpoint {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		throw new StoreOpenError('COUCHDB_URL is not a URL.');
	}
	if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new StoreOpenError('COUCHDB_URL must be http(s).');
	const user = decodeURIComponent(u.username);
	const pass = decodeURIComponent(u.password);
	u.username = '';
	u.password = '';
	u.search = '';
	u.hash = '';
	const base = u.toString().replace(/\/+$/, '');
	return {
		base,
		shown: base,
		...(user ? { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` } : {}),
	};
}

/** The CouchDB database name of a scope. */
export function couchDbName(prefix: string, scope: string): string {
	return `${prefix}${scope}`;
}

export function checkPrefix(prefix: string): void {
	if (prefix !== '' && !DB_NAME_RE.test(prefix)) {
		throw new StoreOpenError('COUCHDB_PREFIX must start with a-z and hold only a-z 0-9 _ $ ( ) + - /.');
	}
	if (prefix.length > MAX_DB_NAME - 70) throw new StoreOpenError('COUCHDB_PREFIX is too long.');
}

type Reply = { status: number; body: unknown };
type Watch = { since: string | undefined; stop: AbortController; grace?: NodeJS.Timeout };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal.aborted) return resolve();
		const timer = setTimeout(done, ms);
		function done(): void {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		}
		signal.addEventListener('abort', done, { once: true });
	});
}

/** CouchDB's `_changes` row, narrowed to what the port carries. */
function toRow(raw: Record<string, unknown>, includeDocs: boolean): ChangeRow {
	const changes = Array.isArray(raw.changes) ? (raw.changes as { rev: string }[]) : [];
	return {
		seq: String(raw.seq),
		id: String(raw.id),
		changes: changes.map((c) => ({ rev: String(c.rev) })),
		...(raw.deleted ? { deleted: true } : {}),
		...(includeDocs && raw.doc ? { doc: raw.doc as StoredDoc } : {}),
	};
}

/** A per-document reason for CouchDB's refusal: ours, then CouchDB's own when it gave one. */
function refusedReason(body: unknown): string {
	const reason = (body as { reason?: unknown } | undefined)?.reason;
	return typeof reason === 'string' && reason !== '' ? `${STORE_REFUSED_REASON}: ${reason}` : STORE_REFUSED_REASON;
}

export class CouchStore implements DocStore {
	readonly #endpoint: CouchEndpoint;
	readonly #prefix: string;
	readonly #fetch: typeof fetch;
	readonly #watchTimeoutMs: number;
	readonly #requestTimeoutMs: number;
	readonly #watchGraceMs: number;
	readonly #watches = new Map<string, Watch>();
	readonly #waiters: WaiterLists;
	/** Aborts every request in flight when the store closes. */
	readonly #closing = new AbortController();

	constructor(opts: CouchStoreOptions) {
		this.#endpoint = parseCouchUrl(opts.url);
		this.#prefix = opts.prefix ?? DEFAULT_PREFIX;
		checkPrefix(this.#prefix);
		this.#fetch = opts.fetch ?? fetch;
		this.#watchTimeoutMs = opts.watchTimeoutMs ?? 55_000;
		this.#requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
		this.#watchGraceMs = opts.watchGraceMs ?? 2_000;
		this.#waiters = new WaiterLists({
			empty: (scope) => this.#idleWatch(scope),
		});
	}

	/** Where this store points, without credentials (for log lines of main.ts). */
	get shown(): string {
		return this.#endpoint.shown;
	}

	/** How many scopes have a running watch (for tests and metrics). */
	get watchCount(): number {
		return this.#watches.size;
	}

	/** How many longpolls wait on `scope`. */
	waiting(scope: string): number {
		return this.#waiters.count(scope);
	}

	/**
	 * Check at startup that CouchDB answers and accepts the service account, so a wrong
	 * COUCHDB_URL fails in one clear line instead of on the first request.
	 */
	async connect(): Promise<void> {
		const where = this.#endpoint.shown;
		const refused = (status: number): StoreOpenError =>
			new StoreOpenError(`CouchDB at ${where} refused the service account (HTTP ${status}).`);
		const ask = async (method: string, path: string): Promise<Reply> => {
			try {
				return await this.#send(method, path);
			} catch {
				throw new StoreOpenError(`CouchDB at ${where} cannot be reached.`);
			}
		};
		const welcome = await ask('GET', '/');
		if (welcome.status === 401 || welcome.status === 403) throw refused(welcome.status);
		if (welcome.status !== 200 || typeof welcome.body !== 'object') {
			throw new StoreOpenError(`${where} does not answer like CouchDB (HTTP ${welcome.status}).`);
		}
		// Creating the org database proves the account may create databases (CouchDB: a server admin).
		const org = await ask('PUT', this.#path('org'));
		if (org.status === 401 || org.status === 403) throw refused(org.status);
		if (org.status !== 201 && org.status !== 202 && org.status !== 412) {
			throw new StoreOpenError(`CouchDB at ${where} answered HTTP ${org.status} when creating a database.`);
		}
	}

	#db(scope: string): string {
		// Scope names are a subset of CouchDB's database name rules; checking keeps paths ours.
		if (!isScope(scope) && !isAnonDatabase(scope)) throw new AppError('not_found', 'Database does not exist.');
		return couchDbName(this.#prefix, scope);
	}

	#path(scope: string, rest = ''): string {
		return `/${encodeURIComponent(this.#db(scope))}${rest}`;
	}

	/** One HTTP exchange; network failures throw (the caller maps them). */
	async #send(
		method: string,
		path: string,
		opts: { body?: unknown; query?: Record<string, string>; signal?: AbortSignal; timeoutMs?: number } = {},
	): Promise<Reply> {
		const query = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
		const headers: Record<string, string> = { accept: 'application/json' };
		if (this.#endpoint.authorization) headers.authorization = this.#endpoint.authorization;
		if (opts.body !== undefined) headers['content-type'] = 'application/json';
		const signals = [this.#closing.signal, AbortSignal.timeout(opts.timeoutMs ?? this.#requestTimeoutMs)];
		if (opts.signal) signals.push(opts.signal);
		const res = await this.#fetch(this.#endpoint.base + path + query, {
			method,
			headers,
			...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
			signal: AbortSignal.any(signals),
		});
		const text = await res.text();
		try {
			return { status: res.status, body: text.trim() === '' ? undefined : JSON.parse(text) };
		} catch {
			return { status: res.status, body: undefined };
		}
	}

	/** `#send` with every failure as an AppError whose reason names no URL or account. */
	async #request(
		method: string,
		path: string,
		opts: { body?: unknown; query?: Record<string, string> } = {},
	): Promise<Reply> {
		let reply: Reply;
		try {
			reply = await this.#send(method, path, opts);
		} catch (err) {
			if ((err as Error).name === 'TimeoutError') throw new AppError('network', 'The storage did not answer in time.');
			throw new AppError('network', 'The storage cannot be reached.');
		}
		// The service account refused is a server fault: the device must not think it is signed out.
		if (reply.status === 401 || reply.status === 403) {
			throw new AppError('server', 'The storage refused the service account.', 500);
		}
		if (reply.status >= 500) throw new AppError('server', 'The storage failed.', 500);
		return reply;
	}

	async #createDb(scope: string): Promise<void> {
		const reply = await this.#request('PUT', this.#path(scope));
		// 412: another sync server created it first.
		if (reply.status !== 201 && reply.status !== 202 && reply.status !== 412) {
			throw new AppError('server', 'The storage could not create a database.', 500);
		}
	}

	/** A write that creates the database on first use. */
	async #write(scope: string, method: string, rest: string, body: unknown): Promise<Reply> {
		let reply = await this.#request(method, this.#path(scope, rest), { body });
		if (reply.status === 404) {
			await this.#createDb(scope);
			reply = await this.#request(method, this.#path(scope, rest), { body });
		}
		return reply;
	}

	#unexpected(): AppError {
		return new AppError('server', 'The storage gave an unexpected answer.', 500);
	}

	async info(scope: string): Promise<ScopeInfo> {
		const reply = await this.#request('GET', this.#path(scope));
		if (reply.status === 404) return { db_name: scope, update_seq: '0', doc_count: 0 };
		const body = reply.body as { update_seq?: unknown; doc_count?: unknown } | undefined;
		if (reply.status !== 200 || !body) throw this.#unexpected();
		return { db_name: scope, update_seq: String(body.update_seq), doc_count: Number(body.doc_count) };
	}

	async changes(
		scope: string,
		opts: { since?: string; limit?: number; includeDocs?: boolean },
	): Promise<ChangesResult> {
		const query: Record<string, string> = { since: opts.since === undefined || opts.since === '' ? '0' : opts.since };
		if (opts.limit !== undefined) query.limit = String(opts.limit);
		if (opts.includeDocs) query.include_docs = 'true';
		const reply = await this.#request('GET', this.#path(scope, '/_changes'), { query });
		if (reply.status === 404) return { results: [], last_seq: query.since ?? '0' };
		if (reply.status === 400) throw new AppError('bad_request', 'since is not a sequence of this server');
		const body = reply.body as { results?: unknown; last_seq?: unknown } | undefined;
		if (reply.status !== 200 || !body || !Array.isArray(body.results)) throw this.#unexpected();
		return {
			results: (body.results as Record<string, unknown>[]).map((r) => toRow(r, opts.includeDocs === true)),
			last_seq: String(body.last_seq),
		};
	}

	async bulkDocs(scope: string, docs: StoredDoc[]): Promise<WriteResult[]> {
		if (docs.length === 0) return [];
		const out = await this.#bulk(scope, docs);
		if (out.some((r) => 'rev' in r)) this.#waiters.wake(scope);
		return out;
	}

	/**
	 * One `_bulk_docs`. CouchDB refuses a request whole, writing nothing, when one document is
	 * JSON it will not take (400, e.g. a lone surrogate) or over `max_document_size` (413), and
	 * its reason names no document. Then the request is split in halves until each refused
	 * document is alone: it alone is answered with CouchDB's reason, the others are written.
	 */
	async #bulk(scope: string, docs: StoredDoc[]): Promise<WriteResult[]> {
		const reply = await this.#write(scope, 'POST', '/_bulk_docs', { docs });
		if (reply.status === 400 || reply.status === 413) {
			if (docs.length > 1) {
				const half = Math.ceil(docs.length / 2);
				// In order, so that an id sent twice is still taken first come, first served.
				const first = await this.#bulk(scope, docs.slice(0, half));
				return [...first, ...(await this.#bulk(scope, docs.slice(half)))];
			}
			const id = docs[0]?._id ?? '';
			return [{ id, error: reply.status === 413 ? 'too_large' : 'invalid', reason: refusedReason(reply.body) }];
		}
		if ((reply.status !== 201 && reply.status !== 202) || !Array.isArray(reply.body)) throw this.#unexpected();
		const rows = reply.body as { id?: string; rev?: string; error?: string; reason?: string }[];
		if (rows.length !== docs.length) throw this.#unexpected();
		return rows.map((r, i): WriteResult => {
			const id = r.id ?? docs[i]?._id ?? '';
			if (r.rev && !r.error) return { id, rev: r.rev };
			if (r.error === 'conflict') return { id, error: 'conflict', reason: 'Document update conflict.' };
			// A validate_doc_update function of the database's own refused it: final, like a rule of ours.
			if (r.error === 'forbidden' || r.error === 'unauthorized') {
				return { id, error: 'forbidden', reason: refusedReason(r) };
			}
			// Anything else (`insufficient_storage` when its disk is full) may pass: the device sends again.
			throw new AppError('server', 'The storage did not take a document.', 500);
		});
	}

	async allDocs(scope: string, keys: string[], opts: { includeDocs?: boolean } = {}): Promise<AllDocsRow[]> {
		if (keys.length === 0) return [];
		// CouchDB answers `_local/…` keys with the local document (checkpoints, quota counters);
		// Trygg's readers must never see them, so such keys are not asked for at all.
		if (keys.some((key) => key.startsWith('_'))) {
			const asked = keys.filter((key) => !key.startsWith('_'));
			const found = new Map((await this.allDocs(scope, asked, opts)).map((row) => [row.key, row]));
			return keys.map((key) => found.get(key) ?? { key, error: 'not_found' });
		}
		const query: Record<string, string> = opts.includeDocs ? { include_docs: 'true' } : {};
		const reply = await this.#request('POST', this.#path(scope, '/_all_docs'), { body: { keys }, query });
		if (reply.status === 404) return keys.map((key) => ({ key, error: 'not_found' }));
		const body = reply.body as { rows?: unknown } | undefined;
		if (reply.status !== 200 || !body || !Array.isArray(body.rows)) throw this.#unexpected();
		return (body.rows as Record<string, unknown>[]).map((r): AllDocsRow => {
			if ('error' in r || !r.value) return { key: String(r.key), error: 'not_found' };
			const value = r.value as { rev: string; deleted?: boolean };
			return {
				id: String(r.id),
				key: String(r.key),
				value: { rev: String(value.rev), ...(value.deleted ? { deleted: true } : {}) },
				...(opts.includeDocs ? { doc: (r.doc as StoredDoc | null | undefined) ?? null } : {}),
			};
		});
	}

	async getLocal(scope: string, id: string): Promise<StoredDoc | undefined> {
		const reply = await this.#request('GET', this.#path(scope, `/_local/${encodeURIComponent(id)}`));
		if (reply.status === 404) return undefined;
		if (reply.status !== 200 || !reply.body) throw this.#unexpected();
		return reply.body as StoredDoc;
	}

	async putLocal(scope: string, id: string, doc: Record<string, unknown>): Promise<{ id: string; rev: string }> {
		const localId = `_local/${id}`;
		const reply = await this.#write(scope, 'PUT', `/_local/${encodeURIComponent(id)}`, { ...doc, _id: localId });
		if (reply.status === 409) throw new AppError('conflict', 'Document update conflict.');
		if (reply.status === 400) throw new AppError('bad_request', refusedReason(reply.body));
		const body = reply.body as { id?: string; rev?: string } | undefined;
		if ((reply.status !== 201 && reply.status !== 202) || !body?.rev) throw this.#unexpected();
		return { id: body.id ?? localId, rev: body.rev };
	}

	waitForChange(scope: string, signal: AbortSignal, since?: string): Promise<void> {
		if (!isScope(scope) && !isAnonDatabase(scope)) return Promise.resolve();
		const waiting = this.#waiters.wait(scope, signal);
		if (this.#waiters.has(scope)) this.#ensureWatch(scope, since);
		return waiting;
	}

	/** Start the scope's watch (from the first waiter's `since`), or keep the running one. */
	#ensureWatch(scope: string, since: string | undefined): void {
		const existing = this.#watches.get(scope);
		if (existing) {
			clearTimeout(existing.grace);
			delete existing.grace;
			return;
		}
		const watch: Watch = { since, stop: new AbortController() };
		this.#watches.set(scope, watch);
		void this.#runWatch(scope, watch);
	}

	/** The last waiter left: keep the watch a moment for devices that come straight back. */
	#idleWatch(scope: string): void {
		const watch = this.#watches.get(scope);
		if (!watch) return;
		clearTimeout(watch.grace);
		watch.grace = setTimeout(() => {
			if (this.#waiters.has(scope)) return;
			this.#stopWatch(scope, watch);
		}, this.#watchGraceMs);
		watch.grace.unref();
	}

	#stopWatch(scope: string, watch: Watch): void {
		clearTimeout(watch.grace);
		watch.stop.abort();
		if (this.#watches.get(scope) === watch) this.#watches.delete(scope);
	}

	/**
	 * One longpoll `_changes` loop per watched scope; every row wakes all its waiters. It
	 * renews itself (CouchDB's `timeout`, and our own abort for servers that ignore it) and
	 * backs off on errors; a missing database is polled until a write creates it.
	 */
	async #runWatch(scope: string, watch: Watch): Promise<void> {
		let backoff = 500;
		const stopped = (): boolean => watch.stop.signal.aborted || this.#closing.signal.aborted;
		while (!stopped()) {
			try {
				if (watch.since === undefined) watch.since = (await this.info(scope)).update_seq;
				if (stopped()) break;
				const reply = await this.#send('GET', this.#path(scope, '/_changes'), {
					query: { feed: 'longpoll', since: watch.since, timeout: String(this.#watchTimeoutMs) },
					signal: watch.stop.signal,
					timeoutMs: this.#watchTimeoutMs + 5_000,
				});
				if (reply.status === 200) {
					const body = reply.body as { results?: unknown[]; last_seq?: unknown } | undefined;
					if (body?.last_seq !== undefined) watch.since = String(body.last_seq);
					if (body?.results?.length) this.#waiters.wake(scope);
					backoff = 500;
					continue;
				}
				if (reply.status === 400) watch.since = undefined; // a since of another server: start afresh
			} catch (err) {
				if (stopped()) break;
				// Our own renewal of a request the server held past its timeout is no error.
				if ((err as Error).name === 'TimeoutError') continue;
			}
			await sleep(backoff, watch.stop.signal);
			backoff = Math.min(backoff * 2, 10_000);
		}
	}

	async close(): Promise<void> {
		this.#closing.abort();
		for (const [scope, watch] of [...this.#watches]) this.#stopWatch(scope, watch);
		this.#waiters.wakeAll();
	}
}
