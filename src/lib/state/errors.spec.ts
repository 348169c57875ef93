/**
 * A refused sign-in (429) shows the wait the server named in `Retry-After`, translated; a
 * refusal with a fixed reason says what happened and what to do, and a change the database
 * behind the server refused is told apart from one the rules refused, and a quota or a document
 * nested too deep says what it means for the person.
 */
import { describe, expect, it } from 'vitest';
import {
	ANON_REASONS,
	ANSWERS_REASONS,
	AppError,
	OLDER_APP_REASON,
	PUBLISHED_TEMPLATE_REASON,
	ROLE_SUBMIT_REASON,
	STORE_REFUSED_REASON,
	SURVEY_RULE_REASONS,
} from '../domain/index.ts';
import { TOO_DEEP_REASON } from '../domain/nesting.ts';
import { UNCHANGED_TEMPLATE_REASON } from '../domain/templates.ts';
import {
	LOCAL_DOCS_QUOTA_REASON,
	PERSON_DOCS_QUOTA_REASON,
	PERSON_PHOTOS_QUOTA_REASON,
	SCOPE_DOCS_QUOTA_REASON,
	SCOPE_PHOTOS_QUOTA_REASON,
} from '../domain/quotas.ts';
import { i18n } from '../i18n/i18n.svelte.ts';
import { requestJson } from '../sync/http.ts';
import {
	CREATED_BY_FIXED_REASON,
	RECORDED_AHEAD_REASON,
	RECORDED_NAME_REASON,
	RECORDED_TOO_OLD_REASON,
	SAME_SIGNER_REASON,
	TEMPLATE_ANSWERED_REASON,
} from '../domain/recorded.ts';
import { messageFor, messageForAnon, messageForRefused, messageForStored } from './errors.ts';

const refused = (retryAfter: string | undefined) => async () =>
	new Response(JSON.stringify({ error: 'rate_limited', reason: 'Too many failed sign-ins. Try again in 30 s.' }), {
		status: 429,
		headers: { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) },
	});

async function failure(retryAfter: string | undefined): Promise<unknown> {
	return requestJson(refused(retryAfter), '/db/_session', { method: 'POST', body: {} }).catch((err: unknown) => err);
}

describe('messageFor a 429', () => {
	it('names the wait in seconds, or in minutes when it is long', async () => {
		const err = await failure('30');
		expect(err).toBeInstanceOf(AppError);
		expect((err as AppError).retryAfterSeconds).toBe(30);
		expect(messageFor(err)).toBe('För många försök. Försök igen om 30 sekunder.');
		expect(messageFor(await failure('900'))).toBe('För många försök. Försök igen om 15 minuter.');
	});

	it('falls back to the general message without a usable Retry-After', async () => {
		expect(messageFor(await failure(undefined))).toBe('För många försök. Vänta en stund och försök igen.');
		expect(messageFor(await failure('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(
			'För många försök. Vänta en stund och försök igen.',
		);
	});
});

describe('refusals of records (decision 0016)', () => {
	it('explains each fixed reason in its own words, in the queue and where a command failed', () => {
		const texts = new Set<string>();
		for (const reason of [
			RECORDED_TOO_OLD_REASON,
			RECORDED_AHEAD_REASON,
			RECORDED_NAME_REASON,
			CREATED_BY_FIXED_REASON,
			SAME_SIGNER_REASON,
			TEMPLATE_ANSWERED_REASON,
		]) {
			const queued = messageForRefused({ code: 'forbidden', reason });
			expect(queued).not.toBe(messageForStored({ code: 'forbidden', reason }));
			expect(messageFor(new AppError('forbidden', reason))).toBe(queued);
			texts.add(queued);
		}
		expect(texts.size).toBe(6);
		expect(messageForRefused({ code: 'forbidden', reason: RECORDED_TOO_OLD_REASON })).toMatch(/mer än 7 dagar bakåt/);
		// Any other reason keeps the general text of its code.
		expect(messageForRefused({ code: 'forbidden', reason: 'you may sign only as yourself' })).toBe(
			messageForStored({ code: 'forbidden', reason: 'x' }),
		);
	});
});

describe('messageForRefused', () => {
	it('names the database behind the server when it refused a change, with or without its reason', () => {
		const text =
			'Serverns databas tog inte emot ändringen, fast den följer reglerna. Ändringen finns kvar här. Kontakta den som förvaltar Trygg.';
		expect(messageForRefused({ code: 'invalid', reason: `${STORE_REFUSED_REASON}: invalid UTF-8 JSON` })).toBe(text);
		expect(messageForRefused({ code: 'too_large', reason: STORE_REFUSED_REASON })).toBe(text);
		expect(messageForRefused({ code: 'forbidden', reason: `${STORE_REFUSED_REASON}: only admins` })).toBe(text);
		// A refusal by Trygg's own rules keeps its own message.
		expect(messageForRefused({ code: 'invalid', reason: 'status: Invalid option' })).toBe(
			'Uppgifterna är inte giltiga: status: Invalid option',
		);
	});
});

describe('messageForRefused', () => {
	it('says a document nested too deep cannot be sent as it is', () => {
		expect(messageForRefused({ code: 'bad_request', reason: TOO_DEEP_REASON })).toBe(
			'Ändringen har fler nivåer än servern tar emot, så den kan inte skickas. Kasta ändringen och gör om den.',
		);
	});

	it('says which quota was reached and what to do, in Swedish and in English', async () => {
		const refusals = [
			{ code: 'forbidden', reason: SCOPE_DOCS_QUOTA_REASON },
			{ code: 'forbidden', reason: PERSON_DOCS_QUOTA_REASON },
			{ code: 'forbidden', reason: LOCAL_DOCS_QUOTA_REASON },
			{ code: 'too_large', reason: SCOPE_PHOTOS_QUOTA_REASON },
			{ code: 'too_large', reason: PERSON_PHOTOS_QUOTA_REASON },
		];
		const other = { code: 'forbidden', reason: 'some other reason' };
		const sv = [...refusals, other].map(messageForRefused);
		expect(sv[0]).toMatch(/gränsen för hur många dokument/);
		expect(sv[1]).toMatch(/skicka den igen i morgon/);
		expect(sv[3]).toMatch(/fler foton/);
		try {
			await i18n.set('en');
			const en = [...refusals, other].map(messageForRefused);
			expect(en[1]).toMatch(/send it again tomorrow/);
			expect(en[4]).toMatch(/as many photos here as one person may/);
			// Five different messages in each language, none of them the general refusal.
			for (const texts of [sv, en]) expect(new Set(texts).size).toBe(6);
			expect(en).not.toEqual(sv);
		} finally {
			await i18n.set('sv');
		}
	});
});

describe('messageForRefused (decision 0026)', () => {
	it('says a change from an older app version or on an unpublished template is not a permission problem', async () => {
		const older = { code: 'invalid', reason: `${OLDER_APP_REASON}: a finding keeps its risk in an assessment` };
		const template = { code: 'forbidden', reason: PUBLISHED_TEMPLATE_REASON };
		const forbidden = messageForRefused({ code: 'forbidden', reason: 'some other reason' });
		expect(messageForRefused(older)).toMatch(/äldre version av appen/);
		expect(messageForRefused(template)).toMatch(/inte är publicerad/);
		expect([messageForRefused(older), messageForRefused(template)]).not.toContain(forbidden);
		try {
			await i18n.set('en');
			expect(messageForRefused(older)).toMatch(/older version of the app/);
			expect(messageForRefused(template)).toMatch(/not published/);
		} finally {
			await i18n.set('sv');
		}
	});
});

describe('an unchanged template version (issue 12)', () => {
	it('explains a publish refused as unchanged, on the device and from the sync queue, in both languages', async () => {
		const refused = { code: 'forbidden', reason: UNCHANGED_TEMPLATE_REASON };
		const onDevice = new AppError('forbidden', UNCHANGED_TEMPLATE_REASON);
		expect(messageForRefused(refused)).toMatch(/likadant som den senast publicerade/);
		expect(messageFor(onDevice)).toBe(messageForRefused(refused));
		try {
			await i18n.set('en');
			expect(messageFor(onDevice)).toMatch(/same as the latest published version/);
		} finally {
			await i18n.set('sv');
		}
	});
});

describe('a survey response the anonymous road refused', () => {
	it('says what was wrong with the answers, in the chosen language', async () => {
		expect(messageForAnon({ code: 'invalid', reason: ANSWERS_REASONS.required })).toBe(
			'En obligatorisk fråga är inte besvarad.',
		);
		expect(messageForAnon({ code: 'invalid', reason: ANSWERS_REASONS.hidden })).toMatch(/passar inte enkätens version/);
		expect(messageForAnon({ code: 'too_large', reason: ANSWERS_REASONS.tooLong })).toBe(
			'Ett fritextsvar är för långt.',
		);
		expect(messageForAnon({ code: 'conflict', reason: ANON_REASONS.spent })).toMatch(/redan svarat/);
		expect(messageForAnon({ code: 'forbidden', reason: ANON_REASONS.closed })).toMatch(/har stängt/);
		expect(messageForAnon({ code: 'conflict', reason: ANON_REASONS.tokenTaken })).toMatch(/redan hämtat/);
		expect(messageForAnon({ code: 'conflict', reason: 'some other conflict' })).toMatch(/redan svarat/);
		expect(messageForAnon({ code: 'forbidden', reason: 'x' })).toMatch(/din grupp/);
		expect(messageForAnon({ code: 'not_found', reason: 'x' })).toMatch(/inte längre/);
		await i18n.set('en');
		expect(messageForAnon({ code: 'conflict', reason: 'x' })).toBe(
			'You have already answered this survey. A second response is not accepted.',
		);
		await i18n.set('sv');
	});
});

describe('survey and campaign refusals (decision 0030)', () => {
	it('explain each write rule in its own words, in both languages', async () => {
		const reasons = Object.values(SURVEY_RULE_REASONS);
		const general = messageFor(new AppError('forbidden', 'some other reason'));
		const texts = () => reasons.map((reason) => messageFor(new AppError('forbidden', reason)));
		const sv = texts();
		expect(sv).not.toContain(general);
		// campaignTooFew is the same reason as ANON_REASONS.tooFewPeople: one text.
		expect(new Set(sv).size).toBe(new Set(reasons).size);
		try {
			await i18n.set('en');
			const en = texts();
			expect(en[0]).toMatch(/published survey version does not change/);
			expect(new Set(en).size).toBe(new Set(reasons).size);
			expect(en).not.toEqual(sv);
		} finally {
			await i18n.set('sv');
		}
	});
});

describe('HR’s survey action refused (decision 0040)', () => {
	it('says what the road allows and who changes the action, in both languages', async () => {
		const refusal = { code: 'forbidden', reason: ROLE_SUBMIT_REASON };
		expect(messageForRefused(refusal)).toMatch(/bara lägga till en ny åtgärd från ett enkätresultat/);
		expect(messageForRefused(refusal)).not.toBe(messageForStored(refusal));
		try {
			await i18n.set('en');
			expect(messageForRefused(refusal)).toMatch(/only add a new action from a survey result/);
		} finally {
			await i18n.set('sv');
		}
	});
});
