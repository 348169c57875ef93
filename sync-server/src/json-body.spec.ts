/**
 * Nesting: a JSON body nested deeper than a document may be is refused with 400 before it is
 * parsed, on every JSON route, signed in or not; a document nested past the limit inside an
 * ordinary body is refused on its own, per document, before the policy or the store see it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_DOC_DEPTH, TOO_DEEP_REASON } from '../../src/lib/domain/nesting.ts';
import { MAX_BODY_DEPTH } from './json-body.ts';
import type { Harness } from './test-harness.ts';
import { roundDoc, startServer } from './test-harness.ts';

let h: Harness;
beforeAll(async () => {
	h = await startServer();
});
afterAll(async () => {
	await h.close();
});

/** `levels` nested arrays around `inner`, as JSON text. */
const arrays = (levels: number, inner = ''): string => '['.repeat(levels) + inner + ']'.repeat(levels);

/** An object nested `levels` deep (itself level 1). */
function nested(levels: number): Record<string, unknown> {
	let v: Record<string, unknown> = {};
	for (let i = 1; i < levels; i++) v = { a: v };
	return v;
}

const json = { 'content-type': 'application/json' };

describe('JSON bodies nested too deep', () => {
	it('refuses 100,000 nested arrays with 400 on every JSON route, unparsed, and the server goes on', async () => {
		const chef = await h.signIn('chef');
		const hostile = arrays(100_000);
		// A document whose field holds the arrays, where a document is expected.
		const inDoc = `{"docs":[{"_id":"round:deep","type":"round","deep":${hostile}}]}`;
		const routes: { method: 'POST' | 'PUT'; url: string; body: string; cookie?: string }[] = [
			{ method: 'POST', url: '/db/_session', body: hostile },
			{ method: 'POST', url: '/db/unit-a1/_bulk_docs', body: inDoc, cookie: chef },
			{ method: 'POST', url: '/db/unit-a1/_all_docs', body: `{"keys":${hostile}}`, cookie: chef },
			{ method: 'PUT', url: '/db/user-chef/_local/deep', body: `{"a":${hostile}}`, cookie: chef },
			{ method: 'POST', url: '/api/me/password', body: hostile, cookie: chef },
			{ method: 'POST', url: '/api/rounds/sign', body: `{"signature":${hostile}}`, cookie: chef },
			{ method: 'PUT', url: '/api/admin/users/chef/memberships', body: hostile, cookie: await h.signIn('admin') },
		];
		const parse = vi.spyOn(JSON, 'parse');
		try {
			for (const r of routes) {
				const res = await h.call({ method: r.method, url: r.url, payload: r.body, headers: json, cookie: r.cookie });
				expect(res.statusCode, r.url).toBe(400);
				expect(res.json(), r.url).toEqual({ error: 'bad_request', reason: TOO_DEEP_REASON });
			}
			// Refused by reading brackets, never by parsing the whole text.
			const parsedHostile = parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 100_000);
			expect(parsedHostile).toEqual([]);
		} finally {
			parse.mockRestore();
		}
		expect((await h.call({ url: '/api/health' })).json()).toEqual({ ok: true });
		const after = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs',
			cookie: chef,
			payload: { keys: ['round:deep'] },
		});
		expect(after.json().rows).toEqual([{ key: 'round:deep', error: 'not_found' }]);
	});

	it('refuses a body one level past the limit and takes one at it', async () => {
		const chef = await h.signIn('chef');
		const at = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs',
			payload: `{"keys":["x"],"n":${arrays(MAX_BODY_DEPTH - 1)}}`,
			headers: json,
			cookie: chef,
		});
		expect(at.statusCode).toBe(200);
		const past = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs',
			payload: `{"keys":["x"],"n":${arrays(MAX_BODY_DEPTH)}}`,
			headers: json,
			cookie: chef,
		});
		expect(past.statusCode).toBe(400);
		expect(past.json()).toEqual({ error: 'bad_request', reason: TOO_DEEP_REASON });
	});
});

describe('documents nested too deep', () => {
	it('refuses one in _bulk_docs on its own, before the policy, and writes the others', async () => {
		const ok = roundDoc('a1');
		const deep = { ...roundDoc('a1'), extra: nested(MAX_DOC_DEPTH) }; // the document is one level more
		const foreign = { ...roundDoc('b1'), extra: nested(MAX_DOC_DEPTH) }; // forbidden, but refused for depth first
		const res = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_bulk_docs',
			cookie: await h.signIn('chef'),
			payload: { docs: [deep, ok, foreign] },
		});
		expect(res.json()).toEqual([
			{ id: deep._id, error: 'bad_request', reason: TOO_DEEP_REASON },
			{ id: ok._id, ok: true, rev: expect.any(String) },
			{ id: foreign._id, error: 'bad_request', reason: TOO_DEEP_REASON },
		]);
	});

	it('refuses a _local document past the limit with 400, and keeps the stored one', async () => {
		const cookie = await h.signIn('chef');
		const put = (body: object) => h.call({ method: 'PUT', url: '/db/user-chef/_local/cp', cookie, payload: body });
		const first = await put({ last_seq: '1', within: nested(MAX_DOC_DEPTH - 1) });
		expect(first.statusCode).toBe(201);
		const res = await put({ last_seq: '2', _rev: first.json().rev, deep: nested(MAX_DOC_DEPTH) });
		expect(res.statusCode).toBe(400);
		expect(res.json()).toEqual({ error: 'bad_request', reason: TOO_DEEP_REASON });
		const kept = await h.call({ url: '/db/user-chef/_local/cp', cookie });
		expect(kept.json()).toMatchObject({ last_seq: '1' });
	});
});
