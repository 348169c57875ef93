/**
 * The device replicator against the real sync server (in-process, embedded store, temp folder).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../sync-server/src/app.ts';
import { findingIdForItem, newId, type FindingDoc, type RoundDoc } from '../domain/index.ts';
import { TryggDb } from '../db/app-db.ts';
import { discardRefused, saveDoc } from '../db/docs-repo.ts';
import type { OutboxEntry, StoredDoc } from '../db/app-db.ts';
import { pushPhases, Replicator, SERVER_UUID_KEY, type SyncEvent } from './replicator.ts';
import type { FetchLike } from './http.ts';
import { FEED_PATH, type FeedRequest } from '../domain/feed.ts';

let dir: string;
let app: FastifyInstance;
let base: string;

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-repl-'));
	app = await buildApp({ dataDir: dir, sessionSecret: 'test-secret-test-secret-test-secret', seedDemo: true });
	await app.listen({ port: 0, host: '127.0.0.1' });
	const address = app.server.address();
	base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
});

afterEach(async () => {
	await app.close();
	await rm(dir, { recursive: true, force: true });
});

/** A fetch that keeps one person's session cookie, like a browser does. */
async function deviceFetch(name: string, at = base): Promise<FetchLike & { fail: boolean }> {
	let cookie = '';
	const fn = (async (url: string, init?: RequestInit) => {
		if (fn.fail) throw new TypeError('fetch failed');
		const headers = new Headers(init?.headers);
		if (cookie) headers.set('cookie', cookie);
		return fetch(at + url, { ...init, headers });
	}) as FetchLike & { fail: boolean };
	fn.fail = false;
	const res = await fetch(`${at}/db/_session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: 'trygg-demo' }),
	});
	expect(res.status).toBe(200);
	cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
	return fn;
}

/** The body of a feed request. */
function feedBody(init: RequestInit | undefined): FeedRequest {
	return JSON.parse(String(init?.body)) as FeedRequest;
}

function round(overrides: Partial<RoundDoc> = {}): RoundDoc {
	const now = new Date().toISOString();
	return {
		_id: newId('round'),
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: '2026-12-01',
		status: 'planned',
		participants: [],
		createdBy: 'chef',
		createdAt: now,
		updatedAt: now,
		...overrides,
	};
}

describe('Replicator', () => {
	it('pushes an offline write and another device of the unit pulls it', async () => {
		const chefDb = new TryggDb(`chef-${Math.random()}`);
		const repDb = new TryggDb(`rep-${Math.random()}`);
		const chefFetch = await deviceFetch('chef');
		const chef = new Replicator({ db: chefDb, fetch: chefFetch, scopes: () => ['org', 'unit-a1'] });
		const rep = new Replicator({
			db: repDb,
			fetch: await deviceFetch('skyddsombud'),
			scopes: () => ['org', 'unit-a1'],
		});

		chefFetch.fail = true;
		const doc = round();
		await saveDoc(chefDb, doc);
		await expect(chef.syncOnce()).rejects.toMatchObject({ code: 'network' });
		expect(await chefDb.outbox.count()).toBe(1);

		chefFetch.fail = false;
		await chef.syncOnce();
		expect(await chefDb.outbox.count()).toBe(0);
		expect((await chefDb.docs.get(doc._id))?._rev).toMatch(/^1-/);
		expect(await chefDb.docs.where('type').equals('template').count()).toBe(3);

		await rep.syncOnce();
		expect((await repDb.docs.get(doc._id))?.type).toBe('round');
	});

	it('adopts the server version after a lost response instead of duplicating', async () => {
		const db = new TryggDb(`lost-${Math.random()}`);
		const f = await deviceFetch('chef');
		const doc = round();
		await saveDoc(db, doc);
		// The server commits, the answer never reaches the device.
		const lossy: FetchLike = async (url, init) => {
			const res = await f(url, init);
			if (url.includes('_bulk_docs')) throw new TypeError('connection reset');
			return res;
		};
		await expect(new Replicator({ db, fetch: lossy, scopes: () => [] }).push()).rejects.toMatchObject({
			code: 'network',
		});
		expect(await db.outbox.count()).toBe(1);

		const again = new Replicator({ db, fetch: f, scopes: () => ['unit-a1'] });
		await again.syncOnce();
		expect(await db.outbox.count()).toBe(0);
		const all = await (await f('/db/unit-a1/_changes')).json();
		expect(all.results.filter((r: { id: string }) => r.id === doc._id)).toHaveLength(1);
		expect((await db.docs.get(doc._id))?._rev).toMatch(/^1-/);
	});

	it('pushes a round walked and signed wholly offline content first, so the server accepts the signature', async () => {
		const db = new TryggDb(`signed-offline-${Math.random()}`);
		const f = await deviceFetch('chef');
		const now = new Date().toISOString();
		const walked = round({ status: 'in_progress', date: '2026-12-02' });
		await saveDoc(db, walked);
		for (let i = 1; i <= 12; i++) {
			await saveDoc(db, {
				_id: newId('answer'),
				type: 'answer',
				scope: 'unit-a1',
				roundId: walked._id,
				itemId: `physical-${String(i).padStart(2, '0')}`,
				value: 'yes',
				comment: '',
				fixedOnSite: false,
				fixedNote: '',
				photos: [],
				stamp: `1795424400000-${String(i).padStart(4, '0')}-dev`,
				answeredAt: now,
				answeredBy: 'chef',
				answeredByName: 'Anna Chef',
				createdAt: now,
				updatedAt: now,
			});
		}
		// Its id sorts before the answers': the order of the outbox alone would send it with them.
		await saveDoc(db, {
			_id: newId('signature'),
			type: 'signature',
			scope: 'unit-a1',
			roundId: walked._id,
			signedBy: 'chef',
			signerName: 'Anna Chef',
			role: 'manager',
			signedAt: now,
			createdAt: now,
			updatedAt: now,
		});
		await new Replicator({ db, fetch: f, scopes: () => [] }).push();
		expect(await db.outbox.toArray()).toEqual([]);
	});

	it("orders a scope's push: content first, then signatures and reopenings with the round they lock or reopen", () => {
		const entry = (type: string, extra: object = {}) => {
			const docId = `${type}:${Math.random()}`;
			return { docId, scope: 'unit-a1', doc: { _id: docId, type, ...extra } } as unknown as OutboxEntry;
		};
		const lock = entry('round', { status: 'signed' });
		const walked = entry('round', { status: 'in_progress' });
		const back = entry('round', { status: 'in_progress' });
		const sig = entry('signature', { roundId: lock.docId });
		const reopening = entry('reopening', { roundId: back.docId });
		const answer = entry('answer', { roundId: walked.docId });
		expect(pushPhases([reopening, lock, sig, answer, walked, back])).toEqual([
			[answer, walked],
			[reopening, lock, sig, back],
		]);
		expect(pushPhases([answer])).toEqual([[answer]]);
		expect(pushPhases([sig])).toEqual([[sig]]);
		expect(pushPhases([])).toEqual([]);
	});

	it('pushes a campaign after the survey version it names (both made offline, issue 13)', () => {
		const entry = (docId: string, type: string, extra: object = {}) =>
			({ docId, scope: 'org', doc: { _id: docId, type, ...extra } }) as unknown as OutboxEntry;
		// In id order "campaign:" comes before "survey:"; the server needs the survey stored first.
		const campaign = entry('campaign:c1', 'campaign', { surveyId: 'survey:hme.v2' });
		const survey = entry('survey:hme.v2', 'survey', { status: 'published' });
		expect(pushPhases([campaign, survey])).toEqual([[survey], [campaign]]);
	});

	it('keeps a refused change visible with the reason instead of dropping it', async () => {
		const db = new TryggDb(`refused-${Math.random()}`);
		const f = await deviceFetch('chef2');
		await saveDoc(db, round());
		await new Replicator({ db, fetch: f, scopes: () => [] }).push();
		const [entry] = await db.outbox.toArray();
		expect(entry?.state).toBe('refused');
		expect(entry?.error?.code).toBe('forbidden');
	});

	it('keeps a change whose _rev the server does not take as refused (bad_request), and sends the rest', async () => {
		const db = new TryggDb(`bad-rev-${Math.random()}`);
		const f = await deviceFetch('chef');
		const broken = round();
		const fine = round();
		await saveDoc(db, broken);
		await saveDoc(db, fine);
		await db.outbox.update(broken._id, { 'doc._rev': '01-0bb1b34e13c255e1b45039ccb9e6428c' });
		await new Replicator({ db, fetch: f, scopes: () => [] }).push();
		expect(await db.outbox.get(broken._id)).toMatchObject({
			state: 'refused',
			error: { code: 'bad_request', reason: expect.stringContaining('_rev') },
		});
		expect(await db.outbox.get(fine._id)).toBeUndefined();
	});

	it('brings a discarded change back even when the discard lands while a pull is on its way', async () => {
		const db = new TryggDb(`discard-race-${Math.random()}`);
		const f = await deviceFetch('chef');
		let during: (() => Promise<void>) | undefined;
		// The discard happens after the feed request left and before its answer is applied.
		const racing = (async (url: string, init?: RequestInit) => {
			const response = await f(url, init);
			if (url === FEED_PATH && during) {
				const run = during;
				during = undefined;
				await run();
			}
			return response;
		}) as FetchLike;
		const replicator = new Replicator({ db, fetch: racing, scopes: () => ['unit-a1'] });
		const doc = await saveDoc(db, round());
		await replicator.push();
		await replicator.pull('unit-a1');
		// An edit the server refused; the person discards it while the next pull runs.
		await saveDoc(db, { ...(doc as RoundDoc), participants: [{ name: 'Refused Edit', role: 'other' }] });
		await db.outbox.update(doc._id, { state: 'refused', error: { code: 'forbidden', reason: 'x' } });
		during = () => discardRefused(db, doc._id);
		await replicator.pull('unit-a1');
		expect(await db.outbox.get(doc._id)).toBeUndefined();
		expect((await db.docs.get(doc._id)) as RoundDoc | undefined).toMatchObject({ _id: doc._id, participants: [] });
	});

	it('refuses an invalid document on the device before it reaches the outbox', async () => {
		const db = new TryggDb(`invalid-${Math.random()}`);
		await expect(saveDoc(db, round({ date: '1 december' }))).rejects.toMatchObject({ code: 'invalid' });
		expect(await db.outbox.count()).toBe(0);
	});

	it('stops on 401 and keeps the outbox', async () => {
		const db = new TryggDb(`expired-${Math.random()}`);
		await saveDoc(db, round());
		const anonymous: FetchLike = (url, init) => fetch(base + url, init);
		const events: string[] = [];
		const r = new Replicator({ db, fetch: anonymous, scopes: () => ['unit-a1'], onEvent: (e) => events.push(e.type) });
		r.start();
		await expect.poll(() => events.includes('unauthorized')).toBe(true);
		await r.stop();
		expect(await db.outbox.count()).toBe(1);
	});

	it('merges concurrent offline edits of different fields of one round from two devices', async () => {
		const chefDb = new TryggDb(`m-chef-${Math.random()}`);
		const repDb = new TryggDb(`m-rep-${Math.random()}`);
		const chef = new Replicator({ db: chefDb, fetch: await deviceFetch('chef'), scopes: () => ['unit-a1'] });
		const rep = new Replicator({ db: repDb, fetch: await deviceFetch('skyddsombud'), scopes: () => ['unit-a1'] });
		const doc = round();
		await saveDoc(chefDb, doc);
		await chef.syncOnce();
		await rep.syncOnce();

		// Both offline: the chef moves the date, the safety rep adds participants.
		const atChef = (await chefDb.docs.get(doc._id)) as RoundDoc;
		await saveDoc(chefDb, { ...atChef, date: '2027-01-15' });
		const atRep = (await repDb.docs.get(doc._id)) as RoundDoc;
		await saveDoc(repDb, { ...atRep, participants: [{ name: 'Sam Skyddsombud', role: 'safety_rep' }] });

		await rep.syncOnce();
		await chef.syncOnce(); // conflict: re-read, merge, resend
		await rep.syncOnce();
		for (const db of [chefDb, repDb]) {
			expect(await db.outbox.count()).toBe(0);
			const got = (await db.docs.get(doc._id)) as RoundDoc;
			expect(got.date).toBe('2027-01-15');
			expect(got.participants).toEqual([{ name: 'Sam Skyddsombud', role: 'safety_rep' }]);
			expect(got._rev).toMatch(/^3-/);
		}
	});

	it('keeps the stored creator when two tablets made the same finding offline (decision 0016)', async () => {
		const chefDb = new TryggDb(`f-chef-${Math.random()}`);
		const repDb = new TryggDb(`f-rep-${Math.random()}`);
		const chef = new Replicator({ db: chefDb, fetch: await deviceFetch('chef'), scopes: () => ['unit-a1'] });
		const rep = new Replicator({ db: repDb, fetch: await deviceFetch('skyddsombud'), scopes: () => ['unit-a1'] });
		// Both answered Nej to the same item offline: the finding has the same id on both tablets.
		const now = new Date();
		const finding = (createdBy: string, description: string): FindingDoc => ({
			_id: findingIdForItem('round:walked-twice', 'physical-01'),
			type: 'finding',
			scope: 'unit-a1',
			roundId: 'round:walked-twice',
			itemId: 'physical-01',
			title: 'Trasig lampa',
			description,
			category: 'physical',
			location: '',
			status: 'open',
			createdBy,
			createdAt: now.toISOString(),
			updatedAt: now.toISOString(),
		});
		await saveDoc(chefDb, finding('chef', ''), now);
		// The safety rep's tablet saves a second later: its stamps, createdBy's too, are the later ones.
		await saveDoc(repDb, finding('skyddsombud', 'Lampan i förrådet'), new Date(now.getTime() + 1000));
		await chef.syncOnce();
		await rep.syncOnce(); // conflict: re-read, merge into the stored version, resend
		await chef.syncOnce();
		for (const db of [chefDb, repDb]) {
			expect(await db.outbox.count()).toBe(0);
			expect(await db.docs.get(finding('chef', '')._id)).toMatchObject({
				createdBy: 'chef',
				description: 'Lampan i förrådet',
			});
		}
	});

	it('merges a pulled version into a pending local edit instead of overwriting it', async () => {
		const aDb = new TryggDb(`p-a-${Math.random()}`);
		const bDb = new TryggDb(`p-b-${Math.random()}`);
		const a = new Replicator({ db: aDb, fetch: await deviceFetch('chef'), scopes: () => ['unit-a1'] });
		const b = new Replicator({ db: bDb, fetch: await deviceFetch('skyddsombud'), scopes: () => ['unit-a1'] });
		const doc = round();
		await saveDoc(aDb, doc);
		await a.syncOnce();
		await b.syncOnce();
		await saveDoc(aDb, { ...((await aDb.docs.get(doc._id)) as RoundDoc), status: 'in_progress' });
		await saveDoc(bDb, { ...((await bDb.docs.get(doc._id)) as RoundDoc), date: '2027-03-03' });
		await b.syncOnce();

		await a.pull('unit-a1'); // pull only: the local edit is still pending
		const [entry] = await aDb.outbox.toArray();
		expect(entry?.state).toBe('pending');
		const local = (await aDb.docs.get(doc._id)) as RoundDoc;
		expect(local).toMatchObject({ status: 'in_progress', date: '2027-03-03' });
		expect(entry?.doc._rev).toMatch(/^2-/);

		await a.syncOnce();
		await b.syncOnce();
		expect(await bDb.docs.get(doc._id)).toMatchObject({ status: 'in_progress', date: '2027-03-03' });
	});

	it('lets a delete on the server win over an offline edit and keeps the edit visible as refused', async () => {
		const db = new TryggDb(`del-${Math.random()}`);
		const f = await deviceFetch('chef');
		const r = new Replicator({ db, fetch: f, scopes: () => ['unit-a1'] });
		const doc = round();
		await saveDoc(db, doc);
		await r.syncOnce();
		const synced = (await db.docs.get(doc._id)) as StoredDoc;
		await saveDoc(db, { ...(synced as RoundDoc), date: '2027-05-05' });
		// Another device deletes the round meanwhile.
		const res = await f('/db/unit-a1/_bulk_docs', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				docs: [{ _id: doc._id, _rev: synced._rev, _deleted: true, type: 'round', scope: 'unit-a1' }],
			}),
		});
		expect((await res.json())[0].rev).toMatch(/^2-/);

		await r.syncOnce();
		expect(await db.docs.get(doc._id)).toBeUndefined();
		const [entry] = await db.outbox.toArray();
		expect(entry).toMatchObject({ state: 'refused', error: { code: 'conflict' } });
		// Sending it again changes nothing: the delete still wins, nothing is resurrected.
		await r.syncOnce();
		const changes = await (await f('/db/unit-a1/_changes')).json();
		expect(changes.results.find((row: { id: string }) => row.id === doc._id)?.deleted).toBe(true);
	});

	it('removes a revoked scope from the device and keeps its undelivered changes as revoked', async () => {
		const db = new TryggDb(`rev-${Math.random()}`);
		const f = await deviceFetch('chef');
		let scopes = ['org', 'unit-a1'];
		const events: SyncEvent[] = [];
		const r = new Replicator({ db, fetch: f, scopes: () => scopes, onEvent: (e) => events.push(e) });
		const synced = round();
		await saveDoc(db, synced);
		await r.syncOnce();
		const offline = round({ date: '2027-02-02' });
		await saveDoc(db, offline);

		// The membership is removed while the device is away: same device, the server now refuses unit-a1.
		const other = await deviceFetch('chef2');
		const revokedFetch: FetchLike = (url, init) => other(url, init);
		const r2 = new Replicator({ db, fetch: revokedFetch, scopes: () => scopes, onEvent: (e) => events.push(e) });
		// Still listed (stale profile): refused but nothing is removed.
		await r2.syncOnce();
		expect(events).toContainEqual({ type: 'forbidden', scope: 'unit-a1' });
		expect(await db.docs.where('scope').equals('unit-a1').count()).toBe(2);

		scopes = ['org', 'unit-b1'];
		await r2.syncOnce();
		expect(events).toContainEqual({ type: 'revoked', scope: 'unit-a1' });
		expect(await db.docs.where('scope').equals('unit-a1').count()).toBe(0);
		expect(await db.checkpoints.get('unit-a1')).toBeUndefined();
		const entries = await db.outbox.toArray();
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ docId: offline._id, state: 'revoked', error: { code: 'revoked' } });
		expect(await db.docs.where('scope').equals('org').count()).toBeGreaterThan(0);
		// The next sync leaves the revoked change alone.
		await r2.syncOnce();
		expect(await db.outbox.count()).toBe(1);
	});

	it('records the time of the last complete sync in the device database', async () => {
		const db = new TryggDb(`last-${Math.random()}`);
		const at = new Date('2026-11-30T10:00:00Z');
		await new Replicator({ db, fetch: await deviceFetch('chef'), scopes: () => ['org'], now: () => at }).syncOnce();
		expect((await db.meta.get('lastSync'))?.value).toBe(at.toISOString());
	});
});

/** How long a device may take to sync in full and go live on a busy machine. */
const LIVE = { timeout: 20_000 };

/** Every request a device makes, with whether it is still open. */
type Seen = { url: string; longpoll: boolean; pull: boolean; open: boolean };

/** A fetch that notes every request: a long-lived one (a longpoll) or a pull (a read of changes). */
function watching(f: FetchLike): FetchLike & { seen: Seen[]; openLongpolls: () => number; most: number } {
	const fn = (async (url: string, init?: RequestInit) => {
		const feed = url === FEED_PATH ? feedBody(init).feed : undefined;
		const longpoll = feed === 'longpoll' || url.includes('feed=longpoll');
		const entry: Seen = {
			url,
			longpoll,
			pull: !longpoll && (url === FEED_PATH || url.includes('/_changes')),
			open: true,
		};
		fn.seen.push(entry);
		fn.most = Math.max(fn.most, fn.openLongpolls());
		try {
			const response = await f(url, init);
			// Open until its body has arrived, as a browser counts a connection.
			const body = await response.arrayBuffer();
			return new Response(body, { status: response.status, headers: response.headers });
		} finally {
			entry.open = false;
		}
	}) as FetchLike & { seen: Seen[]; openLongpolls: () => number; most: number };
	fn.seen = [];
	fn.most = 0;
	fn.openLongpolls = () => fn.seen.filter((e) => e.longpoll && e.open).length;
	return fn;
}

/** Count the writes to one table of a device database (put, add, delete), below every Dexie API. */
function countWrites(db: TryggDb, table: string): { rows: number } {
	const counter = { rows: 0 };
	db.use({
		stack: 'dbcore',
		name: `count-writes-${table}`,
		create: (down) => ({
			...down,
			table: (name) => {
				const inner = down.table(name);
				if (name !== table) return inner;
				return {
					...inner,
					mutate: (req) => {
						counter.rows += 'values' in req ? req.values.length : 'keys' in req ? req.keys.length : 1;
						return inner.mutate(req);
					},
				};
			},
		}),
	});
	return counter;
}

describe('Replicator on the one changes feed', () => {
	/** The scopes `/api/me` lists for the person behind `f`, as the app reads them. */
	async function listed(f: FetchLike): Promise<string[]> {
		const me = (await (await f('/api/me')).json()) as { scopes: { scope: string }[] };
		return me.scopes.map((s) => s.scope);
	}

	it('holds exactly one long-lived request whatever the number of scopes, and gets a change through it', async () => {
		const db = new TryggDb(`one-feed-${Math.random()}`);
		const f = watching(await deviceFetch('avdchef'));
		const scopes = await listed(f);
		expect(scopes.length).toBeGreaterThanOrEqual(6);
		const r = new Replicator({ db, fetch: f, scopes: () => scopes });
		r.start();
		try {
			await expect.poll(() => f.openLongpolls(), LIVE).toBe(1);
			// A change in one of the scopes, from another device: it wakes the one feed.
			const writer = new TryggDb(`one-feed-writer-${Math.random()}`);
			const doc = round();
			await saveDoc(writer, doc);
			await new Replicator({ db: writer, fetch: await deviceFetch('chef'), scopes: () => [] }).push();
			expect(await writer.outbox.count()).toBe(0);
			await expect.poll(async () => (await db.docs.get(doc._id))?.type, LIVE).toBe('round');
			await expect.poll(() => f.openLongpolls(), LIVE).toBe(1);
			expect(f.most).toBe(1);
			expect(f.seen.filter((e) => e.longpoll).every((e) => e.url === FEED_PATH)).toBe(true);
		} finally {
			await r.stop();
		}
	});

	it('pushes a local change beside the open feed without pulling any scope again', async () => {
		const db = new TryggDb(`no-storm-${Math.random()}`);
		const f = watching(await deviceFetch('avdchef'));
		const scopes = await listed(f);
		const r = new Replicator({ db, fetch: f, scopes: () => scopes });
		r.start();
		try {
			await expect.poll(() => f.openLongpolls(), LIVE).toBe(1);
			const before = f.seen.length;
			const doc = round({ scope: 'unit-avd-a', unitId: 'avd-a', createdBy: 'avdchef' });
			await saveDoc(db, doc);
			r.kick();
			await expect.poll(() => db.outbox.count(), LIVE).toBe(0);
			// The feed, woken by the push, answers and is asked for again: live once more.
			await expect.poll(() => f.seen.slice(before).filter((e) => e.longpoll).length, LIVE).toBe(1);
			await expect.poll(() => f.openLongpolls(), LIVE).toBe(1);
			const after = f.seen.slice(before);
			expect(after.filter((e) => e.url.endsWith('/_bulk_docs'))).toHaveLength(1);
			expect(after.filter((e) => e.pull)).toEqual([]);
			expect(after).toHaveLength(2);
			expect((await db.docs.get(doc._id))?._rev).toMatch(/^1-/);
		} finally {
			await r.stop();
		}
	});

	it('writes nothing for rows whose revision the device already stores', async () => {
		const db = new TryggDb(`same-rev-${Math.random()}`);
		const writes = countWrites(db, 'docs');
		const f = await deviceFetch('chef');
		const r = new Replicator({ db, fetch: f, scopes: () => ['org', 'unit-a1'] });
		await saveDoc(db, round());
		await r.syncOnce();
		const stored = await db.docs.count();
		expect(stored).toBeGreaterThan(3);

		// Every row again, from the start: all of them already stored at their revision.
		writes.rows = 0;
		await db.checkpoints.bulkPut([
			{ scope: 'org', since: '0' },
			{ scope: 'unit-a1', since: '0' },
		]);
		await r.pull('org', 'unit-a1');
		expect(writes.rows).toBe(0);
		expect(await db.docs.count()).toBe(stored);
	});

	it('forgets, without a revocation, a scope it synced that is no longer listed but still readable', async () => {
		const db = new TryggDb(`unlisted-${Math.random()}`);
		const f = await deviceFetch('chef');
		const events: SyncEvent[] = [];
		let scopes = ['org', 'unit-a1', 'reports-a1'];
		const r = new Replicator({ db, fetch: f, scopes: () => scopes, onEvent: (e) => events.push(e) });
		await r.syncOnce();
		expect(await db.checkpoints.get('reports-a1')).toBeDefined();
		scopes = ['org', 'unit-a1'];
		await r.syncOnce();
		expect(await db.checkpoints.get('reports-a1')).toBeUndefined();
		expect(events.filter((e) => e.type === 'revoked' || e.type === 'forbidden')).toEqual([]);
		expect(await db.checkpoints.get('unit-a1')).toBeDefined();
	});
});

describe('Replicator after a move to another server', () => {
	let otherDir: string;
	let other: FastifyInstance;
	let otherBase: string;

	beforeEach(async () => {
		otherDir = await mkdtemp(join(tmpdir(), 'trygg-repl-other-'));
		other = await buildApp({ dataDir: otherDir, sessionSecret: 'test-secret-test-secret-test-secret', seedDemo: true });
		await other.listen({ port: 0, host: '127.0.0.1' });
		const address = other.server.address();
		otherBase = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
	});
	afterEach(async () => {
		await other.close();
		await rm(otherDir, { recursive: true, force: true });
	});

	/** Push `count` new rounds of unit-a1 to the server behind `f` (from another device). */
	async function writeRounds(f: FetchLike, count: number): Promise<RoundDoc[]> {
		const db = new TryggDb(`writer-${Math.random()}`);
		const docs = Array.from({ length: count }, () => round());
		for (const doc of docs) await saveDoc(db, doc);
		await new Replicator({ db, fetch: f, scopes: () => [] }).push();
		expect(await db.outbox.count()).toBe(0);
		return docs;
	}

	/** A fetch that records the `since` of every scope in every changes request (feed or per scope). */
	function recording(f: FetchLike, sinces: string[]): FetchLike {
		return (url, init) => {
			if (url.includes('/_changes')) sinces.push(new URL(url, 'http://x').searchParams.get('since') ?? '');
			if (url === FEED_PATH) sinces.push(...Object.values(feedBody(init).scopes));
			return f(url, init);
		};
	}

	it('pulls every scope again from the start when the server uuid changes', async () => {
		const db = new TryggDb(`moved-${Math.random()}`);
		const first = await deviceFetch('chef');
		await writeRounds(first, 3);
		await new Replicator({ db, fetch: first, scopes: () => ['org', 'unit-a1'] }).syncOnce();
		const before = await db.checkpoints.get('unit-a1');
		expect(Number(before?.since)).toBeGreaterThanOrEqual(3);
		const firstUuid = (await db.meta.get(SERVER_UUID_KEY))?.value;
		expect(typeof firstUuid).toBe('string');

		// The new store holds fewer changes, so the old numeric checkpoint would skip them all.
		const second = await deviceFetch('chef', otherBase);
		const [moved] = await writeRounds(second, 1);
		const sinces: string[] = [];
		await new Replicator({ db, fetch: recording(second, sinces), scopes: () => ['org', 'unit-a1'] }).syncOnce();
		expect(sinces.every((s) => s === '0')).toBe(true);
		expect((await db.docs.get(moved!._id))?.type).toBe('round');
		const secondUuid = (await db.meta.get(SERVER_UUID_KEY))?.value;
		expect(secondUuid).not.toBe(firstUuid);
		expect((await db.checkpoints.get('unit-a1'))?.since).not.toBe('0');

		// Same server again: the checkpoints hold, nothing is pulled from the start.
		sinces.length = 0;
		await new Replicator({ db, fetch: recording(second, sinces), scopes: () => ['org', 'unit-a1'] }).syncOnce();
		expect(sinces.length).toBeGreaterThan(0);
		expect(sinces.some((s) => s === '0')).toBe(false);
	});

	it('pulls a scope again from the start when the feed refuses its since', async () => {
		const db = new TryggDb(`badsince-${Math.random()}`);
		const f = await deviceFetch('chef');
		const [doc] = await writeRounds(f, 1);
		const uuid = ((await (await f('/db/')).json()) as { uuid: string }).uuid;
		// A checkpoint as CouchDB makes them, against a server that knows only numbers; same uuid,
		// as after a store rebuilt behind an unchanged server identity.
		await db.meta.put({ key: SERVER_UUID_KEY, value: uuid });
		await db.checkpoints.put({ scope: 'unit-a1', since: '12-g1AAAAbogus' });
		const sinces: string[] = [];
		await new Replicator({ db, fetch: recording(f, sinces), scopes: () => ['unit-a1'] }).syncOnce();
		expect(sinces).toEqual(['12-g1AAAAbogus', '0']);
		expect((await db.docs.get(doc!._id))?.type).toBe('round');
		expect((await db.checkpoints.get('unit-a1'))?.since).toMatch(/^\d+$/);
	});
});
