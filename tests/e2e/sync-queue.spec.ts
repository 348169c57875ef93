/**
 * Sync queue and conflicts (issue 3, items 3 and 8): two devices edit the same round offline and
 * both end with both edits; a change the server refuses shows on the sync screen with its reason
 * and stays until discarded; the sync screen has zero axe violations in Swedish and English.
 *
 * The offline edits are written into the device's
 * IndexedDB the way a local save writes them (document, outbox entry, clock stamp of the changed
 * field with this device's id). Stamping itself is covered by the unit tests of docs-repo and
 * the replicator; the round is created through the app, so its first stamps are the app's own.
 */
import { expect, type Page } from '@playwright/test';
import { signIn, expectAccessible, waitForServiceWorker, editOnDevice, test } from './fixtures.ts';

/** A document as stored on this device, or undefined. */
async function readOnDevice(page: Page, user: string, id: string): Promise<Record<string, unknown> | undefined> {
	return page.evaluate(
		async ({ dbName, id }) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const req = indexedDB.open(dbName);
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			const doc = await new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
				const req = db.transaction('docs').objectStore('docs').get(id);
				req.onsuccess = () => resolve(req.result as Record<string, unknown> | undefined);
				req.onerror = () => reject(req.error);
			});
			db.close();
			return doc;
		},
		{ dbName: `trygg-${user}`, id },
	);
}

test('two devices edit the same round offline and both end with both edits', async ({ browser }) => {
	const chefContext = await browser.newContext();
	const repContext = await browser.newContext();
	const chef = await chefContext.newPage();
	const rep = await repContext.newPage();

	await signIn(chef, 'chef');
	await waitForServiceWorker(chef);
	await signIn(rep, 'skyddsombud');
	await waitForServiceWorker(rep);

	await chef.getByRole('link', { name: 'Skyddsronder' }).click();
	await chef.getByRole('link', { name: 'Planera en rond' }).click();
	await expect(chef.getByRole('option', { name: 'Fysisk skyddsrond' })).toBeAttached({ timeout: 15_000 });
	await chef.getByLabel('Mall').selectOption({ label: 'Fysisk skyddsrond' });
	await chef.getByLabel('Datum').fill('2026-12-01');
	await chef.getByRole('button', { name: 'Spara ronden' }).click();
	await expect(chef.getByTestId('round-sync')).toHaveText('Synkad', { timeout: 15_000 });
	const roundId = decodeURIComponent(new URL(chef.url()).pathname.split('/').pop() ?? '');
	const roundPath = `/rounds/${encodeURIComponent(roundId)}`;

	await rep.getByRole('link', { name: 'Skyddsronder' }).click();
	// Other specs share this server: look for this round by its link.
	await expect(rep.locator(`[data-testid="round-row"] a[href="${roundPath}"]`)).toHaveCount(1, { timeout: 10_000 });
	await rep.goto(roundPath);
	await expect(rep.getByText('1 december 2026')).toBeVisible();

	// Both go offline; the chef moves the date, the safety rep adds the participants.
	await chefContext.setOffline(true);
	await repContext.setOffline(true);
	await expect(chef.getByTestId('sync-online')).toHaveText('Offline');
	await expect(rep.getByTestId('sync-online')).toHaveText('Offline');
	await editOnDevice(chef, 'chef', roundId, { date: '2027-01-20' });
	const participants = [
		{ name: 'Anna Chef', role: 'manager' },
		{ name: 'Sam Skyddsombud', role: 'safety_rep' },
	];
	await editOnDevice(rep, 'skyddsombud', roundId, { participants });

	// Offline, the app (reloaded from the service worker) shows what waits, and where.
	await chef.goto('/sync');
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText('Synkkö');
	await expect(chef.getByTestId('sync-pending')).toHaveText('1 ändring väntar');
	await expect(chef.getByTestId('queue-waiting-row')).toHaveCount(1);
	await expect(chef.getByTestId('queue-waiting-row')).toContainText('Skyddsrond: Fysisk skyddsrond, 20 januari 2027');
	await expect(chef.getByTestId('queue-waiting-row')).toContainText('Enhet A1');
	await expectAccessible(chef, 'sync queue with a waiting change (sv)');
	await rep.goto(roundPath);
	await expect(rep.getByTestId('sync-pending')).toHaveText('1 ändring väntar');

	await chefContext.setOffline(false);
	await repContext.setOffline(false);

	for (const [page, user] of [
		[chef, 'chef'],
		[rep, 'skyddsombud'],
	] as const) {
		await expect(page.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 15_000 });
		await expect
			.poll(
				async () => {
					const doc = await readOnDevice(page, user, roundId);
					return { date: doc?.date, participants: doc?.participants };
				},
				{ timeout: 15_000 },
			)
			.toEqual({ date: '2027-01-20', participants });
	}
	await expect(rep.getByText('20 januari 2027')).toBeVisible();
	await expect(chef.getByTestId('queue-waiting-row')).toHaveCount(0);
	await expect(chef.getByTestId('queue-summary')).toHaveText('Inget väntar. Allt du sparat finns på servern.');

	// The server holds the same merged round, once.
	const changes = (await (await chef.request.get('/db/unit-a1/_changes?include_docs=true')).json()) as {
		results: { id: string; doc: Record<string, unknown> }[];
	};
	const rows = changes.results.filter((r) => r.id === roundId);
	expect(rows).toHaveLength(1);
	expect(rows[0]?.doc).toMatchObject({ date: '2027-01-20', participants });
	expect(await readOnDevice(chef, 'chef', roundId)).toEqual(rows[0]?.doc);
	expect(await readOnDevice(rep, 'skyddsombud', roundId)).toEqual(rows[0]?.doc);

	await Promise.all([chefContext.close(), repContext.close()]);
});

test('a refused change stays on the sync screen with its reason until discarded', async ({ page }) => {
	await signIn(page, 'chef');
	await page.getByRole('navigation').getByRole('link', { name: 'Synkkö' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Synkkö');
	await expect(page.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 15_000 });
	await expectAccessible(page, 'empty sync queue (sv)');

	// A round the server forbids (it claims unit B1 inside unit A1's scope), queued as a save would.
	const id = await page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const req = indexedDB.open('trygg-chef');
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error);
		});
		const now = new Date().toISOString();
		const id = `round:${crypto.randomUUID()}`;
		const doc = {
			_id: id,
			type: 'round',
			scope: 'unit-a1',
			unitId: 'b1',
			templateId: 'template:physical.v1',
			templateVersion: 1,
			date: '2026-12-24',
			status: 'planned',
			participants: [],
			createdBy: 'chef',
			createdAt: now,
			updatedAt: now,
		};
		const tx = db.transaction(['docs', 'outbox'], 'readwrite');
		tx.objectStore('docs').put(doc);
		tx.objectStore('outbox').put({ docId: id, scope: 'unit-a1', doc, edit: 1, state: 'pending', queuedAt: now });
		await new Promise<void>((resolve, reject) => {
			tx.oncomplete = () => resolve();
			tx.onerror = () => reject(tx.error);
		});
		db.close();
		return id;
	});
	await page.getByRole('button', { name: 'Synka nu' }).click();

	const row = page.getByTestId('queue-refused-row');
	await expect(row).toHaveCount(1, { timeout: 15_000 });
	await expect(row).toContainText('Skyddsrond: Fysisk skyddsrond, 24 december 2026');
	await expect(row).toContainText('Du har inte behörighet till detta.');
	await expect(page.getByTestId('sync-refused')).toHaveText('1 ändring nekades');
	await expect(page.getByTestId('queue-summary')).toHaveText('0 väntar · 1 nekade · 0 utan åtkomst');
	await expectAccessible(page, 'sync queue with a refused change (sv)');

	// Sending it again does not make it go away: the server still refuses it.
	await row.getByRole('button', { name: /^Skicka igen/ }).click();
	await expect(page.getByTestId('queue-refused-row')).toHaveCount(1, { timeout: 15_000 });
	await expect(page.getByTestId('queue-refused-row')).toContainText('Du har inte behörighet till detta.');
	// Nor does a reload.
	await page.reload();
	await expect(page.getByTestId('queue-refused-row')).toHaveCount(1);

	await page.getByRole('button', { name: 'In English' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sync queue');
	await expect(page.getByTestId('queue-refused-row')).toContainText('You do not have permission for this.');
	await expect(page.getByTestId('queue-refused-row')).toContainText(
		'Safety round: Physical safety round, 24 December 2026',
	);
	await expectAccessible(page, 'sync queue with a refused change (en)');

	page.once('dialog', (dialog) => void dialog.accept());
	await page
		.getByTestId('queue-refused-row')
		.getByRole('button', { name: /^Discard the change/ })
		.click();
	await expect(page.getByTestId('queue-refused-row')).toHaveCount(0);
	await expect(page.getByTestId('sync-refused')).toHaveCount(0);
	await expect(page.getByTestId('sync-pending')).toHaveText('All synced');
	expect(await readOnDevice(page, 'chef', id)).toBeUndefined();
	await expectAccessible(page, 'empty sync queue (en)');
	await page.getByRole('button', { name: 'På svenska' }).click();
});
