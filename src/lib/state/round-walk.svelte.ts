/**
 * Walking a round, for the round page: its documents read live from the device, the round's
 * current state (domain `round-state`), and the commands that record what is entered. Every
 * change is saved on the device at once (no save button): a choice is written immediately, text
 * is written after a short pause and at once when the field is left or the page is hidden, so a
 * reload, a crash or a dead battery loses nothing but the last moment of typing.
 * Writes go one after another, each reading the latest stored state first, so a quick click
 * after typing never overwrites the text. It never writes an answer or assessment twice: both are
 * append-only documents (decision 0005).
 */
import {
	AppError,
	assessmentsByFinding,
	byId,
	canSign,
	currentAnswers,
	currentRisk,
	earlierOpenFindings,
	findingAfterAnswer,
	findingIdForItem,
	followUpFindingId,
	newId,
	riskHistory,
	roundFindings,
	roundItems,
	roundProgress,
	type AnswerDoc,
	type AnswerValue,
	type AssessmentDoc,
	type FindingDoc,
	type FollowUp,
	type ItemAnswers,
	type LiveDoc,
	type PhotoRef,
	type RiskAssessment,
	type RoundDoc,
	type RoundItem,
} from '../domain/index.ts';
import { maxStamp } from '../domain/hlc.ts';
import {
	EMPTY_ROUND_BUNDLE,
	getDoc,
	liveOtherRoundsFindings,
	liveRoundBundle,
	liveScopeRounds,
	type OtherFindings,
	type RoundBundle,
	type SaveOptions,
} from '../db/docs-repo.ts';
import { untrack } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { t } from '../i18n/i18n.svelte.ts';
import { KeyedState } from './keyed-state.svelte.ts';
import { Autosave, AUTOSAVE_DELAY_MS, type PageEvents } from './autosave.svelte.ts';
import { nowIso, recordNow } from './clock.ts';
import type { Collaborators } from './collaborators.ts';
import { Live } from './live.svelte.ts';
import { perfMeasure, perfNow } from './perf.ts';
import type { PhotoTarget } from './photos.svelte.ts';

/** How long typing may pause before the text is saved. */
export const TEXT_SAVE_DELAY_MS = AUTOSAVE_DELAY_MS;
/**
 * How long an answer choice waits before it is written: arrow keys move through Ja, Delvis, Nej
 * one by one, and passing Delvis on the way to Nej must not record Delvis (and make a finding).
 * The choice shows at once; leaving the group or hiding the page writes it at once.
 */
export const CHOICE_SAVE_DELAY_MS = 400;

/** What an answer document holds about its item, apart from bookkeeping. */
export type AnswerFields = Pick<AnswerDoc, 'value' | 'comment' | 'fixedOnSite' | 'fixedNote' | 'photos'>;
type AnswerText = 'comment' | 'fixedNote';
type FindingText = 'title' | 'description' | 'location';

/** The same answer documents (append-only, so the same ids mean the same content). */
function sameAnswers(a: ItemAnswers, b: ItemAnswers): boolean {
	return (
		a.current._id === b.current._id &&
		a.history.length === b.history.length &&
		a.history.every((doc, i) => doc._id === b.history[i]?._id)
	);
}

const blank = (): AnswerFields => ({ value: null, comment: '', fixedOnSite: false, fixedNote: '', photos: [] });

export class RoundWalk {
	readonly roundId: string;
	readonly #with: Collaborators;
	readonly #live: Live<RoundBundle> | null;
	/**
	 * Unsaved text and choices, keyed `answer|itemId|field` or `finding|id|field`: the one autosave
	 * of every form. A write that is not stored is also kept in localStorage when the page is hidden
	 * or left (the browser aborts a device transaction still running when the page goes: a reload
	 * right after leaving a field lost the text in 2 of 6 tries), shown again and saved when the
	 * round is next opened.
	 */
	readonly drafts: Autosave;
	/** An unsaved risk choice per finding (saved after a pause, or when the matrix is left). */
	readonly riskDrafts = new KeyedState<Partial<RiskAssessment>>();
	readonly #timers: Record<string, unknown> = {};
	#queue: Promise<unknown> = Promise.resolve();
	/** The last error of a background write, for the page to show. */
	error = $state<unknown>(null);

	constructor(roundId: string, collaborators: Collaborators) {
		this.roundId = roundId;
		this.#with = collaborators;
		const { db } = collaborators;
		this.#live = db ? new Live(liveRoundBundle(db, roundId), EMPTY_ROUND_BUNDLE) : null;
		this.drafts = new Autosave({
			save: (key) => this.#saveDraft(key),
			// Not tracked: the page makes its walk in a `$derived`, and the session check replaces the
			// person, which would make the page a new walk (and draw everything again).
			backupKey: () => `trygg.unsaved.${untrack(() => collaborators.person()?.name) ?? ''}|${roundId}`,
			storage: collaborators.storage,
			timers: collaborators.timers,
			flushOthers: () => this.#flushRisks(),
		});
	}

	/** Store a draft: an item's answer (with all its drafts) or a finding's field. Fails with the write. */
	#saveDraft(key: string): Promise<unknown> {
		const [kind, id, field] = key.split('|') as [string, string, string];
		return kind === 'answer' ? this.#writeWithDrafts(id, {}, true) : this.#saveFinding(id, field as FindingText);
	}

	/**
	 * Show again and save what was kept when the round page last went away. The round page calls
	 * this once the round is read (other pages that read a round leave the backup alone).
	 */
	saveRestored(): Promise<unknown> {
		this.drafts.restore();
		return Promise.resolve();
	}

	/**
	 * The round's own documents, and the findings and assessments of the unit's other rounds: read
	 * apart, so an answer re-reads only the round's own documents.
	 */
	readonly bundle = $derived.by((): RoundBundle => {
		const own = this.#live?.current ?? EMPTY_ROUND_BUNDLE;
		const other = this.#other?.current;
		if (!other || (other.findings.length === 0 && other.assessments.length === 0)) return own;
		return {
			...own,
			findings: [...other.findings, ...own.findings],
			assessments: [...other.assessments, ...own.assessments],
		};
	});
	get loaded(): boolean {
		return this.#live?.loaded ?? false;
	}

	readonly #scope = $derived.by(() => this.#live?.current?.round?.scope);
	readonly #other = $derived.by(() =>
		this.#scope && this.#with.db
			? new Live<OtherFindings>(liveOtherRoundsFindings(this.#with.db, this.#scope, this.roundId), {
					findings: [],
					assessments: [],
				})
			: null,
	);
	readonly round = $derived(this.bundle.round);
	/** The unit's rounds, read apart from the bundle (an answer never re-reads hundreds of rounds). */
	readonly #unitRounds = $derived.by(() =>
		this.#scope && this.#with.db ? new Live<RoundDoc[]>(liveScopeRounds(this.#with.db, this.#scope), []) : null,
	);
	readonly template = $derived(this.bundle.template);
	/*
	 * Every write re-reads the bundle, so every document arrives as a new object. Items and answers
	 * that did not change keep the very same object, so only the part of the page that changed is
	 * drawn again (an answer on a 60-item round must not redraw 60 items and reload their photos).
	 */
	#itemsOf: { key: string; items: RoundItem[] } | undefined;
	/** The last answer this page wrote per item (committed), and the ids the live query has read back. */
	readonly #written = new SvelteMap<string, AnswerDoc>();
	// Not reactive on purpose: only `answers` writes and reads it, while it is computed.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly #readBack = new Set<string>();
	#answersBefore: ReadonlyMap<string, ItemAnswers> | undefined;
	readonly items = $derived.by(() => {
		const template = this.template;
		if (!template) return [];
		const key = `${template._id}|${template._rev ?? ''}|${template.updatedAt}`;
		if (this.#itemsOf?.key !== key) this.#itemsOf = { key, items: roundItems(template) };
		return this.#itemsOf.items;
	});
	readonly answers = $derived.by(() => {
		const stored = this.bundle.answers;
		// An answer this page just wrote shows once its transaction is committed, before the live
		// query has read it back; once read back (or later discarded) the store alone decides.
		const pending: AnswerDoc[] = [];
		for (const a of this.#written.values()) {
			if (this.#readBack.has(a._id)) continue;
			if (stored.some((s) => s._id === a._id)) this.#readBack.add(a._id);
			else pending.push(a);
		}
		const next = currentAnswers(pending.length > 0 ? [...stored, ...pending] : stored);
		for (const [itemId, entry] of next) {
			const before = this.#answersBefore?.get(itemId);
			if (before && sameAnswers(before, entry)) next.set(itemId, before);
		}
		this.#answersBefore = next;
		return next;
	});
	readonly progress = $derived(
		this.template ? roundProgress(this.template, this.answers) : { answered: 0, total: 0, unanswered: [] },
	);
	readonly #findingsById = $derived(byId(this.bundle.findings));
	// A residual risk (after an action's effect check) is not part of any round: the round's risk is
	// its own assessments; residual ones are shown beside them (decision 0008).
	readonly #assessments = $derived(assessmentsByFinding(this.bundle.assessments.filter((a) => a.kind !== 'residual')));
	readonly #residual = $derived(assessmentsByFinding(this.bundle.assessments.filter((a) => a.kind === 'residual')));
	/** The round's findings (not withdrawn), items' findings in walking order, then the rest by creation. */
	readonly findings = $derived.by(() => {
		const numberOf = (itemId: string) => this.items.find((i) => i.item.id === itemId)?.number ?? 999;
		const rank = (f: FindingDoc) => (f.itemId !== undefined ? numberOf(f.itemId) : 1000);
		return roundFindings(this.roundId, this.bundle.findings).sort(
			(a, b) => rank(a) - rank(b) || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0),
		);
	});
	readonly withdrawn = $derived(
		this.bundle.findings.filter((f) => f.roundId === this.roundId && f.status === 'withdrawn'),
	);
	readonly earlier = $derived(
		this.round ? earlierOpenFindings(this.round, this.#unitRounds?.current ?? [], this.bundle.findings) : [],
	);
	readonly signCheck = $derived(
		this.round && this.template
			? canSign(this.round, this.bundle.answers, this.bundle.findings, this.template, this.bundle.assessments)
			: null,
	);

	/** The finding an item's Delvis/Nej made, if any (withdrawn ones too). */
	findingOfItem(itemId: string): FindingDoc | undefined {
		return this.bundle.findings.find((f) => f.roundId === this.roundId && f.itemId === itemId);
	}

	risk(finding: FindingDoc): AssessmentDoc | undefined {
		return currentRisk(finding, this.#findingsById, this.#assessments);
	}

	riskHistory(finding: FindingDoc): AssessmentDoc[] {
		return riskHistory(finding, this.#findingsById, this.#assessments);
	}

	/** Residual risks of a finding recorded after its actions' effect checks, newest first. */
	residualRisks(finding: FindingDoc): AssessmentDoc[] {
		return this.#residual.get(finding._id) ?? [];
	}

	/** The text shown in a field: what is being typed, else what is stored. */
	answerText(itemId: string, field: AnswerText): string {
		return this.drafts.get(`answer|${itemId}|${field}`) ?? this.answers.get(itemId)?.current[field] ?? '';
	}

	findingText(finding: FindingDoc, field: FindingText): string {
		return this.drafts.get(`finding|${finding._id}|${field}`) ?? finding[field];
	}

	/** Run writes one after another; a failure is kept for the page and does not stop later writes. */
	#enqueue<T>(write: () => Promise<T>): Promise<T | undefined> {
		return this.#run(write).catch(() => undefined);
	}

	/** Like `#enqueue`, but the returned promise fails with the write (so a draft stays). */
	#run<T>(write: () => Promise<T>): Promise<T> {
		// With nothing queued the write starts now, so the device database works on it while the page
		// draws the choice (a `then` would wait for that drawing first).
		const run = this.#busy === 0 ? write() : this.#queue.then(write);
		this.#busy++;
		const settled = run.finally(() => this.#busy--);
		this.#queue = settled.catch((err: unknown) => {
			this.error = err;
		});
		return settled;
	}
	#busy = 0;

	#me(): { name: string; displayName: string } {
		const me = this.#with.person();
		if (!me || !this.#with.db) throw new AppError('unauthorized', 'not signed in');
		return me;
	}

	/**
	 * Record a new answer for an item: the latest stored answer with `patch` (and any text still
	 * being typed for the item) applied. Makes or updates the item's finding, and moves a planned
	 * round to in progress.
	 */
	answer(itemId: string, patch: Partial<AnswerFields>): Promise<unknown> {
		return this.#writeWithDrafts(itemId, patch);
	}

	/**
	 * Write an item's answer with its pending typed text and choice, so they are not written
	 * separately later. The drafts stay shown until the write is stored (then the stored answer says
	 * the same), and stay if it fails: dropping them first showed the old text for a moment, and a
	 * key typed in that moment went into the old text, losing the new.
	 */
	#writeWithDrafts(itemId: string, patch: Partial<AnswerFields>, strict = false): Promise<unknown> {
		const taken: [string, string][] = [];
		for (const field of ['comment', 'fixedNote', 'value', 'fixedOnSite'] as const) {
			const key = `answer|${itemId}|${field}`;
			const text = this.drafts.get(key);
			if (text === undefined) continue;
			this.drafts.cancel(key);
			if (!(field in patch)) {
				if (field === 'value') patch.value = text === '' ? null : (text as AnswerValue);
				else if (field === 'fixedOnSite') patch.fixedOnSite = text === 'true';
				else patch[field] = text;
			}
			taken.push([key, text]);
		}
		if (patch.fixedOnSite === false) patch.fixedNote = '';
		if (taken.length === 0 && Object.keys(patch).length === 0) return Promise.resolve();
		const write = async (): Promise<void> => {
			await this.#writeAnswer(itemId, patch);
			// Typed on since: that text is still to be saved, and shown.
			for (const [key, text] of taken) this.drafts.settle(key, text);
		};
		return strict ? this.#run(write) : this.#enqueue(write);
	}

	/** The value shown for an item: the choice being made, else the current answer's. */
	shownValue(itemId: string): AnswerValue | null {
		const draft = this.drafts.get(`answer|${itemId}|value`);
		if (draft !== undefined) return draft === '' ? null : (draft as AnswerValue);
		return this.answers.get(itemId)?.current.value ?? null;
	}

	/** Whether "fixed on the spot" shows ticked: the tick being saved, else the current answer's. */
	shownFixed(itemId: string): boolean {
		const draft = this.drafts.get(`answer|${itemId}|fixedOnSite`);
		return draft !== undefined ? draft === 'true' : (this.answers.get(itemId)?.current.fixedOnSite ?? false);
	}

	/**
	 * Tick or untick "fixed on the spot": shown at once, so the note field is there for the next
	 * Tab, and written now. Like typed text it stays shown until stored: a comment saved on the way
	 * to the box must not make the note field vanish under the focus.
	 */
	chooseFixed(itemId: string, checked: boolean): Promise<unknown> {
		this.drafts.hold(`answer|${itemId}|fixedOnSite`, String(checked));
		return this.flushAnswer(itemId);
	}

	/** Choose an answer value: shown at once, written after a moment or when the group is left. */
	chooseValue(itemId: string, value: AnswerValue): void {
		this.drafts.set(`answer|${itemId}|value`, value, CHOICE_SAVE_DELAY_MS);
	}

	async #writeAnswer(itemId: string, patch: Partial<AnswerFields>): Promise<void> {
		const started = perfNow();
		const me = this.#me();
		const { round, template } = this;
		if (!round || !template) throw new AppError('not_found', 'round not on this device');
		const numbered = this.items.find((i) => i.item.id === itemId);
		const item = numbered?.item;
		if (!item) throw new AppError('not_found', `no item ${itemId}`);
		// The item's answers as the page holds them, and the one this page wrote last (the live query
		// may not have it yet). Reading them from the device again cost a round trip per answer; an
		// answer from another device arriving in that moment is concurrent either way and stays in the
		// item's history.
		const mine = this.bundle.answers.filter((a) => a.itemId === itemId);
		const written = this.#written.get(itemId);
		if (written && !mine.some((a) => a._id === written._id)) mine.push(written);
		const previous = currentAnswers(mine).get(itemId)?.current;
		const base: AnswerFields = previous
			? {
					value: previous.value,
					comment: previous.comment,
					fixedOnSite: previous.fixedOnSite,
					fixedNote: previous.fixedNote,
					photos: previous.photos,
				}
			: blank();
		const fields = { ...base, ...patch };
		if (!fields.fixedOnSite) fields.fixedNote = '';
		if (JSON.stringify(fields) === JSON.stringify(base) && previous) return;
		const seen = mine.reduce<string | undefined>((s, a) => maxStamp(s, a.stamp), undefined);
		const now = recordNow(this.#with.clock);
		const answer: AnswerDoc = {
			_id: newId('answer'),
			type: 'answer',
			scope: round.scope,
			roundId: round._id,
			itemId,
			...fields,
			stamp: '',
			answeredAt: now.toISOString(),
			answeredBy: me.name,
			answeredByName: me.displayName,
			createdAt: now.toISOString(),
			updatedAt: now.toISOString(),
		};
		// One device transaction: the answer (stamped inside it), its finding and the round's status,
		// the last two from what is stored now, are saved together or not at all, and the page's live
		// query runs once for them.
		const [stored] = await this.#with.writer.saveAll(async (get) => {
			const [storedRound, storedFinding] = await Promise.all([
				get(round._id),
				get(findingIdForItem(round._id, itemId)),
			]);
			if (storedRound?.type !== 'round') throw new AppError('not_found', 'round not on this device');
			const existing = storedFinding?.type === 'finding' && !storedFinding._deleted ? storedFinding : undefined;
			const finding = findingAfterAnswer({
				round: storedRound,
				template,
				item,
				previous,
				answer,
				existing,
				untitled: t('findings.untitledItem', { n: numbered.number }),
				now: now.toISOString(),
			});
			const writes: { doc: LiveDoc; options?: SaveOptions }[] = [{ doc: answer, options: { stampAfter: { seen } } }];
			if (finding) writes.push({ doc: finding });
			if (storedRound.status === 'planned') writes.push({ doc: { ...storedRound, status: 'in_progress' } });
			return writes;
		});
		this.#written.set(itemId, stored as AnswerDoc);
		perfMeasure('trygg:answer-saved', started);
	}

	/** Text typed into an item's comment or "what was done": saved after a pause. */
	typeAnswer(itemId: string, field: AnswerText, text: string): void {
		this.drafts.set(`answer|${itemId}|${field}`, text);
	}

	/** Save an item's typed text now (on leaving the field). */
	flushAnswer(itemId: string): Promise<unknown> {
		return this.#writeWithDrafts(itemId, {});
	}

	/** A photo target for an item: each change of its photos is a new answer. */
	itemPhotoTarget(itemId: string, scope: string): PhotoTarget {
		return {
			scope,
			photos: () => this.answers.get(itemId)?.current.photos ?? [],
			save: async (photos: PhotoRef[]) => {
				const before = this.error;
				await this.answer(itemId, { photos });
				if (this.error !== before) throw this.error;
			},
		};
	}

	/** A photo target for a finding. */
	findingPhotoTarget(finding: FindingDoc): PhotoTarget {
		return {
			scope: finding.scope,
			photos: () => this.#findingsById.get(finding._id)?.photos ?? [],
			save: async (photos: PhotoRef[]) => {
				const before = this.error;
				await this.updateFinding(finding._id, { photos });
				if (this.error !== before) throw this.error;
			},
		};
	}

	/**
	 * Change fields of a finding: read fresh, so a change made a moment ago is kept. Resolves true
	 * once stored, undefined when refused (the page shows `error`).
	 */
	updateFinding(id: string, patch: Partial<FindingDoc>): Promise<true | undefined> {
		return this.#enqueue(() => this.#updateFinding(id, patch));
	}

	async #updateFinding(id: string, patch: Partial<FindingDoc>): Promise<true> {
		const stored = await getDoc(this.#with.db!, id);
		if (stored?.type !== 'finding') throw new AppError('not_found', `no finding ${id}`);
		await this.#with.writer.save({ ...stored, ...patch, updatedAt: this.#with.clock.now().toISOString() });
		return true;
	}

	typeFinding(finding: FindingDoc, field: FindingText, text: string): void {
		this.drafts.set(`finding|${finding._id}|${field}`, text);
	}

	flushFinding(id: string, field: FindingText): Promise<unknown> {
		return this.drafts.flush(`finding|${id}|${field}`);
	}

	/**
	 * Store a finding's typed field (the autosave's save). Text that could not be stored stays in
	 * the field, beside the error, like an answer's.
	 */
	#saveFinding(id: string, field: FindingText): Promise<unknown> {
		const text = this.drafts.get(`finding|${id}|${field}`);
		if (text === undefined || this.#findingsById.get(id)?.[field] === text) return Promise.resolve();
		// A title cannot be empty: an emptied title keeps the stored one (the field shows it again).
		const value = field === 'title' ? text.trim() : text;
		if (field === 'title' && value === '') return Promise.resolve();
		return this.#run(() => this.#updateFinding(id, { [field]: value }));
	}

	/** Add a finding of one's own (not from an item); it starts as a draft without risk. */
	async addFinding(title: string): Promise<string | undefined> {
		const me = this.#me();
		const round = this.round;
		if (!round) return undefined;
		const now = nowIso(this.#with.clock);
		const finding: FindingDoc = {
			_id: newId('finding'),
			type: 'finding',
			scope: round.scope,
			roundId: round._id,
			title,
			description: '',
			category: this.template?.kind ?? 'other',
			location: '',
			status: 'open',
			createdBy: me.name,
			createdAt: now,
			updatedAt: now,
		};
		await this.#enqueue(async () => {
			await this.#with.writer.save(finding);
			const fresh = await getDoc(this.#with.db!, round._id);
			if (fresh?.type === 'round' && fresh.status === 'planned') {
				await this.#with.writer.save({ ...fresh, status: 'in_progress' });
			}
		});
		return finding._id;
	}

	/** Choose part of a risk assessment; it is saved once complete, after a pause or on leaving the matrix. */
	chooseRisk(finding: FindingDoc, part: Partial<RiskAssessment>): void {
		const current = this.risk(finding);
		const draft = {
			...(current
				? { probability: current.probability, consequence: current.consequence, serious: current.serious }
				: {}),
			...this.riskDrafts.get(finding._id),
			...part,
		};
		this.riskDrafts.set(finding._id, draft);
		this.#schedule(`risk|${finding._id}`, () => this.flushRisk(finding._id));
	}

	/** The risk shown for a finding: what is being chosen, else the latest assessment. */
	riskShown(finding: FindingDoc): Partial<RiskAssessment> {
		const draft = this.riskDrafts.get(finding._id);
		if (draft) return draft;
		const current = this.risk(finding);
		return current
			? { probability: current.probability, consequence: current.consequence, serious: current.serious }
			: {};
	}

	flushRisk(findingId: string): Promise<unknown> {
		this.#cancel(`risk|${findingId}`);
		const draft = this.riskDrafts.get(findingId);
		const finding = this.#findingsById.get(findingId);
		if (!draft || !finding) return Promise.resolve();
		const { probability, consequence, serious } = draft;
		// Incomplete: wait until all three are chosen (the matrix says what is missing).
		if (probability === undefined || consequence === undefined || serious === undefined) return Promise.resolve();
		return this.#enqueue(async () => {
			const me = this.#me();
			const latest = this.risk(finding);
			const same =
				latest &&
				latest.probability === probability &&
				latest.consequence === consequence &&
				latest.serious === serious;
			if (!same) {
				const now = recordNow(this.#with.clock);
				const seen = this.riskHistory(finding).reduce<string | undefined>((s, a) => maxStamp(s, a.stamp), undefined);
				await this.#with.writer.save(
					{
						_id: newId('assessment'),
						type: 'assessment',
						scope: finding.scope,
						findingId,
						...(finding.roundId ? { roundId: finding.roundId } : {}),
						probability,
						consequence,
						serious,
						stamp: '',
						assessedAt: now.toISOString(),
						assessedBy: me.name,
						assessedByName: me.displayName,
						createdAt: now.toISOString(),
						updatedAt: now.toISOString(),
					},
					{ stampAfter: { seen } },
				);
			}
			if (this.riskDrafts.get(findingId) === draft) this.riskDrafts.delete(findingId);
		});
	}

	/**
	 * Record how an earlier round's open finding was found: still open, fixed, or changed. The
	 * follow-up is a finding of this round (one per earlier finding, the same id on every device).
	 */
	followUp(earlier: FindingDoc, outcome: FollowUp): Promise<unknown> {
		return this.#enqueue(async () => {
			const me = this.#me();
			const round = await getDoc(this.#with.db!, this.roundId);
			if (round?.type !== 'round') throw new AppError('not_found', 'round not on this device');
			const id = followUpFindingId(round._id, earlier._id);
			const stored = await getDoc(this.#with.db!, id);
			const now = nowIso(this.#with.clock);
			const status = outcome === 'fixed' ? 'closed' : 'open';
			if (stored?.type === 'finding') {
				await this.#with.writer.save({ ...stored, followUp: outcome, status, updatedAt: now });
			} else {
				await this.#with.writer.save({
					_id: id,
					type: 'finding',
					scope: round.scope,
					roundId: round._id,
					followsUp: earlier._id,
					followUp: outcome,
					title: earlier.title,
					description: earlier.description,
					category: earlier.category,
					location: earlier.location,
					status,
					...(earlier.photos ? { photos: earlier.photos } : {}),
					createdBy: me.name,
					createdAt: now,
					updatedAt: now,
				});
			}
			if (round.status === 'planned') await this.#with.writer.save({ ...round, status: 'in_progress' });
		});
	}

	/** A risk choice waits a moment before it is saved (typed text goes through `drafts`). */
	#schedule(key: string, run: () => Promise<unknown>, delay = TEXT_SAVE_DELAY_MS): void {
		this.#cancel(key);
		this.#timers[key] = this.#with.timers.set(() => {
			delete this.#timers[key];
			void run();
		}, delay);
	}

	#cancel(key: string): void {
		if (key in this.#timers) this.#with.timers.clear(this.#timers[key]);
		delete this.#timers[key];
	}

	#flushRisks(): Promise<unknown> {
		return Promise.all(this.riskDrafts.keys().map((findingId) => this.flushRisk(findingId)));
	}

	/** Save everything still being typed or chosen, now (the page is hidden or left). */
	flushAll(): Promise<unknown> {
		return this.drafts.flushAll();
	}

	/** Save (and back up) on pagehide and when the tab is hidden; returns the cleanup. */
	attach(page: PageEvents): () => void {
		return this.drafts.attach(page);
	}
}

export type { AnswerValue };
