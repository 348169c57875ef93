/**
 * Quotas (decision 0017) with small limits: documents per scope and per person per day,
 * `_local` documents per person, photos per scope and per person. A write over a quota is
 * refused per document (or 403/413 for `_local` and photos) with a fixed reason, never a 500,
 * and nothing stored changes; room a refused or conflicting write reserved is given back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	LOCAL_DOCS_QUOTA_REASON,
	PERSON_DOCS_QUOTA_REASON,
	PERSON_PHOTOS_QUOTA_REASON,
	SCOPE_DOCS_QUOTA_REASON,
	SCOPE_PHOTOS_QUOTA_REASON,
} from '../../src/lib/domain/quotas.ts';
import { FsBlobStore } from './blobs/fs-blob-store.ts';
import { QuotaKeeper, quotaLimits, type QuotaOverrides } from './quotas.ts';
import { PouchStore } from './store/pouch-store.ts';
import type { Harness } from './test-harness.ts';
import { prereportDoc, roundDoc, signatureDoc, startServer, tempDir } from './test-harness.ts';

const toClose: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const close of toClose.splice(0)) await close();
});

/** The server's clock: late in the day, so that a test can reach the next day within a session's idle time. */
let clock = new Date('2026-11-23T21:00:00.000Z');
async function server(quotas: QuotaOverrides, dir?: string): Promise<Harness> {
	clock = new Date('2026-11-23T21:00:00.000Z');
	const h = await startServer({ quotas, now: () => clock }, dir);
	toClose.push(() => h.close());
	return h;
}

type Row = { id: string; ok?: boolean; rev?: string; error?: string; reason?: string };
async function bulk(h: Harness, name: string, scope: string, docs: object[]): Promise<Row[]> {
	const res = await h.call({
		method: 'POST',
		url: `/db/${scope}/_bulk_docs`,
		cookie: await h.signIn(name),
		payload: { docs },
	});
	expect(res.statusCode, res.body).toBe(200);
	return res.json() as Row[];
}
async function stored(h: Harness, scope: string, ids: string[]): Promise<(Record<string, unknown> | undefined)[]> {
	const res = await h.call({
		method: 'POST',
		url: `/db/${scope}/_all_docs?include_docs=true`,
		cookie: await h.signIn('chef'),
		payload: { keys: ids },
	});
	return (res.json().rows as { doc?: Record<string, unknown> }[]).map((r) => r.doc ?? undefined);
}

function photo(size = 600): { bytes: Buffer; sha: string } {
	const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(size - 4)]);
	return { bytes, sha: createHash('sha256').update(new Uint8Array(bytes)).digest('hex') };
}
async function upload(h: Harness, name: string, scope: string, p: { bytes: Buffer; sha: string }) {
	return h.call({
		method: 'PUT',
		url: `/db/${scope}/_blobs/${p.sha}`,
		cookie: await h.signIn(name),
		headers: { 'content-type': 'image/jpeg' },
		payload: p.bytes,
	});
}

describe('document quotas', () => {
	it('refuses new documents past the scope’s count, per document; edits and deletes go on', async () => {
		const h = await server({ docs: { unit: 3 } });
		const [a, b] = [roundDoc('a1'), roundDoc('a1')];
		expect(await bulk(h, 'chef', 'unit-a1', [a, b])).toMatchObject([{ ok: true }, { ok: true }]);
		const so = { createdBy: 'skyddsombud' };
		const [c, d, e] = [roundDoc('a1', so), roundDoc('a1', so), roundDoc('a1', so)];
		const res = await bulk(h, 'skyddsombud', 'unit-a1', [c, d, e]);
		expect(res).toEqual([
			{ id: c._id, ok: true, rev: expect.any(String) },
			{ id: d._id, error: 'forbidden', reason: SCOPE_DOCS_QUOTA_REASON },
			{ id: e._id, error: 'forbidden', reason: SCOPE_DOCS_QUOTA_REASON },
		]);
		expect(await stored(h, 'unit-a1', [d._id, e._id])).toEqual([undefined, undefined]);
		// At the limit, an edit of a stored document is no new document.
		const [storedA] = await stored(h, 'unit-a1', [a._id]);
		const [edit] = await bulk(h, 'chef', 'unit-a1', [{ ...storedA, date: '2026-12-24' }]);
		expect(edit).toMatchObject({ ok: true });
		// A delete makes room again.
		const [storedB] = await stored(h, 'unit-a1', [b._id]);
		const tombstone = { _id: b._id, _rev: storedB?._rev, _deleted: true, type: 'round', scope: 'unit-a1' };
		expect(await bulk(h, 'chef', 'unit-a1', [tombstone])).toMatchObject([{ ok: true }]);
		expect(await bulk(h, 'skyddsombud', 'unit-a1', [d])).toMatchObject([{ ok: true }]);
	});

	it('holds each scope kind to its own count: a person’s own scope too', async () => {
		const h = await server({ docs: { user: 1, unit: 1000 } });
		const own = { ...roundDoc('a1'), scope: 'user-chef' };
		const more = { ...roundDoc('a1'), scope: 'user-chef' };
		const res = await bulk(h, 'chef', 'user-chef', [own, more]);
		expect(res[1]).toEqual({ id: more._id, error: 'forbidden', reason: SCOPE_DOCS_QUOTA_REASON });
	});

	it('refuses a person’s new documents past their day, not anyone else’s, and lets them go on the next day', async () => {
		const h = await server({ docsPerPersonDay: 2 });
		const [a, b, c] = [roundDoc('a1'), roundDoc('a1'), roundDoc('a1')];
		expect(await bulk(h, 'chef', 'unit-a1', [a, b, c])).toEqual([
			{ id: a._id, ok: true, rev: expect.any(String) },
			{ id: b._id, ok: true, rev: expect.any(String) },
			{ id: c._id, error: 'forbidden', reason: PERSON_DOCS_QUOTA_REASON },
		]);
		// Another person, or the same person in another scope, has room of their own.
		expect(await bulk(h, 'skyddsombud', 'unit-a1', [roundDoc('a1', { createdBy: 'skyddsombud' })])).toMatchObject([
			{ ok: true },
		]);
		expect(await bulk(h, 'chef', 'user-chef', [{ ...roundDoc('a1'), scope: 'user-chef' }])).toMatchObject([
			{ ok: true },
		]);
		clock = new Date('2026-11-24T00:30:00.000Z');
		expect(await bulk(h, 'chef', 'unit-a1', [c])).toMatchObject([{ ok: true }]);
	});

	it('holds staff, who only send pre-reports, to a day of their own', async () => {
		const h = await server({ submitOnlyDocsPerPersonDay: 1 });
		const open = roundDoc('a1', { prereports: true, date: '2027-02-03' });
		await bulk(h, 'chef', 'unit-a1', [open]);
		const [first, second] = [prereportDoc(open._id), prereportDoc(open._id)];
		const res = await bulk(h, 'medarbetare', 'unit-a1', [first, second]);
		expect(res[0]).toMatchObject({ ok: true });
		expect(res[1]).toEqual({ id: second._id, error: 'forbidden', reason: PERSON_DOCS_QUOTA_REASON });
	});

	it('gives back the room of a new document the rules refused', async () => {
		const h = await server({ docsPerPersonDay: 1 });
		// A signature in someone else's name: a type chef may write, refused by the rules.
		const round = roundDoc('a1', { status: 'in_progress', createdBy: 'skyddsombud' });
		expect(await bulk(h, 'skyddsombud', 'unit-a1', [round])).toMatchObject([{ ok: true }]);
		const forged = signatureDoc('unit-a1', round._id, { signedBy: 'skyddsombud', role: 'safety_rep' });
		const [refused] = await bulk(h, 'chef', 'unit-a1', [forged]);
		expect(refused).toMatchObject({ error: 'forbidden' });
		expect(refused?.reason).not.toBe(PERSON_DOCS_QUOTA_REASON);
		expect(await bulk(h, 'chef', 'unit-a1', [roundDoc('a1')])).toMatchObject([{ ok: true }]);
	});
});

describe('_local quotas', () => {
	it('refuses a person’s new _local document past their count, with 403 and a fixed reason', async () => {
		const h = await server({ localDocsPerPerson: 2 });
		const chef = await h.signIn('chef');
		const put = (scope: string, id: string, body: object, cookie = chef) =>
			h.call({ method: 'PUT', url: `/db/${scope}/_local/${id}`, cookie, payload: body });
		const first = await put('org', 'one', { seq: 1 });
		expect(first.statusCode).toBe(201);
		expect((await put('org', 'two', { seq: 1 })).statusCode).toBe(201);
		const third = await put('org', 'three', { seq: 1 });
		expect(third.statusCode).toBe(403);
		expect(third.json()).toEqual({ error: 'forbidden', reason: LOCAL_DOCS_QUOTA_REASON });
		expect((await h.call({ url: '/db/org/_local/three', cookie: chef })).statusCode).toBe(404);
		// One they keep may still change; another person, or another scope, has room of their own.
		expect((await put('org', 'one', { seq: 2, _rev: first.json().rev })).statusCode).toBe(201);
		expect((await h.call({ url: '/db/org/_local/one', cookie: chef })).json()).toMatchObject({ seq: 2 });
		expect((await put('org', 'three', { seq: 1 }, await h.signIn('hr'))).statusCode).toBe(201);
		expect((await put('user-chef', 'three', { seq: 1 })).statusCode).toBe(201);
	});

	it('keeps its counters out of reach of the _local route', async () => {
		const h = await server({ localDocsPerPerson: 1 });
		const chef = await h.signIn('chef');
		expect((await h.call({ method: 'PUT', url: '/db/org/_local/x', cookie: chef, payload: {} })).statusCode).toBe(201);
		for (const id of ['quota.scope', `quota.person.${Buffer.from('chef').toString('base64url')}`]) {
			expect((await h.call({ url: `/db/org/_local/${id}`, cookie: chef })).statusCode).toBe(404);
		}
	});
});

describe('photo quotas', () => {
	it('refuses a new photo past the scope’s count with 413; bytes already held still answer 200', async () => {
		const h = await server({ photos: { unit: 2 } });
		const [p1, p2, p3] = [photo(), photo(), photo()];
		expect((await upload(h, 'chef', 'unit-a1', p1)).statusCode).toBe(201);
		expect((await upload(h, 'skyddsombud', 'unit-a1', p2)).statusCode).toBe(201);
		const over = await upload(h, 'chef', 'unit-a1', p3);
		expect(over.statusCode).toBe(413);
		expect(over.json()).toEqual({ error: 'too_large', reason: SCOPE_PHOTOS_QUOTA_REASON });
		expect((await upload(h, 'chef', 'unit-a1', p1)).statusCode).toBe(200);
		const cookie = await h.signIn('chef');
		expect((await h.call({ url: `/db/unit-a1/_blobs/${p3.sha}`, cookie })).statusCode).toBe(404);
		expect((await h.call({ url: `/db/unit-a1/_blobs/${p1.sha}`, cookie })).rawPayload.equals(p1.bytes)).toBe(true);
		// Another unit has room of its own.
		expect((await upload(h, 'chef2', 'unit-b1', p3)).statusCode).toBe(201);
	});

	it('refuses a photo past the scope’s bytes', async () => {
		const h = await server({ photoBytes: { unit: 1000 } });
		expect((await upload(h, 'chef', 'unit-a1', photo(600))).statusCode).toBe(201);
		const over = await upload(h, 'chef', 'unit-a1', photo(600));
		expect(over.statusCode).toBe(413);
		expect(over.json()).toEqual({ error: 'too_large', reason: SCOPE_PHOTOS_QUOTA_REASON });
		expect((await upload(h, 'chef', 'unit-a1', photo(400))).statusCode).toBe(201);
	});

	it('refuses a person’s photos past their count or bytes, not anyone else’s', async () => {
		const h = await server({ photosPerPerson: 1, photoBytesPerPerson: 5000 });
		expect((await upload(h, 'chef', 'unit-a1', photo())).statusCode).toBe(201);
		const over = await upload(h, 'chef', 'unit-a1', photo());
		expect(over.statusCode).toBe(413);
		expect(over.json()).toEqual({ error: 'too_large', reason: PERSON_PHOTOS_QUOTA_REASON });
		expect((await upload(h, 'skyddsombud', 'unit-a1', photo())).statusCode).toBe(201);
		const big = await upload(h, 'hr', 'user-hr', photo(6000));
		expect(big.json()).toEqual({ error: 'too_large', reason: PERSON_PHOTOS_QUOTA_REASON });
	});

	it('counts the photos a scope held before its counter existed', async () => {
		const dir = await tempDir();
		toClose.push(() => rm(dir, { recursive: true, force: true }));
		const blobs = new FsBlobStore({ dataDir: dir });
		for (const p of [photo(), photo()]) await blobs.put('unit-a1', p.sha, new Uint8Array(p.bytes));
		const h = await server({ photos: { unit: 2 } }, dir);
		const over = await upload(h, 'chef', 'unit-a1', photo());
		expect(over.json()).toEqual({ error: 'too_large', reason: SCOPE_PHOTOS_QUOTA_REASON });
	});
});

describe('QuotaKeeper', () => {
	async function keeper(limits: QuotaOverrides): Promise<{ quotas: QuotaKeeper; store: PouchStore }> {
		const dir = await tempDir('trygg-quota-');
		const store = new PouchStore({ dataDir: dir });
		toClose.push(async () => {
			await store.close();
			await rm(dir, { recursive: true, force: true });
		});
		const quotas = new QuotaKeeper({
			store,
			blobs: new FsBlobStore({ dataDir: dir }),
			now: () => new Date('2026-11-23T09:00:00.000Z'),
			limits: quotaLimits(limits),
		});
		return { quotas, store };
	}

	it('admits exactly the room among fifty writers at once, and takes back what they did not write', async () => {
		const { quotas } = await keeper({ docsPerPersonDay: 10, docs: { unit: 25 } });
		// The person's day binds first here: the scope has room for all fifty.
		const { quotas: roomy } = await keeper({ docsPerPersonDay: 10 });
		const one = await Promise.all(Array.from({ length: 50 }, () => roomy.admitDocs('unit-a1', 'chef', 1, false)));
		expect(one.filter((a) => a.allowed === 1)).toHaveLength(10);
		expect(new Set(one.filter((a) => a.allowed === 0).map((a) => a.reason))).toEqual(
			new Set([PERSON_DOCS_QUOTA_REASON]),
		);
		// Nothing was written: everyone gives the room back, and it is there again.
		await Promise.all(one.map((a) => a.settle(0)));
		const again = await roomy.admitDocs('unit-a1', 'chef', 12, false);
		expect(again).toMatchObject({ allowed: 10, reason: PERSON_DOCS_QUOTA_REASON });
		// The scope's room counts what is admitted and not yet written, across people.
		expect(await quotas.admitDocs('unit-a1', 'chef', 10, false)).toMatchObject({ allowed: 10 });
		const others = await Promise.all(['a', 'b', 'c', 'd'].map((name) => quotas.admitDocs('unit-a1', name, 10, false)));
		expect(others.reduce((sum, a) => sum + a.allowed, 0)).toBe(15);
		expect(others.some((a) => a.reason === SCOPE_DOCS_QUOTA_REASON)).toBe(true);
	});

	it('writes a counter a couple of times for fifty uploads at once, not fifty times in turn', async () => {
		const { quotas, store } = await keeper({ photos: { unit: 40 } });
		const writes = vi.spyOn(store, 'putLocal');
		const results = await Promise.allSettled(
			Array.from({ length: 50 }, () => quotas.admitPhoto('unit-a1', 'chef', 1000)),
		);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(40);
		for (const r of results) {
			if (r.status === 'rejected')
				expect(r.reason).toMatchObject({ code: 'too_large', message: SCOPE_PHOTOS_QUOTA_REASON });
		}
		// The scope's counter and the person's: the first caller's change, then everyone else's together.
		// On a loaded machine the two counters' writes can interleave into one more round each; the
		// point is a handful of writes, never one per upload.
		expect(writes.mock.calls.length).toBeLessThanOrEqual(8);
		expect(await store.getLocal('unit-a1', 'quota.scope')).toMatchObject({ photos: 40, photoBytes: 40_000 });
	});

	it('takes defaults for every limit not overridden', () => {
		const limits = quotaLimits({ docs: { unit: 5 }, localDocsPerPerson: 3 });
		expect(limits.docs).toEqual({ unit: 5, user: 20_000, org: 50_000 });
		expect(limits.localDocsPerPerson).toBe(3);
		expect(limits.photosPerPerson).toBe(10_000);
	});
});
