/**
 * The counts the navigation shows beside its links: the signed-in person's overdue and
 * due-soon actions, and overdue 6:6a requests. They read the device's database, so the root
 * layout loads this module only once someone is signed in (a first visit's sign-in page does
 * not load the database code).
 */
import { app } from './app-state.svelte.ts';
import { MyActionsState } from './actions.svelte.ts';
import { liveRequests, overdueOnDevice } from './safety-requests.svelte.ts';

export class NavCounts {
	readonly #mine = new MyActionsState();
	readonly #requests = $derived(liveRequests(app.db));
	readonly overdueActions = $derived(this.#mine.overdue);
	readonly soonActions = $derived(this.#mine.soon);
	readonly overdueRequests = $derived(overdueOnDevice(this.#requests?.current ?? []));

	/** Re-read which actions are due (a new day: the tablet stayed open, or the clock moved). */
	refresh(): void {
		this.#mine.refresh();
	}
}
