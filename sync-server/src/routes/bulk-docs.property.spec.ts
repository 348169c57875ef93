/**
 * Property: no malformed document is ever stored. fast-check takes valid documents of every
 * unit type, breaks each in one way (a field of the wrong kind, an extra field, a missing
 * field, a wrong id prefix, a wrong scope or unit, a bad enum value, over 1 MB) and posts
 * them through `_bulk_docs` next to one valid control document. Every broken one must be
 * refused per document and be absent from `_all_docs` and `_changes`; the control is stored.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DOC_BYTES } from '../../../src/lib/domain/index.ts';
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

const SCOPE = 'unit-a1';

/** Valid documents chef (manager of a1) may write; each call makes fresh ids. */
const VALID: (() => Record<string, unknown>)[] = [
	() => roundDoc('a1'),
	() => answerDoc(SCOPE, testId('round')),
	() => findingDoc(SCOPE, { roundId: testId('round') }),
	() => assessmentDoc(SCOPE, testId('finding'), { roundId: testId('round') }),
	() => actionDoc(SCOPE, { findingId: testId('finding') }),
	() => signatureDoc(SCOPE, testId('round'), { signedBy: 'chef', role: 'manager' }),
];

/** Fields whose absence or null is valid somewhere, so removing or nulling them proves nothing. */
const OPTIONAL = new Set([
	'_rev',
	'clock',
	'photos',
	'roundId',
	'findingId',
	'itemId',
	'followsUp',
	'followUp',
	'postponeReason',
	'reservation',
]);
/**
 * Fields an app one version older does not write: a document without them is that app's, which the
 * server brings to today's shape on the way in (decision 0026), not a broken one. So is a `draft` finding.
 */
const OLDER_APP_FIELDS: Readonly<Record<string, readonly string[]>> = {
	action: ['source'],
	answer: ['stamp'],
	finding: ['createdBy'],
};
const NULLABLE = new Set(['start', 'due', 'done', 'followUp', 'parentId', 'value']);

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const anyValue = fc.oneof(
	fc.integer(),
	fc.constant(null),
	fc.boolean(),
	fc.string({ maxLength: 20 }),
	fc.array(fc.integer(), { maxLength: 3 }),
	fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

type Mutation = (doc: Record<string, unknown>) => fc.Arbitrary<Record<string, unknown>>;

const MUTATIONS: Record<string, Mutation> = {
	wrongKind: (doc) =>
		fc
			.tuple(fc.constantFrom(...Object.keys(doc)), anyValue)
			.filter(([key, value]) => kind(value) !== kind(doc[key]) && !(NULLABLE.has(key) && value === null))
			.map(([key, value]) => ({ ...doc, [key]: value })),
	extraField: (doc) =>
		fc
			.tuple(fc.string({ minLength: 1, maxLength: 12 }), anyValue)
			.filter(([key]) => !(key in doc) && !OPTIONAL.has(key) && key !== '_deleted')
			.map(([key, value]) => ({ ...doc, [key]: value })),
	missingField: (doc) =>
		fc
			.constantFrom(
				...Object.keys(doc).filter((k) => !OPTIONAL.has(k) && !OLDER_APP_FIELDS[String(doc.type)]?.includes(k)),
			)
			.map((key) => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== key))),
	wrongIdPrefix: (doc) =>
		fc
			.oneof(
				fc.constantFrom(
					'unit',
					'template',
					'round',
					'answer',
					'finding',
					'assessment',
					'action',
					'signature',
					'user',
					'x',
				),
				fc.string({ maxLength: 8 }),
			)
			.filter((prefix) => prefix !== doc.type)
			.map((prefix) => ({ ...doc, _id: `${prefix}:${String(doc._id).split(':')[1]}` })),
	wrongScope: (doc) =>
		fc
			.oneof(
				fc.constantFrom('org', 'reports', 'reports-a1', 'unit-b1', 'unit-a2', 'user-chef', 'unit-A1', ''),
				fc.string({ maxLength: 12 }),
			)
			.filter((scope) => scope !== SCOPE)
			.map((scope) => ({ ...doc, scope })),
	wrongEnum: (doc) =>
		fc
			.tuple(
				fc.constantFrom(...['status', 'value', 'category', 'role', 'level', 'serious'].filter((k) => k in doc)),
				fc.string({ maxLength: 12 }),
			)
			.filter(([, value]) => !['planned', 'yes', 'physical', 'manager', 'open'].includes(value))
			.filter(([key, value]) => !(doc.type === 'finding' && key === 'status' && value === 'draft'))
			.map(([key, value]) => ({ ...doc, [key]: value })),
	oversized: (doc) => fc.constant({ ...doc, _pad: 'x'.repeat(MAX_DOC_BYTES) }),
	asTombstoneWithFields: (doc) => fc.constant({ ...doc, _deleted: true }),
};

/** A broken document: a valid one of any type, with one mutation applied. */
const brokenDoc = fc
	.tuple(fc.constantFrom(...VALID), fc.constantFrom(...Object.keys(MUTATIONS)))
	.chain(([make, name]) => {
		const mutate = MUTATIONS[name] as Mutation;
		return mutate(make()).map((doc) => ({ name, doc }));
	});

let h: Harness;
let cookie: string;
let controls = 0;

beforeAll(async () => {
	h = await startServer();
	cookie = await h.signIn('chef');
});
afterAll(async () => {
	await h.close();
});

describe('_bulk_docs never stores a malformed document', () => {
	it('refuses every broken document per document and stores none of them', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(brokenDoc, { minLength: 1, maxLength: 4 }), async (broken) => {
				const control = roundDoc('a1');
				const docs = [...broken.map((b) => b.doc), control];
				const res = await h.call({ method: 'POST', url: `/db/${SCOPE}/_bulk_docs`, cookie, payload: { docs } });
				if (res.statusCode === 200) {
					const rows = res.json() as { id: string; ok?: boolean; error?: string }[];
					expect(rows).toHaveLength(docs.length);
					broken.forEach((b, i) => {
						expect(rows[i], `${b.name} was accepted`).toMatchObject({
							error: expect.stringMatching(/^(invalid|forbidden)$/),
						});
					});
					expect(rows[docs.length - 1]).toMatchObject({ id: control._id, ok: true });
					controls++;
				} else {
					// The body parser may refuse the whole request (e.g. a `__proto__` key): nothing is stored either.
					expect(res.statusCode).toBe(400);
				}
				const ids = broken.map((b) => b.doc._id).filter((id): id is string => typeof id === 'string');
				if (ids.length > 0) {
					const all = await h.call({ method: 'POST', url: `/db/${SCOPE}/_all_docs`, cookie, payload: { keys: ids } });
					for (const row of all.json().rows as { error?: string }[]) expect(row.error).toBe('not_found');
				}
			}),
			{ numRuns: 80 },
		);
		// The scope's whole history holds the controls and nothing else.
		const changes = await h.call({ method: 'GET', url: `/db/${SCOPE}/_changes?include_docs=true`, cookie });
		const results = changes.json().results as { doc: { type: string; createdBy: string } }[];
		expect(results).toHaveLength(controls);
		expect(controls).toBeGreaterThan(0);
		for (const row of results) expect(row.doc).toMatchObject({ type: 'round', createdBy: 'chef' });
	});
});
