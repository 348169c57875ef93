/**
 * The signed-in side of the anonymous road over HTTP (decision 0030): the group key, one token
 * per person and campaign, participation per group by role, against the seeded demo campaign
 * (HME to Förvaltningen, k 5: Enhet A1 a group of its own, everyone else pooled under forv).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_REASONS, participationSchema } from '../../../src/lib/domain/index.ts';
import { hmeAnswers, sendResponse, takeToken } from '../anon/test-phone.ts';
import type { Harness } from '../test-harness.ts';
import { startServer } from '../test-harness.ts';

const CAMPAIGN = 'demo-hme';
let h: Harness;

beforeAll(async () => {
	h = await startServer();
});
afterAll(async () => {
	await h.close();
});

describe('GET /api/campaigns/:id/key', () => {
	it("serves the person's group and its public key", async () => {
		const cookie = await h.signIn('medarbetare');
		const res = await h.call({ method: 'GET', url: `/api/campaigns/${CAMPAIGN}/key`, cookie });
		expect(res.statusCode).toBe(200);
		expect(res.json()).toMatchObject({ campaignId: 'campaign:demo-hme', group: 'a1', groupName: 'Enhet A1' });
		const a2 = await h.call({
			method: 'GET',
			url: `/api/campaigns/${CAMPAIGN}/key`,
			cookie: await h.signIn('a2-medarbetare1'),
		});
		// A2's four pool with Avdelning A's own person (5 = k); B's three are too few and take in the smallest.
		expect(a2.json()).toMatchObject({ group: 'forv', groupName: 'Förvaltningen' });
		expect(a2.json().publicKey).not.toBe(res.json().publicKey);
	});

	it('refuses a person the campaign does not ask, and a campaign that does not exist', async () => {
		const hr = await h.call({ method: 'GET', url: `/api/campaigns/${CAMPAIGN}/key`, cookie: await h.signIn('hr') });
		expect(hr.statusCode).toBe(403);
		expect(hr.json()).toEqual({ error: 'forbidden', reason: ANON_REASONS.notEligible });
		const none = await h.call({ method: 'GET', url: '/api/campaigns/nope/key', cookie: await h.signIn('chef') });
		expect(none.json()).toEqual({ error: 'not_found', reason: ANON_REASONS.unknownCampaign });
	});
});

describe('POST /api/campaigns/:id/token', () => {
	it('signs once per person: the same blinded message again, never another', async () => {
		const cookie = await h.signIn('medarbetare2');
		const token = await takeToken(h, cookie, CAMPAIGN);
		const again = await h.call({
			method: 'POST',
			url: `/api/campaigns/${CAMPAIGN}/token`,
			cookie,
			payload: { blindedMsg: token.blindedMsg },
		});
		expect(again.statusCode).toBe(200);
		await expect(takeToken(h, cookie, CAMPAIGN)).rejects.toThrow(/409/);
		const other = await h.call({
			method: 'POST',
			url: `/api/campaigns/${CAMPAIGN}/token`,
			cookie,
			payload: { blindedMsg: 'AAAA' },
		});
		expect(other.json()).toEqual({ error: 'conflict', reason: ANON_REASONS.tokenTaken });
		// The token works on the anonymous road.
		expect((await sendResponse(h, CAMPAIGN, token, hmeAnswers(1))).statusCode).toBe(200);
	});

	it('refuses a body that is not a blinded message, without using up the token', async () => {
		const cookie = await h.signIn('medarbetare3');
		const res = await h.call({ method: 'POST', url: `/api/campaigns/${CAMPAIGN}/token`, cookie, payload: { x: 1 } });
		expect(res.json()).toEqual({ error: 'bad_request', reason: ANON_REASONS.badBlinded });
		const damaged = await h.call({
			method: 'POST',
			url: `/api/campaigns/${CAMPAIGN}/token`,
			cookie,
			payload: { blindedMsg: 'AAAA' },
		});
		expect(damaged.json()).toEqual({ error: 'bad_request', reason: ANON_REASONS.badBlinded });
		await expect(takeToken(h, cookie, CAMPAIGN)).resolves.toMatchObject({ group: 'a1' });
	});
});

describe('GET /api/campaigns/:id/participation', () => {
	it('gives HR every group, a manager the groups of their units, staff nothing', async () => {
		const hr = await h.call({
			method: 'GET',
			url: `/api/campaigns/${CAMPAIGN}/participation`,
			cookie: await h.signIn('hr'),
		});
		expect(hr.statusCode).toBe(200);
		const all = participationSchema.parse(hr.json());
		expect(all.groups.map((g) => [g.group, g.eligible])).toEqual([
			['a1', 14],
			['forv', 8],
		]);
		const chef2 = await h.call({
			method: 'GET',
			url: `/api/campaigns/${CAMPAIGN}/participation`,
			cookie: await h.signIn('chef2'),
		});
		expect(chef2.json().groups.map((g: { group: string }) => g.group)).toEqual(['forv']);
		const staff = await h.call({
			method: 'GET',
			url: `/api/campaigns/${CAMPAIGN}/participation`,
			cookie: await h.signIn('medarbetare'),
		});
		expect(staff.json()).toEqual({ error: 'forbidden', reason: ANON_REASONS.participationForbidden });
	});
});
