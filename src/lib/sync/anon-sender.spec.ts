/**
 * The anonymous road on the device, against a fake server that signs and checks like the real
 * one (RFC 9474 with a real key): token taken while signed in, response sent without cookies,
 * delivered once across lost answers and offline spells, refusals kept.
 */
import 'fake-indexeddb/auto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import { anonResponseSchema } from '../domain/index.ts';
import { TryggDb } from '../db/app-db.ts';
import { queueResponse, readProgress, saveProgressAnswer } from '../db/surveys-repo.ts';
import { AnonSender, fromBase64Url, toBase64Url } from './anon-sender.ts';
import type { FetchLike } from './http.ts';

const CAMPAIGN = 'campaign:1';
let keys: CryptoKeyPair;
let spki: string;

beforeAll(async () => {
	keys = await RSABSSA.SHA384.generateKey({ modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) });
	spki = toBase64Url(new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey)));
});

type Call = { method: string; url: string; credentials: RequestCredentials | undefined; body: unknown };

/** A server as decision 0030 describes it, with switches for a lost network and lost answers. */
class FakeServer {
	calls: Call[] = [];
	offline = false;
	/** The server handles the next request of this path, then the answer is lost on the way. */
	loseAnswerOf: string | undefined;
	signedFor = new Set<string>();
	spent = new Map<string, string>();
	stored: unknown[] = [];
	refuseWith: { status: number; error: string; reason: string } | undefined;
	readonly suite = RSABSSA.SHA384.PSS.Randomized();

	fetch: FetchLike = async (url, init) => {
		const method = init?.method ?? 'GET';
		const body = init?.body ? (JSON.parse(String(init.body)) as unknown) : undefined;
		this.calls.push({ method, url, credentials: init?.credentials, body });
		if (this.offline) throw new TypeError('fetch failed');
		const response = await this.#handle(method, url, body);
		if (this.loseAnswerOf && url.endsWith(this.loseAnswerOf)) {
			this.loseAnswerOf = undefined;
			throw new TypeError('connection reset');
		}
		return response;
	};

	async #handle(method: string, url: string, body: unknown): Promise<Response> {
		const json = (status: number, value: unknown): Response =>
			new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
		if (url === `/api/campaigns/${encodeURIComponent(CAMPAIGN)}/key`) {
			return json(200, { campaignId: CAMPAIGN, group: 'a1', groupName: 'Enhet A1', publicKey: spki });
		}
		if (url === `/api/campaigns/${encodeURIComponent(CAMPAIGN)}/token` && method === 'POST') {
			const { blindedMsg } = body as { blindedMsg: string };
			// One blinded message per person: the same again is signed again, another is refused.
			if (this.signedFor.size > 0 && !this.signedFor.has(blindedMsg)) {
				return json(409, { error: 'conflict', reason: 'a token was already taken' });
			}
			this.signedFor.add(blindedMsg);
			const sig = await this.suite.blindSign(keys.privateKey, fromBase64Url(blindedMsg));
			return json(200, { blindSig: toBase64Url(sig) });
		}
		if (url === `/anon/campaigns/${encodeURIComponent(CAMPAIGN)}/responses` && method === 'POST') {
			if (this.refuseWith) return json(this.refuseWith.status, this.refuseWith);
			const parsed = anonResponseSchema.parse(body);
			const valid = await this.suite.verify(
				keys.publicKey,
				fromBase64Url(parsed.token.sig),
				fromBase64Url(parsed.token.msg),
			);
			if (!valid) return json(403, { error: 'forbidden', reason: 'the token is not valid' });
			const answers = JSON.stringify(parsed.answers);
			const spent = this.spent.get(parsed.token.msg);
			if (spent !== undefined) {
				return spent === answers ? json(200, { ok: true }) : json(409, { error: 'conflict', reason: 'spent' });
			}
			this.spent.set(parsed.token.msg, answers);
			this.stored.push(parsed);
			return json(200, { ok: true });
		}
		return json(404, { error: 'not_found', reason: 'missing' });
	}
}

let db: TryggDb;
let server: FakeServer;
let sender: AnonSender;

beforeEach(() => {
	db = new TryggDb(`anon-${Math.random()}`);
	server = new FakeServer();
	sender = new AnonSender({ db, fetch: server.fetch, backoff: () => 0 });
});

async function tables(): Promise<Record<string, number>> {
	return {
		progress: await db.surveyProgress.count(),
		tokens: await db.surveyTokens.count(),
		outbox: await db.anonOutbox.count(),
		sent: await db.surveysSent.count(),
	};
}

describe('the token', () => {
	it('is taken with the session and unblinded into a signature the server never saw', async () => {
		await sender.ensureToken(CAMPAIGN);
		const state = await db.surveyTokens.get(CAMPAIGN);
		expect(state?.group).toBe('a1');
		expect(state?.token).toBeDefined();
		const token = state?.token as { msg: string; sig: string };
		expect(await server.suite.verify(keys.publicKey, fromBase64Url(token.sig), fromBase64Url(token.msg))).toBe(true);
		const asked = server.calls.filter((c) => c.url.startsWith('/api/'));
		expect(asked.map((c) => c.credentials)).toEqual(['include', 'include']);
		// What the server signed is not what the response will carry.
		const blinded = (asked[1]?.body as { blindedMsg: string }).blindedMsg;
		expect(blinded).not.toBe(token.msg);
		expect(JSON.stringify(server.calls)).not.toContain(token.sig);
	});

	it('asks again with the same blinded message when the signature was lost on the way', async () => {
		server.loseAnswerOf = '/token';
		await expect(sender.ensureToken(CAMPAIGN)).rejects.toThrow();
		expect((await db.surveyTokens.get(CAMPAIGN))?.token).toBeUndefined();
		await sender.ensureToken(CAMPAIGN);
		expect((await db.surveyTokens.get(CAMPAIGN))?.token).toBeDefined();
		const blinded = server.calls.filter((c) => c.url.endsWith('/token')).map((c) => JSON.stringify(c.body));
		expect(blinded).toHaveLength(2);
		expect(new Set(blinded).size).toBe(1);
	});

	it('is asked for once when two pages want it at the same time', async () => {
		await Promise.all([sender.ensureToken(CAMPAIGN), sender.ensureToken(CAMPAIGN)]);
		expect(server.calls.filter((c) => c.url.endsWith('/token'))).toHaveLength(1);
	});
});

describe('sending', () => {
	it('posts group, token and answers without cookies; only "sent" stays on the device', async () => {
		await saveProgressAnswer(db, CAMPAIGN, 'meaningful', 4);
		await sender.ensureToken(CAMPAIGN);
		expect(await queueResponse(db, CAMPAIGN, { meaningful: 4 })).toBe(true);
		await sender.sendPending();
		const posted = server.calls.filter((c) => c.url.startsWith('/anon/'));
		expect(posted).toHaveLength(1);
		expect(posted[0]?.credentials).toBe('omit');
		expect(Object.keys(posted[0]?.body as object).sort()).toEqual(['answers', 'group', 'token']);
		expect(server.stored).toHaveLength(1);
		expect(await tables()).toEqual({ progress: 0, tokens: 0, outbox: 0, sent: 1 });
		expect(await db.surveysSent.get(CAMPAIGN)).toEqual({ campaignId: CAMPAIGN });
		// A second response for the same campaign is not queued.
		expect(await queueResponse(db, CAMPAIGN, { meaningful: 2 })).toBe(false);
	});

	it('answered offline without a token: waits, then takes the token and delivers once', async () => {
		server.offline = true;
		await queueResponse(db, CAMPAIGN, { meaningful: 5 });
		await expect(sender.sendPending()).rejects.toThrow();
		await expect(sender.sendPending()).rejects.toThrow();
		expect((await db.anonOutbox.get(CAMPAIGN))?.state).toBe('pending');
		server.offline = false;
		await sender.sendPending();
		await sender.sendPending();
		expect(server.stored).toHaveLength(1);
		expect(await tables()).toEqual({ progress: 0, tokens: 0, outbox: 0, sent: 1 });
	});

	it('a response stored but whose answer was lost is sent again and counted once', async () => {
		await queueResponse(db, CAMPAIGN, { meaningful: 3 });
		server.loseAnswerOf = '/responses';
		await expect(sender.sendPending()).rejects.toThrow();
		expect(server.stored).toHaveLength(1);
		expect(await db.anonOutbox.count()).toBe(1);
		await sender.sendPending();
		expect(server.stored).toHaveLength(1);
		expect(await tables()).toEqual({ progress: 0, tokens: 0, outbox: 0, sent: 1 });
	});

	it('a refusal keeps the response unchanged with the reason, and it is not sent again', async () => {
		await saveProgressAnswer(db, CAMPAIGN, 'meaningful', 1);
		await queueResponse(db, CAMPAIGN, { meaningful: 1 });
		server.refuseWith = { status: 409, error: 'conflict', reason: 'spent' };
		await sender.sendPending();
		const entry = await db.anonOutbox.get(CAMPAIGN);
		expect(entry).toEqual({
			campaignId: CAMPAIGN,
			answers: { meaningful: 1 },
			state: 'refused',
			error: { code: 'conflict', reason: 'spent' },
		});
		expect(await readProgress(db, CAMPAIGN)).toEqual({ meaningful: 1 });
		await sender.sendPending();
		expect(server.calls.filter((c) => c.url.startsWith('/anon/'))).toHaveLength(1);
		expect(await db.surveysSent.count()).toBe(0);
	});

	it('the running sender delivers when kicked after the network returns', async () => {
		server.offline = true;
		await queueResponse(db, CAMPAIGN, { meaningful: 2 });
		sender.start();
		await vitestWaitFor(() => server.calls.length >= 2);
		server.offline = false;
		sender.kick();
		await vitestWaitFor(async () => (await db.surveysSent.count()) === 1);
		await sender.stop();
		expect(server.stored).toHaveLength(1);
	});
});

/** Poll until `check` holds (no timing asserted: it only waits for the loop). */
async function vitestWaitFor(check: () => boolean | Promise<boolean>): Promise<void> {
	for (let i = 0; i < 500; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 5));
	}
	throw new Error('condition not met');
}
