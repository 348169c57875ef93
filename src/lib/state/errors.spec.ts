/**
 * A refused sign-in (429) shows the wait the server named in `Retry-After`, translated; a
 * change the server refused for a fixed reason says what it means for the person.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../domain/index.ts';
import { TOO_DEEP_REASON } from '../domain/nesting.ts';
import { requestJson } from '../sync/http.ts';
import { messageFor, messageForRefused } from './errors.ts';

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

describe('messageForRefused', () => {
	it('says a document nested too deep cannot be sent as it is', () => {
		expect(messageForRefused({ code: 'bad_request', reason: TOO_DEEP_REASON })).toBe(
			'Ändringen har fler nivåer än servern tar emot, så den kan inte skickas. Kasta ändringen och gör om den.',
		);
	});
});
