/**
 * Staff pre-reports stay with the round once it is walked (issue 12 item 3, decision 0006): a
 * staff member sends one about question 1 of a planned round; after the manager starts the round
 * it is listed on the round page, shown beside question 1 in both walk modes, and in the report.
 */
import { expect, request as playwrightRequest } from '@playwright/test';
import { expectAccessible, PASSWORD, signIn, test } from './fixtures.ts';

const NOW = new Date().toISOString();

/** A planned round of Enhet A1 that takes pre-reports. */
function planned(date: string) {
	return {
		_id: `round:${crypto.randomUUID()}`,
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date,
		status: 'planned',
		participants: [{ name: 'Anna Chef', role: 'manager' }],
		createdBy: 'chef',
		prereports: true,
		createdAt: NOW,
		updatedAt: NOW,
	};
}

test('a pre-report about question 1 is shown beside it while walking, and in the report', async ({
	browser,
	baseURL,
}) => {
	test.setTimeout(150_000);
	const year = 2040 + Math.floor(Math.random() * 50);
	const round = planned(`${year}-10-08`);
	const api = await playwrightRequest.newContext({ baseURL });
	expect((await api.post('/db/_session', { data: { name: 'chef', password: PASSWORD } })).status()).toBe(200);
	const res = await api.post('/db/unit-a1/_bulk_docs', { data: { docs: [round] } });
	expect(((await res.json()) as { ok?: boolean }[]).every((r) => r.ok)).toBe(true);
	await api.dispose();

	// Staff send a pre-report about question 1.
	const phone = await browser.newContext({ viewport: { width: 800, height: 1280 } });
	const staff = await phone.newPage();
	await signIn(staff, 'medarbetare');
	await staff.goto('/prereports');
	await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Anmäl brister inför skyddsronden');
	const picker = staff.getByLabel('Rond (obligatoriskt)', { exact: true });
	if (await picker.count()) await picker.selectOption({ label: `Fysisk skyddsrond, Enhet A1, 8 oktober ${year}` });
	const what = `Lösa mattor i entrén ${crypto.randomUUID().slice(0, 8)}`;
	await staff.getByLabel('Vad har du sett?').fill(what);
	await staff.getByLabel('Gäller det en fråga i checklistan? (valfritt)').selectOption({ index: 1 });
	await expectAccessible(staff, 'pre-report with a question (sv)');
	await staff.getByRole('button', { name: 'Skicka' }).click();
	await expect(staff.getByTestId('my-prereport').filter({ hasText: what })).toContainText('skickad', {
		timeout: 15_000,
	});
	await phone.close();

	// The manager starts the round: the pre-report stays, beside question 1.
	const tablet = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const chef = await tablet.newPage();
	await signIn(chef, 'chef');
	await chef.goto(`/rounds/${encodeURIComponent(round._id)}`);
	await expect(chef.getByRole('heading', { level: 1 })).toContainText('Fysisk skyddsrond', { timeout: 15_000 });
	await expect(chef.getByTestId('walk-prereports')).toContainText(what, { timeout: 20_000 });
	const beside = chef.getByTestId('item-prereports-physical-01');
	await expect(beside).toContainText(what);
	await expect(beside).toContainText('Mats Medarbetare');
	// The walk itself is offline, as in a basement: the pre-report stays where it was.
	await tablet.setOffline(true);
	await expect(chef.getByTestId('sync-online')).toHaveText('Offline');
	await chef.getByTestId('item-physical-01').getByRole('radio', { name: 'Ja' }).check();
	await expect(chef.getByTestId('round-status')).toHaveText('Pågår');
	await expect(chef.getByTestId('walk-prereports')).toContainText(what);
	await expect(chef.getByTestId('walk-prereports')).toContainText('gäller fråga 1');
	await expectAccessible(chef, 'walking with a pre-report beside its question (sv)');
	// In list mode too.
	await chef.getByRole('radio', { name: 'Alla i en lista' }).check();
	await expect(chef.getByTestId('item-prereports-physical-01')).toContainText(what);
	await tablet.setOffline(false);
	await expect(chef.getByTestId('sync-pending')).toHaveText(/Allt synkat/, { timeout: 20_000 });

	await chef.goto(`/rounds/${encodeURIComponent(round._id)}/report`);
	await expect(chef.getByTestId('report-prereports')).toContainText(what, { timeout: 15_000 });
	await expect(chef.getByTestId('report-prereports')).toContainText('gäller fråga 1');
	await tablet.close();
});

test('going from one round to another shows the second round’s pre-reports, walking and in the report', async ({
	browser,
	baseURL,
}) => {
	test.setTimeout(120_000);
	const year = 2040 + Math.floor(Math.random() * 50);
	const tag = crypto.randomUUID().slice(0, 8);
	const rounds = [planned(`${year}-11-05`), planned(`${year}-11-06`)];
	const texts = [`Halt golv vid diskrummet ${tag}`, `Blockerad nödutgång ${tag}`];
	const prereports = rounds.map((r, i) => ({
		_id: `prereport:${crypto.randomUUID()}`,
		type: 'prereport',
		scope: 'unit-a1',
		unitId: 'a1',
		roundId: r._id,
		submittedBy: 'chef',
		submitterName: 'Anna Chef',
		title: texts[i],
		description: 'Sett i veckan.',
		location: '',
		itemId: 'physical-01',
		createdAt: NOW,
		updatedAt: NOW,
	}));
	const api = await playwrightRequest.newContext({ baseURL });
	expect((await api.post('/db/_session', { data: { name: 'chef', password: PASSWORD } })).status()).toBe(200);
	for (const docs of [rounds, prereports]) {
		const res = await api.post('/db/unit-a1/_bulk_docs', { data: { docs } });
		expect(((await res.json()) as { reason?: string }[]).map((r) => r.reason ?? 'ok')).toEqual(['ok', 'ok']);
	}
	await api.dispose();

	const tablet = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const chef = await tablet.newPage();
	await signIn(chef, 'chef');
	/** Follow a link inside the app, as from one round to another: the router keeps the page. */
	async function followLink(href: string): Promise<void> {
		await chef.evaluate((to) => {
			const link = Object.assign(document.createElement('a'), { href: to, textContent: 'to the other round' });
			link.dataset.testid = 'other-round';
			document.body.append(link);
		}, href);
		await chef.getByTestId('other-round').click();
		await expect.poll(() => new URL(chef.url()).pathname).toBe(href);
	}
	for (const suffix of ['', '/report']) {
		const testId = suffix ? 'report-prereports' : 'walk-prereports';
		await chef.goto(`/rounds/${encodeURIComponent(rounds[0]!._id)}${suffix}`);
		await expect(chef.getByTestId(testId)).toContainText(texts[0]!, { timeout: 20_000 });
		await chef.evaluate(() => Object.assign(window, { samePage: true }));
		await followLink(`/rounds/${encodeURIComponent(rounds[1]!._id)}${suffix}`);
		await expect(chef.getByTestId(testId)).toContainText(texts[1]!, { timeout: 15_000 });
		await expect(chef.getByTestId(testId)).not.toContainText(texts[0]!);
		if (!suffix) await expect(chef.getByTestId('item-prereports-physical-01')).toContainText(texts[1]!);
		// Not a new page load: the same document went from one round to the other.
		expect(await chef.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);
	}
	await tablet.close();
});
