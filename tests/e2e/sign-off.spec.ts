/**
 * Signing a round and its report (issue 4 items 6 and 7): the manager completes a round, is told
 * why it cannot be signed while a finding has no risk assessment, assesses it and signs on the
 * tablet offline; the safety rep signs on their own device with a reservation; after sync the
 * round is locked on both devices. The report shows both signatures and the reservation, prints
 * to an A4 PDF and downloads as CSV; reopening with a reason works and is shown. Zero axe
 * violations on the sign-off section and the report, in Swedish and English.
 */
import { readFile } from 'node:fs/promises';
import { expect, request as playwrightRequest, type APIRequestContext, type Page } from '@playwright/test';
import { signIn, expectAccessible, waitForServiceWorker, PASSWORD, test } from './fixtures.ts';

// Recorded now: the server takes a recorded time only near its own clock (decision 0016).
const NOW = new Date().toISOString();
const uuid = () => crypto.randomUUID();

async function api(baseURL: string | undefined, name: string): Promise<APIRequestContext> {
	const ctx = await playwrightRequest.newContext({ baseURL });
	expect((await ctx.post('/db/_session', { data: { name, password: PASSWORD } })).status()).toBe(200);
	return ctx;
}

/** Items 2–12 of the physical template answered Ja by the manager, so the test walks only item 1. */
function answersFor(roundId: string) {
	return Array.from({ length: 11 }, (_, i) => ({
		_id: `answer:${uuid()}`,
		type: 'answer',
		scope: 'unit-a1',
		roundId,
		itemId: `physical-${String(i + 2).padStart(2, '0')}`,
		value: 'yes',
		comment: i === 0 ? 'Ny belysning i korridoren; bra' : '',
		fixedOnSite: false,
		fixedNote: '',
		photos: [],
		stamp: '1795424400000-0000-seed',
		answeredAt: NOW,
		answeredBy: 'chef',
		answeredByName: 'Anna Chef',
		createdAt: NOW,
		updatedAt: NOW,
	}));
}

async function openRound(page: Page, roundId: string): Promise<void> {
	await page.goto(`/rounds/${encodeURIComponent(roundId)}`);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Fysisk skyddsrond', { timeout: 15_000 });
}

const RESERVATION = 'Nödutgången i lagret måste åtgärdas före jul; chefen vill vänta till våren.';

test('manager signs offline, safety rep signs with a reservation, the round locks on both devices; report, PDF, CSV, reopening', async ({
	browser,
	baseURL,
}) => {
	test.setTimeout(180_000);
	// A fresh round with a date no other spec uses, in progress, items 2–12 answered.
	const year = 2040 + Math.floor(Math.random() * 50);
	const round = {
		_id: `round:${uuid()}`,
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: `${year}-05-14`,
		status: 'in_progress',
		participants: [
			{ name: 'Anna Chef', role: 'manager' },
			{ name: 'Sara Skyddsombud', role: 'safety_rep' },
		],
		createdBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
	};
	const chefApi = await api(baseURL, 'chef');
	const res = await chefApi.post('/db/unit-a1/_bulk_docs', { data: { docs: [round, ...answersFor(round._id)] } });
	expect(((await res.json()) as { ok?: boolean }[]).every((r) => r.ok)).toBe(true);
	await chefApi.dispose();

	// The manager's tablet.
	const tablet = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
	const chef = await tablet.newPage();
	await signIn(chef, 'chef');
	await waitForServiceWorker(chef);
	await openRound(chef, round._id);
	await expect(chef.getByTestId('walk-progress')).toHaveText('11 av 12 frågor besvarade', { timeout: 15_000 });

	// Item 1 answered Nej: a finding, a draft until assessed.
	const item1 = chef.getByTestId('item-physical-01');
	await item1.getByRole('radio', { name: 'Nej' }).check();
	await chef.getByLabel('Kommentar till fråga 1', { exact: true }).fill('Kartonger framför nödutgången');
	await chef.keyboard.press('Tab');
	await expect(chef.getByTestId('walk-progress')).toHaveText('12 av 12 frågor besvarade');
	const finding = chef.getByTestId('finding').first();
	await expect(finding.getByTestId('finding-draft')).toBeVisible();

	// Trying to sign now says why not.
	const signoff = chef.getByTestId('sign-off');
	await signoff.getByRole('button', { name: 'Signera som chef' }).click();
	await expect(signoff.getByTestId('sign-told')).toHaveText(
		'Ronden kan inte signeras än. 1 iakttagelse saknar riskbedömning. Bedöm den under Iakttagelser först.',
	);
	await expect(signoff.getByTestId('signatures')).toHaveCount(0);
	await expectAccessible(chef, 'sign-off told why not (sv)');

	// Assess: probability 2 × consequence 3 = 6, medel; not serious.
	await finding.getByRole('radio', { name: 'Sannolikhet 2, konsekvens 3: Medel (6)' }).check();
	await finding.getByRole('radio', { name: 'Nej, inte allvarlig' }).check();
	await chef.keyboard.press('Tab');
	await expect(finding.getByTestId('finding-draft')).toHaveCount(0);
	await expect(signoff.getByTestId('sign-check')).toHaveText(/Alla frågor är besvarade/);
	// Everything reaches the server before the tablet goes offline.
	await expect(chef.getByTestId('sync-pending')).toHaveText(/Allt synkat|All synced/, { timeout: 20_000 });

	// The manager signs on the tablet, offline.
	await tablet.setOffline(true);
	await expect(chef.getByTestId('sync-online')).toHaveText('Offline');
	await signoff.getByRole('button', { name: 'Signera som chef' }).click();
	await expect(signoff.getByRole('status').filter({ hasText: 'Du har signerat som chef.' })).toBeVisible();
	await expect(signoff.getByTestId('signatures')).toContainText('Anna Chef, chef');
	await expect(signoff.getByTestId('waiting-for')).toContainText('skyddsombud');
	await expect(chef.getByTestId('round-status')).toHaveText('Pågår');

	// The safety rep, on their own device, signs with a reservation.
	const phone = await browser.newContext({ viewport: { width: 800, height: 1280 } });
	const rep = await phone.newPage();
	await signIn(rep, 'skyddsombud');
	await openRound(rep, round._id);
	const repSign = rep.getByTestId('sign-off');
	await expect(repSign.getByTestId('sign-check')).toHaveText(/Alla frågor är besvarade/, { timeout: 20_000 });
	await repSign.getByLabel('Reservation (valfri)').fill(RESERVATION);
	await expectAccessible(rep, 'sign-off with a reservation (sv)');
	await repSign.getByRole('button', { name: 'Signera som skyddsombud' }).click();
	await expect(repSign.getByTestId('reservation')).toContainText(RESERVATION);
	// The manager's signature is still on the offline tablet: not locked yet.
	await expect(repSign.getByTestId('waiting-for')).toContainText('chef');
	await expect(rep.getByTestId('round-status')).toHaveText('Pågår');

	// The tablet comes back: both signatures meet, the round locks on both devices.
	await tablet.setOffline(false);
	for (const page of [chef, rep]) {
		await expect(page.getByTestId('round-status')).toHaveText('Signerad', { timeout: 30_000 });
		await expect(page.getByTestId('locked-notice')).toHaveText(
			'Ronden är signerad av chef och skyddsombud och därmed låst. Svaren kan inte ändras.',
		);
		await expect(page.getByTestId('item-physical-01').getByRole('radio', { name: 'Ja' })).toBeDisabled();
		await expect(page.getByTestId('sign-off').getByTestId('signatures')).toContainText('Anna Chef, chef');
		await expect(page.getByTestId('sign-off').getByTestId('signatures')).toContainText('Sara Skyddsombud, skyddsombud');
	}
	await expect(chef.getByTestId('sync-pending')).toHaveText(/Allt synkat|All synced/, { timeout: 20_000 });
	await expect(chef.getByTestId('sync-refused')).toHaveCount(0);
	await expectAccessible(chef, 'locked round with both signatures (sv)');

	// The report, in Swedish: both signatures, the reservation, the finding's risk in words.
	await chef.getByRole('link', { name: 'Visa rondprotokollet' }).click();
	const report = chef.getByTestId('report');
	await expect(report.getByRole('heading', { level: 1 })).toHaveText('Rondprotokoll: Fysisk skyddsrond – Enhet A1');
	await expect(report.getByTestId('report-status')).toHaveText('Signerad');
	await expect(report).toContainText(`14 maj ${year}`);
	await expect(report).toContainText('Anna Chef (chef), Sara Skyddsombud (skyddsombud)');
	await expect(report).toContainText('Fysisk skyddsrond, version 1');
	await expect(report.getByTestId('report-finding')).toContainText('Medel (6 av 16)');
	await expect(report.getByTestId('report-finding')).toContainText('Kartonger framför nödutgången');
	await expect(report.getByTestId('signatures')).toContainText('Anna Chef, chef');
	await expect(report.getByTestId('signatures')).toContainText('Sara Skyddsombud, skyddsombud');
	await expect(report.getByTestId('reservation')).toContainText(RESERVATION);
	await expectAccessible(chef, 'round report (sv)');

	// Print: no navigation or buttons, and an A4 PDF with content.
	await chef.emulateMedia({ media: 'print' });
	await expect(chef.locator('header')).toBeHidden();
	await expect(chef.getByRole('button', { name: 'Skriv ut eller spara som PDF' })).toBeHidden();
	const pdf = await chef.pdf({ format: 'A4' });
	expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
	expect(pdf.length).toBeGreaterThan(20_000);
	// Sections start on new pages: more than one A4 page.
	expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThan(1);
	await chef.emulateMedia({ media: 'screen' });

	// CSV: UTF-8 with BOM, ; between fields, the expected rows.
	const [download] = await Promise.all([chef.waitForEvent('download'), chef.getByTestId('csv').click()]);
	expect(download.suggestedFilename()).toBe(`rond-Enhet-A1-${year}-05-14.csv`);
	const csv = await readFile((await download.path()) as string, 'utf8');
	expect(csv.charCodeAt(0)).toBe(0xfeff);
	const lines = csv.slice(1).split('\r\n');
	// The finding's actions come last, so the columns before keep their place.
	expect(lines[0]).toBe('Del;Nr;Rubrik;Värde;Kommentar;Åtgärdat direkt;Allvarlig risk;Av;Tid;Åtgärder');
	expect(lines).toContain('Rond;;Status;Signerad;;;;;;');
	expect(lines.filter((l) => l.startsWith('Fråga;'))).toHaveLength(12);
	expect(lines.find((l) => l.startsWith('Fråga;1;'))).toMatch(/;Nej;Kartonger framför nödutgången;;;Anna Chef;/);
	expect(lines.find((l) => l.startsWith('Fråga;2;'))).toContain(';Ja;"Ny belysning i korridoren; bra";');
	expect(lines.find((l) => l.startsWith('Iakttagelse;1;'))).toMatch(
		/;Medel \(6 av 16\);Kartonger framför nödutgången;;nej;Anna Chef;/,
	);
	expect(lines.find((l) => l.startsWith('Underskrift;;Sara Skyddsombud;'))).toContain(`"Reservation: ${RESERVATION}"`);
	expect(lines.filter((l) => l.startsWith('Underskrift;'))).toHaveLength(2);

	// English: the report follows the UI language.
	await chef.getByRole('button', { name: 'In English' }).click();
	await expect(report.getByRole('heading', { level: 1 })).toHaveText('Round report: Physical safety round – Enhet A1');
	await expect(report.getByTestId('report-finding')).toContainText('Medium (6 of 16)');
	await expect(report.getByTestId('signatures')).toContainText('Sara Skyddsombud, safety representative');
	await expect(report).toContainText(`14 May ${year}`);
	await expectAccessible(chef, 'round report (en)');
	await chef.getByRole('link', { name: 'Back to the round' }).click();
	await expect(chef.getByTestId('locked-notice')).toContainText('The round is signed');
	await expectAccessible(chef, 'locked round, sign-off section (en)');
	await chef.getByRole('button', { name: 'På svenska' }).click();

	// Reopening needs a reason, and is recorded and shown.
	const chefSign = chef.getByTestId('sign-off');
	await chefSign.getByText('Öppna ronden igen', { exact: true }).first().click();
	await chefSign.getByRole('button', { name: 'Öppna ronden igen' }).click();
	await expect(chefSign.getByTestId('sign-told')).toHaveText('Skriv ett skäl för att öppna ronden igen.');
	await expect(chef.getByTestId('round-status')).toHaveText('Signerad');
	await chefSign.getByLabel('Varför öppnas ronden igen?').fill('Datumet för uppföljningen var fel.');
	await expectAccessible(chef, 'reopen form (sv)');
	await chefSign.getByRole('button', { name: 'Öppna ronden igen' }).click();
	await expect(chef.getByTestId('round-status')).toHaveText('Pågår');
	await expect(chefSign.getByTestId('reopenings')).toContainText('Skäl: Datumet för uppföljningen var fel.');
	await expect(chefSign.getByTestId('reopenings')).toContainText('Öppnad igen av Anna Chef');
	await expect(chef.getByTestId('item-physical-01').getByRole('radio', { name: 'Ja' })).toBeEnabled();
	await expect(chefSign.getByTestId('waiting-for')).toContainText('chef, skyddsombud');
	// The server took it: the safety rep's device sees the round open again, and why.
	await expect(rep.getByTestId('round-status')).toHaveText('Pågår', { timeout: 30_000 });
	await expect(rep.getByTestId('sign-off').getByTestId('reopenings')).toContainText(
		'Datumet för uppföljningen var fel.',
	);
	for (const page of [chef, rep]) await expect(page.getByTestId('sync-refused')).toHaveCount(0);
	await chef.getByRole('link', { name: 'Visa rondprotokollet' }).click();
	await expect(chef.getByTestId('report-status')).toHaveText('Pågår');
	await expect(chef.getByTestId('reopenings')).toContainText('Skäl: Datumet för uppföljningen var fel.');
	await expect(chef.getByTestId('report')).toContainText('Tidigare underskrifter (före återöppning)');

	await tablet.close();
	await phone.close();
});

test('the safety rep signs on the manager’s tablet with their own password; the manager stays signed in', async ({
	browser,
	baseURL,
}) => {
	const year = 2040 + Math.floor(Math.random() * 50);
	const round = {
		_id: `round:${uuid()}`,
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: `${year}-09-03`,
		status: 'in_progress',
		participants: [],
		createdBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
	};
	const first = { ...answersFor(round._id)[0], _id: `answer:${uuid()}`, itemId: 'physical-01' };
	const chefApi = await api(baseURL, 'chef');
	const res = await chefApi.post('/db/unit-a1/_bulk_docs', {
		data: { docs: [round, first, ...answersFor(round._id)] },
	});
	expect(((await res.json()) as { ok?: boolean }[]).every((r) => r.ok)).toBe(true);
	await chefApi.dispose();

	const tablet = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await tablet.newPage();
	await signIn(page, 'chef');
	await openRound(page, round._id);
	const section = page.getByTestId('sign-off');
	await expect(section.getByTestId('sign-check')).toHaveText(/Alla frågor är besvarade/, { timeout: 15_000 });
	await section.getByRole('button', { name: 'Signera som chef' }).click();
	await expect(section.getByTestId('signatures')).toContainText('Anna Chef, chef');

	await section.getByText('Signera som en annan person på den här enheten').click();
	await section.getByLabel('Användarnamn').fill('skyddsombud');
	await section.getByLabel('Lösenord').fill('not-the-password');
	await section.getByLabel('Signerar som').selectOption('safety_rep');
	await section.getByLabel('Reservation från den som signerar (valfri)').fill('Ventilationen i förrådet.');
	await expectAccessible(page, 'sign as another person (sv)');
	await section.getByRole('button', { name: 'Signera', exact: true }).click();
	await expect(section.getByTestId('sign-told')).not.toBeEmpty();
	await expect(page.getByTestId('round-status')).toHaveText('Pågår');

	await section.getByLabel('Lösenord').fill(PASSWORD);
	await section.getByRole('button', { name: 'Signera', exact: true }).click();
	// The signature comes back by sync, both have signed, the tablet locks the round.
	await expect(page.getByTestId('round-status')).toHaveText('Signerad', { timeout: 30_000 });
	await expect(section.getByTestId('reservation')).toContainText('Ventilationen i förrådet.');
	await expect(section.getByTestId('signatures')).toContainText('Sara Skyddsombud, skyddsombud');
	await expect(page.getByTestId('sync-refused')).toHaveCount(0);
	// Still the manager's device: the manager's name in the profile, the manager's actions offered.
	await expect(section.getByText('Öppna ronden igen', { exact: true }).first()).toBeVisible();
	const me = await page.evaluate(async () => (await (await fetch('/api/me')).json()) as { name: string });
	expect(me.name).toBe('chef');
	await tablet.close();
});
