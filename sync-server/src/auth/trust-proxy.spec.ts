/**
 * TRUST_PROXY: parsing, and the per-address sign-in limit behind a proxy. Every request here
 * comes from one socket address (the proxy's, 10.1.1.1); only the forwarded client differs.
 */
import { ADDRESS_FREE_ATTEMPTS } from './sign-in.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../test-harness.ts';
import { startServer } from '../test-harness.ts';
import type { TrustProxy } from './trust-proxy.ts';
import { parseTrustProxy } from './trust-proxy.ts';

describe('parseTrustProxy', () => {
	it('is off unless set', () => {
		for (const v of [undefined, '', ' ', 'false', '0']) expect(parseTrustProxy(v), String(v)).toBe(false);
	});
	it('reads a hop count or a list of addresses and ranges', () => {
		expect(parseTrustProxy('1')).toBe(1);
		expect(parseTrustProxy('2')).toBe(2);
		expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1,fd00::/8')).toEqual([
			'10.0.0.0/8',
			'127.0.0.1',
			'::1',
			'fd00::/8',
		]);
	});
	it('refuses anything else instead of guessing', () => {
		for (const v of ['true', 'yes', '10.0.0.0/33', '10.0.0', 'proxy.internal', '1.5', '-1', '10.0.0.1,,', '999']) {
			expect(() => parseTrustProxy(v), v).toThrow(/TRUST_PROXY/);
		}
	});
});

let h: Harness | undefined;
afterEach(async () => {
	await h?.close();
	h = undefined;
});

async function server(trustProxy: TrustProxy): Promise<Harness> {
	h = await startServer({ trustProxy });
	return h;
}

/** A failed sign-in through the proxy at 10.1.1.1 on behalf of `forwarded`. */
function attempt(srv: Harness, name: string, forwarded: string) {
	return srv.app.inject({
		method: 'POST',
		url: '/db/_session',
		remoteAddress: '10.1.1.1',
		headers: { 'x-forwarded-for': forwarded },
		payload: { name, password: 'wrong' },
	});
}

/** As many failures as the per-address limit allows from `forwarded`, each with another name. */
async function exhaust(srv: Harness, forwarded: string): Promise<void> {
	for (let i = 0; i < ADDRESS_FREE_ATTEMPTS; i++)
		expect((await attempt(srv, `spray${i}`, forwarded)).statusCode).toBe(401);
	expect((await attempt(srv, 'spray-last', forwarded)).statusCode).toBe(429);
}

// Each case hashes 30+ wrong passwords with scrypt (32 MiB each): minutes on a busy 2-core machine, so
// the hang guard is wider than the default. No case measures time.
describe('sign-in limit behind a proxy', { timeout: 180_000 }, () => {
	it('off (the default): every client behind the proxy shares the proxy’s address', async () => {
		const srv = await server(false);
		await exhaust(srv, '203.0.113.5');
		// Another real client is blocked with the first: the header is not believed.
		expect((await attempt(srv, 'someone', '198.51.100.7')).statusCode).toBe(429);
	});

	it('with one trusted hop, counts each forwarded client on its own', async () => {
		const srv = await server(1);
		await exhaust(srv, '203.0.113.5');
		expect((await attempt(srv, 'someone', '198.51.100.7')).statusCode).toBe(401);
		// A client cannot escape by prepending addresses of its own: the proxy appends the real one.
		expect((await attempt(srv, 'someone', '192.0.2.99, 203.0.113.5')).statusCode).toBe(429);
	});

	it('with a list of proxy ranges, believes only those proxies', async () => {
		const srv = await server(['10.0.0.0/8']);
		await exhaust(srv, '203.0.113.5');
		expect((await attempt(srv, 'someone', '198.51.100.7')).statusCode).toBe(401);
		expect((await attempt(srv, 'someone', '192.0.2.99, 203.0.113.5')).statusCode).toBe(429);
	});
});
