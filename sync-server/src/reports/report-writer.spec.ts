import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PouchStore } from '../store/pouch-store.ts';
import { ReportWriter } from './report-writer.ts';

describe('ReportWriter', () => {
	const dirs: string[] = [];
	afterEach(() => {
		for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
	});

	it('writes new and changed figures only, keeping createdAt', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'report-writer-'));
		dirs.push(dir);
		const store = new PouchStore({ dataDir: dir });
		let at = new Date('2026-03-01T10:00:00Z');
		const writer = new ReportWriter(store, () => at);
		const body = { _id: 'stats:a1', type: 'stats' as const, unitId: 'a1', figures: { b: 1, a: 2 } };
		expect(await writer.write('reports', [body])).toBe(1);
		at = new Date('2026-03-02T10:00:00Z');
		// Same figures with keys in another order: no write.
		expect(await writer.write('reports', [{ ...body, figures: { a: 2, b: 1 } }])).toBe(0);
		expect(await writer.write('reports', [{ ...body, figures: { a: 3, b: 1 } }])).toBe(1);
		const [row] = await store.allDocs('reports', ['stats:a1'], { includeDocs: true });
		const doc = row && 'doc' in row ? row.doc : undefined;
		expect(doc).toMatchObject({
			scope: 'reports',
			createdAt: '2026-03-01T10:00:00.000Z',
			updatedAt: '2026-03-02T10:00:00.000Z',
			figures: { a: 3, b: 1 },
		});
		await store.close();
	});
});
