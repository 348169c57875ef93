/**
 * Answering a survey on the phone (issue 13): an intro, the sections with only the questions
 * shown for the answers so far (`visibleQuestions`), a summary and the send. Every answer is
 * kept on this device only, with the shared autosave (decision 0027): a choice at once, typed
 * text after a pause, so a pause, a reload or a dead battery resumes where the person was. The
 * finished response goes to the anonymous outbox (decision 0030); the sender delivers it. The
 * database, the person, the clock and the sender are arguments, so a spec gives its own.
 */
import {
	answersRefusal,
	answersToSend,
	campaignPhase,
	swedishDay,
	visibleQuestions,
	type AnswersRefusal,
	type CampaignDoc,
	type CampaignPhase,
	type SurveyAnswer,
	type SurveyAnswers,
	type SurveyDoc,
	type SurveyQuestion,
	type SurveySection,
	type TreeUnit,
} from '../domain/index.ts';
import type { TryggDb } from '../db/app-db.ts';
import { getDoc, readDocsOfTypes } from '../db/docs-repo.ts';
import {
	liveSurveyStatus,
	queueResponse,
	readProgress,
	readSurveyStatus,
	saveProgressAnswer,
	type SurveyStatus,
} from '../db/surveys-repo.ts';
import { Autosave, backupKeyFor } from './autosave.svelte.ts';
import type { Collaborators } from './collaborators.ts';
import { isAsked, treeOf } from './open-surveys.ts';

/** What sends: the app's anonymous sender (absent before the device code is loaded). */
export type AnonRoad = { ensureToken(campaignId: string): Promise<void>; kick(): void };

export type SurveyStep =
	| { kind: 'intro' }
	| { kind: 'section'; index: number }
	| { kind: 'summary' }
	/** Sent from this page: the thank-you. */
	| { kind: 'done' };

export type SurveyCollaborators = Pick<Collaborators, 'person' | 'clock' | 'storage' | 'timers'> & { db: TryggDb };

/** How an answer travels in the autosave (its values are strings): JSON, empty for "no answer". */
export function encodeAnswer(answer: SurveyAnswer | undefined): string {
	return answer === undefined ? '' : JSON.stringify(answer);
}
export function decodeAnswer(text: string): SurveyAnswer | undefined {
	return text === '' ? undefined : (JSON.parse(text) as SurveyAnswer);
}

export class SurveyAnswering {
	readonly campaignId: string;
	readonly #c: SurveyCollaborators;
	readonly #road: () => AnonRoad | null;
	/** Undefined while reading, null when the device has no such campaign or survey. */
	campaign = $state.raw<CampaignDoc | null | undefined>(undefined);
	survey = $state.raw<SurveyDoc | null | undefined>(undefined);
	#tree = $state.raw<readonly TreeUnit[]>([]);
	/** The answers stored on the device; drafts not stored yet are in `autosave`. */
	#stored = $state.raw<SurveyAnswers>({});
	#status = $state.raw<SurveyStatus>({ keyed: [], started: [], queued: [], sent: [] });
	step = $state<SurveyStep>({ kind: 'intro' });
	/** Why the answers cannot be sent (a required question left), shown on the summary. */
	problem = $state<AnswersRefusal | undefined>(undefined);
	readonly autosave: Autosave;

	constructor(c: SurveyCollaborators, campaignId: string, road: () => AnonRoad | null) {
		this.#c = c;
		this.campaignId = campaignId;
		this.#road = road;
		this.autosave = new Autosave({
			save: async (key, text) => {
				const answer = decodeAnswer(text);
				await saveProgressAnswer(c.db, campaignId, key, answer);
				const next = { ...this.#stored };
				if (answer === undefined) delete next[key];
				else next[key] = answer;
				this.#stored = next;
			},
			backupKey: () => backupKeyFor(c.person()?.name, `survey|${campaignId}`),
			storage: c.storage,
			timers: c.timers,
		});
	}

	/** The answers as the page shows them: stored, with what is typed or chosen on top. */
	readonly answers = $derived.by((): SurveyAnswers => {
		const out: SurveyAnswers = {};
		for (const q of this.survey ? this.survey.sections.flatMap((s) => s.questions) : []) {
			const draft = this.autosave.get(q.id);
			const answer = draft !== undefined ? decodeAnswer(draft) : this.#stored[q.id];
			if (answer !== undefined) out[q.id] = answer;
		}
		return out;
	});

	readonly visible = $derived(this.survey ? visibleQuestions(this.survey, this.answers) : []);

	/** The sections with the questions shown now; a section whose questions are all hidden is left out. */
	readonly sections = $derived.by((): { section: SurveySection; questions: SurveyQuestion[] }[] => {
		const shown = this.visible;
		return (this.survey?.sections ?? [])
			.map((section) => ({ section, questions: section.questions.filter((q) => shown.includes(q)) }))
			.filter((s) => s.questions.length > 0);
	});

	readonly phase = $derived.by((): CampaignPhase | null =>
		this.campaign ? campaignPhase(this.campaign, swedishDay(this.#c.clock.now())) : null,
	);

	/**
	 * The person is one of the campaign's people: the server gave them the group's key, the profile
	 * shows a membership in the target's subtree, or answers are kept here already.
	 */
	readonly asked = $derived.by((): boolean => {
		const person = this.#c.person();
		if (!this.campaign || !person) return false;
		const known = [...this.#status.keyed, ...this.#status.started];
		return known.includes(this.campaignId) || isAsked(this.campaign, person, this.#tree);
	});

	/** A sensitive survey: neutral title and heading, quick exit (issue 13 §4). */
	readonly sensitive = $derived(this.survey?.sensitive ?? false);

	/** This device's response to the campaign: none yet, waiting to be sent, refused, or delivered. */
	readonly response = $derived.by((): 'none' | 'queued' | 'refused' | 'sent' => {
		if (this.#status.sent.includes(this.campaignId)) return 'sent';
		const entry = this.#status.queued.find((q) => q.campaignId === this.campaignId);
		if (!entry) return 'none';
		return entry.state === 'refused' ? 'refused' : 'queued';
	});

	/** The server's refusal of the queued response, for `messageForAnon`. */
	readonly refusal = $derived(this.#status.queued.find((q) => q.campaignId === this.campaignId)?.error);

	/** Can the person answer here now: open, asked, and nothing sent or queued yet. */
	readonly answerable = $derived(this.phase === 'open' && this.asked && this.response === 'none');

	/** Answers were kept from an earlier visit (the intro says "continue"). */
	readonly resumed = $derived(Object.keys(this.#stored).length > 0);

	async load(): Promise<void> {
		const { db } = this.#c;
		const campaign = await getDoc(db, this.campaignId);
		const survey = campaign?.type === 'campaign' ? await getDoc(db, campaign.surveyId) : undefined;
		const [units, stored, status] = await Promise.all([
			readDocsOfTypes(db, ['unit']),
			readProgress(db, this.campaignId),
			readSurveyStatus(db),
		]);
		this.#tree = treeOf(units);
		this.#stored = stored;
		this.#status = status;
		this.survey = survey?.type === 'survey' && !survey._deleted ? survey : null;
		this.campaign = campaign?.type === 'campaign' && !campaign._deleted ? campaign : null;
	}

	/** Follow the response's way (queued → delivered, or refused); returns the way to stop. */
	watch(): () => void {
		const sub = liveSurveyStatus(this.#c.db).subscribe({ next: (s) => (this.#status = s) });
		return () => sub.unsubscribe();
	}

	/**
	 * Ask for the token early, while signed in and online (decision 0030); quiet when it cannot. Also
	 * how the page learns that a person whose profile names no unit (staff) is asked: the key comes.
	 */
	prepareToken(): void {
		if (this.phase !== 'open' || this.response !== 'none') return;
		void this.#road()
			?.ensureToken(this.campaignId)
			.catch(() => undefined);
	}

	/** Answer a question: a choice is kept at once, typed text after a pause in typing. */
	answer(q: SurveyQuestion, answer: SurveyAnswer | undefined): void {
		this.problem = undefined;
		if (q.kind === 'text') this.autosave.set(q.id, encodeAnswer(answer));
		else this.autosave.set(q.id, encodeAnswer(answer), 0);
	}

	/** Tick or untick one option of a multiple-choice question. */
	toggle(q: SurveyQuestion, value: string, on: boolean): void {
		const now = this.answers[q.id];
		const chosen = Array.isArray(now) ? now.filter((v) => v !== value) : [];
		if (on) chosen.push(value);
		// In the order of the options, so the same choices always read the same.
		const order = q.options?.map((o) => o.value) ?? [];
		chosen.sort((a, b) => order.indexOf(a) - order.indexOf(b));
		this.answer(q, chosen.length > 0 ? chosen : undefined);
	}

	start(): void {
		this.prepareToken();
		this.step = this.sections.length > 0 ? { kind: 'section', index: 0 } : { kind: 'summary' };
	}

	next(): void {
		void this.autosave.flushAll();
		const at = this.step.kind === 'section' ? this.step.index : -1;
		this.step = at + 1 < this.sections.length ? { kind: 'section', index: at + 1 } : { kind: 'summary' };
	}

	previous(): void {
		if (this.step.kind === 'summary') this.step = { kind: 'section', index: this.sections.length - 1 };
		else if (this.step.kind === 'section' && this.step.index > 0)
			this.step = { kind: 'section', index: this.step.index - 1 };
		else this.step = { kind: 'intro' };
	}

	/** Go to the section of a question (from the summary, to change or give an answer). */
	goTo(questionId: string): void {
		const index = this.sections.findIndex((s) => s.questions.some((q) => q.id === questionId));
		if (index >= 0) this.step = { kind: 'section', index };
	}

	/**
	 * Queue the response: what is shown and answered (`answersToSend`), checked as the server will
	 * (`answersRefusal`). False with `problem` set when it does not fit; nothing is queued then.
	 */
	async send(): Promise<boolean> {
		const survey = this.survey;
		if (!survey || !this.answerable) return false;
		await this.autosave.flushAll();
		const answers = answersToSend(survey, this.answers);
		this.problem = answersRefusal(survey, answers);
		if (this.problem) return false;
		await queueResponse(this.#c.db, this.campaignId, answers);
		this.#status = await readSurveyStatus(this.#c.db);
		// The backup of typed text goes too: nothing of the answers stays outside the queued response.
		this.autosave.clear();
		this.#road()?.kick();
		this.step = { kind: 'done' };
		return true;
	}
}
