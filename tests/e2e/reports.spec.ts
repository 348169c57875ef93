/**
 * The report views (issue 14, item 3) against the real server: HR sees the organisation's
 * roll-up and drills down to a unit; a manager (`chef`, Enhet A1) sees only their subtree and
 * gets no figures for the organisation above, whatever address they type; staff get no reports.
 * The views open offline after a sync, work from the keyboard, fit a phone and a tablet, and read
 * in Swedish and English. Every page is axe-scanned.
 */
import { expect, type Page } from '@playwright/test';
import { expectAccessible, expectMenuEntry, openFromMenu, signIn, test, waitForServiceWorker } from './fixtures.ts';

const PHONE = { width: 390, height: 844 };
const TABLET = { width: 800, height: 1280 };

/** The page scrolls only downwards: a wide table scrolls inside its own region. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow).toBeLessThanOrEqual(0);
}

/** The drill-down's table, once the server's stats documents have synced to this device. */
function table(page: Page) {
	return page.getByTestId('report-table');
}

test('HR sees the organisation roll-up, drills to a unit, and every view reads in both languages', async ({ page }) => {
	await page.setViewportSize(TABLET);
	await signIn(page, 'hr');
	await expectMenuEntry(page, 'Rapporter');
	await openFromMenu(page, 'Rapporter');
	await expect(page).toHaveURL(/\/reports$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Organisationen');

	// The top of the organisation and its children, with the figures of this year and last.
	const rows = table(page).getByTestId('report-row');
	await expect(rows.first()).toContainText('Demo kommun (själv)', { timeout: 30_000 });
	await expect(table(page).getByRole('link', { name: 'Förvaltningen' })).toBeVisible();
	const year = Number((await page.getByTestId('reports-as-of').textContent())?.match(/\d{4}/)?.[0]);
	await expect(table(page).getByRole('columnheader', { name: `Ronder planerade ${year}` })).toBeVisible();
	await expect(table(page).getByRole('columnheader', { name: `Ronder planerade ${year - 1}` })).toBeVisible();
	await expectAccessible(page, 'reports drill-down (sv, tablet)');
	await expectNoSidewaysScroll(page);

	// Drill down with the keyboard: Förvaltningen, then Avdelning A, whose units are compared.
	await table(page).getByRole('link', { name: 'Förvaltningen' }).focus();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/unit=forv/);
	await table(page).getByRole('link', { name: 'Avdelning A' }).focus();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/unit=avd-a/);
	await expect(rows.first()).toContainText('Avdelning A (själv)');
	for (const unit of ['Enhet A1', 'Enhet A2', 'Enhet A3'])
		await expect(table(page).getByRole('link', { name: unit })).toBeVisible();
	const crumbs = page.getByRole('navigation', { name: 'Plats i organisationen' });
	await expect(crumbs.getByRole('link')).toHaveText(['Demo kommun', 'Förvaltningen']);
	await expect(crumbs.locator('[aria-current="page"]')).toHaveText('Avdelning A');
	// Own figures only: a radio the keyboard reaches.
	await page.getByRole('radio', { name: 'Bara enheten själv' }).check();
	await expect(table(page).getByRole('table')).toHaveAccessibleName(/var och en för sig/);
	await table(page).getByRole('link', { name: 'Enhet A1' }).click();
	await expect(page).toHaveURL(/unit=a1/);
	await expect(rows).toHaveCount(1);
	await expectAccessible(page, 'reports at a workplace (sv)');

	// The other views, each from the views' own links.
	const views = page.getByRole('navigation', { name: 'Rapportvyer' });
	await views.getByRole('link', { name: 'Värmekarta' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Värmekarta');
	await expect(table(page).getByRole('link', { name: 'Enhet B1' })).toBeVisible();
	await expect(page.getByTestId('heat-legend')).toBeVisible();
	await expectAccessible(page, 'heatmap (sv)');
	await views.getByRole('link', { name: 'Trender' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Trender');
	await page.getByLabel('Enhet').selectOption('avd-a');
	await expect(page).toHaveURL(/trends\?unit=avd-a/);
	await expect(table(page).getByRole('table')).toHaveAccessibleName('Avdelning A med allt under, per år');
	await expect(table(page).getByRole('rowheader')).toHaveText([String(year - 2), String(year - 1), String(year)]);
	await expect(page.getByTestId('trends-chart').locator('svg').first()).toBeVisible();
	await expectAccessible(page, 'trends (sv)');
	await views.getByRole('link', { name: 'Allvarliga risker' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Allvarliga öppna risker');
	await page.getByLabel('Sortera').selectOption('newest');
	await expectAccessible(page, 'serious risks (sv)');

	// English: the same views in the other language.
	await page.getByRole('button', { name: 'In English' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Serious open risks');
	await views.getByRole('link', { name: 'Organisation' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('The organisation');
	await expect(rows.first()).toContainText('Demo kommun (itself)');
	await expect(table(page).getByRole('columnheader', { name: `Rounds signed ${year}` })).toBeVisible();
	await expectAccessible(page, 'reports drill-down (en)');
	await page.goto('/reports/heatmap');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Heatmap');
	await expectAccessible(page, 'heatmap (en)');
	await page.goto('/reports/trends');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Trends');
	await expectAccessible(page, 'trends (en)');
	await page.getByRole('button', { name: 'På svenska' }).click();
});

test('a manager sees only their subtree, also offline after a sync, on a phone', async ({ page, context }) => {
	await page.setViewportSize(PHONE);
	await signIn(page, 'chef');
	await waitForServiceWorker(page);
	await openFromMenu(page, 'Rapporter');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Organisationen');
	const rows = table(page).getByTestId('report-row');
	await expect(rows.first()).toContainText('Enhet A1 (själv)', { timeout: 30_000 });
	await expect(rows).toHaveCount(1);
	await expect(page.getByText('Förvaltningen')).toHaveCount(0);
	await expect(page.getByText('Demo kommun')).toHaveCount(0);
	await expectAccessible(page, 'reports of a manager (sv, phone)');
	await expectNoSidewaysScroll(page);
	// The table region takes focus, so the keyboard scrolls it sideways.
	await table(page).focus();
	await expect(table(page)).toBeFocused();

	// The organisation above is not theirs: no figures, whatever address is typed.
	for (const path of ['/reports?unit=forv', '/reports?unit=avd-a', '/reports/trends?unit=forv']) {
		await page.goto(path);
		await expect(page.getByTestId('reports-unit-missing')).toBeVisible();
		await expect(page.getByTestId('report-table')).toHaveCount(0);
	}
	await page.goto('/reports/heatmap');
	await expect(table(page).getByTestId('report-row')).toHaveCount(1);
	await expect(page.getByText('Förvaltningen')).toHaveCount(0);

	// Offline: every view opens from the device.
	await context.setOffline(true);
	for (const [path, heading] of [
		['/reports', 'Organisationen'],
		['/reports/heatmap', 'Värmekarta'],
		['/reports/trends', 'Trender'],
		['/reports/risks', 'Allvarliga öppna risker'],
	] as const) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
		await expect(page.getByTestId('reports-as-of')).toBeVisible();
		await expectNoSidewaysScroll(page);
	}
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Allvarliga öppna risker');
	await page.goto('/reports');
	await expect(rows.first()).toContainText('Enhet A1 (själv)');
	await expectAccessible(page, 'reports offline (sv, phone)');
	await page.getByRole('button', { name: 'In English' }).click();
	await expect(rows.first()).toContainText('Enhet A1 (itself)');
	await expectAccessible(page, 'reports offline (en, phone)');
	await page.getByRole('button', { name: 'På svenska' }).click();
	await context.setOffline(false);
});

test('staff get no reports: no menu entry, and the page says why', async ({ page }) => {
	await signIn(page, 'medarbetare');
	await page.goto('/reports');
	await expect(page.getByTestId('reports-denied')).toHaveText(
		'Du har inte behörighet till rapporterna. De är till för HR och chefer.',
	);
	await expect(page.getByTestId('report-table')).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Rapporter', exact: true })).toHaveCount(0);
	await expectAccessible(page, 'reports denied');
});
