/**
 * Keeping the quotas of `src/lib/domain/quotas.ts` (decision 0017). Counting is cheap, never a
 * pass over a scope per write: a scope's documents are the store's own count (`info`), and
 * everything else is a counter kept in the scope's `_local` documents (never replicated, never
 * in `_changes`, out of reach of the `_local` route: their keys hold no `~`, which every key of
 * that route does), one per person and one for the scope's photos. The scope's photo counter is
 * seeded once from the blob store when it does not exist yet.
 *
 * Room is reserved before a write and given back for what was not written, so a refusal by the
 * rules, a conflict or a failed upload costs nothing. Changes of one counter are applied one
 * batch at a time in this process, so one server never loses an update; several servers on one
 * CouchDB may overshoot a limit by what they admit at the same moment (a bound, not an account).
 * It never checks access: routes call it for writes the caller may make.
 */
import { AppError } from '../../src/lib/domain/index.ts';
import type { QuotaLimits, QuotaScopeKind } from '../../src/lib/domain/quotas.ts';
import {
	LOCAL_DOCS_QUOTA_REASON,
	PERSON_DOCS_QUOTA_REASON,
	PERSON_PHOTOS_QUOTA_REASON,
	QUOTAS,
	SCOPE_DOCS_QUOTA_REASON,
	SCOPE_PHOTOS_QUOTA_REASON,
} from '../../src/lib/domain/quotas.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import { scopeKind } from './policy/access.ts';
import type { DocStore, StoredDoc } from './store/doc-store.ts';

/** Limits to change for a test or a deployment: any number of `QuotaLimits`, the rest default. */
export type QuotaOverrides = {
	[K in keyof QuotaLimits]?: QuotaLimits[K] extends number ? number : Partial<QuotaLimits[K]>;
};

/** The default limits with `overrides` applied. */
export function quotaLimits(overrides: QuotaOverrides = {}): QuotaLimits {
	const merged = structuredClone(QUOTAS);
	for (const [key, value] of Object.entries(overrides) as [keyof QuotaLimits, unknown][]) {
		if (typeof value === 'number') (merged as Record<string, unknown>)[key] = value;
		else if (value) Object.assign(merged[key] as object, value);
	}
	return merged;
}

/** One person's use of one scope. */
type PersonUsage = { day: string; created: number; locals: string[]; photos: number; photoBytes: number };
/** One scope's photos. */
type ScopeUsage = { photos: number; photoBytes: number };

/** `_local` keys of the counters: no `~`, so no `<name>~<id>` key of the `_local` route is one of them. */
const personKey = (name: string): string => `quota.person.${Buffer.from(name).toString('base64url')}`;
const SCOPE_KEY = 'quota.scope';

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

function personUsage(doc: StoredDoc | undefined, today: string): PersonUsage {
	return {
		day: typeof doc?.day === 'string' ? doc.day : today,
		created: count(doc?.created),
		locals: Array.isArray(doc?.locals) ? doc.locals.filter((id): id is string => typeof id === 'string') : [],
		photos: count(doc?.photos),
		photoBytes: count(doc?.photoBytes),
	};
}

type Change = (current: object) => object | undefined;
type Read = (doc: StoredDoc | undefined, today: string) => Promise<object> | object;
type Queued = { change: Change; resolve: () => void; reject: (err: unknown) => void };

/** How many of a request's new documents may be written, and why not the rest. */
export type DocsAdmission = {
	allowed: number;
	reason: string | undefined;
	/** After the write: how many new documents the store took (the rest of `allowed` is given back). */
	settle(created: number): Promise<void>;
};

/**
 * New documents of requests judged one after another on one scope and written together (a group
 * commit, decision 0024). Each request is admitted as if those before it were already written:
 * the scope's count moves by what they create and delete, the person's day by what they create.
 * Only for requests under the scope's write lock, so no other admission of the scope overlaps.
 */
export type DocsLedger = {
	/** How many of `creates` new documents `name` may write now, and why not the rest. */
	admit(name: string, creates: number, submitOnly: boolean): Promise<{ allowed: number; reason: string | undefined }>;
	/** What an admitted request will write: new documents, and live documents it deletes. */
	take(name: string, created: number, deleted: number): void;
	/** Before the write: count what was taken in each person's counter (once per person). */
	reserve(): Promise<void>;
	/** After the write: give back what was taken and not written (`created` per person). */
	settle(created: ReadonlyMap<string, number>): Promise<void>;
};

export class QuotaKeeper {
	readonly limits: QuotaLimits;
	readonly #store: DocStore;
	readonly #blobs: BlobStore;
	readonly #now: () => Date;
	/** Changes waiting per counter (`scope` and key); the first in a queue is being applied. */
	readonly #queues = new Map<string, Queued[]>();
	/** New documents admitted per scope whose write has not settled yet (not in `doc_count` yet). */
	readonly #pending = new Map<string, number>();

	constructor(opts: { store: DocStore; blobs: BlobStore; now: () => Date; limits?: QuotaLimits }) {
		this.#store = opts.store;
		this.#blobs = opts.blobs;
		this.#now = opts.now;
		this.limits = opts.limits ?? QUOTAS;
	}

	/** The limit of `scope` in a per-kind table; report scopes are written by the server only. */
	#limit(table: Record<QuotaScopeKind, number>, scope: string): number {
		const kind = scopeKind(scope);
		return kind === 'org' || kind === 'unit' || kind === 'user' ? table[kind] : Number.POSITIVE_INFINITY;
	}

	#today(): string {
		return this.#now().toISOString().slice(0, 10);
	}

	/**
	 * Admit up to `creates` new documents from `name` into `scope`, in request order: as many as
	 * the scope's and the person's room for today allow. Call `settle` once the write is done.
	 */
	async admitDocs(scope: string, name: string, creates: number, submitOnly: boolean): Promise<DocsAdmission> {
		if (creates === 0) return { allowed: 0, reason: undefined, settle: async () => undefined };
		const { doc_count } = await this.#store.info(scope);
		// Reserved at once, with no wait in between, so concurrent requests never share the same room.
		const pending = this.#pending.get(scope) ?? 0;
		const scopeRoom = Math.max(0, this.#limit(this.limits.docs, scope) - doc_count - pending);
		const reserved = Math.min(creates, scopeRoom);
		this.#pending.set(scope, pending + reserved);
		const personLimit = submitOnly ? this.limits.submitOnlyDocsPerPersonDay : this.limits.docsPerPersonDay;
		const today = this.#today();
		let allowed = 0;
		let personRoom = 0;
		try {
			await this.#update(scope, personKey(name), personUsage, (u) => {
				const created = u.day === today ? u.created : 0;
				personRoom = Math.max(0, personLimit - created);
				allowed = Math.min(reserved, personRoom);
				return allowed > 0 ? { ...u, day: today, created: created + allowed } : undefined;
			});
		} catch (err) {
			this.#unpend(scope, reserved);
			throw err;
		}
		this.#unpend(scope, reserved - allowed);
		const reason =
			allowed === creates ? undefined : scopeRoom <= personRoom ? SCOPE_DOCS_QUOTA_REASON : PERSON_DOCS_QUOTA_REASON;
		let settled = false;
		return {
			allowed,
			reason,
			settle: async (created) => {
				if (settled) return;
				settled = true;
				this.#unpend(scope, allowed);
				const unused = allowed - Math.max(0, Math.min(created, allowed));
				if (unused === 0) return;
				// Never fails the write it follows: a counter left a little high is a bound, not an error.
				await this.#update(scope, personKey(name), personUsage, (u) =>
					u.day === today ? { ...u, created: Math.max(0, u.created - unused) } : undefined,
				).catch(() => undefined);
			},
		};
	}

	/** A ledger for a group of requests to `scope` (see `DocsLedger`). */
	docsLedger(scope: string): DocsLedger {
		const today = this.#today();
		const scopeLimit = this.#limit(this.limits.docs, scope);
		let docCount: number | undefined;
		let scopeDelta = 0;
		/** Each person's count of today as stored, read once, and what the group took since. */
		const people = new Map<string, { stored: number; taken: number }>();
		let reserved = new Map<string, number>();
		const person = async (name: string) => {
			let p = people.get(name);
			if (!p) {
				const u = personUsage(await this.#store.getLocal(scope, personKey(name)), today);
				p = { stored: u.day === today ? u.created : 0, taken: 0 };
				people.set(name, p);
			}
			return p;
		};
		return {
			admit: async (name, creates, submitOnly) => {
				if (creates === 0) return { allowed: 0, reason: undefined };
				docCount ??= (await this.#store.info(scope)).doc_count;
				const p = await person(name);
				const scopeRoom = Math.max(0, scopeLimit - docCount - scopeDelta);
				const personLimit = submitOnly ? this.limits.submitOnlyDocsPerPersonDay : this.limits.docsPerPersonDay;
				const personRoom = Math.max(0, personLimit - p.stored - p.taken);
				const allowed = Math.min(creates, scopeRoom, personRoom);
				const reason =
					allowed === creates
						? undefined
						: scopeRoom <= personRoom
							? SCOPE_DOCS_QUOTA_REASON
							: PERSON_DOCS_QUOTA_REASON;
				return { allowed, reason };
			},
			take: (name, created, deleted) => {
				scopeDelta += created - deleted;
				if (created === 0) return;
				const p = people.get(name) ?? { stored: 0, taken: 0 };
				p.taken += created;
				people.set(name, p);
			},
			reserve: async () => {
				const taking = [...people].filter(([, p]) => p.taken > 0);
				const outcomes = await Promise.allSettled(
					taking.map(([name, p]) =>
						this.#update(scope, personKey(name), personUsage, (u) => ({
							...u,
							day: today,
							created: (u.day === today ? u.created : 0) + p.taken,
						})),
					),
				);
				// What was counted is given back by `settle`, also when another counter failed.
				reserved = new Map(taking.filter((_, i) => outcomes[i]?.status === 'fulfilled').map(([n, p]) => [n, p.taken]));
				const failed = outcomes.find((o) => o.status === 'rejected');
				if (failed) throw failed.reason;
			},
			settle: async (created) => {
				const giving = [...reserved].map(([name, n]) => [name, n - Math.min(n, created.get(name) ?? 0)] as const);
				reserved = new Map();
				// Never fails the write it follows: a counter left a little high is a bound, not an error.
				await Promise.all(
					giving
						.filter(([, unused]) => unused > 0)
						.map(([name, unused]) =>
							this.#update(scope, personKey(name), personUsage, (u) =>
								u.day === today ? { ...u, created: Math.max(0, u.created - unused) } : undefined,
							).catch(() => undefined),
						),
				);
			},
		};
	}

	#unpend(scope: string, n: number): void {
		const left = (this.#pending.get(scope) ?? 0) - n;
		if (left > 0) this.#pending.set(scope, left);
		else this.#pending.delete(scope);
	}

	/** Admit a write of `name`'s `_local` document `id` in `scope`: one they keep already, or room for one more. */
	async admitLocal(scope: string, name: string, id: string): Promise<void> {
		const limit = this.limits.localDocsPerPerson;
		await this.#update(scope, personKey(name), personUsage, (u) => {
			if (u.locals.includes(id)) return undefined;
			if (u.locals.length >= limit) throw new AppError('forbidden', LOCAL_DOCS_QUOTA_REASON);
			return { ...u, locals: [...u.locals, id] };
		});
	}

	/**
	 * Admit a new photo of `size` bytes from `name` into `scope` (413 `too_large` past the scope's
	 * or the person's room). Returns what to call once the upload is done: with `stored` false the
	 * room is given back (the bytes were there already, or the upload failed).
	 */
	async admitPhoto(scope: string, name: string, size: number): Promise<(stored: boolean) => Promise<void>> {
		const photos = this.#limit(this.limits.photos, scope);
		const bytes = this.#limit(this.limits.photoBytes, scope);
		await this.#update(scope, SCOPE_KEY, this.#seedScope(scope), (u) => {
			if (u.photos + 1 > photos || u.photoBytes + size > bytes) {
				throw new AppError('too_large', SCOPE_PHOTOS_QUOTA_REASON);
			}
			return { photos: u.photos + 1, photoBytes: u.photoBytes + size };
		});
		const giveBackScope = () =>
			this.#update(scope, SCOPE_KEY, this.#seedScope(scope), (u) => ({
				photos: Math.max(0, u.photos - 1),
				photoBytes: Math.max(0, u.photoBytes - size),
			}));
		try {
			await this.#update(scope, personKey(name), personUsage, (u) => {
				if (u.photos + 1 > this.limits.photosPerPerson || u.photoBytes + size > this.limits.photoBytesPerPerson) {
					throw new AppError('too_large', PERSON_PHOTOS_QUOTA_REASON);
				}
				return { ...u, photos: u.photos + 1, photoBytes: u.photoBytes + size };
			});
		} catch (err) {
			await giveBackScope().catch(() => undefined);
			throw err;
		}
		let settled = false;
		return async (stored) => {
			if (settled || stored) return;
			settled = true;
			// Never fails the upload it follows: a counter left a little high is a bound, not an error.
			await giveBackScope().catch(() => undefined);
			await this.#update(scope, personKey(name), personUsage, (u) => ({
				...u,
				photos: Math.max(0, u.photos - 1),
				photoBytes: Math.max(0, u.photoBytes - size),
			})).catch(() => undefined);
		};
	}

	/** The scope's photo counter when it has none yet: every blob it holds, counted once. */
	#seedScope(scope: string): (doc: StoredDoc | undefined) => Promise<ScopeUsage> | ScopeUsage {
		return async (doc) => {
			if (doc) return { photos: count(doc.photos), photoBytes: count(doc.photoBytes) };
			const usage = await this.#blobs.usage(scope);
			return { photos: usage.count, photoBytes: usage.bytes };
		};
	}

	/**
	 * Read-modify-write one counter: `change` gets the current value and returns the next one, or
	 * undefined to leave it, or throws to refuse (only its own caller hears of it). Changes of one
	 * counter never overlap: while one read-and-write is under way, the changes that arrive wait
	 * and are then applied together, in order, in one read and one write. So fifty uploads at once
	 * cost about two writes of the counter, not fifty one after another. Another server writing in
	 * between (a store conflict) makes the batch read again and apply its changes anew.
	 */
	#update<T extends object>(
		scope: string,
		key: string,
		read: (doc: StoredDoc | undefined, today: string) => Promise<T> | T,
		change: (current: T) => T | undefined,
	): Promise<void> {
		const id = `${scope}\u0000${key}`;
		return new Promise<void>((resolve, reject) => {
			let queue = this.#queues.get(id);
			if (!queue) {
				queue = [];
				this.#queues.set(id, queue);
			}
			queue.push({ change: change as Change, resolve, reject });
			if (queue.length === 1) void this.#drain(id, scope, key, read as Read);
		});
	}

	/** Apply the queued changes of one counter, a batch at a time, until none are left. */
	async #drain(id: string, scope: string, key: string, read: Read): Promise<void> {
		const queue = this.#queues.get(id) as Queued[];
		while (queue.length > 0) {
			const batch = queue.slice();
			let outcomes: (unknown | undefined)[] = [];
			try {
				for (let attempt = 0; ; attempt++) {
					const doc = await this.#store.getLocal(scope, key);
					let value = await read(doc, this.#today());
					let changed = false;
					outcomes = batch.map((item) => {
						try {
							const next = item.change(value);
							if (next) {
								value = next;
								changed = true;
							}
							return undefined;
						} catch (err) {
							return err ?? new Error('refused');
						}
					});
					if (!changed) break;
					try {
						await this.#store.putLocal(scope, key, { ...value, ...(doc?._rev ? { _rev: doc._rev } : {}) });
						break;
					} catch (err) {
						if (!(err instanceof AppError && err.code === 'conflict') || attempt >= 4) throw err;
					}
				}
				batch.forEach((item, i) => (outcomes[i] === undefined ? item.resolve() : item.reject(outcomes[i])));
			} catch (err) {
				for (const item of batch) item.reject(err);
			}
			queue.splice(0, batch.length);
		}
		this.#queues.delete(id);
	}
}
