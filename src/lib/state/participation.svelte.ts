/**
 * Participation in a campaign (issue 13, decision 0030): per reporting group, how many are
 * eligible and how many answered, from `GET /api/campaigns/:id/participation` — HR sees every
 * group, a manager the server's choice of theirs. Never a single answer or who answered. Online
 * only; the last figures fetched stay on the device (aggregates of groups of at least k) and
 * are shown, with when they were fetched, while offline.
 */
import { participationSchema, type Participation } from '../domain/surveys.ts';
import { requestJson, type FetchLike } from '../sync/http.ts';
import { app } from './app-state.svelte.ts';
import { browserStorage, type DraftStorage } from './autosave.svelte.ts';
import { errorCode, messageFor } from './errors.ts';
import { clock, type Clock } from './clock.ts';

export type ParticipationDeps = {
	fetch: FetchLike;
	online: () => boolean;
	/** Where the last figures are kept (`localStorage`), per person. */
	storage: DraftStorage | null;
	person: () => string | null;
	clock: Clock;
};

/** One group's row: its figures and its rate (responses / eligible), or null when not given. */
export type ParticipationRow = Participation['groups'][number] & { rate: number | null };

/**
 * The share of a group's eligible people that answered, 0–1, or null when unknown.
 * @example participationRate(3, 12) // 0.25
 */
export function participationRate(responses: number | null, eligible: number): number | null {
	if (responses === null || eligible <= 0) return null;
	return Math.min(1, responses / eligible);
}

type Kept = { fetchedAt: string; data: Participation };

export class ParticipationView {
	data = $state<Participation | null>(null);
	/** When `data` was fetched (ISO), shown with kept figures. */
	fetchedAt = $state<string | null>(null);
	/** The figures shown are kept ones (offline or the request failed). */
	stale = $state(false);
	error = $state<string | null>(null);
	/** The last request did not reach the server (offline, whatever the browser says). */
	unreachable = $state(false);
	loading = $state(false);
	readonly #deps: ParticipationDeps;
	readonly #campaignId: string;

	constructor(campaignId: string, deps: ParticipationDeps) {
		this.#campaignId = campaignId;
		this.#deps = deps;
	}

	get online(): boolean {
		return this.#deps.online();
	}

	get rows(): ParticipationRow[] {
		return (this.data?.groups ?? []).map((g) => ({ ...g, rate: participationRate(g.responses, g.eligible) }));
	}

	#key(): string {
		return `trygg.participation.${this.#deps.person() ?? ''}|${this.#campaignId}`;
	}

	#kept(): Kept | null {
		try {
			const text = this.#deps.storage?.getItem(this.#key());
			if (!text) return null;
			const kept = JSON.parse(text) as Kept;
			return { fetchedAt: String(kept.fetchedAt), data: participationSchema.parse(kept.data) };
		} catch {
			return null;
		}
	}

	/** Fetch the figures; offline (or on failure) show the kept ones with why. */
	async load(): Promise<void> {
		this.error = null;
		if (!this.#deps.online()) {
			this.unreachable = true;
			this.#showKept();
			return;
		}
		this.loading = true;
		try {
			const url = `/api/campaigns/${encodeURIComponent(this.#campaignId)}/participation`;
			const data = participationSchema.parse(await requestJson(this.#deps.fetch, url));
			const fetchedAt = this.#deps.clock.now().toISOString();
			this.data = data;
			this.fetchedAt = fetchedAt;
			this.stale = false;
			this.unreachable = false;
			try {
				this.#deps.storage?.setItem(this.#key(), JSON.stringify({ fetchedAt, data } satisfies Kept));
			} catch {
				// Storage full or private mode: the figures are still shown now.
			}
		} catch (err) {
			// Out of reach is said once, as "needs a connection"; a refusal in its own words.
			this.unreachable = errorCode(err) === 'network';
			this.error = this.unreachable ? null : messageFor(err);
			this.#showKept();
		} finally {
			this.loading = false;
		}
	}

	#showKept(): void {
		const kept = this.#kept();
		this.data = kept?.data ?? null;
		this.fetchedAt = kept?.fetchedAt ?? null;
		this.stale = kept !== null;
	}
}

/**
 * One view per campaign for a page listing several (kept while the page lives, so a re-render
 * does not fetch again). Not reactive on purpose: the views hold the state.
 */
export class ParticipationViews {
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly #views = new Map<string, ParticipationView>();
	readonly #deps: ParticipationDeps;
	constructor(deps: ParticipationDeps) {
		this.#deps = deps;
	}
	of(campaignId: string): ParticipationView {
		let view = this.#views.get(campaignId);
		if (!view) {
			view = new ParticipationView(campaignId, this.#deps);
			this.#views.set(campaignId, view);
		}
		return view;
	}
}

/** The app's: the browser's fetch, its network state, `localStorage`, the signed-in person, the clock. */
export function appParticipationDeps(): ParticipationDeps {
	return {
		fetch: (input, init) => fetch(input, init),
		online: () => app.online,
		storage: browserStorage(),
		person: () => app.me?.name ?? null,
		clock,
	};
}
