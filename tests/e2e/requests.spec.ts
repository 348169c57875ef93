/**
 * The safety rep's formal request and work stop (issue 5 items 3 and 5): the safety rep files two
 * requests under 6 kap. 6 a § AML offline on their phone; after sync the manager sees them and
 * confirms receipt offline on the tablet; the device calendar moves past the reply date
 * (`page.clock`) and both see the requests as overdue, in words and in the navigation link; the
 * manager answers one, the safety rep marks the other as taken to Arbetsmiljöverket; a work stop
 * (6 kap. 7 §) is recorded, given an outcome and shows in the printable register and its CSV.
 * A manager cannot file a request: the page says so and the server refuses it. Zero axe
 * violations on every new page, in Swedish and English.
 */
import { readFile } from 'node:fs/promises';
import { expect, type Browser, type Page } from '@playwright/test';
import {
	apiAs,
	expectAccessible,
	signIn,
	waitForServiceWorker,
	test,
	openFromMenu,
	expectMenuEntry,
} from './fixtures.ts';

const DAY = 24 * 60 * 60 * 1000;
const REQUESTS_EMPTY = 'Inga begäranden än.';

async function synced(page: Page): Promise<void> {
	await expect(page.getByTestId('sync-pending')).toHaveText(/Allt synkat|All synced/, { timeout: 30_000 });
}

/** Axe in English too, then back to Swedish. */
async function accessibleInBoth(page: Page, label: string): Promise<void> {
	await expectAccessible(page, `${label} (sv)`);
	await page.getByRole('button', { name: 'In English' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await expectAccessible(page, `${label} (en)`);
	await page.getByRole('button', { name: 'På svenska' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
}

/** The navigation link's name for this many overdue requests. */
const requestsLink = (overdue: number) =>
	overdue === 0
		? 'Begäranden och stopp'
		: `Begäranden och stopp, ${overdue} ${overdue === 1 ? 'försenad' : 'försenade'}`;

/**
 * How many requests `name` sees overdue at `at` before this test files any, on a device of its own
 * once it has pulled everything: a CI retry meets the first attempt's requests on the same server
 * (one stays overdue for good: taken to Arbetsmiljöverket, never answered), so the test checks
 * what its own requests add.
 */
async function overdueAt(browser: Browser, name: string, at: number): Promise<number> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signIn(page, name);
	await expect(page.getByTestId('sync-last')).not.toHaveText('Inte synkat än', { timeout: 30_000 });
	await expect(page.getByTestId('sync-active')).toHaveCount(0, { timeout: 30_000 });
	await page.clock.setFixedTime(at);
	await page.goto('/requests');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	// The list has loaded (the summary is drawn with it): some request, or none yet.
	await expect(page.getByTestId('request-row').first().or(page.getByText(REQUESTS_EMPTY))).toBeVisible({
		timeout: 15_000,
	});
	const summary = page.getByTestId('overdue-summary');
	const count = (await summary.count()) ? Number(/(\d+)/.exec((await summary.textContent()) ?? '')?.[1]) : 0;
	// The link says the same.
	await expect(
		page.getByRole('navigation').getByRole('link', { name: requestsLink(count), exact: true }),
	).toBeVisible();
	await context.close();
	return count;
}

async function fileRequest(rep: Page, subject: string, kind: string): Promise<string> {
	await openFromMenu(rep, 'Begäranden och stopp');
	await rep.getByRole('link', { name: 'Ny begäran enligt 6 kap. 6 a §' }).click();
	await expect(rep.getByRole('heading', { level: 1 })).toHaveText('Ny begäran enligt 6 kap. 6 a § arbetsmiljölagen');
	await rep.getByRole('radio', { name: kind }).check();
	await rep.getByLabel('Ämne').fill(subject);
	await rep.getByLabel('Beskriv problemet').fill('Lysrören i trapphus B har varit trasiga i tre veckor. Det är mörkt.');
	await rep.getByLabel(/Vilka åtgärder begär du/).fill('Byt armaturerna och sätt upp nödbelysning.');
	await rep.getByLabel('Plats (valfri)').fill('Trapphus B');
	// The suggested reply date: two weeks from today on the device's calendar.
	await expect(rep.getByLabel('Svar senast')).not.toHaveValue('');
	await rep.getByRole('button', { name: 'Lämna in begäran' }).click();
	await expect(rep.getByRole('heading', { level: 1 })).toHaveText(subject);
	await expect(rep.getByTestId('request-done')).toHaveText('Begäran är inlämnad. Chefen får den vid nästa synkning.');
	return decodeURIComponent(new URL(rep.url()).pathname.split('/').pop() ?? '');
}

test('a 6:6a request is filed, received, goes overdue for both, is answered or escalated; a work stop is recorded', async ({
	browser,
	request,
}) => {
	test.setTimeout(240_000);
	const tag = Math.random().toString(36).slice(2, 7);
	const first = `Trasig belysning i trapphus B ${tag}`;
	const second = `Hög arbetsbelastning i kvällsgruppen ${tag}`;
	// Past the reply date (two weeks from today): what each side already sees overdue then.
	const later = Date.now() + 16 * DAY;
	const earlier = {
		skyddsombud: await overdueAt(browser, 'skyddsombud', later),
		chef: await overdueAt(browser, 'chef', later),
	};

	const phone = await browser.newContext({ viewport: { width: 800, height: 1200 } });
	const tablet = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
	const rep = await phone.newPage();
	const chef = await tablet.newPage();
	await signIn(rep, 'skyddsombud');
	await waitForServiceWorker(rep);
	await signIn(chef, 'chef');
	await waitForServiceWorker(chef);

	// The safety rep files two requests with the phone offline.
	await openFromMenu(rep, 'Begäranden och stopp');
	await expect(rep.getByRole('heading', { level: 1 })).toHaveText('Skyddsombudets begäranden och stopp');
	await accessibleInBoth(rep, 'request list, safety rep');
	await phone.setOffline(true);
	await expect(rep.getByTestId('sync-online')).toHaveText('Offline');
	await rep.getByRole('link', { name: 'Ny begäran enligt 6 kap. 6 a §' }).click();
	await accessibleInBoth(rep, 'new request form');
	const firstId = await fileRequest(rep, first, 'Begäran om åtgärder enligt 6 kap. 6 a § arbetsmiljölagen');
	await expect(rep.getByTestId('request-status')).toContainText('Inte synkad än');
	await expect(rep.getByTestId('request-status')).toContainText('Mottagandet är inte bekräftat');
	// Only the manager confirms receipt and answers; the safety rep may escalate.
	await expect(rep.getByRole('button', { name: 'Bekräfta mottagande' })).toHaveCount(0);
	await expect(rep.getByRole('button', { name: 'Lämna besked' })).toHaveCount(0);
	await accessibleInBoth(rep, 'request detail, safety rep');
	const secondId = await fileRequest(rep, second, 'Begäran om undersökning enligt 6 kap. 6 a § arbetsmiljölagen');
	await phone.setOffline(false);
	await synced(rep);

	// The manager sees both and confirms receipt of the first with the tablet offline.
	await chef.getByRole('navigation').getByRole('link', { name: 'Begäranden och stopp' }).click();
	const firstRow = chef.locator(`[data-testid="request-row"][data-request-id="${firstId}"]`);
	await expect(firstRow).toBeVisible({ timeout: 30_000 });
	await expect(firstRow.getByTestId('request-status')).toContainText('Väntar på svar');
	// A manager is offered no way to file a request or record a work stop.
	await expect(chef.getByRole('link', { name: 'Ny begäran enligt 6 kap. 6 a §' })).toHaveCount(0);
	await expect(chef.getByRole('link', { name: 'Registrera skyddsombudsstopp' })).toHaveCount(0);
	await tablet.setOffline(true);
	await expect(chef.getByTestId('sync-online')).toHaveText('Offline');
	await firstRow.getByRole('link', { name: first }).click();
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText(first);
	await accessibleInBoth(chef, 'request detail, manager');
	await chef.getByRole('button', { name: 'Bekräfta mottagande' }).click();
	await expect(chef.getByRole('main').getByRole('status')).toContainText(
		'Mottagandet är bekräftat och tiden registrerad.',
	);
	await expect(chef.getByTestId('receipt')).toContainText('Arbetsgivaren bekräftade mottagandet');
	await expect(chef.getByTestId('receipt')).toContainText('Anna Chef');
	await tablet.setOffline(false);
	await synced(chef);
	await rep.goto(`/requests/${encodeURIComponent(firstId)}`);
	await expect(rep.getByTestId('receipt')).toContainText('Anna Chef', { timeout: 30_000 });

	// The device calendar moves past the reply date (two weeks): both see both requests overdue.
	for (const [page, name] of [
		[rep, 'skyddsombud'],
		[chef, 'chef'],
	] as const) {
		await page.clock.setFixedTime(later);
		await page.goto('/requests');
		const overdue = earlier[name] + 2;
		await expectMenuEntry(page, requestsLink(overdue));
		await expect(page.getByTestId('overdue-summary')).toContainText(`Försenade begäranden: ${overdue}.`);
		for (const id of [firstId, secondId]) {
			await expect(page.locator(`[data-request-id="${id}"]`).getByTestId('request-status')).toContainText(
				/Försenad: svar skulle ha lämnats senast/,
			);
		}
		await page.getByLabel('Visa').selectOption({ label: 'Försenade' });
		await expect(page.locator(`[data-request-id="${firstId}"]`)).toBeVisible();
		await page.getByLabel('Visa').selectOption({ label: 'Besvarade' });
		await expect(page.locator(`[data-request-id="${firstId}"]`)).toHaveCount(0);
	}
	await accessibleInBoth(chef, 'request list with overdue requests');

	// The manager answers the first.
	await chef.goto(`/requests/${encodeURIComponent(firstId)}`);
	await expect(chef.getByTestId('request-status')).toContainText('Försenad');
	await chef.getByRole('radio', { name: 'Begäran tillgodoses delvis' }).check();
	await chef.getByLabel('Skriftligt svar').fill('Armaturerna byts vecka 50. Nödbelysning utreds med fastighetsägaren.');
	await chef.getByRole('button', { name: 'Lämna besked' }).click();
	await expect(chef.getByRole('main').getByRole('status')).toContainText('Beskedet är lämnat.');
	await expect(chef.getByTestId('answer')).toContainText('Begäran tillgodoses delvis');
	await expect(chef.getByTestId('request-status')).toContainText('Besvarad');
	await synced(chef);

	// The safety rep takes the second to Arbetsmiljöverket, and sees the first answered.
	await rep.goto(`/requests/${encodeURIComponent(secondId)}`);
	await expect(rep.getByTestId('request-status')).toContainText('Försenad');
	await rep.getByLabel(/Anteckning/).fill('Inget besked; anmält till Arbetsmiljöverket.');
	await rep.getByRole('button', { name: 'Markera att begäran har lämnats till Arbetsmiljöverket' }).click();
	await expect(rep.getByRole('main').getByRole('status')).toContainText(
		'Begäran är markerad som lämnad till Arbetsmiljöverket.',
	);
	await expect(rep.getByTestId('escalation')).toContainText('Sara Skyddsombud');
	await synced(rep);
	await rep.goto('/requests');
	// The answered one is no longer overdue; the one taken to Arbetsmiljöverket still is.
	await expectMenuEntry(rep, requestsLink(earlier.skyddsombud + 1), { timeout: 30_000 });
	await expect(rep.locator(`[data-request-id="${firstId}"]`).getByTestId('request-status')).toContainText('Besvarad');
	await chef.goto('/requests');
	await chef.getByLabel('Visa').selectOption({ label: 'Lämnade till Arbetsmiljöverket' });
	await expect(chef.locator(`[data-request-id="${secondId}"]`).getByTestId('request-status')).toContainText(
		'Skyddsombudet har vänt sig till Arbetsmiljöverket',
		{ timeout: 30_000 },
	);
	await expect(chef.locator(`[data-request-id="${firstId}"]`)).toHaveCount(0);

	// A work stop under 6 kap. 7 §: recorded by the safety rep, outcome by the manager.
	const work = `Takarbete utan fallskydd, hus C ${tag}`;
	await rep.getByRole('link', { name: 'Registrera skyddsombudsstopp' }).click();
	await expect(rep.getByRole('heading', { level: 1 })).toHaveText(
		'Registrera skyddsombudsstopp enligt 6 kap. 7 § arbetsmiljölagen',
	);
	await accessibleInBoth(rep, 'new work stop form');
	await rep.getByLabel('Vilket arbete stoppades, och var?').fill(work);
	await rep.getByLabel(/Skäl: vilken omedelbar och allvarlig fara/).fill('Fallskyddet saknas vid takkanten.');
	await rep.getByRole('checkbox', { name: 'Arbetsmiljöverket har ombetts ta ställning' }).check();
	await rep.getByRole('button', { name: 'Registrera stoppet' }).click();
	await expect(rep.getByRole('heading', { level: 1 })).toHaveText(`Skyddsombudsstopp: ${work}`);
	await expect(rep.getByTestId('workstop-status')).toContainText('Arbetet är stoppat');
	await expect(rep.getByTestId('authority')).toHaveText('Arbetsmiljöverket har ombetts ta ställning');
	await accessibleInBoth(rep, 'work stop detail');
	await synced(rep);

	await chef.goto('/requests');
	const stopRow = chef.getByTestId('workstop-row').filter({ hasText: work });
	await expect(stopRow).toBeVisible({ timeout: 30_000 });
	await stopRow.getByRole('link').click();
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText(`Skyddsombudsstopp: ${work}`);
	await expect(chef.getByLabel('Vad blev utfallet?')).toBeVisible();
	await expectAccessible(chef, 'work stop outcome form (sv)');
	await chef.getByLabel('Vad blev utfallet?').fill('Fallskydd monterat; arbetet återupptogs.');
	await chef.getByLabel('Arbetet återupptogs (valfritt)').fill('2031-01-01T10:00');
	await chef.getByRole('button', { name: 'Spara utfall' }).click();
	await expect(chef.getByRole('main').getByRole('status')).toContainText('Utfallet är sparat.');
	await expect(chef.getByTestId('workstop-status')).toContainText('Arbetet återupptogs');
	await synced(chef);

	// The unit's register: both requests and the work stop, printable and as CSV.
	await chef.goto('/requests');
	await chef.getByRole('link', { name: 'Register för Enhet A1 (utskrift och CSV)' }).click();
	const register = chef.getByTestId('register');
	await expect(register.getByRole('heading', { level: 1 })).toHaveText(
		'Register över begäranden och skyddsombudsstopp – Enhet A1',
	);
	await expect(register.getByTestId('register-request').filter({ hasText: first })).toContainText(
		'Begäran tillgodoses delvis',
	);
	await expect(register.getByTestId('register-request').filter({ hasText: second })).toContainText(
		'Inget besked; anmält till Arbetsmiljöverket.',
	);
	await expect(register.getByTestId('register-workstop').filter({ hasText: work })).toContainText(
		'Fallskydd monterat; arbetet återupptogs.',
	);
	await accessibleInBoth(chef, 'register');
	const [download] = await Promise.all([chef.waitForEvent('download'), chef.getByTestId('register-csv').click()]);
	expect(download.suggestedFilename()).toMatch(/^skyddsombud-register-Enhet-A1-\d{4}-\d{2}-\d{2}\.csv$/);
	const csv = await readFile((await download.path()) as string, 'utf8');
	expect(csv.startsWith('\uFEFFDel;')).toBe(true);
	expect(csv).toContain(first);
	expect(csv).toContain(work);
	expect(csv).toContain('Skyddsombudsstopp 6 kap. 7 §');
	await chef.emulateMedia({ media: 'print' });
	await expect(chef.locator('header')).toBeHidden();
	await chef.emulateMedia({ media: 'screen' });

	// A manager cannot file a request: the form says so, and the server refuses one sent directly.
	await chef.goto('/requests/new');
	await expect(
		chef.getByText('Bara skyddsombud kan lämna in en begäran enligt 6 kap. 6 a § arbetsmiljölagen.'),
	).toBeVisible();
	await expect(chef.getByRole('button', { name: 'Lämna in begäran' })).toHaveCount(0);
	const api = await apiAs(request, 'chef');
	const now = new Date().toISOString();
	const res = await api.post('/db/unit-a1/_bulk_docs', {
		data: {
			docs: [
				{
					_id: `request:${crypto.randomUUID()}`,
					type: 'request',
					scope: 'unit-a1',
					unitId: 'a1',
					kind: 'measures',
					subject: 'Chefens egen begäran',
					description: 'Ska inte gå igenom.',
					location: '',
					requestedMeasures: '',
					replyBy: '2031-01-01',
					filedAt: now,
					filedBy: 'chef',
					filedByName: 'Anna Chef',
					createdAt: now,
					updatedAt: now,
				},
			],
		},
	});
	expect(await res.json()).toEqual([
		expect.objectContaining({ error: 'forbidden', reason: 'only a safety rep of the unit files a request' }),
	]);

	await phone.close();
	await tablet.close();
});
