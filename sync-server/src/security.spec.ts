/**
 * Security probe: EVERY route the server registers (read from Fastify's own route list, so a
 * new route cannot be missed) is called as an anonymous caller and as each demo account,
 * on own, foreign and non-existent scopes, and the status is compared with a hand-written
 * table. A route without a line in ROUTES fails the suite with a message saying so.
 * Every error body must be CouchDB-shaped with no stack trace or internal path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
	ActionLogDoc,
	FollowUpDoc,
	ReopeningDoc,
	RequestDoc,
	RoundDoc,
	SignatureDoc,
	TemplateDoc,
} from '../../src/lib/domain/index.ts';
import {
	CO_SIGNER_NOT_MEMBER_REASON,
	FOLLOW_UP_QUESTIONS,
	NOT_INVITED_REASON,
	REVOKED_REASON,
	ROLE_SUBMIT_REASON,
	followUpContentHash,
	followUpId,
	roundItems,
} from '../../src/lib/domain/index.ts';
import {
	CREATED_BY_FIXED_REASON,
	RECORDED_AHEAD_REASON,
	RECORDED_NAME_REASON,
	RECORDED_TOO_OLD_REASON,
	SAME_SIGNER_REASON,
	TEMPLATE_ANSWERED_REASON,
} from '../../src/lib/domain/recorded.ts';
import { TOO_DEEP_REASON } from '../../src/lib/domain/nesting.ts';
import {
	LOCAL_DOCS_QUOTA_REASON,
	PERSON_DOCS_QUOTA_REASON,
	PERSON_PHOTOS_QUOTA_REASON,
	SCOPE_DOCS_QUOTA_REASON,
	SCOPE_PHOTOS_QUOTA_REASON,
} from '../../src/lib/domain/quotas.ts';
import { starterTemplates } from '../../src/lib/domain/starter-templates.ts';
import { DEMO_CAMPAIGN_ID, DEMO_PASSWORD } from './seed/demo.ts';
import { HSTS } from './security-headers.ts';
import type { Harness } from './test-harness.ts';
import {
	actionDoc,
	answerDoc,
	assessmentDoc,
	displayNameOf,
	findingDoc,
	prereportDoc,
	roundDoc,
	signatureDoc,
	startServer,
	TEST_SERVER_TIME,
	testId,
} from './test-harness.ts';

type Actor =
	'anon' | 'chef' | 'chef2' | 'skyddsombud' | 'medarbetare' | 'huvudskyddsombud' | 'arbetstagarrep' | 'hr' | 'admin';
const ACTORS: readonly Actor[] = [
	'anon',
	'chef',
	'chef2',
	'skyddsombud',
	'medarbetare',
	'huvudskyddsombud',
	'arbetstagarrep',
	'hr',
	'admin',
];

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
	// The main safety rep of Avdelning B works in every unit below it (decision 0028); B1's employee rep in B1.
	huvudskyddsombud: {
		org: 'r',
		'user-huvudskyddsombud': 'w',
		'unit-avd-b': 'w',
		'reports-avd-b': 'r',
		'unit-b1': 'w',
		'reports-b1': 'r',
		'unit-b2': 'w',
		'reports-b2': 'r',
		'unit-b3': 'w',
		'reports-b3': 'r',
	},
	arbetstagarrep: { org: 'r', 'user-arbetstagarrep': 'w', 'unit-b1': 'w', 'reports-b1': 'r' },
	hr: { org: 'w', 'user-hr': 'w', reports: 'r' },
	admin: { org: 'w', 'user-admin': 'w' },
};

/** Everyone in Enhet A1 (its manager, safety rep and twelve staff). */
const A1_PEOPLE = [
	'chef',
	'medarbetare',
	...Array.from({ length: 11 }, (_, i) => `medarbetare${i + 2}`),
	'skyddsombud',
].sort();

/** The actors the demo campaign (HME to Förvaltningen) asks: everyone with a membership below it. */
const CAMPAIGN_PEOPLE: readonly Actor[] = [
	'chef',
	'chef2',
	'skyddsombud',
	'medarbetare',
	'huvudskyddsombud',
	'arbetstagarrep',
];

/**
 * Scopes an actor may only send into and never read: staff pre-reports, and HR's survey actions
 * into every unit (decision 0040).
 */
const SUBMIT_ONLY: Partial<Record<Actor, string[]>> = {
	medarbetare: ['unit-a1'],
	hr: ['unit-a1', 'unit-b1', 'unit-avd-a'],
};
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

/** A document that belongs in `scope` (a new unit in `org`, a round elsewhere), made by `actor`. */
function docFor(scope: string, actor: Actor): object {
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
	return { ...roundDoc(unitId, { createdBy: actor }), scope };
}

/** Like `scoped`, but a submit-only sender is let in too. */
function sendable(ok: number) {
	return (actor: Actor, scope: string): number => (submits(actor, scope) ? ok : scoped(ok)(actor, scope));
}

type Probe = {
	request: (scope: string, actor: Actor) => InjectOptions;
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
		// Every scope the actor may read, report scopes included (the report job writes them, decision 0034).
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
		// Readers of unit a1 learn its people and their roles there; nobody else learns even that it exists.
		request: () => ({ url: '/api/units/a1/members' }),
		status: (actor) => (actor === 'anon' ? 401 : access(actor, 'unit-a1') ? 200 : 403),
		check: (actor, _scope, body) => {
			const members = (body as { members: Record<string, unknown>[] }).members;
			expect(
				members.map((m) => Object.keys(m).sort()),
				actor,
			).toEqual(members.map(() => ['displayName', 'name', 'role']));
			expect(members.map((m) => m.name).sort(), actor).toEqual(A1_PEOPLE);
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
		request: (s, actor) => ({ url: `/db/${s}/_bulk_docs`, payload: { docs: [docFor(s, actor)] } }),
		status: sendable(200),
		// Readers get an answer per document: written with a write grant, else forbidden.
		check: (actor, scope, body) => {
			const [row] = body as { ok?: boolean; error?: string }[];
			const expected = access(actor, scope) === 'w' ? { ok: true } : { error: 'forbidden' };
			expect(row, `${actor} writing ${scope}`).toMatchObject(expected);
		},
	},
	// The multi-scope feed names its scopes in the body: every probed scope at once, each answered
	// on its own, read exactly where the actor may read and refused alike everywhere else.
	'POST /db/_trygg/changes': {
		request: () => ({
			url: '/db/_trygg/changes',
			payload: { scopes: Object.fromEntries(SCOPES.filter((s) => s !== 'Not_A_Scope').map((s) => [s, '0'])) },
		}),
		status: (actor) => (actor === 'anon' ? 401 : 200),
		check: (actor, _scope, body) => {
			const results = (body as { results: Record<string, { error?: string; results?: unknown[] }> }).results;
			for (const scope of SCOPES.filter((s) => s !== 'Not_A_Scope')) {
				const expected = access(actor, scope) ? { results: expect.any(Array) } : { error: 'forbidden' };
				expect(results[scope], `${actor} reading ${scope} through the feed`).toMatchObject(expected);
			}
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
	// Surveys (decision 0030): the group key and a token for the people of the campaign's target
	// (every demo account with a membership below Förvaltningen), participation for HR, admin and
	// managers, and the anonymous road the same for everyone, signed in or not.
	'GET /api/campaigns/:id/key': {
		request: () => ({ url: '/api/campaigns/demo-hme/key' }),
		status: (actor) => (actor === 'anon' ? 401 : CAMPAIGN_PEOPLE.includes(actor) ? 200 : 403),
		check: (actor, _scope, body) => {
			expect(Object.keys(body as object).sort(), actor).toEqual(['campaignId', 'group', 'groupName', 'publicKey']);
		},
	},
	// A blinded message that does not fit the key: refused before anything is recorded.
	'POST /api/campaigns/:id/token': {
		request: () => ({ url: '/api/campaigns/demo-hme/token', payload: { blindedMsg: 'AAAA' } }),
		status: (actor) => (actor === 'anon' ? 401 : CAMPAIGN_PEOPLE.includes(actor) ? 400 : 403),
	},
	'GET /api/campaigns/:id/participation': {
		request: () => ({ url: '/api/campaigns/demo-hme/participation' }),
		status: (actor) => (actor === 'anon' ? 401 : ['hr', 'admin', 'chef', 'chef2'].includes(actor) ? 200 : 403),
		check: (actor, _scope, body) => {
			const groups = (body as { groups: Record<string, unknown>[] }).groups;
			for (const g of groups) {
				expect(Object.keys(g).sort(), actor).toEqual(['eligible', 'group', 'groupName', 'responses', 'units']);
			}
		},
	},
	// A forged token: refused alike for everyone; the route never looks at who asks.
	'POST /anon/campaigns/:id/responses': {
		request: () => ({
			url: '/anon/campaigns/demo-hme/responses',
			payload: { group: 'a1', token: { msg: 'AAAA', sig: 'AAAA' }, answers: { meaningful: 3 } },
		}),
		status: () => 403,
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
					const base = probe.request(scope, actor);
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

/**
 * The write rules judge the version the store replaces, whatever `_rev` is sent (issue 10). Each
 * case stored a forbidden change before: a second spelling of the current revision made the
 * rules of requests, work stops and follow-ups look at a "stale" edit and skip, while the store
 * read it as the current one; a second edit of one id in a request rode on the first's
 * (predictable) revision; and a `_rev` that is no revision failed the whole request with a 500.
 */
describe('write rules with crafted revisions', () => {
	type Result = { id: string; ok?: boolean; rev?: string; error?: string; reason?: string };
	const NOW = '2026-11-23T09:00:00.000Z';
	const bulk = async (on: Harness, name: string, docs: object[]) => {
		const res = await on.call({
			method: 'POST',
			url: '/db/unit-a1/_bulk_docs',
			cookie: await on.signIn(name),
			payload: { docs },
		});
		return { status: res.statusCode, body: res.body, results: res.json() as Result[] };
	};
	const read = async (on: Harness, id: string) => {
		const res = await on.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs?include_docs=true',
			cookie: await on.signIn('chef'),
			payload: { keys: [id] },
		});
		return (res.json() as { rows: { doc?: Record<string, unknown> }[] }).rows[0]?.doc;
	};
	const request = (id: string) => ({
		_id: id,
		type: 'request',
		scope: 'unit-a1',
		unitId: 'a1',
		kind: 'investigation',
		subject: 'Hög arbetsbelastning i kvällsgruppen',
		description: 'Flera beskriver stress.',
		location: '',
		requestedMeasures: 'Undersök bemanningen.',
		replyBy: '2026-12-07',
		filedAt: NOW,
		filedBy: 'skyddsombud',
		filedByName: 'Sara Skyddsombud',
		createdAt: NOW,
		updatedAt: NOW,
	});

	it('refuses a manager rewriting the safety rep’s request with a second spelling of its revision', async () => {
		const filed = request('request:crafted-rev');
		const [created] = (await bulk(h, 'skyddsombud', [filed])).results;
		const rev = created?.rev as string;
		for (const crafted of [`0${rev}`, `00${rev}`]) {
			const res = await bulk(h, 'chef', [{ ...filed, _rev: crafted, subject: 'Omskriven av chefen' }]);
			expect(res.results[0]).toMatchObject({ id: filed._id, error: 'bad_request' });
		}
		expect(await read(h, filed._id)).toMatchObject({ _rev: rev, subject: filed.subject });
	});

	it('keeps a locked annual follow-up locked against a crafted revision', async () => {
		const open: Record<string, unknown> = {
			_id: followUpId('a1', 2036),
			type: 'followup',
			scope: 'unit-a1',
			unitId: 'a1',
			year: 2036,
			conclusions: 'Arbetsmiljöarbetet fungerar i stort.',
			createdAt: NOW,
			updatedAt: NOW,
		};
		for (const q of FOLLOW_UP_QUESTIONS) open[q] = 'yes';
		const hash = followUpContentHash(open as never);
		const locked = {
			...open,
			safetyRepSignature: { by: 'skyddsombud', name: 'Sara Skyddsombud', at: NOW, contentHash: hash },
			managerSignature: { by: 'chef', name: 'Anna Chef', at: NOW, contentHash: hash },
		};
		const [created] = (await bulk(h, 'chef', [open])).results;
		const [bySo] = (
			await bulk(h, 'skyddsombud', [{ ...open, _rev: created?.rev, safetyRepSignature: locked.safetyRepSignature }])
		).results;
		const [byChef] = (await bulk(h, 'chef', [{ ...locked, _rev: bySo?.rev }])).results;
		const rev = byChef?.rev as string;
		expect(rev).toMatch(/^3-/);
		// Unlock: both signatures gone and the content changed, "based on" the locked revision.
		const unlocked = { ...open, conclusions: 'Ändrat i efterhand', _rev: `0${rev}` };
		const [res] = (await bulk(h, 'chef', [unlocked])).results;
		expect(res).toMatchObject({ error: 'bad_request' });
		const [honest] = (await bulk(h, 'chef', [{ ...unlocked, _rev: rev }])).results;
		expect(honest).toMatchObject({ error: 'forbidden' });
		expect(await read(h, open._id as string)).toMatchObject({ _rev: rev, conclusions: open.conclusions });
	});

	it('judges a second edit of one id in a request against the stored version, not the first edit', async () => {
		// PouchDB revisions are a hash of the content: a twin server shows the revision of an allowed edit.
		const twin = await startServer();
		try {
			const filed = request('request:same-batch');
			const [created] = (await bulk(h, 'skyddsombud', [filed])).results;
			const [twinCreated] = (await bulk(twin, 'skyddsombud', [filed])).results;
			expect(twinCreated?.rev).toBe(created?.rev);
			const receipt = {
				...filed,
				_rev: created?.rev,
				receipt: { at: '2026-11-24T08:00:00.000Z', by: 'chef', byName: 'Anna Chef' },
			};
			const [next] = (await bulk(twin, 'chef', [receipt])).results;
			const rewrite = { ...receipt, _rev: next?.rev, subject: 'Omskriven av chefen' };
			const res = await bulk(h, 'chef', [receipt, rewrite]);
			expect(res.results[0]).toMatchObject({ ok: true, rev: next?.rev });
			expect(res.results[1]).toMatchObject({ error: 'conflict' });
			expect(await read(h, filed._id)).toMatchObject({ _rev: next?.rev, subject: filed.subject });
		} finally {
			await twin.close();
		}
	});

	it('answers a _rev that is no revision per document, in request order, never a 500', async () => {
		const ok = request('request:next-to-bad-rev');
		const res = await bulk(h, 'skyddsombud', [
			{ ...request('request:bad-rev'), _rev: 'x' },
			ok,
			{ ...request('request:bad-rev-2'), _rev: 7 },
		]);
		expect(res.status).toBe(200);
		expect(res.results).toEqual([
			{ id: 'request:bad-rev', error: 'bad_request', reason: expect.any(String) },
			{ id: ok._id, ok: true, rev: expect.stringMatching(/^1-[0-9a-f]{32}$/) },
			{ id: 'request:bad-rev-2', error: 'bad_request', reason: expect.any(String) },
		]);
		expect(await read(h, 'request:bad-rev')).toBeUndefined();
	});
});

describe('sign-in under a burst of guesses', () => {
	let s: Harness;
	beforeAll(async () => {
		s = await startServer();
	});
	afterAll(async () => {
		await s.close();
	});

	it('lets no parallel co-sign guess past the limit, the right password among them', async () => {
		const cookie = await s.signIn('chef');
		const coSign = (password: string) =>
			s.call({
				method: 'POST',
				url: '/api/rounds/sign',
				cookie,
				payload: { name: 'skyddsombud', password, scope: 'unit-a1', signature: { type: 'not-a-signature' } },
			});
		for (let i = 0; i < 4; i++) expect((await coSign(`wrong-${i}`)).statusCode).toBe(401);
		// Before: every guess was checked, as failures were counted only after the hash, so the
		// right one got through (here to the 400 of the signature check).
		const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => coSign(i === 15 ? 'trygg-demo' : `g${i}`)));
		for (const res of answers) {
			expect([401, 429]).toContain(res.statusCode);
			expectCleanError('POST /api/rounds/sign in a burst', res.body);
		}
		expect(answers.filter((r) => r.statusCode === 401)).toHaveLength(1);
	});

	it('does not let a stranger at another address lock the owner out', async () => {
		const stranger = { method: 'POST', url: '/db/_session', remoteAddress: '10.66.6.6' } as const;
		for (let i = 0; i < 10; i++) await s.app.inject({ ...stranger, payload: { name: 'hr', password: `x${i}` } });
		const owner = await s.app.inject({
			method: 'POST',
			url: '/db/_session',
			remoteAddress: '10.1.2.3',
			payload: { name: 'hr', password: 'trygg-demo' },
		});
		expect(owner.statusCode).toBe(200);
	});
});

/**
 * What someone holding an old cookie meets once its session ended (issue 10, items 4 and 7;
 * decision 0014): after a sign-out, a password change, an admin's "sign out everywhere" and an
 * account's removal, the cookie is refused with a 401 on every kind of request a device makes
 * (the API, a read of a scope, a write to it), nothing it sends is stored and it is never
 * renewed; a removed membership refuses that unit as `revoked` while the person stays signed
 * in; several sign-ins of one account end together. And the headers that harden the pages, on
 * the HTML page, a built asset and an API answer alike, with HSTS only behind a trusted https
 * proxy. Each account below is used by one test only, so the tests share one server.
 */
describe('sessions end and pages are hardened', () => {
	let s: Harness;
	let built: string;
	const SIGNED_OUT = { error: 'unauthorized', reason: 'You are not signed in.' };

	beforeAll(async () => {
		built = await mkdtemp(path.join(tmpdir(), 'trygg-static-'));
		const page = '<!doctype html><title>Trygg</title><script>boot()</script>';
		await writeFile(path.join(built, '200.html'), page);
		await writeFile(path.join(built, 'index.html'), page);
		await mkdir(path.join(built, '_app', 'immutable', 'chunks'), { recursive: true });
		await writeFile(path.join(built, '_app', 'immutable', 'chunks', 'app.js'), 'export const x = 1;');
		// Behind one trusted proxy (the default inject address), as a TLS-terminating deployment is.
		s = await startServer({ staticDir: built, trustProxy: ['127.0.0.1'] });
	});
	afterAll(async () => {
		await s.close();
		await rm(built, { recursive: true, force: true });
	});

	/** A new session of `name` (its own cookie), as one more device signing in. */
	async function device(name: string, password = 'trygg-demo', remoteAddress = '127.0.0.1'): Promise<string> {
		const res = await s.app.inject({
			method: 'POST',
			url: '/db/_session',
			remoteAddress,
			payload: { name, password },
		});
		expect(res.statusCode, `sign-in as ${name}`).toBe(200);
		return `AuthSession=${res.cookies.find((c) => c.name === 'AuthSession')?.value ?? ''}`;
	}

	/**
	 * `cookie` is refused on the API, a scope's `_changes` (plain and longpoll) and `_bulk_docs`,
	 * CouchDB-shaped, never renewed; the document it tried to write is not stored (read back as
	 * `reader`, when someone may read `scope`).
	 */
	async function expectEnded(what: string, cookie: string, scope: string, reader?: string): Promise<void> {
		// Refused before any write rule runs, so whose name it carries does not matter.
		const doc = docFor(scope, 'chef') as { _id: string };
		const requests: InjectOptions[] = [
			{ method: 'GET', url: '/api/me' },
			{ method: 'GET', url: '/api/prereport-rounds' },
			{ method: 'GET', url: `/db/${scope}/_changes?include_docs=true` },
			{ method: 'GET', url: `/db/${scope}/_changes?feed=longpoll&since=now&timeout=1000` },
			{ method: 'POST', url: `/db/${scope}/_bulk_docs`, payload: { docs: [doc] } },
		];
		for (const req of requests) {
			const res = await s.app.inject({ ...req, headers: { cookie } });
			const label = `${req.method} ${req.url} after ${what}`;
			expect(res.statusCode, label).toBe(401);
			expect(res.json(), label).toEqual(SIGNED_OUT);
			expectCleanError(label, res.body);
			expect(res.cookies, `${label}: no renewed cookie`).toEqual([]);
		}
		const info = await s.call({ method: 'GET', url: '/db/_session', cookie });
		expect(info.json(), `/db/_session after ${what}`).toMatchObject({ userCtx: { name: null, roles: [] } });
		if (!reader) return;
		const read = await s.call({
			method: 'POST',
			url: `/db/${scope}/_all_docs`,
			cookie: await device(reader),
			payload: { keys: [doc._id] },
		});
		expect(read.json(), `${doc._id} after ${what}`).toMatchObject({ rows: [{ key: doc._id, error: 'not_found' }] });
	}

	async function expectLive(cookie: string, scope: string): Promise<void> {
		expect((await s.call({ method: 'GET', url: '/api/me', cookie })).statusCode).toBe(200);
		expect((await s.call({ method: 'GET', url: `/db/${scope}/_changes`, cookie })).statusCode).toBe(200);
	}

	it('ends a signed-out session for every kind of request; the same person’s other device goes on', async () => {
		const cookie = await device('chef');
		const other = await device('chef');
		await expectLive(cookie, 'unit-a1');
		expect((await s.call({ method: 'DELETE', url: '/db/_session', cookie })).statusCode).toBe(200);
		await expectEnded('sign-out', cookie, 'unit-a1', 'chef');
		await expectLive(other, 'unit-a1');
	});

	it('ends every session at a password change, the changing one’s old cookie too; the old password is refused', async () => {
		const phone = await device('chef2');
		const tablet = await device('chef2');
		await expectLive(tablet, 'unit-b1');
		const res = await s.call({
			method: 'POST',
			url: '/api/me/password',
			cookie: phone,
			payload: { password: 'trygg-demo', newPassword: 'ett mycket längre lösenord' },
		});
		expect(res.statusCode).toBe(200);
		const fresh = `AuthSession=${res.cookies.find((c) => c.name === 'AuthSession')?.value ?? ''}`;
		expect(fresh).not.toBe(phone);
		await expectEnded('a password change (another device)', tablet, 'unit-b1');
		await expectEnded('a password change (the changing device’s old cookie)', phone, 'unit-b1');
		await expectLive(fresh, 'unit-b1');
		const old = await s.app.inject({
			method: 'POST',
			url: '/db/_session',
			remoteAddress: '10.3.0.1',
			payload: { name: 'chef2', password: 'trygg-demo' },
		});
		expect(old.statusCode).toBe(401);
		expect(old.cookies).toEqual([]);
	});

	it("ends every session at an admin's sign-out everywhere", async () => {
		const cookie = await device('skyddsombud');
		await expectLive(cookie, 'unit-a1');
		const admin = await device('admin');
		const res = await s.call({ method: 'POST', url: '/api/admin/users/skyddsombud/sign-out', cookie: admin });
		expect(res.statusCode).toBe(200);
		await expectEnded('sign-out everywhere', cookie, 'unit-a1', 'chef');
	});

	it('ends the sessions of a removed account, which cannot sign in again', async () => {
		const cookie = await device('medarbetare');
		await expectLive(cookie, 'user-medarbetare');
		const admin = await device('admin');
		expect((await s.call({ method: 'DELETE', url: '/api/admin/users/medarbetare', cookie: admin })).statusCode).toBe(
			200,
		);
		await expectEnded('account removal', cookie, 'user-medarbetare');
		const again = await s.app.inject({
			method: 'POST',
			url: '/db/_session',
			payload: { name: 'medarbetare', password: 'trygg-demo' },
		});
		expect(again.statusCode).toBe(401);
		expect(again.json()).toEqual({ error: 'unauthorized', reason: 'Name or password is incorrect.' });
	});

	it('answers a unit whose membership was removed 403 revoked on reads and writes; the session goes on', async () => {
		// The division manager reads unit A1 through Avdelning A.
		const cookie = await device('avdchef');
		await expectLive(cookie, 'unit-a1');
		const admin = await device('admin');
		const res = await s.call({
			method: 'PUT',
			url: '/api/admin/users/avdchef/memberships',
			cookie: admin,
			payload: [],
		});
		expect(res.statusCode).toBe(200);
		const doc = docFor('unit-a1', 'chef'); // refused as revoked before any write rule runs
		for (const req of [
			{ method: 'GET', url: '/db/unit-a1/_changes?include_docs=true' },
			{ method: 'GET', url: '/db/unit-a1' },
			{ method: 'POST', url: '/db/unit-a1/_all_docs', payload: { keys: ['round:none'] } },
			{ method: 'POST', url: '/db/unit-a1/_bulk_docs', payload: { docs: [doc] } },
		] as const) {
			const lost = await s.call({ ...req, cookie });
			expect(lost.statusCode, req.url).toBe(403);
			expect(lost.json(), req.url).toEqual({ error: 'revoked', reason: REVOKED_REASON });
		}
		const me = await s.call({ method: 'GET', url: '/api/me', cookie });
		expect(me.statusCode).toBe(200);
		expect((me.json() as { scopes: { scope: string }[] }).scopes.map((g) => g.scope)).not.toContain('unit-a1');
	});

	it('ends parallel sign-ins of one account together at sign-out everywhere', async () => {
		// Two at a time from different addresses (an account has two checks running at most).
		const cookies: string[] = [];
		for (let batch = 0; batch < 3; batch++) {
			cookies.push(...(await Promise.all([0, 1].map((i) => device('hr', 'trygg-demo', `10.4.${batch}.${i}`)))));
		}
		expect(new Set(cookies).size).toBe(6);
		for (const cookie of cookies) await expectLive(cookie, 'org');
		const admin = await device('admin');
		expect((await s.call({ method: 'POST', url: '/api/admin/users/hr/sign-out', cookie: admin })).statusCode).toBe(200);
		for (const [i, cookie] of cookies.entries()) await expectEnded(`sign-out everywhere (sign-in ${i})`, cookie, 'org');
		await expectLive(await device('hr'), 'org');
	});

	it('sends the hardening headers on the HTML page, a built asset and API answers; HSTS only via a trusted https proxy', async () => {
		const urls = ['/rounds/some-deep-link', '/_app/immutable/chunks/app.js', '/api/health', '/api/me'];
		const expected = { '/rounds/some-deep-link': 200, '/_app/immutable/chunks/app.js': 200, '/api/health': 200 };
		for (const url of urls) {
			for (const via of ['http', 'trusted https proxy', 'untrusted https claim'] as const) {
				const headers = via === 'http' ? {} : { 'x-forwarded-proto': 'https' };
				const remoteAddress = via === 'untrusted https claim' ? '10.9.9.9' : '127.0.0.1';
				const res = await s.app.inject({ method: 'GET', url, headers, remoteAddress });
				const label = `${url} over ${via}`;
				expect(res.statusCode, label).toBe(expected[url as keyof typeof expected] ?? 401);
				const policy = String(res.headers['content-security-policy']);
				expect(policy, label).toMatch(/(^|;\s*)frame-ancestors 'none'(;|$)/);
				expect(policy, label).toMatch(/(^|;\s*)script-src 'self'/);
				expect(policy, label).toMatch(/(^|;\s*)object-src 'none'(;|$)/);
				expect(policy, label).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
				expect(res.headers['referrer-policy'], label).toBe('no-referrer');
				expect(res.headers['x-frame-options'], label).toBe('DENY');
				expect(res.headers['x-content-type-options'], label).toBe('nosniff');
				expect(String(res.headers['permissions-policy']), label).toMatch(/(^|, )camera=\(self\)(,|$)/);
				expect(res.headers['strict-transport-security'], label).toBe(via === 'trusted https proxy' ? HSTS : undefined);
			}
		}
		// The page's own inline bootstrap is allowed by its hash, and nothing else inline.
		const page = await s.call({ method: 'GET', url: '/' });
		const bootHash = `'sha256-${createHash('sha256').update('boot()').digest('base64')}'`;
		expect(String(page.headers['content-security-policy'])).toContain(bootHash);
	});

	it('names the cookie __Host-AuthSession over https, Secure and host-only, and refuses its value under the plain name', async () => {
		const res = await s.app.inject({
			method: 'POST',
			url: '/db/_session',
			headers: { 'x-forwarded-proto': 'https' },
			payload: { name: 'chef', password: 'trygg-demo' },
		});
		expect(res.statusCode).toBe(200);
		const set = res.cookies.find((c) => c.name === '__Host-AuthSession');
		expect(set).toMatchObject({ secure: true, httpOnly: true, path: '/', sameSite: 'Lax' });
		expect(set?.domain).toBeUndefined();
		expect(res.cookies.map((c) => c.name)).toEqual(['__Host-AuthSession']);
		const overHttps = { method: 'GET', url: '/api/me', headers: { 'x-forwarded-proto': 'https' } } as const;
		const ok = await s.app.inject({
			...overHttps,
			headers: { ...overHttps.headers, cookie: `__Host-AuthSession=${set?.value}` },
		});
		expect(ok.statusCode).toBe(200);
		const planted = await s.app.inject({
			...overHttps,
			headers: { ...overHttps.headers, cookie: `AuthSession=${set?.value}` },
		});
		expect(planted.statusCode).toBe(401);
	});
});

/**
 * Records name the real person at the real time (issue 10, item 2; decision 0016). Each case was
 * accepted before: the server checked the account fields only, so a signed round could show
 * another person's name beside a real signature, any record could be dated at will, `createdBy`
 * named anyone, one account could sign a round as both manager and safety rep once it held both
 * memberships, a lock and a finding sent at once were both judged against the round before either
 * was written, and a round still marked planned changed template under its answers.
 */
describe('records name the real person at the real time', () => {
	type Result = { id: string; ok?: boolean; rev?: string; error?: string; reason?: string };
	const DAY = 86_400_000;
	const A1 = 'unit-a1';
	let s: Harness;
	let template: TemplateDoc;
	/** A time `offset` ms from the test server's clock (it starts at TEST_SERVER_TIME). */
	const at = (offset: number): string => new Date(TEST_SERVER_TIME + offset).toISOString();
	const made = (offset = 0) => ({ createdAt: at(offset), updatedAt: at(offset) });

	beforeAll(async () => {
		s = await startServer();
		const found = starterTemplates(at(0)).find((t) => t._id === 'template:physical.v1');
		if (!found) throw new Error('no physical template');
		template = found;
	});
	afterAll(async () => {
		await s.close();
	});

	const bulk = async (name: string, docs: object[]): Promise<Result[]> => {
		const res = await s.call({
			method: 'POST',
			url: `/db/${A1}/_bulk_docs`,
			cookie: await s.signIn(name),
			payload: { docs },
		});
		expect(res.statusCode).toBe(200);
		return res.json() as Result[];
	};
	const read = async (id: string): Promise<Record<string, unknown> | undefined> => {
		const res = await s.call({
			method: 'POST',
			url: `/db/${A1}/_all_docs?include_docs=true`,
			cookie: await s.signIn('chef'),
			payload: { keys: [id] },
		});
		return (res.json() as { rows: { doc?: Record<string, unknown> }[] }).rows[0]?.doc;
	};
	const refused = (reason: string) => ({ error: 'forbidden', reason });
	const setMemberships = async (name: string, memberships: object[]) => {
		const res = await s.call({
			method: 'PUT',
			url: `/api/admin/users/${name}/memberships`,
			cookie: await s.signIn('admin'),
			payload: memberships,
		});
		expect(res.statusCode).toBe(200);
	};

	/** A round of unit a1 with every item answered (so it may be signed), stored. */
	async function answeredRound(): Promise<RoundDoc & { _rev: string }> {
		const round = roundDoc('a1', { templateId: template._id, status: 'in_progress', ...made() });
		const answers = roundItems(template).map(({ item }) =>
			answerDoc(A1, round._id, { itemId: item.id, answeredAt: at(0), ...made() }),
		);
		const results = await bulk('chef', [round, ...answers]);
		expect(results.every((r) => r.ok)).toBe(true);
		return { ...round, _rev: results[0]?.rev as string };
	}

	/** An answered round signed by both, not locked yet. */
	async function signedByBoth(): Promise<RoundDoc & { _rev: string }> {
		const round = await answeredRound();
		expect(await bulk('chef', [signatureDoc(A1, round._id, { signedAt: at(0), ...made() })])).toMatchObject([
			{ ok: true },
		]);
		const rep = signatureDoc(A1, round._id, {
			signedBy: 'skyddsombud',
			role: 'safety_rep',
			signedAt: at(0),
			...made(),
		});
		expect(await bulk('skyddsombud', [rep])).toMatchObject([{ ok: true }]);
		return round;
	}

	const request = (overrides: Partial<RequestDoc> = {}): RequestDoc => ({
		_id: testId('request'),
		type: 'request',
		scope: A1,
		unitId: 'a1',
		kind: 'measures',
		subject: 'Trasig belysning i trapphus B',
		description: 'Mörkt i trapphuset.',
		location: '',
		requestedMeasures: 'Byt armaturerna.',
		replyBy: '2026-12-08',
		filedAt: at(0),
		filedBy: 'skyddsombud',
		filedByName: 'Sara Skyddsombud',
		...made(),
		...overrides,
	});

	const followUp = (year: number): FollowUpDoc => {
		const doc: Record<string, unknown> = {
			_id: followUpId('a1', year),
			type: 'followup',
			scope: A1,
			unitId: 'a1',
			year,
			conclusions: 'Arbetsmiljöarbetet fungerar.',
			...made(),
		};
		for (const q of FOLLOW_UP_QUESTIONS) doc[q] = 'yes';
		return doc as FollowUpDoc;
	};

	const actionlog = (actionId: string, overrides: Partial<ActionLogDoc> = {}): ActionLogDoc => ({
		_id: testId('actionlog'),
		type: 'actionlog',
		scope: A1,
		actionId,
		event: 'created',
		changes: [],
		at: at(0),
		by: 'chef',
		byName: 'Anna Chef',
		...made(),
		...overrides,
	});

	it('refuses another person’s name beside a real account, in every kind of record', async () => {
		const round = await answeredRound();
		// A finding of no round, so the round stays signable.
		const finding = findingDoc(A1, made());
		expect(await bulk('chef', [finding])).toMatchObject([{ ok: true }]);
		const filed = request();
		const [filedOk] = await bulk('skyddsombud', [filed]);
		expect(filedOk).toMatchObject({ ok: true });
		const fu = followUp(2041);
		const [fuOk] = await bulk('chef', [fu]);
		const hash = followUpContentHash(fu);
		const forged = [
			['chef', signatureDoc(A1, round._id, { signerName: 'Sara Skyddsombud', signedAt: at(0), ...made() })],
			['chef', answerDoc(A1, round._id, { answeredByName: 'Sara Skyddsombud', answeredAt: at(0), ...made() })],
			['chef', assessmentDoc(A1, finding._id, { assessedByName: 'Bo Chef', assessedAt: at(0), ...made() })],
			['chef', actionlog('action:any', { byName: 'Sara Skyddsombud' })],
			['skyddsombud', request({ filedByName: 'Anna Chef' })],
			['chef', { ...filed, _rev: filedOk?.rev, receipt: { at: at(0), by: 'chef', byName: 'Sara Skyddsombud' } }],
			[
				'chef',
				{ ...fu, _rev: fuOk?.rev, managerSignature: { by: 'chef', name: 'Bo Chef', at: at(0), contentHash: hash } },
			],
		] as const;
		for (const [name, doc] of forged) {
			const [res] = await bulk(name, [doc]);
			expect(res, `${doc.type} by ${name}`).toMatchObject(refused(RECORDED_NAME_REASON));
		}
		expect(await read(forged[0][1]._id)).toBeUndefined();
		expect(await read(filed._id)).not.toHaveProperty('receipt');
		expect(await read(fu._id)).not.toHaveProperty('managerSignature');

		// Co-signing on another's device: the record names the co-signer's account, whatever is sent.
		const coSigned = signatureDoc(A1, round._id, {
			signedBy: 'skyddsombud',
			signerName: 'Anna Chef',
			role: 'safety_rep',
			signedAt: at(0),
			...made(),
		});
		const res = await s.call({
			method: 'POST',
			url: '/api/rounds/sign',
			cookie: await s.signIn('chef'),
			payload: { name: 'skyddsombud', password: DEMO_PASSWORD, scope: A1, signature: coSigned },
		});
		expect(res.statusCode).toBe(200);
		expect(await read(coSigned._id)).toMatchObject({ signedBy: 'skyddsombud', signerName: 'Sara Skyddsombud' });
	});

	it('refuses back-dated and future-dated signatures, answers, receipts, reopenings and history entries', async () => {
		const round = await answeredRound();
		const late = at(-8 * DAY);
		const ahead = at(DAY);
		const sig = (signedAt: string) => signatureDoc(A1, round._id, { signedAt, ...made() });
		expect(await bulk('chef', [sig(late), sig(ahead)])).toMatchObject([
			refused(RECORDED_TOO_OLD_REASON),
			refused(RECORDED_AHEAD_REASON),
		]);
		// Created at another time than it claims to be signed: the creation time is judged too.
		expect(await bulk('chef', [{ ...sig(at(0)), createdAt: late }])).toMatchObject([refused(RECORDED_TOO_OLD_REASON)]);
		const answer = (answeredAt: string) => answerDoc(A1, round._id, { answeredAt, ...made() });
		expect(await bulk('chef', [answer(late), answer(ahead)])).toMatchObject([
			refused(RECORDED_TOO_OLD_REASON),
			refused(RECORDED_AHEAD_REASON),
		]);
		expect(
			await bulk('chef', [actionlog('action:any', { at: late }), actionlog('action:any', { at: ahead })]),
		).toMatchObject([refused(RECORDED_TOO_OLD_REASON), refused(RECORDED_AHEAD_REASON)]);
		const filed = request();
		const [filedOk] = await bulk('skyddsombud', [filed]);
		const receipt = (when: string) => ({
			...filed,
			_rev: filedOk?.rev,
			receipt: { at: when, by: 'chef', byName: 'Anna Chef' },
		});
		expect(await bulk('chef', [receipt(late)])).toMatchObject([refused(RECORDED_TOO_OLD_REASON)]);
		expect(await bulk('chef', [receipt(ahead)])).toMatchObject([refused(RECORDED_AHEAD_REASON)]);
		expect(await read(filed._id)).not.toHaveProperty('receipt');
		// Work done offline over most of a week is taken.
		expect(await bulk('chef', [sig(at(-6 * DAY))])).toMatchObject([{ ok: true }]);
		expect(await bulk('chef', [receipt(at(-6 * DAY))])).toMatchObject([{ ok: true }]);

		// A reopening of a locked round, dated back or ahead.
		const locked = await signedByBoth();
		const [lock] = await bulk('chef', [{ ...locked, status: 'signed' }]);
		expect(lock).toMatchObject({ ok: true });
		const file = await s.call({ url: `/db/${A1}/_changes?include_docs=true`, cookie: await s.signIn('chef') });
		const voids = (file.json() as { results: { doc?: SignatureDoc }[] }).results
			.map((r) => r.doc)
			.filter((d): d is SignatureDoc => d?.type === 'signature' && d.roundId === locked._id)
			.map((d) => d._id);
		const reopening = (reopenedAt: string): ReopeningDoc => ({
			_id: testId('reopening'),
			type: 'reopening',
			scope: A1,
			roundId: locked._id,
			reason: 'Fel datum',
			voids,
			reopenedAt,
			reopenedBy: 'chef',
			reopenedByName: 'Anna Chef',
			...made(),
		});
		expect(await bulk('chef', [reopening(late), reopening(ahead)])).toMatchObject([
			refused(RECORDED_TOO_OLD_REASON),
			refused(RECORDED_AHEAD_REASON),
		]);
		expect(await bulk('chef', [{ ...reopening(at(0)), reopenedByName: 'Bo Chef' }])).toMatchObject([
			refused(RECORDED_NAME_REASON),
		]);
		expect(await read(locked._id)).toMatchObject({ status: 'signed' });
	});

	it('fixes createdBy at creation: no forged creator, and never another one later', async () => {
		const forgedRound = roundDoc('a1', { createdBy: 'skyddsombud', ...made() });
		const forgedFinding = findingDoc(A1, { createdBy: 'skyddsombud', ...made() });
		expect(await bulk('chef', [forgedRound, forgedFinding])).toMatchObject([
			refused('createdBy must be your own user name'),
			refused('createdBy must be your own user name'),
		]);
		const round = roundDoc('a1', made());
		const [created] = await bulk('chef', [round]);
		const [taken] = await bulk('skyddsombud', [{ ...round, _rev: created?.rev, createdBy: 'skyddsombud' }]);
		expect(taken).toMatchObject(refused(CREATED_BY_FIXED_REASON));
		// Anything else the safety rep may change, the creator stays.
		const [edited] = await bulk('skyddsombud', [{ ...round, _rev: created?.rev, date: '2026-12-01' }]);
		expect(edited).toMatchObject({ ok: true });
		expect(await read(round._id)).toMatchObject({ createdBy: 'chef', date: '2026-12-01' });
	});

	it('never takes both signatures of a round or follow-up from one account, whatever its memberships become', async () => {
		const round = await answeredRound();
		expect(await bulk('chef', [signatureDoc(A1, round._id, { signedAt: at(0), ...made() })])).toMatchObject([
			{ ok: true },
		]);
		const fu = followUp(2042);
		const [fuOk] = await bulk('chef', [fu]);
		const sign = () => ({ by: 'chef', name: 'Anna Chef', at: at(0), contentHash: followUpContentHash(fu) });
		const [byManager] = await bulk('chef', [{ ...fu, _rev: fuOk?.rev, managerSignature: sign() }]);
		expect(byManager).toMatchObject({ ok: true });
		// After signing as manager, the account becomes the unit's safety rep.
		await setMemberships('chef', [{ unitId: 'a1', role: 'safety_rep' }]);
		try {
			const asRep = signatureDoc(A1, round._id, { role: 'safety_rep', signedAt: at(0), ...made() });
			expect(await bulk('chef', [asRep])).toMatchObject([refused(SAME_SIGNER_REASON)]);
			expect(await bulk('chef', [{ ...round, status: 'signed' }])).toMatchObject([{ error: 'forbidden' }]);
			const both = { ...fu, _rev: byManager?.rev, managerSignature: sign(), safetyRepSignature: sign() };
			expect(await bulk('chef', [both])).toMatchObject([refused(SAME_SIGNER_REASON)]);
			expect(await read(fu._id)).not.toHaveProperty('safetyRepSignature');
		} finally {
			await setMemberships('chef', [{ unitId: 'a1', role: 'manager' }]);
		}
		// The real safety rep signs: now the round locks.
		const rep = signatureDoc(A1, round._id, {
			signedBy: 'skyddsombud',
			role: 'safety_rep',
			signedAt: at(0),
			...made(),
		});
		expect(await bulk('skyddsombud', [rep])).toMatchObject([{ ok: true }]);
		expect(await bulk('chef', [{ ...round, status: 'signed' }])).toMatchObject([{ ok: true }]);
	});

	it('never accepts both a round’s lock and a new finding of it sent at the same moment, in any order', async () => {
		const pause = () => new Promise<void>((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4)));
		let both = 0;
		let lockFirst = 0;
		for (let i = 0; i < 24; i++) {
			const round = await signedByBoth();
			// A new finding of the round has no risk assessment yet: it blocks the lock if it comes first.
			const finding = findingDoc(A1, { roundId: round._id, ...made() });
			const lock = async () => (await pause(), (await bulk('chef', [{ ...round, status: 'signed' }]))[0]);
			const add = async () => (
				await pause(),
				(await bulk('skyddsombud', [{ ...finding, createdBy: 'skyddsombud' }]))[0]
			);
			const [locked, added] =
				i % 2 === 0 ? await Promise.all([lock(), add()]) : (await Promise.all([add(), lock()])).reverse();
			if (locked?.ok && added?.ok) both++;
			if (locked?.ok) lockFirst++;
			expect(Boolean(locked?.ok) || Boolean(added?.ok), 'one of them is accepted').toBe(true);
		}
		expect(both, 'lock and finding both accepted').toBe(0);
		expect(lockFirst).toBeGreaterThan(0);
	}, 120_000);

	it('never writes an answer to a round after its lock, however far apart the two requests start', async () => {
		/** Wait `ms` milliseconds: the second request starts that far into the first. */
		const after = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
		let late = 0;
		for (let i = 0; i < 20; i++) {
			const round = await signedByBoth();
			const answer = answerDoc(A1, round._id, {
				itemId: template.sections[0]?.items[0]?.id,
				answeredBy: 'skyddsombud',
				answeredAt: at(0),
				...made(),
			});
			const lock = async (wait: number) => (
				await after(wait),
				(await bulk('chef', [{ ...round, status: 'signed' }]))[0]
			);
			// Sent with the safety rep's signature of another round, whose whole file the server reads
			// between judging the answer and writing it (as a device that walked one round and signed
			// another pushes them).
			const other = await answeredRound();
			const signed = signatureDoc(A1, other._id, {
				signedBy: 'skyddsombud',
				role: 'safety_rep',
				signedAt: at(0),
				...made(),
			});
			const add = async (wait: number) => (await after(wait), (await bulk('skyddsombud', [answer, signed]))[0]);
			// The answer starts 0–9 ms after the lock, then the lock 0–9 ms after the answer: judging either
			// takes a few ms (each reads a round's whole file), so some land inside the other.
			await (i < 10 ? Promise.all([lock(0), add(i)]) : Promise.all([add(0), lock(i - 10)]));
			// In the order the store took them: nothing of the round after the write that locked it.
			const changes = await s.call({
				url: `/db/${A1}/_changes?include_docs=true&since=0`,
				cookie: await s.signIn('chef'),
			});
			const rows = (changes.json() as { results: { id: string; doc?: Record<string, unknown> }[] }).results;
			const lockAt = rows.findIndex((r) => r.id === round._id && r.doc?.status === 'signed');
			const answerAt = rows.findIndex((r) => r.id === answer._id);
			if (lockAt >= 0 && answerAt > lockAt) late++;
		}
		expect(late, 'answers written after the lock of their round').toBe(0);
	}, 120_000);

	it('keeps the template of a round that has answers, even while it is still marked planned', async () => {
		const round = roundDoc('a1', { templateId: template._id, templateVersion: 1, ...made() });
		const [created] = await bulk('chef', [round]);
		// The answer reaches the server before the device's move of the round to in progress.
		expect(await bulk('chef', [answerDoc(A1, round._id, { answeredAt: at(0), ...made() })])).toMatchObject([
			{ ok: true },
		]);
		const swapped = { ...round, _rev: created?.rev, templateId: 'template:osa.v1' };
		expect(await bulk('chef', [swapped])).toMatchObject([refused(TEMPLATE_ANSWERED_REASON)]);
		expect(await read(round._id)).toMatchObject({ templateId: template._id, status: 'planned' });
	});
});

/**
 * Bounded by design (issue 10, item 5): quotas on documents, `_local` documents and photos, per
 * scope and per person, and nesting. Every refusal is CouchDB-shaped (per document in
 * `_bulk_docs`), never a 500, and leaves what is stored as it was. Small limits, so the probe
 * reaches them in a few requests; the real ones are in src/lib/domain/quotas.ts.
 */
describe('bounded by design', () => {
	let b: Harness;
	beforeAll(async () => {
		b = await startServer({
			quotas: {
				docs: { unit: 4 },
				submitOnlyDocsPerPersonDay: 1,
				localDocsPerPerson: 2,
				photos: { unit: 2 },
				photosPerPerson: 1,
			},
		});
	});
	afterAll(async () => {
		await b.close();
	});

	type Row = { id: string; ok?: boolean; error?: string; reason?: string };
	const bulk = async (name: string, scope: string, docs: object[]): Promise<Row[]> => {
		const res = await b.call({
			method: 'POST',
			url: `/db/${scope}/_bulk_docs`,
			cookie: await b.signIn(name),
			payload: { docs },
		});
		expect(res.statusCode, res.body).toBe(200);
		return res.json() as Row[];
	};
	const present = async (scope: string, ids: string[]): Promise<boolean[]> => {
		const res = await b.call({
			method: 'POST',
			url: `/db/${scope}/_all_docs`,
			cookie: await b.signIn('chef'),
			payload: { keys: ids },
		});
		return (res.json().rows as { error?: string }[]).map((r) => !r.error);
	};
	const jpeg = () => {
		const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(64)]);
		return { bytes, sha: createHash('sha256').update(new Uint8Array(bytes)).digest('hex') };
	};
	const upload = async (name: string, scope: string, p: { bytes: Buffer; sha: string }) =>
		b.call({
			method: 'PUT',
			url: `/db/${scope}/_blobs/${p.sha}`,
			cookie: await b.signIn(name),
			headers: { 'content-type': 'image/jpeg' },
			payload: p.bytes,
		});

	it('refuses documents past a scope’s count and a submit-only sender’s day, per document', async () => {
		const open = roundDoc('a1', { prereports: true, date: '2027-04-01' });
		expect(await bulk('chef', 'unit-a1', [open])).toMatchObject([{ ok: true }]);
		// Staff send one pre-report a day here: a burst from one account cannot fill the unit.
		const [p1, p2] = [prereportDoc(open._id), prereportDoc(open._id)];
		expect(await bulk('medarbetare', 'unit-a1', [p1, p2])).toEqual([
			{ id: p1._id, ok: true, rev: expect.any(String) },
			{ id: p2._id, error: 'forbidden', reason: PERSON_DOCS_QUOTA_REASON },
		]);
		// The unit holds 4 documents at most, whoever sends them.
		const so = { createdBy: 'skyddsombud' };
		const rounds = [roundDoc('a1', so), roundDoc('a1', so), roundDoc('a1', so)];
		const res = await bulk('skyddsombud', 'unit-a1', rounds);
		expect(res.map((r) => r.ok ?? r.reason)).toEqual([true, true, SCOPE_DOCS_QUOTA_REASON]);
		expect(await present('unit-a1', [p2._id, rounds[2]?._id ?? ''])).toEqual([false, false]);
		// A refused write changes nothing stored: the first round is as it was.
		const stored = await b.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs?include_docs=true',
			cookie: await b.signIn('chef'),
			payload: { keys: [open._id] },
		});
		expect(stored.json().rows[0].doc).toMatchObject({ _rev: expect.stringMatching(/^1-/), prereports: true });
	});

	it('refuses a person’s _local documents past their count with 403, and keeps the others', async () => {
		const cookie = await b.signIn('skyddsombud');
		const put = (id: string) =>
			b.call({ method: 'PUT', url: `/db/org/_local/${id}`, cookie, payload: { last_seq: id } });
		expect((await put('one')).statusCode).toBe(201);
		expect((await put('two')).statusCode).toBe(201);
		const over = await put('three');
		expect(over.statusCode).toBe(403);
		expectCleanError('_local over quota', over.body);
		expect(over.json()).toEqual({ error: 'forbidden', reason: LOCAL_DOCS_QUOTA_REASON });
		expect((await b.call({ url: '/db/org/_local/two', cookie })).json()).toMatchObject({ last_seq: 'two' });
	});

	it('refuses photos past a person’s and a scope’s count with 413', async () => {
		const first = jpeg();
		expect((await upload('chef', 'unit-a1', first)).statusCode).toBe(201);
		const mine = await upload('chef', 'unit-a1', jpeg());
		expect(mine.statusCode).toBe(413);
		expectCleanError('photo over the person’s quota', mine.body);
		expect(mine.json()).toEqual({ error: 'too_large', reason: PERSON_PHOTOS_QUOTA_REASON });
		expect((await upload('skyddsombud', 'unit-a1', jpeg())).statusCode).toBe(201);
		// The unit holds 2 photos: full, for everybody.
		const full = await upload('skyddsombud', 'unit-a1', jpeg());
		expect(full.statusCode).toBe(413);
		expect(full.json()).toEqual({ error: 'too_large', reason: SCOPE_PHOTOS_QUOTA_REASON });
		// Bytes it holds still answer, and another unit has room of its own.
		expect((await upload('chef', 'unit-a1', first)).statusCode).toBe(200);
		expect((await upload('chef2', 'unit-b1', jpeg())).statusCode).toBe(201);
	});

	it('refuses a body nested 100,000 deep with 400 on every JSON route, and goes on answering', async () => {
		const hostile = '['.repeat(100_000) + ']'.repeat(100_000);
		const cookie = await b.signIn('chef');
		for (const [method, url, body] of [
			['POST', '/db/_session', hostile],
			['POST', '/db/unit-a1/_bulk_docs', `{"docs":[{"_id":"round:deep","type":"round","x":${hostile}}]}`],
			['PUT', '/db/user-chef/_local/deep', `{"x":${hostile}}`],
			['POST', '/api/me/password', `{"password":${hostile}}`],
		] as const) {
			const res = await b.call({ method, url, cookie, payload: body, headers: { 'content-type': 'application/json' } });
			expect(res.statusCode, url).toBe(400);
			expectCleanError(url, res.body);
			expect(res.json(), url).toEqual({ error: 'bad_request', reason: TOO_DEEP_REASON });
		}
		expect((await b.call({ url: '/api/me', cookie })).statusCode).toBe(200);
		expect(await present('unit-a1', ['round:deep'])).toEqual([false]);
	});
});

describe('who signs for a unit without a safety rep (decision 0028)', () => {
	type Result = { id: string; ok?: boolean; rev?: string; error?: string; reason?: string };
	const B1 = 'unit-b1';
	let s: Harness;
	let template: TemplateDoc;
	const at = (offset: number): string => new Date(TEST_SERVER_TIME + offset).toISOString();
	const made = () => ({ createdAt: at(0), updatedAt: at(0) });

	beforeAll(async () => {
		s = await startServer();
		const found = starterTemplates(at(0)).find((t) => t._id === 'template:physical.v1');
		if (!found) throw new Error('no physical template');
		template = found;
	});
	afterAll(async () => {
		await s.close();
	});

	const post = async (name: string, scope: string, docs: object[]) =>
		s.call({ method: 'POST', url: `/db/${scope}/_bulk_docs`, cookie: await s.signIn(name), payload: { docs } });
	const bulk = async (name: string, docs: object[]): Promise<Result[]> => {
		const res = await post(name, B1, docs);
		expect(res.statusCode).toBe(200);
		return res.json() as Result[];
	};
	/** Co-signing on the manager's device (`POST /api/rounds/sign`) with the signer's password. */
	const coSign = async (signature: SignatureDoc) =>
		s.call({
			method: 'POST',
			url: '/api/rounds/sign',
			cookie: await s.signIn('chef2'),
			payload: { name: signature.signedBy, password: DEMO_PASSWORD, scope: B1, signature },
		});

	/** A round of B1 with every item answered, stored by its manager. */
	async function answeredRound(): Promise<RoundDoc & { _rev: string }> {
		const round = roundDoc('b1', { templateId: template._id, status: 'in_progress', createdBy: 'chef2', ...made() });
		const answers = roundItems(template).map(({ item }) =>
			answerDoc(B1, round._id, { itemId: item.id, answeredAt: at(0), answeredBy: 'chef2', ...made() }),
		);
		const results = await bulk('chef2', [round, ...answers]);
		expect(results.every((r) => r.ok)).toBe(true);
		return { ...round, _rev: results[0]?.rev as string };
	}
	const sig = (round: RoundDoc, signedBy: string, role: SignatureDoc['role']) =>
		signatureDoc(B1, round._id, { signedBy, role, signedAt: at(0), ...made() });

	it('lets the main safety rep above B1 sign its round, on their device or the manager’s, and the round locks', async () => {
		const round = await answeredRound();
		expect(await bulk('chef2', [sig(round, 'chef2', 'manager')])).toMatchObject([{ ok: true }]);
		expect(await bulk('chef2', [{ ...round, status: 'signed' }])).toMatchObject([{ error: 'forbidden' }]);
		expect(await bulk('huvudskyddsombud', [sig(round, 'huvudskyddsombud', 'safety_rep')])).toMatchObject([
			{ ok: true },
		]);
		expect(await bulk('chef2', [{ ...round, status: 'signed' }])).toMatchObject([{ ok: true }]);
		// Another round, co-signed on the manager's tablet: the subtree counts there too.
		const second = await answeredRound();
		expect((await coSign(sig(second, 'huvudskyddsombud', 'safety_rep'))).statusCode).toBe(200);
		// Nothing outside the subtree.
		const a1 = roundDoc('a1', { status: 'in_progress', ...made() });
		const res = await post('huvudskyddsombud', 'unit-a1', [
			signatureDoc('unit-a1', a1._id, { signedBy: 'huvudskyddsombud', role: 'safety_rep', ...made() }),
		]);
		expect(res.statusCode).toBe(403);
	});

	it('lets B1’s manager invite its employee rep, refuses anyone else, and locks with the invited rep’s signature', async () => {
		const round = await answeredRound();
		// Not invited yet: the employee rep's signature is refused.
		expect(await bulk('arbetstagarrep', [sig(round, 'arbetstagarrep', 'employee_rep')])).toMatchObject([
			{ error: 'forbidden', reason: NOT_INVITED_REASON },
		]);
		const stranger = { ...round, coSigner: { name: 'medarbetare', displayName: 'Mats Medarbetare' } };
		expect(await bulk('chef2', [stranger])).toMatchObject([
			{ error: 'forbidden', reason: CO_SIGNER_NOT_MEMBER_REASON },
		]);
		const invite = { ...round, coSigner: { name: 'arbetstagarrep', displayName: 'Olle Representant' } };
		const [invited] = await bulk('chef2', [invite]);
		expect(invited).toMatchObject({ ok: true });
		expect(await bulk('chef2', [sig(round, 'chef2', 'manager')])).toMatchObject([{ ok: true }]);
		const res = await coSign(sig(round, 'arbetstagarrep', 'employee_rep'));
		expect(res.statusCode).toBe(200);
		expect(await bulk('chef2', [{ ...invite, _rev: invited?.rev, status: 'signed' }])).toMatchObject([{ ok: true }]);
	});

	it('keeps requests and work stops with elected safety reps: not the employee rep, yes the main safety rep', async () => {
		const request = (by: string, byName: string): RequestDoc => ({
			_id: testId('request'),
			type: 'request',
			scope: B1,
			unitId: 'b1',
			kind: 'measures',
			subject: 'Trasig belysning',
			description: 'Mörkt i trapphuset.',
			location: '',
			requestedMeasures: 'Byt armaturerna.',
			replyBy: '2026-12-08',
			filedAt: at(0),
			filedBy: by,
			filedByName: byName,
			...made(),
		});
		expect(await bulk('arbetstagarrep', [request('arbetstagarrep', 'Olle Representant')])).toMatchObject([
			{ error: 'forbidden', reason: 'your role may not write request documents' },
		]);
		expect(await bulk('huvudskyddsombud', [request('huvudskyddsombud', 'Tove Huvudskyddsombud')])).toMatchObject([
			{ ok: true },
		]);
	});
});

/**
 * HR adds a survey result's action to a unit's plan without reading the unit (decision 0040):
 * over HTTP, the new action and its created entry are taken; an edit, another source, another
 * type are refused per document with the CouchDB shape; HR still reads nothing of the unit, and a
 * manager of another subtree stays out.
 */
describe('HR adds a survey action to a unit it does not read', () => {
	type Result = { id: string; ok?: boolean; rev?: string; error?: string; reason?: string };
	let s: Harness;
	const at = new Date(TEST_SERVER_TIME).toISOString();
	beforeAll(async () => {
		s = await startServer();
	});
	afterAll(async () => {
		await s.close();
	});
	const post = async (name: string, docs: object[], scope = 'unit-a1') =>
		s.call({ method: 'POST', url: `/db/${scope}/_bulk_docs`, cookie: await s.signIn(name), payload: { docs } });
	const bulk = async (name: string, docs: object[], scope = 'unit-a1'): Promise<Result[]> => {
		const res = await post(name, docs, scope);
		expect(res.statusCode).toBe(200);
		return res.json() as Result[];
	};
	const surveyAction = (overrides: object = {}) =>
		actionDoc('unit-a1', {
			source: 'survey',
			campaignId: DEMO_CAMPAIGN_ID,
			questionId: 'q-1',
			createdAt: at,
			updatedAt: at,
			...overrides,
		});
	const createdLog = (actionId: string, by = 'hr', byName = 'Hanna HR'): ActionLogDoc => ({
		_id: testId('actionlog'),
		type: 'actionlog',
		scope: 'unit-a1',
		actionId,
		event: 'created',
		changes: [
			{ field: 'status', from: null, to: 'planned' },
			{ field: 'source', from: null, to: 'survey' },
		],
		at,
		by,
		byName,
		createdAt: at,
		updatedAt: at,
	});

	it('takes HR’s new survey action with its created entry; the manager reads both, HR reads nothing', async () => {
		const action = surveyAction();
		const log = createdLog(action._id);
		const results = await bulk('hr', [action, log]);
		expect(results).toEqual([
			{ id: action._id, ok: true, rev: expect.stringMatching(/^1-/) },
			{ id: log._id, ok: true, rev: expect.stringMatching(/^1-/) },
		]);
		const read = await s.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs?include_docs=true',
			cookie: await s.signIn('chef'),
			payload: { keys: [action._id, log._id] },
		});
		const rows = (read.json() as { rows: { doc?: Record<string, unknown> }[] }).rows;
		expect(rows[0]?.doc).toMatchObject({ source: 'survey', campaignId: DEMO_CAMPAIGN_ID, questionId: 'q-1' });
		expect(rows[1]?.doc).toMatchObject({ by: 'hr', event: 'created' });
		// HR reads none of it, in any way.
		const hr = await s.signIn('hr');
		for (const req of [
			{ method: 'POST' as const, url: '/db/unit-a1/_all_docs?include_docs=true', payload: { keys: [action._id] } },
			{ method: 'GET' as const, url: '/db/unit-a1/_changes' },
			{ method: 'GET' as const, url: '/db/unit-a1' },
		]) {
			const res = await s.call({ ...req, cookie: hr });
			expect(res.statusCode, req.url).toBe(403);
			expect(res.json()).toMatchObject({ error: 'forbidden' });
		}
		// The same request again (its answer was lost): taken as sent, nothing changes.
		const again = await bulk('hr', [action, log]);
		expect(
			again.map((r) => r.ok),
			JSON.stringify(again),
		).toEqual([true, true]);
	});

	it('refuses HR’s edit of an existing action, one without the survey source, another type, per document', async () => {
		const managers = actionDoc('unit-a1', { createdAt: at, updatedAt: at });
		const [stored] = await bulk('chef', [managers]);
		expect(stored?.ok).toBe(true);
		const edit = { ...managers, _rev: stored?.rev, plannedAction: 'HR skriver om' };
		const meeting = actionDoc('unit-a1', { source: 'meeting', createdAt: at, updatedAt: at });
		const finding = findingDoc('unit-a1', { createdAt: at, updatedAt: at });
		const results = await bulk('hr', [edit, meeting, finding]);
		expect(results[0]).toEqual({ id: managers._id, error: 'forbidden', reason: ROLE_SUBMIT_REASON });
		expect(results[1]).toEqual({ id: meeting._id, error: 'forbidden', reason: ROLE_SUBMIT_REASON });
		expect(results[2]).toMatchObject({ id: finding._id, error: 'forbidden', reason: expect.any(String) });
		// An HR survey action already stored is the unit's from then on: HR cannot change it either.
		const mine = surveyAction();
		const [first] = await bulk('hr', [mine]);
		expect(first?.ok).toBe(true);
		const [changed] = await bulk('hr', [{ ...mine, _rev: first?.rev, status: 'in_progress' }]);
		expect(changed).toEqual({ id: mine._id, error: 'forbidden', reason: ROLE_SUBMIT_REASON });
		// Nothing of these was stored.
		const read = await s.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs?include_docs=true',
			cookie: await s.signIn('chef'),
			payload: { keys: [managers._id, meeting._id, finding._id, mine._id] },
		});
		const rows = (read.json() as { rows: { doc?: Record<string, unknown>; error?: string }[] }).rows;
		expect(rows[0]?.doc).toMatchObject({ plannedAction: managers.plannedAction });
		expect(rows[1]?.error).toBe('not_found');
		expect(rows[2]?.error).toBe('not_found');
		expect(rows[3]?.doc).toMatchObject({ status: 'planned' });
	});

	it('keeps a manager of another subtree out of A1, even with a survey action', async () => {
		const action = surveyAction();
		const res = await post('chef2', [action, createdLog(action._id, 'chef2', displayNameOf('chef2'))]);
		expect(res.statusCode).toBe(403);
		expect(res.json()).toMatchObject({ error: 'forbidden', reason: expect.any(String) });
	});
});
