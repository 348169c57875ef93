/**
 * The annual follow-up (årlig uppföljning) on this device, for its pages: the follow-up of one
 * unit and year read live, its state (domain `annual-follow-up`), the year's facts from the
 * unit's documents (the safety rep's requests and work stops among them), the actions that may be linked, and the commands that record what is
 * entered. Saved as typed, like the round walk: a choice at once, text through the one autosave
 * (after a short pause, at once when the field is left or the page hidden, kept if not stored). Each write reads the stored document first and
 * changes only its own fields, so the field merge keeps what another device wrote (decision 0010).
 */
import { untrack } from 'svelte';
import {
	AppError,
	commentField,
	dueUnits,
	followUpChangeRefusal,
	followUpContentHash,
	followUpBlockers,
	followUpFacts,
	FOLLOW_UP_QUESTIONS,
	followUpId,
	followUpState,
	isComplete,
	parseFollowUpId,
	signatureField,
	unitScope,
	type ActionDoc,
	type FollowUpDoc,
	type FollowUpQuestion,
	type FollowUpSignRole,
	type FollowUpValue,
	coSignerRefusal,
	type CoSigner,
	type CoSignerCandidate,
} from '../domain/index.ts';
import { getDoc, liveDoc, liveDocsOfType } from '../db/docs-repo.ts';
import { liveFollowUpUnitDocs, NO_UNIT_DOCS, type FollowUpUnitDocs } from '../db/follow-up-repo.ts';
import { i18n } from '../i18n/i18n.svelte.ts';
import { app } from './app-state.svelte.ts';
import { Autosave, AUTOSAVE_DELAY_MS, type PageEvents } from './autosave.svelte.ts';
import { localToday, nowIso } from './clock.ts';
import type { Collaborators } from './collaborators.ts';
import { Live } from './live.svelte.ts';
import { riskSettings } from './risk-settings.svelte.ts';
import { today } from './safety-requests.svelte.ts';

/** A text field of the follow-up: a question's comment or the conclusions. */
export type FollowUpTextField = ReturnType<typeof commentField> | 'conclusions';

/** The id of a question's first answer: where the error summary takes the keyboard. */
export const answerFieldId = (question: FollowUpQuestion): string => `answer-${question}`;

/** An action's responsible, status and due date, as one line under it. */
export function actionMeta(action: ActionDoc): string {
	const meta = i18n.t('followUp.actionMeta', {
		responsible: action.responsible,
		status: i18n.t(`followUp.actionStatus.${action.status}`),
	});
	return action.due ? `${meta} · ${i18n.t('followUp.actionDue', { date: i18n.date(action.due) })}` : meta;
}

/** The year of the device's calendar. */
export function currentYear(): number {
	return Number(localToday().slice(0, 4));
}

export class FollowUpForm {
	readonly id: string;
	readonly unitId: string;
	readonly year: number;
	readonly scope: string;
	readonly #with: Collaborators;
	readonly #doc: Live<unknown> | null;
	readonly #unit: Live<FollowUpUnitDocs> | null;
	/** Unsaved text, by field: the one autosave of every form (kept on failure, backed up when the page goes). */
	readonly drafts: Autosave;
	#queue: Promise<unknown> = Promise.resolve();
	#error = $state<unknown>(null);

	constructor(id: string, collaborators: Collaborators) {
		const parsed = parseFollowUpId(id);
		this.id = id;
		this.#with = collaborators;
		this.unitId = parsed?.unitId ?? '';
		this.year = parsed?.year ?? 0;
		this.scope = unitScope(this.unitId);
		const { db } = collaborators;
		this.#doc = parsed && db ? new Live(liveDoc(db, id)) : null;
		this.#unit = parsed && db ? new Live(liveFollowUpUnitDocs(db, this.scope), NO_UNIT_DOCS) : null;
		this.drafts = new Autosave({
			save: (field, text) => this.#write(() => ({ [field]: text })),
			// Not tracked: the page makes its form in a `$derived`, and the session check replaces the person.
			backupKey: () => `trygg.unsaved.${untrack(() => collaborators.person()?.name) ?? ''}|${id}`,
			storage: collaborators.storage,
			timers: collaborators.timers,
			delayMs: AUTOSAVE_DELAY_MS,
		});
	}

	/** The last error of a write (a choice, a link, a signature or typed text), for the page to show. */
	get error(): unknown {
		return this.#error ?? this.drafts.error;
	}

	/** The id names a unit and a year. */
	get valid(): boolean {
		return this.unitId !== '';
	}

	get loaded(): boolean {
		return this.#doc?.loaded ?? false;
	}

	readonly doc = $derived.by((): FollowUpDoc | undefined => {
		const d = this.#doc?.current as FollowUpDoc | undefined;
		return d && d.type === 'followup' && !(d as { _deleted?: boolean })._deleted ? d : undefined;
	});
	readonly state = $derived.by(() => followUpState(this.doc));
	readonly unitDocs = $derived.by(() => this.#unit?.current ?? NO_UNIT_DOCS);
	/** The facts of the year, with the safety rep's requests and work stops; "overdue" follows the device's day. */
	readonly facts = $derived.by(() =>
		followUpFacts({
			unitId: this.unitId,
			year: this.year,
			today: today.value,
			bands: riskSettings.bands,
			...this.unitDocs,
		}),
	);
	/** The unit's actions, newest first: those linked stay listed whatever their state. */
	readonly actions = $derived.by(() =>
		[...this.unitDocs.actions].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)),
	);
	readonly unitName = $derived.by(
		() => this.#with.person()?.scopes.find((s) => s.unitId === this.unitId)?.unitName ?? this.unitId,
	);
	/** The signed-in person writes in this unit (manager or safety rep). */
	readonly canWrite = $derived.by(
		() => this.#with.person()?.scopes.some((s) => s.scope === this.scope && s.write) ?? false,
	);
	/** The role the signed-in person may sign in here. */
	readonly myRole = $derived.by((): FollowUpSignRole | null => {
		const grant = this.#with.person()?.scopes.find((s) => s.scope === this.scope && s.write);
		if (grant?.role === 'employee_rep')
			return this.doc?.coSigner?.name === this.#with.person()?.name ? 'safety_rep' : null;
		return grant?.role === 'manager' || grant?.role === 'safety_rep' ? grant.role : null;
	});
	readonly writable = $derived.by(() => this.canWrite && !this.state.locked);

	value(question: FollowUpQuestion): FollowUpValue | null {
		return this.doc?.[question] ?? null;
	}

	/** The text shown in a field: what is being typed, else what is stored. */
	text(field: FollowUpTextField): string {
		return this.drafts.get(field) ?? this.doc?.[field] ?? '';
	}

	linked(actionId: string): boolean {
		return this.doc?.actionIds?.includes(actionId) ?? false;
	}

	/** Run writes one after another; the returned promise fails with the write (typed text stays a draft). */
	#enqueue(write: () => Promise<void>): Promise<void> {
		const run = this.#queue.then(write);
		this.#queue = run.catch(() => undefined);
		return run;
	}

	/** A command of the page: its failure is kept for the page to show. */
	#command(run: Promise<void>): Promise<void> {
		return run.then(
			() => {
				this.#error = null;
			},
			(err: unknown) => {
				this.#error = err;
			},
		);
	}

	/** The stored follow-up, or a new one with nothing but its unit and year. */
	async #fresh(): Promise<FollowUpDoc> {
		const { db } = this.#with;
		if (!db || !this.#with.person()) throw new AppError('unauthorized', 'not signed in');
		const stored = await getDoc(db, this.id);
		if (stored?.type === 'followup' && !stored._deleted) return stored;
		const now = nowIso(this.#with.clock);
		return {
			_id: followUpId(this.unitId, this.year),
			type: 'followup',
			scope: this.scope,
			unitId: this.unitId,
			year: this.year,
			createdAt: now,
			updatedAt: now,
		};
	}

	/** Change fields of the follow-up, read fresh, unless it is locked. */
	#write(patch: (doc: FollowUpDoc) => Partial<FollowUpDoc>): Promise<void> {
		return this.#enqueue(async () => {
			const doc = await this.#fresh();
			if (followUpState(doc).locked) throw new AppError('forbidden', 'the annual follow-up is signed and locked');
			const next = { ...doc, ...patch(doc), updatedAt: this.#with.clock.now().toISOString() };
			if (JSON.stringify(next) === JSON.stringify({ ...doc, updatedAt: next.updatedAt })) return;
			await this.#with.writer.save(next);
		});
	}

	/** Answer a question: saved at once. */
	choose(question: FollowUpQuestion, value: FollowUpValue): Promise<void> {
		return this.#command(this.#write(() => ({ [question]: value })));
	}

	/** Text typed into a comment or the conclusions: saved after a pause. */
	type(field: FollowUpTextField, text: string): void {
		this.drafts.set(field, text);
	}

	/** Save a field's typed text now (on leaving it); the text stays if it cannot be stored. */
	flush(field: FollowUpTextField): Promise<boolean> {
		return this.drafts.flush(field);
	}

	flushAll(): Promise<boolean> {
		return this.drafts.flushAll();
	}

	/** Link an action to the follow-up, or unlink it. */
	link(actionId: string, on: boolean): Promise<void> {
		return this.#command(
			this.#write((doc) => {
				const others = (doc.actionIds ?? []).filter((x) => x !== actionId);
				return { actionIds: (on ? [...others, actionId] : others).sort() };
			}),
		);
	}

	/**
	 * Invite one of the unit's employee reps (`members`) to co-sign (decision 0028); refused here as
	 * on the server unless the signed-in person is the unit's manager and the invitee its employee rep.
	 */
	invite(coSigner: CoSigner, members: readonly CoSignerCandidate[]): Promise<void> {
		const roles = this.myRole === 'manager' ? ['manager'] : [];
		return this.#write((doc) => {
			const refusal = coSignerRefusal(doc, { coSigner }, roles, members);
			if (refusal) throw new AppError('forbidden', refusal);
			return { coSigner };
		});
	}

	/**
	 * What must be filled in before signing, in the page's order, each with the id of its field for
	 * the error summary: every unanswered question (its first answer) and the conclusions. Judged on
	 * the stored follow-up once what is typed and chosen is saved (that is what a signature names).
	 */
	async missingToSign(): Promise<{ field: string; message: string }[]> {
		await this.flushAll();
		await this.#queue;
		const stored = this.#with.db ? await getDoc(this.#with.db, this.id) : undefined;
		const doc = stored?.type === 'followup' && !stored._deleted ? stored : undefined;
		const { unanswered, noConclusions } = followUpBlockers(doc);
		return [
			...unanswered.map((q) => ({
				field: answerFieldId(q),
				message: i18n.t('followUp.missingAnswer', { n: FOLLOW_UP_QUESTIONS.indexOf(q) + 1 }),
			})),
			...(noConclusions
				? [
						{
							field: 'conclusions',
							message: i18n.t('form.required', { field: i18n.t('followUp.conclusions').toLowerCase() }),
						},
					]
				: []),
		];
	}

	/** Sign as the signed-in person in their role: the signature names the content as it is now. */
	async sign(): Promise<void> {
		await this.flushAll();
		const role = this.myRole;
		await this.#command(
			this.#enqueue(async () => {
				const me = this.#with.person();
				if (!role || !me) throw new AppError('forbidden', 'you do not sign in this unit');
				const doc = await this.#fresh();
				if (!isComplete(doc)) throw new AppError('invalid', 'answer every question and write the conclusions first');
				// The session's name and display name, on the server's clock as this device knows it (decision 0016).
				const now = nowIso(this.#with.clock);
				const signature = { by: me.name, name: me.displayName, at: now, contentHash: followUpContentHash(doc) };
				const next = { ...doc, [signatureField(role)]: signature, updatedAt: now };
				// The server's rules, here first: one account never signs as both roles.
				const refusal = followUpChangeRefusal(doc, next, me.name, [role]);
				if (refusal) throw new AppError('forbidden', refusal);
				await this.#with.writer.save(next);
			}),
		);
	}

	/**
	 * Show again and save what was typed when the page last went away, then save anything still
	 * being typed when the page goes away or is hidden (and back it up to `localStorage`).
	 */
	attach(page: PageEvents): () => void {
		this.drafts.restore();
		return this.drafts.attach(page);
	}
}

/** One row of the follow-up list: a unit's follow-up of one year. */
export type FollowUpRow = {
	id: string;
	unitId: string;
	unitName: string;
	year: number;
	doc: FollowUpDoc | undefined;
	state: ReturnType<typeof followUpState>;
	writable: boolean;
};

/** The follow-ups this person sees: this year's for every unit they read, and every earlier one on the device. */
export class FollowUpList {
	readonly #docs: Live<FollowUpDoc[]> | null;
	readonly year = currentYear();

	constructor() {
		this.#docs = app.db ? new Live<FollowUpDoc[]>(liveDocsOfType(app.db, 'followup'), []) : null;
	}

	get loaded(): boolean {
		return this.#docs?.loaded ?? false;
	}

	/** Units whose shared work this person reads (the unit scopes of their grants). */
	readonly units = $derived(
		(app.me?.scopes ?? [])
			.filter((s) => s.unitId !== null && s.scope === unitScope(s.unitId))
			.map((s) => ({ unitId: s.unitId as string, name: s.unitName ?? (s.unitId as string), write: s.write }))
			.sort((a, b) => i18n.compare(a.name, b.name)),
	);
	readonly docs = $derived.by(() => (this.#docs?.current ?? []).filter((d) => !(d as { _deleted?: boolean })._deleted));

	readonly rows = $derived.by((): FollowUpRow[] => {
		const rows: FollowUpRow[] = [];
		for (const unit of this.units) {
			const years = [this.year, ...this.docs.filter((d) => d.unitId === unit.unitId).map((d) => d.year)];
			for (const year of years.filter((y, i) => years.indexOf(y) === i)) {
				const id = followUpId(unit.unitId, year);
				const doc = this.docs.find((d) => d._id === id);
				rows.push({
					id,
					unitId: unit.unitId,
					unitName: unit.name,
					year,
					doc,
					state: followUpState(doc),
					writable: unit.write,
				});
			}
		}
		return rows.sort((a, b) => b.year - a.year || i18n.compare(a.unitName, b.unitName));
	});

	/** Units whose follow-up of this year is not signed yet. */
	readonly due = $derived.by(() => {
		const ids = dueUnits(
			this.units.map((u) => u.unitId),
			this.docs,
			this.year,
		);
		return this.units.filter((u) => ids.includes(u.unitId));
	});
}
