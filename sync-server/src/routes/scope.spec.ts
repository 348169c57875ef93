/**
 * The per-scope routes with the policy behind them, over `inject`: refused documents come
 * back in request order, rules that need the stored round, revocation, and cross-unit
 * refusal on every read and write route.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnswerDoc, RoundDoc } from '../../../src/lib/domain/index.ts';
import { REVOKED_REASON, roundItems } from '../../../src/lib/domain/index.ts';
import { CLOCK_AHEAD_REASON } from '../../../src/lib/domain/hlc.ts';
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
import { nextVersion } from '../../../src/lib/domain/templates.ts';
import { UserStore } from '../auth/users.ts';
import { openPouch } from '../store/pouch-store.ts';
import type { Harness } from '../test-harness.ts';
import { actionDoc, answerDoc, roundDoc, signatureDoc, startServer } from '../test-harness.ts';

let h: Harness;
beforeEach(async () => {
	h = await startServer();
});
afterEach(async () => {
	await h.close();
});

/** A round of the seeded physical template with every item answered Ja (nothing to assess). */
function completeRound(): { round: RoundDoc; answers: AnswerDoc[] } {
	const template = starterTemplates('2026-11-23T09:00:00.000Z').find((t) => t._id === 'template:physical.v1');
	if (!template) throw new Error('no physical template');
	const round = roundDoc('a1', { templateId: template._id, status: 'in_progress' });
	const answers = roundItems(template).map(({ item }) => answerDoc('unit-a1', round._id, { itemId: item.id }));
	return { round, answers };
}

async function bulk(name: string, scope: string, docs: object[]) {
	const res = await h.call({
		method: 'POST',
		url: `/db/${scope}/_bulk_docs`,
		cookie: await h.signIn(name),
		payload: { docs },
	});
	return { status: res.statusCode, body: res.json() };
}

async function stored(scope: string, ids: string[]) {
	const res = await h.call({
		method: 'POST',
		url: `/db/${scope}/_all_docs?include_docs=true`,
		cookie: await h.signIn('chef'),
		payload: { keys: ids },
	});
	return (res.json().rows as { key: string; error?: string; doc?: Record<string, unknown> }[]).map((r) =>
		r.error ? undefined : r.doc,
	);
}

describe('_bulk_docs with the policy', () => {
	it('answers every document in request order: invalid, forbidden and accepted mixed', async () => {
		const ok1 = roundDoc('a1');
		const foreign = roundDoc('b1');
		const invalid = { ...roundDoc('a1'), status: 'nope' };
		const ok2 = roundDoc('a1');
		const res = await bulk('chef', 'unit-a1', [ok1, foreign, invalid, ok2]);
		expect(res.status).toBe(200);
		expect(res.body).toEqual([
			{ id: ok1._id, ok: true, rev: expect.any(String) },
			{ id: foreign._id, error: 'forbidden', reason: 'document scope unit-b1 does not match unit-a1' },
			{ id: invalid._id, error: 'invalid', reason: expect.stringContaining('status') },
			{ id: ok2._id, ok: true, rev: expect.any(String) },
		]);
		expect((await stored('unit-a1', [foreign._id, invalid._id])).every((d) => d === undefined)).toBe(true);
	});

	it('freezes a signed round and its answers against the stored version', async () => {
		const { round, answers } = completeRound();
		const answer = answers[0] as AnswerDoc;
		const [r1, a1] = (await bulk('chef', 'unit-a1', [round, ...answers])).body as { rev: string }[];
		await bulk('chef', 'unit-a1', [signatureDoc('unit-a1', round._id, { signedBy: 'chef', role: 'manager' })]);
		// The safety rep's signature and the round it locks arrive together: the signature counts.
		const sign = await bulk('skyddsombud', 'unit-a1', [
			signatureDoc('unit-a1', round._id, { signedBy: 'skyddsombud', role: 'safety_rep' }),
			{ ...round, _rev: r1?.rev, status: 'signed' },
		]);
		expect(sign.body[1]).toMatchObject({ ok: true });
		const signedRev = (sign.body[1] as { rev: string }).rev;

		const edits = await bulk('skyddsombud', 'unit-a1', [
			{ ...round, _rev: signedRev, status: 'done' },
			{ ...answer, _rev: a1?.rev, value: 'no' },
			answerDoc('unit-a1', round._id),
			{ _id: answer._id, _rev: a1?.rev, _deleted: true, type: 'answer', scope: 'unit-a1' },
		]);
		expect(edits.body.map((r: { error?: string }) => r.error)).toEqual([
			'forbidden',
			'forbidden',
			'forbidden',
			'forbidden',
		]);
		const [storedRound, storedAnswer] = await stored('unit-a1', [round._id, answer._id]);
		expect(storedRound).toMatchObject({ status: 'signed' });
		expect(storedAnswer).toMatchObject({ value: 'yes' });
	});

	it('refuses to lock a round without both signatures, and a signature on an unfinished round', async () => {
		const { round, answers } = completeRound();
		const [r1] = (await bulk('chef', 'unit-a1', [round, ...answers.slice(1)])).body as { rev: string }[];
		const early = await bulk('chef', 'unit-a1', [
			signatureDoc('unit-a1', round._id, { signedBy: 'chef', role: 'manager' }),
		]);
		expect(early.body[0]).toMatchObject({ error: 'forbidden', reason: expect.stringContaining('1 items unanswered') });
		await bulk('chef', 'unit-a1', answers.slice(0, 1));
		const chefSig = signatureDoc('unit-a1', round._id, { signedBy: 'chef', role: 'manager' });
		const lock = await bulk('chef', 'unit-a1', [chefSig, { ...round, _rev: r1?.rev, status: 'signed' }]);
		expect(lock.body[0]).toMatchObject({ ok: true });
		expect(lock.body[1]).toMatchObject({ error: 'forbidden', reason: expect.stringContaining('missing: safety_rep') });
	});

	it('counts a signature or reopening sent in the same request as the round, in any order', async () => {
		const { round, answers } = completeRound();
		const [r1] = (await bulk('chef', 'unit-a1', [round, ...answers])).body as { rev: string }[];
		await bulk('skyddsombud', 'unit-a1', [
			signatureDoc('unit-a1', round._id, { signedBy: 'skyddsombud', role: 'safety_rep', reservation: 'Ledstång' }),
		]);
		const chefSig = signatureDoc('unit-a1', round._id, { signedBy: 'chef', role: 'manager' });
		// The round line comes first, as a device sends it (ids in order).
		const lock = await bulk('chef', 'unit-a1', [{ ...round, _rev: r1?.rev, status: 'signed' }, chefSig]);
		expect(lock.body.map((r: { ok?: boolean }) => r.ok)).toEqual([true, true]);
		const signedRev = (lock.body[0] as { rev: string }).rev;
		const reopening = {
			_id: 'reopening:same-batch',
			type: 'reopening',
			scope: 'unit-a1',
			roundId: round._id,
			reason: 'Fel datum',
			voids: [],
			reopenedAt: '2026-11-24T09:00:00.000Z',
			reopenedBy: 'chef',
			reopenedByName: 'Anna Chef',
			createdAt: '2026-11-24T09:00:00.000Z',
			updatedAt: '2026-11-24T09:00:00.000Z',
		};
		const back = { ...round, _rev: signedRev, status: 'in_progress' };
		// A reopening must set aside the signatures that count.
		const partial = await bulk('chef', 'unit-a1', [back, { ...reopening, voids: [chefSig._id] }]);
		expect(partial.body[1]).toMatchObject({ error: 'forbidden', reason: expect.stringContaining('sets aside every') });
		expect(partial.body[0]).toMatchObject({ error: 'forbidden' });
		const stored2 = await stored('unit-a1', [round._id]);
		const sigs = (
			(await h.call({ url: '/db/unit-a1/_changes?include_docs=true', cookie: await h.signIn('chef') })).json() as {
				results: { doc: { type: string; roundId?: string; _id: string } }[];
			}
		).results
			.map((r) => r.doc)
			.filter((d) => d.type === 'signature' && d.roundId === round._id)
			.map((d) => d._id);
		const res = await bulk('chef', 'unit-a1', [back, { ...reopening, voids: sigs }]);
		expect(res.body.map((r: { ok?: boolean }) => r.ok)).toEqual([true, true]);
		expect(stored2[0]).toMatchObject({ status: 'signed' });
		expect((await stored('unit-a1', [round._id]))[0]).toMatchObject({ status: 'in_progress' });
	});

	it('lets only the manager close an action, and keeps signatures append-only', async () => {
		const action = actionDoc('unit-a1', { status: 'done' });
		const [created] = (await bulk('skyddsombud', 'unit-a1', [action])).body as { rev: string }[];
		const byRep = await bulk('skyddsombud', 'unit-a1', [
			{ ...action, _rev: created?.rev, status: 'effect_checked', effective: true },
		]);
		expect(byRep.body[0]).toMatchObject({ error: 'forbidden', reason: expect.stringContaining('only a manager') });
		const byChef = await bulk('chef', 'unit-a1', [
			{ ...action, _rev: created?.rev, status: 'effect_checked', effective: true },
		]);
		expect(byChef.body[0]).toMatchObject({ ok: true });

		const { round, answers } = completeRound();
		await bulk('chef', 'unit-a1', [round, ...answers]);
		const sig = signatureDoc('unit-a1', round._id, { signedBy: 'skyddsombud', role: 'safety_rep' });
		const forged = signatureDoc('unit-a1', round._id, { signedBy: 'chef', role: 'manager' });
		const res = await bulk('skyddsombud', 'unit-a1', [sig, forged]);
		expect(res.body[0]).toMatchObject({ ok: true });
		expect(res.body[1]).toMatchObject({ error: 'forbidden', reason: 'you may sign only as yourself' });
		const rev = (res.body[0] as { rev: string }).rev;
		const del = await bulk('skyddsombud', 'unit-a1', [
			{ _id: sig._id, _rev: rev, _deleted: true, type: 'signature', scope: 'unit-a1' },
		]);
		expect(del.body[0]).toMatchObject({ error: 'forbidden', reason: 'signatures cannot be deleted' });
		expect((await stored('unit-a1', [sig._id]))[0]).toMatchObject({ signedBy: 'skyddsombud' });
	});

	it('refuses a round planned on a draft template version, read from the org scope', async () => {
		const [physical] = starterTemplates('2026-11-23T09:00:00.000Z');
		if (!physical) throw new Error('no template');
		const draft = { ...nextVersion(physical, [], '2026-11-24T09:00:00.000Z'), status: 'draft' as const };
		expect((await bulk('hr', 'org', [draft])).body).toMatchObject([{ ok: true, id: draft._id }]);
		const onDraft = roundDoc('a1', { templateId: draft._id, templateVersion: draft.version });
		const onPublished = roundDoc('a1', { templateId: physical._id, templateVersion: physical.version });
		const res = await bulk('chef', 'unit-a1', [onDraft, onPublished]);
		expect(res.body).toMatchObject([
			{ id: onDraft._id, error: 'forbidden', reason: 'a round needs a published template version' },
			{ id: onPublished._id, ok: true },
		]);
	});

	it('keeps type and scope through a delete', async () => {
		const round = roundDoc('a1');
		const [created] = (await bulk('chef', 'unit-a1', [round])).body as { rev: string }[];
		const asAction = { _id: round._id, _rev: created?.rev, _deleted: true, type: 'action', scope: 'unit-a1' };
		const refused = await bulk('chef', 'unit-a1', [asAction]);
		// The id names the type, so the schema check already refuses it.
		expect(refused.body[0]).toMatchObject({ error: 'invalid' });
		const ok = await bulk('chef', 'unit-a1', [
			{ _id: round._id, _rev: created?.rev, _deleted: true, type: 'round', scope: 'unit-a1' },
		]);
		expect(ok.body[0]).toMatchObject({ ok: true });
	});

	it('lets a manager read but not write a sibling’s personal scope or a report scope', async () => {
		const draft = { ...roundDoc('a1'), scope: 'user-chef' };
		expect((await bulk('chef', 'user-chef', [draft])).body[0]).toMatchObject({ ok: true });
		expect((await bulk('chef2', 'user-chef', [draft])).status).toBe(403);
		const report = await bulk('chef', 'reports-a1', [{ ...roundDoc('a1'), scope: 'reports-a1' }]);
		expect(report.status).toBe(200);
		expect(report.body[0]).toMatchObject({ error: 'forbidden', reason: 'no write access to reports-a1' });
	});
});

describe('revocation', () => {
	it('remembers a scope once even when a device opens it with parallel first requests', async () => {
		const cookie = await h.signIn('chef');
		const urls = ['/db/unit-a1', '/db/unit-a1/_changes', '/db/reports-a1', '/db/unit-a1/_changes?limit=1'];
		const answers = await Promise.all(urls.map((url) => h.call({ method: 'GET', url, cookie })));
		expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
		await h.app.close();
		const db = await openPouch(`${h.dir}/auth`);
		const chef = await new UserStore(db).get('chef');
		await db.close();
		expect(chef?.seenScopes?.sort()).toEqual(['reports-a1', 'unit-a1']);
	});

	it('answers 403 revoked for a scope the user synced before and lost, forbidden for one never held', async () => {
		const cookie = await h.signIn('skyddsombud');
		expect((await h.call({ method: 'GET', url: '/db/unit-a1/_changes', cookie })).statusCode).toBe(200);
		// Remove the membership while the server is down, as an admin tool would.
		await h.app.close();
		const db = await openPouch(`${h.dir}/auth`);
		await new UserStore(db).setMemberships('skyddsombud', []);
		await db.close();
		const again = await startServer({}, h.dir);
		try {
			const cookie2 = await again.signIn('skyddsombud');
			for (const [method, url] of [
				['GET', '/db/unit-a1/_changes'],
				['GET', '/db/unit-a1'],
				['POST', '/db/unit-a1/_bulk_docs'],
				['GET', '/db/unit-a1/_local/checkpoint'],
			] as const) {
				const res = await again.call({
					method,
					url,
					cookie: cookie2,
					...(method === 'POST' ? { payload: { docs: [] } } : {}),
				});
				expect(res.statusCode, url).toBe(403);
				expect(res.json(), url).toEqual({ error: 'revoked', reason: REVOKED_REASON });
			}
			const never = await again.call({ method: 'GET', url: '/db/unit-b1/_changes', cookie: cookie2 });
			expect(never.json()).toEqual({ error: 'forbidden', reason: 'You are not allowed to access this db.' });
			const me = (await again.call({ method: 'GET', url: '/api/me', cookie: cookie2 })).json();
			expect(me.scopes.map((s: { scope: string }) => s.scope)).not.toContain('unit-a1');
		} finally {
			await again.close();
		}
	});
});

describe('ancestor managers', () => {
	it('lets a manager of a division read, not write, a unit below it and its reports', async () => {
		await h.app.close();
		const db = await openPouch(`${h.dir}/auth`);
		await new UserStore(db).setMemberships('chef2', [
			{ unitId: 'b1', role: 'manager' },
			{ unitId: 'avd-a', role: 'manager' },
		]);
		await db.close();
		const again = await startServer({}, h.dir);
		try {
			const cookie = await again.signIn('chef2');
			for (const url of ['/db/unit-a1/_changes', '/db/unit-a3', '/db/reports-a1', '/db/unit-avd-a']) {
				expect((await again.call({ method: 'GET', url, cookie })).statusCode, url).toBe(200);
			}
			const res = await again.call({
				method: 'POST',
				url: '/db/unit-a1/_bulk_docs',
				cookie,
				payload: { docs: [roundDoc('a1')] },
			});
			expect(res.json()[0]).toMatchObject({ error: 'forbidden', reason: 'no write access to unit-a1' });
			expect((await again.call({ method: 'GET', url: '/db/unit-b2', cookie })).statusCode).toBe(403);
		} finally {
			await again.close();
		}
	});
});

describe('cross-unit access', () => {
	it('refuses chef every route of unit-b1 while chef2 uses them, and leaks nothing of its documents', async () => {
		const secret = roundDoc('b1', { createdBy: 'chef2' });
		expect((await bulk('chef2', 'unit-b1', [secret])).body[0]).toMatchObject({ ok: true });
		const chef = await h.signIn('chef');
		const probes = [
			{ method: 'GET', url: '/db/unit-b1' },
			{ method: 'GET', url: '/db/unit-b1/_changes?include_docs=true' },
			{ method: 'GET', url: '/db/unit-b1/_changes?feed=longpoll&timeout=0' },
			{ method: 'POST', url: '/db/unit-b1/_all_docs?include_docs=true', payload: { keys: [secret._id] } },
			{ method: 'POST', url: '/db/unit-b1/_bulk_docs', payload: { docs: [roundDoc('b1')] } },
			{ method: 'GET', url: '/db/unit-b1/_local/x' },
			{ method: 'PUT', url: '/db/unit-b1/_local/x', payload: { last_seq: '1' } },
			{ method: 'GET', url: '/db/reports-b1' },
			{ method: 'GET', url: '/db/user-chef2/_changes' },
		] as const;
		for (const p of probes) {
			const res = await h.call({ ...p, cookie: chef });
			expect(res.statusCode, p.url).toBe(403);
			expect(res.body).not.toContain(secret._id);
		}
		// A document for unit-b1 sent through chef's own scope is refused and lands nowhere.
		const smuggled = roundDoc('b1');
		const res = await bulk('chef', 'unit-a1', [smuggled, { ...roundDoc('a1'), unitId: 'b1' }]);
		expect(res.body.map((r: { error?: string }) => r.error)).toEqual(['forbidden', 'forbidden']);
		const chef2 = await h.signIn('chef2');
		const inB1 = await h.call({
			method: 'POST',
			url: '/db/unit-b1/_all_docs',
			cookie: chef2,
			payload: { keys: [smuggled._id] },
		});
		expect(inB1.json().rows[0]).toMatchObject({ error: 'not_found' });
	});
});

describe('_local checkpoints', () => {
	it('keeps each user’s checkpoints to themselves, even in a scope both read', async () => {
		const chef = await h.signIn('chef');
		const rep = await h.signIn('skyddsombud');
		const put = await h.call({ method: 'PUT', url: '/db/org/_local/cp', cookie: chef, payload: { last_seq: '7' } });
		expect(put.statusCode).toBe(201);
		expect(put.json()).toMatchObject({ ok: true, id: '_local/cp', rev: expect.any(String) });
		const mine = await h.call({ method: 'GET', url: '/db/org/_local/cp', cookie: chef });
		expect(mine.json()).toMatchObject({ _id: '_local/cp', last_seq: '7' });
		// The safety rep neither sees nor collides with chef's checkpoint of the same id.
		expect((await h.call({ method: 'GET', url: '/db/org/_local/cp', cookie: rep })).statusCode).toBe(404);
		const theirs = await h.call({ method: 'PUT', url: '/db/org/_local/cp', cookie: rep, payload: { last_seq: '1' } });
		expect(theirs.statusCode).toBe(201);
		expect((await h.call({ method: 'GET', url: '/db/org/_local/cp', cookie: chef })).json()).toMatchObject({
			last_seq: '7',
		});
		// An update needs the current rev, as in CouchDB.
		const stale = await h.call({ method: 'PUT', url: '/db/org/_local/cp', cookie: chef, payload: { last_seq: '8' } });
		expect(stale.statusCode).toBe(409);
		const rev = put.json().rev as string;
		const next = await h.call({
			method: 'PUT',
			url: '/db/org/_local/cp',
			cookie: chef,
			payload: { _rev: rev, last_seq: '8' },
		});
		expect(next.statusCode).toBe(201);
		// Checked by the server whatever the store (decision 0021): a stale rev, one for a document
		// never written, and one that is no local revision.
		const again = await h.call({
			method: 'PUT',
			url: '/db/org/_local/cp',
			cookie: chef,
			payload: { _rev: rev, last_seq: '9' },
		});
		expect(again.statusCode).toBe(409);
		const ghost = await h.call({
			method: 'PUT',
			url: '/db/org/_local/other',
			cookie: chef,
			payload: { _rev: '0-3', last_seq: '1' },
		});
		expect(ghost.statusCode).toBe(409);
		const bad = await h.call({
			method: 'PUT',
			url: '/db/org/_local/cp',
			cookie: chef,
			payload: { _rev: '1-0123456789abcdef0123456789abcdef', last_seq: '1' },
		});
		expect(bad.statusCode).toBe(400);
		expect(bad.json()).toEqual({ error: 'bad_request', reason: 'Invalid rev format' });
		expect((await h.call({ method: 'GET', url: '/db/org/_local/cp', cookie: chef })).json()).toMatchObject({
			last_seq: '8',
			_rev: next.json().rev,
		});
	});
});

describe('clock stamps against the server clock (decision 0013)', () => {
	const NOW = Date.parse('2031-03-10T12:00:00Z');
	const DAY = 86_400_000;
	// Made on that day: recorded times lie within the server's bound (decision 0016).
	const made = { createdAt: new Date(NOW).toISOString(), updatedAt: new Date(NOW).toISOString() };
	let timed: Harness;
	beforeEach(async () => {
		timed = await startServer({ now: () => new Date(NOW) });
	});
	afterEach(async () => {
		await timed.close();
	});
	const send = async (docs: object[]) =>
		timed.call({
			method: 'POST',
			url: '/db/unit-a1/_bulk_docs',
			cookie: await timed.signIn('chef'),
			payload: { docs },
		});

	it("tells the server's clock on every sync answer", async () => {
		const res = await timed.call({ method: 'GET', url: '/db/unit-a1', cookie: await timed.signIn('chef') });
		expect(res.headers['x-trygg-time']).toBe(String(NOW));
	});

	it('refuses a new stamp more than 8 days ahead, per document and with its reason, and keeps the rest', async () => {
		const stampAt = (ms: number): string => `${ms}-0000-dev-1`;
		const ahead = { ...roundDoc('a1', made), clock: { date: stampAt(NOW + 9 * DAY) } };
		const weekAhead = { ...roundDoc('a1', made), clock: { date: stampAt(NOW + 7 * DAY) } };
		const answer = answerDoc('unit-a1', weekAhead._id, {
			...made,
			answeredAt: made.createdAt,
			stamp: stampAt(NOW + 9 * DAY),
		});
		const res = await send([ahead, weekAhead, answer]);
		const body = res.json() as { id: string; ok?: boolean; error?: string; reason?: string }[];
		expect(body.map((r) => r.error ?? 'ok')).toEqual(['bad_request', 'ok', 'bad_request']);
		expect(body[0]?.reason).toBe(CLOCK_AHEAD_REASON);
		expect(body[0]?.id).toBe(ahead._id);
		expect(body[1]?.ok).toBe(true);
		const read = await timed.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs',
			cookie: await timed.signIn('chef'),
			payload: { keys: [ahead._id, answer._id] },
		});
		expect((read.json() as { rows: { error?: string }[] }).rows.map((r) => r.error)).toEqual([
			'not_found',
			'not_found',
		]);
	});

	it('an edit that carries over an already stored stamp is not refused for it', async () => {
		const round = { ...roundDoc('a1', made), clock: { date: `${NOW + 7 * DAY}-0000-dev-1` } };
		const first = (await send([round])).json() as { rev: string }[];
		// Later the server's clock would see that stamp as near; here the edit only adds a new field stamp.
		const edit = {
			...round,
			_rev: first[0]?.rev,
			status: 'in_progress',
			clock: { ...round.clock, status: `${NOW}-0000-dev-1` },
		};
		const res = (await send([edit])).json() as { ok?: boolean }[];
		expect(res[0]?.ok).toBe(true);
	});
});
