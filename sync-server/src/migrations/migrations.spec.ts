/**
 * Upgrading a data folder (decision 0026): today's server started on a folder each earlier schema
 * of main left brings every document to today's shape before it answers, records the data
 * version, plans rounds on the migrated templates, and changes nothing on a second start.
 */
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDoc, idKey, idType, unitScope } from '../../../src/lib/domain/index.ts';
import type { TemplateDoc } from '../../../src/lib/domain/index.ts';
import { starterSurveys } from '../../../src/lib/domain/starter-surveys.ts';
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
import { plannable } from '../../../src/lib/domain/templates.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';
import { openStorage } from '../store/storage.ts';
import type { Harness } from '../test-harness.ts';
import { roundDoc, startServer, tempDir, testId } from '../test-harness.ts';
import { DATA_VERSION, UNKNOWN_AUTHOR, upgradeDoc } from './migrations.ts';
import { OLDER_SCHEMAS, OLD_NOW, OLD_UNIT, foundationTemplates, writeOlderStore } from './older-stores.ts';
import { DATA_VERSION_DOC, migrateStore } from './run.ts';

const dirs: string[] = [];
const servers: Harness[] = [];
afterEach(async () => {
	for (const s of servers.splice(0)) await s.close();
	for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function olderFolder(schema: (typeof OLDER_SCHEMAS)[number]) {
	const dir = await tempDir('trygg-migrate-');
	dirs.push(dir);
	return { dir, ids: await writeOlderStore(dir, schema) };
}

async function start(dir: string): Promise<Harness> {
	const server = await startServer({}, dir);
	servers.push(server);
	return server;
}

async function stop(server: Harness): Promise<void> {
	servers.splice(servers.indexOf(server), 1);
	await server.close();
}

/** Every live document of a scope. */
async function liveDocs(store: DocStore, scope: string): Promise<StoredDoc[]> {
	const { results } = await store.changes(scope, { includeDocs: true });
	return results.flatMap((r) => (r.deleted || !r.doc ? [] : [r.doc]));
}

/** Read the folder with the server stopped: the documents of org and every unit scope, and the update sequences. */
async function readFolder(dir: string) {
	const storage = await openStorage({ kind: 'embedded', dataDir: dir });
	try {
		const org = await liveDocs(storage.docs, 'org');
		const scopes = ['org', ...org.filter((d) => idType(d._id) === 'unit').map((d) => unitScope(idKey(d._id)))];
		const docs = new Map<string, StoredDoc[]>();
		const seqs = new Map<string, string>();
		for (const scope of scopes) {
			docs.set(scope, await liveDocs(storage.docs, scope));
			seqs.set(scope, (await storage.docs.info(scope)).update_seq);
		}
		const record = await storage.docs.getLocal('org', DATA_VERSION_DOC);
		return { docs, seqs, record };
	} finally {
		await storage.close();
	}
}

// Each test starts one or two servers on a copied data folder: on a loaded shared machine that
// can take longer than the suite's default 20 s.
describe.each(OLDER_SCHEMAS)('a data folder of the %s schema', { timeout: 60_000 }, (schema) => {
	it('is brought to today’s schema at start, recorded, and a second start changes nothing', async () => {
		const { dir, ids } = await olderFolder(schema);

		const first = await start(dir);
		expect(first.app.dataVersion.version).toBe(DATA_VERSION);
		const run = first.app.migrated;
		expect(run).toMatchObject({ from: 0, to: DATA_VERSION, left: [] });
		expect(run?.changed).toBeGreaterThan(0);
		await stop(first);

		const after = await readFolder(dir);
		for (const [scope, docs] of after.docs) {
			for (const doc of docs) expect({ scope, id: doc._id, check: checkDoc(doc).ok }).toMatchObject({ check: true });
		}
		expect(after.record).toMatchObject({ version: DATA_VERSION, runs: [{ from: 0, to: DATA_VERSION }] });
		// Nothing is lost: every document the older version stored is still there (a template under its version id).
		const unitIds = new Set(after.docs.get(unitScope(OLD_UNIT))?.map((d) => d._id));
		for (const id of ids.unit) expect(unitIds.has(id)).toBe(true);
		const orgIds = new Set(after.docs.get('org')?.map((d) => d._id));
		// The app plans rounds on these: published, not retired, the latest of their family.
		const templates = (after.docs.get('org') ?? []).filter((d) => d.type === 'template') as unknown as TemplateDoc[];
		expect(
			plannable(templates)
				.map((t) => t._id)
				.sort(),
		).toEqual(
			starterTemplates(OLD_NOW)
				.map((t) => t._id)
				.sort(),
		);
		expect(orgIds.has('template:physical')).toBe(false);
		// An organisation from before surveys gets the four starter surveys (issue 13).
		const surveys = (after.docs.get('org') ?? []).filter((d) => d.type === 'survey').map((d) => d._id);
		expect(surveys.sort()).toEqual(
			starterSurveys(OLD_NOW)
				.map((s) => s._id)
				.sort(),
		);
		const round = after.docs.get(unitScope(OLD_UNIT))?.find((d) => d._id === ids.oldRoundId);
		expect(round?.templateId).toBe('template:physical.v1');

		const second = await start(dir);
		expect(second.app.dataVersion.runs).toHaveLength(1);
		expect(second.app.migrated).toBeUndefined();
		await stop(second);
		const again = await readFolder(dir);
		expect(again.seqs).toEqual(after.seqs);
		expect(again.record?._rev).toBe(after.record?._rev);
	});

	it('plans a round on a migrated template, and takes the round the older app planned offline', async () => {
		const { dir } = await olderFolder(schema);
		const server = await start(dir);
		const cookie = await server.signIn('chef');
		const scope = unitScope(OLD_UNIT);
		const planned = roundDoc(OLD_UNIT, { _id: testId('round'), templateId: 'template:physical.v1' });
		// As the older app sends it: the template by its first id.
		const offline = roundDoc(OLD_UNIT, { _id: testId('round'), templateId: 'template:physical' });
		const res = await server.call({
			method: 'POST',
			url: `/db/${scope}/_bulk_docs`,
			cookie,
			payload: { docs: [planned, offline] },
		});
		const results = res.json() as { id: string; rev?: string; reason?: string }[];
		expect(results.map((r) => r.reason)).toEqual([undefined, undefined]);
		const read = await server.call({
			method: 'POST',
			url: `/db/${scope}/_all_docs?include_docs=true`,
			cookie,
			payload: { keys: [offline._id] },
		});
		const [row] = (read.json() as { rows: { doc?: StoredDoc }[] }).rows;
		expect(row?.doc).toMatchObject({ templateId: 'template:physical.v1', templateVersion: 1 });
	});
});

describe('migrations', { timeout: 60_000 }, () => {
	it('move a first-schema template to its version id and delete the old one, keeping the content', () => {
		const [old] = foundationTemplates() as [StoredDoc];
		const out = upgradeDoc({ ...old, _rev: '1-a' }, 'org');
		expect(out?.map((d) => d._id)).toEqual(['template:physical.v1', 'template:physical']);
		expect(out?.[0]).toMatchObject({ family: 'physical', status: 'published', sections: old.sections });
		expect(out?.[0]?._rev).toBeUndefined();
		expect(out?.[1]).toEqual({ _id: old._id, _rev: '1-a', _deleted: true, type: 'template', scope: 'org' });
		expect(checkDoc(out?.[0]).ok).toBe(true);
	});

	it('give a draft finding’s risk its own assessment, and name no author the earlier schema did not keep', async () => {
		const { dir } = await olderFolder('policy');
		const server = await start(dir);
		await stop(server);
		const unit = (await readFolder(dir)).docs.get(unitScope(OLD_UNIT)) ?? [];
		const byId = new Map(unit.map((d) => [d._id, d]));
		expect(byId.get('finding:old-draft')).toMatchObject({ status: 'open', createdBy: UNKNOWN_AUTHOR.account });
		expect(byId.get('finding:old-open')).not.toHaveProperty('risk');
		expect(byId.get('assessment:old-open-risk')).toMatchObject({
			findingId: 'finding:old-open',
			probability: 2,
			consequence: 3,
			serious: false,
			assessedBy: UNKNOWN_AUTHOR.account,
		});
		expect(byId.get('answer:old-1')).toMatchObject({ value: 'partly', answeredBy: UNKNOWN_AUTHOR.account });
		expect(byId.get('action:old-1')).toMatchObject({ unitId: OLD_UNIT, source: 'finding', comment: '' });
		expect(byId.get('action:old-2')).toMatchObject({ source: 'other', estimatedCost: null });
	});

	it('leave a template whose version id holds other content, and name it in the record', async () => {
		const dir = await tempDir('trygg-migrate-');
		dirs.push(dir);
		const storage = await openStorage({ kind: 'embedded', dataDir: dir });
		try {
			const [old] = foundationTemplates() as [StoredDoc];
			const [today] = starterTemplates('2026-11-24T09:00:00.000Z') as [TemplateDoc];
			const edited = { ...today, title: { sv: 'Egen rond', en: 'Own round' } };
			expect((await storage.docs.bulkDocs('org', [old, edited])).every((r) => 'rev' in r)).toBe(true);
			const { run } = await migrateStore(storage.docs, new Date('2026-11-24T09:00:00.000Z'));
			expect(run?.left).toEqual([
				{ scope: 'org', id: 'template:physical', reason: 'template:physical.v1 exists with other content' },
			]);
			const rows = await storage.docs.allDocs('org', ['template:physical', 'template:physical.v1'], {
				includeDocs: true,
			});
			expect(rows.map((r) => ('doc' in r ? r.doc?.title : undefined))).toEqual([old.title, edited.title]);
		} finally {
			await storage.close();
		}
	});
});
