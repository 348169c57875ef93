/**
 * The blind-signature keys (RFC 9474, RSABSSA-SHA384-PSS-Randomized, 2048-bit): one pair per
 * campaign and reporting group, made on first need, kept in the server-only `anon-keys` (the
 * private key as PKCS #8) and cached in memory. A valid token therefore proves membership of a
 * group and names no one (decision 0030). Key material is never logged.
 */
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import { AppError } from '../../../src/lib/domain/index.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';
import { ANON_DB } from './databases.ts';

/** The suite both ends use. */
export const SUITE = RSABSSA.SHA384.PSS.Randomized();
const ALGORITHM = { name: 'RSA-PSS', hash: 'SHA-384' } as const;

export type GroupKey = {
	/** SPKI, base64url: what `GET /api/campaigns/:id/key` serves. */
	publicKey: string;
	public: CryptoKey;
	private: CryptoKey;
};

export const toB64url = (bytes: Uint8Array | ArrayBuffer): string =>
	Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString('base64url');
export const fromB64url = (text: string): Uint8Array<ArrayBuffer> => {
	const bytes = Buffer.from(text, 'base64url');
	// A copy on its own ArrayBuffer: WebCrypto takes no view of Node's shared pool.
	return new Uint8Array(bytes).slice();
};

const keyDocId = (campaignId: string, group: string): string => `key~${campaignId}~${group}`;

async function fromDoc(doc: StoredDoc): Promise<GroupKey> {
	const publicKey = String(doc.publicKey);
	return {
		publicKey,
		public: await crypto.subtle.importKey('spki', fromB64url(publicKey), ALGORITHM, true, ['verify']),
		private: await crypto.subtle.importKey('pkcs8', fromB64url(String(doc.privateKey)), ALGORITHM, true, ['sign']),
	};
}

export class GroupKeys {
	readonly #store: DocStore;
	readonly #cache = new Map<string, GroupKey>();

	constructor(store: DocStore) {
		this.#store = store;
	}

	/** The key of (campaign, group) if it was ever made (never makes one). */
	async peek(campaignId: string, group: string): Promise<GroupKey | undefined> {
		const id = keyDocId(campaignId, group);
		const cached = this.#cache.get(id);
		if (cached) return cached;
		const [row] = await this.#store.allDocs(ANON_DB.keys, [id], { includeDocs: true });
		if (!row || !('doc' in row) || !row.doc || row.value.deleted) return undefined;
		const key = await fromDoc(row.doc);
		this.#cache.set(id, key);
		return key;
	}

	/** The key of (campaign, group), made and stored now if there is none. The caller serialises per campaign. */
	async get(campaignId: string, group: string): Promise<GroupKey> {
		const known = await this.peek(campaignId, group);
		if (known) return known;
		const pair = await SUITE.generateKey({ modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) });
		const doc = {
			_id: keyDocId(campaignId, group),
			campaignId,
			group,
			publicKey: toB64url(await crypto.subtle.exportKey('spki', pair.publicKey)),
			privateKey: toB64url(await crypto.subtle.exportKey('pkcs8', pair.privateKey)),
		};
		const [result] = await this.#store.bulkDocs(ANON_DB.keys, [doc]);
		if (result && 'error' in result) {
			// Another server made it first: its key is the group's.
			const theirs = await this.peek(campaignId, group);
			if (theirs) return theirs;
			throw new AppError('server', 'the campaign key could not be stored');
		}
		const key = await fromDoc(doc);
		this.#cache.set(doc._id, key);
		return key;
	}
}
