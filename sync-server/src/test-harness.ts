/**
 * Test support for server specs: a server built in a temp folder with the demo
 * organisation, and sign-in that returns the session cookie. Used only by `*.spec.ts`;
 * it must never be imported by server code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type {
	ActionDoc,
	AnswerDoc,
	AssessmentDoc,
	DocType,
	FindingDoc,
	PrereportDoc,
	RoundDoc,
	SignatureDoc,
} from '../../src/lib/domain/index.ts';
import type { AppOptions } from './app.ts';
import { buildApp } from './app.ts';
import type { ScopeGrant } from '../../src/lib/domain/index.ts';
import { starterTemplates } from '../../src/lib/domain/starter-templates.ts';
import type { UserRecord } from './auth/users.ts';
import { UserStore } from './auth/users.ts';
import { FsBlobStore } from './blobs/fs-blob-store.ts';
import { ServerContext } from './context.ts';
import type { QuotaOverrides } from './quotas.ts';
import { QuotaKeeper, quotaLimits } from './quotas.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoUnits } from './seed/demo.ts';
import type { DocStore } from './store/doc-store.ts';
import { openPouch } from './store/pouch-store.ts';

export const TEST_SECRET = 'test-secret-test-secret-test-secret';

export type Harness = {
	app: FastifyInstance;
	dir: string;
	/** Sign in as a demo account; the `cookie` header value for later requests. */
	signIn(name: string): Promise<string>;
	/** `inject` with JSON defaults and an optional session cookie. */
	call(opts: InjectOptions & { cookie?: string | undefined }): Promise<LightMyRequestResponse>;
	/** `POST /db/<scope>/_bulk_docs` as `name`: the per-document answers. */
	bulk(name: string, scope: string, docs: object[]): Promise<BulkAnswer[]>;
	close(): Promise<void>;
};

/** One document's answer of `_bulk_docs`. */
export type BulkAnswer = { id?: string; ok?: boolean; rev?: string; error?: string; reason?: string };

/**
 * The server's clock in tests, unless a spec passes its own `now`: a day after the documents'
 * `NOW`, so what the helpers below record at `NOW` (and a receipt the next morning) lies within
 * the bound of recorded times (decision 0016) on any real date.
 */
export const TEST_SERVER_TIME = Date.parse('2026-11-24T09:00:00.000Z');

/** A clock that starts at `TEST_SERVER_TIME` and moves on with the time the test takes. */
export function testServerClock(start = TEST_SERVER_TIME): () => Date {
	const began = performance.now();
	return () => new Date(start + Math.floor(performance.now() - began));
}

export async function startServer(opts: Partial<AppOptions> = {}, dir?: string): Promise<Harness> {
	const dataDir = dir ?? (await mkdtemp(path.join(tmpdir(), 'trygg-srv-')));
	const app = await buildApp({
		dataDir,
		sessionSecret: TEST_SECRET,
		seedDemo: true,
		now: testServerClock(),
		...opts,
	});
	const cookies = new Map<string, string>();
	const call: Harness['call'] = ({ cookie, headers, ...rest }) =>
		app.inject({ ...rest, headers: { ...(cookie ? { cookie } : {}), ...(headers ?? {}) } });
	const harness: Harness = {
		app,
		dir: dataDir,
		call,
		async bulk(name, scope, docs) {
			const cookie = await harness.signIn(name);
			return (await call({ method: 'POST', url: `/db/${scope}/_bulk_docs`, cookie, payload: { docs } })).json();
		},
		async signIn(name) {
			const known = cookies.get(name);
			if (known) return known;
			const res = await app.inject({
				method: 'POST',
				url: '/db/_session',
				payload: { name, password: DEMO_PASSWORD },
			});
			if (res.statusCode !== 200) throw new Error(`sign-in as ${name} failed: ${res.statusCode}`);
			const set = res.cookies.find((c) => c.name === 'AuthSession');
			if (!set) throw new Error('no session cookie');
			const value = `AuthSession=${set.value}`;
			cookies.set(name, value);
			return value;
		},
		async close() {
			await app.close();
			if (!dir) await rm(dataDir, { recursive: true, force: true });
		},
	};
	return harness;
}

/** A fresh temp folder (caller removes it). */
export function tempDir(prefix = 'trygg-srv-'): Promise<string> {
	return mkdtemp(path.join(tmpdir(), prefix));
}

const NOW = '2026-11-23T09:00:00.000Z';
let counter = 0;

/** A demo account's display name: what its records must name (decision 0016). */
export function displayNameOf(name: string): string {
	return DEMO_ACCOUNTS.find((a) => a.name === name)?.displayName ?? name;
}
/** A unique id of `type` (not UUIDv7, so tests can read it). */
export function testId(type: DocType): string {
	counter += 1;
	return `${type}:t${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A valid round document for `unitId`, with overrides. */
export function roundDoc(unitId: string, overrides: Partial<RoundDoc> = {}): RoundDoc {
	return {
		_id: testId('round'),
		type: 'round',
		scope: `unit-${unitId}`,
		unitId,
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: '2026-11-23',
		status: 'planned',
		participants: [],
		createdBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
	};
}

export function answerDoc(scope: string, roundId: string, overrides: Partial<AnswerDoc> = {}): AnswerDoc {
	return {
		_id: testId('answer'),
		type: 'answer',
		scope,
		roundId,
		itemId: 'item-1',
		value: 'yes',
		comment: '',
		fixedOnSite: false,
		fixedNote: '',
		photos: [],
		stamp: '1795424400000-0000-test-device',
		answeredAt: NOW,
		answeredBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
		answeredByName: overrides.answeredByName ?? displayNameOf(overrides.answeredBy ?? 'chef'),
	};
}

export function findingDoc(scope: string, overrides: Partial<FindingDoc> = {}): FindingDoc {
	return {
		_id: testId('finding'),
		type: 'finding',
		scope,
		title: 'Loose cable by the door',
		description: '',
		category: 'physical',
		location: 'Entrance',
		status: 'open',
		createdBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
	};
}

export function assessmentDoc(scope: string, findingId: string, overrides: Partial<AssessmentDoc> = {}): AssessmentDoc {
	return {
		_id: testId('assessment'),
		type: 'assessment',
		scope,
		findingId,
		probability: 2,
		consequence: 3,
		serious: false,
		stamp: '1795424400000-0000-test-device',
		assessedAt: NOW,
		assessedBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
		assessedByName: overrides.assessedByName ?? displayNameOf(overrides.assessedBy ?? 'chef'),
	};
}

export function actionDoc(scope: string, overrides: Partial<ActionDoc> = {}): ActionDoc {
	return {
		_id: testId('action'),
		type: 'action',
		scope,
		unitId: scope.slice('unit-'.length),
		source: 'other',
		area: 'Entrance',
		plannedAction: 'Fasten the cable',
		desiredResult: 'Nobody trips',
		responsible: 'Anna Chef',
		start: '2026-11-24',
		due: '2026-12-01',
		done: null,
		followUp: null,
		result: '',
		comment: '',
		estimatedCost: null,
		status: 'planned',
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
	};
}

export function signatureDoc(scope: string, roundId: string, overrides: Partial<SignatureDoc> = {}): SignatureDoc {
	return {
		_id: testId('signature'),
		type: 'signature',
		scope,
		roundId,
		signedBy: 'chef',
		role: 'manager',
		signedAt: NOW,
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
		signerName: overrides.signerName ?? displayNameOf(overrides.signedBy ?? 'chef'),
	};
}

/** A pre-report of `medarbetare` (staff of a1) for a round of unit a1, with overrides. */
export function prereportDoc(roundId: string, overrides: Partial<PrereportDoc> = {}): PrereportDoc {
	return {
		_id: testId('prereport'),
		type: 'prereport',
		scope: 'unit-a1',
		unitId: 'a1',
		roundId,
		submittedBy: 'medarbetare',
		submitterName: 'Mats Medarbetare',
		title: 'Dörren till förrådet kärvar',
		description: '',
		location: 'Förrådet',
		createdAt: NOW,
		updatedAt: NOW,
		...overrides,
	};
}

/**
 * A server context over `store` without HTTP, for specs that call route functions such as
 * `writeDocs` directly: the demo units and starter templates in `org`, the demo accounts as
 * records (no password), quotas as `quotas` says, the server clock at `TEST_SERVER_TIME`.
 */
export async function directContext(
	store: DocStore,
	dir: string,
	quotas: QuotaOverrides = {},
): Promise<{
	ctx: ServerContext;
	user(name: string): UserRecord;
	grants(user: UserRecord): Promise<ScopeGrant[]>;
	close(): Promise<void>;
}> {
	const iso = new Date(TEST_SERVER_TIME).toISOString();
	await store.bulkDocs('org', [...demoUnits(iso), ...starterTemplates(iso)]);
	const now = () => new Date(TEST_SERVER_TIME);
	const accounts = await openPouch(path.join(dir, 'auth'));
	const ctx = new ServerContext({
		store,
		users: new UserStore(accounts),
		secret: TEST_SECRET,
		secureCookies: false,
		now,
		uuid: 'test',
		quotas: new QuotaKeeper({ store, blobs: new FsBlobStore({ dataDir: dir }), now, limits: quotaLimits(quotas) }),
	});
	const user = (name: string): UserRecord => {
		const account = DEMO_ACCOUNTS.find((a) => a.name === name);
		if (!account) throw new Error(`no demo account ${name}`);
		return {
			...account,
			roles: [...account.roles],
			memberships: [...account.memberships],
			_id: `org.couchdb.user:${name}`,
			passwordHash: '',
		};
	};
	return { ctx, user, grants: (u) => ctx.grants(u), close: () => accounts.close() };
}
