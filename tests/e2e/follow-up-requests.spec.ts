/**
 * The safety rep's requests in the annual follow-up's facts (issue 5: requests and work stops are
 * part of the unit's record and reports): the safety rep files a 6:6a request offline on their
 * phone; after sync the manager's tablet counts it among the year's facts, as unanswered and, past
 * its reply date, overdue, in words, with a link to the unit's register; the facts come from the
 * device when the tablet is offline, where the manager starts the follow-up; the printed record
 * keeps the facts and leaves the link out. Zero axe violations on the form in Swedish and English.
 *
 * A request is filed on the server's clock (decision 0016), so it belongs to this year's facts;
 * other specs file requests this year too, so the test counts what its own request adds.
 */
import { expect, type Page } from '@playwright/test';
import { expectAccessible, signIn, waitForServiceWorker, test } from './fixtures.ts';

const DAY = 24 * 60 * 60 * 1000;

/** The year's request facts as the page shows them once everything is pulled: each count by name. */
async function requestFacts(page: Page) {
	await expect(page.getByTestId('sync-active')).toHaveCount(0, { timeout: 30_000 });
	const facts = page.getByTestId('followup-facts-requests');
	await expect(facts).toContainText('Begäranden enligt 6 kap. 6 a § AML under året', { timeout: 30_000 });
	const text = (await facts.textContent()) ?? '';
	const count = (re: RegExp): number => Number(re.exec(text)?.[1] ?? Number.NaN);
	const counts = {
		total: count(/under året: (\d+) \(/),
		measures: count(/(\d+) om åtgärder/),
		investigations: count(/(\d+) om undersökning/),
		answered: count(/Besvarade: (\d+)/),
		unanswered: count(/Ännu inte besvarade: (\d+)/),
		overdue: count(/passerat: (\d+)/),
		escalated: count(/Arbetsmiljöverket: (\d+)/),
		workstops: count(/7 § AML under året: (\d+)/),
	};
	for (const [name, n] of Object.entries(counts)) expect(Number.isInteger(n), `${name} in “${text}”`).toBe(true);
	return counts;
}

test('a request the safety rep filed during the year shows in the follow-up facts on the manager’s device', async ({
	browser,
}) => {
	test.setTimeout(180_000);
	// The year the server files requests in (its clock is this machine's), and a day well past the
	// reply date on the manager's calendar.
	const year = new Date().getUTCFullYear();
	const url = `/follow-ups/${encodeURIComponent(`followup:a1-${year}`)}`;
	const later = new Date(Date.now() + 20 * DAY);
	const subject = `Halkigt golv vid diskrummet ${Math.random().toString(36).slice(2, 7)}`;

	// The manager's tablet, three weeks on: the year's request facts before this test adds one.
	const tablet = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const chef = await tablet.newPage();
	await signIn(chef, 'chef');
	await waitForServiceWorker(chef);
	await chef.clock.setFixedTime(later);
	await chef.goto(url);
	await expect(chef.getByTestId('sync-last')).not.toHaveText('Inte synkat än', { timeout: 30_000 });
	const { total, measures, investigations, answered, unanswered, overdue, escalated, workstops } =
		await requestFacts(chef);

	// The safety rep files a request for measures with the phone offline.
	const phone = await browser.newContext({ viewport: { width: 800, height: 1200 } });
	const rep = await phone.newPage();
	await signIn(rep, 'skyddsombud');
	await waitForServiceWorker(rep);
	await rep.goto('/requests/new');
	await phone.setOffline(true);
	await rep.getByRole('radio', { name: 'Begäran om åtgärder enligt 6 kap. 6 a § arbetsmiljölagen' }).check();
	await rep.getByLabel('Ämne').fill(subject);
	await rep.getByLabel('Beskriv problemet').fill('Golvet vid diskrummet är halt efter varje diskpass.');
	await rep.getByLabel(/Vilka åtgärder begär du/).fill('Lägg halkskyddande matta och se över avrinningen.');
	await expect(rep.getByLabel('Svar senast')).not.toHaveValue('');
	await rep.getByRole('button', { name: 'Lämna in begäran' }).click();
	await expect(rep.getByRole('heading', { level: 1 })).toHaveText(subject);
	await phone.setOffline(false);
	await expect(rep.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 30_000 });
	await expect(rep.getByTestId('sync-refused')).toHaveCount(0);

	// On the manager's tablet: one more request of the year, unanswered and overdue.
	await chef.goto(url);
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText(`Årlig uppföljning ${year} – Enhet A1`);
	const facts = chef.getByTestId('followup-facts-requests');
	await expect(facts).toContainText(
		`Begäranden enligt 6 kap. 6 a § AML under året: ${total + 1} (${measures + 1} om åtgärder, ${investigations} om undersökning)`,
		{ timeout: 30_000 },
	);
	const expected = [
		`Besvarade: ${answered}`,
		`Ännu inte besvarade: ${unanswered + 1}`,
		`Försenade i dag, utan svar fast svarsdatumet har passerat: ${overdue + 1}`,
		`Begäranden som skyddsombudet har lämnat till Arbetsmiljöverket: ${escalated}`,
		`Skyddsombudsstopp enligt 6 kap. 7 § AML under året: ${workstops}`,
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
	await expect(record.getByTestId('followup-facts-requests')).toContainText(`Ännu inte besvarade: ${unanswered + 1}`);
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
		`Overdue today, with no answer after the reply date: ${overdue + 1}`,
	);
	await expect(chef.getByRole('link', { name: 'The unit’s register of requests and work stops' })).toBeVisible();
	await expectAccessible(chef, 'follow-up form with request facts (en)');
	await chef.getByRole('button', { name: 'På svenska' }).click();

	await tablet.close();
	await phone.close();
});
