/**
 * What only the CouchDB adapter has: credentials out of the URL (and out of every error),
 * the startup check, and the one shared longpoll watch per scope that wakes waiters when
 * another sync server writes. Runs against the reference CouchDB-compatible server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceCouch, type ReferenceCouch } from '../support/reference-couch.ts';
import { AppError, STORE_REFUSED_REASON } from '../../src/lib/domain/index.ts';
import { CouchStore, parseCouchUrl } from '../../sync-server/src/store/couch-store.ts';
import { StoreOpenError } from '../../sync-server/src/store/doc-store.ts';

const account = { username: 'trygg-svc', password: 's3cret:p@ss' };
let dir: string;
let ref: ReferenceCouch;
let url: string;

function withCredentials(base: string, user: string, pass: string): string {
	return base.replace('://', `://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@`);
}

/** A port nobody listens on. */
async function deadPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return typeof address === 'object' && address ? address.port : 1;
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-couch-'));
	ref = await startReferenceCouch({ dir, auth: account });
	url = withCredentials(ref.url, account.username, account.password);
});
afterAll(async () => {
	await ref.close();
	await rm(dir, { recursive: true, force: true });
});

describe('parseCouchUrl', () => {
	it('takes the credentials out of the URL into a Basic header', () => {
		const e = parseCouchUrl('https://svc:p%40ss@couch.example:6984/base/');
		expect(e.base).toBe('https://couch.example:6984/base');
		expect(e.shown).not.toContain('svc');
		expect(e.authorization).toBe(`Basic ${Buffer.from('svc:p@ss').toString('base64')}`);
		expect(() => parseCouchUrl('ftp://x')).toThrow(StoreOpenError);
	});
});

describe('CouchStore and the service account', () => {
	it('sends the account as Basic auth and works', async () => {
		const store = new CouchStore({ url, prefix: 'auth_ok_' });
		await store.connect();
		await store.bulkDocs('org', [{ _id: 'unit:x', type: 'unit' }]);
		expect((await store.info('org')).doc_count).toBe(1);
		await store.close();
	});

	it('refuses to start with wrong credentials, in a line without them', async () => {
		const store = new CouchStore({ url: withCredentials(ref.url, 'trygg-svc', 'wrong-password') });
		const err = await store.connect().then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(err).toBeInstanceOf(StoreOpenError);
		expect((err as Error).message).toMatch(/refused the service account \(HTTP 401\)/);
		expect((err as Error).message).not.toMatch(/wrong-password|trygg-svc/);
	});

	it('refuses to start when CouchDB cannot be reached', async () => {
		const port = await deadPort();
		const store = new CouchStore({ url: `http://svc:pw@127.0.0.1:${port}` });
		await expect(store.connect()).rejects.toThrow(`CouchDB at http://127.0.0.1:${port} cannot be reached.`);
	});

	it('answers errors of ours that name no URL or account when CouchDB goes away', async () => {
		const port = await deadPort();
		const store = new CouchStore({ url: `http://svc:topsecret@127.0.0.1:${port}`, requestTimeoutMs: 2000 });
		const err = await store.bulkDocs('org', [{ _id: 'a' }]).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(err).toBeInstanceOf(AppError);
		expect(err).toMatchObject({ code: 'network', status: 503 });
		expect(JSON.stringify((err as AppError).toBody())).not.toMatch(/127\.0\.0\.1|topsecret|svc/);
		const refused = new CouchStore({ url: withCredentials(ref.url, 'x', 'y') });
		await expect(refused.info('org')).rejects.toMatchObject({ code: 'server', status: 500 });
	});
});

describe('CouchStore and documents CouchDB refuses', () => {
	type Doc = { _id: string; [k: string]: unknown };
	/** CouchDB in front of the reference server, refusing as CouchDB 3.5 does. */
	function refusing(refuse: (docs: Doc[]) => Response | undefined): typeof fetch {
		return async (input, init) => {
			if (String(input).endsWith('/_bulk_docs') && typeof init?.body === 'string') {
				const answer = refuse((JSON.parse(init.body) as { docs: Doc[] }).docs);
				if (answer) return answer;
			}
			return fetch(input, init);
		};
	}
	const json = (status: number, body: unknown): Response =>
		new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

	it('splits a request refused whole, so only the document over the size limit is answered, too_large', async () => {
		let requests = 0;
		const store = new CouchStore({
			url,
			prefix: 'size_',
			fetch: refusing((docs) => {
				requests++;
				const big = docs.find((d) => d.big === true);
				return big ? json(413, { error: 'document_too_large', reason: big._id }) : undefined;
			}),
		});
		const docs: Doc[] = Array.from({ length: 8 }, (_, i) => ({ _id: `round:s${i}`, type: 'round', big: i === 5 }));
		const results = await store.bulkDocs('unit-s', docs);
		expect(results.map((r) => ('rev' in r ? 'ok' : r.error))).toEqual([
			'ok',
			'ok',
			'ok',
			'ok',
			'ok',
			'too_large',
			'ok',
			'ok',
		]);
		expect(results[5]).toEqual({
			id: 'round:s5',
			error: 'too_large',
			reason: `${STORE_REFUSED_REASON}: round:s5`,
		});
		expect(requests).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(docs.length)) + 1);
		const rows = await store.allDocs('unit-s', ['round:s4', 'round:s5', 'round:s6']);
		expect(rows.map((r) => ('value' in r ? 'stored' : r.error))).toEqual(['stored', 'not_found', 'stored']);
		await store.close();
	});

	it('answers a refusal of a validate_doc_update as forbidden with its reason, and writes the rest', async () => {
		const store = new CouchStore({
			url,
			prefix: 'vdu_',
			fetch: async (input, init) => {
				if (!String(input).endsWith('/_bulk_docs') || typeof init?.body !== 'string') return fetch(input, init);
				const docs = (JSON.parse(init.body) as { docs: Doc[] }).docs;
				const res = await fetch(input, { ...init, body: JSON.stringify({ docs: docs.filter((d) => !d.refuse) }) });
				if (res.status !== 201) return res; // no database yet: the store creates it and sends again
				const rows = (await res.json()) as unknown[];
				return json(
					201,
					docs.map((d) =>
						d.refuse ? { id: d._id, error: 'forbidden', reason: 'only the admin writes here' } : rows.shift(),
					),
				);
			},
		});
		const results = await store.bulkDocs('unit-v', [
			{ _id: 'round:v1', type: 'round' },
			{ _id: 'round:v2', type: 'round', refuse: true },
		]);
		expect(results[0]).toMatchObject({ id: 'round:v1', rev: expect.stringMatching(/^1-/) });
		expect(results[1]).toEqual({
			id: 'round:v2',
			error: 'forbidden',
			reason: `${STORE_REFUSED_REASON}: only the admin writes here`,
		});
		await store.close();
	});

	it('fails the whole request when CouchDB cannot write for now, so the device sends it again', async () => {
		const store = new CouchStore({
			url,
			prefix: 'full_',
			fetch: refusing((docs) =>
				json(
					201,
					docs.map((d) => ({ id: d._id, error: 'insufficient_storage', reason: 'database_dir is too full' })),
				),
			),
		});
		await expect(store.bulkDocs('unit-f', [{ _id: 'round:f1', type: 'round' }])).rejects.toMatchObject({
			code: 'server',
			status: 500,
		});
		await store.close();
	});
});

describe('CouchStore watch', () => {
	it('serves 5,000 waiters on one scope with one longpoll, woken by a write through another server', async () => {
		let longpolls = 0;
		let maxLongpolls = 0;
		const counting: typeof fetch = async (input, init) => {
			const longpoll = String(input).includes('feed=longpoll');
			if (longpoll) maxLongpolls = Math.max(maxLongpolls, ++longpolls);
			try {
				return await fetch(input, init);
			} finally {
				if (longpoll) longpolls--;
			}
		};
		const a = new CouchStore({ url, prefix: 'watch_', fetch: counting, watchGraceMs: 10 });
		const b = new CouchStore({ url, prefix: 'watch_' });
		await b.bulkDocs('unit-w', [{ _id: 'round:0', type: 'round' }]);
		const { last_seq } = await a.changes('unit-w', {});
		const stop = new AbortController();
		const waits = Array.from({ length: 5000 }, () => a.waitForChange('unit-w', stop.signal, last_seq));
		expect(a.waiting('unit-w')).toBe(5000);
		expect(a.watchCount).toBe(1);
		await b.bulkDocs('unit-w', [{ _id: 'round:1', type: 'round' }]); // the other sync server
		await Promise.all(waits);
		expect(a.waiting('unit-w')).toBe(0);
		expect(maxLongpolls).toBe(1);
		await a.close();
		await b.close();
		expect(a.watchCount).toBe(0);
	});

	it('wakes a waiter on a scope whose database a later write creates', async () => {
		const a = new CouchStore({ url, prefix: 'late_', watchGraceMs: 10 });
		const b = new CouchStore({ url, prefix: 'late_' });
		const stop = new AbortController();
		const waiting = a.waitForChange('unit-new', stop.signal);
		await b.bulkDocs('unit-new', [{ _id: 'round:1', type: 'round' }]);
		await waiting;
		await a.close();
		await b.close();
	});
});
