/**
 * Security probe: EVERY route the server registers (read from Fastify's own route list, so a
 * new route cannot be missed) is called as an anonymous caller and as each demo account,
 * on own, foreign and non-existent scopes, and the status is compared with a hand-written
 * table. A route without a line in ROUTES fails the suite with a message saying so.
 * Every error body must be CouchDB-shaped with no stack trace or internal path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './test-harness.ts';
import { roundDoc, startServer } from './test-harness.ts';

type Actor = 'anon' | 'chef' | 'chef2' | 'skyddsombud' | 'medarbetare' | 'hr' | 'admin';
const ACTORS: readonly Actor[] = ['anon', 'chef', 'chef2', 'skyddsombud', 'medarbetare', 'hr', 'admin'];

/** Scopes probed on every scoped route: own, sibling, parent, report and personal ones, and a malformed name. */
const SCOPES = [
	'org',
	'reports',
	'reports-a1',
	'reports-b1',
	'unit-a1',
	'unit-b1',
	'unit-avd-a',
	'user-chef',
	'user-chef2',
	'user-hr',
	'Not_A_Scope',
] as const;

/**
 * Who may read (r) or write (w) which scope, written out by hand from issue 3 and decision
 * 0003 (not computed by the policy, so the two check each other). Anything missing: no access.
 */
const ACCESS: Record<Exclude<Actor, 'anon'>, Partial<Record<string, 'r' | 'w'>>> = {
	chef: { org: 'r', 'user-chef': 'w', 'unit-a1': 'w', 'reports-a1': 'r' },
	chef2: { org: 'r', 'user-chef2': 'w', 'unit-b1': 'w', 'reports-b1': 'r' },
	skyddsombud: { org: 'r', 'user-skyddsombud': 'w', 'unit-a1': 'w', 'reports-a1': 'r' },
	medarbetare: { org: 'r', 'user-medarbetare': 'w' },
	hr: { org: 'w', 'user-hr': 'w', reports: 'r' },
	admin: { org: 'w', 'user-admin': 'w' },
};

/** Scopes an actor may only send into (staff pre-reports) and never read. */
const SUBMIT_ONLY: Partial<Record<Actor, string[]>> = { medarbetare: ['unit-a1'] };
const submits = (actor: Actor, scope: string): boolean => SUBMIT_ONLY[actor]?.includes(scope) ?? false;

const access = (actor: Actor, scope: string): 'r' | 'w' | undefined =>
	actor === 'anon' ? undefined : ACCESS[actor][scope];

/** The usual answer of a scoped route: 401 signed out, 404 no such scope name, 403 no grant, else `ok`. */
function scoped(ok: number) {
	return (actor: Actor, scope: string): number => {
		if (actor === 'anon') return 401;
		if (scope === 'Not_A_Scope') return 404;
		return access(actor, scope) ? ok : 403;
	};
}

/** A document that belongs in `scope` (a new unit in `org`, a round elsewhere). */
function docFor(scope: string): object {
	if (scope === 'org') {
		const now = '2026-11-23T09:00:00.000Z';
		const id = `unit:probe-${Math.random().toString(36).slice(2, 10)}`;
		return {
			_id: id,
			type: 'unit',
			scope,
			name: 'Probe',
			parentId: null,
			level: 'unit',
			createdAt: now,
			updatedAt: now,
		};
	}
	const unitId = scope.startsWith('unit-') ? scope.slice(5) : 'a1';
	return { ...roundDoc(unitId), scope };
}

/** Like `scoped`, but a submit-only sender is let in too. */
function sendable(ok: number) {
	return (actor: Actor, scope: string): number => (submits(actor, scope) ? ok : scoped(ok)(actor, scope));
}

type Probe = {
	request: (scope: string) => InjectOptions;
	status: (actor: Actor, scope: string) => number;
	/** Extra checks on a successful answer. */
	check?: (actor: Actor, scope: string, body: unknown) => void;
	/** Route has `:scope`: probe it on every scope in SCOPES. */
	scoped?: boolean;
};

/** Every route, keyed `METHOD /path` exactly as Fastify lists it. HEAD is probed like GET. */
const ROUTES: Record<string, Probe> = {
	'GET /db': { request: () => ({ url: '/db' }), status: () => 200 },
	'GET /db/': { request: () => ({ url: '/db/' }), status: () => 200 },
	'GET /db/_session': { request: () => ({ url: '/db/_session' }), status: () => 200 },
	'POST /db/_session': {
		// Each account signs in as itself; the anonymous caller tries a wrong password.
		request: () => ({ url: '/db/_session' }),
		status: (actor) => (actor === 'anon' ? 401 : 200),
	},
	// Signing out ends the session on the server, so each account signs out a session of its own
	// made for the probe (see the loop), never the one the other probes use.
	'DELETE /db/_session': { request: () => ({ url: '/db/_session' }), status: () => 200 },
	// A body without the new password: refused before any password is checked or changed.
	'POST /api/me/password': {
		request: () => ({ url: '/api/me/password', payload: { password: 'trygg-demo' } }),
		status: (actor) => (actor === 'anon' ? 401 : 400),
	},
	'GET /api/health': { request: () => ({ url: '/api/health' }), status: () => 200 },
	'GET /api/me': {
		request: () => ({ url: '/api/me' }),
		status: (actor) => (actor === 'anon' ? 401 : 200),
		check: (actor, _scope, body) => {
			const scopes = (body as { scopes: { scope: string; write: boolean }[] }).scopes;
			const listed = Object.fromEntries(scopes.map((s) => [s.scope, s.write ? 'w' : 'r']));
			expect(listed, `${actor}'s /api/me`).toEqual(ACCESS[actor as Exclude<Actor, 'anon'>]);
		},
	},
	'GET /api/prereport-rounds': {
		request: () => ({ url: '/api/prereport-rounds' }),
		status: (actor) => (actor === 'anon' ? 401 : 200),
		// Only submit-only senders are told about rounds, and only of their own unit.
		check: (actor, _scope, body) => {
			const rounds = (body as { rounds: { unitId: string }[] }).rounds;
			if (!SUBMIT_ONLY[actor]) expect(rounds, actor).toEqual([]);
			for (const r of rounds) expect(SUBMIT_ONLY[actor], actor).toContain(`unit-${r.unitId}`);
		},
	},
	'GET /api/units/:unitId/members': {
		// Readers of unit a1 learn who may take on its actions; nobody else learns even that it exists.
		request: () => ({ url: '/api/units/a1/members' }),
		status: (actor) => (actor === 'anon' ? 401 : access(actor, 'unit-a1') ? 200 : 403),
		check: (actor, _scope, body) => {
			const members = (body as { members: Record<string, unknown>[] }).members;
			expect(
				members.map((m) => Object.keys(m).sort()),
				actor,
			).toEqual(members.map(() => ['displayName', 'name', 'role']));
			expect(members.map((m) => m.name).sort(), actor).toEqual(['chef', 'skyddsombud']);
		},
	},
	'GET /api/admin/users': {
		request: () => ({ url: '/api/admin/users' }),
		status: (actor) => (actor === 'anon' ? 401 : actor === 'admin' ? 200 : 403),
	},
	// An account that does not exist, so the probe signs nobody out and removes nobody.
	'POST /api/admin/users/:name/sign-out': {
		request: () => ({ url: '/api/admin/users/nobody-here/sign-out' }),
		status: (actor) => (actor === 'anon' ? 401 : actor === 'admin' ? 404 : 403),
	},
	'DELETE /api/admin/users/:name': {
		request: () => ({ url: '/api/admin/users/nobody-here' }),
		status: (actor) => (actor === 'anon' ? 401 : actor === 'admin' ? 404 : 403),
	},
	'PUT /api/admin/users/:name/memberships': {
		// The membership medarbetare already holds, so the probe changes nobody's access.
		request: () => ({ url: '/api/admin/users/medarbetare/memberships', payload: [{ unitId: 'a1', role: 'staff' }] }),
		status: (actor) => (actor === 'anon' ? 401 : actor === 'admin' ? 200 : 403),
	},
	// Signing as another person: only from a signed-in device; an incomplete request is refused
	// before any password is checked (wrong passwords are covered in routes/sign.spec.ts).
	'POST /api/rounds/sign': {
		request: () => ({ url: '/api/rounds/sign', payload: { scope: 'unit-a1' } }),
		status: (actor) => (actor === 'anon' ? 401 : 400),
	},
	'GET /db/:scope': { scoped: true, request: (s) => ({ url: `/db/${s}` }), status: scoped(200) },
	'GET /db/:scope/_changes': {
		scoped: true,
		request: (s) => ({ url: `/db/${s}/_changes?include_docs=true` }),
		status: scoped(200),
	},
	'POST /db/:scope/_all_docs': {
		scoped: true,
		request: (s) => ({ url: `/db/${s}/_all_docs`, payload: { keys: ['round:none'] } }),
		status: scoped(200),
	},
	'POST /db/:scope/_bulk_docs': {
		scoped: true,
		request: (s) => ({ url: `/db/${s}/_bulk_docs`, payload: { docs: [docFor(s)] } }),
		status: sendable(200),
		// Readers get an answer per document: written with a write grant, else forbidden.
		check: (actor, scope, body) => {
			const [row] = body as { ok?: boolean; error?: string }[];
			const expected = access(actor, scope) === 'w' ? { ok: true } : { error: 'forbidden' };
			expect(row, `${actor} writing ${scope}`).toMatchObject(expected);
		},
	},
	'GET /db/:scope/_local/:id': {
		scoped: true,
		request: (s) => ({ url: `/db/${s}/_local/never-written` }),
		status: scoped(404),
	},
	'PUT /db/:scope/_local/:id': {
		scoped: true,
		request: (s) => ({ url: `/db/${s}/_local/probe-checkpoint`, payload: { last_seq: '0' } }),
		status: scoped(201),
	},
	'PUT /db/:scope/_blobs/:sha256': {
		scoped: true,
		// A fresh JPEG-looking payload per probe, so every permitted upload is a new blob (201).
		request: (s) => {
			const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(32)]);
			const sha = createHash('sha256')
				.update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
				.digest('hex');
			return { url: `/db/${s}/_blobs/${sha}`, payload: bytes, headers: { 'content-type': 'image/jpeg' } };
		},
		status: (actor, scope) => {
			const status = scoped(201)(actor, scope);
			return status === 201 && access(actor, scope) !== 'w' ? 403 : status;
		},
	},
	'GET /db/:scope/_blobs/:sha256': {
		scoped: true,
		request: (s) => ({ url: `/db/${s}/_blobs/${'0'.repeat(64)}` }),
		status: scoped(404),
	},
	// The built app shell: public, the same for everyone.
	'GET *': { request: () => ({ url: '/some/deep/link' }), status: () => 200 },
};

/** `METHOD /path` of every route, rebuilt from Fastify's printed route tree. */
function listRoutes(app: FastifyInstance): string[] {
	const out: string[] = [];
	const stack: string[] = [];
	for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
		const m = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
		if (!m) continue;
		const depth = (m[1] ?? '').length / 4;
		stack.length = depth;
		stack.push(m[2] ?? '');
		for (const method of m[3]?.split(', ') ?? []) out.push(`${method} ${stack.join('')}`);
	}
	return out;
}

/** Routes with no line in ROUTES (HEAD goes with GET). */
function unexpected(list: string[]): string[] {
	return list.filter((r) => !ROUTES[r.replace(/^HEAD /, 'GET ')]);
}

/** A CouchDB-shaped error with nothing internal in it. */
function expectCleanError(what: string, body: string): void {
	const parsed = JSON.parse(body) as Record<string, unknown>;
	expect(Object.keys(parsed).sort(), what).toEqual(['error', 'reason']);
	expect(body, what).not.toMatch(/\bat \S+ \(|\.ts\b|\.js\b|node_modules|\/tmp\/|\/work\/|\/home\/|Error:/);
}

let h: Harness;
let staticDir: string;

/** A new session of `actor`, besides the shared one (for sign-out, which ends it). */
async function freshSession(actor: Actor): Promise<string> {
	const res = await h.app.inject({
		method: 'POST',
		url: '/db/_session',
		payload: { name: actor, password: 'trygg-demo' },
	});
	return `AuthSession=${res.cookies.find((c) => c.name === 'AuthSession')?.value ?? ''}`;
}
let routes: string[];
const cookies = new Map<Actor, string>();

beforeAll(async () => {
	staticDir = await mkdtemp(path.join(tmpdir(), 'trygg-static-'));
	await writeFile(path.join(staticDir, '200.html'), '<!doctype html><title>Trygg</title>');
	await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Trygg</title>');
	h = await startServer({ staticDir });
	routes = listRoutes(h.app);
	for (const actor of ACTORS) if (actor !== 'anon') cookies.set(actor, await h.signIn(actor));
});
afterAll(async () => {
	await h.close();
	await rm(staticDir, { recursive: true, force: true });
});

describe('security probe', () => {
	it('reads the route list from Fastify', () => {
		// A sanity floor: if parsing broke, the probe below would silently check nothing.
		expect(routes).toContain('POST /db/:scope/_bulk_docs');
		expect(routes).toContain('HEAD /db/:scope/_changes');
		expect(routes.length).toBeGreaterThanOrEqual(Object.keys(ROUTES).length);
	});

	it('has an expectation for every registered route, and no stale ones', () => {
		const missing = unexpected(routes);
		expect(
			missing,
			`routes without an expectation in security.spec.ts ROUTES (add who may call them): ${missing.join(', ')}`,
		).toEqual([]);
		const stale = Object.keys(ROUTES).filter((r) => !routes.includes(r));
		expect(stale, 'ROUTES lines for routes that no longer exist').toEqual([]);
	});

	it('notices a route added later that has no expectation', async () => {
		const other = await startServer();
		try {
			other.app.put('/db/:scope/_probe-later/:id', async () => ({ ok: true }));
			other.app.get('/db/:scope/_probe-later/:id', async () => ({ ok: true }));
			expect(unexpected(listRoutes(other.app)).sort()).toEqual([
				'GET /db/:scope/_probe-later/:id',
				'HEAD /db/:scope/_probe-later/:id',
				'PUT /db/:scope/_probe-later/:id',
			]);
		} finally {
			await other.close();
		}
	});

	it('answers every route as expected for every caller and scope, with clean errors', async () => {
		let probes = 0;
		for (const route of routes) {
			const probe = ROUTES[route.replace(/^HEAD /, 'GET ')];
			if (!probe) continue; // reported by the test above
			const method = route.split(' ')[0] as InjectOptions['method'];
			for (const actor of ACTORS) {
				for (const scope of probe.scoped ? SCOPES : ['-']) {
					const base = probe.request(scope);
					let req: InjectOptions = { ...base, method };
					if (route === 'POST /db/_session') {
						req = {
							...req,
							payload: { name: actor === 'anon' ? 'chef' : actor, password: actor === 'anon' ? 'x' : 'trygg-demo' },
						};
					}
					let cookie = cookies.get(actor);
					if (route === 'DELETE /db/_session' && cookie) cookie = await freshSession(actor);
					const res = await h.app.inject({ ...req, headers: { ...(cookie ? { cookie } : {}) } });
					const what = `${route} as ${actor}${probe.scoped ? ` on ${scope}` : ''}`;
					probes++;
					expect(res.statusCode, what).toBe(probe.status(actor, scope));
					if (method === 'HEAD') continue;
					if (res.statusCode >= 400) expectCleanError(what, res.body);
					else if (probe.check) probe.check(actor, scope, res.json());
				}
			}
		}
		expect(probes).toBeGreaterThan(500);
	});
});
