/**
 * `POST /anon/campaigns/:id/responses` over HTTP (decision 0030): every refusal with its fixed
 * reason and nothing stored, the retry of a lost answer, the batches of k and at close, and the
 * route's silence (no cookie read, no log line).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_REASONS, ANSWERS_REASONS } from '../../../src/lib/domain/index.ts';
import { ANON_DB } from '../anon/databases.ts';
import type { Token } from '../anon/test-phone.ts';
import {
	ObservedStore,
	campaignDoc,
	hmeAnswers,
	seededRandom,
	sendResponse,
	takeToken,
	writeCampaign,
} from '../anon/test-phone.ts';
import { DEMO_PASSWORD } from '../seed/demo.ts';
import type { Harness } from '../test-harness.ts';
import { TEST_SERVER_TIME, startServer, tempDir } from '../test-harness.ts';

const DAY = 86_400_000;
let h: Harness;
let dir: string;
let clock = TEST_SERVER_TIME;
let observed: ObservedStore;
const lines: string[] = [];

const serverOpts = () => ({
	now: () => new Date(clock),
	anonRandom: seededRandom(7),
	log: { level: 'info' as const, stream: { write: (line: string) => void lines.push(line) } },
	observeStore: (store: ConstructorParameters<typeof ObservedStore>[0]) => (observed = new ObservedStore(store)),
});

beforeAll(async () => {
	dir = await tempDir();
	h = await startServer(serverOpts(), dir);
});
afterAll(async () => {
	await h.close();
	const { rm } = await import('node:fs/promises');
	await rm(dir, { recursive: true, force: true });
});

const responsesWritten = (campaignId: string) =>
	observed.writes.filter((w) => w.db === ANON_DB.responses && w.docs.some((d) => d.campaignId === campaignId));

describe('refusals', () => {
	let token: Token;
	beforeAll(async () => {
		token = await takeToken(h, await h.signIn('medarbetare4'), 'demo-hme');
	});

	it('refuses a forged token, a token of another group and one of another campaign', async () => {
		const forged = { ...token, sig: token.sig.slice(0, -4) + (token.sig.endsWith('AAAA') ? 'BBBB' : 'AAAA') };
		expect((await sendResponse(h, 'demo-hme', forged, hmeAnswers(1))).json()).toEqual({
			error: 'forbidden',
			reason: ANON_REASONS.invalidToken,
		});
		expect((await sendResponse(h, 'demo-hme', { ...token, group: 'forv' }, hmeAnswers(1))).json()).toEqual({
			error: 'forbidden',
			reason: ANON_REASONS.otherGroup,
		});
		const other = await writeCampaign(h, campaignDoc());
		const key = other._id.slice('campaign:'.length);
		const foreign = await takeToken(h, await h.signIn('medarbetare5'), key);
		expect((await sendResponse(h, 'demo-hme', foreign, hmeAnswers(1))).json()).toEqual({
			error: 'forbidden',
			reason: ANON_REASONS.invalidToken,
		});
	});

	it('refuses answers that do not fit the survey, and a body that is not a response', async () => {
		expect((await sendResponse(h, 'demo-hme', token, { nope: 1 })).json()).toEqual({
			error: 'invalid',
			reason: ANSWERS_REASONS.unknown,
		});
		expect((await sendResponse(h, 'demo-hme', token, { meaningful: 'yes' })).json()).toEqual({
			error: 'invalid',
			reason: ANSWERS_REASONS.invalid,
		});
		expect((await sendResponse(h, 'demo-hme', token, {})).json()).toEqual({
			error: 'invalid',
			reason: ANSWERS_REASONS.empty,
		});
		const extra = await h.call({
			method: 'POST',
			url: '/anon/campaigns/demo-hme/responses',
			payload: { group: 'a1', token: { msg: token.msg, sig: token.sig }, answers: {}, who: 'me' },
		});
		expect(extra.json()).toEqual({ error: 'bad_request', reason: ANON_REASONS.malformed });
		const broken = await h.call({
			method: 'POST',
			url: '/anon/campaigns/demo-hme/responses',
			headers: { 'content-type': 'application/json' },
			payload: '{"group":',
		});
		expect(broken.json()).toEqual({ error: 'bad_request', reason: ANON_REASONS.malformed });
	});

	it('refuses an oversized body with a fixed reason', async () => {
		const res = await sendResponse(h, 'demo-hme', token, { safer: 'x'.repeat(300_000) });
		expect(res.statusCode).toBe(413);
		expect(res.json()).toEqual({ error: 'too_large', reason: ANON_REASONS.tooLarge });
	});

	it('refuses a campaign that is not open, or not there', async () => {
		const upcoming = await writeCampaign(h, campaignDoc({ opensOn: '2026-12-01', closesOn: '2026-12-20' }));
		const closed = await writeCampaign(h, campaignDoc({ opensOn: '2026-10-01', closesOn: '2026-10-20' }));
		const cancelled = await writeCampaign(h, campaignDoc({ cancelled: true }));
		const cases = [
			[upcoming._id, ANON_REASONS.upcoming],
			[closed._id, ANON_REASONS.closed],
			[cancelled._id, ANON_REASONS.cancelled],
		] as const;
		for (const [id, reason] of cases) {
			const res = await sendResponse(h, id.slice('campaign:'.length), token, hmeAnswers(1));
			expect(res.json(), reason).toEqual({ error: 'forbidden', reason });
		}
		expect((await sendResponse(h, 'none', token, hmeAnswers(1))).json()).toEqual({
			error: 'not_found',
			reason: ANON_REASONS.unknownCampaign,
		});
	});

	it('stored nothing for any refusal: the token still answers once', async () => {
		expect(observed.writes.filter((w) => w.db === ANON_DB.spent)).toEqual([]);
		expect(observed.localWrites.filter((w) => w.db === ANON_DB.responses)).toEqual([]);
		expect((await sendResponse(h, 'demo-hme', token, hmeAnswers(2))).statusCode).toBe(200);
	});

	it('answers a retry with the same answers as delivered, other answers as spent', async () => {
		expect((await sendResponse(h, 'demo-hme', token, hmeAnswers(2))).json()).toEqual({ ok: true });
		expect((await sendResponse(h, 'demo-hme', token, hmeAnswers(3))).json()).toEqual({
			error: 'conflict',
			reason: ANON_REASONS.spent,
		});
		const pendings = observed.localWrites.filter((w) => w.db === ANON_DB.responses);
		expect(pendings).toHaveLength(1);
		expect(pendings[0]?.doc.entries).toEqual([
			{ id: expect.any(String), group: 'a1', answers: hmeAnswers(2), tag: expect.any(String) },
		]);
	});
});

describe('batches', () => {
	it('holds responses until k are pending, then writes them together in shuffled order', async () => {
		const campaign = await writeCampaign(h, campaignDoc({ k: 5 }));
		const key = campaign._id.slice('campaign:'.length);
		const names = ['medarbetare6', 'medarbetare7', 'medarbetare8', 'medarbetare9', 'medarbetare10', 'medarbetare11'];
		const tokens = [];
		for (const name of names) tokens.push(await takeToken(h, await h.signIn(name), key));
		for (const [i, token] of tokens.slice(0, 4).entries()) {
			expect((await sendResponse(h, key, token, hmeAnswers(i))).statusCode).toBe(200);
		}
		expect(responsesWritten(campaign._id)).toEqual([]);
		expect((await sendResponse(h, key, tokens[4] as Token, hmeAnswers(4))).statusCode).toBe(200);
		const [batch] = responsesWritten(campaign._id);
		expect(batch?.docs).toHaveLength(5);
		expect(batch?.docs.map((d) => Object.keys(d).sort())).toEqual(
			Array(5).fill(['_id', 'answers', 'campaignId', 'group', 'week']),
		);
		expect(new Set(batch?.docs.map((d) => d.week))).toEqual(new Set(['2026-W48']));
		// Stored in another order than they came (the seeded source makes this exact).
		expect(batch?.docs.map((d) => d.answers)).not.toEqual([0, 1, 2, 3, 4].map(hmeAnswers));
		expect(batch?.docs.map((d) => d.answers)).toEqual(expect.arrayContaining([0, 1, 2, 3, 4].map(hmeAnswers)));
		// The sixth waits for four more, or the close.
		expect((await sendResponse(h, key, tokens[5] as Token, hmeAnswers(5))).statusCode).toBe(200);
		expect(responsesWritten(campaign._id)).toHaveLength(1);
		const participation = await h.call({
			method: 'GET',
			url: `/api/campaigns/${key}/participation`,
			cookie: await h.signIn('hr'),
		});
		expect(participation.json().groups).toContainEqual(expect.objectContaining({ group: 'a1', responses: 6 }));
	});

	it('writes what is pending once the campaign has closed, on the next request or at start', async () => {
		const closesOn = '2026-11-30';
		const first = await writeCampaign(h, campaignDoc({ k: 10, closesOn }));
		const second = await writeCampaign(h, campaignDoc({ k: 10, closesOn }));
		for (const campaign of [first, second]) {
			const key = campaign._id.slice('campaign:'.length);
			const token = await takeToken(h, await h.signIn('medarbetare12'), key);
			expect((await sendResponse(h, key, token, hmeAnswers(9))).statusCode).toBe(200);
			expect(responsesWritten(campaign._id)).toEqual([]);
		}
		clock += 7 * DAY; // past the close (and past every session: sign in afresh)
		const signIn = await h.call({
			method: 'POST',
			url: '/db/_session',
			payload: { name: 'hr', password: DEMO_PASSWORD },
		});
		const cookie = `AuthSession=${signIn.cookies.find((c) => c.name === 'AuthSession')?.value ?? ''}`;
		const res = await h.call({
			method: 'GET',
			url: `/api/campaigns/${first._id.slice('campaign:'.length)}/participation`,
			cookie,
		});
		expect(res.json().phase).toBe('closed');
		expect(responsesWritten(first._id).map((w) => w.docs.length)).toEqual([1]);
		await h.app.close();
		h = await startServer(serverOpts(), dir);
		// Written at start, or already before: survey results flush every closed campaign (issue 14).
		const stored = (await observed.all(ANON_DB.responses)).filter((d) => d.campaignId === second._id);
		expect(stored).toHaveLength(1);
		expect(await observed.getLocal(ANON_DB.responses, `pending~${second._id}`)).toMatchObject({ entries: [] });
		clock -= 7 * DAY;
	});
});

describe('silence', () => {
	it('reads no cookie, sets none, and writes no log line', async () => {
		const before = lines.length;
		const token = await takeToken(h, await h.signIn('skyddsombud'), 'demo-hme');
		const afterToken = lines.length;
		const res = await h.call({
			method: 'POST',
			url: '/anon/campaigns/demo-hme/responses',
			headers: { cookie: 'AuthSession=not-a-session', 'user-agent': 'Phone/1.0' },
			payload: { group: token.group, token: { msg: token.msg, sig: token.sig }, answers: hmeAnswers(3) },
		});
		expect(res.statusCode).toBe(200);
		expect(res.headers['set-cookie']).toBeUndefined();
		expect(afterToken).toBeGreaterThan(before); // the signed-in requests are logged
		expect(lines.length).toBe(afterToken);
		expect(lines.join('\n')).not.toContain('/anon');
	});
});
