/**
 * Templates and planning (issue 4, items 1 and 2): HR copies a starter template, edits an item in
 * Swedish and English, reorders with the keyboard and publishes; a manager sees it after sync and
 * plans a round with it offline; a later edit becomes a new version while the started round keeps
 * its own; staff pre-report before a round; a division manager sees overdue units. Every screen is
 * scanned with axe in Swedish and English, on a phone and a tablet viewport.
 * The server is shared with other specs: everything here is found by a unique title or date.
 */
import { expect, type Browser, type Page } from '@playwright/test';
import { expectAccessible, signIn, waitForServiceWorker, test, openFromMenu } from './fixtures.ts';

const TAG = Date.now().toString(36);
const TITLE_SV = `Rondmall ${TAG}`;
const TITLE_EN = `Round template ${TAG}`;
const OLD_ITEM = 'Vet medarbetarna vilka arbetsuppgifter de har och vilket resultat som förväntas?';
const NEW_ITEM_SV = `Vet alla sina uppgifter? ${TAG}`;
const NEW_ITEM_EN = `Does everyone know their tasks? ${TAG}`;
const V2_ITEM_SV = `Version två av frågan ${TAG}`;
const TABLET = { width: 820, height: 1180 };
const PHONE = { width: 390, height: 844 };

async function device(browser: Browser, name: string, viewport = TABLET): Promise<Page> {
	const page = await (await browser.newContext({ viewport })).newPage();
	await signIn(page, name);
	return page;
}

async function toEnglish(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'In English' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
}

async function toSwedish(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'På svenska' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
}

async function noSidewaysScroll(page: Page, label: string): Promise<void> {
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth,
	);
	expect(overflow, `${label} scrolls sideways`).toBeLessThanOrEqual(0);
}

const family = (page: Page, title: string) => page.getByTestId('template-family').filter({ hasText: title });

test('templates: copy, edit in two languages, reorder by keyboard, publish, version; planning offline', async ({
	browser,
}) => {
	test.setTimeout(180_000);
	const hr = await device(browser, 'hr');
	await openFromMenu(hr, 'Mallar');
	await expect(family(hr, 'OSA-rond')).toHaveCount(1, { timeout: 15_000 });
	await expectAccessible(hr, 'templates (sv)');

	// Copy the OSA starter: a new family, version 1, a draft in the editor.
	await family(hr, 'OSA-rond')
		.getByRole('button', { name: /^Kopiera/ })
		.click();
	await expect(hr.getByRole('heading', { level: 1 })).toHaveText('Redigera mall – utkast till version 1');
	await hr.getByLabel('Titel på svenska').fill(TITLE_SV);
	await hr.getByLabel('Titel på engelska').fill(TITLE_EN);
	await hr.getByLabel('Rättslig grund').fill('AFS 2023:1, AFS 2023:2');

	const first = hr.getByTestId('template-item').first();
	await expect(first.getByLabel('Fråga på svenska')).toHaveValue(OLD_ITEM);
	await first.getByLabel('Fråga på svenska').fill(NEW_ITEM_SV);
	await first.getByLabel('Fråga på engelska').fill(NEW_ITEM_EN);
	await first.getByLabel('Hjälptext på svenska').fill(`Fråga tre personer. ${TAG}`);
	await first.getByLabel('Hjälptext på engelska').fill(`Ask three people. ${TAG}`);
	await expectAccessible(hr, 'template editor (sv)');
	// Required fields say so in their label's text, as every other form does; optional ones do not.
	await expect(hr.locator('label[for="title-sv"]')).toHaveText('Titel på svenska (obligatoriskt)');
	await expect(hr.locator('label[for^="section-"][for$="-sv"]').first()).toHaveText(
		'Avsnittets rubrik på svenska (obligatoriskt)',
	);
	await expect(first.locator('label[for$="-sv"]').first()).toHaveText('Fråga på svenska (obligatoriskt)');
	await expect(first.locator('label[for^="help-"][for$="-sv"]')).toHaveText('Hjälptext på svenska');
	await toEnglish(hr);
	await expect(hr.locator('label[for="title-sv"]')).toHaveText('Title in Swedish (required)');
	await expect(first.locator('label[for$="-sv"]').first()).toHaveText('Question in Swedish (required)');
	await toSwedish(hr);

	// Keyboard only: focus "move down" of question 1 and press Enter twice; focus follows the item.
	await hr.getByRole('button', { name: 'Flytta ned – fråga 1 i avsnitt 1' }).focus();
	await hr.keyboard.press('Enter');
	await expect(hr.locator(':focus')).toHaveAccessibleName('Flytta ned – fråga 2 i avsnitt 1');
	await hr.keyboard.press('Enter');
	await expect(hr.locator(':focus')).toHaveAccessibleName('Flytta ned – fråga 3 i avsnitt 1');
	await expect(hr.getByRole('status').filter({ hasText: 'Flyttad till plats 3 i avsnitt 1.' })).toBeAttached();
	await expect(hr.getByTestId('template-item').nth(2).getByLabel('Fråga på svenska')).toHaveValue(NEW_ITEM_SV);
	await expect(hr.getByTestId('template-item').nth(0).getByLabel('Fråga på svenska')).not.toHaveValue(NEW_ITEM_SV);

	// Help in English only is refused (Swedish is the source; English is optional): every empty
	// Swedish field is named at once in a focused summary whose links lead to the fields.
	const helpSv = hr.getByTestId('template-item').nth(1).getByLabel('Hjälptext på svenska');
	const firstItemSv = hr.getByTestId('template-item').nth(0).getByLabel('Fråga på svenska');
	const firstItemText = await firstItemSv.inputValue();
	await helpSv.fill('');
	await firstItemSv.fill('');
	await hr.getByRole('button', { name: 'Publicera' }).click();
	const summary = hr.getByTestId('error-summary');
	await expect(summary).toBeFocused();
	await expect(summary.getByRole('link')).toHaveCount(2);
	await expect(summary.getByRole('link').nth(0)).toContainText('(fråga 1 i avsnitt 1)');
	await expect(summary.getByRole('link').nth(1)).toContainText('hjälptexten på svenska (fråga 2 i avsnitt 1)');
	await expect(firstItemSv).toHaveAttribute('aria-invalid', 'true');
	await expect(helpSv).toHaveAccessibleDescription(/hjälptexten på svenska \(fråga 2 i avsnitt 1\)/);
	await firstItemSv.fill(firstItemText);
	await summary.getByRole('link').nth(1).click();
	await expect(helpSv).toBeFocused();
	await hr.keyboard.type('Kontrollera hur det görs.');
	await hr.getByRole('button', { name: 'Publicera' }).click();
	await expect(hr).toHaveURL(/\/templates$/);
	await expect(family(hr, TITLE_SV)).toContainText('Version 1');

	// The published version, read-only, in English.
	await toEnglish(hr);
	await expectAccessible(hr, 'templates (en)');
	await family(hr, TITLE_EN).getByRole('link', { name: /^View/ }).click();
	await expect(hr.getByRole('heading', { level: 1 })).toHaveText(TITLE_EN);
	await expect(hr.getByText(NEW_ITEM_EN)).toBeVisible();
	await expect(hr.getByText(`Ask three people. ${TAG}`)).toBeVisible();
	await expectAccessible(hr, 'template view (en)');
	await toSwedish(hr);

	// The manager's device gets it through org, then plans offline with participants.
	const chef = await device(browser, 'chef');
	await waitForServiceWorker(chef);
	await openFromMenu(chef, 'Skyddsronder');
	await chef.getByRole('link', { name: 'Planera en rond' }).click();
	await expect(chef.getByRole('option', { name: TITLE_SV })).toBeAttached({ timeout: 15_000 });
	await chef.context().setOffline(true);
	await expect(chef.getByTestId('sync-online')).toHaveText('Offline');
	// Saved with no template and no date: both named at once in a focused summary linking to them.
	await chef.getByLabel('Datum').fill('');
	await chef.getByRole('button', { name: 'Spara ronden' }).click();
	const planSummary = chef.getByTestId('error-summary');
	await expect(planSummary).toBeFocused();
	await expect(planSummary.getByRole('link')).toHaveText(['Fyll i mall.', 'Fyll i datum.']);
	await expect(chef.getByLabel('Mall')).toHaveAttribute('aria-invalid', 'true');
	await expect(chef.getByLabel('Mall')).toHaveAccessibleDescription(/Fyll i mall\./);
	await planSummary.getByRole('link', { name: 'Fyll i datum.' }).click();
	await expect(chef.getByLabel('Datum')).toBeFocused();
	await chef.getByLabel('Mall').selectOption({ label: TITLE_SV });
	await chef.getByLabel('Datum').fill('2029-04-11');
	await expect(chef.getByLabel('Namn, deltagare 1')).toHaveValue('Anna Chef');
	await chef.getByRole('button', { name: 'Lägg till deltagare' }).click();
	await expect(chef.getByLabel('Namn, deltagare 2')).toBeFocused();
	await chef.keyboard.type('Sara Skyddsombud');
	await chef.getByLabel('Roll, deltagare 2').selectOption({ label: 'Skyddsombud' });
	await chef.getByRole('button', { name: 'Lägg till deltagare' }).click();
	await chef.getByLabel('Namn, deltagare 3').fill('Kim Lokalvård');
	await expectAccessible(chef, 'plan a round (sv)');
	await chef.getByRole('button', { name: 'Spara ronden' }).click();
	await expect(chef).toHaveURL(/\/rounds\/round%3A/);
	const roundId = decodeURIComponent(new URL(chef.url()).pathname.split('/').pop() ?? '');
	// The round page walks one question at a time; the list shows them all.
	await chef.getByRole('radio', { name: 'Alla i en lista' }).check();
	await expect(chef.getByText(NEW_ITEM_SV)).toBeVisible();
	await chef.context().setOffline(false);
	await expect(chef.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 15_000 });

	const stored = (await (
		await chef.request.post('/db/unit-a1/_all_docs?include_docs=true', { data: { keys: [roundId] } })
	).json()) as { rows: { doc: Record<string, unknown> }[] };
	const round = stored.rows[0]?.doc ?? {};
	expect(round.participants).toEqual([
		// The planner is picked by account; typed names (outsiders) have none.
		{ name: 'Anna Chef', role: 'manager', account: 'chef' },
		{ name: 'Sara Skyddsombud', role: 'safety_rep' },
		{ name: 'Kim Lokalvård', role: 'other' },
	]);
	const v1Id = String(round.templateId);
	expect(v1Id).toMatch(/^template:[a-z0-9-]+\.v1$/);
	// The round starts (the walk does this; here through the API).
	const started = await chef.request.post('/db/unit-a1/_bulk_docs', {
		data: { docs: [{ ...round, status: 'in_progress' }] },
	});
	expect(((await started.json()) as { ok?: boolean }[])[0]?.ok).toBe(true);

	// HR edits the template a round uses: that makes version 2; version 1 stays as it was.
	await hr.goto('/templates');
	await family(hr, TITLE_SV)
		.getByRole('button', { name: /^Redigera/ })
		.click();
	await expect(hr.getByRole('heading', { level: 1 })).toHaveText('Redigera mall – utkast till version 2');
	await hr.getByTestId('template-item').nth(2).getByLabel('Fråga på svenska').fill(V2_ITEM_SV);
	await hr.getByRole('button', { name: 'Spara utkast' }).click();
	await expect(hr.getByText('Utkastet till version 2 är sparat.')).toBeVisible();
	await hr.getByRole('button', { name: 'Publicera' }).click();
	await expect(family(hr, TITLE_SV)).toContainText('Version 2');
	// Editing version 1 in place is refused by the server.
	const v1 = (await (
		await hr.request.post('/db/org/_all_docs?include_docs=true', { data: { keys: [v1Id] } })
	).json()) as { rows: { doc: Record<string, unknown> }[] };
	const v1Doc = v1.rows[0]?.doc ?? {};
	expect(JSON.stringify(v1Doc)).toContain(NEW_ITEM_SV);
	const inPlace = await hr.request.post('/db/org/_bulk_docs', { data: { docs: [{ ...v1Doc, legalRef: 'X' }] } });
	expect(((await inPlace.json()) as { error?: string }[])[0]?.error).toBe('forbidden');

	// The started round still shows version 1's questions; a new round is offered version 2.
	await chef.goto(`/rounds/${encodeURIComponent(roundId)}`);
	await chef.getByRole('radio', { name: 'Alla i en lista' }).check();
	await expect(chef.getByText(NEW_ITEM_SV)).toBeVisible();
	await expect(chef.getByText(V2_ITEM_SV)).toHaveCount(0);
	await chef.goto('/rounds/new');
	const option = chef.getByRole('option', { name: TITLE_SV });
	await expect(option).toHaveAttribute('value', v1Id.replace(/\.v1$/, '.v2'), { timeout: 15_000 });
	await hr.context().close();
	await chef.context().close();
});

test('staff pre-report before a round; the manager sees it and changes date and participants', async ({ browser }) => {
	// A year of this run's own: a CI retry finds the first attempt's planned round, and staff pick
	// the round by its date (two with one label, and the pre-report could go to the other).
	const year = 3000 + Math.floor(Math.random() * 1000);
	const chef = await device(browser, 'chef', PHONE);
	await chef.goto('/rounds/new');
	await expect(chef.getByRole('option', { name: 'Fysisk skyddsrond' })).toBeAttached({ timeout: 15_000 });
	await chef.getByLabel('Mall').selectOption({ label: 'Fysisk skyddsrond' });
	await chef.getByLabel('Datum').fill(`${year}-05-20`);
	await chef.getByLabel('Låt medarbetarna anmäla brister före ronden').check();
	await noSidewaysScroll(chef, 'plan a round on a phone');
	await chef.getByRole('button', { name: 'Spara ronden' }).click();
	await expect(chef).toHaveURL(/\/rounds\/round%3A/);
	const roundId = decodeURIComponent(new URL(chef.url()).pathname.split('/').pop() ?? '');
	await expect(chef.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 15_000 });

	const staff = await device(browser, 'medarbetare', PHONE);
	await openFromMenu(staff, 'Inför ronden');
	await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Anmäl brister inför skyddsronden');
	const what = `Trasig lampa i trapphuset ${TAG}`;
	// Several rounds may be open on the shared server: pick this one by its date.
	const picker = staff.getByLabel('Rond (obligatoriskt)', { exact: true });
	const single = staff.getByText(`20 maj ${year}`);
	// The open rounds come from the server: wait for them before asking whether there is a choice.
	await expect(picker.or(single).first()).toBeVisible({ timeout: 15_000 });
	if (await picker.count()) {
		await picker.selectOption({ label: `Fysisk skyddsrond, Enhet A1, 20 maj ${year}` });
	} else {
		await expect(single).toBeVisible();
	}
	await expectAccessible(staff, 'pre-report (sv)');
	await staff.getByRole('button', { name: 'Skicka' }).click();
	// The missing field is named in a focused summary that links to it; the field says it too.
	const summary = staff.getByTestId('error-summary');
	await expect(summary).toBeFocused();
	await expect(summary.getByRole('link')).toHaveText(['Skriv vad du har sett.']);
	await expect(staff.getByLabel('Vad har du sett?')).toHaveAttribute('aria-invalid', 'true');
	await expect(staff.getByLabel('Vad har du sett?')).toHaveAccessibleDescription('Skriv vad du har sett.');
	await summary.getByRole('link', { name: 'Skriv vad du har sett.' }).click();
	await expect(staff.getByLabel('Vad har du sett?')).toBeFocused();
	await staff.keyboard.type(what);
	await staff.getByLabel('Var (frivilligt)').fill('Trapphus B');
	await staff.getByRole('button', { name: 'Skicka' }).click();
	await expect(staff.getByText('Tack! Din anmälan är sparad')).toBeVisible();
	await expect(staff.getByTestId('my-prereport').filter({ hasText: what })).toContainText('skickad', {
		timeout: 15_000,
	});
	await noSidewaysScroll(staff, 'pre-report on a phone');
	await toEnglish(staff);
	await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Report issues before the safety round');
	await expectAccessible(staff, 'pre-report (en)');
	// Staff still read nothing of the unit.
	expect((await staff.request.get('/db/unit-a1/_changes')).status()).toBe(403);

	// The manager opens the planned round's header: the pre-report is there; change date and people.
	await chef.goto('/rounds');
	const row = chef.locator(`[data-round-id="${roundId}"]`);
	await expect(row).toContainText('Förhandsanmälningar: 1', { timeout: 15_000 });
	await row.getByRole('link', { name: /^Ändra/ }).click();
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText('Ändra planerad rond');
	await expect(chef.getByTestId('prereports')).toContainText(what);
	await expect(chef.getByTestId('prereports')).toContainText('Mats Medarbetare');
	await expect(chef.getByLabel('Datum')).toHaveValue(`${year}-05-20`);
	await expectAccessible(chef, 'edit a planned round (sv)');
	await chef.getByLabel('Datum').fill(`${year}-05-27`);
	await chef.getByRole('button', { name: 'Lägg till deltagare' }).click();
	await chef.getByLabel('Namn, deltagare 2').fill('Sara Skyddsombud');
	await chef.getByLabel('Roll, deltagare 2').selectOption({ label: 'Skyddsombud' });
	await chef.getByRole('button', { name: 'Spara ronden' }).click();
	await expect(chef).toHaveURL(/\/rounds\?saved=/);
	await expect(row).toContainText(`27 maj ${year}`);
	await expect(row).toContainText('Anna Chef, Sara Skyddsombud');
	await noSidewaysScroll(chef, 'round list on a phone');
	await expectAccessible(chef, 'rounds (sv, phone)');

	// The status filter.
	await chef.getByLabel('Visa ronder med status').selectOption({ label: 'Signerad' });
	await expect(row).toHaveCount(0);
	await chef.getByLabel('Visa ronder med status').selectOption({ label: 'Planerad' });
	await expect(row).toHaveCount(1);
	await toEnglish(chef);
	await expectAccessible(chef, 'rounds (en, phone)');
	await chef.goto(`/rounds/new?round=${encodeURIComponent(roundId)}`);
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText('Change a planned round');
	await expectAccessible(chef, 'edit a planned round (en)');
	await chef.goto('/rounds/new');
	await expectAccessible(chef, 'plan a round (en)');
	await chef.context().close();
	await staff.context().close();
});

test('a division manager sees which units are overdue for their yearly rounds', async ({ browser }) => {
	const head = await device(browser, 'avdchef');
	await openFromMenu(head, 'Skyddsronder');
	const table = head.getByTestId('overdue');
	await expect(table).toBeVisible({ timeout: 15_000 });
	// Units of division A only, none of division B.
	await expect(head.getByTestId('overdue-row').filter({ hasText: 'Enhet A2' })).toContainText(
		'Fysisk skyddsrond: aldrig signerad',
	);
	await expect(head.getByTestId('overdue-row').filter({ hasText: 'Enhet A3' })).toContainText(
		'Hot och våld: aldrig signerad',
	);
	await expect(head.getByTestId('overdue-row').filter({ hasText: /Enhet B/ })).toHaveCount(0);
	await expectAccessible(head, 'rounds with overdue units (sv, tablet)');
	await toEnglish(head);
	await expect(head.getByRole('heading', { name: 'Units missing a yearly round' })).toBeVisible();
	await expect(head.getByTestId('overdue-row').filter({ hasText: 'Enhet A2' })).toContainText(
		'OSA round: never signed',
	);
	await expectAccessible(head, 'rounds with overdue units (en, tablet)');
	await head.context().close();

	// A manager of one workplace has no overdue list.
	const chef = await device(browser, 'chef');
	// The overdue list is made from the units on the device; before they are there, nobody has one and
	// "none" would pass at once. So: a complete sync first (units included), then the page, loaded.
	await expect(chef.getByTestId('sync-last')).not.toHaveText('Inte synkat än', { timeout: 30_000 });
	await chef.goto('/rounds');
	await expect(chef.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(chef.getByTestId('rounds-showing').or(chef.getByText('Inga ronder än.'))).toBeVisible({
		timeout: 15_000,
	});
	await expect(chef.getByRole('heading', { name: 'Enheter som saknar årlig rond' })).toHaveCount(0);
	await expect(chef.getByTestId('overdue')).toHaveCount(0);
	await chef.context().close();
});
