/**
 * Property: no `_rev` lets a forbidden change be stored. For every document type with
 * transition rules, a stored document is set up over HTTP and a change the rules forbid (an
 * edit or a delete, by a writer of the unit) is posted through `_bulk_docs` with a random
 * `_rev`: the current one, none, stale or future generations, the current hash at another
 * generation, other spellings of the current revision (`01-…`, upper case, spaces) and any
 * string or non-string. The answer is a per-document refusal (`bad_request` for anything not a
 * canonical revision) and the stored document is the same afterwards, revision and all.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerDoc, RoundDoc } from '../../../src/lib/domain/index.ts';
import { FOLLOW_UP_QUESTIONS, followUpContentHash, followUpId, roundItems } from '../../../src/lib/domain/index.ts';
import { isCanonicalRev } from '../../../src/lib/domain/merge.ts';
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
import type { Harness } from '../test-harness.ts';
import {
	actionDoc,
	answerDoc,
	assessmentDoc,
	findingDoc,
	roundDoc,
	signatureDoc,
	startServer,
	testId,
} from '../test-harness.ts';

const NOW = '2026-11-23T09:00:00.000Z';
const A1 = 'unit-a1';
type Doc = Record<string, unknown> & { _id: string; type: string; scope: string };
type Result = { id: string; ok?: boolean; rev?: string; error?: string; reason?: string };
/** A forbidden change of the stored document `doc` (its `_rev` is set by the property). */
type Attempt = { actor: string; change: (doc: Doc) => Doc };
type Target = { scope: string; reader: string; doc: Doc; attempts: Attempt[] };

let h: Harness;
const targets = new Map<string, Target>();

async function bulk(name: string, scope: string, docs: object[]): Promise<Result[]> {
	const res = await h.call({
		method: 'POST',
		url: `/db/${scope}/_bulk_docs`,
		cookie: await h.signIn(name),
		payload: { docs },
	});
	expect([200, 201], res.body).toContain(res.statusCode);
	return res.json() as Result[];
}

/** Store `docs` as `name` (all must be taken); the stored versions with their revisions. */
async function put<T extends object>(name: string, scope: string, docs: T[]): Promise<(T & { _rev: string })[]> {
	const results = await bulk(name, scope, docs);
	return docs.map((doc, i) => {
		const r = results[i];
		if (!r?.rev) throw new Error(`setup write refused: ${JSON.stringify(r)}`);
		return { ...doc, _rev: r.rev };
	});
}

async function read(name: string, scope: string, id: string): Promise<Doc | undefined> {
	const res = await h.call({
		method: 'POST',
		url: `/db/${scope}/_all_docs?include_docs=true`,
		cookie: await h.signIn(name),
		payload: { keys: [id] },
	});
	const row = (res.json() as { rows: { doc?: Doc | null }[] }).rows[0];
	return row?.doc ?? undefined;
}

const edit = (actor: string, fields: Record<string, unknown>): Attempt => ({
	actor,
	change: (doc) => ({ ...doc, ...fields }),
});
const remove = (actor: string): Attempt => ({
	actor,
	change: (doc) => ({ _id: doc._id, _rev: doc._rev, _deleted: true, type: doc.type, scope: doc.scope }),
});

/** A round of the seeded physical template with every item answered, ready to sign. */
function completeRound(): { round: RoundDoc; answers: AnswerDoc[] } {
	const template = starterTemplates(NOW).find((t) => t._id === 'template:physical.v1');
	if (!template) throw new Error('no physical template');
	const round = roundDoc('a1', { templateId: template._id, status: 'in_progress' });
	const answers = roundItems(template).map(({ item }) => answerDoc(A1, round._id, { itemId: item.id }));
	return { round, answers };
}

/** A round signed by both (locked), with its signatures. */
async function signedRound(): Promise<{ round: Doc; chefSig: Doc; repSig: Doc }> {
	const { round, answers } = completeRound();
	const [stored] = await put('chef', A1, [round, ...answers]);
	const [repSig] = await put('skyddsombud', A1, [
		signatureDoc(A1, round._id, { signedBy: 'skyddsombud', signerName: 'Sara Skyddsombud', role: 'safety_rep' }),
	]);
	const chefSig = signatureDoc(A1, round._id, { signedBy: 'chef', role: 'manager' });
	const [locked, chefStored] = await put('chef', A1, [{ ...stored, status: 'signed' }, chefSig]);
	return { round: locked as Doc, chefSig: chefStored as Doc, repSig: repSig as Doc };
}

beforeAll(async () => {
	h = await startServer();

	const [request] = await put('skyddsombud', A1, [
		{
			_id: testId('request'),
			type: 'request',
			scope: A1,
			unitId: 'a1',
			kind: 'investigation',
			subject: 'Hög arbetsbelastning i kvällsgruppen',
			description: 'Flera beskriver stress.',
			location: '',
			requestedMeasures: 'Undersök bemanningen.',
			replyBy: '2026-12-07',
			filedAt: NOW,
			filedBy: 'skyddsombud',
			filedByName: 'Sara Skyddsombud',
			createdAt: NOW,
			updatedAt: NOW,
		},
	]);
	targets.set('request', {
		scope: A1,
		reader: 'chef',
		doc: request as Doc,
		attempts: [edit('chef', { subject: 'Omskriven av chefen' }), edit('chef', { filedBy: 'chef' }), remove('chef')],
	});

	const [workstop] = await put('skyddsombud', A1, [
		{
			_id: testId('workstop'),
			type: 'workstop',
			scope: A1,
			unitId: 'a1',
			stoppedAt: NOW,
			work: 'Lyft utan lyftutrustning, rum 12',
			reason: 'Taklyften är trasig.',
			recordedAt: NOW,
			recordedBy: 'skyddsombud',
			recordedByName: 'Sara Skyddsombud',
			authorityAsked: false,
			createdAt: NOW,
			updatedAt: NOW,
		},
	]);
	targets.set('workstop', {
		scope: A1,
		reader: 'chef',
		doc: workstop as Doc,
		attempts: [edit('chef', { reason: 'Inget fel på lyften.' }), remove('chef'), remove('skyddsombud')],
	});

	// The annual follow-up, signed by both: locked.
	const open: Doc = {
		_id: followUpId('a1', 2035),
		type: 'followup',
		scope: A1,
		unitId: 'a1',
		year: 2035,
		conclusions: 'Arbetsmiljöarbetet fungerar i stort.',
		createdAt: NOW,
		updatedAt: NOW,
	};
	for (const q of FOLLOW_UP_QUESTIONS) open[q] = 'yes';
	const hash = followUpContentHash(open as never);
	let [followup] = (await put('chef', A1, [open])) as Doc[];
	const repSignature = { by: 'skyddsombud', name: 'Sara Skyddsombud', at: NOW, contentHash: hash };
	[followup] = (await put('skyddsombud', A1, [{ ...followup, safetyRepSignature: repSignature }])) as Doc[];
	const managerSignature = { by: 'chef', name: 'Anna Chef', at: NOW, contentHash: hash };
	[followup] = (await put('chef', A1, [{ ...followup, managerSignature }])) as Doc[];
	targets.set('followup', {
		scope: A1,
		reader: 'chef',
		doc: followup as Doc,
		attempts: [
			edit('chef', { conclusions: 'Ändrat efter signering' }),
			{
				actor: 'chef',
				change: ({ managerSignature: _m, safetyRepSignature: _s, ...doc }) => ({ ...doc, policy: 'no' }) as Doc,
			},
			remove('skyddsombud'),
		],
	});

	const [action] = await put('chef', A1, [actionDoc(A1)]);
	targets.set('action', {
		scope: A1,
		reader: 'chef',
		doc: action as Doc,
		attempts: [edit('skyddsombud', { status: 'effect_checked', effective: true }), remove('chef')],
	});

	const [log] = await put('skyddsombud', A1, [
		{
			_id: testId('actionlog'),
			type: 'actionlog',
			scope: A1,
			actionId: action?._id,
			event: 'changed',
			changes: [{ field: 'status', from: 'planned', to: 'in_progress' }],
			at: NOW,
			by: 'skyddsombud',
			byName: 'Sara Skyddsombud',
			createdAt: NOW,
			updatedAt: NOW,
		},
	]);
	targets.set('actionlog', {
		scope: A1,
		reader: 'chef',
		doc: log as Doc,
		attempts: [edit('chef', { changes: [] }), remove('skyddsombud')],
	});

	const openRound = roundDoc('a1', { status: 'in_progress' });
	const [, answer, finding] = await put('chef', A1, [
		openRound,
		answerDoc(A1, openRound._id),
		findingDoc(A1, { roundId: openRound._id }),
	]);
	targets.set('answer', {
		scope: A1,
		reader: 'chef',
		doc: answer as Doc,
		attempts: [edit('chef', { value: 'no' }), remove('chef')],
	});
	targets.set('finding', {
		scope: A1,
		reader: 'chef',
		doc: finding as Doc,
		attempts: [edit('chef', { roundId: testId('round') })],
	});
	const [assessment] = await put('chef', A1, [assessmentDoc(A1, finding?._id as string, { roundId: openRound._id })]);
	targets.set('assessment', {
		scope: A1,
		reader: 'chef',
		doc: assessment as Doc,
		attempts: [edit('chef', { probability: 4 }), remove('chef')],
	});

	const locked = await signedRound();
	targets.set('round', {
		scope: A1,
		reader: 'chef',
		doc: locked.round,
		attempts: [edit('chef', { date: '2026-01-01' }), edit('chef', { status: 'in_progress' }), remove('chef')],
	});
	targets.set('signature', {
		scope: A1,
		reader: 'chef',
		doc: locked.repSig,
		attempts: [edit('skyddsombud', { reservation: 'Tillagd efteråt' }), remove('skyddsombud')],
	});

	const reopened = await signedRound();
	const [, reopening] = await put('chef', A1, [
		{ ...reopened.round, status: 'in_progress' },
		{
			_id: testId('reopening'),
			type: 'reopening',
			scope: A1,
			roundId: reopened.round._id,
			reason: 'Fel datum',
			voids: [reopened.chefSig._id, reopened.repSig._id],
			reopenedAt: NOW,
			reopenedBy: 'chef',
			reopenedByName: 'Anna Chef',
			createdAt: NOW,
			updatedAt: NOW,
		},
	]);
	targets.set('reopening', {
		scope: A1,
		reader: 'chef',
		doc: reopening as Doc,
		attempts: [edit('chef', { voids: [] }), remove('chef')],
	});

	const template = await read('hr', 'org', 'template:physical.v1');
	if (!template) throw new Error('no seeded template');
	targets.set('template', {
		scope: 'org',
		reader: 'hr',
		doc: template,
		attempts: [edit('hr', { legalRef: 'Ändrad i efterhand' }), remove('admin')],
	});

	const planned = roundDoc('a1', { prereports: true });
	await put('chef', A1, [planned]);
	const [prereport] = await put('medarbetare', A1, [
		{
			_id: testId('prereport'),
			type: 'prereport',
			scope: A1,
			unitId: 'a1',
			roundId: planned._id,
			submittedBy: 'medarbetare',
			submitterName: 'Mats Medarbetare',
			title: 'Dörren till förrådet kärvar',
			description: '',
			location: 'Förrådet',
			createdAt: NOW,
			updatedAt: NOW,
		},
	]);
	targets.set('prereport', {
		scope: A1,
		reader: 'chef',
		doc: prereport as Doc,
		attempts: [edit('medarbetare', { title: 'Något annat' }), remove('medarbetare')],
	});
}, 60_000);

afterAll(async () => {
	await h.close();
});

/** Random `_rev` values around the current revision `rev`. */
function revs(rev: string): fc.Arbitrary<unknown> {
	const [genText, hash = ''] = rev.split('-');
	const gen = Number(genText);
	const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
	return fc.oneof(
		fc.constant(rev),
		fc.constant(undefined),
		// Stale, future or made-up revisions in canonical form.
		fc.tuple(fc.integer({ min: 1, max: gen + 3 }), hex32).map(([g, x]) => `${g}-${x}`),
		// The current hash at another generation.
		fc.integer({ min: 1, max: gen + 3 }).map((g) => `${g}-${hash}`),
		// Other spellings of the current revision, which a store may read as the same one.
		fc.constantFrom(
			`0${rev}`,
			`00${rev}`,
			` ${rev}`,
			`${rev} `,
			`${rev}\n`,
			`+${rev}`,
			`${gen}.0-${hash}`,
			`${gen}-${hash.toUpperCase()}`,
			`${gen}-${hash}0`,
			`${gen}-${hash.slice(0, 31)}`,
			`${gen}`,
			`${gen}-`,
			'',
		),
		fc.string({ maxLength: 40 }),
		fc.constantFrom(null, 0, gen, true, {}, [rev]),
	);
}

const TYPES = [
	'template',
	'round',
	'answer',
	'finding',
	'assessment',
	'action',
	'actionlog',
	'signature',
	'reopening',
	'prereport',
	'request',
	'workstop',
	'followup',
] as const;

describe('_bulk_docs: no _rev lets a forbidden change be stored', () => {
	it('has a target for every type with transition rules', () => {
		expect([...targets.keys()].sort()).toEqual([...TYPES].sort());
	});

	for (const type of TYPES) {
		it(`${type}: refused per document, stored document unchanged`, async () => {
			const target = targets.get(type) as Target;
			const before = await read(target.reader, target.scope, target.doc._id);
			expect(before?._rev).toBe(target.doc._rev);
			await fc.assert(
				fc.asyncProperty(fc.constantFrom(...target.attempts), revs(target.doc._rev as string), async (attempt, rev) => {
					const { _rev: _drop, ...changed } = attempt.change(target.doc);
					const doc = rev === undefined ? changed : { ...changed, _rev: rev };
					const control = { _id: testId('finding'), type: 'x' };
					const [result, second] = await bulk(attempt.actor, target.scope, [doc, control]);
					expect(result?.ok).toBeUndefined();
					expect(['bad_request', 'conflict', 'forbidden']).toContain(result?.error);
					if (rev !== undefined && !isCanonicalRev(rev)) expect(result?.error).toBe('bad_request');
					expect(result?.reason).toEqual(expect.any(String));
					expect(second?.error).toBe('invalid'); // answered in request order, the batch goes on
					expect(await read(target.reader, target.scope, target.doc._id)).toEqual(before);
				}),
				{ numRuns: 40 },
			);
		}, 60_000);
	}
});
