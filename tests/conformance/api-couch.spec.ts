/**
 * The whole sync server on the CouchDB adapter: two stateless servers (same SESSION_SECRET)
 * over one CouchDB, driven through HTTP like devices behind a load balancer. Uses the
 * reference server, or the real CouchDB 3 in COUCHDB_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../sync-server/src/app.ts';
import { newId } from '../../src/lib/domain/index.ts';
import { startCouchTarget, type CouchTarget } from './couch-target.ts';

const secret = 'shared-secret-shared-secret-shared-secret';
let target: CouchTarget;
let dirs: string[] = [];
let one: FastifyInstance;
let two: FastifyInstance;

async function server(): Promise<FastifyInstance> {
	const dataDir = await mkdtemp(join(tmpdir(), 'trygg-api-couch-'));
	dirs.push(dataDir);
	const app = await buildApp({
		dataDir,
		sessionSecret: secret,
		seedDemo: true,
		storage: { kind: 'couchdb', url: target.url, prefix: target.prefix },
	});
	await app.listen({ port: 0, host: '127.0.0.1' });
	return app;
}

function base(app: FastifyInstance): string {
	const address = app.server.address();
	return typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
}

async function signIn(app: FastifyInstance, name: string): Promise<string> {
	const res = await fetch(`${base(app)}/db/_session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: 'trygg-demo' }),
	});
	expect(res.status).toBe(200);
	return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

function round(): Record<string, unknown> {
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
	};
}

beforeAll(async () => {
	target = await startCouchTarget();
	one = await server();
	two = await server(); // starts on a seeded store: must not seed again
});
afterAll(async () => {
	await one?.close();
	await two?.close();
	await target.close();
	for (const d of dirs) await rm(d, { recursive: true, force: true });
	dirs = [];
});

describe('sync server on CouchDB', () => {
	it('keeps nothing on local disk and answers one uuid from every server', async () => {
		expect(one.seeded).toBe(true);
		expect(two.seeded).toBe(false);
		for (const d of dirs) expect(await readdir(d)).toEqual([]);
		const a = (await (await fetch(`${base(one)}/db/`)).json()) as { uuid: string };
		const b = (await (await fetch(`${base(two)}/db/`)).json()) as { uuid: string };
		expect(a.uuid).toMatch(/^[0-9a-f]{32}$/);
		expect(b.uuid).toBe(a.uuid);
	});

	it('signs in on one server, pushes there, and pulls and longpolls through the other', async () => {
		const cookie = await signIn(one, 'chef');
		const headers = { cookie, 'content-type': 'application/json' };

		const start = await fetch(`${base(two)}/db/unit-a1/_changes?since=now`, { headers });
		expect(start.status).toBe(200); // the cookie of server one works on server two
		const since = ((await start.json()) as { last_seq: string }).last_seq;

		const waiting = fetch(
			`${base(two)}/db/unit-a1/_changes?feed=longpoll&since=${encodeURIComponent(since)}&include_docs=true&timeout=20000`,
			{ headers },
		);
		const doc = round();
		const pushed = await fetch(`${base(one)}/db/unit-a1/_bulk_docs`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ docs: [doc] }),
		});
		expect(pushed.status).toBe(200);
		const [result] = (await pushed.json()) as { id: string; ok?: boolean; rev?: string }[];
		expect(result).toMatchObject({ id: doc._id, ok: true });

		const woke = (await (await waiting).json()) as { results: { id: string; seq: string; doc?: unknown }[] };
		expect(woke.results.map((r) => r.id)).toContain(doc._id);
		expect(typeof woke.results[0]?.seq).toBe('string');

		const stale = await fetch(`${base(two)}/db/unit-a1/_bulk_docs`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ docs: [{ ...doc, status: 'done' }] }),
		});
		expect(((await stale.json()) as { error?: string }[])[0]).toMatchObject({ id: doc._id, error: 'conflict' });

		const all = await fetch(`${base(two)}/db/unit-a1/_all_docs?include_docs=true`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ keys: [doc._id, 'round:missing'] }),
		});
		const rows = ((await all.json()) as { rows: unknown[] }).rows;
		expect(rows[0]).toMatchObject({ id: doc._id, value: { rev: result?.rev } });
		expect(rows[1]).toEqual({ key: 'round:missing', error: 'not_found' });
	});

	it('keeps access control: a staff member of A1 cannot read B1, a stranger cannot read at all', async () => {
		const cookie = await signIn(two, 'medarbetare');
		expect((await fetch(`${base(one)}/db/unit-b1/_changes`, { headers: { cookie } })).status).toBe(403);
		expect((await fetch(`${base(one)}/db/unit-a1/_changes`)).status).toBe(401);
	});

	it('stores checkpoints as local documents and refuses a stale one', async () => {
		const cookie = await signIn(one, 'chef');
		const headers = { cookie, 'content-type': 'application/json' };
		const put = (app: FastifyInstance, body: object) =>
			fetch(`${base(app)}/db/org/_local/device-1`, { method: 'PUT', headers, body: JSON.stringify(body) });
		const first = await put(one, { since: '0' });
		expect(first.status).toBe(201);
		const rev1 = ((await first.json()) as { rev: string }).rev;
		// CouchDB itself takes all three (decision 0021); the sync server refuses them.
		const again = await put(two, { since: '1' });
		expect(again.status).toBe(409);
		expect(await again.json()).toEqual({ error: 'conflict', reason: 'Document update conflict.' });
		const second = await put(two, { since: '2', _rev: rev1 });
		expect(second.status).toBe(201);
		const rev2 = ((await second.json()) as { rev: string }).rev;
		expect(rev2).not.toBe(rev1);
		expect((await put(one, { since: 'stale', _rev: rev1 })).status).toBe(409);
		const ghost = await fetch(`${base(one)}/db/org/_local/never-written`, {
			method: 'PUT',
			headers,
			body: JSON.stringify({ since: '1', _rev: '0-7' }),
		});
		expect(ghost.status).toBe(409);
		expect((await fetch(`${base(two)}/db/org/_local/never-written`, { headers })).status).toBe(404);
		const got = await fetch(`${base(two)}/db/org/_local/device-1`, { headers });
		expect(await got.json()).toMatchObject({ since: '2', _rev: rev2 });
	});

	it('refuses an edit naming a revision of a document the store does not hold, and stores nothing', async () => {
		const cookie = await signIn(one, 'chef');
		const headers = { cookie, 'content-type': 'application/json' };
		// The scope holds documents, so CouchDB 3.5 would store the edit as generation 2.
		const fresh = round();
		const doc = { ...fresh, _id: String(fresh._id), _rev: '1-0123456789abcdef0123456789abcdef' };
		const res = await fetch(`${base(one)}/db/unit-a1/_bulk_docs`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ docs: [doc] }),
		});
		expect(await res.json()).toEqual([{ id: doc._id, error: 'conflict', reason: 'Document update conflict.' }]);
		const all = await fetch(`${base(two)}/db/unit-a1/_all_docs`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ keys: [doc._id] }),
		});
		expect(((await all.json()) as { rows: unknown[] }).rows).toEqual([{ key: doc._id, error: 'not_found' }]);
	});

	it('keeps its indexes current with writes made through the other server (decision 0017)', async () => {
		const chef = await signIn(one, 'chef');
		const staff = await signIn(two, 'medarbetare');
		const plan = async (date: string): Promise<string> => {
			const doc: Record<string, unknown> = { ...round(), prereports: true, date };
			const res = await fetch(`${base(one)}/db/unit-a1/_bulk_docs`, {
				method: 'POST',
				headers: { cookie: chef, 'content-type': 'application/json' },
				body: JSON.stringify({ docs: [doc] }),
			});
			expect(res.status).toBe(200);
			return doc._id as string;
		};
		const listed = async (): Promise<string[]> => {
			const res = await fetch(`${base(two)}/api/prereport-rounds`, { headers: { cookie: staff } });
			return ((await res.json()) as { rounds: { roundId: string }[] }).rounds.map((r) => r.roundId);
		};
		const first = await plan('2027-05-01');
		expect(await listed()).toContain(first);
		const second = await plan('2027-05-02');
		expect(await listed()).toEqual(expect.arrayContaining([first, second]));

		const admin = await signIn(one, 'admin');
		const members = async (): Promise<string[]> => {
			const res = await fetch(`${base(two)}/api/units/b1/members`, { headers: { cookie: await signIn(two, 'chef2') } });
			return ((await res.json()) as { members: { name: string }[] }).members.map((m) => m.name).sort();
		};
		// B1's people in the demo: its manager and its employee rep (decision 0028).
		expect(await members()).toEqual(['arbetstagarrep', 'chef2']);
		const moved = await fetch(`${base(one)}/api/admin/users/skyddsombud/memberships`, {
			method: 'PUT',
			headers: { cookie: admin, 'content-type': 'application/json' },
			body: JSON.stringify([
				{ unitId: 'a1', role: 'safety_rep' },
				{ unitId: 'b1', role: 'safety_rep' },
			]),
		});
		expect(moved.status).toBe(200);
		expect(await members()).toEqual(['arbetstagarrep', 'chef2', 'skyddsombud']);
	});

	it('keeps quota counters in CouchDB too (_local documents of the scope)', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'trygg-api-couch-'));
		dirs.push(dataDir);
		const small = await buildApp({
			dataDir,
			sessionSecret: secret,
			storage: { kind: 'couchdb', url: target.url, prefix: target.prefix },
			quotas: { localDocsPerPerson: 1 },
		});
		try {
			const cookie = await signIn(one, 'hr');
			const put = (app: FastifyInstance, id: string) =>
				app.inject({ method: 'PUT', url: `/db/org/_local/${id}`, headers: { cookie }, payload: { since: '0' } });
			expect((await put(small, 'quota-one')).statusCode).toBe(201);
			const over = await put(small, 'quota-two');
			expect(over.statusCode).toBe(403);
			expect(over.json()).toMatchObject({ error: 'forbidden', reason: expect.stringMatching(/^quota: /) });
		} finally {
			await small.close();
		}
	});
});
