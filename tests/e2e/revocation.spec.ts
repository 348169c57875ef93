/**
 * Membership removed while a device is offline (issue 3, item 1): the safety rep syncs unit A1,
 * goes offline and edits a round of A1; meanwhile an admin removes the rep from A1 on the admin
 * page. Back online, A1's data leaves the rep's device, the undelivered edit shows on the sync
 * screen as not deliverable, and the server never stored it. The admin page has zero axe
 * violations in Swedish and English. The membership is restored at the end (the server is shared).
 *
 * The offline edit is written into the device's
 * IndexedDB the way a local save writes it (document, outbox entry, clock stamp), as in
 * the shared fixture; the round itself is created through the app.
 */
import { expect, type Page } from '@playwright/test';
import { signIn, expectAccessible, waitForServiceWorker, editOnDevice, PASSWORD, test } from './fixtures.ts';

/** How many documents of `scope` this person's device holds, and the outbox state of `id`. */
async function deviceState(page: Page, user: string, scope: string, id: string) {
	return page.evaluate(
		async ({ dbName, scope, id }) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const req = indexedDB.open(dbName);
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			const tx = db.transaction(['docs', 'outbox']);
			const docs = await new Promise<number>((resolve, reject) => {
				const req = tx.objectStore('docs').index('scope').count(scope);
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			const entry = await new Promise<{ state?: string; error?: { code: string } } | undefined>((resolve, reject) => {
				const req = tx.objectStore('outbox').get(id);
				req.onsuccess = () => resolve(req.result as { state?: string } | undefined);
				req.onerror = () => reject(req.error);
			});
			db.close();
			return { docs, outbox: entry?.state ?? null, code: entry?.error?.code ?? null };
		},
		{ dbName: `trygg-${user}`, scope, id },
	);
}

const REP_A1 = [{ unitId: 'a1', role: 'safety_rep' }];

test('a membership removed while offline takes the unit off the device and shows the undelivered change', async ({
	browser,
	playwright,
}) => {
	test.setTimeout(120_000);
	const repContext = await browser.newContext();
	const adminContext = await browser.newContext();
	const rep = await repContext.newPage();
	const admin = await adminContext.newPage();
	try {
		await signIn(rep, 'skyddsombud');
		await waitForServiceWorker(rep);

		// A round of A1, created through the app, synced.
		await rep.getByRole('link', { name: 'Skyddsronder' }).click();
		await rep.getByRole('link', { name: 'Planera en rond' }).click();
		await expect(rep.getByRole('option', { name: 'Fysisk skyddsrond' })).toBeAttached({ timeout: 15_000 });
		await rep.getByLabel('Mall').selectOption({ label: 'Fysisk skyddsrond' });
		await rep.getByLabel('Datum').fill('2026-09-17');
		await rep.getByRole('button', { name: 'Spara ronden' }).click();
		await expect(rep.getByTestId('round-sync')).toHaveText('Synkad', { timeout: 15_000 });
		const roundId = decodeURIComponent(new URL(rep.url()).pathname.split('/').pop() ?? '');
		const roundLink = `[data-testid="round-row"] a[href="/rounds/${encodeURIComponent(roundId)}"]`;
		await rep.goto('/rounds');
		await expect(rep.locator(roundLink)).toHaveCount(1, { timeout: 10_000 });
		const before = await deviceState(rep, 'skyddsombud', 'unit-a1', roundId);
		expect(before.docs).toBeGreaterThan(0);

		// Offline, the rep moves the date.
		await repContext.setOffline(true);
		await expect(rep.getByTestId('sync-online')).toHaveText('Offline');
		await editOnDevice(rep, 'skyddsombud', roundId, { date: '2027-03-09' });
		await rep.goto('/sync');
		await expect(rep.getByTestId('queue-waiting-row')).toContainText('9 mars 2027');

		// Meanwhile the admin removes the rep from A1 on the admin page.
		await signIn(admin, 'admin');
		await admin.getByRole('navigation').getByRole('link', { name: 'Användare' }).click();
		await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Användare och enheter');
		const repSection = admin.locator('[data-testid="admin-user"][data-user="skyddsombud"]');
		await expect(repSection.getByTestId('admin-membership')).toHaveCount(1, { timeout: 10_000 });
		await expect(repSection.getByTestId('admin-membership')).toContainText('Enhet A1');
		await expectAccessible(admin, 'admin users page (sv)');
		await repSection.getByRole('button', { name: 'Ta bort Sara Skyddsombud från Enhet A1' }).click();
		await expect(admin.getByTestId('admin-feedback')).toHaveText('Sara Skyddsombud hör inte längre till Enhet A1.');
		await expect(repSection.getByTestId('admin-no-units')).toBeVisible();

		// Back online: A1 leaves the device, the edit is shown as not deliverable.
		await repContext.setOffline(false);
		await expect(rep.getByTestId('queue-revoked-row')).toHaveCount(1, { timeout: 20_000 });
		await expect(rep.getByTestId('queue-revoked-row')).toContainText('Skyddsrond: Fysisk skyddsrond, 9 mars 2027');
		await expect(rep.getByTestId('queue-revoked-row')).toContainText('Enhet A1');
		await expect(rep.getByTestId('revoked-scope')).toContainText('Enhet A1');
		await expect(rep.getByTestId('queue-waiting-row')).toHaveCount(0);
		await expect
			.poll(() => deviceState(rep, 'skyddsombud', 'unit-a1', roundId), { timeout: 15_000 })
			.toEqual({ docs: 0, outbox: 'revoked', code: 'revoked' });
		await expectAccessible(rep, 'sync queue with an undeliverable change (sv)');
		await rep.goto('/rounds');
		await expect(rep.getByRole('heading', { level: 1 })).toBeVisible();
		// Only once the list has loaded does "not in it" mean anything (the heading comes first).
		await expect(rep.getByTestId('rounds-showing').or(rep.getByText('Inga ronder än.'))).toBeVisible({
			timeout: 15_000,
		});
		await expect(rep.locator(roundLink)).toHaveCount(0);
		await expect(rep.getByRole('navigation').getByRole('link', { name: 'Skyddsronder' })).toHaveCount(0);

		// The server never stored the edit: the round there still has its first date.
		const chefApi = await playwright.request.newContext({ baseURL: new URL(rep.url()).origin });
		try {
			const signedIn = await chefApi.post('/db/_session', { data: { name: 'chef', password: PASSWORD } });
			expect(signedIn.status()).toBe(200);
			const res = await chefApi.post('/db/unit-a1/_all_docs?include_docs=true', { data: { keys: [roundId] } });
			const rows = ((await res.json()) as { rows: { doc?: { date?: string } }[] }).rows;
			expect(rows[0]?.doc?.date).toBe('2026-09-17');
		} finally {
			await chefApi.dispose();
		}

		// English admin page, then the membership goes back through the page.
		await admin.getByRole('button', { name: 'In English' }).click();
		await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Users and units');
		await expectAccessible(admin, 'admin users page (en)');
		await repSection.getByLabel('Unit', { exact: true }).selectOption({ label: 'Enhet A1' });
		await repSection.getByLabel('Role', { exact: true }).selectOption({ label: 'Safety representative' });
		await repSection.getByRole('button', { name: 'Save' }).click();
		await expect(admin.getByTestId('admin-feedback')).toHaveText(
			'Sara Skyddsombud is now safety representative in Enhet A1.',
		);
		await expect(repSection.getByTestId('admin-membership')).toHaveCount(1);
		await admin.getByRole('button', { name: 'På svenska' }).click();
	} finally {
		// Whatever happened above, the shared server gets the rep's membership back.
		const restore = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
		await restore.post('/db/_session', { data: { name: 'admin', password: PASSWORD } });
		const restored = await restore.put('/api/admin/users/skyddsombud/memberships', { data: REP_A1 });
		await restore.dispose();
		expect(restored.status()).toBe(200);
		await Promise.all([repContext.close(), adminContext.close()]);
	}
});
