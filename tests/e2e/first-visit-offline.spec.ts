/**
 * The first visit works offline without a reload: the service worker takes over the page that
 * installed it, so a safety rep who signs in once on a new phone and then walks into a basement
 * can still open pages the app has not shown yet, and file a request there.
 */
import { expect } from '@playwright/test';
import { expectAccessible, signIn, test } from './fixtures.ts';

test('a page never shown before opens offline right after the first sign-in, no reload', async ({ page, context }) => {
	await signIn(page, 'skyddsombud');
	// A mark on this page: the takeover must not reload it under the person's hands.
	await page.evaluate(() => Object.assign(window, { firstPage: true }));
	// Controlled without a reload (the fixture's waitForServiceWorker would reload once).
	await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: 30_000 });

	await context.setOffline(true);
	await expect(page.getByTestId('sync-online')).toHaveText('Offline');
	expect(await page.evaluate(() => 'firstPage' in window)).toBe(true);
	await page.getByRole('navigation').getByRole('link', { name: 'Begäranden och stopp' }).click();
	await page.getByRole('link', { name: 'Ny begäran enligt 6 kap. 6 a §' }).click();
	await page.getByRole('radio', { name: /Begäran om åtgärder/ }).check();
	await page.getByLabel('Ämne').fill('Halt golv vid entrén');
	await page.getByLabel('Beskriv problemet').fill('Det blir halt vid entrén när det regnar.');
	await page.getByLabel(/Vilka åtgärder begär du/).fill('Lägg ut halkskydd.');
	await page.getByRole('button', { name: 'Lämna in begäran' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Halt golv vid entrén');
	await expect(page.getByTestId('request-done')).toHaveText('Begäran är inlämnad. Chefen får den vid nästa synkning.');
	await expectAccessible(page, 'request filed offline on the first visit');

	// Back online, it reaches the server.
	await context.setOffline(false);
	await expect(page.getByTestId('sync-pending')).toHaveText(/Allt synkat/, { timeout: 30_000 });
});
