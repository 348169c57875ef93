/**
 * Keeps the `stats:<unitId>` report documents current (issue 14 item 1, decision 0034).
 *
 * Follows the changes feed of every unit scope of the org tree and of `org` (units, template
 * kinds, risk bands), keeping only compact records in memory (report-figures.ts) and, per scope,
 * a `_local` checkpoint of those records and the last sequence, so a restart reads only what
 * changed since. After a catch-up it recomputes the own figures of the units whose records
 * changed, the subtree figures of those units and their ancestors by adding children's subtrees
 * (never reading another scope again), and writes the documents with ReportWriter into
 * `reports` and `reports-<unitId>` (only what changed is written).
 *
 * Runs in the background: a write to a unit scope (seen by `notifyWrites`) schedules a catch-up
 * of that scope after a short pause, so a burst of writes costs one pass, and the write's answer
 * never waits. The `now` figures depend on the Swedish day: a timer checks the day and, when it
 * changed, recomputes every unit from memory. Passes never overlap (`CatchUp`); `idle()` waits
 * until everything written before the call is reflected.
 */
import {
	AppError,
	idKey,
	idType,
	reportsScope,
	riskBandsSchema,
	unitScope,
	type RiskBands,
	type TemplateKind,
} from '../../../src/lib/domain/index.ts';
import { RISK_SETTINGS_ID, TEMPLATE_KINDS } from '../../../src/lib/domain/schemas.ts';
import { statsId, type Figures, type StatsWire } from '../../../src/lib/domain/reports.ts';
import {
	addFigures,
	cut,
	dayOfId,
	unitFigures,
	type ActionRecord,
	type AssessmentRecord,
	type FindingRecord,
	type FollowUpRecord,
	type RequestRecord,
	type RoundRecord,
	type UnitFigures,
	type UnitRecords,
	type WorkstopRecord,
} from '../../../src/lib/domain/report-figures.ts';
import { swedishDay } from '../../../src/lib/domain/surveys.ts';
import { CatchUp } from '../indexes/catch-up.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';
import { ReportWriter, type ReportBody } from './report-writer.ts';

/** Changes read per request to the store while catching up. */
export const STATS_PAGE = 1000;
/** Where a scope's records are saved (a `_local` key without `~`: no key of the `_local` route). */
export const STATS_CHECKPOINT = 'index.unit-stats';
/** The pause after a write before its scope is caught up: a burst of writes makes one pass. */
export const STATS_DEBOUNCE_MS = 200;
/** The pause after the start before the first catch-up: a server closed at once (a test, a failed start) reads nothing. */
export const STATS_START_DELAY_MS = 1000;
/** How often the Swedish day is checked. */
export const DAY_CHECK_MS = 60_000;
/** Unit scopes caught up at once. */
const PARALLEL = 4;
const RECORD_TYPES = ['round', 'finding', 'assessment', 'action', 'request', 'workstop', 'followup'] as const;
type RecordType = (typeof RECORD_TYPES)[number];
const ORG_TYPES = ['unit', 'template', 'settings'];

type Records = { [T in RecordType]: Map<string, Record<string, unknown>> };
type Feed = { since: string | undefined; loaded: boolean; rev?: string };
type ScopeState = Feed & { records: Records };
type OrgUnit = { name: string; parentId: string | null };
type OrgState = Feed & { units: Map<string, OrgUnit>; kinds: Map<string, TemplateKind>; bands: RiskBands | undefined };

function emptyRecords(): Records {
	return Object.fromEntries(RECORD_TYPES.map((t) => [t, new Map()])) as Records;
}

function day(iso: unknown): string {
	return swedishDay(new Date(String(iso)));
}

/** The compact record of a unit document, or undefined when it counts for nothing. */
export function toRecord(doc: StoredDoc): Record<string, unknown> | undefined {
	const id = doc._id;
	switch (idType(id)) {
		case 'round':
			return {
				id,
				templateId: String(doc.templateId),
				date: String(doc.date),
				status: String(doc.status),
			} satisfies RoundRecord;
		case 'finding':
			return {
				id,
				category: doc.category,
				status: doc.status,
				foundOn: day(doc.createdAt),
				title: cut(String(doc.title)),
			} as FindingRecord;
		case 'assessment':
			return {
				id,
				findingId: String(doc.findingId),
				stamp: String(doc.stamp),
				probability: Number(doc.probability),
				consequence: Number(doc.consequence),
				serious: doc.serious === true,
			} satisfies AssessmentRecord;
		case 'action':
			return {
				id,
				...(typeof doc.findingId === 'string' ? { findingId: doc.findingId } : {}),
				status: doc.status,
				due: doc.due ?? null,
				done: doc.done ?? null,
				...(typeof doc.effective === 'boolean' ? { effective: doc.effective } : {}),
				createdOn: dayOfId(id) ?? day(doc.createdAt),
				// Effect checked is the last status: the save that made it is the check.
				...(doc.status === 'effect_checked' ? { checkedOn: day(doc.updatedAt) } : {}),
				text: cut(String(doc.plannedAction)),
			} as ActionRecord;
		case 'request':
			return {
				id,
				filedOn: day(doc.filedAt),
				replyBy: String(doc.replyBy),
				answered: doc.answer !== undefined,
			} satisfies RequestRecord;
		case 'workstop': {
			const outcome = doc.outcome as { resumedAt?: string | null } | undefined;
			return { id, stoppedOn: day(doc.stoppedAt), resumed: Boolean(outcome?.resumedAt) } satisfies WorkstopRecord;
		}
		case 'followup':
			return {
				id,
				year: Number(doc.year),
				signed: doc.managerSignature !== undefined && doc.safetyRepSignature !== undefined,
			} satisfies FollowUpRecord;
		default:
			return undefined;
	}
}

/**
 * The store, telling `onWrite` the scope of every write that reached it (after it did): how the
 * report job hears of accepted writes from every route (`_bulk_docs`, signing, the seed) without
 * the routes knowing of it.
 */
export function notifyWrites(store: DocStore, onWrite: (scope: string) => void): DocStore {
	return new Proxy(store, {
		get(target, prop, receiver) {
			if (prop === 'bulkDocs') {
				return async (scope: string, docs: StoredDoc[]) => {
					const results = await target.bulkDocs(scope, docs);
					if (results.some((r) => 'rev' in r)) onWrite(scope);
					return results;
				};
			}
			const value: unknown = Reflect.get(target, prop, receiver);
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
		},
	});
}

export class UnitStats {
	readonly #store: DocStore;
	readonly #now: () => Date;
	readonly #writer: ReportWriter;
	readonly #debounceMs: number;
	readonly #org: OrgState = { since: undefined, loaded: false, units: new Map(), kinds: new Map(), bands: undefined };
	readonly #scopes = new Map<string, ScopeState>();
	/** Unit scopes (by unit id) and `org` with writes not yet read. */
	readonly #pending = new Set<string>();
	#orgPending = false;
	/** Units gone from the org whose stats are still to be deleted. */
	readonly #removed = new Set<string>();
	/** Units whose own figures must be recomputed and whose documents written. */
	readonly #dirty = new Set<string>();
	readonly #own = new Map<string, UnitFigures>();
	readonly #subtree = new Map<string, Figures>();
	#asOf: string | undefined;
	readonly #pass: CatchUp;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#dayTimer: ReturnType<typeof setInterval> | undefined;
	#sweepTimer: ReturnType<typeof setInterval> | undefined;
	readonly #sweepMs: number | undefined;
	#closed = false;
	#started = false;
	#running: Promise<void> | undefined;

	readonly #onError: ((err: unknown) => void) | undefined;

	/**
	 * `onError`: a background pass failed (its work stays pending for the next trigger); for the log.
	 * `sweepMs`: also re-read every scope from its checkpoint this often, for servers that share one
	 * CouchDB and so do not hear each other's writes (a scope with nothing new costs one `_changes`).
	 */
	constructor(opts: {
		store: DocStore;
		now: () => Date;
		debounceMs?: number;
		sweepMs?: number;
		onError?: (err: unknown) => void;
	}) {
		this.#onError = opts.onError;
		this.#sweepMs = opts.sweepMs;
		this.#store = opts.store;
		this.#now = opts.now;
		this.#writer = new ReportWriter(opts.store, opts.now);
		this.#debounceMs = opts.debounceMs ?? STATS_DEBOUNCE_MS;
		this.#pass = new CatchUp(() => this.#runPass());
	}

	/** Catch up every unit scope of the org tree (in the background), and start the day timer. */
	start(dayCheckMs = DAY_CHECK_MS, delayMs = STATS_START_DELAY_MS): void {
		this.#started = true;
		this.#orgPending = true;
		this.#schedule(delayMs);
		this.#dayTimer = setInterval(() => this.#kick(), dayCheckMs);
		this.#dayTimer.unref();
		if (this.#sweepMs) {
			this.#sweepTimer = setInterval(() => this.sweep(), this.#sweepMs);
			this.#sweepTimer.unref();
		}
	}

	/** Catch up `org` and every unit scope from their checkpoints: writes this process did not hear of. */
	sweep(): void {
		if (this.#closed || !this.#started) return;
		this.#orgPending = true;
		for (const unitId of this.#org.units.keys()) this.#pending.add(unitId);
		this.#schedule(0);
	}

	/** A write reached `scope`: catch it up soon (unit scopes and `org`; others are not followed). */
	touched(scope: string): void {
		// Before the start (migrations, the seed) there is nothing to follow yet: the start reads it all.
		if (this.#closed || !this.#started) return;
		if (scope === 'org') this.#orgPending = true;
		else if (scope.startsWith('unit-')) this.#pending.add(scope.slice('unit-'.length));
		else return;
		this.#schedule(this.#debounceMs);
	}

	/**
	 * Resolves when every write made before this call (and a change of day) is reflected in the
	 * report documents; rejects when that pass failed.
	 */
	async idle(): Promise<void> {
		if (this.#timer) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}
		await this.#refresh();
	}

	/** Stop following; waits for a pass under way (its failure is no concern of closing). */
	async close(): Promise<void> {
		this.#closed = true;
		if (this.#timer) clearTimeout(this.#timer);
		if (this.#dayTimer) clearInterval(this.#dayTimer);
		if (this.#sweepTimer) clearInterval(this.#sweepTimer);
		this.#timer = this.#dayTimer = this.#sweepTimer = undefined;
		await this.#running?.catch(() => undefined);
	}

	#schedule(ms: number): void {
		if (this.#timer || this.#closed) return;
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#kick();
		}, ms);
	}

	/** A pass in the background: a failure leaves its work pending for the next trigger. */
	#kick(): void {
		if (this.#closed) return;
		this.#refresh().catch((err: unknown) => {
			if (!this.#closed) this.#onError?.(err);
		});
	}

	#refresh(): Promise<void> {
		const run = this.#pass.refresh();
		this.#running = run;
		return run;
	}

	async #runPass(): Promise<void> {
		if (this.#closed) return;
		const asOf = swedishDay(this.#now());
		if (asOf !== this.#asOf) {
			// The `now` figures hold for one day: recompute every unit (from memory).
			for (const unitId of this.#org.units.keys()) this.#dirty.add(unitId);
			this.#asOf = asOf;
		}
		if (this.#orgPending) {
			this.#orgPending = false;
			try {
				await this.#catchUpOrg();
			} catch (err) {
				this.#orgPending = true;
				throw err;
			}
		}
		const scopes = [...this.#pending].filter((u) => this.#org.units.has(u));
		this.#pending.clear();
		try {
			for (let i = 0; i < scopes.length && !this.#closed; i += PARALLEL) {
				await Promise.all(scopes.slice(i, i + PARALLEL).map((u) => this.#catchUpUnit(u)));
			}
		} catch (err) {
			for (const u of scopes) this.#pending.add(u);
			throw err;
		}
		if (this.#dirty.size > 0 && !this.#closed) await this.#recompute(asOf);
		if (this.#removed.size > 0 && !this.#closed) await this.#removeGone();
	}

	/**
	 * A unit left the org: its stats go from `reports` and its own report scope, so no view shows a
	 * unit that is not there. The list is in the org checkpoint, so a restart finishes the job.
	 */
	async #removeGone(): Promise<void> {
		for (const id of [...this.#removed]) {
			if (this.#closed) return;
			await this.#writer.remove('reports', [statsId(id)]);
			await this.#writer.remove(reportsScope(id), [statsId(id)]);
			this.#removed.delete(id);
		}
	}

	async #catchUpOrg(): Promise<void> {
		const org = this.#org;
		if (!org.loaded) {
			const saved = await this.#store.getLocal('org', STATS_CHECKPOINT);
			org.loaded = true;
			if (saved && typeof saved.since === 'string') {
				org.since = saved.since;
				for (const [id, u] of Object.entries((saved.units ?? {}) as Record<string, OrgUnit>)) org.units.set(id, u);
				for (const [id, k] of Object.entries((saved.kinds ?? {}) as Record<string, TemplateKind>)) org.kinds.set(id, k);
				if (Array.isArray(saved.removed)) for (const id of saved.removed as string[]) this.#removed.add(id);
				const bands = riskBandsSchema.safeParse(saved.bands);
				if (bands.success) org.bands = bands.data;
			}
			if (typeof saved?._rev === 'string') org.rev = saved._rev;
			// A first start: every unit's scope is read.
			for (const id of org.units.keys()) this.#pending.add(id);
		}
		const before = new Map(org.units);
		const kindsBefore = JSON.stringify([...org.kinds].sort());
		const bandsBefore = JSON.stringify(org.bands);
		const read = await this.#follow(
			'org',
			org,
			ORG_TYPES,
			(id, doc) => {
				const type = idType(id);
				if (type === 'unit') {
					if (doc) {
						const parent = doc.parentId;
						org.units.set(idKey(id), {
							name: String(doc.name),
							parentId: typeof parent === 'string' ? idKey(parent) : null,
						});
					} else org.units.delete(idKey(id));
				} else if (type === 'template') {
					if (doc && (TEMPLATE_KINDS as readonly unknown[]).includes(doc.kind))
						org.kinds.set(id, doc.kind as TemplateKind);
					else org.kinds.delete(id);
				} else if (id === RISK_SETTINGS_ID) {
					const bands = riskBandsSchema.safeParse(doc?.bands);
					org.bands = bands.success ? bands.data : undefined;
				}
			},
			() => {
				org.units.clear();
				org.kinds.clear();
				org.bands = undefined;
			},
		);
		if (read === 0) return;
		if (JSON.stringify([...org.kinds].sort()) !== kindsBefore || JSON.stringify(org.bands) !== bandsBefore) {
			for (const id of org.units.keys()) this.#dirty.add(id);
		}
		// Changed, added and removed units: themselves, and their old and new parents (a parent's
		// workplace flag depends on its children). Ancestors follow in #recompute.
		for (const id of new Set([...before.keys(), ...org.units.keys()])) {
			const a = before.get(id);
			const b = org.units.get(id);
			if (a && b && a.name === b.name && a.parentId === b.parentId) continue;
			if (b) this.#dirty.add(id);
			if (!a && b) this.#pending.add(id);
			for (const parent of [a?.parentId, b?.parentId]) if (parent && org.units.has(parent)) this.#dirty.add(parent);
			if (!b) {
				this.#own.delete(id);
				this.#subtree.delete(id);
				this.#removed.add(id);
			} else this.#removed.delete(id);
		}
		await this.#save('org', org, {
			units: Object.fromEntries(org.units),
			kinds: Object.fromEntries(org.kinds),
			bands: org.bands ?? null,
			removed: [...this.#removed],
		});
	}

	async #catchUpUnit(unitId: string): Promise<void> {
		const scope = unitScope(unitId);
		let state = this.#scopes.get(unitId);
		if (!state) {
			state = { since: undefined, loaded: false, records: emptyRecords() };
			this.#scopes.set(unitId, state);
		}
		const s = state;
		if (!s.loaded) {
			const saved = await this.#store.getLocal(scope, STATS_CHECKPOINT);
			s.loaded = true;
			if (typeof saved?._rev === 'string') s.rev = saved._rev;
			if (saved && typeof saved.since === 'string' && typeof saved.records === 'object' && saved.records) {
				s.since = saved.since;
				const records = saved.records as Record<string, unknown>;
				for (const t of RECORD_TYPES) {
					const list = records[t];
					if (Array.isArray(list)) for (const r of list as { id: string }[]) s.records[t].set(r.id, r);
				}
			}
			// Figures from the saved records, even if nothing changed since.
			this.#dirty.add(unitId);
		}
		const read = await this.#follow(
			scope,
			s,
			RECORD_TYPES,
			(id, doc) => {
				const type = idType(id) as RecordType;
				const record = doc ? toRecord(doc) : undefined;
				if (record) s.records[type].set(id, record);
				else s.records[type].delete(id);
			},
			() => {
				s.records = emptyRecords();
			},
		);
		if (read === 0) return;
		this.#dirty.add(unitId);
		await this.#save(
			scope,
			s,
			Object.fromEntries([['records', Object.fromEntries(RECORD_TYPES.map((t) => [t, [...s.records[t].values()]]))]]),
		);
	}

	/**
	 * Read `scope`'s changes since `feed.since` in pages, with their bodies, and hand each of the
	 * `types` that matter to `apply` (undefined for a deletion). A sequence the store no
	 * longer knows (rebuilt, restored) starts afresh after `reset`. Returns the rows read.
	 */
	async #follow(
		scope: string,
		feed: Feed,
		types: readonly string[],
		apply: (id: string, doc: StoredDoc | undefined) => void,
		reset: () => void,
	): Promise<number> {
		try {
			return await this.#readPages(scope, feed, types, apply);
		} catch (err) {
			if (!(err instanceof AppError && err.code === 'bad_request') || feed.since === undefined) throw err;
			feed.since = undefined;
			reset();
			return (await this.#readPages(scope, feed, types, apply)) + 1;
		}
	}

	async #readPages(
		scope: string,
		feed: Feed,
		types: readonly string[],
		apply: (id: string, doc: StoredDoc | undefined) => void,
	): Promise<number> {
		let read = 0;
		for (;;) {
			// Bodies come with the changes: the embedded store reads them from the same place anyway,
			// and a second read by id cost every new document two more lookups (decision 0042).
			const page = await this.#store.changes(scope, {
				...(feed.since !== undefined ? { since: feed.since } : {}),
				limit: STATS_PAGE,
				includeDocs: true,
			});
			for (const row of page.results) {
				if (!types.includes(idType(row.id) ?? '')) continue;
				apply(row.id, row.deleted || !row.doc || row.doc._deleted === true ? undefined : row.doc);
			}
			feed.since = page.last_seq;
			read += page.results.length;
			if (page.results.length < STATS_PAGE) return read;
		}
	}

	/** Save a feed's checkpoint; a failure only means the next start reads more. */
	async #save(scope: string, feed: Feed, body: Record<string, unknown>): Promise<void> {
		for (let attempt = 0; attempt < 2; attempt++) {
			try {
				const res = await this.#store.putLocal(scope, STATS_CHECKPOINT, {
					...body,
					since: feed.since,
					...(feed.rev ? { _rev: feed.rev } : {}),
				});
				feed.rev = res.rev;
				return;
			} catch {
				const current = await this.#store.getLocal(scope, STATS_CHECKPOINT).catch(() => undefined);
				if (typeof current?._rev === 'string') feed.rev = current._rev;
				else delete feed.rev;
			}
		}
	}

	/** Recompute the dirty units, then the subtrees of them and their ancestors, and write them. */
	async #recompute(asOf: string): Promise<void> {
		const units = this.#org.units;
		const children = new Map<string, string[]>();
		for (const [id, u] of units) {
			if (u.parentId === null || !units.has(u.parentId)) continue;
			children.set(u.parentId, [...(children.get(u.parentId) ?? []), id]);
		}
		const dirty = [...this.#dirty].filter((id) => units.has(id));
		const kindOf = (templateId: string): TemplateKind | undefined => this.#org.kinds.get(templateId);
		for (const id of dirty) {
			const records = this.#scopes.get(id)?.records ?? emptyRecords();
			const list = (t: RecordType) => [...records[t].values()];
			const unitRecords = {
				rounds: list('round'),
				findings: list('finding'),
				assessments: list('assessment'),
				actions: list('action'),
				requests: list('request'),
				workstops: list('workstop'),
				followUps: list('followup'),
			} as unknown as UnitRecords;
			this.#own.set(
				id,
				unitFigures(unitRecords, {
					asOf,
					kindOf,
					...(this.#org.bands ? { bands: this.#org.bands } : {}),
					workplace: !children.has(id),
				}),
			);
		}
		// The dirty units and every ancestor (once, even on a cycle).
		const affected = new Set<string>();
		for (const id of dirty) {
			for (let at: string | null | undefined = id; at && units.has(at) && !affected.has(at);) {
				affected.add(at);
				at = units.get(at)?.parentId;
			}
		}
		for (const id of affected) this.#subtree.delete(id);
		const subtreeOf = (id: string, path: Set<string>): Figures => {
			const known = this.#subtree.get(id);
			if (known) return known;
			const own = this.#ownOf(id, asOf, kindOf, !children.has(id)).own;
			path.add(id);
			let sum = own;
			for (const child of children.get(id) ?? []) if (!path.has(child)) sum = addFigures(sum, subtreeOf(child, path));
			path.delete(id);
			this.#subtree.set(id, sum);
			return sum;
		};
		const bodies: ReportBody[] = [];
		for (const id of affected) {
			const unit = units.get(id) as OrgUnit;
			const own = this.#ownOf(id, asOf, kindOf, !children.has(id));
			const doc: Omit<StatsWire, 'scope' | 'createdAt' | 'updatedAt' | '_rev'> = {
				_id: statsId(id),
				type: 'stats',
				unitId: id,
				parentId: unit.parentId !== null && units.has(unit.parentId) ? unit.parentId : null,
				name: unit.name.slice(0, 200),
				asOf,
				own: own.own,
				// A unit with none below: its subtree is itself, left out (what HR syncs stays small).
				...(children.has(id) ? { subtree: subtreeOf(id, new Set()) } : {}),
				serious: own.serious,
				overdueKinds: own.overdueKinds,
			};
			bodies.push(doc as ReportBody);
		}
		await this.#writer.write('reports', bodies);
		for (const body of bodies) {
			if (this.#closed) return; // the units stay dirty: the next start writes them
			await this.#writer.write(reportsScope(String(body.unitId)), [body]);
		}
		for (const id of dirty) this.#dirty.delete(id);
	}

	/** A unit's own figures: computed this pass, or kept from an earlier one (computed when missing). */
	#ownOf(id: string, asOf: string, kindOf: (t: string) => TemplateKind | undefined, workplace: boolean): UnitFigures {
		const known = this.#own.get(id);
		if (known) return known;
		// A unit never computed (no scope read yet): its figures from no records.
		const empty = unitFigures(
			{ rounds: [], findings: [], assessments: [], actions: [], requests: [], workstops: [], followUps: [] },
			{ asOf, kindOf, ...(this.#org.bands ? { bands: this.#org.bands } : {}), workplace },
		);
		this.#own.set(id, empty);
		return empty;
	}
}
