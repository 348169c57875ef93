/**
 * The home page's surveys (issue 13): `openSurveysFor` (open-surveys.ts) over the device's
 * documents and survey tables, kept current while the page is open. The database, the person and
 * the clock are arguments, so a spec gives its own.
 */
import { swedishDay } from '../domain/index.ts';
import type { StoredDoc, TryggDb } from '../db/app-db.ts';
import { getDoc, liveDocsOfTypes, readDocsOfTypes } from '../db/docs-repo.ts';
import { liveSurveyStatus, readSurveyStatus, type SurveyStatus } from '../db/surveys-repo.ts';
import { openSurveysFor, SURVEY_DOC_TYPES, type OpenSurvey, type SurveyPerson } from './open-surveys.ts';

export * from './open-surveys.ts';

/** The home page's list of surveys, kept current while the page is open. */
export class StaffSurveys {
	readonly #db: TryggDb;
	readonly #person: () => SurveyPerson | null;
	readonly #clock: { now: () => Date };
	#docs = $state.raw<readonly StoredDoc[] | null>(null);
	#status = $state.raw<SurveyStatus>({ keyed: [], started: [], queued: [], sent: [] });

	constructor(db: TryggDb, person: () => SurveyPerson | null, clock: { now: () => Date }) {
		this.#db = db;
		this.#person = person;
		this.#clock = clock;
	}

	/** Every open campaign, asked or not yet known (null until read). */
	readonly #open = $derived.by((): OpenSurvey[] | null => {
		const person = this.#person();
		if (!this.#docs || !person) return null;
		return openSurveysFor(this.#docs, person, swedishDay(this.#clock.now()), this.#status);
	});

	/** The open surveys this person is asked to answer (null until read). */
	readonly list = $derived(this.#open?.filter((s) => s.asked) ?? null);

	/**
	 * Open campaigns whose token to ask for now (decision 0030: as soon as one is seen): not yet
	 * answered here, asked or not yet known — the server's key answer tells who is asked.
	 */
	readonly toPrepare = $derived(
		this.#open?.filter((s) => s.state === 'new' || s.state === 'started').map((s) => s.campaign._id) ?? [],
	);

	/** Surveys still to answer here (the badge): not sent and not queued. */
	readonly toAnswer = $derived(this.list?.filter((s) => s.state === 'new' || s.state === 'started').length ?? 0);

	async load(): Promise<void> {
		const [docs, status] = await Promise.all([readDocsOfTypes(this.#db, SURVEY_DOC_TYPES), readSurveyStatus(this.#db)]);
		this.#docs = docs;
		this.#status = status;
	}

	/** Follow the device (a sync brings a campaign, a response is delivered); returns the way to stop. */
	watch(): () => void {
		const docs = liveDocsOfTypes(this.#db, SURVEY_DOC_TYPES).subscribe({ next: (d) => (this.#docs = d) });
		const status = liveSurveyStatus(this.#db).subscribe({ next: (s) => (this.#status = s) });
		return () => {
			docs.unsubscribe();
			status.unsubscribe();
		};
	}
}

/** The employer's support contact a campaign names, when the device has it. */
export async function supportContactOf(db: TryggDb, campaignId: string): Promise<string | undefined> {
	const doc = await getDoc(db, campaignId);
	return doc?.type === 'campaign' ? doc.supportContact : undefined;
}
