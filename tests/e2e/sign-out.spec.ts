/**
 * Sign-out with unsent changes (issue 10, item 4): the header says how many changes have not
 * reached the server and offers to wait; waiting signs out once sync has sent them, and the
 * person's database is then gone from the device, so the next person finds nothing of theirs.
 */
import { expect } from '@playwright/test';
import { signIn, test, waitForServiceWorker } from './fixtures.ts';

test('warns before sign-out with an unsent change, waits for sync, then leaves nothing behind', async ({
	page,
	context,
}) => {
	await signIn(page, 'chef');
	await waitForServiceWorker(page);
	await page.getByRole('link', { name: 'Skyddsronder' }).click();
	await page.getByRole('link', { name: 'Planera en rond' }).click();
	await expect(page.getByRole('option', { name: 'Fysisk skyddsrond' })).toBeAttached({ timeout: 15_000 });

	// Offline, a planned round waits in the outbox.
	await context.setOffline(true);
	await expect(page.getByTestId('sync-online')).toHaveText('Offline');
	await page.getByLabel('Mall').selectOption({ label: 'Fysisk skyddsrond' });
	await page.getByLabel('Datum').fill('2026-12-01');
	await page.getByRole('button', { name: 'Spara ronden' }).click();
	await expect(page.getByTestId('round-sync')).not.toHaveText('Synkad');

	await page.getByRole('button', { name: 'Logga ut' }).click();
	const warning = page.getByRole('alertdialog');
	await expect(warning).toContainText('1 ändring har inte skickats till servern än.');
	await expect(page).not.toHaveURL(/\/sign-in/);
	await warning.getByRole('button', { name: 'Vänta på synk och logga ut' }).click();
	await expect(warning.getByRole('status')).toHaveText(
		'Enheten är utan nät. Ändringarna skickas när nätet är tillbaka.',
	);

	// Back online: the change is sent, then the person is signed out and their database wiped.
	await context.setOffline(false);
	await expect(page).toHaveURL(/\/sign-in/, { timeout: 30_000 });
	await expect
		.poll(() => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name)), { timeout: 10_000 })
		.not.toContain('trygg-chef');
	const session = await page.request.get('/db/_session');
	expect(await session.json()).toMatchObject({ userCtx: { name: null } });
});
