/**
 * What the server keeps in memory of `org` (decision 0042): the templates and campaigns the rules
 * read for nearly every save. Kept only while this process is the store's only writer, and gone
 * with any write to `org`, so a rule never judges by a template that has changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TemplateDoc } from '../../src/lib/domain/index.ts';
import { PUBLISHED_TEMPLATE_REASON } from '../../src/lib/domain/older-app.ts';
import { starterTemplates } from '../../src/lib/domain/starter-templates.ts';
import { ServerContext } from './context.ts';
import type { AllDocsRow, DocStore } from './store/doc-store.ts';
import { PouchStore } from './store/pouch-store.ts';
import type { Harness } from './test-harness.ts';
import { directContext, roundDoc, startServer, tempDir } from './test-harness.ts';

const NOW = '2026-11-23T09:00:00.000Z';

describe('org documents kept by the server', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startServer();
	});
	afterAll(async () => {
		await h.close();
	});
	const bulk = (name: string, scope: string, docs: object[]) => h.bulk(name, scope, docs);

	it('judges a round by the template as it is now, after HR writes it', async () => {
		// A template id nobody has written: a round naming it is not judged by any template.
		const [physical] = starterTemplates(NOW) as [TemplateDoc];
		const id = 'template:kept-in-memory.v1';
		const [first] = await bulk('chef', 'unit-a1', [roundDoc('a1', { templateId: id, templateVersion: 1 })]);
		expect(first?.ok).toBe(true);
		// HR writes a draft under that id: the next round on it is refused, as it would be without
		// anything kept.
		const draft = { ...physical, _id: id, family: 'kept-in-memory', version: 1, status: 'draft' };
		delete (draft as { _rev?: string })._rev;
		const [written] = await bulk('hr', 'org', [draft]);
		expect(written?.ok).toBe(true);
		const [second] = await bulk('chef', 'unit-a1', [roundDoc('a1', { templateId: id, templateVersion: 1 })]);
		expect(second).toMatchObject({ error: 'forbidden', reason: PUBLISHED_TEMPLATE_REASON });
	});
});

describe('ServerContext.orgDocs', () => {
	/** A store that counts reads of `org` and can hold one back. */
	function counting(inner: DocStore) {
		const state = { reads: 0, gate: undefined as Promise<void> | undefined };
		const store = new Proxy(inner, {
			get(target, prop, receiver) {
				if (prop === 'allDocs') {
					return async (scope: string, keys: string[], opts?: { includeDocs?: boolean }): Promise<AllDocsRow[]> => {
						if (scope === 'org') state.reads++;
						const rows = await target.allDocs(scope, keys, opts);
						if (scope === 'org' && state.gate) await state.gate;
						return rows;
					};
				}
				const value: unknown = Reflect.get(target, prop, receiver);
				return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
			},
		});
		return { store, state };
	}

	it('reads once while nothing is written, hands out frozen documents, and reads again after a write', async () => {
		const dir = await tempDir();
		const inner = new PouchStore({ dataDir: dir });
		const { store, state } = counting(inner);
		const d = await directContext(store, dir);
		const ctx = new ServerContext({
			store,
			users: d.ctx.users,
			secret: 'x',
			secureCookies: false,
			now: d.ctx.now,
			uuid: 'test',
			quotas: d.ctx.quotas,
			onlyWriter: true,
		});
		try {
			const id = 'template:physical.v1';
			const one = await ctx.orgDocs([id, 'template:none.v1']);
			expect([...one.keys()]).toEqual([id]);
			const reads = state.reads;
			const two = await ctx.orgDocs([id, 'template:none.v1']);
			expect(state.reads).toBe(reads);
			expect(two.get(id)).toBe(one.get(id));
			expect(Object.isFrozen(two.get(id))).toBe(true);
			expect(() => ((two.get(id) as unknown as { title: string }).title = 'x')).toThrow(TypeError);

			ctx.orgChanged();
			await ctx.orgDocs([id]);
			expect(state.reads).toBe(reads + 1);

			// A read that a write overtakes is not kept.
			let open = (): void => undefined;
			state.gate = new Promise((r) => (open = r));
			ctx.orgChanged();
			const late = ctx.orgDocs([id]);
			ctx.orgChanged();
			open();
			state.gate = undefined;
			await late;
			const before = state.reads;
			await ctx.orgDocs([id]);
			expect(state.reads).toBe(before + 1);
		} finally {
			await d.close();
			await inner.close();
		}
	});

	it('reads every time when other servers may write (CouchDB)', async () => {
		const dir = await tempDir();
		const inner = new PouchStore({ dataDir: dir });
		const { store, state } = counting(inner);
		const d = await directContext(store, dir);
		try {
			await d.ctx.orgDocs(['template:physical.v1']);
			const reads = state.reads;
			await d.ctx.orgDocs(['template:physical.v1']);
			expect(state.reads).toBe(reads + 1);
		} finally {
			await d.close();
			await inner.close();
		}
	});
});
