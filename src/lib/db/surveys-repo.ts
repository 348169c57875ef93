/**
 * The device's side of anonymous surveys (issue 13, decision 0030): answers in progress, the
 * one-response token, the anonymous outbox and "sent" marks. None of it is synced; once a
 * response is delivered only the mark "sent for campaign X" stays, so nothing of what was
 * answered is left on the phone.
 */
import { liveQuery, type Observable } from 'dexie';
import type { SurveyAnswer, SurveyAnswers } from '../domain/index.ts';
import type { AnonOutboxEntry, SurveyToken, TryggDb } from './app-db.ts';

/** The answers kept for a campaign (empty when none). */
export async function readProgress(db: TryggDb, campaignId: string): Promise<SurveyAnswers> {
	return (await db.surveyProgress.get(campaignId))?.answers ?? {};
}

/** Keep one answer (undefined removes it), read and written in one transaction so answers never overwrite each other. */
export async function saveProgressAnswer(
	db: TryggDb,
	campaignId: string,
	questionId: string,
	answer: SurveyAnswer | undefined,
): Promise<void> {
	await db.transaction('rw', db.surveyProgress, async () => {
		const answers = { ...((await db.surveyProgress.get(campaignId))?.answers ?? {}) };
		if (answer === undefined) delete answers[questionId];
		else answers[questionId] = answer;
		await db.surveyProgress.put({ campaignId, answers });
	});
}

export function readToken(db: TryggDb, campaignId: string): Promise<SurveyToken | undefined> {
	return db.surveyTokens.get(campaignId);
}

export async function putToken(db: TryggDb, token: SurveyToken): Promise<void> {
	await db.surveyTokens.put(token);
}

/**
 * Queue a finished response. Refused when one is already queued or sent for the campaign (one
 * response per person). The answers in progress stay until delivery, so nothing is lost before.
 */
export async function queueResponse(db: TryggDb, campaignId: string, answers: SurveyAnswers): Promise<boolean> {
	return db.transaction('rw', db.anonOutbox, db.surveysSent, async () => {
		if ((await db.surveysSent.get(campaignId)) || (await db.anonOutbox.get(campaignId))) return false;
		await db.anonOutbox.put({ campaignId, answers, state: 'pending' });
		return true;
	});
}

/** Responses waiting to be sent (not the refused ones). */
export function pendingResponses(db: TryggDb): Promise<AnonOutboxEntry[]> {
	return db.anonOutbox.where('state').equals('pending').toArray();
}

/** Delivered: only the mark stays; answers, token and queued response are deleted together. */
export async function markSent(db: TryggDb, campaignId: string): Promise<void> {
	await db.transaction('rw', [db.surveyProgress, db.surveyTokens, db.anonOutbox, db.surveysSent], async () => {
		await db.surveysSent.put({ campaignId });
		await db.anonOutbox.delete(campaignId);
		await db.surveyTokens.delete(campaignId);
		await db.surveyProgress.delete(campaignId);
	});
}

/** The server refused the response: kept as it is, with the reason, for the person to see. */
export async function markRefused(
	db: TryggDb,
	campaignId: string,
	error: { code: string; reason: string },
): Promise<void> {
	await db.anonOutbox.update(campaignId, { state: 'refused', error });
}

/**
 * What the device knows of each campaign: the server gave this person its group's key (`keyed`:
 * they are asked), answers kept, a response queued (pending or refused), or sent.
 */
export type SurveyStatus = { keyed: string[]; started: string[]; queued: AnonOutboxEntry[]; sent: string[] };

export async function readSurveyStatus(db: TryggDb): Promise<SurveyStatus> {
	return {
		keyed: await db.surveyTokens.toCollection().primaryKeys(),
		started: await db.surveyProgress.toCollection().primaryKeys(),
		queued: await db.anonOutbox.toArray(),
		sent: await db.surveysSent.toCollection().primaryKeys(),
	};
}

export function liveSurveyStatus(db: TryggDb): Observable<SurveyStatus> {
	return liveQuery(() => readSurveyStatus(db));
}

/** How many finished responses wait to be sent (not the refused ones), live: the shell's indicator. */
export function liveAnonWaiting(db: TryggDb): Observable<number> {
	return liveQuery(() => db.anonOutbox.where('state').equals('pending').count());
}

/** The answers kept for a campaign, live. */
export function liveProgress(db: TryggDb, campaignId: string): Observable<SurveyAnswers> {
	return liveQuery(() => readProgress(db, campaignId));
}
