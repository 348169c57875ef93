/**
 * Rounds every unit can finish (issue 12 item 2, decision 0028). Enhet B1 has no safety rep:
 * - its manager plans a round picking participants from the unit's people (a combobox; a typed
 *   outsider stays possible), invites the unit's employee rep to co-sign, signs offline; the
 *   employee rep signs on their own device; the round locks on both and the report names the
 *   employee rep as such;
 * - the main safety rep of Avdelning B signs a B1 round on their own device while the manager
 *   signed offline, and the round locks.
 * Zero axe violations on the pages each signer uses.
 */
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

/** Items 2–12 of the physical template answered Ja by B1's manager, so the test walks only item 1. */
function answersFor(roundId: string) {
	return Array.from({ length: 11 }, (_, i) => ({
		_id: `answer:${uuid()}`,
		type: 'answer',
		scope: 'unit-b1',
		roundId,
		itemId: `physical-${String(i + 2).padStart(2, '0')}`,
		value: 'yes',
		comment: '',
		fixedOnSite: false,
		fixedNote: '',
		photos: [],
		stamp: '1795424400000-0000-seed',
		answeredAt: NOW,
		answeredBy: 'chef2',
		answeredByName: 'Bo Chef',
		createdAt: NOW,
		updatedAt: NOW,
	}));
}

async function openRound(page: Page, roundId: string): Promise<void> {
	await page.goto(`/rounds/${encodeURIComponent(roundId)}`);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Fysisk skyddsrond', { timeout: 15_000 });
}

/** The manager answers item 1 Ja on their device and waits until everything reached the server. */
async function finishWalk(chef: Page): Promise<void> {
	await expect(chef.getByTestId('walk-progress')).toHaveText('11 av 12 frågor besvarade', { timeout: 15_000 });
	await chef.getByTestId('item-physical-01').getByRole('radio', { name: 'Ja' }).check();
	await expect(chef.getByTestId('walk-progress')).toHaveText('12 av 12 frågor besvarade');
	await expect(chef.getByTestId('sign-off').getByTestId('sign-check')).toHaveText(/Alla frågor är besvarade/);
	await expect(chef.getByTestId('sync-pending')).toHaveText(/Allt synkat|All synced/, { timeout: 20_000 });
}

test('B1’s manager picks participants, invites the employee rep, both sign (the manager offline); the round locks', async ({
	browser,
	baseURL,
}) => {
	test.setTimeout(180_000);
	const tablet = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const chef = await tablet.newPage();
	await signIn(chef, 'chef2');
	await waitForServiceWorker(chef);

	// Plan: the participants come from B1's people; an outsider is typed.
	await chef.goto('/rounds/new');
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText('Planera en rond');
	await chef.getByLabel('Mall').selectOption({ label: 'Fysisk skyddsrond' });
	await chef.getByLabel('Datum').fill(`${2040 + Math.floor(Math.random() * 50)}-06-11`);
	await chef.getByRole('button', { name: 'Lägg till deltagare' }).click();
	const second = chef.getByRole('combobox', { name: 'Namn, deltagare 2' });
	await expect(second).toBeFocused();
	await second.pressSequentially('Olle');
	await chef.getByRole('option', { name: /Olle Representant/ }).click();
	await expect(second).toHaveValue('Olle Representant');
	await expect(chef.getByLabel('Roll, deltagare 2')).toHaveValue('employee_rep');
	await chef.getByRole('button', { name: 'Lägg till deltagare' }).click();
	const third = chef.getByRole('combobox', { name: 'Namn, deltagare 3' });
	await third.fill('Företagshälsovården Ek');
	await expect(chef.getByText('Ingen i enheten heter så. Namnet sparas som du skrev det.')).toBeVisible();
	await chef.keyboard.press('Escape');
	await expect(third).toHaveValue('Företagshälsovården Ek');
	await expectAccessible(chef, 'planning with the person picker (sv)');
	await chef.getByRole('button', { name: 'Spara ronden' }).click();
	await expect(chef.getByRole('heading', { level: 1 })).toContainText('Fysisk skyddsrond – Enhet B1', {
		timeout: 15_000,
	});
	await expect(chef.getByTestId('round-participants')).toHaveText(
		'Bo Chef (chef), Olle Representant (arbetstagarrepresentant), Företagshälsovården Ek (övrig)',
	);
	const roundId = decodeURIComponent(new URL(chef.url()).pathname.split('/').pop() ?? '');
	expect(roundId).toMatch(/^round:/);

	// Items 2–12 answered from the manager's other device; the tablet walks item 1.
	await expect(chef.getByTestId('sync-pending')).toHaveText(/Allt synkat|All synced/, { timeout: 20_000 });
	const chefApi = await api(baseURL, 'chef2');
	const res = await chefApi.post('/db/unit-b1/_bulk_docs', { data: { docs: answersFor(roundId) } });
	expect(((await res.json()) as { ok?: boolean }[]).every((r) => r.ok)).toBe(true);
	await chefApi.dispose();
	await openRound(chef, roundId);
	await finishWalk(chef);

	// Invite the employee rep (online), then sign offline.
	const signoff = chef.getByTestId('sign-off');
	await expect(signoff.getByTestId('waiting-for')).toContainText('skyddsombud');
	await signoff.getByText('Arbetstagarrepresentant som medsignerar').click();
	await signoff.getByLabel('Arbetstagarrepresentant', { exact: true }).selectOption({ label: 'Olle Representant' });
	await expectAccessible(chef, 'inviting a co-signer (sv)');
	await signoff.getByRole('button', { name: 'Bjud in' }).click();
	await expect(signoff.getByTestId('co-signer')).toHaveText(
		'Olle Representant är inbjuden att signera som arbetstagarrepresentant.',
	);
	await expect(chef.getByTestId('round-co-signer')).toHaveText('Olle Representant');
	await expect(chef.getByTestId('sync-pending')).toHaveText(/Allt synkat|All synced/, { timeout: 20_000 });
	await tablet.setOffline(true);
	await expect(chef.getByTestId('sync-online')).toHaveText('Offline');
	await signoff.getByRole('button', { name: 'Signera som chef' }).click();
	await expect(signoff.getByTestId('signatures')).toContainText('Bo Chef, chef');

	// The employee rep signs on their own device.
	const phone = await browser.newContext({ viewport: { width: 800, height: 1280 } });
	const rep = await phone.newPage();
	await signIn(rep, 'arbetstagarrep');
	await openRound(rep, roundId);
	const repSign = rep.getByTestId('sign-off');
	await expect(repSign.getByTestId('sign-check')).toHaveText(/Alla frågor är besvarade/, { timeout: 20_000 });
	await expectAccessible(rep, 'sign-off as the invited employee rep (sv)');
	await repSign.getByRole('button', { name: 'Signera som arbetstagarrepresentant' }).click();
	await expect(repSign.getByTestId('signatures')).toContainText('Olle Representant, arbetstagarrepresentant');
	await expect(rep.getByTestId('round-status')).toHaveText('Pågår');

	// The tablet comes back: the round locks on both devices.
	await tablet.setOffline(false);
	for (const page of [chef, rep]) {
		await expect(page.getByTestId('round-status')).toHaveText('Signerad', { timeout: 30_000 });
	}
	await expect(chef.getByTestId('sync-refused')).toHaveCount(0);
	// The lock says who signed the employees' side: no safety rep signed this round.
	await expect(chef.getByTestId('locked-notice')).toHaveText(
		'Ronden är signerad av chef och arbetstagarrepresentant och därmed låst. Svaren kan inte ändras.',
	);

	// The report names the employee rep as such.
	await chef.getByRole('link', { name: 'Visa rondprotokollet' }).click();
	const report = chef.getByTestId('report');
	await expect(report.getByTestId('report-status')).toHaveText('Signerad');
	await expect(report.getByTestId('report-co-signer')).toHaveText('Olle Representant');
	await expect(report.getByTestId('signatures')).toContainText('Olle Representant, arbetstagarrepresentant');
	await expect(report).toContainText('Olle Representant (arbetstagarrepresentant)');
	await expect(report).toContainText('Ronden är signerad av chef och arbetstagarrepresentant');
	await expectAccessible(chef, 'report with an employee rep’s signature (sv)');
	await tablet.close();
	await phone.close();
});

test('the main safety rep of Avdelning B signs a B1 round on their own device; the round locks', async ({
	browser,
	baseURL,
}) => {
	test.setTimeout(180_000);
	const round = {
		_id: `round:${uuid()}`,
		type: 'round',
		scope: 'unit-b1',
		unitId: 'b1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: `${2040 + Math.floor(Math.random() * 50)}-09-03`,
		status: 'in_progress',
		participants: [
			{ name: 'Bo Chef', role: 'manager', account: 'chef2' },
			{ name: 'Tove Huvudskyddsombud', role: 'safety_rep', account: 'huvudskyddsombud' },
		],
		createdBy: 'chef2',
		createdAt: NOW,
		updatedAt: NOW,
	};
	const chefApi = await api(baseURL, 'chef2');
	const res = await chefApi.post('/db/unit-b1/_bulk_docs', { data: { docs: [round, ...answersFor(round._id)] } });
	expect(((await res.json()) as { ok?: boolean }[]).every((r) => r.ok)).toBe(true);
	await chefApi.dispose();

	const tablet = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const chef = await tablet.newPage();
	await signIn(chef, 'chef2');
	await waitForServiceWorker(chef);
	await openRound(chef, round._id);
	await finishWalk(chef);
	await tablet.setOffline(true);
	await expect(chef.getByTestId('sync-online')).toHaveText('Offline');
	const signoff = chef.getByTestId('sign-off');
	await signoff.getByRole('button', { name: 'Signera som chef' }).click();
	await expect(signoff.getByTestId('signatures')).toContainText('Bo Chef, chef');

	// The main safety rep sees B1's round (a unit below their own) and signs as its safety rep.
	const phone = await browser.newContext({ viewport: { width: 800, height: 1280 } });
	const hso = await phone.newPage();
	await signIn(hso, 'huvudskyddsombud');
	await openRound(hso, round._id);
	await expect(hso.getByRole('heading', { level: 1 })).toContainText('Enhet B1');
	const hsoSign = hso.getByTestId('sign-off');
	await expect(hsoSign.getByTestId('sign-check')).toHaveText(/Alla frågor är besvarade/, { timeout: 20_000 });
	await expectAccessible(hso, 'sign-off as the main safety rep (sv)');
	await hsoSign.getByRole('button', { name: 'Signera som skyddsombud' }).click();
	await expect(hsoSign.getByTestId('signatures')).toContainText('Tove Huvudskyddsombud, skyddsombud');

	await tablet.setOffline(false);
	for (const page of [chef, hso]) {
		await expect(page.getByTestId('round-status')).toHaveText('Signerad', { timeout: 30_000 });
	}
	await expect(chef.getByTestId('sync-refused')).toHaveCount(0);
	await tablet.close();
	await phone.close();
});
