/**
 * Test support for the anonymous road: what a phone does (decision 0030) — fetch the group key,
 * blind a random message, ask for the blind signature, unblind, and send the response without a
 * cookie. Used only by `*.spec.ts`; it must never be imported by server code.
 */
import type { AnonResponse, CampaignDoc, CampaignKey, SurveyAnswers } from '../../../src/lib/domain/index.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';
import type { Harness } from '../test-harness.ts';
import { TEST_SERVER_TIME } from '../test-harness.ts';
import type { RandomSource } from './responses.ts';
import { SUITE, fromB64url, toB64url } from './keys.ts';

export type Token = { group: string; msg: string; sig: string; blindedMsg: string };

/** Import an SPKI public key as served by `GET /api/campaigns/:id/key`. */
export function importPublic(spki: string): Promise<CryptoKey> {
	return crypto.subtle.importKey('spki', fromB64url(spki), { name: 'RSA-PSS', hash: 'SHA-384' }, true, ['verify']);
}

/** Take a token for `campaignKey` as the person signed in with `cookie`. */
export async function takeToken(
	h: Harness,
	cookie: string,
	campaignKey: string,
	phone: { remoteAddress?: string; headers?: Record<string, string> } = {},
): Promise<Token> {
	const keyRes = await h.call({ method: 'GET', url: `/api/campaigns/${campaignKey}/key`, cookie, ...phone });
	if (keyRes.statusCode !== 200) throw new Error(`key: ${keyRes.statusCode} ${keyRes.body}`);
	const key = keyRes.json<CampaignKey>();
	const publicKey = await importPublic(key.publicKey);
	const prepared = SUITE.prepare(crypto.getRandomValues(new Uint8Array(32)));
	const { blindedMsg, inv } = await SUITE.blind(publicKey, prepared);
	const blinded = toB64url(blindedMsg);
	const tokenRes = await h.call({
		method: 'POST',
		url: `/api/campaigns/${campaignKey}/token`,
		cookie,
		payload: { blindedMsg: blinded },
		...phone,
	});
	if (tokenRes.statusCode !== 200) throw new Error(`token: ${tokenRes.statusCode} ${tokenRes.body}`);
	const sig = await SUITE.finalize(
		publicKey,
		prepared,
		fromB64url(tokenRes.json<{ blindSig: string }>().blindSig),
		inv,
	);
	return { group: key.group, msg: toB64url(prepared), sig: toB64url(sig), blindedMsg: blinded };
}

/** Send a response on the anonymous road: no cookie, nothing but the body. */
export function sendResponse(h: Harness, campaignKey: string, token: Token, answers: SurveyAnswers) {
	const payload: AnonResponse = { group: token.group, token: { msg: token.msg, sig: token.sig }, answers };
	return h.call({ method: 'POST', url: `/anon/campaigns/${campaignKey}/responses`, payload });
}

/** A valid HME answer set (every statement 1–5), varied by `seed`. */
export function hmeAnswers(seed: number): SurveyAnswers {
	const ids = ['meaningful', 'learning', 'looking-forward', 'appreciation', 'trust', 'responsibility'];
	return Object.fromEntries(ids.map((id, i) => [id, ((seed + i) % 5) + 1]));
}

/** A store wrapper that records every write (documents and `_local`) and lets the test read anything. */
export class ObservedStore implements DocStore {
	readonly inner: DocStore;
	/** Every `_bulk_docs` write, in order: the database and the documents as sent. */
	readonly writes: { db: string; docs: StoredDoc[] }[] = [];
	/** Every `_local` write, in order, old versions included (an attacker may find them on disk). */
	readonly localWrites: { db: string; id: string; doc: Record<string, unknown> }[] = [];

	constructor(inner: DocStore) {
		this.inner = inner;
	}

	info(scope: string) {
		return this.inner.info(scope);
	}
	changes(scope: string, opts: { since?: string; limit?: number; includeDocs?: boolean }) {
		return this.inner.changes(scope, opts);
	}
	async bulkDocs(scope: string, docs: StoredDoc[]) {
		this.writes.push({ db: scope, docs: structuredClone(docs) });
		return this.inner.bulkDocs(scope, docs);
	}
	allDocs(scope: string, keys: string[], opts?: { includeDocs?: boolean }) {
		return this.inner.allDocs(scope, keys, opts);
	}
	getLocal(scope: string, id: string) {
		return this.inner.getLocal(scope, id);
	}
	async putLocal(scope: string, id: string, doc: Record<string, unknown>) {
		this.localWrites.push({ db: scope, id, doc: structuredClone(doc) });
		return this.inner.putLocal(scope, id, doc);
	}
	waitForChange(scope: string, signal: AbortSignal, since?: string) {
		return this.inner.waitForChange(scope, signal, since);
	}
	close() {
		return this.inner.close();
	}

	/** Every live document of a database. */
	async all(db: string): Promise<StoredDoc[]> {
		const { results } = await this.inner.changes(db, { includeDocs: true });
		return results.flatMap((r) => (r.doc && !r.deleted ? [r.doc] : []));
	}
}

/** A copy of `items` in random order (Fisher–Yates over `random`). */
export function shuffle<T>(items: readonly T[], random: RandomSource): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = random.int(i + 1);
		[out[i], out[j]] = [out[j] as T, out[i] as T];
	}
	return out;
}

/** A seeded random source (mulberry32), so ids and orders are the same on every run. */
export function seededRandom(seed: number): RandomSource {
	let a = seed >>> 0;
	const next = (): number => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
	return {
		int: (below) => Math.floor(next() * below),
		uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(next() * 4)]}${hex(3)}-${hex(12)}`,
	};
}

/** A campaign document as HR writes it, with overrides. */
export function campaignDoc(overrides: Partial<CampaignDoc> = {}): CampaignDoc {
	const at = new Date(TEST_SERVER_TIME).toISOString();
	return {
		_id: `campaign:t-${Math.random().toString(36).slice(2, 10)}`,
		type: 'campaign',
		scope: 'org',
		surveyId: 'survey:hme.v1',
		targetUnitId: 'forv',
		opensOn: '2026-11-20',
		closesOn: '2026-12-20',
		k: 5,
		supportContact: '',
		cancelled: false,
		createdBy: 'hr',
		createdAt: at,
		updatedAt: at,
		...overrides,
	};
}

/** Write a campaign as HR; throws unless it is stored. */
export async function writeCampaign(h: Harness, doc: CampaignDoc): Promise<CampaignDoc> {
	const res = await h.call({
		method: 'POST',
		url: '/db/org/_bulk_docs',
		cookie: await h.signIn('hr'),
		payload: { docs: [doc] },
	});
	const [row] = res.json<{ ok?: boolean; rev?: string; reason?: string }[]>();
	if (!row?.ok) throw new Error(`campaign refused: ${row?.reason ?? res.body}`);
	return { ...doc, _rev: row.rev as string };
}
