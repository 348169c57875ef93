/**
 * Group keys and frozen groups on a real embedded store: made once, kept across restarts (a new
 * instance over the same store), and a token signed for one group verifies under no other.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignDoc, TreeUnit } from '../../../src/lib/domain/index.ts';
import { ANON_REASONS } from '../../../src/lib/domain/index.ts';
import { PouchStore } from '../store/pouch-store.ts';
import { ANON_DB } from './databases.ts';
import { CampaignGroups, unitsByGroup, unitsOfGroup } from './groups.ts';
import { GroupKeys, SUITE, blindSign } from './keys.ts';
import { campaignDoc } from './test-phone.ts';

let dir: string;
let store: PouchStore;
beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'trygg-anon-'));
	store = new PouchStore({ dataDir: dir });
});
afterAll(async () => {
	await store.close();
	await rm(dir, { recursive: true, force: true });
});

const units: TreeUnit[] = [
	{ id: 'forv', parentId: null },
	{ id: 'a1', parentId: 'forv' },
	{ id: 'a2', parentId: 'forv' },
	{ id: 'a3', parentId: 'forv' },
];

describe('group keys', () => {
	it('are made once per campaign and group, kept in anon-keys, and sign only for their group', async () => {
		const keys = new GroupKeys(store);
		expect(await keys.peek('campaign:x', 'a1')).toBeUndefined();
		const a1 = await keys.get('campaign:x', 'a1');
		const again = await new GroupKeys(store).get('campaign:x', 'a1');
		expect(again.publicKey).toBe(a1.publicKey);
		const forv = await keys.get('campaign:x', 'forv');
		expect(forv.publicKey).not.toBe(a1.publicKey);

		const prepared = SUITE.prepare(crypto.getRandomValues(new Uint8Array(32)));
		const { blindedMsg, inv } = await SUITE.blind(again.public, prepared);
		const sig = await SUITE.finalize(a1.public, prepared, await SUITE.blindSign(a1.private, blindedMsg), inv);
		expect(await SUITE.verify(a1.public, sig, prepared)).toBe(true);
		expect(await SUITE.verify(forv.public, sig, prepared)).toBe(false);
		expect((await store.info(ANON_DB.keys)).doc_count).toBe(2);
	});
});

describe('frozen groups', () => {
	it('are fixed the first time: later moves of people do not shift them', async () => {
		const campaign: CampaignDoc = campaignDoc({ targetUnitId: 'forv', k: 5 });
		let byUnit: Record<string, string[]> = {
			a1: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'],
			a2: ['q1', 'q2', 'q3', 'q4'],
			a3: ['r1', 'r2', 'r3', 'r4', 'r5'],
		};
		const roster = { membersOf: async (u: string) => (byUnit[u] ?? []).map((name) => ({ name })) };
		const frozen = await new CampaignGroups(store).freeze(campaign, roster, units);
		// A2's four are too few: they pool under forv, which takes in the smallest group (A3's five).
		expect(frozen.sizes).toEqual({ a1: 6, forv: 4 + 5 });
		expect(unitsOfGroup(frozen, 'forv')).toEqual(['a2', 'a3', 'forv']);
		expect(unitsByGroup(frozen)).toEqual(
			new Map([
				['a1', ['a1']],
				['forv', ['a2', 'a3', 'forv']],
			]),
		);
		byUnit = { a1: ['p1'], a2: ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'p2', 'p3'] };
		expect((await new CampaignGroups(store).freeze(campaign, roster, units)).sizes).toEqual(frozen.sizes);
	});

	it('are refused when the target has fewer than k people, and nothing is stored', async () => {
		const campaign = campaignDoc({ targetUnitId: 'a2', k: 5 });
		const roster = { membersOf: async (u: string) => (u === 'a2' ? ['q1', 'q2'].map((name) => ({ name })) : []) };
		const groups = new CampaignGroups(store);
		await expect(groups.freeze(campaign, roster, units)).rejects.toThrow(ANON_REASONS.tooFewPeople);
		expect(await groups.peek(campaign._id)).toBeUndefined();
	});
});

describe('blindSign', () => {
	it('gives exactly the RFC 9474 blind signature the library computes, which unblinds to a valid token', async () => {
		const key = await new GroupKeys(store).get('campaign:sign', 'a1');
		const prepared = SUITE.prepare(crypto.getRandomValues(new Uint8Array(32)));
		const { blindedMsg, inv } = await SUITE.blind(key.public, prepared);
		const fast = blindSign(key, blindedMsg);
		expect(Buffer.from(fast).equals(Buffer.from(await SUITE.blindSign(key.private, blindedMsg)))).toBe(true);
		const sig = await SUITE.finalize(key.public, prepared, fast, inv);
		expect(await SUITE.verify(key.public, sig, prepared)).toBe(true);
	});

	it('refuses a message that is not below the modulus', async () => {
		const key = await new GroupKeys(store).get('campaign:sign', 'a1');
		expect(() => blindSign(key, new Uint8Array(256).fill(0xff))).toThrow();
	});
});
