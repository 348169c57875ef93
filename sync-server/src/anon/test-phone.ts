/**
 * Test support for the anonymous road: what a phone does (decision 0030) — fetch the group key,
 * blind a random message, ask for the blind signature, unblind, and send the response without a
 * cookie. Used only by `*.spec.ts`; it must never be imported by server code.
 */
import type { AnonResponse, CampaignKey, SurveyAnswers } from '../../../src/lib/domain/index.ts';
import type { Harness } from '../test-harness.ts';
import { SUITE, fromB64url, toB64url } from './keys.ts';

export type Token = { group: string; msg: string; sig: string; blindedMsg: string };

/** Import an SPKI public key as served by `GET /api/campaigns/:id/key`. */
export function importPublic(spki: string): Promise<CryptoKey> {
	return crypto.subtle.importKey('spki', fromB64url(spki), { name: 'RSA-PSS', hash: 'SHA-384' }, true, ['verify']);
}

/** Take a token for `campaignKey` as the person signed in with `cookie`. */
export async function takeToken(h: Harness, cookie: string, campaignKey: string): Promise<Token> {
	const keyRes = await h.call({ method: 'GET', url: `/api/campaigns/${campaignKey}/key`, cookie });
	if (keyRes.statusCode !== 200) throw new Error(`key: ${keyRes.statusCode} ${keyRes.body}`);
	const key = keyRes.json<CampaignKey>();
	const publicKey = await importPublic(key.publicKey);
	const prepared = SUITE.prepare(crypto.getRandomValues(new Uint8Array(32)));
	const { blindedMsg, inv } = await SUITE.blind(publicKey, prepared);
	const blinded = toB64url(blindedMsg);
	const tokenRes = await h.call({
		method: 'POST',
		url: `/api/campaigns/${campaignKey}/token`,
		cookie,
		payload: { blindedMsg: blinded },
	});
	if (tokenRes.statusCode !== 200) throw new Error(`token: ${tokenRes.statusCode} ${tokenRes.body}`);
	const sig = await SUITE.finalize(
		publicKey,
		prepared,
		fromB64url(tokenRes.json<{ blindSig: string }>().blindSig),
		inv,
	);
	return { group: key.group, msg: toB64url(prepared), sig: toB64url(sig), blindedMsg: blinded };
}

/** Send a response on the anonymous road: no cookie, nothing but the body. */
export function sendResponse(h: Harness, campaignKey: string, token: Token, answers: SurveyAnswers) {
	const payload: AnonResponse = { group: token.group, token: { msg: token.msg, sig: token.sig }, answers };
	return h.call({ method: 'POST', url: `/anon/campaigns/${campaignKey}/responses`, payload });
}

/** A valid HME answer set (every statement 1–5), varied by `seed`. */
export function hmeAnswers(seed: number): SurveyAnswers {
	const ids = ['meaningful', 'learning', 'looking-forward', 'appreciation', 'trust', 'responsibility'];
	return Object.fromEntries(ids.map((id, i) => [id, ((seed + i) % 5) + 1]));
}
