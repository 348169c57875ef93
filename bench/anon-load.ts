/**
 * Benchmark (issue 13, item 7): the anonymous road under a whole organisation's load. P people
 * (50,000 by default) in 200 units take one blind-signed token each (`POST /api/campaigns/:id/token`,
 * signed in), then 100 concurrent senders post P responses plus P/10 double spends to
 * `/anon/campaigns/:id/responses` with no cookie. Every valid response must be stored exactly once
 * and every double spend refused. The reference, in the same run on the same server, is the plain
 * write path: the same number of single-document `POST /db/unit-<id>/_bulk_docs` from 100 concurrent
 * managers. Reports requests per second of each phase, their ratio to the reference, and the
 * server's peak resident memory.
 *
 * The accounts are written into the data folder before the server starts (one shared password
 * hash) and their session cookies minted with a known `SESSION_SECRET`, because 50,000 password
 * checks would measure scrypt, not the anonymous road. The client's blinding is done here with
 * BigInt and EMSA-PSS by hand, with blinding factors chained from one random factor (r, r², …):
 * the server cannot tell and does exactly the work a phone's token costs it; the first tokens are
 * checked against the public key as RSASSA-PSS (RFC 9474's signature).
 * Run: `npm run bench:anon-load [-- --people 50000 --senders 100]`.
 */
import { createHash, createPublicKey, randomBytes, randomUUID, verify, constants } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeSession, newSession } from '../sync-server/src/auth/session.ts';
import { hashPassword } from '../sync-server/src/auth/passwords.ts';
import { openPouch } from '../sync-server/src/store/pouch-store.ts';
import { arg, json, request, sampleMemory, startTrygg } from './lib.ts';

const PEOPLE = arg('people', 50_000);
const SENDERS = arg('senders', 100);
const UNITS = 200;
const DOUBLES = Math.round(PEOPLE / 10);
const SECRET = randomBytes(32).toString('base64url');

const unitId = (u: number): string => `bench-${String(u).padStart(3, '0')}`;
const personName = (i: number): string => `bench-p${String(i).padStart(6, '0')}`;

// ——— RFC 9474 client side, by hand (RSABSSA-SHA384-PSS-Randomized) ———

// Plain Uint8Arrays: @types/node's Buffer does not fit TypeScript 6's Uint8Array<ArrayBuffer> parameters.
const sha384 = (...parts: Uint8Array[]): Uint8Array => {
	const h = createHash('sha384');
	for (const p of parts) h.update(p);
	return new Uint8Array(h.digest());
};
const concat = (...parts: Uint8Array[]): Uint8Array => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
};
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

function mgf1(seed: Uint8Array, length: number): Uint8Array {
	const parts: Uint8Array[] = [];
	for (let c = 0; parts.length * 48 < length; c++) {
		const counter = new Uint8Array(4);
		new DataView(counter.buffer).setUint32(0, c);
		parts.push(sha384(seed, counter));
	}
	return concat(...parts).subarray(0, length);
}

/** EMSA-PSS-ENCODE (RFC 8017 9.1.1), SHA-384, 48-byte salt. */
function emsaPss(message: Uint8Array, emBits: number): Uint8Array {
	const emLen = Math.ceil(emBits / 8);
	const mHash = sha384(message);
	const salt = random(48);
	const h = sha384(new Uint8Array(8), mHash, salt);
	const db = concat(new Uint8Array(emLen - 48 - 48 - 2), Uint8Array.of(1), salt);
	const mask = mgf1(h, emLen - 48 - 1);
	for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (mask[i] as number);
	db[0] = (db[0] as number) & (0xff >> (8 * emLen - emBits));
	return concat(db, h, Uint8Array.of(0xbc));
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const fromB64url = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));
const toBig = (b: Uint8Array): bigint => BigInt(`0x${hex(b) || '0'}`);
const toBytes = (x: bigint, len: number): Uint8Array =>
	new Uint8Array(Buffer.from(x.toString(16).padStart(len * 2, '0'), 'hex'));

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
	let result = 1n;
	let b = base % mod;
	for (let e = exp; e > 0n; e >>= 1n) {
		if (e & 1n) result = (result * b) % mod;
		b = (b * b) % mod;
	}
	return result;
}

function modInverse(a: bigint, m: bigint): bigint {
	let [oldR, r] = [a % m, m];
	let [oldS, s] = [1n, 0n];
	while (r !== 0n) {
		const q = oldR / r;
		[oldR, r] = [r, oldR - q * r];
		[oldS, s] = [s, oldS - q * s];
	}
	if (oldR !== 1n) throw new Error('not invertible');
	return ((oldS % m) + m) % m;
}

/** One group's public key and a chain of blinding factors. */
class Blinder {
	readonly n: bigint;
	readonly e: bigint;
	readonly len: number;
	readonly spki: Uint8Array;
	#r: bigint;
	#re: bigint;
	#inv: bigint;
	readonly #r0: bigint;
	readonly #re0: bigint;
	readonly #inv0: bigint;

	constructor(publicKey: string) {
		this.spki = fromB64url(publicKey);
		const jwk = createPublicKey({ key: this.spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
		this.n = toBig(fromB64url(jwk.n as string));
		this.e = toBig(fromB64url(jwk.e as string));
		this.len = fromB64url(jwk.n as string).length;
		this.#r0 = toBig(random(this.len - 1));
		this.#re0 = modPow(this.#r0, this.e, this.n);
		this.#inv0 = modInverse(this.#r0, this.n);
		[this.#r, this.#re, this.#inv] = [this.#r0, this.#re0, this.#inv0];
	}

	/** A prepared message (32 random bytes before 32 of message), blinded; and how to unblind. */
	blind(): { prepared: Uint8Array; blindedMsg: string; inv: bigint } {
		const prepared = random(64);
		const m = toBig(emsaPss(prepared, this.len * 8 - 1));
		const x = (m * this.#re) % this.n;
		const inv = this.#inv;
		this.#r = (this.#r * this.#r0) % this.n;
		this.#re = (this.#re * this.#re0) % this.n;
		this.#inv = (this.#inv * this.#inv0) % this.n;
		return { prepared, blindedMsg: b64url(toBytes(x, this.len)), inv };
	}

	finalize(blindSig: string, inv: bigint): Uint8Array {
		return toBytes((toBig(fromB64url(blindSig)) * inv) % this.n, this.len);
	}

	valid(prepared: Uint8Array, sig: Uint8Array): boolean {
		return verify(
			'sha384',
			prepared,
			{ key: this.spki, format: 'der', type: 'spki', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 },
			sig,
		);
	}
}

// ——— Setup ———

async function seedAccounts(dir: string): Promise<void> {
	const db = await openPouch(path.join(dir, 'auth'));
	const passwordHash = await hashPassword('bench-password-never-used');
	const docs: Record<string, unknown>[] = [];
	for (let i = 0; i < PEOPLE; i++) {
		docs.push({
			_id: `user:${personName(i)}`,
			name: personName(i),
			displayName: `Bänk Person ${i}`,
			roles: ['staff'],
			memberships: [{ unitId: unitId(i % UNITS), role: 'staff' }],
			passwordHash,
		});
	}
	for (let u = 0; u < SENDERS; u++) {
		docs.push({
			_id: `user:bench-chef${u}`,
			name: `bench-chef${u}`,
			displayName: `Bänk Chef ${u}`,
			roles: ['manager'],
			memberships: [{ unitId: unitId(u % UNITS), role: 'manager' }],
			passwordHash,
		});
	}
	for (let i = 0; i < docs.length; i += 5000) await db.bulkDocs(docs.slice(i, i + 5000));
	await db.close();
}

function cookieFor(name: string): string {
	return `AuthSession=${encodeSession(SECRET, newSession(name, 0, new Date()))}`;
}

async function pool<T>(
	items: readonly T[],
	workers: number,
	work: (item: T, index: number) => Promise<void>,
): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: workers }, async () => {
			while (next < items.length) {
				const i = next++;
				await work(items[i] as T, i);
			}
		}),
	);
}

const today = (): string => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
const inDays = (n: number): string =>
	new Date(Date.now() + n * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });

async function main(): Promise<void> {
	const dir = await mkdtemp(path.join(tmpdir(), 'trygg-anon-bench-'));
	await writeFile(path.join(dir, 'session-secret'), SECRET, { mode: 0o600 });
	// A first start seeds the demo organisation (only into an empty folder), then the accounts go in.
	const first = await startTrygg({ dir, env: { SESSION_SECRET: SECRET } });
	const exited = new Promise((r) => first.proc.once('exit', r));
	first.proc.kill('SIGTERM');
	await exited;
	console.log(`writing ${PEOPLE} accounts in ${UNITS} units…`);
	await seedAccounts(dir);
	const trygg = await startTrygg({ dir, env: { SESSION_SECRET: SECRET } });
	try {
		const hr = cookieFor('hr');
		const now = new Date().toISOString();
		const units = Array.from({ length: UNITS }, (_, u) => ({
			_id: `unit:${unitId(u)}`,
			type: 'unit',
			scope: 'org',
			name: `Bänkenhet ${u}`,
			parentId: u % 2 ? 'avd-a' : 'avd-b',
			level: 'unit',
			createdAt: now,
			updatedAt: now,
		}));
		const campaignId = `campaign:${randomUUID()}`;
		const campaign = {
			_id: campaignId,
			type: 'campaign',
			scope: 'org',
			surveyId: 'survey:hme.v1',
			targetUnitId: 'demo',
			opensOn: today(),
			// Open past midnight: a run that crosses into the next Swedish day must not see it close.
			closesOn: inDays(7),
			k: 5,
			supportContact: '',
			cancelled: false,
			createdBy: 'hr',
			createdAt: now,
			updatedAt: now,
		};
		for (const batch of [units, [campaign]]) {
			const results = await json<{ error?: string; reason?: string }[]>(`${trygg.base}/db/org/_bulk_docs`, {
				method: 'POST',
				cookie: hr,
				body: JSON.stringify({ docs: batch }),
			});
			const refused = results.find((r) => r.error);
			if (refused) throw new Error(`org refused a document: ${JSON.stringify(refused)}`);
		}

		// Tokens: one per person, 100 at a time, signed in.
		const blinders = new Map<string, Blinder>();
		const tokens: { group: string; msg: string; sig: string }[] = new Array(PEOPLE);
		let checked = 0;
		const memTokens = sampleMemory(trygg.proc);
		let t0 = performance.now();
		await pool(
			Array.from({ length: PEOPLE }, (_, i) => i),
			SENDERS,
			async (i) => {
				const cookie = cookieFor(personName(i));
				const key = await json<{ group: string; publicKey: string }>(
					`${trygg.base}/api/campaigns/${encodeURIComponent(campaignId)}/key`,
					{ cookie },
				);
				let blinder = blinders.get(key.group);
				if (!blinder) blinders.set(key.group, (blinder = new Blinder(key.publicKey)));
				const { prepared, blindedMsg, inv } = blinder.blind();
				const { blindSig } = await json<{ blindSig: string }>(
					`${trygg.base}/api/campaigns/${encodeURIComponent(campaignId)}/token`,
					{
						method: 'POST',
						cookie,
						body: JSON.stringify({ blindedMsg }),
					},
				);
				const sig = blinder.finalize(blindSig, inv);
				if (checked < 20) {
					checked++;
					if (!blinder.valid(prepared, sig)) throw new Error('a finalized token does not verify');
				}
				tokens[i] = { group: key.group, msg: b64url(prepared), sig: b64url(sig) };
			},
		);
		const tokenSeconds = (performance.now() - t0) / 1000;
		const tokenPeak = await memTokens.stop();

		// Responses: every token once, and a tenth of them again with other answers, each only after its original.
		const answers = (seed: number) =>
			Object.fromEntries(
				[
					'meaningful',
					'learning',
					'looking-forward',
					'appreciation',
					'trust',
					'responsibility',
					'goals-known',
					'goals-followed',
					'expectations',
				].map((q, j) => [q, ((seed + j) % 5) + 1]),
			);
		const done = new Map<number, Promise<void>>();
		const resolvers = new Map<number, () => void>();
		const doubles = new Set(Array.from({ length: DOUBLES }, (_, j) => Math.floor((j * PEOPLE) / DOUBLES)));
		for (const i of doubles) done.set(i, new Promise((r) => resolvers.set(i, r)));
		const sends: { i: number; double: boolean }[] = Array.from({ length: PEOPLE }, (_, i) => ({ i, double: false }));
		for (const i of doubles)
			sends.splice(Math.min(sends.length, sends.findIndex((s) => s.i === i) + 1 + ((i * 7919) % 500)), 0, {
				i,
				double: true,
			});
		const counts = { accepted: 0, refusedDouble: 0, other: 0 };
		const memResponses = sampleMemory(trygg.proc);
		t0 = performance.now();
		await pool(sends, SENDERS, async ({ i, double }) => {
			if (double) await done.get(i);
			const token = tokens[i] as (typeof tokens)[number];
			const res = await request(`${trygg.base}/anon/campaigns/${encodeURIComponent(campaignId)}/responses`, {
				method: 'POST',
				body: JSON.stringify({
					group: token.group,
					token: { msg: token.msg, sig: token.sig },
					answers: answers(double ? i + 1 : i),
				}),
			});
			if (!double) {
				if (res.status < 300) counts.accepted++;
				else counts.other++;
				resolvers.get(i)?.();
			} else if (res.status === 409) counts.refusedDouble++;
			else counts.other++;
		});
		const responseSeconds = (performance.now() - t0) / 1000;
		const responsePeak = await memResponses.stop();
		const participation = await json<{ groups: { responses: number | null }[] }>(
			`${trygg.base}/api/campaigns/${encodeURIComponent(campaignId)}/participation`,
			{ cookie: hr },
		);
		const stored = participation.groups.reduce((n, g) => n + (g.responses ?? 0), 0);

		// Reference: the plain write path, the same number of single-document pushes from 100 managers.
		const memPlain = sampleMemory(trygg.proc);
		let plainFailed = 0;
		t0 = performance.now();
		await pool(sends, SENDERS, async (_, j) => {
			const u = j % SENDERS;
			const res = await request(`${trygg.base}/db/unit-${unitId(u)}/_bulk_docs`, {
				method: 'POST',
				cookie: cookieFor(`bench-chef${u}`),
				body: JSON.stringify({
					docs: [
						{
							_id: `round:${randomUUID()}`,
							type: 'round',
							scope: `unit-${unitId(u)}`,
							unitId: unitId(u),
							templateId: 'template:physical.v1',
							templateVersion: 1,
							date: today(),
							status: 'planned',
							participants: [],
							createdBy: `bench-chef${u}`,
							createdAt: new Date().toISOString(),
							updatedAt: new Date().toISOString(),
						},
					],
				}),
			});
			if (res.status >= 300 || res.body.includes('"error"')) plainFailed++;
		});
		const plainSeconds = (performance.now() - t0) / 1000;
		const plainPeak = await memPlain.stop();

		const rate = (n: number, s: number): string => (n / s).toFixed(0);
		const sendRate = sends.length / responseSeconds;
		const plainRate = sends.length / plainSeconds;
		console.log(
			`| phase (${PEOPLE} people, ${SENDERS} senders) | requests | seconds | per second | ratio to plain | peak RSS MB |`,
		);
		console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
		console.log(
			`| tokens (key + blind signature) | ${PEOPLE} | ${tokenSeconds.toFixed(1)} | ${rate(PEOPLE, tokenSeconds)} | ${(PEOPLE / tokenSeconds / plainRate).toFixed(2)} | ${tokenPeak.toFixed(0)} |`,
		);
		console.log(
			`| anonymous responses (+ ${DOUBLES} double spends) | ${sends.length} | ${responseSeconds.toFixed(1)} | ${rate(sends.length, responseSeconds)} | ${(sendRate / plainRate).toFixed(2)} | ${responsePeak.toFixed(0)} |`,
		);
		console.log(
			`| reference: plain _bulk_docs, one document each | ${sends.length} | ${plainSeconds.toFixed(1)} | ${rate(sends.length, plainSeconds)} | 1.00 | ${plainPeak.toFixed(0)} |`,
		);
		console.log(
			`accepted ${counts.accepted}/${PEOPLE}, double spends refused ${counts.refusedDouble}/${DOUBLES}, other answers ${counts.other}, stored per participation ${stored}, plain failures ${plainFailed}`,
		);
		if (counts.accepted !== PEOPLE || counts.refusedDouble !== DOUBLES || stored !== PEOPLE || counts.other !== 0) {
			throw new Error('the anonymous road lost, doubled or wrongly refused responses');
		}
	} finally {
		await trygg.stop();
		await rm(dir, { recursive: true, force: true });
	}
}

await main();
