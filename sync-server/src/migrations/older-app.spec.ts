/**
 * Documents pushed by an app one version older (decision 0026): the server brings them to today's
 * shape on the way in, validated by today's schema, or refuses each with its true reason in
 * CouchDB's per-document shape (`invalid`, a reason that says an older app wrote it), never as a
 * permission refusal; a refused document is not stored and nothing stored changes.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OLDER_APP_REASON, PUBLISHED_TEMPLATE_REASON, checkDoc } from '../../../src/lib/domain/index.ts';
import type { StoredDoc } from '../store/doc-store.ts';
import { openStorage } from '../store/storage.ts';
import type { Harness } from '../test-harness.ts';
import { displayNameOf, roundDoc, startServer, tempDir, testId } from '../test-harness.ts';
import {
	OLD_UNIT,
	foundationRound,
	foundationTemplates,
	policyAction,
	policyAnswer,
	policyFinding,
	writeOlderStore,
} from './older-stores.ts';

const SCOPE = `unit-${OLD_UNIT}`;
type Result = { id: string; rev?: string; error?: string; reason?: string };

let server: Harness;
let dir: string;
beforeAll(async () => {
	dir = await tempDir('trygg-older-app-');
	await writeOlderStore(dir, 'plan');
	// A template only a first-schema app wrote, under an id no migration can move: left as it was.
	const storage = await openStorage({ kind: 'embedded', dataDir: dir });
	try {
		const [physical] = foundationTemplates() as [StoredDoc];
		await storage.docs.bulkDocs('org', [{ ...physical, _id: 'template:Egen_rond' }]);
	} finally {
		await storage.close();
	}
	server = await startServer({}, dir);
});
afterAll(async () => {
	await server.close();
	await rm(dir, { recursive: true, force: true });
});

async function push(name: string, scope: string, docs: object[]): Promise<Result[]> {
	const cookie = await server.signIn(name);
	const res = await server.call({ method: 'POST', url: `/db/${scope}/_bulk_docs`, cookie, payload: { docs } });
	return res.json() as Result[];
}

async function read(name: string, scope: string, id: string): Promise<StoredDoc | undefined> {
	const cookie = await server.signIn(name);
	const res = await server.call({
		method: 'POST',
		url: `/db/${scope}/_all_docs?include_docs=true`,
		cookie,
		payload: { keys: [id] },
	});
	return (res.json() as { rows: { doc?: StoredDoc }[] }).rows[0]?.doc ?? undefined;
}

describe('a document an older app pushes', () => {
	it('is brought to today’s shape and stored when it can be: a round, an action, an answer', async () => {
		const round = foundationRound(testId('round'));
		const action = policyAction(testId('action'));
		const answer = policyAnswer(testId('answer'), round._id);
		const results = await push('chef', SCOPE, [round, action, answer]);
		expect(results.map((r) => r.reason)).toEqual([undefined, undefined, undefined]);

		const storedRound = await read('chef', SCOPE, round._id);
		expect(storedRound).toMatchObject({ templateId: 'template:physical.v1', templateVersion: 1 });
		const storedAction = await read('chef', SCOPE, action._id);
		expect(storedAction).toMatchObject({ unitId: OLD_UNIT, source: 'other', comment: '', estimatedCost: null });
		// The earlier schema named no author: the record names the account that sent it.
		const storedAnswer = await read('chef', SCOPE, answer._id);
		expect(storedAnswer).toMatchObject({ answeredBy: 'chef', answeredByName: displayNameOf('chef'), fixedNote: '' });
		for (const doc of [storedRound, storedAction, storedAnswer]) expect(checkDoc(doc).ok).toBe(true);
	});

	it('is refused as an older app’s document, not as a permission, when it cannot be brought over', async () => {
		const [template] = foundationTemplates() as [StoredDoc];
		const finding = policyFinding(testId('finding'), 'round:old-1', { probability: 1, consequence: 2, serious: false });
		const [templateResult] = await push('hr', 'org', [{ ...template, _id: 'template:egen' }]);
		const [findingResult] = await push('chef', SCOPE, [finding]);
		for (const result of [templateResult, findingResult]) {
			expect(result?.error).toBe('invalid');
			expect(result?.reason?.startsWith(`${OLDER_APP_REASON}: `)).toBe(true);
		}
		expect(await read('hr', 'org', 'template:egen')).toBeUndefined();
		expect(await read('chef', SCOPE, finding._id)).toBeUndefined();
	});

	it('is refused for its template’s true reason when the round names one that was never migrated', async () => {
		const onOld = roundDoc(OLD_UNIT, { _id: testId('round'), templateId: 'template:Egen_rond' });
		const [result] = await push('chef', SCOPE, [onOld]);
		expect(result).toMatchObject({
			error: 'invalid',
			reason: `${OLDER_APP_REASON}: template:Egen_rond is a template without versions`,
		});
		expect(result?.reason).not.toBe(PUBLISHED_TEMPLATE_REASON);
	});

	it('records the never-migrated template in the data version record', () => {
		expect(server.app.migrated?.left).toEqual([
			{ scope: 'org', id: 'template:Egen_rond', reason: expect.stringMatching(/^family/) as unknown as string },
		]);
	});
});
