/**
 * Builds the sync server (no port), so tests can drive it with `inject`: stores, CSRF and
 * security hooks, the one CouchDB-shaped error handler and the route families.
 * It must never log request bodies, names or passwords, and never leak stacks or paths.
 */
import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, codeFromCouch } from '../../src/lib/domain/index.ts';
import { isCrossSite } from './auth/csrf.ts';
import { encodeSession } from './auth/session.ts';
import type { TrustProxy } from './auth/trust-proxy.ts';
import { fastifyTrustProxy } from './auth/trust-proxy.ts';
import { UserStore } from './auth/users.ts';
import { ServerContext, sendError } from './context.ts';
import type { LogOptions } from './logging.ts';
import { logAborted, loggerOptions } from './logging.ts';
import { jsonBodyParser } from './json-body.ts';
import type { QuotaOverrides } from './quotas.ts';
import { QuotaKeeper, quotaLimits } from './quotas.ts';
import { AnonRoad } from './anon/road.ts';
import type { RandomSource } from './anon/responses.ts';
import { SurveyResults } from './reports/survey-results.ts';
import { adminRoutes } from './routes/admin.ts';
import { anonRoutes } from './routes/anon.ts';
import { apiRoutes } from './routes/api.ts';
import { blobRoutes } from './routes/blobs.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { feedRoutes } from './routes/feed.ts';
import { scopeRoutes } from './routes/scope.ts';
import { builtHashes, securityHeaders } from './security-headers.ts';
import { sessionRoutes, setSessionCookie } from './routes/session.ts';
import { signRoutes } from './routes/sign.ts';
import { MISSING_FILE_REASON, sendAppShell, staticRoutes, wantsAppShell, wantsFile } from './routes/static.ts';
import type { DataVersionRecord, MigrationRun } from './migrations/run.ts';
import { addMissingStarterTemplates, migrateStore } from './migrations/run.ts';
import { notifyWrites, UnitStats } from './reports/unit-stats.ts';
import { seedIfEmpty } from './seed/demo.ts';
import { addDemoHistory } from './seed/demo-history.ts';
import { seedSurveyHistory } from './seed/demo-surveys.ts';
import type { DocStore } from './store/doc-store.ts';
import type { StorageConfig } from './store/storage.ts';
import { openStorage } from './store/storage.ts';
import { SERVER_TIME_HEADER } from '../../src/lib/domain/hlc.ts';

export type AppOptions = {
	dataDir: string;
	staticDir?: string;
	sessionSecret?: string;
	secureCookies?: boolean;
	/** The request log's level and stream; no log without it. */
	log?: LogOptions;
	now?: () => Date;
	/** Seed the demo organisation when the store is empty. */
	seedDemo?: boolean;
	/** Add a year of history to the demo organisation once (issue 14); only `npm start` asks for it. */
	seedHistory?: boolean;
	/** Also seed closed demo survey campaigns with responses sent through the anonymous road (main.ts). */
	seedSurveyHistory?: boolean;
	/** Which store; by default the embedded one in `dataDir`. */
	storage?: StorageConfig;
	/** Proxies allowed to name the client address (`TRUST_PROXY`); off by default. */
	trustProxy?: TrustProxy;
	/** Quota limits other than `QUOTAS` (src/lib/domain/quotas.ts), e.g. small ones for a test. */
	quotas?: QuotaOverrides;
	/** The anonymous road's random ids and order (tests pass a seeded one); crypto by default. */
	anonRandom?: RandomSource;
	/** Wraps the document store, for tests that watch every write reaching it (the red-team test). */
	observeStore?: (store: DocStore) => DocStore;
	/** The pause after a write before the report job reads it (ms); tests may shorten it. */
	reportsDebounceMs?: number;
};

export const BODY_LIMIT = 8 * 1024 * 1024;

declare module 'fastify' {
	interface FastifyInstance {
		/** True when this start seeded the demo organisation. */
		seeded: boolean;
		/** The store's data version record after this start's migrations (decision 0026). */
		dataVersion: DataVersionRecord;
		/** What this start's migrations did; none when the store was at the data version already. */
		migrated: MigrationRun | undefined;
		/** The job that keeps the `stats:<unitId>` report documents current (`idle()` for tests and benches). */
		reports: UnitStats;
		/** Survey results of closed campaigns (decision 0034); `idle()` awaits quiescence. */
		surveyResults: SurveyResults;
	}
}

/** How often a server on CouchDB re-reads every unit scope for other servers' writes (decision 0035). */
const REPORTS_SWEEP_MS = 5 * 60_000;

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
	const storage = await openStorage(opts.storage ?? { kind: 'embedded', dataDir: opts.dataDir });
	const observed = opts.observeStore ? opts.observeStore(storage.docs) : storage.docs;
	const now = opts.now ?? (() => new Date());
	// A report job's failed pass, for the log once the server has one: the job and the error's name, nothing else
	// (no document, no person); the pass is tried again at the next change.
	let reportFailed = (_job: string, _err: unknown): void => undefined;
	// Every accepted write to a unit scope or `org` (any route) reaches the report job after it is stored.
	const reports = new UnitStats({
		store: observed,
		now,
		onError: (err) => reportFailed('unit-stats', err),
		...(opts.reportsDebounceMs !== undefined ? { debounceMs: opts.reportsDebounceMs } : {}),
		// Servers behind one CouchDB hear only their own writes; the others' are read on a sweep.
		...(opts.storage?.kind === 'couchdb' ? { sweepMs: REPORTS_SWEEP_MS } : {}),
	});
	// What the server keeps of `org` goes with any write there, by any route or job.
	let orgWritten = (): void => undefined;
	const store = notifyWrites(observed, (scope) => {
		reports.touched(scope);
		if (scope === 'org') orgWritten();
	});
	const closeStores = async (): Promise<void> => {
		await reports.close();
		await storage.close();
	};
	const users = new UserStore(storage.accounts);
	let ctx: ServerContext;
	let road: AnonRoad;
	let surveyResults: SurveyResults;
	let seeded = false;
	let migration: { record: DataVersionRecord; run?: MigrationRun };
	try {
		ctx = new ServerContext({
			store,
			users,
			secret: opts.sessionSecret ?? randomBytes(32).toString('base64url'),
			secureCookies: opts.secureCookies ?? false,
			now,
			uuid: storage.uuid,
			quotas: new QuotaKeeper({ store, blobs: storage.blobs, now, limits: quotaLimits(opts.quotas) }),
			onlyWriter: opts.storage?.kind !== 'couchdb',
		});
		orgWritten = () => ctx.orgChanged();
		// Before serving: every document in today's shape, then the starter templates an older
		// version never wrote (decision 0026).
		migration = await migrateStore(store, now());
		if (opts.seedDemo) seeded = await seedIfEmpty(store, users, now());
		if (opts.seedDemo && opts.seedHistory) await addDemoHistory(store, now());
		await addMissingStarterTemplates(store, now());
		const context = ctx;
		road = new AnonRoad({
			store,
			local: ctx.local,
			lock: ctx.writeLock,
			roster: users,
			units: () => context.units(),
			now,
			...(opts.anonRandom ? { random: opts.anonRandom } : {}),
		});
		// The last batch of every campaign that ended while the server was down (decision 0030).
		await road.flushEnded();
		if (opts.seedSurveyHistory) {
			const units = () => context.units();
			await seedSurveyHistory({ store, local: ctx.local, lock: ctx.writeLock, users, units, now: now() });
		}
		surveyResults = new SurveyResults({
			store,
			local: ctx.local,
			road,
			units: () => context.units(),
			now,
			onError: (err) => reportFailed('survey-results', err),
		});
	} catch (err) {
		await closeStores();
		throw err;
	}

	const app = Fastify({
		bodyLimit: BODY_LIMIT,
		// `request.ip` (the sign-in limit's key) is the socket address unless proxies are trusted.
		trustProxy: fastifyTrustProxy(opts.trustProxy ?? false),
		// One line per request, nothing personal in it (logging.ts); none at all unless asked for.
		...(opts.log ? loggerOptions(opts.log) : { logger: false }),
	});
	reportFailed = (job, err) =>
		app.log.warn(
			{ job, error: err instanceof Error ? err.name : typeof err },
			'report job pass failed; tried again at the next change',
		);
	app.decorate('seeded', seeded);
	app.decorate('dataVersion', migration.record);
	app.decorate('migrated', migration.run);
	app.decorate('reports', reports);
	reports.start();
	app.decorate('surveyResults', surveyResults);
	surveyResults.start();

	// First, so that every answer carries the headers, refusals by the hooks below included.
	securityHeaders(app, opts.staticDir ? await builtHashes(opts.staticDir) : { scripts: [], styleAttributes: [] });
	await app.register(fastifyCookie);
	jsonBodyParser(app);
	app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
		done(null, Object.fromEntries(new URLSearchParams(String(body))));
	});

	// The request log's line for a request the client left before its answer (logging.ts).
	if (opts.log) app.addHook('onRequestAbort', async (request) => logAborted(request));
	app.addHook('onRequest', async (request, reply) => {
		if (isCrossSite(request)) {
			return sendError(reply, new AppError('forbidden', 'cross-origin request refused'));
		}
	});
	app.addHook('onSend', async (request, reply, payload) => {
		// Synced data must not sit in shared caches or the HTTP cache.
		if (/^\/(db|api)(\/|$|\?)/.test(request.url)) {
			reply.header('cache-control', 'no-store');
			// The device stamps its edits on the server's clock (decision 0013); `Date` has only seconds.
			reply.header(SERVER_TIME_HEADER, String(now().getTime()));
		}
		// Sliding renewal: a session more than half through its idle window gets a fresh cookie.
		const renewed = ctx.takeRenewal(request);
		if (renewed) setSessionCookie(ctx, request, reply, encodeSession(ctx.secret, renewed), renewed.expires);
		return payload;
	});

	app.setErrorHandler((err: FastifyError, request, reply) => {
		if (err instanceof AppError) return sendError(reply, err);
		const status = err.statusCode ?? 500;
		if (status === 413) return sendError(reply, new AppError('too_large', 'Request body is too large.'));
		if (status >= 400 && status < 500) {
			const reason = status === 415 ? 'Unsupported content type.' : 'Malformed request.';
			return sendError(reply, new AppError(codeFromCouch(status, null), reason, status));
		}
		// Only the error's name and code: a message may carry document contents.
		request.log.error({ err: { name: err.name, code: err.code } }, 'unexpected error');
		return sendError(reply, new AppError('server', 'internal error'));
	});

	app.setNotFoundHandler((request, reply) => {
		if (opts.staticDir && wantsAppShell(request)) return sendAppShell(reply);
		// An old version's chunk must fail as itself, never arrive as the app's HTML; a later
		// deploy may add the file, so the 404 is not cached.
		if (opts.staticDir && wantsFile(request)) {
			return sendError(reply.header('cache-control', 'no-cache'), new AppError('not_found', MISSING_FILE_REASON));
		}
		return sendError(reply, new AppError('not_found', 'missing'));
	});

	await sessionRoutes(app, ctx);
	await apiRoutes(app, ctx);
	await adminRoutes(app, ctx);
	await scopeRoutes(app, ctx);
	await feedRoutes(app, ctx);
	await signRoutes(app, ctx);
	await campaignRoutes(app, ctx, road);
	await anonRoutes(app, road);
	await app.register(blobRoutes, { ctx, blobs: storage.blobs });
	if (opts.staticDir) await staticRoutes(app, opts.staticDir);

	app.addHook('preClose', async () => {
		ctx.closing.abort(); // answer waiting longpolls now, so close() does not wait 60 s
		surveyResults.stop();
		await surveyResults.idle();
	});
	app.addHook('onClose', async () => {
		await closeStores();
	});
	return app;
}
