/**
 * Accepting and flushing on a real embedded store, through `AnonResponses` alone: a flush cut off
 * after its batch was written (a crash before the pending list was emptied) repeats without
 * writing anything twice, and a refused response stores nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnonResponse, CampaignDoc, SurveyDoc } from '../../../src/lib/domain/index.ts';
import { ANSWERS_REASONS } from '../../../src/lib/domain/index.ts';
import { starterSurveys } from '../../../src/lib/domain/starter-surveys.ts';
import type { StoredDoc } from '../store/doc-store.ts';
import { LocalDocs } from '../store/local-docs.ts';
import { PouchStore } from '../store/pouch-store.ts';
import { ScopeWriteLock } from '../store/write-lock.ts';
import { TEST_SERVER_TIME } from '../test-harness.ts';
import { ANON_DB } from './databases.ts';
import type { FrozenGroups } from './groups.ts';
import type { GroupKey } from './keys.ts';
import { GroupKeys, SUITE, toB64url } from './keys.ts';
import { AnonResponses, shuffled } from './responses.ts';
import { ObservedStore, campaignDoc, hmeAnswers, seededRandom } from './test-phone.ts';

let dir: string;
let store: PouchStore;
let key: GroupKey;
const hme = starterSurveys(new Date(TEST_SERVER_TIME).toISOString())[3] as SurveyDoc;
const frozen: FrozenGroups = { campaignId: '', targetUnitId: 'forv', k: 3, groupOf: { a1: 'a1' }, sizes: { a1: 3 } };

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'trygg-anon-'));
	store = new PouchStore({ dataDir: dir });
	key = await new GroupKeys(store).get('campaign:keys', 'a1');
});
afterAll(async () => {
	await store.close();
	await rm(dir, { recursive: true, force: true });
});

/** A token of group a1, as a phone would hold it after unblinding. */
async function token(): Promise<AnonResponse['token']> {
	const prepared = SUITE.prepare(crypto.getRandomValues(new Uint8Array(32)));
	const { blindedMsg, inv } = await SUITE.blind(key.public, prepared);
	const sig = await SUITE.finalize(key.public, prepared, await SUITE.blindSign(key.private, blindedMsg), inv);
	return { msg: toB64url(prepared), sig: toB64url(sig) };
}

function responses(over: ObservedStore, campaign: CampaignDoc, seed = 3) {
	const anon = new AnonResponses({
		store: over,
		local: new LocalDocs(over),
		lock: new ScopeWriteLock(),
		now: () => new Date(TEST_SERVER_TIME),
		random: seededRandom(seed),
	});
	const ctx = { campaign, survey: hme, frozen: { ...frozen, campaignId: campaign._id }, keyOf: async () => key };
	return {
		anon,
		take: (t: AnonResponse['token'], seed: number) =>
			anon.accept({ group: 'a1', token: t, answers: hmeAnswers(seed) }, ctx),
	};
}

describe('AnonResponses', () => {
	it('repeats a flush cut off by a crash without writing a response twice', async () => {
		const campaign = campaignDoc({ k: 3 });
		const observed = new ObservedStore(store);
		const { take } = responses(observed, campaign);
		await take(await token(), 1);
		await take(await token(), 2);
		// The third fills the batch: its responses are written, then the crash, before the list empties.
		const realPut = observed.putLocal.bind(observed);
		let puts = 0;
		observed.putLocal = async (db, id, doc) => {
			if (db === ANON_DB.responses && (doc.entries as unknown[]).length === 0 && puts++ === 0) {
				throw new Error('crash');
			}
			return realPut(db, id, doc);
		};
		await expect(take(await token(), 3)).rejects.toThrow('crash');
		const firstBatch = observed.writes.filter((w) => w.db === ANON_DB.responses);
		expect(firstBatch.map((w) => w.docs.length)).toEqual([3]);
		// After the restart, the close flush writes the same list again: the same ids, nothing new.
		const restarted = responses(observed, campaign);
		await restarted.anon.flushIfOver(campaign, 'closed');
		const { results } = await store.changes(ANON_DB.responses, { includeDocs: true });
		const stored = results.filter((r) => r.doc?.campaignId === campaign._id);
		expect(stored).toHaveLength(3);
		expect(new Set(stored.map((r) => r.id))).toEqual(new Set(firstBatch[0]?.docs.map((d) => d._id)));
		expect(await store.getLocal(ANON_DB.responses, `pending~${campaign._id}`)).toMatchObject({ entries: [] });
	});

	it('a crash after the list is stored and before the token is spent: the retry lists nothing twice', async () => {
		const campaign = campaignDoc({ k: 3 });
		const observed = new ObservedStore(store);
		// Seeds of their own: the ids must not repeat those the other tests stored.
		const { take } = responses(observed, campaign, 10);
		const t = await token();
		const realBulk = observed.bulkDocs.bind(observed);
		let crashed = false;
		observed.bulkDocs = async (db: string, docs: StoredDoc[]) => {
			if (db === ANON_DB.spent && !crashed) {
				crashed = true;
				throw new Error('crash');
			}
			return realBulk(db, docs);
		};
		await expect(take(t, 1)).rejects.toThrow('crash');
		// The phone never heard back and sends the same answer again to the restarted server.
		const restarted = responses(observed, campaign, 11);
		await expect(restarted.take(t, 1)).resolves.toEqual({ fresh: false });
		const pending = (await store.getLocal(ANON_DB.responses, `pending~${campaign._id}`)) as unknown as {
			entries: { tag?: string }[];
		};
		expect(pending.entries).toHaveLength(1);
		// The token is spent now: a second answer with it is refused, and a third person still counts.
		await expect(restarted.take(t, 2)).rejects.toThrow();
		await restarted.take(await token(), 3);
		await restarted.take(await token(), 4);
		const { results } = await store.changes(ANON_DB.responses, { includeDocs: true });
		const stored = results.filter((r) => r.doc?.campaignId === campaign._id);
		expect(stored).toHaveLength(3);
		// The tag stays in the pending list: stored responses keep only their five fields.
		for (const r of stored) expect(Object.keys(r.doc ?? {})).not.toContain('tag');
	});

	it('stores nothing for answers that do not fit, and the token stays unspent', async () => {
		const campaign = campaignDoc({ k: 3 });
		const observed = new ObservedStore(store);
		const { anon } = responses(observed, campaign);
		const t = await token();
		const ctx = { campaign, survey: hme, frozen: { ...frozen, campaignId: campaign._id }, keyOf: async () => key };
		await expect(anon.accept({ group: 'a1', token: t, answers: { meaningful: 'x' } }, ctx)).rejects.toThrow(
			ANSWERS_REASONS.invalid,
		);
		expect(observed.writes).toEqual([]);
		expect(observed.localWrites).toEqual([]);
		await expect(anon.accept({ group: 'a1', token: t, answers: hmeAnswers(1) }, ctx)).resolves.toEqual({ fresh: true });
	});

	it('shuffles with the source it is given', () => {
		const items = [1, 2, 3, 4, 5, 6, 7, 8];
		expect(shuffled(items, seededRandom(1))).toEqual(shuffled(items, seededRandom(1)));
		expect(shuffled(items, seededRandom(1)).sort()).toEqual(items);
		expect(shuffled(items, seededRandom(1))).not.toEqual(items);
	});
});
