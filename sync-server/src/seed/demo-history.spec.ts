/**
 * The demo's year of history (issue 14 item 7): valid documents, every action status, signed
 * rounds of each kind this year and last, added once to a demo store and never to another.
 */
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionDoc, AssessmentDoc, FindingDoc, RoundDoc, SignatureDoc } from '../../../src/lib/domain/index.ts';
import { ACTION_STATUSES, checkDoc, signOffState, unitScope } from '../../../src/lib/domain/index.ts';
import { UserStore } from '../auth/users.ts';
import type { Storage } from '../store/storage.ts';
import { openStorage } from '../store/storage.ts';
import { startServer, tempDir } from '../test-harness.ts';
import { seedIfEmpty } from './demo.ts';
import { addDemoHistory, demoHistoryDocs } from './demo-history.ts';

// Injected, never the real date; a seed early in January too (last year's follow-up must not lie ahead).
const NOW = new Date('2026-11-24T09:00:00.000Z');
const JANUARY = new Date('2027-01-03T08:00:00.000Z');

const dirs: string[] = [];
const open: Storage[] = [];
afterEach(async () => {
	for (const s of open.splice(0)) await s.close();
	for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function storage(): Promise<Storage> {
	const dir = await tempDir('trygg-history-');
	dirs.push(dir);
	const s = await openStorage({ kind: 'embedded', dataDir: dir });
	open.push(s);
	return s;
}

const all = (now: Date) => [...demoHistoryDocs(now).values()].flat();
/** 'ok', or why the shared schema refuses the document (so a failure names the field). */
const verdict = (doc: unknown): string => {
	const check = checkDoc(doc);
	return check.ok ? 'ok' : check.reason;
};

describe('demoHistoryDocs', () => {
	it.each([NOW, JANUARY])('gives only documents that pass checkDoc, in their own scope, none after now (%s)', (now) => {
		const docs = all(now);
		expect(docs.length).toBeGreaterThan(50);
		for (const [scope, list] of demoHistoryDocs(now)) {
			for (const doc of list) {
				expect(verdict(doc), doc._id).toBe('ok');
				expect(doc.scope, doc._id).toBe(scope);
				expect(Date.parse(doc.updatedAt as string), doc._id).toBeLessThanOrEqual(now.getTime());
			}
		}
	});

	it('has actions in every status, effective and not, and serious findings still open', () => {
		const docs = all(NOW);
		const actions = docs.filter((d) => d.type === 'action') as ActionDoc[];
		for (const status of ACTION_STATUSES)
			expect(
				actions.some((a) => a.status === status),
				status,
			).toBe(true);
		const checked = actions.filter((a) => a.status === 'effect_checked');
		expect(checked.map((a) => a.effective).sort()).toContain(true);
		expect(checked.map((a) => a.effective)).toContain(false);
		const openSerious = (docs.filter((d) => d.type === 'finding') as FindingDoc[]).filter(
			(f) =>
				f.status === 'open' &&
				(docs as AssessmentDoc[]).some((a) => a.type === 'assessment' && a.findingId === f._id && a.serious),
		);
		expect(openSerious.length).toBeGreaterThanOrEqual(2);
		const request = docs.find((d) => d.type === 'request');
		expect(request && !('answer' in request) && (request.replyBy as string) < '2026-11-24').toBe(true);
		expect(
			docs.some((d) => d.type === 'followup' && d.year === 2025 && d.managerSignature && d.safetyRepSignature),
		).toBe(true);
	});

	it.each([NOW, JANUARY])('signs rounds of each kind in each of the last two years, by both roles (%s)', (now) => {
		const docs = all(now);
		const daysAgo = (date: string) => (now.getTime() - Date.parse(`${date}T12:00:00Z`)) / 86_400_000;
		const rounds = docs.filter((d) => d.type === 'round') as RoundDoc[];
		const signatures = docs.filter((d) => d.type === 'signature') as SignatureDoc[];
		for (const [from, to] of [
			[0, 365],
			[365, 730],
		] as const) {
			for (const templateId of ['template:physical.v1', 'template:osa.v1', 'template:threat-violence.v1']) {
				const signed = rounds.filter(
					(r) =>
						r.status === 'signed' && r.templateId === templateId && daysAgo(r.date) >= from && daysAgo(r.date) < to,
				);
				expect(signed.length, `${templateId} ${from}`).toBeGreaterThan(0);
				for (const r of signed) expect(signOffState(r._id, signatures, [], r).complete).toBe(true);
			}
		}
		for (const status of ['planned', 'in_progress', 'done'] as const) {
			expect(rounds.some((r) => r.status === status)).toBe(true);
		}
	});
});

describe('addDemoHistory', () => {
	it('adds the history to a demo store once: a second start, even on a later day, adds nothing', async () => {
		const s = await storage();
		await seedIfEmpty(s.docs, new UserStore(s.accounts), NOW);
		const first = await addDemoHistory(s.docs, NOW);
		expect(first).toBe(all(NOW).length);
		const a1 = await s.docs.info(unitScope('a1'));
		expect(await addDemoHistory(s.docs, new Date(NOW.getTime() + 3 * 86_400_000))).toBe(0);
		expect((await s.docs.info(unitScope('a1'))).update_seq).toBe(a1.update_seq);
		const stored = await s.docs.changes(unitScope('a1'), { includeDocs: true });
		for (const row of stored.results) expect(verdict(row.doc), row.id).toBe('ok');
	});

	it('completes an interrupted history without touching what is there', async () => {
		const s = await storage();
		await seedIfEmpty(s.docs, new UserStore(s.accounts), NOW);
		const a2 = demoHistoryDocs(NOW).get(unitScope('a2')) ?? [];
		await s.docs.bulkDocs(unitScope('a2'), a2);
		expect(await addDemoHistory(s.docs, NOW)).toBe(all(NOW).length - a2.length);
	});

	it('never touches a store that is not the demo', async () => {
		const s = await storage();
		await s.docs.bulkDocs('org', [
			{
				_id: 'unit:real',
				type: 'unit',
				scope: 'org',
				name: 'Riktig enhet',
				parentId: null,
				level: 'organisation',
				createdAt: NOW.toISOString(),
				updatedAt: NOW.toISOString(),
			},
		]);
		expect(await addDemoHistory(s.docs, NOW)).toBe(0);
		expect((await s.docs.info(unitScope('a1'))).doc_count).toBe(0);
	});
});

describe('on start', () => {
	it('a server asked for the history (npm start) has it in Enhet A1; one seeding only the demo has none', async () => {
		const servers = [await startServer({ seedHistory: true }), await startServer()];
		try {
			const counts = await Promise.all(
				servers.map(async (h) => {
					const cookie = await h.signIn('chef');
					const res = await h.call({ method: 'GET', url: `/db/${unitScope('a1')}`, cookie });
					return (res.json() as { doc_count: number }).doc_count;
				}),
			);
			expect(counts).toEqual([demoHistoryDocs(NOW).get(unitScope('a1'))?.length, 0]);
		} finally {
			for (const h of servers) await h.close();
		}
	});
});
