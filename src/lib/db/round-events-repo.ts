/**
 * Live reads of a round's sign-off events on the device: its signatures and reopenings
 * (append-only, decision 0007), through the `roundId` index. Never writes.
 */
import { liveQuery, type Observable } from 'dexie';
import type { ReopeningDoc, SignatureDoc } from '../domain/index.ts';
import type { TryggDb } from './app-db.ts';
import { docsOfRound } from './docs-repo.ts';

export type RoundEvents = { signatures: SignatureDoc[]; reopenings: ReopeningDoc[] };

export function liveRoundEvents(db: TryggDb, roundId: string): Observable<RoundEvents> {
	return liveQuery(async () => {
		const docs = await docsOfRound(db, roundId);
		return {
			signatures: docs.filter((d): d is SignatureDoc & typeof d => d.type === 'signature'),
			reopenings: docs.filter((d): d is ReopeningDoc & typeof d => d.type === 'reopening'),
		};
	});
}
