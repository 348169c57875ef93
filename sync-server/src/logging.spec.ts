/**
 * The request log (issue 11, item 4): one structured line per request through Fastify's pino
 * logger, with the route pattern and the kind of scope, never a user name, a document id, a
 * password, a cookie or a reason; redaction in the logger's configuration catches what a later
 * log call might pass; the level switch turns the lines off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { LOG_LEVELS, loggerOptions, parseLogLevel, scopeKind } from './logging.ts';
import type { LogLevel } from './logging.ts';
import type { Harness } from './test-harness.ts';
import { roundDoc, startServer } from './test-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
	await h?.close();
	h = undefined;
});

/** A server whose log lines are kept in memory. */
async function logged(level: LogLevel = 'info'): Promise<{ h: Harness; out: () => string; lines: () => Line[] }> {
	let out = '';
	h = await startServer({ log: { level, stream: { write: (line: string) => void (out += line) } } });
	return {
		h,
		out: () => out,
		lines: () =>
			out
				.split('\n')
				.filter(Boolean)
				.map((l) => JSON.parse(l) as Line),
	};
}

type Line = Record<string, unknown>;

const REQUEST_KEYS = ['hostname', 'level', 'method', 'ms', 'msg', 'pid', 'reqId', 'route', 'scope', 'status', 'time'];

describe('one line per request', () => {
	it('names the route pattern, status, time and scope kind, and nothing personal', async () => {
		const log = await logged();
		const secretName = 'anna-sekretess';
		const round = roundDoc('a1', {
			_id: 'round:hemligt-id-4711',
			participants: [{ name: 'Anna Sekretess', role: 'other' }],
		});

		// A password in a body, a cookie in a header, names and ids in URLs and bodies.
		const signIn = await log.h.call({
			method: 'POST',
			url: '/db/_session',
			payload: { name: 'chef', password: 'trygg-demo' },
		});
		expect(signIn.statusCode).toBe(200);
		const cookie = await log.h.signIn('chef');
		const cookieValue = cookie.split('=')[1] ?? '';
		expect(cookieValue.length).toBeGreaterThan(20);
		const calls = [
			{ method: 'GET', url: '/db/user-chef/_changes?since=0&doc_ids=round:hemligt-id-4711', cookie },
			{ method: 'POST', url: '/db/unit-a1/_bulk_docs', cookie, payload: { docs: [round] } },
			{ method: 'GET', url: `/db/unit-a1/_local/${round._id}`, cookie },
			{ method: 'DELETE', url: `/api/admin/users/${secretName}`, cookie },
			{ method: 'GET', url: '/db/org', headers: { authorization: 'Basic Y2hlZjp0cnlnZy1kZW1v' } },
			{ method: 'GET', url: '/db/reports-a1', cookie },
			{ method: 'GET', url: `/nothing-here/${secretName}` },
			{ method: 'POST', url: '/db/_session', payload: { name: secretName, password: 'fel-losenord-123' } },
		] as const;
		const statuses = [];
		for (const c of calls) statuses.push((await log.h.call(c)).statusCode);
		expect(statuses).toEqual([200, 200, 404, 403, 401, 200, 404, 401]);

		const lines = log.lines().filter((l) => l.msg === 'request');
		// Every line is a request line: nothing else was logged.
		expect(log.lines()).toHaveLength(lines.length);
		// The two sign-ins first (the test's own and the harness's), then the calls above.
		expect(lines).toHaveLength(2 + calls.length);
		for (const line of lines) {
			expect(Object.keys(line).sort()).toEqual(
				(line.status as number) >= 400 ? [...REQUEST_KEYS, 'error'].sort() : REQUEST_KEYS,
			);
			expect(typeof line.ms).toBe('number');
		}
		expect(lines.map((l) => [l.method, l.route, l.status, l.scope, l.error])).toEqual([
			['POST', '/db/_session', 200, 'none', undefined],
			['POST', '/db/_session', 200, 'none', undefined],
			['GET', '/db/:scope/_changes', 200, 'user', undefined],
			['POST', '/db/:scope/_bulk_docs', 200, 'unit', undefined],
			['GET', '/db/:scope/_local/:id', 404, 'unit', 'not_found'],
			['DELETE', '/api/admin/users/:name', 403, 'none', 'forbidden'],
			['GET', '/db/:scope', 401, 'org', 'unauthorized'],
			['GET', '/db/:scope', 200, 'reports', undefined],
			['GET', null, 404, 'none', 'not_found'],
			['POST', '/db/_session', 401, 'none', 'unauthorized'],
		]);

		const out = log.out();
		for (const secret of [
			'chef',
			'trygg-demo',
			cookieValue,
			'AuthSession',
			'Y2hlZjp0cnlnZy1kZW1v',
			secretName,
			'hemligt-id-4711',
			'Sekretess',
			'fel-losenord-123',
			'127.0.0.1',
			'user-chef',
			'unit-a1',
			'since=',
			'nothing-here',
			'incorrect', // the sign-in refusal's reason
		]) {
			expect(out, secret).not.toContain(secret);
		}
	});

	it('has a line for a longpoll the client left before its answer, and only that one', async () => {
		let out = '';
		let seen: (() => void) | undefined;
		h = await startServer({
			log: {
				level: 'info',
				stream: {
					write: (line: string) => {
						out += line;
						if (line.includes('"aborted":true')) seen?.();
					},
				},
			},
		});
		const cookie = await h.signIn('chef');
		await h.app.listen({ port: 0, host: '127.0.0.1' });
		const { port } = h.app.server.address() as AddressInfo;
		const aborted = new Promise<void>((resolve) => (seen = resolve));
		const req = http.request({
			host: '127.0.0.1',
			port,
			path: '/db/unit-a1/_changes?feed=longpoll&since=now&timeout=60000',
			headers: { cookie },
		});
		req.on('error', () => undefined);
		// Left once the server has it.
		const arrived = new Promise<void>((resolve) => h?.app.server.once('request', () => resolve()));
		req.end();
		await arrived;
		req.destroy();
		await aborted;
		await h.close(); // answers the waiting longpolls at once: no second line may follow
		h = undefined;
		const changes = out
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l) as Line)
			.filter((l) => l.route === '/db/:scope/_changes');
		expect(changes).toEqual([
			expect.objectContaining({ method: 'GET', status: null, ms: null, aborted: true, scope: 'unit' }),
		]);
		expect(out).not.toContain('unit-a1');
	});

	it.each(['warn', 'silent'] as const)('is off at level %s', async (level) => {
		const log = await logged(level);
		expect((await log.h.call({ method: 'GET', url: '/db/unit-a1' })).statusCode).toBe(401);
		expect((await log.h.call({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
		expect(log.out()).toBe('');
	});
});

describe('redaction by configuration', () => {
	it('censors bodies, URLs, parameters, headers and error messages a log call passes', async () => {
		let out = '';
		const app = Fastify(loggerOptions({ level: 'info', stream: { write: (line: string) => void (out += line) } }));
		app.log.info(
			{
				req: { method: 'GET', url: '/db/user-chef', headers: { cookie: 'AuthSession=kaka' } },
				url: '/db/user-chef',
				params: { scope: 'user-chef', id: 'round:hemligt' },
				body: { docs: [{ _id: 'round:hemligt' }] },
				headers: { cookie: 'AuthSession=kaka', authorization: 'Basic aGVtbGln' },
				password: 'trygg-demo',
				user: { name: 'chef', password: 'trygg-demo' },
				err: new Error('document round:hemligt is invalid'),
			},
			'a careless line',
		);
		await app.close();
		expect(out).toContain('a careless line');
		expect(out).toContain('[redacted]');
		for (const secret of ['chef', 'hemligt', 'kaka', 'aGVtbGln', 'trygg-demo'])
			expect(out, secret).not.toContain(secret);
		const line = JSON.parse(out) as Line;
		expect(line.req).toEqual({ method: 'GET' });
		expect(line.err).toEqual({ type: 'Error' });
	});
});

describe('the level switch', () => {
	it('reads LOG_LEVEL: info when unset, any pino level, anything else refused', () => {
		expect(parseLogLevel(undefined)).toBe('info');
		expect(parseLogLevel('')).toBe('info');
		for (const level of LOG_LEVELS) expect(parseLogLevel(level.toUpperCase())).toBe(level);
		expect(() => parseLogLevel('verbose')).toThrow(/LOG_LEVEL verbose is not one of/);
	});

	it('names the kind of a scope, never the scope', () => {
		expect(['org', 'unit-a1', 'user-chef', 'reports', 'reports-a1', 'nonsense', undefined].map(scopeKind)).toEqual([
			'org',
			'unit',
			'user',
			'reports',
			'reports',
			'none',
			'none',
		]);
	});
});
