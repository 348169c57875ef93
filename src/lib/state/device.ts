/**
 * The device's database and sync, which the app state loads once someone is signed in or
 * remembered on the device (`loadDevice` in app-state.svelte.ts). Dexie and the replicator are
 * most of the app's first script, and the sign-in page of a first visit needs none of them
 * (issue 11: under 100 kB of JavaScript over the wire).
 */
export { openUserDb } from '../db/app-db.ts';
export {
	discardRefused,
	liveLastSync,
	liveOutbox,
	liveOutboxIds,
	retryAllRefused,
	retryRefused,
	saveDoc,
	saveDocs,
} from '../db/docs-repo.ts';
export { forgetPersonIfSent, unsentCount } from '../db/sign-out.ts';
export { liveAnonWaiting } from '../db/surveys-repo.ts';
export { BlobSync } from '../sync/blob-sync.ts';
export { AnonSender } from '../sync/anon-sender.ts';
export { Replicator } from '../sync/replicator.ts';
export { followServerClock, noteReading } from './server-clock.ts';
