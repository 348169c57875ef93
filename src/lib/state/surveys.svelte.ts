/**
 * HR's survey screens (issue 13, decision 0030): live survey versions grouped into families, the
 * commands that make a new version, a copy or a blank survey, retire one, and the editor's working
 * copy. A published version is never edited in place: editing it starts the next version.
 */
import { untrack } from 'svelte';
import { AppError, type Localized, type UnitDoc } from '../domain/index.ts';
import {
	blankSurvey,
	conditionSources,
	copySurvey,
	moveQuestion,
	newOption,
	newQuestion,
	newSurveyKey,
	nextSurveyVersion,
	surveyFamilies,
	withKind,
} from '../domain/survey-versions.ts';
import {
	K_FLOOR,
	type QuestionKind,
	type SurveyDoc,
	type SurveyKind,
	type SurveyQuestion,
	type CampaignDoc,
	unchangedSurveyRefusal,
} from '../domain/surveys.ts';
import { move } from '../domain/versions.ts';
import { liveDoc, liveDocsOfType } from '../db/docs-repo.ts';
import type { TryggDb } from '../db/app-db.ts';
import { t, i18n, type MessageKey } from '../i18n/i18n.svelte.ts';
import { svAll as sv } from '../i18n/sv-all.ts';
import { en } from '../i18n/en.ts';
import { Autosave, type PageEvents } from './autosave.svelte.ts';
import type { Collaborators } from './collaborators.ts';
import { Live } from './live.svelte.ts';
import { surveyProblems, surveyToStore, type SurveyProblem } from './survey-form.ts';

export { fieldIds, surveyProblems, surveyToStore, type SurveyProblem } from './survey-form.ts';
import { nowIso } from './clock.ts';

export function liveSurveyVersions(db: TryggDb | null): Live<SurveyDoc[]> | null {
	return db ? new Live(liveDocsOfType(db, 'survey')) : null;
}

/** Campaigns on the device (everyone signed in syncs `org`). */
export function liveCampaigns(db: TryggDb | null): Live<CampaignDoc[]> | null {
	return db ? new Live<CampaignDoc[]>(liveDocsOfType(db, 'campaign')) : null;
}

/** One campaign on the device, or undefined once the device answered without it. */
export function liveCampaign(db: TryggDb | null, id: string): Live<CampaignDoc | undefined> | null {
	if (!db) return null;
	const source = liveDoc(db, id);
	return new Live<CampaignDoc | undefined>({
		subscribe: (o) =>
			source.subscribe({
				next: (d) => o.next(d?.type === 'campaign' ? d : undefined),
				error: (e) => o.error?.(e),
			}),
	});
}

/** The org tree's units on the device. */
export function liveUnits(db: TryggDb | null): Live<UnitDoc[]> | null {
	return db ? new Live<UnitDoc[]>(liveDocsOfType(db, 'unit')) : null;
}

/** Families sorted by their current (or draft) title in the user's language. */
export function sortedSurveyFamilies(surveys: readonly SurveyDoc[]) {
	const title = (f: ReturnType<typeof surveyFamilies>[number]) =>
		i18n.text((f.current ?? f.draft ?? f.versions[0])?.title ?? { sv: '', en: '' });
	return surveyFamilies(surveys).sort((a, b) => i18n.compare(title(a), title(b)));
}

/** A message in both languages (a new survey starts with text in both). */
const localized = (key: MessageKey): Localized => ({ sv: sv[key], en: en[key] });

/** The list's commands, each saved on the device through the collaborators' writer. */
export class SurveyCommands {
	readonly #with: Collaborators;
	constructor(collaborators: Collaborators) {
		this.#with = collaborators;
	}

	/** The draft to edit for `base`: its family's open draft, or a new next version saved now. */
	async editVersion(base: SurveyDoc, all: readonly SurveyDoc[]): Promise<SurveyDoc> {
		const family = surveyFamilies(all).find((f) => f.family === base.family);
		if (family?.draft) return family.draft;
		const draft = nextSurveyVersion(base, all, nowIso(this.#with.clock));
		await this.#with.writer.save(draft);
		return draft;
	}

	async copyOf(base: SurveyDoc): Promise<SurveyDoc> {
		const copy = copySurvey(base, localized('templates.copyPrefix'), nowIso(this.#with.clock));
		await this.#with.writer.save(copy);
		return copy;
	}

	async createBlank(kind: SurveyKind = 'other'): Promise<SurveyDoc> {
		const doc = blankSurvey(
			kind,
			{
				title: localized('surveys.newTitle'),
				intro: localized('surveys.newIntro'),
				section: localized('templates.newSection'),
				question: localized('surveys.newQuestion'),
			},
			nowIso(this.#with.clock),
		);
		await this.#with.writer.save(doc);
		return doc;
	}

	async setRetired(current: SurveyDoc, retired: boolean): Promise<void> {
		await this.#with.writer.save({ ...current, retired });
	}
}

/**
 * The editor's working copy of a survey draft. Every change goes through the one autosave
 * (decision 0027): stored as the draft after a pause once the copy has no problem, kept (and
 * backed up to `localStorage` when the page goes) until then, and restored on the next open.
 */
export class SurveyEditor {
	doc = $state<SurveyDoc>() as SurveyDoc;
	/** What the last move did, for the live region. */
	announcement = $state('');
	readonly drafts: Autosave;
	readonly #with: Collaborators;
	readonly #versions: () => readonly SurveyDoc[];
	#queue: Promise<unknown> = Promise.resolve();

	/** `versions`: the survey versions on the device (a publish is compared with the latest published one). */
	constructor(draft: SurveyDoc, collaborators: Collaborators, versions: () => readonly SurveyDoc[]) {
		// Through JSON, not structuredClone: that keeps objects shared between questions shared (the
		// starter surveys reuse one list of options), and editing one question would change others.
		const copy = JSON.parse(JSON.stringify($state.snapshot(draft))) as SurveyDoc;
		// The editor shows help fields for every question; empty means "no help".
		for (const s of copy.sections) for (const q of s.questions) q.help ??= { sv: '', en: '' };
		this.doc = copy;
		this.#with = collaborators;
		this.#versions = versions;
		this.drafts = new Autosave({
			save: (_key, text) => this.#storeWorkingCopy(text),
			backupKey: () => `trygg.unsaved.${untrack(() => collaborators.person()?.name) ?? ''}|${draft._id}`,
			storage: collaborators.storage,
			timers: collaborators.timers,
		});
	}

	get unsaved(): boolean {
		return this.drafts.unsaved;
	}

	/** The lowest k the survey's kind allows. */
	get floor(): number {
		return K_FLOOR[this.doc.kind];
	}

	/** The working copy changed: saved as the draft after a pause. */
	touch(): void {
		this.drafts.set(WORKING_COPY, JSON.stringify($state.snapshot(this.doc)));
	}

	async #storeWorkingCopy(text: string): Promise<boolean> {
		const working = JSON.parse(text) as SurveyDoc;
		if (surveyProblems(working).length > 0) return false;
		await this.#write(surveyToStore(working, 'draft'));
		return true;
	}

	/** Writes one after another (an autosave never lands after a publish). */
	#write(doc: SurveyDoc): Promise<void> {
		const run = this.#queue.then(async () => {
			await this.#with.writer.save(doc);
		});
		this.#queue = run.catch(() => undefined);
		return run;
	}

	/** Show again what was typed when the editor last went away; then save on leaving (and back up). */
	attach(page: PageEvents): () => void {
		if (this.drafts.restore().includes(WORKING_COPY)) {
			const restored = JSON.parse(this.drafts.get(WORKING_COPY) ?? 'null') as SurveyDoc | null;
			if (restored?._id === this.doc._id) this.doc = restored;
		}
		return this.drafts.attach(page);
	}

	/** The kind changed: k rises to its floor if it was below. */
	setKind(kind: SurveyKind): void {
		this.doc.kind = kind;
		if (this.doc.k < K_FLOOR[kind]) this.doc.k = K_FLOOR[kind];
		this.touch();
	}

	setQuestionKind(s: number, i: number, kind: QuestionKind): void {
		const section = this.doc.sections[s];
		const q = section?.questions[i];
		if (!section || !q) return;
		section.questions[i] = withKind(q, kind);
		this.touch();
	}

	moveSection(index: number, step: -1 | 1): void {
		this.doc.sections = move(this.doc.sections, index, step);
		this.announcement = t('templates.moved.section', { n: index + 1 + step });
		this.touch();
	}

	moveQuestion(s: number, i: number, step: -1 | 1): { section: number; index: number } {
		const id = this.doc.sections[s]?.questions[i]?.id;
		this.doc.sections = moveQuestion(this.doc.sections, s, i, step);
		const section = this.doc.sections.findIndex((x) => x.questions.some((q) => q.id === id));
		const index = this.doc.sections[section]?.questions.findIndex((q) => q.id === id) ?? -1;
		this.announcement = t('templates.moved.item', { n: index + 1, section: section + 1 });
		this.touch();
		return { section, index };
	}

	addQuestion(s: number, kind: QuestionKind = 'single'): string {
		const q = { ...newQuestion(kind), help: { sv: '', en: '' } };
		this.doc.sections[s]?.questions.push(q);
		this.touch();
		return q.id;
	}

	removeQuestion(s: number, i: number): void {
		const section = this.doc.sections[s];
		if (!section || section.questions.length <= 1) return;
		section.questions.splice(i, 1);
		this.touch();
	}

	addSection(): string {
		const id = newSurveyKey();
		this.doc.sections.push({
			id,
			title: { sv: '', en: '' },
			questions: [{ ...newQuestion('single'), help: { sv: '', en: '' } }],
		});
		this.touch();
		return id;
	}

	removeSection(s: number): void {
		if (this.doc.sections.length <= 1) return;
		this.doc.sections.splice(s, 1);
		this.touch();
	}

	addOption(q: SurveyQuestion): string {
		const o = newOption();
		q.options = [...(q.options ?? []), o];
		this.touch();
		return o.value;
	}

	removeOption(q: SurveyQuestion, index: number): void {
		if (!q.options || q.options.length <= 2) return;
		q.options.splice(index, 1);
		this.touch();
	}

	moveOption(q: SurveyQuestion, index: number, step: -1 | 1): void {
		if (!q.options) return;
		q.options = move(q.options, index, step);
		this.touch();
	}

	/** Add a condition "show only if <the first earlier question> is one of …" (values chosen next). */
	addCondition(q: SurveyQuestion): boolean {
		const source = conditionSources(this.doc.sections, q.id)[0];
		if (!source) return false;
		const anyOf = [...(q.showIf?.anyOf ?? []), { questionId: source.question.id, values: [] }];
		q.showIf = { anyOf };
		this.touch();
		return true;
	}

	removeCondition(q: SurveyQuestion, index: number): void {
		if (!q.showIf) return;
		q.showIf.anyOf.splice(index, 1);
		if (q.showIf.anyOf.length === 0) delete q.showIf;
		this.touch();
	}

	/** A condition names another question: its values start empty (the old ones belong to the old question). */
	setConditionQuestion(q: SurveyQuestion, index: number, questionId: string): void {
		const c = q.showIf?.anyOf[index];
		if (!c) return;
		c.questionId = questionId;
		c.values = [];
		this.touch();
	}

	toggleConditionValue(q: SurveyQuestion, index: number, value: string, on: boolean): void {
		const c = q.showIf?.anyOf[index];
		if (!c) return;
		const without = c.values.filter((v) => v !== value);
		c.values = on ? [...without, value] : without;
		this.touch();
	}

	problems(): SurveyProblem[] {
		return surveyProblems($state.snapshot(this.doc) as SurveyDoc);
	}

	/**
	 * Save the draft now, or publish it. Publishing a draft identical to the latest published
	 * version is refused here as on the server (`SURVEY_RULE_REASONS.unchangedSurvey`).
	 */
	async save(status: SurveyDoc['status']): Promise<SurveyDoc> {
		const text = JSON.stringify($state.snapshot(this.doc));
		this.drafts.cancel(WORKING_COPY);
		const doc = surveyToStore($state.snapshot(this.doc) as SurveyDoc, status);
		const refusal = status === 'published' ? unchangedSurveyRefusal(doc, undefined, this.#versions()) : undefined;
		if (refusal) throw new AppError('forbidden', refusal);
		await this.#write(doc);
		this.drafts.settle(WORKING_COPY, text);
		return doc;
	}
}

/** The autosave key of the editor's one draft: the whole working copy, as JSON. */
const WORKING_COPY = 'doc';
