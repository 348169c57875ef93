import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { newId, type RoundDoc } from '../domain/index.ts';
import { compareStamps, parseStamp } from '../domain/hlc.ts';
import { TryggDb } from './app-db.ts';
import {
	clockOffset,
	deviceId,
	discardRefused,
	docsOfRound,
	liveDocsOfTypeWithOutbox,
	liveOutboxIds,
	liveRoundBundle,
	noteServerTime,
	type OutboxIds,
	type RoundBundle,
	retryAllRefused,
	retryRefused,
	revokeScope,
	saveDoc,
	saveDocs,
} from './docs-repo.ts';

const T0 = Date.parse('2026-12-01T08:00:00Z');

function round(overrides: Partial<RoundDoc> = {}): RoundDoc {
	const now = new Date(T0).toISOString();
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

const freshDb = () => new TryggDb(`repo-${Math.random()}`);

/** An answer waiting for its stamp (append-only: the save gives it one). */
function answerDoc() {
	return {
		_id: newId('answer'),
		type: 'answer' as const,
		scope: 'unit-a1',
		roundId: round()._id,
		itemId: 'physical-01',
		value: 'yes' as const,
		comment: '',
		fixedOnSite: false,
		fixedNote: '',
		photos: [],
		stamp: '',
		answeredAt: new Date(T0).toISOString(),
		answeredBy: 'chef',
		answeredByName: 'Anna Chef',
		createdAt: new Date(T0).toISOString(),
		updatedAt: new Date(T0).toISOString(),
	};
}

/** The stamp a save gives an answer: the device's clock, as every append-only save uses it. */
async function stampOfSave(db: TryggDb, seen: string | undefined, now: Date): Promise<string> {
	return ((await saveDoc(db, answerDoc(), now, { stampAfter: { seen } })) as { stamp: string }).stamp;
}

describe('saveDoc clock stamps', () => {
	it('makes the device id once and keeps it', async () => {
		const db = freshDb();
		const id = await deviceId(db);
		expect(id).toMatch(/^[a-z0-9-]{1,64}$/);
		expect(await deviceId(db)).toBe(id);
	});

	it('stamps every field of a new document with one stamp of this device', async () => {
		const db = freshDb();
		const saved = await saveDoc(db, round(), new Date(T0));
		const stamps = new Set(Object.values(saved.clock ?? {}));
		expect(stamps.size).toBe(1);
		const [stamp] = [...stamps];
		expect(parseStamp(stamp as string)).toEqual({ wall: T0, counter: 0, device: await deviceId(db) });
		expect(Object.keys(saved.clock ?? {})).toEqual(expect.arrayContaining(['date', 'status', 'participants']));
		expect(saved.clock).not.toHaveProperty('updatedAt');
		expect((await db.outbox.get(saved._id))?.doc.clock).toEqual(saved.clock);
	});

	it('stamps only the fields that changed, later than before, even when the wall clock went back', async () => {
		const db = freshDb();
		const first = await saveDoc(db, round(), new Date(T0));
		const second = await saveDoc(db, { ...(first as RoundDoc), date: '2027-01-01' }, new Date(T0 - 60_000));
		expect(compareStamps(second.clock?.date, first.clock?.date)).toBe(1);
		expect(second.clock?.status).toBe(first.clock?.status);
		expect(second.clock?.participants).toBe(first.clock?.participants);
		// The document's own clock is ignored: a caller cannot forge stamps.
		const forged = await saveDoc(
			db,
			{ ...(second as RoundDoc), status: 'done', clock: { status: '9999999999999-9999-zzz' } },
			new Date(T0),
		);
		expect(forged.clock?.status).not.toBe('9999999999999-9999-zzz');
		expect(compareStamps(forged.clock?.status, second.clock?.date)).toBe(1);
	});

	it('stamps an edit later than the stamps of a version pulled from another device', async () => {
		const db = freshDb();
		const doc = round({ clock: undefined });
		const fromElsewhere = { ...doc, _rev: '3-x', clock: { date: `${T0 + 3_600_000}-0005-other` } };
		await db.docs.put(fromElsewhere);
		const saved = await saveDoc(db, { ...fromElsewhere, status: 'in_progress' }, new Date(T0));
		expect(compareStamps(saved.clock?.status, fromElsewhere.clock.date)).toBe(1);
		expect(saved._rev).toBe('3-x');
	});

	it('keeps "waiting since" at the first unsent edit', async () => {
		const db = freshDb();
		const first = await saveDoc(db, round(), new Date(T0));
		await saveDoc(db, { ...(first as RoundDoc), date: '2027-02-02' }, new Date(T0 + 60_000));
		const entry = await db.outbox.get(first._id);
		expect(entry?.queuedAt).toBe(new Date(T0).toISOString());
		expect(entry?.edit).toBe(2);
	});
});

describe('saveDocs', () => {
	it('stores several documents in one save, each stamped later than the one before; the same document twice builds on itself', async () => {
		const db = freshDb();
		const a = round();
		const b = round();
		const [savedA, savedB, againA] = await saveDocs(
			db,
			[{ doc: a }, { doc: b }, { doc: { ...a, date: '2027-03-03' } }],
			new Date(T0),
		);
		expect(compareStamps(savedB?.clock?.date, savedA?.clock?.date)).toBe(1);
		expect(compareStamps(againA?.clock?.date, savedB?.clock?.date)).toBe(1);
		// The second save of `a` changed only the date; its other stamps are the first save's.
		expect(againA?.clock?.status).toBe(savedA?.clock?.status);
		expect(await db.docs.get(a._id)).toEqual(againA);
		const entry = await db.outbox.get(a._id);
		expect(entry?.edit).toBe(2);
		expect(entry?.doc).toEqual(againA);
		expect((await db.outbox.get(b._id))?.edit).toBe(1);
		// The clock continues after the last stamp of the save.
		expect(compareStamps(await stampOfSave(db, undefined, new Date(T0)), againA?.clock?.date)).toBe(1);
	});

	it('stores nothing when one document of the save is refused', async () => {
		const db = freshDb();
		const good = round();
		const bad = { ...round(), date: 'not a date' };
		await expect(saveDocs(db, [{ doc: good }, { doc: bad }], new Date(T0))).rejects.toMatchObject({ code: 'invalid' });
		expect(await db.docs.count()).toBe(0);
		expect(await db.outbox.count()).toBe(0);
	});
});

describe('revoked and refused changes', () => {
	it('revokeScope removes the scope from the device and keeps its changes, marked revoked', async () => {
		const db = freshDb();
		const kept = await saveDoc(db, round());
		await db.outbox.delete(kept._id); // synced earlier
		const unsent = await saveDoc(db, round());
		const elsewhere = await saveDoc(db, round({ scope: 'unit-b1', unitId: 'b1' }));
		await db.checkpoints.bulkPut([
			{ scope: 'unit-a1', since: '7' },
			{ scope: 'unit-b1', since: '3' },
		]);
		await revokeScope(db, 'unit-a1', 'gone');
		expect(await db.docs.where('scope').equals('unit-a1').count()).toBe(0);
		expect(await db.checkpoints.get('unit-a1')).toBeUndefined();
		expect(await db.checkpoints.get('unit-b1')).toEqual({ scope: 'unit-b1', since: '3' });
		expect(await db.outbox.get(unsent._id)).toMatchObject({ state: 'revoked', error: { code: 'revoked' } });
		expect(await db.outbox.get(elsewhere._id)).toMatchObject({ state: 'pending' });

		await retryAllRefused(db);
		expect((await db.outbox.get(unsent._id))?.state).toBe('revoked');
		await retryRefused(db, unsent._id);
		expect((await db.outbox.get(unsent._id))?.state).toBe('pending');
	});

	it('discard removes a refused or revoked change but never a pending one', async () => {
		const db = freshDb();
		const a = await saveDoc(db, round());
		const b = await saveDoc(db, round());
		await db.outbox.update(a._id, { state: 'refused', error: { code: 'forbidden', reason: 'x' } });
		await discardRefused(db, a._id);
		await discardRefused(db, b._id);
		expect(await db.outbox.get(a._id)).toBeUndefined();
		expect(await db.docs.get(a._id)).toBeUndefined();
		expect((await db.outbox.get(b._id))?.state).toBe('pending');
	});
});

describe('liveOutboxIds', () => {
	it('lists the outbox ids by state and follows each change', async () => {
		const db = freshDb();
		const seen: OutboxIds[] = [];
		const sub = liveOutboxIds(db).subscribe({ next: (ids) => seen.push(ids) });
		const a = await saveDoc(db, round());
		const b = await saveDoc(db, round());
		await db.outbox.update(b._id, { state: 'refused', error: { code: 'forbidden', reason: 'x' } });
		await revokeScope(db, 'unit-b1', 'gone'); // touches nothing of these
		await vi.waitFor(() => expect(seen.at(-1)).toEqual({ pending: [a._id], refused: [b._id], revoked: [] }));
		sub.unsubscribe();
	});
});

describe('liveDocsOfTypeWithOutbox', () => {
	it('never shows a saved document without its outbox state: pending first, sent once the entry goes', async () => {
		const db = freshDb();
		const seen: { id: string; outbox: string | undefined }[][] = [];
		const sub = liveDocsOfTypeWithOutbox(db, 'round').subscribe({
			next: (rows) => seen.push(rows.map((r) => ({ id: r.doc._id, outbox: r.outbox }))),
		});
		const a = await saveDoc(db, round());
		await vi.waitFor(() => expect(seen.at(-1)).toEqual([{ id: a._id, outbox: 'pending' }]));
		// Every emission that holds the document holds it with its entry until the entry is removed.
		expect(seen.filter((rows) => rows.some((r) => r.id === a._id && r.outbox === undefined))).toEqual([]);
		await db.outbox.delete(a._id);
		await vi.waitFor(() => expect(seen.at(-1)).toEqual([{ id: a._id, outbox: undefined }]));
		sub.unsubscribe();
	});
});

describe('append-only documents: stamps and the round index', () => {
	it('makes each stamp later than the last one and than a stamp seen from another device, even with a clock behind', async () => {
		const db = freshDb();
		const first = await stampOfSave(db, undefined, new Date(T0));
		const second = await stampOfSave(db, undefined, new Date(T0));
		expect(compareStamps(second, first)).toBe(1);
		const remote = '1796112000000-0007-other-tablet';
		const after = await stampOfSave(db, remote, new Date(T0 - 60_000));
		expect(compareStamps(after, remote)).toBe(1);
		expect(parseStamp(after)?.device).toBe(await deviceId(db));
	});

	it('stamps an append-only document in its own save: stored and queued with the stamp, later than seen and than the last', async () => {
		const db = freshDb();
		const before = await stampOfSave(db, undefined, new Date(T0));
		const remote = '1796112000000-0007-other-tablet';
		const doc = answerDoc();
		const stored = await saveDoc(db, doc, new Date(T0 - 60_000), { stampAfter: { seen: remote } });
		const stamp = (stored as { stamp: string }).stamp;
		expect(compareStamps(stamp, remote)).toBe(1);
		expect(compareStamps(stamp, before)).toBe(1);
		expect((await db.docs.get(doc._id)) as { stamp: string }).toMatchObject({ stamp });
		expect(((await db.outbox.get(doc._id))?.doc as { stamp: string }).stamp).toBe(stamp);
		// The next stamp of the device comes after it.
		expect(compareStamps(await stampOfSave(db, undefined, new Date(T0)), stamp)).toBe(1);
		// Without a stamp the answer is refused: the placeholder never reaches the outbox.
		await expect(saveDoc(db, { ...doc, _id: newId('answer') })).rejects.toThrow();
	});

	it('reads the documents of a round by its id, leaving out other rounds and deleted ones', async () => {
		const db = freshDb();
		const r = round();
		const other = round();
		const now = new Date(T0).toISOString();
		const answer = (roundId: string) => ({
			_id: newId('answer'),
			type: 'answer' as const,
			scope: 'unit-a1',
			roundId,
			itemId: 'physical-01',
			value: 'no' as const,
			comment: '',
			fixedOnSite: false,
			fixedNote: '',
			photos: [],
			stamp: '1796112000000-0000-tablet-a',
			answeredAt: now,
			answeredBy: 'chef',
			answeredByName: 'Anna Chef',
			createdAt: now,
			updatedAt: now,
		});
		const mine = answer(r._id);
		await saveDoc(db, mine);
		await saveDoc(db, answer(other._id));
		await db.docs.put({ ...answer(r._id), _deleted: true });
		expect((await docsOfRound(db, r._id)).map((d) => d._id)).toEqual([mine._id]);
		// Never edited, so no field clocks: the answer's own stamp orders it.
		expect((await db.docs.get(mine._id))?.clock).toBeUndefined();
	});
});

describe('liveRoundBundle', () => {
	it('reads the round with its signatures and reopenings: never back in progress without the reopening', async () => {
		const db = freshDb();
		const now = new Date(T0).toISOString();
		const r = round({ status: 'signed' });
		const signature = (role: 'manager' | 'safety_rep') => ({
			_id: newId('signature'),
			type: 'signature' as const,
			scope: 'unit-a1',
			roundId: r._id,
			signedBy: role === 'manager' ? 'chef' : 'skyddsombud',
			signerName: role === 'manager' ? 'Anna Chef' : 'Sara Skyddsombud',
			role,
			signedAt: now,
			createdAt: now,
			updatedAt: now,
		});
		const signed = [signature('manager'), signature('safety_rep')];
		await saveDocs(db, [{ doc: r }, ...signed.map((doc) => ({ doc }))]);
		const seen: RoundBundle[] = [];
		const sub = liveRoundBundle(db, r._id).subscribe({ next: (b) => seen.push(b) });
		await vi.waitFor(() => expect(seen.at(-1)?.signatures).toHaveLength(2));
		const reopening = {
			_id: newId('reopening'),
			type: 'reopening' as const,
			scope: 'unit-a1',
			roundId: r._id,
			reason: 'Fel datum',
			voids: signed.map((s) => s._id),
			reopenedAt: now,
			reopenedBy: 'chef',
			reopenedByName: 'Anna Chef',
			createdAt: now,
			updatedAt: now,
		};
		const stored = (await db.docs.get(r._id)) as RoundDoc;
		await saveDocs(db, [{ doc: reopening }, { doc: { ...stored, status: 'in_progress' } }]);
		await vi.waitFor(() => expect(seen.at(-1)?.round?.status).toBe('in_progress'));
		sub.unsubscribe();
		for (const b of seen) {
			expect(b.signatures.map((s) => s._id).sort()).toEqual(signed.map((s) => s._id).sort());
			expect(b.reopenings).toHaveLength(b.round?.status === 'in_progress' ? 1 : 0);
		}
		expect(seen.at(-1)?.reopenings[0]?.reason).toBe('Fel datum');
	});
});

describe("stamps on the server's clock (decision 0013)", () => {
	it('a device whose clock is days off stamps at the server time it measured, and keeps its own updatedAt', async () => {
		const db = new TryggDb(`offset-${Math.random()}`);
		const deviceNow = T0 - 5 * 86_400_000; // the tablet thinks it is five days earlier
		await noteServerTime(db, T0, deviceNow);
		expect(await clockOffset(db)).toBe(T0 - deviceNow);
		const saved = await saveDoc(db, round(), new Date(deviceNow + 1000));
		expect(parseStamp(saved.clock?.date ?? '')?.wall).toBe(T0 + 1000);
		expect(saved.updatedAt).toBe(new Date(deviceNow + 1000).toISOString());
	});

	it('a new measurement within a second of the stored one is not written', async () => {
		const db = new TryggDb(`offset-${Math.random()}`);
		await noteServerTime(db, T0 + 10_000, T0);
		await noteServerTime(db, T0 + 10_800, T0);
		expect(await clockOffset(db)).toBe(10_000);
		await noteServerTime(db, T0 + 12_000, T0);
		expect(await clockOffset(db)).toBe(12_000);
	});
});
