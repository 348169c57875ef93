/**
 * A change the server refuses for a quota stays in the sync queue, refused, with the quota's
 * translated message; what the server stored is unchanged (in-process server with small quotas).
 */
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../sync-server/src/app.ts';
import { TryggDb } from '../db/app-db.ts';
import { saveDoc } from '../db/docs-repo.ts';
import { newId, type RoundDoc } from '../domain/index.ts';
import { PERSON_DOCS_QUOTA_REASON } from '../domain/quotas.ts';
import type { FetchLike } from '../sync/http.ts';
import { Replicator } from '../sync/replicator.ts';
import { SyncQueueView } from './sync-queue.svelte.ts';

const NOW = '2026-11-23T09:00:00.000Z';
let dir: string;
let app: FastifyInstance;
let base: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'trygg-queue-'));
	app = await buildApp({
		dataDir: dir,
		sessionSecret: 'test-secret-test-secret-test-secret',
		seedDemo: true,
		quotas: { docsPerPersonDay: 1 },
		now: () => new Date(NOW),
	});
	await app.listen({ port: 0, host: '127.0.0.1' });
	const address = app.server.address();
	base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
});
afterEach(async () => {
	await app.close();
	await rm(dir, { recursive: true, force: true });
});

async function signedIn(name: string): Promise<FetchLike> {
	const res = await fetch(`${base}/db/_session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: 'trygg-demo' }),
	});
	const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
	return (url: string, init?: RequestInit) => {
		const headers = new Headers(init?.headers);
		headers.set('cookie', cookie);
		return fetch(base + url, { ...init, headers });
	};
}

function round(date: string): RoundDoc {
	const now = NOW;
	return {
		_id: newId('round'),
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date,
		status: 'planned',
		participants: [],
		createdBy: 'chef',
		createdAt: now,
		updatedAt: now,
	};
}

describe('the sync queue and quotas', () => {
	it('keeps a change refused for a quota, with its message, and sends it no more on its own', async () => {
		const db = new TryggDb(`quota-${Math.random()}`);
		const fetchFn = await signedIn('chef');
		const first = round('2027-01-10');
		const second = round('2027-01-11');
		await saveDoc(db, first, new Date(NOW));
		await saveDoc(db, second, new Date(NOW));
		const replicator = new Replicator({ db, fetch: fetchFn, scopes: () => [] });
		await replicator.push();
		await replicator.push();

		const entries = await db.outbox.toArray();
		expect(entries.map((e) => e.docId)).toEqual([second._id]);
		expect(entries[0]).toMatchObject({
			state: 'refused',
			error: { code: 'forbidden', reason: PERSON_DOCS_QUOTA_REASON },
		});
		const view = new SyncQueueView(
			db,
			() => entries,
			() => null,
		);
		expect(view.items).toMatchObject([
			{
				docId: second._id,
				state: 'refused',
				reason:
					'Du har skapat så många dokument här i dag som en person får. Ändringen finns kvar på den här enheten: skicka den igen i morgon.',
			},
		]);
		// The device still has it as the person left it; the server has only the first.
		expect(await db.docs.get(second._id)).toMatchObject({ date: '2027-01-11' });
		const stored = await (
			await fetchFn('/db/unit-a1/_all_docs', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ keys: [first._id, second._id] }),
			})
		).json();
		expect(stored.rows).toMatchObject([{ id: first._id }, { key: second._id, error: 'not_found' }]);
		db.close();
	});
});
