/**
 * Staff pre-reports stay with the round once it is walked (issue 12 item 3, decision 0006): a
 * staff member sends one about question 1 of a planned round; after the manager starts the round
 * it is listed on the round page, shown beside question 1 in both walk modes, and in the report.
 */
import { expect, request as playwrightRequest } from '@playwright/test';
import { expectAccessible, PASSWORD, signIn, test } from './fixtures.ts';

const NOW = new Date().toISOString();

test('a pre-report about question 1 is shown beside it while walking, and in the report', async ({
	browser,
	baseURL,
}) => {
	test.setTimeout(150_000);
	const year = 2040 + Math.floor(Math.random() * 50);
	const round = {
		_id: `round:${crypto.randomUUID()}`,
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: `${year}-10-08`,
		status: 'planned',
		participants: [{ name: 'Anna Chef', role: 'manager' }],
		createdBy: 'chef',
		prereports: true,
		createdAt: NOW,
		updatedAt: NOW,
	};
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
