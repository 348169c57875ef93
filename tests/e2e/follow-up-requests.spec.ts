/**
 * The safety rep's requests in the annual follow-up's facts (issue 5: requests and work stops are
 * part of the unit's record and reports): the safety rep files a 6:6a request offline on their
 * phone during the year; after sync the manager's tablet counts it among the year's facts, as
 * unanswered and, past its reply date, overdue, in words, with a link to the unit's register; the
 * facts come from the device when the tablet is offline, where the manager starts the follow-up;
 * the printed record keeps the facts and leaves the link out.
 * Zero axe violations on the form in Swedish and English.
 */
import { expect } from '@playwright/test';
import { expectAccessible, signIn, waitForServiceWorker, test } from './fixtures.ts';

test('a request the safety rep filed during the year shows in the follow-up facts on the manager’s device', async ({
	browser,
}) => {
	test.setTimeout(180_000);
	// A year no other spec uses, so the counts are this test's own; both devices' calendars are set in it.
	const year = 2200 + Math.floor(Math.random() * 600);
	const url = `/follow-ups/${encodeURIComponent(`followup:a1-${year}`)}`;
	const subject = `Halkigt golv vid diskrummet ${Math.random().toString(36).slice(2, 7)}`;

	// The safety rep files a request for measures with the phone offline, on 2 March.
	const phone = await browser.newContext({ viewport: { width: 800, height: 1200 } });
	const rep = await phone.newPage();
	await signIn(rep, 'skyddsombud');
	await waitForServiceWorker(rep);
	await rep.clock.setFixedTime(new Date(`${year}-03-02T09:00:00`));
	await rep.goto('/requests/new');
	// Online once on the new calendar, as a device is after its clock was set: it stamps its edits on
	// the server's time from then on (decision 0013); a clock moved centuries while offline is refused.
	await expect(rep.getByTestId('sync-last')).toContainText(String(year), { timeout: 30_000 });
	await phone.setOffline(true);
	await rep.getByRole('radio', { name: 'Begäran om åtgärder enligt 6 kap. 6 a § arbetsmiljölagen' }).check();
	await rep.getByLabel('Ämne').fill(subject);
	await rep.getByLabel('Beskriv problemet').fill('Golvet vid diskrummet är halt efter varje diskpass.');
	await rep.getByLabel(/Vilka åtgärder begär du/).fill('Lägg halkskyddande matta och se över avrinningen.');
	await expect(rep.getByLabel('Svar senast')).toHaveValue(`${year}-03-16`);
	await rep.getByRole('button', { name: 'Lämna in begäran' }).click();
	await expect(rep.getByRole('heading', { level: 1 })).toHaveText(subject);
	await phone.setOffline(false);
	await expect(rep.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 30_000 });

	// The manager's tablet, on 1 April: the request is in the year's facts, unanswered and overdue.
	const tablet = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const chef = await tablet.newPage();
	await signIn(chef, 'chef');
	await waitForServiceWorker(chef);
	await chef.clock.setFixedTime(new Date(`${year}-04-01T09:00:00`));
	await chef.goto(url);
	await expect(chef.getByTestId('sync-last')).toContainText(String(year), { timeout: 30_000 });
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText(`Årlig uppföljning ${year} – Enhet A1`);
	const facts = chef.getByTestId('followup-facts-requests');
	await expect(facts).toContainText(
		'Begäranden enligt 6 kap. 6 a § AML under året: 1 (1 om åtgärder, 0 om undersökning)',
		{ timeout: 30_000 },
	);
	const expected = [
		'Besvarade: 0',
		'Ännu inte besvarade: 1',
		'Försenade i dag, utan svar fast svarsdatumet har passerat: 1',
		'Begäranden som skyddsombudet har lämnat till Arbetsmiljöverket: 0',
		'Skyddsombudsstopp enligt 6 kap. 7 § AML under året: 0',
	];
	for (const text of expected) await expect(facts).toContainText(text);
	const register = chef.getByRole('link', { name: 'Enhetens register över begäranden och skyddsombudsstopp' });
	await expect(register).toHaveAttribute('href', '/requests/register?unit=a1');
	await expect(chef.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 30_000 });
	await expectAccessible(chef, 'follow-up form with request facts (sv)');

	// Offline, the facts come from the device.
	await tablet.setOffline(true);
	await chef.reload();
	for (const text of expected) await expect(chef.getByTestId('followup-facts-requests')).toContainText(text);

	// The manager starts the follow-up offline; its printed record keeps the facts and leaves the link out.
	await chef.getByTestId('question-rounds').getByRole('radio', { name: 'Ja', exact: true }).check();
	await chef.getByRole('link', { name: 'Visa protokollet' }).click();
	const record = chef.getByTestId('followup-record');
	await expect(record.getByTestId('followup-facts-requests')).toContainText('Ännu inte besvarade: 1');
	await chef.emulateMedia({ media: 'print' });
	await expect(record.getByTestId('followup-facts-requests')).toBeVisible();
	await expect(
		record.getByRole('link', { name: 'Enhetens register över begäranden och skyddsombudsstopp' }),
	).toBeHidden();
	await chef.emulateMedia({ media: 'screen' });
	await tablet.setOffline(false);
	await expect(chef.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 30_000 });

	// English.
	await chef.goto(url);
	await chef.getByRole('button', { name: 'In English' }).click();
	await expect(chef.getByTestId('followup-facts-requests')).toContainText(
		'Overdue today, with no answer after the reply date: 1',
	);
	await expect(chef.getByRole('link', { name: 'The unit’s register of requests and work stops' })).toBeVisible();
	await expectAccessible(chef, 'follow-up form with request facts (en)');
	await chef.getByRole('button', { name: 'På svenska' }).click();

	await tablet.close();
	await phone.close();
});
