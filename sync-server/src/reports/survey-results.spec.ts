/**
 * Survey results end to end on the demo organisation: responses sent through the anonymous road,
 * nothing published while the campaigns are open, results with "för få svar" (null) after the
 * close, read through the ordinary `/db` routes with the ordinary grants, free text only in
 * `reports`, and a restart that reads no stored response again.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurveyAnswers, SurveyResultDoc, SurveyTextDoc } from '../../../src/lib/domain/index.ts';
import { surveyResultDocSchema, surveyTextDocSchema, withSubtree } from '../../../src/lib/domain/index.ts';
import type { Token } from '../anon/test-phone.ts';
import { campaignDoc, hmeAnswers, sendResponse, takeToken, writeCampaign } from '../anon/test-phone.ts';
import { DEMO_PASSWORD } from '../seed/demo.ts';
import { ANON_DB } from '../anon/databases.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';
import { PouchStore } from '../store/pouch-store.ts';
import { RESULTS_DB } from './survey-results.ts';
import type { Harness } from '../test-harness.ts';
import { TEST_SERVER_TIME, startServer, tempDir } from '../test-harness.ts';

const A1 = ['medarbetare', ...Array.from({ length: 9 }, (_, i) => `medarbetare${i + 2}`)];
const A2 = ['a2-medarbetare1', 'a2-medarbetare2', 'a2-medarbetare3', 'a2-medarbetare4'];

let clock = TEST_SERVER_TIME;
let dir: string;
let h: Harness;
let hmeKey = '';
let threatKey = '';
let reportsBeforeClose: unknown[] = [];

function threatAnswers(i: number): SurveyAnswers {
	return {
		threatened: 'no',
		violence: 'no',
		harassed: 'no',
		influence: 'no',
		routines: 'yes',
		safe: (i % 5) + 1,
		safer: `Förslag ${i}: fler i tjänst på kvällen`,
	};
}

type Row = { id: string; doc?: Record<string, unknown> };

/** A session of its own (the clock jumps days, past the harness's cached sessions). */
async function signInNow(name: string): Promise<string> {
	const res = await h.call({ method: 'POST', url: '/db/_session', payload: { name, password: DEMO_PASSWORD } });
	return `AuthSession=${res.cookies.find((c) => c.name === 'AuthSession')?.value ?? ''}`;
}

async function read(scope: string, who: string): Promise<{ status: number; docs: Record<string, unknown>[] }> {
	const res = await h.call({
		method: 'GET',
		url: `/db/${scope}/_changes?include_docs=true`,
		cookie: await signInNow(who),
	});
	if (res.statusCode !== 200) return { status: res.statusCode, docs: [] };
	const rows = res.json<{ results: Row[] }>().results;
	// The same scopes hold the unit stats of the other report job (unit-stats.spec.ts); only survey documents here.
	return { status: 200, docs: rows.flatMap((r) => (r.doc && r.doc.type !== 'stats' ? [r.doc] : [])) };
}

/**
 * The store as the server uses it, recording the unit report scopes (`reports-…`) each call reads
 * or writes; `failOnce` makes the next write into that scope fail (a full disk, a crash).
 */
function watchUnitScopes(store: DocStore, seen: Set<string>, failOnce: Set<string>): DocStore {
	return new Proxy(store, {
		get(target, prop, receiver) {
			const value: unknown = Reflect.get(target, prop, receiver);
			if (typeof value !== 'function') return value;
			return (scope: string, ...rest: unknown[]) => {
				if (typeof scope === 'string' && scope.startsWith('reports-')) {
					seen.add(scope);
					if (prop === 'bulkDocs' && failOnce.delete(scope)) return Promise.reject(new Error('disk full'));
				}
				return (value as (...a: unknown[]) => unknown).call(target, scope, ...rest);
			};
		},
	});
}

/** Responses as the anonymous road's flush stores them (responses.ts), straight into the store. */
async function lateResponses(store: DocStore, campaignKey: string, group: string, n: number): Promise<void> {
	const docs = Array.from({ length: n }, (_, i) => ({
		_id: `late-${group}-${Date.now()}-${i}`,
		campaignId: `campaign:${campaignKey}`,
		group,
		week: '2026-W48',
		answers: hmeAnswers(i + 3),
	}));
	const written = await store.bulkDocs(ANON_DB.responses, docs as unknown as StoredDoc[]);
	if (written.some((r) => !('rev' in r))) throw new Error('late responses refused');
}

const revs = (docs: Record<string, unknown>[]): Map<string, unknown> =>
	new Map(docs.map((d) => [String(d._id), d._rev]));

const resultOf = (docs: Record<string, unknown>[], id: string): SurveyResultDoc =>
	withSubtree(surveyResultDocSchema.parse(docs.find((d) => d._id === id)));

beforeAll(async () => {
	dir = await tempDir();
	h = await startServer({ now: () => new Date(clock) }, dir);
	const open = { opensOn: '2026-11-24', closesOn: '2026-11-25' };
	const hme = await writeCampaign(h, campaignDoc({ ...open, surveyId: 'survey:hme.v1', k: 5 }));
	const threat = await writeCampaign(h, campaignDoc({ ...open, surveyId: 'survey:threat-violence.v1', k: 8 }));
	hmeKey = hme._id.slice('campaign:'.length);
	threatKey = threat._id.slice('campaign:'.length);
	// HME: ten of Enhet A1 and the four of Enhet A2 (pooled into Förvaltningen's group with others).
	for (const [i, name] of [...A1, ...A2].entries()) {
		const token: Token = await takeToken(h, await h.signIn(name), hmeKey);
		const res = await sendResponse(h, hmeKey, token, hmeAnswers(i));
		if (res.statusCode !== 200) throw new Error(`hme response refused: ${res.body}`);
	}
	// Threats and violence: only the ten of A1 answer, each with free text.
	for (const [i, name] of A1.entries()) {
		const token = await takeToken(h, await h.signIn(name), threatKey);
		const res = await sendResponse(h, threatKey, token, threatAnswers(i));
		if (res.statusCode !== 200) throw new Error(`threat response refused: ${res.body}`);
	}
	await h.app.surveyResults.refresh();
	await h.app.surveyResults.idle();
	reportsBeforeClose = (await read('reports', 'hr')).docs;
	// The campaigns close; the server notices on its next look (the timer calls refresh).
	clock = Date.parse('2026-11-27T08:00:00Z');
	await h.app.surveyResults.refresh();
	await h.app.surveyResults.idle();
}, 240_000);

afterAll(async () => {
	await h.close();
	await rm(dir, { recursive: true, force: true });
});

describe('survey results', () => {
	it('publishes nothing while the campaigns are open', () => {
		expect(reportsBeforeClose.filter((d) => /^survey(result|text):/.test(String((d as { _id: string })._id)))).toEqual(
			[],
		);
	});

	it('shows HR every node after the close, with null where a group had fewer than k', async () => {
		const { docs, status } = await read('reports', 'hr');
		expect(status).toBe(200);
		const forv = resultOf(docs, `surveyresult:${hmeKey}.forv`);
		const a1 = resultOf(docs, `surveyresult:${hmeKey}.a1`);
		expect(forv.parentUnitId).toBeNull();
		expect(a1.parentUnitId).toBe('forv');
		// Förvaltningen's own group had the 4 of A2: "för få svar", no count.
		expect(forv.group.responses).toBeNull();
		expect(forv.group.questions.meaningful).toBeNull();
		expect(forv.group.hme).toBeNull();
		// The whole target (14) shows; A1's 10 would give the 4 by subtraction, so it is hidden too.
		expect(forv.subtree.responses).toBe(14);
		expect(a1.group.responses).toBeNull();
		expect(forv.subtree.questions.meaningful?.n).toBe(14);
		expect(forv.subtree.hme).toBeNull(); // three of the nine items were not answered by anyone
		expect(forv.asOf).toBe('2026-11-27');
		// Threats: A1's ten show; the target's own group had none.
		const t1 = resultOf(docs, `surveyresult:${threatKey}.a1`);
		expect(t1.group.responses).toBe(10);
		expect(t1.group.questions.safe?.n).toBe(10);
		expect(resultOf(docs, `surveyresult:${threatKey}.forv`).group.responses).toBeNull();
	});

	it('gives HR the free text of a group at or above k, shuffled, and never to a unit scope', async () => {
		const { docs } = await read('reports', 'hr');
		const text: SurveyTextDoc = surveyTextDocSchema.parse(docs.find((d) => d._id === `surveytext:${threatKey}.a1`));
		expect([...(text.texts.safer ?? [])].sort()).toEqual(A1.map((_, i) => threatAnswers(i).safer).sort());
		expect(docs.some((d) => d._id === `surveytext:${threatKey}.forv`)).toBe(false);
		expect(docs.some((d) => String(d._id).startsWith(`surveytext:${hmeKey}`))).toBe(false);
		// The manager of Avdelning A reads the unit report scopes of A1 (results there) and of avd-a.
		for (const scope of ['reports-a1', 'reports-avd-a']) {
			const { status, docs: unitDocs } = await read(scope, 'avdchef');
			expect(status, scope).toBe(200);
			if (scope === 'reports-a1') expect(unitDocs.length).toBe(2);
			expect(unitDocs.some((d) => d.type === 'surveytext')).toBe(false);
			expect(JSON.stringify(unitDocs)).not.toContain('Förslag');
		}
	});

	it('lets the manager of A1 read reports-a1 only', async () => {
		const own = await read('reports-a1', 'chef');
		expect(own.status).toBe(200);
		expect(own.docs.map((d) => d._id).sort()).toEqual(
			[`surveyresult:${hmeKey}.a1`, `surveyresult:${threatKey}.a1`].sort(),
		);
		expect((await read('reports', 'chef')).status).toBe(403);
		expect((await read('reports-forv', 'chef')).status).toBe(403);
	});

	it('reads no stored response again after a restart, and writes nothing unchanged', async () => {
		expect(h.app.surveyResults.responsesRead).toBe(24);
		const before = (await read('reports', 'hr')).docs.map((d) => `${d._id}@${d._rev}`).sort();
		await h.app.close();
		clock = Date.parse('2026-11-28T08:00:00Z');
		h = await startServer({ now: () => new Date(clock) }, dir);
		await h.app.surveyResults.refresh();
		await h.app.surveyResults.idle();
		expect(h.app.surveyResults.responsesRead).toBe(0);
		const after = (await read('reports', 'hr')).docs.map((d) => `${d._id}@${d._rev}`).sort();
		expect(after).toEqual(before);
	});

	it('starts the sums over when the checkpoint names a sequence this store did not make (a migrated store)', async () => {
		const before = (await read('reports', 'hr')).docs.map((d) => `${d._id}@${d._rev}`).sort();
		await h.app.close();
		const store = new PouchStore({ dataDir: dir });
		const cp = await store.getLocal(RESULTS_DB, 'survey-results');
		await store.putLocal(RESULTS_DB, 'survey-results', { ...cp, since: '12-g1AAAAfromCouchDB' });
		await store.close();
		h = await startServer({ now: () => new Date(clock) }, dir);
		await h.app.surveyResults.refresh();
		await h.app.surveyResults.idle();
		expect(h.app.surveyResults.responsesRead).toBe(24);
		const after = (await read('reports', 'hr')).docs.map((d) => `${d._id}@${d._rev}`).sort();
		expect(after).toEqual(before);
	});

	it('after a batch, reads and writes only the unit scopes whose result changed', async () => {
		await h.app.close();
		const seen = new Set<string>();
		let raw: DocStore | undefined;
		h = await startServer(
			{ now: () => new Date(clock), observeStore: (store) => watchUnitScopes((raw = store), seen, new Set()) },
			dir,
		);
		// A new process checks every copy once; the stats job's catch-up writes unit report scopes too.
		await h.app.surveyResults.refresh();
		await h.app.surveyResults.idle();
		await h.app.reports.idle();
		const before = revs((await read('reports', 'hr')).docs);
		seen.clear();
		// Five more in A1's group: Förvaltningen's total moves; A1's stays hidden (its 15 would still
		// give the 4 of Förvaltningen's own group by subtraction), so its document stays as it was.
		await lateResponses(raw as DocStore, hmeKey, 'a1', 5);
		await h.app.surveyResults.refresh();
		await h.app.surveyResults.idle();
		const docs = (await read('reports', 'hr')).docs;
		const changed = docs.filter((d) => before.get(String(d._id)) !== d._rev);
		expect(resultOf(docs, `surveyresult:${hmeKey}.forv`).subtree.responses).toBe(19);
		expect(resultOf(docs, `surveyresult:${hmeKey}.a1`).group.responses).toBeNull();
		const scopes = changed.map((d) => `reports-${String(d.unitId)}`).sort();
		expect(scopes).toEqual(['reports-forv']);
		expect([...seen].sort()).toEqual(scopes);
		// Each copy in its unit scope is the body in `reports`.
		for (const d of changed) {
			const [row] = await (raw as DocStore).allDocs(`reports-${String(d.unitId)}`, [String(d._id)], {
				includeDocs: true,
			});
			const { _rev: _r, scope: _s, createdAt: _c, updatedAt: _u, ...body } = d;
			expect(row && 'doc' in row ? row.doc : undefined, String(d._id)).toMatchObject(body);
		}
	});

	it('writes a unit scope that missed its copy on the next pass', async () => {
		await h.app.close();
		const seen = new Set<string>();
		const failOnce = new Set(['reports-a1']);
		let raw: DocStore | undefined;
		h = await startServer(
			{ now: () => new Date(clock), observeStore: (store) => watchUnitScopes((raw = store), seen, failOnce) },
			dir,
		);
		await h.app.surveyResults.refresh();
		await h.app.surveyResults.idle();
		// Five more in Förvaltningen's own group: 9, at k, so it shows, and so does A1 (15).
		await lateResponses(raw as DocStore, hmeKey, 'forv', 5);
		// The pass this batch wakes (or this one) fails on A1's copy after `reports` was written.
		await h.app.surveyResults.refresh().catch(() => undefined);
		await h.app.surveyResults.idle();
		expect(failOnce.size).toBe(0);
		// The next pass (nothing new to read, `reports` already current) writes the missed copy.
		await h.app.surveyResults.refresh();
		await h.app.surveyResults.idle();
		const id = `surveyresult:${hmeKey}.a1`;
		const copy = (await read('reports-a1', 'chef')).docs.find((d) => d._id === id);
		expect(copy?.group).toEqual(resultOf((await read('reports', 'hr')).docs, id).group);
		expect((copy?.group as { responses: number }).responses).toBe(15);
	});
});
