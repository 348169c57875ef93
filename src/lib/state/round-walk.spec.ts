/**
 * The round walk with its collaborators: a finding's typed text goes through the one autosave
 * (saved after a pause, kept with the error when the write fails, backed up when the page is
 * hidden, restored and saved on the next open), and records name the person on the given clock.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDoc } from '../db/docs-repo.ts';
import { AppError, newId, type FindingDoc } from '../domain/index.ts';
import { RoundWalk } from './round-walk.svelte.ts';
import { MANAGER_A1, testCollaborators, type TestCollaborators } from './test-collaborators.ts';

const NOW = new Date('2026-11-23T09:00:00.000Z');
const LATER = new Date('2026-11-23T09:05:00.000Z');
const ROUND = 'round:a1-test';
const BACKUP = `trygg.unsaved.chef.a1|${ROUND}`;

function fakePage() {
	const win = new EventTarget();
	const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
	return {
		window: win,
		document: doc,
		leave() {
			win.dispatchEvent(new Event('pagehide'));
		},
	};
}

let c: TestCollaborators;
let finding: FindingDoc;
beforeEach(async () => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
	c = testCollaborators(MANAGER_A1, NOW);
	finding = {
		_id: newId('finding'),
		type: 'finding',
		scope: 'unit-a1',
		roundId: ROUND,
		title: 'Hal trappa',
		description: '',
		category: 'physical',
		location: '',
		status: 'open',
		createdBy: 'chef.a1',
		createdAt: NOW.toISOString(),
		updatedAt: NOW.toISOString(),
	};
	await c.writer.save(finding);
	c.clock.now = () => LATER;
});
afterEach(() => {
	vi.useRealTimers();
	c.db.close();
});

async function storedFinding(): Promise<FindingDoc | undefined> {
	const doc = await getDoc(c.db, finding._id);
	return doc?.type === 'finding' ? doc : undefined;
}

describe('RoundWalk', () => {
	it("saves a finding's typed description after a pause, on the given clock", async () => {
		const walk = new RoundWalk(ROUND, c);
		walk.typeFinding(finding, 'description', 'Is på trappan');
		expect(walk.findingText(finding, 'description')).toBe('Is på trappan');
		await vi.advanceTimersByTimeAsync(699);
		expect((await storedFinding())?.description).toBe('');
		await vi.advanceTimersByTimeAsync(1);
		await vi.waitFor(async () => expect((await storedFinding())?.description).toBe('Is på trappan'));
		expect((await storedFinding())?.updatedAt).toBe(LATER.toISOString());
		expect(walk.drafts.get(`finding|${finding._id}|description`)).toBeUndefined();
	});

	it('keeps the text shown and the error when the write fails, and an emptied title keeps the stored one', async () => {
		const walk = new RoundWalk(ROUND, c);
		c.failWith.error = new AppError('invalid', 'refused');
		walk.typeFinding(finding, 'location', 'Trapphus B');
		await walk.flushFinding(finding._id, 'location');
		expect(walk.findingText(finding, 'location')).toBe('Trapphus B');
		expect((walk.error as AppError).code).toBe('invalid');
		c.failWith.error = undefined;
		walk.typeFinding(finding, 'title', '  ');
		await walk.flushAll();
		expect((await storedFinding())?.location).toBe('Trapphus B');
		expect((await storedFinding())?.title).toBe('Hal trappa');
		expect(walk.findingText(finding, 'title')).toBe('Hal trappa');
	});

	it('backs up unsaved text when the page is left, and the next open shows and saves it', async () => {
		const walk = new RoundWalk(ROUND, c);
		const page = fakePage();
		walk.attach(page);
		c.failWith.error = new TypeError('aborted');
		walk.typeFinding(finding, 'description', 'Skrivet innan omladdning');
		page.leave();
		expect(JSON.parse(c.storage.getItem(BACKUP) ?? 'null')).toEqual([
			[`finding|${finding._id}|description`, 'Skrivet innan omladdning'],
		]);
		await vi.advanceTimersByTimeAsync(0);

		c.failWith.error = undefined;
		const next = new RoundWalk(ROUND, c);
		await next.saveRestored();
		expect(next.findingText(finding, 'description')).toBe('Skrivet innan omladdning');
		await vi.waitFor(async () => expect((await storedFinding())?.description).toBe('Skrivet innan omladdning'));
		await vi.waitFor(() => expect(c.storage.getItem(BACKUP)).toBeNull());
	});
});
