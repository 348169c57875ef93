/**
 * HR and managers on anonymous surveys (issue 13): HR makes a new version of the HME survey
 * offline (kept by autosave over a reload), publishes it, starts a campaign offline with the
 * keyboard only (k below the survey's is refused, clearly), and it syncs once online; HR sees
 * participation per group; the manager of Enhet A1 sees only their groups, never who. Every
 * page is scanned with axe in Swedish and English. The server is shared with other specs: the
 * campaign made here is cancelled again, so staff phones in later specs do not see it.
 */
import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import { expectAccessible, expectMenuEntry, openFromMenu, signIn, test, waitForServiceWorker } from './fixtures.ts';

const TAG = Date.now().toString(36);
const INTRO = `Dina svar är anonyma. Version två ${TAG}.`;
const HME = 'HME – Hållbart medarbetarengagemang';
const TABLET = { width: 820, height: 1180 };

async function device(browser: Browser, name: string): Promise<Page> {
	const page = await (await browser.newContext({ viewport: TABLET })).newPage();
	await signIn(page, name);
	return page;
}

async function inEnglish<T>(page: Page, run: () => Promise<T>): Promise<T> {
	await page.getByRole('button', { name: 'In English' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	try {
		return await run();
	} finally {
		await page.getByRole('button', { name: 'På svenska' }).click();
		await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
	}
}

/** Press Tab until the element with `id` has focus (date inputs take several presses). */
async function tabTo(page: Page, id: string): Promise<void> {
	for (let i = 0; i < 40; i++) {
		if (await page.evaluate((want) => document.activeElement?.id === want, id)) return;
		await page.keyboard.press('Tab');
	}
	throw new Error(`Tab never reached #${id}`);
}

/** Choose an option of the focused select with the arrow keys only. */
async function arrowTo(page: Page, select: Locator, label: string | RegExp): Promise<void> {
	for (let i = 0; i < 30; i++) {
		const chosen = await select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text.trim() ?? '');
		if (typeof label === 'string' ? chosen === label : label.test(chosen)) return;
		await page.keyboard.press('ArrowDown');
	}
	throw new Error(`no option ${String(label)}`);
}

const family = (page: Page, title: string) => page.getByTestId('survey-family').filter({ hasText: title });

test('HR: new survey version and a campaign offline, synced; participation for HR and a manager', async ({
	browser,
}) => {
	test.setTimeout(240_000);
	const hr = await device(browser, 'hr');
	await waitForServiceWorker(hr);
	await openFromMenu(hr, 'Enkäter');
	await expect(hr.getByRole('heading', { level: 1 })).toHaveText('Enkätomgångar');
	await expectAccessible(hr, 'campaigns (sv)');
	await hr.getByRole('link', { name: 'Enkäter', exact: true }).click();
	await expect(family(hr, HME)).toHaveCount(1, { timeout: 15_000 });
	await expectAccessible(hr, 'surveys (sv)');
	await inEnglish(hr, () => expectAccessible(hr, 'surveys (en)'));

	// Offline from here: a new version of HME, edited and kept by autosave over a reload.
	await hr.context().setOffline(true);
	await expect(hr.getByTestId('sync-online')).toHaveText('Offline');
	await family(hr, HME)
		.getByRole('button', { name: /^Gör ny version/ })
		.click();
	await expect(hr.getByRole('heading', { level: 1 })).toHaveText('Redigera enkät – utkast till version 2');
	await expect(hr.getByLabel('Minsta gruppstorlek (k)')).toHaveAccessibleDescription(/Minst 5 för den här typen/);
	await hr.getByLabel('Inledning på svenska').fill(INTRO);
	await hr.getByLabel('Minsta gruppstorlek (k)').fill('6');
	const editorUrl = hr.url();
	// The autosave stores the draft after a pause; a reload (served by the service worker) shows it.
	await expect
		.poll(
			async () =>
				hr.evaluate(async (intro) => {
					const db = await new Promise<IDBDatabase>((resolve, reject) => {
						const open = indexedDB.open('trygg-hr');
						open.onsuccess = () => resolve(open.result);
						open.onerror = () => reject(open.error);
					});
					const doc = await new Promise<{ intro?: { sv: string } } | undefined>((resolve) => {
						const get = db.transaction('docs').objectStore('docs').get('survey:hme.v2');
						get.onsuccess = () => resolve(get.result as { intro?: { sv: string } } | undefined);
						get.onerror = () => resolve(undefined);
					});
					db.close();
					return doc?.intro?.sv === intro;
				}, INTRO),
			{ timeout: 10_000 },
		)
		.toBe(true);
	await hr.reload();
	await expect(hr).toHaveURL(editorUrl);
	await expect(hr.getByLabel('Inledning på svenska')).toHaveValue(INTRO, { timeout: 15_000 });
	await expect(hr.getByLabel('Minsta gruppstorlek (k)')).toHaveValue('6');
	await expectAccessible(hr, 'survey editor (sv)');

	// k below the kind's floor is named at once, tied to its field.
	await hr.getByLabel('Minsta gruppstorlek (k)').fill('3');
	await hr.getByRole('button', { name: 'Publicera' }).click();
	const summary = hr.getByTestId('error-summary');
	await expect(summary).toBeFocused();
	await expect(summary.getByRole('link')).toHaveText(['Minsta gruppstorlek ska vara ett heltal från 5 till 100.']);
	await expect(hr.getByLabel('Minsta gruppstorlek (k)')).toHaveAttribute('aria-invalid', 'true');
	await expectAccessible(hr, 'survey editor with errors (sv)');
	await hr.getByLabel('Minsta gruppstorlek (k)').fill('6');
	await inEnglish(hr, async () => {
		await expect(hr.getByRole('heading', { level: 1 })).toHaveText('Edit survey – draft of version 2');
		await expectAccessible(hr, 'survey editor (en)');
	});
	await hr.getByRole('button', { name: 'Publicera' }).click();
	await expect(hr).toHaveURL(/\/surveys\/templates$/);
	await expect(family(hr, HME)).toContainText('Version 2');
	await expect(family(hr, HME)).toContainText('minsta gruppstorlek 6');

	// A campaign, still offline, with the keyboard only.
	await hr.getByRole('link', { name: 'Enkätomgångar' }).click();
	await expect(hr.getByRole('heading', { level: 1 })).toHaveText('Enkätomgångar');
	const surveySelect = hr.getByLabel('Enkät', { exact: true });
	await expect(surveySelect.getByRole('option', { name: `${HME} (Version 2)` })).toBeAttached();
	// From the page's heading, where the app puts focus after navigating, with Tab and arrows only.
	await expect(hr.getByRole('heading', { level: 1 })).toBeFocused();
	await tabTo(hr, 'c-survey');
	await arrowTo(hr, surveySelect, `${HME} (Version 2)`);
	await tabTo(hr, 'c-target');
	await arrowTo(hr, hr.getByLabel('Del av organisationen'), 'Avdelning A');
	await tabTo(hr, 'c-k');
	await expect(hr.getByLabel('Minsta gruppstorlek (k)')).toHaveValue('6');
	await hr.keyboard.press('Control+A');
	await hr.keyboard.type('4');
	await tabTo(hr, 'c-support');
	await hr.keyboard.type(`Företagshälsovården, tel. 010-000 00 00 ${TAG}`);
	await hr.keyboard.press('Tab');
	await expect(hr.locator(':focus')).toHaveAccessibleName('Starta omgången');
	await hr.keyboard.press('Enter');
	const campaignSummary = hr.getByTestId('error-summary');
	await expect(campaignSummary).toBeFocused();
	await expect(campaignSummary.getByRole('link')).toHaveText([
		'Minsta gruppstorlek ska vara ett heltal från 6 till 100; lägre än enkätens går inte.',
	]);
	await expectAccessible(hr, 'campaign form with errors (sv)');
	await hr.keyboard.press('Tab');
	await expect(hr.locator(':focus')).toHaveText(/Minsta gruppstorlek ska vara/);
	await hr.keyboard.press('Enter');
	await expect(hr.getByLabel('Minsta gruppstorlek (k)')).toBeFocused();
	await hr.keyboard.press('Control+A');
	await hr.keyboard.type('6');
	await tabTo(hr, 'c-support');
	await hr.keyboard.press('Tab');
	await hr.keyboard.press('Enter');

	// The campaign's page, offline: its link, and participation needs a connection.
	await expect(hr).toHaveURL(/\/surveys\/campaigns\/campaign%3A/);
	await expect(hr.getByRole('heading', { level: 1 })).toHaveText(HME);
	await expect(hr.getByTestId('campaign-phase')).toHaveText('Öppen');
	const campaignId = decodeURIComponent(new URL(hr.url()).pathname.split('/').at(-1) ?? '');
	await expect(hr.getByTestId('campaign-link')).toHaveText(
		`${new URL(hr.url()).origin}/surveys/${encodeURIComponent(campaignId)}`,
	);
	await expect(hr.getByText('Deltagandet behöver anslutning.', { exact: false })).toBeVisible();
	await expect(hr.getByTestId('sync-pending')).not.toHaveText('Allt synkat');
	await expectAccessible(hr, 'campaign (sv, offline)');

	// Online: both documents sync, nothing refused; the server counts the campaign's groups.
	await hr.context().setOffline(false);
	// After the offline reload the page may not have seen the browser go offline, so no "online"
	// event comes: the person presses "Försök igen" rather than wait for the back-off.
	const retry = hr.getByRole('button', { name: 'Försök igen' });
	if (await retry.isVisible()) await retry.click();
	await expect(hr.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 20_000 });
	await expect(hr.getByTestId('sync-refused')).toHaveCount(0);
	const groups = hr.getByTestId('participation-group');
	await hr.getByRole('button', { name: 'Uppdatera' }).click();
	await expect(groups.first()).toBeVisible({ timeout: 15_000 });
	// Nobody has answered yet: a rate of 0 %, per group, with how many people the group has.
	const target = groups.filter({ has: hr.getByRole('rowheader', { name: 'Avdelning A' }) });
	await expect(target).toHaveCount(1);
	await expect(target.locator('td').nth(1)).toHaveText('0');
	await expect(target.locator('td').nth(2)).toHaveText(/^0\s%$/);
	await expect(hr.getByText('Resultat efter stängning.', { exact: false })).toBeVisible();
	await expectAccessible(hr, 'campaign (sv)');
	await inEnglish(hr, async () => {
		await expect(hr.getByRole('columnheader', { name: 'Response rate' })).toBeVisible();
		await expectAccessible(hr, 'campaign (en)');
	});

	// The printable poster with its QR code.
	await hr.getByRole('link', { name: 'Affisch med QR-kod' }).click();
	await expect(hr.getByTestId('campaign-qr')).toBeVisible();
	await expect(hr.getByRole('img', { name: /^QR-kod till http/ })).toBeVisible();
	await expectAccessible(hr, 'poster (sv)');
	await inEnglish(hr, () => expectAccessible(hr, 'poster (en)'));
	await hr.getByRole('link', { name: 'Tillbaka till omgången' }).click();

	// Cancelled again (staff phones of later specs must not see it); the server took the change.
	await hr.getByRole('button', { name: 'Avbryt omgången' }).click();
	await hr.getByRole('button', { name: 'Ja, avbryt omgången' }).click();
	await expect(hr.getByTestId('campaign-phase')).toHaveText('Avbruten');
	await expect(hr.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 20_000 });
	await expect(hr.getByTestId('sync-refused')).toHaveCount(0);

	// HR sees every group of the demo campaign (the whole administration).
	await hr.goto(`/surveys/campaigns/${encodeURIComponent('campaign:demo-hme')}`);
	await expect(groups.first()).toBeVisible({ timeout: 15_000 });
	const hrGroups = await groups.count();
	expect(hrGroups).toBeGreaterThan(1);

	// The manager of Enhet A1: "Deltagande" in the menu and on the start page; only their groups.
	const chef = await device(browser, 'chef');
	await expect(chef.getByRole('link', { name: 'Se deltagandet' })).toBeVisible();
	await expectMenuEntry(chef, 'Deltagande');
	await openFromMenu(chef, 'Deltagande');
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText('Deltagande i enkäter');
	// The open demo campaign (the demo's closed HME campaigns are listed too, issue 14).
	const demo = chef.getByTestId('participation-campaign').filter({ hasText: HME }).filter({ hasText: 'Öppen' });
	await expect(demo).toHaveCount(1, { timeout: 15_000 });
	const chefGroups = demo.getByTestId('participation-group');
	await expect(chefGroups.first()).toBeVisible({ timeout: 15_000 });
	expect(await chefGroups.count()).toBeLessThan(hrGroups);
	for (const row of await chefGroups.all()) await expect(row.getByRole('rowheader')).toHaveText('Enhet A1');
	// The cancelled campaign is not listed: the open demo campaign and the two closed ones are.
	await expect(chef.getByTestId('participation-campaign').filter({ hasText: 'Avbruten' })).toHaveCount(0);
	await expect(chef.getByTestId('participation-campaign')).toHaveCount(3);
	await expectAccessible(chef, 'participation (sv)');
	await inEnglish(chef, async () => {
		await expect(chef.getByRole('heading', { level: 1 })).toHaveText('Survey participation');
		await expectAccessible(chef, 'participation (en)');
	});
	// HR's pages are not the manager's.
	await expect(chef.getByRole('link', { name: 'Enkäter', exact: true })).toHaveCount(0);
});
