/**
 * A device pushing, through a sync server on CouchDB (reference server, or COUCHDB_URL), a
 * change that Trygg's rules take but CouchDB will not store: a name holding half of an emoji
 * (a lone UTF-16 surrogate, which is no UTF-8). That change alone is refused, with CouchDB's
 * own reason after ours, and the sync queue shows it translated; it stays on the device as it
 * was; the rest of the push is stored.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../sync-server/src/app.ts';
import { STORE_REFUSED_REASON, newId, type RoundDoc } from '../../src/lib/domain/index.ts';
import { TryggDb } from '../../src/lib/db/app-db.ts';
import { saveDocs } from '../../src/lib/db/docs-repo.ts';
import { Replicator } from '../../src/lib/sync/replicator.ts';
import type { FetchLike } from '../../src/lib/sync/http.ts';
import { messageForRefused } from '../../src/lib/state/errors.ts';
import { i18n } from '../../src/lib/i18n/i18n.svelte.ts';
import { startCouchTarget, type CouchTarget } from './couch-target.ts';

const NOW = new Date('2026-11-23T09:00:00Z');
let target: CouchTarget;
let dir: string;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
	target = await startCouchTarget();
	dir = await mkdtemp(join(tmpdir(), 'trygg-device-couch-'));
	app = await buildApp({
		dataDir: dir,
		sessionSecret: 'test-secret-test-secret-test-secret',
		seedDemo: true,
		now: () => NOW,
		storage: { kind: 'couchdb', url: target.url, prefix: target.prefix },
	});
	await app.listen({ port: 0, host: '127.0.0.1' });
	const address = app.server.address();
	base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
});
afterAll(async () => {
	await app?.close();
	await target.close();
	await rm(dir, { recursive: true, force: true });
});

async function signedFetch(name: string): Promise<FetchLike> {
	const res = await fetch(`${base}/db/_session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, password: 'trygg-demo' }),
	});
	const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
	return (url, init) => fetch(url, { ...init, headers: { ...(init?.headers ?? {}), cookie } });
}

function round(name: string): RoundDoc {
	return {
		_id: newId('round'),
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: '2026-11-23',
		status: 'planned',
		participants: [{ name, role: 'other' }],
		createdBy: 'chef',
		createdAt: NOW.toISOString(),
		updatedAt: NOW.toISOString(),
	};
}

describe('a change CouchDB refuses', () => {
	it('is refused alone with its reason, shown translated, and kept on the device unchanged', async () => {
		const fetchAs = await signedFetch('chef');
		const db = new TryggDb(`device-couch-${Math.random()}`);
		const replicator = new Replicator({ db, fetch: fetchAs, baseUrl: base, scopes: () => ['unit-a1'], now: () => NOW });
		const before = round('Kim');
		const broken = round('Anna \ud83d');
		const after = round('Lo');
		await saveDocs(db, [{ doc: before }, { doc: broken }, { doc: after }], NOW);

		await replicator.push();

		const refused = await db.outbox.get(broken._id);
		expect(refused).toMatchObject({ state: 'refused', error: { code: 'invalid' } });
		expect(refused?.error?.reason).toBe(`${STORE_REFUSED_REASON}: invalid UTF-8 JSON`);
		const kept = [{ name: 'Anna \ud83d', role: 'other' }];
		expect((refused?.doc as RoundDoc | undefined)?.participants).toEqual(kept);
		expect(((await db.docs.get(broken._id)) as RoundDoc | undefined)?.participants).toEqual(kept);
		expect(messageForRefused(refused!.error!)).toBe(
			'Serverns databas tog inte emot ändringen, fast den följer reglerna. Ändringen finns kvar här. Kontakta den som förvaltar Trygg.',
		);
		await i18n.set('en');
		try {
			expect(messageForRefused(refused!.error!)).toBe(
				"The server's database did not take this change, although it follows the rules. The change stays here. Contact whoever runs Trygg.",
			);
		} finally {
			await i18n.set('sv');
		}

		expect(await db.outbox.get(before._id)).toBeUndefined();
		expect(await db.outbox.get(after._id)).toBeUndefined();
		const stored = await fetchAs(`${base}/db/unit-a1/_all_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ keys: [before._id, broken._id, after._id] }),
		});
		const rows = ((await stored.json()) as { rows: { key: string; error?: string }[] }).rows;
		expect(rows.map((r) => r.error ?? 'stored')).toEqual(['stored', 'not_found', 'stored']);
		db.close();
	});
});
