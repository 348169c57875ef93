/**
 * The red team (issue 13 item 5, decision 0030): twenty people in two reporting groups take
 * tokens and answer through the real HTTP routes in a random order, with distinct addresses and
 * user agents, hours apart; some retry after a lost answer, one double-spends, one sends its token
 * under another group, one sends a token of another campaign. Then, holding every database (the
 * anonymous ones with every `_local` version ever written, org, the accounts), the server's log
 * and the participation records, the test tries to link responses to people — and must find no
 * field, value or order that does.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurveyAnswers } from '../../../src/lib/domain/index.ts';
import { ANON_REASONS } from '../../../src/lib/domain/index.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../seed/demo.ts';
import type { StoredDoc } from '../store/doc-store.ts';
import { PouchStore, openPouch } from '../store/pouch-store.ts';
import type { Harness } from '../test-harness.ts';
import { TEST_SERVER_TIME, startServer, tempDir } from '../test-harness.ts';
import { ANON_DB } from './databases.ts';
import type { Token } from './test-phone.ts';
import { ObservedStore, campaignDoc, seededRandom, shuffle, takeToken, writeCampaign } from './test-phone.ts';

const MINUTE = 60_000;
const K = 8;
const A1 = ['medarbetare', ...Array.from({ length: 11 }, (_, i) => `medarbetare${i + 2}`)];
const FORV = [
	'a2-medarbetare1',
	'a2-medarbetare2',
	'a2-medarbetare3',
	'a2-medarbetare4',
	'avdchef',
	'huvudskyddsombud',
	'chef2',
	'arbetstagarrep',
];
const PEOPLE = [...A1, ...FORV];

type Person = { name: string; displayName: string; ip: string; agent: string; token?: Token; answers: SurveyAnswers };

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64url');

/** A distinct, valid answer set of the threat and violence survey, with free text naming its number. */
function answersOf(i: number): SurveyAnswers {
	return {
		threatened: 'no',
		violence: 'no',
		harassed: 'no',
		influence: 'no',
		routines: ['yes', 'partly', 'no'][i % 3] as string,
		safe: (i % 5) + 1,
		safer: `Svar ${i}: bättre belysning vid entrén`,
	};
}
const arrivalOf = (answers: unknown): number =>
	Number(/^Svar (\d+):/.exec(String((answers as SurveyAnswers).safer))?.[1]);

let h: Harness;
let dir: string;
let observed: ObservedStore;
let clock = TEST_SERVER_TIME;
const lines: string[] = [];
const people: Person[] = PEOPLE.map((name, i) => ({
	name,
	displayName: DEMO_ACCOUNTS.find((a) => a.name === name)?.displayName ?? name,
	ip: `10.20.${i}.${100 + i}`,
	agent: `Mozilla/5.0 (Phone ${i}; TryggTest)`,
	answers: answersOf(i),
}));
const outcomes: { who: string; status: number; body: unknown }[] = [];
const participation: unknown[] = [];
let campaignId = '';
let writesBeforeClose = 0;
/** Everything held at the end: database name → documents (anonymous `_local` versions included). */
const held = new Map<string, unknown[]>();
/** Valid responses in the order they arrived (index into `people`). */
const arrivals: number[] = [];

async function signInFresh(name: string, ip: string, agent: string): Promise<string> {
	const res = await h.call({
		method: 'POST',
		url: '/db/_session',
		payload: { name, password: DEMO_PASSWORD },
		remoteAddress: ip,
		headers: { 'user-agent': agent },
	});
	return `AuthSession=${res.cookies.find((c) => c.name === 'AuthSession')?.value ?? ''}`;
}

async function send(p: Person, group: string, token: Token, answers: SurveyAnswers) {
	clock += 37 * MINUTE;
	const res = await h.call({
		method: 'POST',
		url: `/anon/campaigns/${campaignId.slice('campaign:'.length)}/responses`,
		remoteAddress: p.ip,
		headers: { 'user-agent': p.agent },
		payload: { group, token: { msg: token.msg, sig: token.sig }, answers },
	});
	outcomes.push({ who: p.name, status: res.statusCode, body: res.json() });
	return res;
}

beforeAll(async () => {
	dir = await tempDir();
	h = await startServer(
		{
			now: () => new Date(clock),
			anonRandom: seededRandom(2026),
			log: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
			observeStore: (store) => (observed = new ObservedStore(store)),
		},
		dir,
	);
	const campaign = await writeCampaign(
		h,
		campaignDoc({ surveyId: 'survey:threat-violence.v1', k: K, opensOn: '2026-11-24', closesOn: '2026-11-25' }),
	);
	campaignId = campaign._id;
	const key = campaignId.slice('campaign:'.length);
	const order = seededRandom(99);

	// Tokens are taken in one random order, while signed in, each from its own phone.
	for (const i of shuffle([...people.keys()], order)) {
		const p = people[i] as Person;
		clock += 11 * MINUTE;
		const cookie = await signInFresh(p.name, p.ip, p.agent);
		p.token = await takeToken(h, cookie, key, { remoteAddress: p.ip, headers: { 'user-agent': p.agent } });
	}
	// A token of another campaign (the demo HME one), taken by the first person.
	const foreign = await takeToken(h, await signInFresh(PEOPLE[0] as string, '10.9.9.9', 'x'), 'demo-hme');

	// Responses in another random order.
	for (const i of shuffle([...people.keys()], order)) {
		const p = people[i] as Person;
		const token = p.token as Token;
		if (i === 4) {
			// Sent under the other group first: refused.
			await send(p, token.group === 'a1' ? 'forv' : 'a1', token, p.answers);
		}
		if (i === 5) await send(p, foreign.group === 'a1' ? 'a1' : 'forv', foreign, p.answers);
		await send(p, token.group, token, p.answers);
		arrivals.push(i);
		// A lost answer, sent again the same.
		if (i <= 2) await send(p, token.group, token, p.answers);
		// A second answer with the same token.
		if (i === 3) await send(p, token.group, token, answersOf(99));
	}

	// HR and a manager look at participation while it runs, then after the close.
	for (const name of ['hr', 'chef']) {
		const res = await h.call({
			method: 'GET',
			url: `/api/campaigns/${key}/participation`,
			cookie: await signInFresh(name, '10.1.1.1', 'x'),
		});
		participation.push(res.json());
	}
	writesBeforeClose = observed.writes.length;
	clock = Date.parse('2026-11-27T08:00:00Z');
	const after = await h.call({
		method: 'GET',
		url: `/api/campaigns/${key}/participation`,
		cookie: await signInFresh('hr', '10.1.1.1', 'x'),
	});
	participation.push(after.json());

	// Now the red team holds everything.
	const localWrites = observed.localWrites.filter((w) => w.db.startsWith('anon-'));
	await h.app.close();
	const store = new PouchStore({ dataDir: dir });
	for (const db of ['org', ...Object.values(ANON_DB)]) {
		const { results } = await store.changes(db, { includeDocs: true });
		held.set(
			db,
			results.map((r) => r.doc),
		);
	}
	held.set(`${ANON_DB.responses}/_local`, [
		...localWrites.map((w) => w.doc),
		await store.getLocal(ANON_DB.responses, `pending~${campaignId}`),
	]);
	await store.close();
	const accounts = await openPouch(path.join(dir, 'auth'));
	held.set(
		'auth',
		(await accounts.allDocs({ include_docs: true })).rows.map((r) => r.doc),
	);
	await accounts.close();
}, 240_000);

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

/** Every value that would tie a response to a person, by person. */
function tellTales(p: Person): string[] {
	const t = p.token as Token;
	const values = [p.name, p.displayName, p.ip, p.agent, t.blindedMsg, t.msg, t.sig];
	return [...values, ...[t.blindedMsg, t.msg, t.sig].flatMap((v) => [sha256(v), b64(sha256(v))])];
}

const anonymousSide = (): [string, unknown[]][] =>
	[ANON_DB.responses, `${ANON_DB.responses}/_local`, ANON_DB.spent, ANON_DB.keys].map((db) => [db, held.get(db) ?? []]);

/** Strings and numbers anywhere in a value. */
function leaves(value: unknown): (string | number)[] {
	if (typeof value === 'string' || typeof value === 'number') return [value];
	if (Array.isArray(value)) return value.flatMap(leaves);
	if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...leaves(v)]);
	return [];
}

/** A time finer than an ISO week: a date, a date-time, or milliseconds since 1970 around now. */
function finerThanWeek(v: string | number): boolean {
	if (typeof v === 'number') return v > 1e12 && v < 1e14;
	return /\d{4}-\d{2}-\d{2}|\d{2}:\d{2}/.test(v) || /^\d{12,14}$/.test(v);
}

describe('red team: the server cannot tell who answered what', () => {
	it('took every valid response exactly once, and refused the double spend and the foreign tokens', () => {
		const stored = (held.get(ANON_DB.responses) ?? []) as StoredDoc[];
		expect(stored.map((d) => arrivalOf(d.answers)).sort((a, b) => a - b)).toEqual([...people.keys()]);
		expect(outcomes.filter((o) => o.status === 409)).toEqual([
			{ who: PEOPLE[3], status: 409, body: { error: 'conflict', reason: ANON_REASONS.spent } },
		]);
		expect(outcomes.filter((o) => o.status === 403).map((o) => [o.who, o.body])).toEqual(
			expect.arrayContaining([
				[PEOPLE[4], { error: 'forbidden', reason: ANON_REASONS.otherGroup }],
				[PEOPLE[5], { error: 'forbidden', reason: ANON_REASONS.invalidToken }],
			]),
		);
		expect(outcomes.filter((o) => o.status === 200)).toHaveLength(PEOPLE.length + 3);
	});

	it('finds no name, token, blinded message, hash of one, address or user agent on the anonymous side', () => {
		for (const [db, docs] of anonymousSide()) {
			const text = JSON.stringify(docs);
			for (const p of people) {
				for (const v of tellTales(p)) {
					// The spent-token record is the hash of the token message, and only in anon-spent.
					if (db === ANON_DB.spent && v === sha256((p.token as Token).msg)) continue;
					expect(text.includes(v), `${db} holds ${v}`).toBe(false);
				}
			}
		}
		// Spent records hold the hash and the retry check, nothing else.
		for (const doc of (held.get(ANON_DB.spent) ?? []) as StoredDoc[]) {
			expect(Object.keys(doc).sort()).toEqual(['_id', '_rev', 'check']);
		}
	});

	it('tags a pending entry with a hash no spent record, stored response or issue record holds', () => {
		const pendings = (held.get(`${ANON_DB.responses}/_local`) ?? []) as { entries?: { tag?: string }[] }[];
		const tags = pendings.flatMap((p) => (p?.entries ?? []).flatMap((e) => (e.tag ? [e.tag] : [])));
		expect(tags.length).toBeGreaterThan(0);
		const elsewhere = JSON.stringify([
			held.get(ANON_DB.spent),
			held.get(ANON_DB.responses),
			held.get(ANON_DB.issued),
			held.get(ANON_DB.keys),
		]);
		for (const tag of tags) expect(elsewhere.includes(tag), tag).toBe(false);
	});

	it('stores responses with id, campaign, group, ISO week and answers only: no time finer than the week', () => {
		for (const doc of (held.get(ANON_DB.responses) ?? []) as StoredDoc[]) {
			expect(Object.keys(doc).sort()).toEqual(['_id', '_rev', 'answers', 'campaignId', 'group', 'week']);
			expect(doc.week).toMatch(/^\d{4}-W\d{2}$/);
		}
		for (const [db, docs] of anonymousSide()) {
			const times = leaves(docs).filter(finerThanWeek);
			expect(times, db).toEqual([]);
		}
	});

	it('records token issue per person with the blinded hash and group only, nothing the spend shows', () => {
		for (const doc of (held.get(ANON_DB.issued) ?? []) as StoredDoc[]) {
			expect(Object.keys(doc).sort()).toEqual(['_id', '_rev', 'blindedHash', 'campaignId', 'group']);
			expect(leaves(doc).filter(finerThanWeek)).toEqual([]);
		}
		const issued = JSON.stringify(held.get(ANON_DB.issued));
		for (const p of people) {
			const t = p.token as Token;
			for (const v of [t.msg, t.sig, sha256(t.msg), sha256(t.sig), p.ip, p.agent])
				expect(issued.includes(v)).toBe(false);
		}
		// Nothing of the issue reaches the anonymous side: no blinded hash is found there.
		const side = JSON.stringify(anonymousSide());
		for (const doc of (held.get(ANON_DB.issued) ?? []) as StoredDoc[]) {
			expect(side.includes(String(doc.blindedHash))).toBe(false);
		}
	});

	it('keeps no answer in org or the accounts', () => {
		const text = JSON.stringify([held.get('org'), held.get('auth')]);
		for (const p of people) {
			expect(text.includes(String(p.answers.safer))).toBe(false);
			expect(text.includes((p.token as Token).msg)).toBe(false);
		}
	});

	it('gives stored ids no time order and keeps no batch in arrival order', () => {
		const stored = (held.get(ANON_DB.responses) ?? []) as StoredDoc[];
		// Random ids (UUID v4), not time-ordered ones (v1, v6, v7).
		for (const doc of stored)
			expect(doc._id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		const byId = [...stored]
			.sort((a, b) => a._id.localeCompare(b._id))
			.map((d) => arrivals.indexOf(arrivalOf(d.answers)));
		const inOrder = [...byId].sort((a, b) => a - b);
		expect(byId).not.toEqual(inOrder);
		expect(byId).not.toEqual([...inOrder].reverse());

		const batches = observed.writes.filter((w) => w.db === ANON_DB.responses);
		expect(batches.length).toBeGreaterThan(1);
		for (const batch of batches) {
			const order = batch.docs.map((d) => arrivals.indexOf(arrivalOf(d.answers)));
			expect(order).not.toEqual([...order].sort((a, b) => a - b));
		}
		// The pending list is in no arrival order either, and the flush shuffles it again.
		const pendings = (held.get(`${ANON_DB.responses}/_local`) ?? []) as {
			entries?: { id: string; answers: unknown }[];
		}[];
		const longest = pendings.map((p) => p?.entries ?? []).reduce((a, b) => (b.length > a.length ? b : a), []);
		expect(longest.length).toBeGreaterThanOrEqual(3);
		const pendingOrder = longest.map((e) => arrivals.indexOf(arrivalOf(e.answers)));
		expect(pendingOrder).not.toEqual([...pendingOrder].sort((a, b) => a - b));
		// Each batch is written in another order than its pending list held it.
		for (const batch of batches) {
			const ids = batch.docs.map((d) => d._id);
			const from = pendings
				.map((p) => p?.entries ?? [])
				.find((e) => e.length === ids.length && e.every((x) => ids.includes(x.id)));
			expect(from, 'the pending list a batch was written from').toBeDefined();
			expect(ids).not.toEqual(from?.map((e) => e.id));
		}
	});

	it('writes batches of at least k, only the close batch smaller', () => {
		const batches = observed.writes.filter((w) => w.db === ANON_DB.responses);
		const beforeClose = batches.filter((b) => observed.writes.indexOf(b) < writesBeforeClose);
		const atClose = batches.filter((b) => observed.writes.indexOf(b) >= writesBeforeClose);
		expect(beforeClose.map((b) => b.docs.length)).toEqual([K, K]);
		expect(atClose.map((b) => b.docs.length)).toEqual([PEOPLE.length - 2 * K]);
	});

	it('logs no /anon request, no answer and nothing that names the sender', () => {
		const log = lines.join('\n');
		expect(lines.length).toBeGreaterThan(0);
		expect(log).not.toContain('/anon');
		expect(log).not.toContain('responses');
		for (const p of people) {
			expect(log.includes(String(p.answers.safer))).toBe(false);
			for (const v of tellTales(p)) expect(log.includes(v), `log holds ${v}`).toBe(false);
		}
	});

	it('shows participation per group of at least k, never a person or a response', () => {
		const text = JSON.stringify(participation);
		for (const p of people) {
			for (const v of [...tellTales(p), String(p.answers.safer)]) expect(text.includes(v)).toBe(false);
		}
		for (const record of participation as { groups: { eligible: number; responses: number }[] }[]) {
			for (const g of record.groups) expect(g.eligible).toBeGreaterThanOrEqual(K);
		}
		const final = participation.at(-1) as { groups: { group: string; responses: number }[] };
		expect(final.groups.map((g) => [g.group, g.responses])).toEqual([
			['a1', A1.length],
			['forv', FORV.length],
		]);
	});
});
