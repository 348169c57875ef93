/**
 * The `TRUST_PROXY` setting: which proxies in front of the server may name the client address
 * (`X-Forwarded-For`), so the per-address sign-in limit counts real clients instead of the one
 * address of the load balancer. Off by default: trusting the header from anyone would let every
 * caller pick a fresh address per attempt and walk around the limit.
 */
import { isIP } from 'node:net';

/** What Fastify's `trustProxy` option takes: off, a hop count, or addresses/CIDR ranges. */
export type TrustProxy = false | number | string[];

const CIDR_RE = /^(.+)\/(\d{1,3})$/;

function isAddressOrRange(entry: string): boolean {
	const m = CIDR_RE.exec(entry);
	if (!m) return isIP(entry) !== 0;
	const version = isIP(m[1] ?? '');
	const bits = Number(m[2]);
	return version !== 0 && bits <= (version === 4 ? 32 : 128);
}

/**
 * Read `TRUST_PROXY`: unset, empty, `false` or `0` is off; a whole number is how many proxies
 * stand in front (the client is that many addresses from the right of `X-Forwarded-For`); else
 * a comma-separated list of proxy addresses or CIDR ranges. Throws on anything else, so a typo
 * never silently turns trust on or off.
 * @example parseTrustProxy('1') // 1
 * @example parseTrustProxy('10.0.0.0/8, 127.0.0.1') // ['10.0.0.0/8', '127.0.0.1']
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
	const text = (value ?? '').trim();
	if (text === '' || text === 'false' || text === '0') return false;
	if (/^\d+$/.test(text)) {
		const hops = Number(text);
		if (hops > 100) throw new Error('TRUST_PROXY hop count is too large.');
		return hops;
	}
	const entries = text.split(',').map((e) => e.trim());
	const bad = entries.find((e) => !isAddressOrRange(e));
	if (bad !== undefined) {
		throw new Error('TRUST_PROXY must be a number of proxies or a list of proxy addresses or CIDR ranges.');
	}
	return entries;
}

/**
 * The setting as Fastify's `trustProxy` option. A hop count becomes a function trusting that
 * many addresses from the socket inwards: Fastify 5 itself reads a bare number as "trust
 * nothing", because a client that reaches the server directly could then forge the header.
 * So a hop count is only safe when the server is reachable through the proxies alone
 * (docs/deployment.md); a list of proxy addresses is safe either way.
 */
export function fastifyTrustProxy(setting: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
	if (typeof setting !== 'number') return setting;
	const hops = setting;
	return (_address, hop) => hop < hops;
}
