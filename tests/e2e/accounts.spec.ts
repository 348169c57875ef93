/**
 * Accounts end to end (issue 10, item 4): a person changes their password on their phone while
 * their tablet holds an unsent change offline; back online the tablet is asked to sign in, keeps
 * the change and sends it once signed in with the new password (the old one is refused). An
 * admin signs a person out everywhere and removes an account, each after an accessible
 * confirmation; the person's device is asked to sign in, the removed one cannot. Offline, both
 * pages say so and send nothing. Phone and tablet viewports, Swedish and English, axe-scanned.
 *
 * Passwords change and accounts go here, so this file runs its own sync server (a fresh one per
 * test, like faults.spec.ts) instead of the shared one the other specs use.
 */
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectAccessible, PASSWORD, signIn, test, waitForServiceWorker, openFromMenu } from './fixtures.ts';
import { OwnServer } from './own-server.ts';

const NEW_PASSWORD = 'tre ord och en siffra 7';
const PHONE = { width: 390, height: 844 };
const TABLET = { width: 800, height: 1280 };
const TABLET_SIDEWAYS = { width: 1280, height: 800 };
const EXPIRED = 'Din inloggning har gått ut. Logga in igen – inget av det du gjort går förlorat.';

let dataDir = '';
const server = new OwnServer(2);
const BASE = server.base;

test.describe.configure({ mode: 'serial' });
test.use({ baseURL: BASE });

test.beforeEach(async () => {
	dataDir = mkdtempSync(path.join(tmpdir(), 'trygg-accounts-'));
	await server.start(dataDir);
});

test.afterEach(async () => {
	await server.stop();
	rmSync(dataDir, { recursive: true, force: true });
});

async function device(browser: Browser, viewport: { width: number; height: number }): Promise<BrowserContext> {
	return browser.newContext({ baseURL: BASE, viewport });
}

/** The page fits its viewport: nothing scrolls sideways. */
async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow, `${label} scrolls sideways`).toBeLessThanOrEqual(0);
}

/** Is the session of this device's cookie alive on the server? */
async function signedIn(context: BrowserContext): Promise<boolean> {
	const res = await context.request.get('/db/_session');
	return ((await res.json()) as { userCtx: { name: string | null } }).userCtx.name !== null;
}

/** How many documents this person's device database holds. */
async function docsOnDevice(page: Page, user: string): Promise<number> {
	return page.evaluate(async (dbName) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const req = indexedDB.open(dbName);
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error);
		});
		const count = await new Promise<number>((resolve, reject) => {
			const req = db.transaction('docs').objectStore('docs').count();
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error);
		});
		db.close();
		return count;
	}, `trygg-${user}`);
}

/** The dates of the rounds of Enhet A1 on the server, read with this device's session. */
async function serverRoundDates(context: BrowserContext): Promise<string[]> {
	const res = await context.request.get('/db/unit-a1/_changes?include_docs=true');
	expect(res.status()).toBe(200);
	const body = (await res.json()) as { results: { doc?: { type?: string; date?: string } }[] };
	return body.results.flatMap((r) => (r.doc?.type === 'round' && r.doc.date ? [r.doc.date] : []));
}

async function signInWith(page: Page, name: string, password: string): Promise<void> {
	await page.getByLabel(/Användarnamn|User name/).fill(name);
	await page.getByLabel(/Lösenord|Password/).fill(password);
	await page.getByRole('button', { name: /Logga in|Sign in/ }).click();
}

test('a password changed on the phone signs out the tablet, which keeps its unsent change and sends it after signing in anew', async ({
	browser,
}) => {
	test.setTimeout(150_000);
	const phone = await device(browser, PHONE);
	const tablet = await device(browser, TABLET);
	try {
		const p = await phone.newPage();
		const tab = await tablet.newPage();
		await signIn(p, 'chef');
		await signIn(tab, 'chef');
		await waitForServiceWorker(tab);

		// The tablet plans a round offline: it waits in the queue.
		await tab.goto('/rounds/new');
		await expect(tab.getByRole('option', { name: 'Fysisk skyddsrond' })).toBeAttached({ timeout: 15_000 });
		await tablet.setOffline(true);
		await expect(tab.getByTestId('sync-online')).toHaveText('Offline');
		await tab.getByLabel('Mall').selectOption({ label: 'Fysisk skyddsrond' });
		await tab.getByLabel('Datum').fill('2027-02-03');
		await tab.getByRole('button', { name: 'Spara ronden' }).click();
		await expect(tab.getByText('Ronden är sparad på enheten.')).toBeVisible();
		await expect(tab.getByTestId('sync-pending')).toHaveText('1 ändring väntar');
		const docsBefore = await docsOnDevice(tab, 'chef');

		// The phone opens "Mitt konto" from the header's menu.
		await openFromMenu(p, 'Mitt konto');
		await expect(p.getByRole('heading', { level: 1 })).toHaveText('Mitt konto');
		await expect(p.getByText('Du är inloggad som Anna Chef (chef).')).toBeVisible();
		await expectAccessible(p, 'account page (sv, phone)');
		await expectNoSidewaysScroll(p, 'account page (phone)');

		// Checked on the device before anything is sent.
		const submit = p.getByRole('button', { name: 'Byt lösenord' });
		const current = p.getByLabel('Nuvarande lösenord');
		const fresh = p.getByLabel('Nytt lösenord');
		const again = p.getByLabel('Upprepa det nya lösenordet');
		await submit.click();
		await expect(current).toBeFocused();
		await expect(current).toHaveAccessibleDescription('Fyll i ditt nuvarande lösenord.');
		await expect(fresh).toHaveAccessibleDescription(/Fyll i ett nytt lösenord\.$/);
		await current.fill('fel lösenord');
		await fresh.fill('för kort');
		await again.fill('något annat');
		await submit.click();
		await expect(fresh).toBeFocused();
		await expect(fresh).toHaveAttribute('aria-invalid', 'true');
		await expect(p.getByText('Det nya lösenordet måste ha minst 10 tecken.')).toBeVisible();
		await expect(p.getByText('Lösenorden är inte likadana.')).toBeVisible();
		await expectAccessible(p, 'account page with problems (sv)');

		// A wrong current password: refused by the server, shown at its field.
		await fresh.fill(NEW_PASSWORD);
		await again.fill(NEW_PASSWORD);
		await submit.click();
		await expect(current).toHaveAccessibleDescription('Det nuvarande lösenordet stämmer inte.');
		await expect(current).toBeFocused();

		// Offline the page says a network is needed and cannot be sent.
		await phone.setOffline(true);
		await expect(p.getByTestId('password-offline')).toHaveText(
			'Du är offline. Lösenordet kan bara bytas med nät; det sparas aldrig på enheten för att skickas senare.',
		);
		await expect(submit).toBeDisabled();
		await expectAccessible(p, 'account page offline (sv)');
		await phone.setOffline(false);
		await expect(submit).toBeEnabled();
		await expect(p.getByTestId('password-offline')).toHaveText('');

		await current.fill(PASSWORD);
		await submit.click();
		await expect(p.getByTestId('password-done')).toHaveText(
			'Lösenordet är bytt. Du är utloggad på alla dina andra enheter och loggar in där med det nya lösenordet. Den här enheten är fortfarande inloggad.',
		);
		await expect(current).toHaveValue('');
		// This device goes on: still signed in, and a round planned now reaches the server.
		expect(await signedIn(phone)).toBe(true);
		await openFromMenu(p, 'Skyddsronder');
		await p.getByRole('link', { name: 'Planera en rond' }).click();
		await expect(p.getByRole('option', { name: 'Fysisk skyddsrond' })).toBeAttached({ timeout: 15_000 });
		await p.getByLabel('Mall').selectOption({ label: 'Fysisk skyddsrond' });
		await p.getByLabel('Datum').fill('2027-02-04');
		await p.getByRole('button', { name: 'Spara ronden' }).click();
		await expect(p.getByTestId('round-sync')).toHaveText('Synkad', { timeout: 20_000 });
		await expect(p.getByText(EXPIRED)).toHaveCount(0);

		// The tablet comes back online: asked to sign in, its change and data still there.
		await tablet.setOffline(false);
		await expect(tab.getByText(EXPIRED)).toBeVisible({ timeout: 20_000 });
		await expect(tab.getByTestId('sync-pending')).toHaveText('1 ändring väntar');
		expect(await docsOnDevice(tab, 'chef')).toBe(docsBefore);
		expect(await signedIn(tablet)).toBe(false);
		await expectAccessible(tab, 'session ended banner (sv, tablet)');

		// The old password is refused, the new one lets the queued change through.
		await tab.getByRole('link', { name: 'Logga in igen' }).click();
		await expect(tab.getByRole('heading', { level: 1 })).toHaveText('Logga in');
		await signInWith(tab, 'chef', PASSWORD);
		await expect(tab.getByRole('alert').filter({ hasText: 'Fel användarnamn eller lösenord.' })).toBeVisible();
		await signInWith(tab, 'chef', NEW_PASSWORD);
		await expect(tab.getByRole('heading', { level: 1 })).toContainText('Välkommen');
		await expect(tab.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 30_000 });
		await expect(tab.getByText(EXPIRED)).toHaveCount(0);
		expect((await serverRoundDates(phone)).sort()).toEqual(['2027-02-03', '2027-02-04']);

		// The phone's page in English, still accessible.
		await openFromMenu(p, 'Mitt konto');
		await p.getByRole('button', { name: 'In English' }).click();
		await expect(p.getByRole('heading', { level: 1 })).toHaveText('My account');
		await expect(p.getByRole('heading', { name: 'Change password' })).toBeVisible();
		await p.getByRole('button', { name: 'Change password' }).click();
		await expect(p.getByLabel('Current password')).toHaveAccessibleDescription('Enter your current password.');
		await expectAccessible(p, 'account page (en, phone)');
	} finally {
		await Promise.all([phone.close(), tablet.close()]);
	}
});

test('an admin signs a person out everywhere and removes an account, each after a confirmation', async ({
	browser,
}) => {
	test.setTimeout(150_000);
	const office = await device(browser, TABLET_SIDEWAYS);
	const bosPhone = await device(browser, PHONE);
	const matsTablet = await device(browser, TABLET);
	try {
		const adm = await office.newPage();
		const bo = await bosPhone.newPage();
		const mats = await matsTablet.newPage();
		await signIn(bo, 'chef2');
		await signIn(mats, 'medarbetare');
		await signIn(adm, 'admin');
		await adm.getByRole('navigation').getByRole('link', { name: 'Användare' }).click();
		await expect(adm.getByRole('heading', { level: 1 })).toHaveText('Användare och enheter');
		const boSection = adm.locator('[data-testid="admin-user"][data-user="chef2"]');
		const signOutBo = boSection.getByRole('button', { name: 'Logga ut överallt: Bo Chef' });
		await expect(signOutBo).toBeVisible({ timeout: 10_000 });

		// The admin's own account has neither action.
		const own = adm.locator('[data-testid="admin-user"][data-user="admin"]');
		await expect(own.getByTestId('admin-self')).toContainText('Det här är ditt eget konto.');
		await expect(own.getByRole('button', { name: /Logga ut överallt|Ta bort konto/ })).toHaveCount(0);

		// Asked first; Escape cancels, focus returns to the button, and nobody is signed out.
		await signOutBo.click();
		const dialog = adm.getByRole('alertdialog', { name: 'Logga ut Bo Chef överallt?' });
		await expect(dialog).toBeVisible();
		await expect(dialog).toHaveAccessibleDescription(/Bo Chef loggas ut på alla enheter/);
		await expect(dialog.getByRole('button', { name: 'Avbryt' })).toBeFocused();
		await expectAccessible(adm, 'admin page with the sign-out question (sv)');
		await adm.keyboard.press('Escape');
		await expect(dialog).toBeHidden();
		await expect(signOutBo).toBeFocused();
		expect(await signedIn(bosPhone)).toBe(true);

		// Confirmed with the keyboard: Bo is signed out everywhere.
		await adm.keyboard.press('Enter');
		await expect(dialog).toBeVisible();
		await adm.keyboard.press('Tab');
		await expect(dialog.getByRole('button', { name: 'Logga ut överallt' })).toBeFocused();
		await adm.keyboard.press('Enter');
		await expect(adm.getByTestId('admin-feedback')).toHaveText('Bo Chef är utloggad på alla enheter.');
		await expect(dialog).toBeHidden();
		await expect(signOutBo).toBeFocused();
		expect(await signedIn(bosPhone)).toBe(false);

		// Bo's phone is asked to sign in at its next request, and can.
		await bo.reload();
		await expect(bo.getByText(EXPIRED)).toBeVisible({ timeout: 20_000 });
		await bo.getByRole('link', { name: 'Logga in igen' }).click();
		await signInWith(bo, 'chef2', PASSWORD);
		await expect(bo.getByRole('heading', { level: 1 })).toContainText('Välkommen');
		await expect(bo.getByText(EXPIRED)).toHaveCount(0);

		// Offline the admin page says so and offers nothing that needs the server.
		await office.setOffline(true);
		await expect(adm.getByTestId('admin-offline')).toHaveText(
			'Du är offline. Användare och konton kan bara ändras med nät.',
		);
		await expect(signOutBo).toBeDisabled();
		await expectAccessible(adm, 'admin page offline (sv)');
		await office.setOffline(false);
		await expect(signOutBo).toBeEnabled();

		// Removing Mats's account: asked, confirmed, gone from the list, focus on the heading.
		const matsSection = adm.locator('[data-testid="admin-user"][data-user="medarbetare"]');
		await matsSection.getByRole('button', { name: 'Ta bort konto: Mats Medarbetare' }).click();
		const remove = adm.getByRole('alertdialog', { name: 'Ta bort kontot för Mats Medarbetare?' });
		await expect(remove).toContainText('Det går inte att ångra.');
		await remove.getByRole('button', { name: 'Ta bort konto' }).click();
		await expect(adm.getByTestId('admin-feedback')).toHaveText('Kontot för Mats Medarbetare är borttaget.');
		await expect(matsSection).toHaveCount(0);
		await expect(adm.getByRole('heading', { level: 1 })).toBeFocused();
		await adm.reload();
		await expect(adm.locator('[data-testid="admin-user"]').first()).toBeVisible({ timeout: 10_000 });
		await expect(matsSection).toHaveCount(0);

		// Mats's device is asked to sign in and cannot.
		await mats.reload();
		await expect(mats.getByText(EXPIRED)).toBeVisible({ timeout: 20_000 });
		await mats.getByRole('link', { name: 'Logga in igen' }).click();
		await signInWith(mats, 'medarbetare', PASSWORD);
		await expect(mats.getByRole('alert').filter({ hasText: 'Fel användarnamn eller lösenord.' })).toBeVisible();

		// The page and the question in English.
		await adm.getByRole('button', { name: 'In English' }).click();
		await expect(adm.getByRole('heading', { level: 1 })).toHaveText('Users and units');
		await adm.getByRole('button', { name: 'Sign out everywhere: Hanna HR' }).click();
		const english = adm.getByRole('alertdialog', { name: 'Sign Hanna HR out everywhere?' });
		await expect(english.getByRole('button', { name: 'Cancel' })).toBeFocused();
		await expectAccessible(adm, 'admin page with the sign-out question (en)');
		await english.getByRole('button', { name: 'Cancel' }).click();
		await expect(english).toBeHidden();
		await expect(adm.getByRole('button', { name: 'Sign out everywhere: Hanna HR' })).toBeFocused();
		await expectAccessible(adm, 'admin page (en)');
	} finally {
		await Promise.all([office.close(), bosPhone.close(), matsTablet.close()]);
	}
});
