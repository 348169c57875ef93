/**
 * Anonymous staff surveys on phones (issue 13): two staff phones answer the demo HME campaign,
 * one entirely offline after loading it (a reload mid-survey keeps the answers, the send waits
 * in the anonymous outbox and is delivered once when the network returns); the quick exit
 * leaves without a way back; the support page needs no sign-in; axe at zero in Swedish and
 * English, and 200 % text without sideways scrolling.
 */
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiAs, expectAccessible, signIn, test, waitForServiceWorker } from './fixtures.ts';

const PHONE = { viewport: { width: 390, height: 844 } };
const CAMPAIGN = 'campaign:demo-hme';
const SURVEY_URL = `/surveys/${encodeURIComponent(CAMPAIGN)}`;
const HME_LINK = /HME – Hållbart medarbetarengagemang – öppen till och med/;

/** A phone signed in as `name`, with its token for the campaign taken (the home page asks early). */
async function phone(browser: Browser, name: string): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext(PHONE);
	const page = await context.newPage();
	const token = page.waitForResponse(
		(r) => r.url().endsWith(`/api/campaigns/${encodeURIComponent(CAMPAIGN)}/token`) && r.status() === 200,
		{ timeout: 30_000 },
	);
	await signIn(page, name);
	await waitForServiceWorker(page);
	await expect(page.getByRole('link', { name: HME_LINK })).toBeVisible({ timeout: 20_000 });
	await token;
	return { context, page };
}

/** Answer every statement of the section on screen with `value` (1–5). */
async function answerSection(page: Page, value: number): Promise<void> {
	const groups = page.getByRole('group');
	const count = await groups.count();
	expect(count).toBe(3);
	for (let i = 0; i < count; i++) {
		await groups
			.nth(i)
			.getByRole('radio', { name: new RegExp(`^${value}\\b`) })
			.check();
	}
}

/** The page is no wider than its window (no sideways scrolling). */
async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
	const [scrollWidth, innerWidth] = await page.evaluate(() => [
		document.scrollingElement?.scrollWidth ?? 0,
		window.innerWidth,
	]);
	if (scrollWidth > innerWidth) {
		// Name the widest elements, so a failure says what to fix.
		const wide = await page.evaluate(
			(limit) =>
				[...document.querySelectorAll<HTMLElement>('body *')]
					.filter((el) => el.getBoundingClientRect().right > limit + 0.5)
					.slice(0, 8)
					.map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)})`),
			innerWidth,
		);
		expect(wide, `${label}: wider than ${innerWidth}px`).toEqual([]);
	}
	expect(scrollWidth, `${label}: page width`).toBeLessThanOrEqual(innerWidth);
}

test('two staff phones answer; one offline from loading the survey, delivered once when back online', async ({
	browser,
}) => {
	test.setTimeout(240_000);
	const a = await phone(browser, 'medarbetare5');
	const b = await phone(browser, 'medarbetare6');

	// Phone A: the home page lists the survey with a badge; the survey loads, then the network goes.
	await expect(a.page.getByTestId('surveys-badge')).toHaveText('1 obesvarad');
	await expect(a.page.getByTestId(`survey-state-${CAMPAIGN}`)).toHaveText('Inte besvarad');
	await expectAccessible(a.page, 'home with a survey (sv)');
	await a.page.getByRole('link', { name: HME_LINK }).click();
	await expect(a.page.getByRole('heading', { level: 1 })).toHaveText('HME – Hållbart medarbetarengagemang');
	await expect(a.page.getByText('Dina svar är anonyma.', { exact: false })).toBeVisible();
	await expectAccessible(a.page, 'survey intro (sv)');
	await a.context.setOffline(true);
	const sentFromA: number[] = [];
	a.page.on('response', (r) => {
		if (r.url().includes('/anon/campaigns/')) sentFromA.push(r.status());
	});

	await a.page.getByRole('button', { name: 'Börja' }).click();
	await expect(a.page.getByRole('heading', { level: 2, name: 'Motivation' })).toBeVisible();
	await expect(a.page.getByText('Del 1 av 3')).toBeVisible();
	await answerSection(a.page, 4);
	await expectAccessible(a.page, 'survey section (sv)');

	// A reload offline, mid-survey: the answers are kept on the phone.
	await a.page.reload();
	await a.page.getByRole('button', { name: 'Fortsätt där du var' }).click({ timeout: 20_000 });
	const first = a.page.getByRole('group', { name: 'Mitt arbete känns meningsfullt.' });
	// The optional mark is its own word, so 200 % text can wrap before it.
	await expect(first).toHaveAccessibleName('Mitt arbete känns meningsfullt. (frivillig)');
	await expect(first.getByRole('radio', { name: /^4\b/ })).toBeChecked();
	await a.page.getByRole('button', { name: 'Nästa' }).click();
	await answerSection(a.page, 3);
	await a.page.getByRole('button', { name: 'Nästa' }).click();
	await answerSection(a.page, 5);
	await a.page.getByRole('button', { name: 'Till sammanfattningen' }).click();
	await expect(a.page.getByRole('heading', { level: 2, name: 'Sammanfattning' })).toBeVisible();
	await expectAccessible(a.page, 'survey summary (sv)');
	await a.page.getByRole('button', { name: 'Skicka svaren' }).click();
	await expect(a.page.getByRole('heading', { level: 2, name: 'Tack för dina svar!' })).toBeVisible();
	await expect(a.page.getByTestId('survey-state')).toContainText('Svaren skickas så snart telefonen har nät');
	await expect(a.page.getByTestId('support-contacts')).toContainText('Kvinnofridslinjen');
	await expect(a.page.getByTestId('support-employer')).toContainText('Företagshälsovården Demo');
	await expectAccessible(a.page, 'survey queued (sv)');
	expect(sentFromA).toEqual([]);
	// The header does not claim "all synced" while the response waits, nor says what waits.
	await expect(a.page.getByTestId('sync-pending')).toHaveText('1 ändring väntar');

	// Phone B answers online meanwhile and sees "Skickad".
	await b.page.getByRole('link', { name: HME_LINK }).click();
	await b.page.getByRole('button', { name: 'Börja' }).click();
	// 200 % text on a phone: no sideways scrolling.
	await b.page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
	await expectNoSidewaysScroll(b.page, 'survey section at 200 % text');
	await b.page.evaluate(() => (document.documentElement.style.fontSize = ''));
	for (const value of [2, 3, 4]) {
		await answerSection(b.page, value);
		await b.page.getByRole('button', { name: /^(Nästa|Till sammanfattningen)$/ }).click();
	}
	await b.page.getByRole('button', { name: 'Skicka svaren' }).click();
	await expect(b.page.getByTestId('survey-state')).toHaveText(/Svaren är skickade/, { timeout: 20_000 });
	await b.page.goto('/');
	await expect(b.page.getByTestId(`survey-state-${CAMPAIGN}`)).toHaveText('Skickad', { timeout: 20_000 });
	await expect(b.page.getByTestId('surveys-badge')).toHaveCount(0);

	// Phone A back online: delivered once, and only "sent" is left on the phone.
	await a.context.setOffline(false);
	await expect(a.page.getByTestId('survey-state')).toHaveText(/Svaren är skickade/, { timeout: 30_000 });
	expect(sentFromA).toEqual([200]);
	await expect(a.page.getByTestId('sync-pending')).toHaveText('Allt synkat');
	const left = await a.page.evaluate(
		() =>
			new Promise<Record<string, number>>((resolve, reject) => {
				const open = indexedDB.open('trygg-medarbetare5');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const tables = ['surveyProgress', 'surveyTokens', 'anonOutbox', 'surveysSent'];
					const tx = db.transaction(tables, 'readonly');
					const counts: Record<string, number> = {};
					for (const t of tables) {
						const req = tx.objectStore(t).count();
						req.onsuccess = () => (counts[t] = req.result);
					}
					tx.oncomplete = () => {
						db.close();
						resolve(counts);
					};
				};
			}),
	);
	expect(left).toEqual({ surveyProgress: 0, surveyTokens: 0, anonOutbox: 0, surveysSent: 1 });
	expect(await a.page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('survey|')))).toEqual([]);
	// Sent once: a reload sends nothing more.
	await a.page.reload();
	await expect(a.page.getByTestId('survey-state')).toHaveText(/Svaren är skickade/, { timeout: 20_000 });
	expect(sentFromA).toEqual([200]);

	// English: the thank-you and the home page, axe at zero.
	await a.page.getByRole('button', { name: 'In English' }).click();
	await expect(a.page.getByRole('heading', { level: 2, name: 'Thank you for your answers!' })).toBeVisible();
	await expectAccessible(a.page, 'survey sent (en)');
	await a.page.goto('/');
	await expect(a.page.getByTestId(`survey-state-${CAMPAIGN}`)).toHaveText('Sent', { timeout: 20_000 });
	await expectAccessible(a.page, 'home with a sent survey (en)');

	await a.context.close();
	await b.context.close();
});

test('quick exit replaces the survey with a neutral page, by button or Escape three times', async ({ browser }) => {
	test.setTimeout(120_000);
	const { context, page } = await phone(browser, 'medarbetare3');
	await page.goto(SURVEY_URL);
	await page.getByRole('button', { name: /^(Börja|Fortsätt där du var)$/ }).click();
	await expect(page.getByText('Del 1 av 3')).toBeVisible();
	await page.getByRole('button', { name: 'In English' }).click();
	await expect(page.getByRole('button', { name: 'Quick exit' })).toBeVisible();
	await expectAccessible(page, 'survey section (en)');
	await page.getByRole('button', { name: 'På svenska' }).click();

	await page.keyboard.press('Escape');
	await page.keyboard.press('Escape');
	await page.keyboard.press('Escape');
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Välkommen');
	// Back goes to what came before the survey, never to the survey (only the URL matters here).
	await page.goBack({ waitUntil: 'commit' });
	await expect(page).not.toHaveURL(/\/surveys\//);

	await page.goto(SURVEY_URL);
	await page.getByRole('button', { name: 'Lämna snabbt' }).click();
	await expect(page).toHaveURL(/\/$/);
	// Back goes to what came before the survey, never to the survey (only the URL matters here).
	await page.goBack({ waitUntil: 'commit' });
	await expect(page).not.toHaveURL(/\/surveys\//);
	await context.close();
});

test('the support page needs no sign-in', async ({ page }) => {
	await page.goto('/support');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Stöd och hjälp');
	await expect(page.getByRole('link', { name: 'Ring 020-50 50 50' })).toHaveAttribute('href', 'tel:020505050');
	await expect(page.getByRole('link', { name: 'Ring 116 006' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Ring 112' })).toBeVisible();
	await expectAccessible(page, 'support (sv)');
	await page.getByRole('button', { name: 'In English' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Support and help');
	await expectAccessible(page, 'support (en)');
});

test('a sensitive survey: neutral title, free text with its warning, answered offline, nothing left after sending', async ({
	browser,
	request,
}) => {
	test.setTimeout(180_000);
	// HR opens the close-relationship survey for Enhet A1 (14 people, k 10). A window no test day falls outside.
	const hr = await apiAs(request, 'hr');
	const id = `campaign:e2e-close-${Date.now().toString(36)}`;
	const now = new Date().toISOString();
	const campaign = {
		_id: id,
		type: 'campaign',
		scope: 'org',
		surveyId: 'survey:close-relationship.v1',
		targetUnitId: 'a1',
		opensOn: '2000-01-01',
		closesOn: '2999-12-31',
		k: 10,
		supportContact: 'Kontaktperson Demo, tel. 010-000 00 02 (påhittat)',
		cancelled: false,
		createdBy: 'hr',
		createdAt: now,
		updatedAt: now,
	};
	const created = await hr.post('/db/org/_bulk_docs', { data: { docs: [campaign] } });
	expect(await created.json()).toEqual([expect.objectContaining({ id, ok: true })]);

	const context = await browser.newContext(PHONE);
	const page = await context.newPage();
	await signIn(page, 'medarbetare4');
	await waitForServiceWorker(page);
	// The home list and the tab never name the subject.
	const link = page.locator(`a[href="/surveys/${encodeURIComponent(id)}"]`);
	await expect(link).toHaveText(/^Enkät – öppen/, { timeout: 20_000 });
	await link.click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enkät');
	await expect(page).toHaveTitle(/^Enkät/);
	await page.getByRole('button', { name: 'Börja' }).click();
	await expect(page.getByRole('button', { name: 'Lämna snabbt' })).toBeVisible();

	await context.setOffline(true);
	await page
		.getByRole('group', { name: /Vet du var du kan få stöd/ })
		.getByRole('radio', { name: 'Delvis' })
		.check();
	const text = page.getByRole('textbox', { name: /Vad skulle göra det lättare/ });
	await expect(text).toHaveAccessibleDescription(/Skriv inte namn.*0 av 1\s000 tecken/);
	await text.fill('Mer information på arbetsplatsträffar.');
	await expect(page.getByText(/38 av 1\s000 tecken/)).toBeVisible();
	await expectAccessible(page, 'sensitive survey section (sv)');
	await expect(page).toHaveTitle(/^Enkät/);
	await page.getByRole('button', { name: 'Till sammanfattningen' }).click();
	await page.getByRole('button', { name: 'Skicka svaren' }).click();
	await expect(page.getByTestId('support-employer')).toContainText('Kontaktperson Demo');

	await context.setOffline(false);
	await expect(page.getByTestId('survey-state')).toHaveText(/Svaren är skickade/, { timeout: 30_000 });
	const storage = await page.evaluate(async () => {
		const dump = await new Promise<string>((resolve, reject) => {
			const open = indexedDB.open('trygg-medarbetare4');
			open.onerror = () => reject(open.error);
			open.onsuccess = () => {
				const db = open.result;
				const tables = ['surveyProgress', 'surveyTokens', 'anonOutbox', 'surveysSent'];
				const tx = db.transaction(tables, 'readonly');
				const rows: unknown[] = [];
				for (const t of tables) {
					const req = tx.objectStore(t).getAll();
					req.onsuccess = () => rows.push(...req.result);
				}
				tx.oncomplete = () => {
					db.close();
					resolve(JSON.stringify(rows));
				};
			};
		});
		return { dump, local: JSON.stringify({ ...localStorage }) };
	});
	// Only "sent for this campaign" is left; no answer text anywhere in the phone's storage.
	expect(storage.dump).not.toContain('arbetsplatsträffar');
	expect(storage.dump).not.toContain('partly');
	expect(storage.local).not.toContain('arbetsplatsträffar');
	// (The demo HME campaign's token, taken early for a survey not yet answered, is another campaign's.)
	const rows = (JSON.parse(storage.dump) as { campaignId: string }[]).filter((r) => r.campaignId === id);
	expect(rows).toEqual([{ campaignId: id }]);
	await context.close();

	// The campaign ends here, so other phones' lists stay as the other tests expect.
	const found = await hr.post('/db/org/_all_docs?include_docs=true', { data: { keys: [id] } });
	const current = ((await found.json()) as { rows: { doc: Record<string, unknown> }[] }).rows[0]?.doc;
	const cancelled = await hr.post('/db/org/_bulk_docs', {
		data: { docs: [{ ...current, cancelled: true, updatedAt: new Date().toISOString() }] },
	});
	expect(await cancelled.json()).toEqual([expect.objectContaining({ id, ok: true })]);
});

test('a response the server refuses stays on the phone and shows on the sync page, in its words', async ({
	browser,
}) => {
	test.setTimeout(120_000);
	const { context, page } = await phone(browser, 'medarbetare7');
	// The server's answer to the send is a refusal (as if a response with this token was already stored).
	await page.route('**/anon/campaigns/**', (route) =>
		route.fulfill({
			status: 409,
			contentType: 'application/json',
			body: JSON.stringify({ error: 'conflict', reason: 'a response has already been sent with this token' }),
		}),
	);
	await page.getByRole('link', { name: HME_LINK }).click();
	await page.getByRole('button', { name: 'Börja' }).click();
	for (const value of [3, 4, 5]) {
		await answerSection(page, value);
		await page.getByRole('button', { name: /^(Nästa|Till sammanfattningen)$/ }).click();
	}
	await page.getByRole('button', { name: 'Skicka svaren' }).click();
	await expect(page.getByTestId('survey-refused')).toHaveText(
		'Du har redan svarat på den här enkäten. Ett andra svar tas inte emot.',
		{ timeout: 20_000 },
	);

	await page.goto('/sync');
	const refused = page.getByTestId('survey-response-refused');
	await expect(refused).toHaveCount(1);
	await expect(refused).toContainText('HME – Hållbart medarbetarengagemang');
	await expect(refused).toContainText('Du har redan svarat på den här enkäten.');
	await expectAccessible(page, 'sync page with a refused survey response (sv)');
	// Still there after a reload: a refused response is never dropped silently.
	await page.reload();
	await expect(page.getByTestId('survey-response-refused')).toHaveCount(1);
	await context.close();
});
