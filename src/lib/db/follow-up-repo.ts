/**
 * Live reads for the annual follow-up on the device: the unit's rounds, findings, assessments,
 * actions, the safety rep's requests and work stops (the year's facts and the actions to link),
 * and the organisation's templates (the kind of each round). Read by `[scope+type]`, so an answer typed into the follow-up does not
 * re-read them. Never writes.
 */
import { liveQuery, type Observable } from 'dexie';
import type { StoredDoc, TryggDb } from './app-db.ts';

type Of<T extends StoredDoc['type']> = Extract<StoredDoc, { type: T }>;

export type FollowUpUnitDocs = {
	rounds: Of<'round'>[];
	findings: Of<'finding'>[];
	assessments: Of<'assessment'>[];
	actions: Of<'action'>[];
	requests: Of<'request'>[];
	workstops: Of<'workstop'>[];
	templates: Of<'template'>[];
};

export const NO_UNIT_DOCS: FollowUpUnitDocs = {
	rounds: [],
	findings: [],
	assessments: [],
	actions: [],
	requests: [],
	workstops: [],
	templates: [],
};

export function liveFollowUpUnitDocs(db: TryggDb, scope: string): Observable<FollowUpUnitDocs> {
	return liveQuery(async () => {
		const ofType = async <T extends StoredDoc['type']>(inScope: string, type: T): Promise<Of<T>[]> =>
			(await db.docs.where('[scope+type]').equals([inScope, type]).toArray()).filter(
				(d): d is Of<T> => d.type === type && !d._deleted,
			);
		const [rounds, findings, assessments, actions, requests, workstops, templates] = await Promise.all([
			ofType(scope, 'round'),
			ofType(scope, 'finding'),
			ofType(scope, 'assessment'),
			ofType(scope, 'action'),
			ofType(scope, 'request'),
			ofType(scope, 'workstop'),
			ofType('org', 'template'),
		]);
		return { rounds, findings, assessments, actions, requests, workstops, templates };
	});
}
