/**
 * An unknown address answers with the app's own page in the user's language, online and offline,
 * not Kit's English "Not Found": a way back, and nothing on the device touched.
 */
import { expect } from '@playwright/test';
import { expectAccessible, signIn, test, waitForServiceWorker } from './fixtures.ts';

test('an unknown page says so in Swedish and English, offline too, with a way back', async ({ page, context }) => {
	await signIn(page, 'chef');
	await waitForServiceWorker(page);
	await page.goto('/no-such-page');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sidan finns inte');
	await expect(page.getByText('Det du söker finns inte.')).toBeVisible();
	await expect(page).toHaveTitle('Sidan finns inte – Trygg');
	await expectAccessible(page, 'unknown page (sv)');
	// A built file that no longer exists is a 404 from the server, never the app's page, also
	// when opened as a page through the service worker.
	const gone = await page.goto('/_app/immutable/chunks/gone-0000.js');
	expect(gone?.status()).toBe(404);
	expect(gone?.headers()['content-type']).toContain('application/json');
	await page.goto('/no-such-page');

	await page.getByRole('button', { name: 'In English' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await expect(page.getByText('What you are looking for does not exist.')).toBeVisible();
	await expectAccessible(page, 'unknown page (en)');

	// Offline, a link to a page that does not exist gets the same answer from the device.
	await context.setOffline(true);
	await page.goto('/');
	await page.evaluate(() => {
		const a = document.createElement('a');
		a.href = '/rounds/x/y/z';
		a.textContent = 'x';
		document.body.append(a);
		a.click();
	});
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await page.getByRole('link', { name: 'To the overview' }).click();
	await expect(page).toHaveURL(/\/$/);
	await context.setOffline(false);
});
