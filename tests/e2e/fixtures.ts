/**
 * E2E helpers: sign in as a demo account, scan a page with axe (WCAG 2.1 AA), wait for the
 * service worker to control the page so offline reloads are served by it.
 */
import { expect, type Page, type APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'trygg-demo';

export async function signIn(page: Page, name: string): Promise<void> {
	await page.goto('/sign-in');
	await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
	await page.getByLabel(/Användarnamn|User name/).fill(name);
	await page.getByLabel(/Lösenord|Password/).fill(PASSWORD);
	await page.getByRole('button', { name: /Logga in|Sign in/ }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(/Välkommen|Welcome/);
}

/** Zero axe violations against WCAG 2.0/2.1 A and AA. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
	const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	expect(summary, `axe violations on ${label}`).toEqual([]);
}

export async function waitForServiceWorker(page: Page): Promise<void> {
	await page
		.waitForFunction(
			async () => {
				const registration = await navigator.serviceWorker.ready;
				return Boolean(registration.active) && Boolean(navigator.serviceWorker.controller);
			},
			undefined,
			{ timeout: 20_000 },
		)
		.catch(async () => {
			// The first visit is not controlled until a reload: reload once and wait again.
			await page.reload();
			await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: 20_000 });
		});
}

/** A signed-in API client for probing the server directly. */
export async function apiAs(request: APIRequestContext, name: string): Promise<APIRequestContext> {
	const response = await request.post('/db/_session', { data: { name, password: PASSWORD } });
	expect(response.status()).toBe(200);
	return request;
}
