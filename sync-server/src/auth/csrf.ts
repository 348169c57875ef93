/**
 * Cross-site request refusal for cookie sessions. A browser marks its writes with
 * `Sec-Fetch-Site` and `Origin`; anything but our own origin is refused. A call with
 * neither header is not from a browser page (curl, a CouchDB client) and carries no
 * ambient cookie risk, so it passes. It must never let a write through whose `Origin`
 * names another site, and never checks reads (GET/HEAD/OPTIONS change nothing).
 */
import type { FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** Does the `Host` header name the same host and port as `origin`? Default ports may be written or left out. */
function sameHost(origin: URL, host: string | undefined): boolean {
	if (!host) return false;
	let own: URL;
	try {
		// Read the Host with the origin's scheme: behind a TLS proxy our own protocol is http.
		own = new URL(`${origin.protocol}//${host}`);
	} catch {
		return false;
	}
	const port = (u: URL): string => u.port || (DEFAULT_PORT[u.protocol] ?? '');
	return own.hostname === origin.hostname && port(own) === port(origin);
}

/**
 * Is this a write from another site? True refuses it.
 * @example isCrossSite({ method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } }) // true
 */
export function isCrossSite(request: Pick<FastifyRequest, 'method' | 'headers'>): boolean {
	if (SAFE_METHODS.has(request.method)) return false;
	const site = request.headers['sec-fetch-site'];
	if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
	const origin = request.headers.origin;
	if (origin === undefined) return false;
	let parsed: URL;
	try {
		parsed = new URL(origin);
	} catch {
		return true; // "null" (sandboxed frames, some redirects) or garbage: not our origin
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return true;
	return !sameHost(parsed, request.headers.host);
}
