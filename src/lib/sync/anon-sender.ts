/**
 * The anonymous road of survey responses (issue 13, decision 0030). While the person is signed in,
 * the phone fetches its reporting group's public key, blinds a random message, keeps the blinding
 * state on the device and asks for a blind signature (cookies included); then it unblinds the
 * signature into a token that names no one. A finished response waits in its own outbox and is
 * posted to `/anon/...` with `credentials: 'omit'`: the group, the token and the answers, nothing
 * else. Network and server failures back off and retry; a 200 (also the server's answer to the
 * same token with the same answers again) means delivered, and only "sent" stays on the device;
 * a refusal (`{error, reason}`) keeps the response as it is, with the reason, for the person to see.
 */
import type { BlindRSA } from '@cloudflare/blindrsa-ts';
import { AppError, campaignKeySchema, tokenResponseSchema, type AnonResponse } from '../domain/index.ts';
import type { SurveyToken, TryggDb } from '../db/app-db.ts';
import { markRefused, markSent, pendingResponses, putToken, readToken } from '../db/surveys-repo.ts';
import { defaultBackoff, wait } from './backoff.ts';
import { requestJson, type FetchLike } from './http.ts';

/** The parts of RFC 9474's blind RSA the phone uses. */
export type BlindSuite = Pick<BlindRSA, 'prepare' | 'blind' | 'finalize'>;

/** RSABSSA-SHA384-PSS-Randomized, loaded on first need so it stays out of the first load. */
export async function loadBlindSuite(): Promise<BlindSuite> {
	const { RSABSSA } = await import('@cloudflare/blindrsa-ts');
	return RSABSSA.SHA384.PSS.Randomized();
}

export interface AnonSenderOptions {
	db: TryggDb;
	fetch: FetchLike;
	baseUrl?: string;
	/** Wait before retry number `attempt`; injectable so tests need not wait. */
	backoff?: (attempt: number) => number;
	suite?: () => Promise<BlindSuite>;
}

/** Codes worth another try later (the session may come back too); anything else is a refusal. */
const TRANSIENT = new Set(['network', 'server', 'rate_limited', 'unauthorized']);

export function isTransient(err: unknown): boolean {
	return !(err instanceof AppError) || TRANSIENT.has(err.code);
}

export function toBase64Url(bytes: Uint8Array): string {
	let text = '';
	for (const b of bytes) text += String.fromCharCode(b);
	return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
	const raw = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
	const bytes = new Uint8Array(raw.length);
	for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
	return bytes;
}

function importPublicKey(spki: string): Promise<CryptoKey> {
	// Extractable: the suite reads the modulus from the key.
	return crypto.subtle.importKey('spki', fromBase64Url(spki), { name: 'RSA-PSS', hash: 'SHA-384' }, true, ['verify']);
}

export class AnonSender {
	readonly #o: Required<AnonSenderOptions>;
	/** One token request per campaign at a time: a second blinded message would be refused. */
	readonly #taking = new Map<string, Promise<void>>();
	#suite: Promise<BlindSuite> | undefined;
	#running = false;
	#wake: AbortController | undefined;
	#stopped = new AbortController();
	#loop: Promise<void> | undefined;

	constructor(options: AnonSenderOptions) {
		this.#o = { baseUrl: '', backoff: defaultBackoff, suite: loadBlindSuite, ...options };
	}

	#blind(): Promise<BlindSuite> {
		this.#suite ??= this.#o.suite().catch((err: unknown) => {
			this.#suite = undefined; // offline before it was cached: try again later
			throw err;
		});
		return this.#suite;
	}

	#campaignUrl(prefix: '/api' | '/anon', campaignId: string, rest: string): string {
		return `${this.#o.baseUrl}${prefix}/campaigns/${encodeURIComponent(campaignId)}/${rest}`;
	}

	/**
	 * Have the campaign's token on the device: fetch the key, blind, ask for the signature and
	 * unblind, as far as not done yet. The blinding state is stored before the server is asked, so
	 * an answer lost on the way asks again with the same blinded message (which the server signs
	 * again). Needs the session; throws what went wrong.
	 */
	ensureToken(campaignId: string): Promise<void> {
		const running = this.#taking.get(campaignId);
		if (running) return running;
		const taking = this.#takeToken(campaignId).finally(() => this.#taking.delete(campaignId));
		this.#taking.set(campaignId, taking);
		return taking;
	}

	async #takeToken(campaignId: string): Promise<void> {
		const { db, fetch } = this.#o;
		let state = await readToken(db, campaignId);
		if (state?.token) return;
		const suite = await this.#blind();
		if (!state) {
			const key = campaignKeySchema.parse(
				await requestJson(fetch, this.#campaignUrl('/api', campaignId, 'key'), { credentials: 'include' }),
			);
			const publicKey = await importPublicKey(key.publicKey);
			const prepared = suite.prepare(crypto.getRandomValues(new Uint8Array(32)));
			const { blindedMsg, inv } = await suite.blind(publicKey, prepared);
			state = {
				campaignId,
				group: key.group,
				publicKey: key.publicKey,
				prepared: toBase64Url(prepared),
				blindedMsg: toBase64Url(blindedMsg),
				inv: toBase64Url(inv),
			} satisfies SurveyToken;
			await putToken(db, state);
		}
		const { blindSig } = tokenResponseSchema.parse(
			await requestJson(fetch, this.#campaignUrl('/api', campaignId, 'token'), {
				method: 'POST',
				body: { blindedMsg: state.blindedMsg },
				credentials: 'include',
			}),
		);
		// Finalize checks the signature against the group's key: a wrong one throws here.
		const sig = await suite.finalize(
			await importPublicKey(state.publicKey),
			fromBase64Url(state.prepared),
			fromBase64Url(blindSig),
			fromBase64Url(state.inv),
		);
		await putToken(db, { ...state, token: { msg: state.prepared, sig: toBase64Url(sig) } });
	}

	/** Ask for the tokens of campaigns seen open, early and quietly (decision 0030: not next to the send). */
	prepare(campaignIds: readonly string[]): void {
		for (const id of campaignIds) void this.ensureToken(id).catch(() => undefined);
	}

	/**
	 * Send every queued response once. A refusal is stored on its entry; throws on a failure worth
	 * retrying (no network, the server down, the session gone before the token came).
	 */
	async sendPending(): Promise<void> {
		const { db, fetch } = this.#o;
		let retry: unknown;
		for (const entry of await pendingResponses(db)) {
			try {
				await this.ensureToken(entry.campaignId);
				const state = await readToken(db, entry.campaignId);
				if (!state?.token) throw new AppError('server', 'no token after taking one');
				const body: AnonResponse = { group: state.group, token: state.token, answers: entry.answers };
				await requestJson(fetch, this.#campaignUrl('/anon', entry.campaignId, 'responses'), {
					method: 'POST',
					body,
					credentials: 'omit',
				});
				await markSent(db, entry.campaignId);
			} catch (err) {
				if (isTransient(err)) {
					retry ??= err;
					continue;
				}
				const reason = err instanceof AppError ? err.message : String(err);
				await markRefused(db, entry.campaignId, { code: (err as AppError).code ?? 'server', reason });
			}
		}
		if (retry !== undefined) throw retry;
	}

	/** Start sending: now, and again on every kick, with backoff after failures, until stop(). */
	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#stopped = new AbortController();
		this.#loop = this.#run();
	}

	/** A response was queued or the network came back: send now instead of waiting. */
	kick(): void {
		this.#wake?.abort();
	}

	async stop(): Promise<void> {
		this.#running = false;
		this.#stopped.abort();
		this.#wake?.abort();
		await this.#loop?.catch(() => undefined);
	}

	async #run(): Promise<void> {
		let attempt = 0;
		while (this.#running) {
			this.#wake = new AbortController();
			const signal = AbortSignal.any([this.#wake.signal, this.#stopped.signal]);
			try {
				await this.sendPending();
				attempt = 0;
				await wait(Number.POSITIVE_INFINITY, signal); // nothing to do until a kick
			} catch (err) {
				// Signed out on the server: wait for a kick (signed in again, or the network back).
				if (err instanceof AppError && err.code === 'unauthorized') await wait(Number.POSITIVE_INFINITY, signal);
				else await wait(this.#o.backoff(attempt++), signal);
			}
		}
	}
}
