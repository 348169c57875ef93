/**
 * Property: a group commit answers as one request after another (decision 0024). Random
 * requests to one unit scope — new rounds on a few shared ids, edits on the stored revision or a
 * stale one, a forbidden change of a round's creator, deletes, answers that read their round, a
 * signature that reads the round's whole file, writers the rules refuse, and quotas small enough
 * to refuse — are sent once one after another (each awaited) and once all at once, some a turn
 * later than the one before, so the server judges them in groups of every size. The answers
 * per document, the stored documents (revisions included), the scope's count and each
 * person's quota counter must be the same.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BulkResult } from '../../../src/lib/domain/index.ts';
import { PouchStore } from '../store/pouch-store.ts';
import { answerDoc, directContext, displayNameOf, roundDoc, signatureDoc } from '../test-harness.ts';
import { writeDocs } from './scope.ts';

const A1 = 'unit-a1';
const PEOPLE = ['chef', 'skyddsombud', 'medarbetare'] as const;
/** Round ids the requests share: the first two are stored before the requests come. */
const ROUNDS = ['round:g0', 'round:g1', 'round:g2', 'round:g3'];
const STORED = ROUNDS.slice(0, 2);
/** A revision no version has. */
const STALE = '1-0123456789abcdef0123456789abcdef';
const QUOTAS = { docs: { unit: STORED.length + 4 }, docsPerPersonDay: 3 };
/** Rounds on a starter template, so a signature is judged by the round's content. */
const TEMPLATE = { templateId: 'template:physical.v1', templateVersion: 1 };

type Person = (typeof PEOPLE)[number];
type Op =
	| { kind: 'create'; round: number }
	| { kind: 'fresh' }
	| { kind: 'edit'; round: number; stale: boolean; creator: boolean; template: boolean; note: number }
	| { kind: 'delete'; round: number }
	| { kind: 'answer'; round: number }
	| { kind: 'sign'; round: number };
type Req = { by: Person; ops: Op[]; later: boolean };

// The stored rounds come up more often: their edits and deletes can pass.
const round = fc.constantFrom(0, 0, 1, 1, 2, 3);
const op: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('create' as const), round }),
	// A round of its own: only the quotas tie it to the other requests.
	fc.record({ kind: fc.constant('fresh' as const) }),
	fc.record({ kind: fc.constant('fresh' as const) }),
	fc.record({
		kind: fc.constant('edit' as const),
		round,
		stale: fc.constantFrom(false, false, true),
		creator: fc.boolean(),
		template: fc.boolean(),
		note: fc.nat(3),
	}),
	fc.record({ kind: fc.constant('delete' as const), round }),
	fc.record({ kind: fc.constant('answer' as const), round }),
	fc.record({ kind: fc.constant('sign' as const), round }),
);
const requests = fc.array(
	fc.record({
		by: fc.constantFrom<Person>('chef', 'chef', 'skyddsombud', 'skyddsombud', 'medarbetare'),
		ops: fc.array(op, { minLength: 1, maxLength: 3 }),
		later: fc.boolean(),
	}),
	{ minLength: 2, maxLength: 8 },
);

/** The documents of the requests, made once so both runs send the very same ones. */
function bodies(reqs: Req[], storedRevs: Map<string, string>): Record<string, unknown>[][] {
	let n = 0;
	return reqs.map(({ by, ops }) =>
		ops.map((o) => {
			if (o.kind === 'fresh') return roundDoc('a1', { _id: `round:n${n++}`, createdBy: by, ...TEMPLATE });
			const id = ROUNDS[o.round] as string;
			const rev = storedRevs.get(id);
			switch (o.kind) {
				case 'create':
					return roundDoc('a1', { _id: id, createdBy: by, ...TEMPLATE });
				case 'edit':
					return {
						...roundDoc('a1', { _id: id, createdBy: o.creator ? by : 'chef', ...TEMPLATE }),
						// Moving a round to another template is refused once it has an answer.
						...(o.template ? { templateId: 'template:osa.v1' } : {}),
						_rev: o.stale || !rev ? STALE : rev,
						participants: [{ name: `Deltagare ${o.note}`, role: 'other' }],
					};
				case 'delete':
					return { _id: id, _rev: rev ?? STALE, _deleted: true, type: 'round', scope: A1 };
				case 'answer':
					return answerDoc(A1, id, { _id: `answer:g${n++}`, answeredBy: by, answeredByName: displayNameOf(by) });
				case 'sign':
					return signatureDoc(A1, id, {
						_id: `signature:g${n++}`,
						signedBy: by,
						role: by === 'skyddsombud' ? 'safety_rep' : 'manager',
					});
			}
		}),
	);
}

type Outcome = {
	answers: BulkResult[][];
	docs: unknown[];
	count: number;
	counters: unknown[];
};

/** A fresh server's store with the stored rounds; `send` posts the requests its way. */
async function run(
	reqs: Req[],
	send: (post: (i: number) => Promise<BulkResult[]>) => Promise<BulkResult[][]>,
): Promise<{ outcome: Outcome; revs: Map<string, string>; writes: number }> {
	const dir = await mkdtemp(join(tmpdir(), 'trygg-group-'));
	const store = new PouchStore({ dataDir: dir });
	const direct = await directContext(store, dir, QUOTAS);
	try {
		const grants = new Map<Person, Awaited<ReturnType<typeof direct.grants>>>();
		for (const p of PEOPLE) grants.set(p, await direct.grants(direct.user(p)));
		const chef = direct.user('chef');
		const made = await writeDocs(direct.ctx, chef, grants.get('chef') ?? [], A1, [
			...STORED.map((id) => roundDoc('a1', { _id: id, ...TEMPLATE })),
		]);
		const revs = new Map(made.map((r) => [r.id, 'rev' in r ? String(r.rev) : '']));
		const docs = bodies(reqs, revs);
		const writesBefore = store.groupedWrites;
		const answers = await send((i) => {
			const req = reqs[i] as Req;
			return writeDocs(direct.ctx, direct.user(req.by), grants.get(req.by) ?? [], A1, structuredClone(docs[i] ?? []));
		});
		const ids = [...new Set(docs.flat().map((d) => String(d._id)))].sort();
		const rows = await store.allDocs(A1, ids, { includeDocs: true });
		const counters = await Promise.all(
			PEOPLE.map(async (p) => {
				const doc = await store.getLocal(A1, `quota.person.${Buffer.from(p).toString('base64url')}`);
				return { day: doc?.day, created: doc?.created ?? 0 };
			}),
		);
		const writes = store.groupedWrites - writesBefore;
		return { outcome: { answers, docs: rows, count: (await store.info(A1)).doc_count, counters }, revs, writes };
	} finally {
		await direct.close();
		await store.close();
		await rm(dir, { recursive: true, force: true });
	}
}

describe('group commit of writes to one scope', () => {
	it('answers and stores exactly what the requests one after another would', async () => {
		const writes = { one: 0, together: 0 };
		await fc.assert(
			fc.asyncProperty(requests, async (reqs) => {
				const one = await run(reqs, async (post) => {
					const out: BulkResult[][] = [];
					for (let i = 0; i < reqs.length; i++) out.push(await post(i));
					return out;
				});
				const together = await run(reqs, async (post) => {
					const sent: Promise<BulkResult[]>[] = [];
					for (let i = 0; i < reqs.length; i++) {
						// A later request comes while the group before it is being judged or written.
						if (reqs[i]?.later) await new Promise((r) => setImmediate(r));
						sent.push(post(i));
					}
					return Promise.all(sent);
				});
				expect(together.revs).toEqual(one.revs);
				expect(together.outcome).toEqual(one.outcome);
				writes.one += one.writes;
				writes.together += together.writes;
			}),
			{ numRuns: 40 },
		);
		// Not vacuous: sent together, the requests did share store writes.
		expect(writes.together).toBeLessThan(writes.one);
	}, 240_000);
});
