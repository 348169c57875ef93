import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { newId, type RoundDoc } from '../domain/index.ts';
import { openUserDb } from './app-db.ts';
import { saveDoc } from './docs-repo.ts';
import { queueResponse } from './surveys-repo.ts';
import { forgetPersonIfSent, unsentCount } from './sign-out.ts';

const NOW = '2026-12-01T08:00:00.000Z';

function round(): RoundDoc {
	return {
		_id: newId('round'),
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: '2026-12-01',
		status: 'planned',
		participants: [],
		createdBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
	};
}

/** A Storage in memory, as the browser's localStorage behaves. */
function memoryStorage(entries: Record<string, string> = {}): Storage {
	const map = new Map(Object.entries(entries));
	return {
		get length() {
			return map.size;
		},
		key: (i) => [...map.keys()][i] ?? null,
		getItem: (k) => map.get(k) ?? null,
		setItem: (k, v) => void map.set(k, v),
		removeItem: (k) => void map.delete(k),
		clear: () => map.clear(),
	};
}

async function exists(name: string): Promise<boolean> {
	return (await Dexie.getDatabaseNames()).includes(name);
}

describe('signing out on a shared device', () => {
	it('keeps each person in their own database: the next person opens none of the previous one’s data', async () => {
		const first = openUserDb('anna-shared');
		await saveDoc(first, round());
		first.close();
		const next = openUserDb('bo-shared');
		expect(await next.docs.count()).toBe(0);
		expect(await next.outbox.count()).toBe(0);
		next.close();
	});

	it('wipes the database and the person’s device keys when nothing is unsent', async () => {
		const db = openUserDb('cecilia-sent');
		await db.docs.put(round());
		expect(await unsentCount(db)).toBe(0);
		db.close();
		const storage = memoryStorage({
			'trygg.prereportRounds.cecilia-sent': '[]',
			'trygg.prereportRounds.other': '[]',
			'trygg.locale': 'sv',
		});
		expect(await forgetPersonIfSent('cecilia-sent', storage)).toBe(true);
		expect(await exists('trygg-cecilia-sent')).toBe(false);
		expect(storage.getItem('trygg.prereportRounds.cecilia-sent')).toBeNull();
		expect(storage.getItem('trygg.prereportRounds.other')).toBe('[]');
		expect(storage.getItem('trygg.locale')).toBe('sv');
	});

	it('keeps the database, queue and all, while a change or photo is unsent, or typed text is not stored', async () => {
		const db = openUserDb('david-offline');
		await saveDoc(db, round());
		expect(await unsentCount(db)).toBe(1);
		db.close();
		expect(await forgetPersonIfSent('david-offline', memoryStorage())).toBe(false);
		const again = openUserDb('david-offline');
		expect(await again.outbox.count()).toBe(1);
		await again.outbox.clear();
		await again.blobs.put({
			sha256: 'a'.repeat(64),
			scope: 'unit-a1',
			mime: 'image/jpeg',
			size: 1,
			blob: new Blob(['x']),
			state: 'pending',
			storedAt: NOW,
		});
		expect(await unsentCount(again)).toBe(1);
		again.close();
		expect(await forgetPersonIfSent('david-offline', memoryStorage())).toBe(false);
		const photos = openUserDb('david-offline');
		await photos.blobs.clear();
		photos.close();
		const typed = memoryStorage({ 'trygg.unsaved.david-offline|round:x': '[["a","text"]]' });
		expect(await forgetPersonIfSent('david-offline', typed)).toBe(false);
		expect(await exists('trygg-david-offline')).toBe(true);
		expect(await forgetPersonIfSent('david-offline', memoryStorage())).toBe(true);
	});
});

describe('signing out with a survey response queued', () => {
	it('keeps the database while an anonymous response is waiting to be sent', async () => {
		const db = openUserDb('erik-survey');
		await queueResponse(db, 'campaign:x', { meaningful: 4 });
		expect(await unsentCount(db)).toBe(1);
		db.close();
		expect(await forgetPersonIfSent('erik-survey', memoryStorage())).toBe(false);
		const again = openUserDb('erik-survey');
		expect(await again.anonOutbox.get('campaign:x')).toMatchObject({ answers: { meaningful: 4 } });
		again.close();
	});
});
