/**
 * Actions and the action plan (issue 5 items 1, 2 and the action part of 5): a finding of a
 * signed round becomes an action on the manager's tablet; the safety rep, responsible, sees it in
 * "My actions" on their own phone; marks it done offline while the manager edits the same action
 * online (both edits are kept, both appear in the history); the follow-up date passes (test
 * clock); the manager's effect check records "not effective" and a new action follows; a residual
 * risk assessment is recorded without touching the signed report; the plan filters, sorts, prints
 * on A4 landscape and downloads as CSV. Zero axe violations on every new page, in sv and en.
 */
import { readFile } from 'node:fs/promises';
import { expect, type Browser, type Page } from '@playwright/test';
import {
	expectAccessible,
	signIn,
	signedRoundWithFinding,
	waitForServiceWorker,
	test,
	openFromMenu,
	expectMenuEntry,
} from './fixtures.ts';

/** A date as YYYY-MM-DD on this machine's calendar (the browser's too), `days` from today. */
function dayFrom(days: number, from = new Date()): string {
	const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days, 12);
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

async function synced(page: Page): Promise<void> {
	await expect(page.getByTestId('sync-pending')).toHaveText(/Allt synkat|All synced/, { timeout: 20_000 });
	await expect(page.getByTestId('sync-refused')).toHaveCount(0);
}

type Counts = { overdue: number; soon: number };

/** What "My actions" in the menu says: overdue and due within 14 days (no counts when both are 0). */
async function myCounts(page: Page): Promise<Counts> {
	const link = page.getByRole('navigation').getByRole('link', { name: /^Mina åtgärder/ });
	const m = /(\d+) försenade, (\d+) inom 14 dagar/.exec((await link.textContent()) ?? '');
	return { overdue: Number(m?.[1] ?? 0), soon: Number(m?.[2] ?? 0) };
}

/** The link's accessible name for these counts. */
const myLinkName = (c: Counts) => `Mina åtgärder, ${c.overdue} försenade, ${c.soon} inom 14 dagar`;

/**
 * The safety rep's counts before this test adds anything, on a device of its own once it has pulled
 * everything, at `at` on its calendar: a CI retry meets the first attempt's actions (the rep is
 * responsible for them too), so the test checks what its own action adds, not absolute numbers.
 */
async function repCountsAt(browser: Browser, at: Date | null): Promise<Counts> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signIn(page, 'skyddsombud');
	await expect(page.getByTestId('sync-last')).not.toHaveText('Inte synkat än', { timeout: 30_000 });
	await expect(page.getByTestId('sync-active')).toHaveCount(0, { timeout: 30_000 });
	if (at) await page.clock.setFixedTime(at);
	await page.goto('/actions');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mina åtgärder');
	// Loaded: the groups, or none at all.
	await expect(
		page.getByTestId('mine-overdue').or(page.getByText('Du är inte ansvarig för någon öppen åtgärd.')),
	).toBeVisible({ timeout: 15_000 });
	const counts = await myCounts(page);
	await context.close();
	return counts;
}

async function bothLanguages(page: Page, label: string): Promise<void> {
	await expectAccessible(page, `${label} (sv)`);
	await page.getByRole('button', { name: 'In English' }).click();
	await expectAccessible(page, `${label} (en)`);
	await page.getByRole('button', { name: 'På svenska' }).click();
}

test('a finding becomes an action, done offline by the safety rep, not effective after follow-up, a new action follows; the plan prints and exports', async ({
	browser,
	baseURL,
}) => {
	test.setTimeout(240_000);
	const title = `Lösa sladdar i korridoren ${crypto.randomUUID().slice(0, 6)}`;
	const { roundId, findingId } = await signedRoundWithFinding(baseURL, { title, probability: 3, consequence: 3 });
	const due = dayFrom(7);
	const followUp = dayFrom(30);
	// The day the follow-up date has passed (test clock), and the rep's counts now and then.
	const later = new Date(`${dayFrom(40)}T09:00:00`);
	const before = await repCountsAt(browser, null);
	const beforeLater = await repCountsAt(browser, later);

	// The manager's tablet: from the finding card of the signed round to a new action.
	const tablet = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
	const chef = await tablet.newPage();
	await signIn(chef, 'chef');
	await chef.goto(`/rounds/${encodeURIComponent(roundId)}`);
	await expect(chef.getByTestId('round-status')).toHaveText('Signerad', { timeout: 15_000 });
	await chef.getByRole('link', { name: 'Skapa åtgärd för iakttagelse 1' }).click();
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText('Ny åtgärd');
	await expect(chef.getByText(`Från iakttagelsen: ${title}`)).toBeVisible();
	await expect(chef.getByLabel('Identifierat område eller risk')).toHaveValue(title);
	// The unit's managers and safety reps come from the server (cached for offline use).
	const who = chef.getByLabel('Ansvarig person');
	await expect(who.locator('option', { hasText: 'Sara Skyddsombud (skyddsombud)' })).toHaveCount(1);
	await bothLanguages(chef, 'new action from a finding');
	// Required fields left empty are named all at once, in a focused summary linking to them.
	await chef.getByRole('button', { name: 'Skapa åtgärden' }).click();
	const summary = chef.getByTestId('error-summary');
	await expect(summary).toBeFocused();
	await expect(summary.getByRole('heading')).toHaveText('Det finns 2 fel att rätta');
	await expect(summary.getByRole('link')).toHaveText(['Fyll i Planerad åtgärd.', 'Fyll i Ansvarig.']);
	const planned = chef.getByLabel('Planerad åtgärd (obligatoriskt)', { exact: true });
	await expect(planned).toHaveAttribute('aria-invalid', 'true');
	await expect(planned).toHaveAccessibleDescription('Fyll i Planerad åtgärd.');
	await summary.getByRole('link', { name: 'Fyll i Planerad åtgärd.' }).click();
	await expect(planned).toBeFocused();
	await planned.fill('Dra sladdarna i kabelkanal längs väggen');
	await chef.getByLabel('Önskat resultat').fill('Ingen snubblar i korridoren');
	await who.selectOption({ label: 'Sara Skyddsombud (skyddsombud)' });
	await chef.getByLabel('Klart senast').fill(due);
	await chef.getByLabel('Uppskattad kostnad (kr)').fill('1500');
	await chef.getByRole('button', { name: 'Skapa åtgärden' }).click();
	await expect(chef.getByTestId('action-notice')).toHaveText('Åtgärden är skapad.');
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText(title);
	await expect(chef.getByTestId('action-status')).toHaveText('Status: Planerad');
	await expect(chef.getByTestId('history')).toContainText('Anna Chef skapade åtgärden');
	const actionUrl = chef.url();
	await synced(chef);
	await bothLanguages(chef, 'action page');
	// The finding card lists the action: what, who, status, due within 14 days; it links to the action.
	await chef.goto(`/rounds/${encodeURIComponent(roundId)}`);
	const cardAction = chef.getByTestId('finding').filter({ hasText: title }).getByTestId('finding-action');
	await expect(cardAction).toHaveCount(1, { timeout: 15_000 });
	await expect(cardAction.getByTestId('finding-action-status')).toHaveText('Planerad');
	await expect(cardAction).toContainText('Ansvarig: Sara Skyddsombud');
	await expect(cardAction).toContainText('Inom 14 dagar');
	await expect(cardAction.getByRole('link', { name: 'Dra sladdarna i kabelkanal längs väggen' })).toHaveAttribute(
		'href',
		new URL(actionUrl).pathname,
	);
	// The round report offers the same (hidden in print), and lists the action under the finding.
	await chef.goto(`/rounds/${encodeURIComponent(roundId)}/report`);
	await expect(chef.getByRole('link', { name: 'Skapa åtgärd för iakttagelse 1' })).toBeVisible({ timeout: 15_000 });
	const reportAction = chef.getByTestId('report-finding').filter({ hasText: title }).getByTestId('finding-action');
	await expect(reportAction).toHaveCount(1);
	await expect(reportAction.getByTestId('finding-action-status')).toHaveText('Planerad');
	await expect(reportAction).toContainText('Dra sladdarna i kabelkanal längs väggen');
	await bothLanguages(chef, 'round report with actions');

	// The safety rep's phone: the action is theirs, due within 14 days, and the shell says so.
	const phone = await browser.newContext({ viewport: { width: 800, height: 1280 } });
	const rep = await phone.newPage();
	await signIn(rep, 'skyddsombud');
	await waitForServiceWorker(rep);
	const now = { overdue: before.overdue, soon: before.soon + 1 };
	// The tablet upright shows the menu button; its entry names the counts.
	await expectMenuEntry(rep, myLinkName(now), { timeout: 20_000 });
	await expect(rep.getByTestId('actions-badge')).toHaveText(String(now.overdue + now.soon));
	await openFromMenu(rep, myLinkName(now));
	await expect(rep.getByRole('heading', { level: 1 })).toHaveText('Mina åtgärder');
	const soon = rep.getByTestId('mine-soon');
	await expect(soon.getByRole('heading', { level: 2 })).toHaveText(`Inom 14 dagar (${now.soon})`);
	await expect(soon.getByTestId('my-action').filter({ hasText: title })).toHaveCount(1);
	await expect(rep.getByTestId('mine-overdue').getByRole('heading', { level: 2 })).toHaveText(
		`Försenade (${now.overdue})`,
	);
	await bothLanguages(rep, 'my actions');

	// Offline on the phone: in progress, then done with a follow-up date. The page reloads offline.
	await soon.getByRole('link', { name: title }).click();
	await expect(rep.getByTestId('action-status')).toHaveText('Status: Planerad');
	await phone.setOffline(true);
	const reloaded = await rep.reload();
	expect(reloaded?.fromServiceWorker()).toBe(true);
	await expect(rep.getByTestId('action-status')).toHaveText('Status: Planerad', { timeout: 15_000 });
	await rep.getByRole('button', { name: 'Markera som pågående' }).click();
	await expect(rep.getByTestId('action-status')).toHaveText('Status: Pågår');
	await rep.getByRole('button', { name: 'Markera som genomförd' }).click();
	await rep.locator('#done-follow').fill(followUp);
	await rep.locator('form.panel').getByRole('button', { name: 'Markera som genomförd' }).click();
	await expect(rep.getByTestId('action-status')).toHaveText('Status: Genomförd');
	await expect(rep.getByTestId('action-notice')).toHaveText('Status: Genomförd.');
	// Only the manager checks the effect.
	await expect(rep.getByText('Chefen för enheten kontrollerar effekten när åtgärden är genomförd.')).toBeVisible();

	// Meanwhile the manager, online, adds a comment to the same action.
	await chef.goto(actionUrl);
	await expect(chef.getByTestId('action-status')).toHaveText('Status: Planerad', { timeout: 15_000 });
	await chef.getByLabel('Kommentar').fill('Kabelkanal beställd från fastighetsskötaren');
	await chef.getByRole('button', { name: 'Spara ändringarna' }).click();
	await expect(chef.getByTestId('action-notice')).toHaveText('Åtgärden är sparad.');
	await synced(chef);

	// The phone comes back: both edits survive on both devices, and the history shows both people.
	await phone.setOffline(false);
	await synced(rep);
	for (const page of [chef, rep]) {
		await expect(page.getByTestId('action-status')).toHaveText('Status: Genomförd', { timeout: 30_000 });
		await expect(page.getByLabel('Kommentar')).toHaveValue('Kabelkanal beställd från fastighetsskötaren', {
			timeout: 30_000,
		});
		const history = page.getByTestId('history');
		await expect(history).toContainText('Sara Skyddsombud ändrade');
		await expect(history).toContainText('Status: Pågår → Genomförd');
		await expect(history).toContainText('Anna Chef ändrade');
		await expect(history).toContainText('Kommentar: (tomt) → Kabelkanal beställd från fastighetsskötaren');
	}
	await synced(chef);

	// The follow-up date passes (test clock on both devices): the effect check is overdue.
	await rep.clock.setFixedTime(later);
	await chef.clock.setFixedTime(later);
	await rep.goto('/actions');
	// This run's action adds one overdue effect check, and nothing due soon.
	const checkDue = { overdue: beforeLater.overdue + 1, soon: beforeLater.soon };
	await expectMenuEntry(rep, myLinkName(checkDue), { timeout: 15_000 });
	const overdue = rep.getByTestId('mine-overdue');
	await expect(overdue.getByRole('heading', { level: 2 })).toHaveText(`Försenade (${checkDue.overdue})`);
	await expect(overdue.getByTestId('my-action').filter({ hasText: title })).toContainText('Effektkontroll');
	// On the manager's tablet the finding card shows the phone's "done" and the overdue effect check.
	await chef.goto(`/rounds/${encodeURIComponent(roundId)}`);
	await expect(cardAction.getByTestId('finding-action-status')).toHaveText('Genomförd', { timeout: 15_000 });
	await expect(cardAction).toContainText('Effektkontroll');
	await expect(cardAction).toContainText('Försenad');

	// The manager's effect check: not effective. A new action follows and opens.
	await chef.goto(actionUrl);
	await expect(chef.getByRole('heading', { name: 'Effektkontroll' })).toBeVisible({ timeout: 15_000 });
	await expectAccessible(chef, 'effect check form (sv)');
	await chef.getByLabel('Resultat av kontrollen').fill('Sladdarna ligger löst igen efter städningen');
	await chef.getByRole('button', { name: 'Inte effektiv – gör en ny åtgärd' }).click();
	await expect(chef.getByTestId('action-notice')).toHaveText(
		'Åtgärden var inte effektiv. En ny åtgärd har skapats; komplettera den här.',
	);
	await expect(chef.getByTestId('action-status')).toHaveText('Status: Planerad');
	await expect(chef.getByRole('link', { name: `Följer på en åtgärd som inte var effektiv: ${title}` })).toBeVisible();
	await chef.getByLabel('Klart senast').fill(dayFrom(50));
	await chef.getByRole('button', { name: 'Spara ändringarna' }).click();
	await expect(chef.getByTestId('action-notice')).toHaveText('Åtgärden är sparad.');
	await chef.getByRole('link', { name: `Följer på en åtgärd som inte var effektiv: ${title}` }).click();
	await expect(chef.getByTestId('action-status')).toHaveText('Status: Effekt kontrollerad');
	await expect(chef.getByTestId('action-verdict')).toHaveText('Effekt: inte effektiv');
	await expect(chef.getByTestId('follower')).toHaveText(`Ny åtgärd som följer på denna: ${title}`);

	// Residual risk: a new assessment of the signed round's finding, 2 × 3.
	await expect(chef.getByText('Risk vid ronden: Hög (9)')).toBeVisible();
	await chef.getByLabel('Sannolikhet').selectOption({ label: '2 Möjlig' });
	await chef.getByLabel('Konsekvens').selectOption({ label: '3 Betydande' });
	await chef.getByRole('radio', { name: 'Nej' }).check();
	await chef.getByRole('button', { name: 'Spara riskbedömningen' }).click();
	await expect(chef.getByTestId('action-notice')).toHaveText('Riskbedömningen är sparad.');
	await expect(chef.getByTestId('residual-list')).toContainText('Kvarstående risk: Medel (6), bedömd av Anna Chef');
	await synced(chef);
	await bothLanguages(chef, 'closed action with residual risk');
	// The finding shows it as history; the signed report keeps the risk it was signed with.
	await chef.goto(`/rounds/${encodeURIComponent(roundId)}`);
	const card = chef.getByTestId('finding').filter({ hasText: title });
	await expect(card).toHaveAttribute('id', `finding-${findingId}`, { timeout: 15_000 });
	await expect(card.getByTestId('finding-residual')).toContainText('Medel (2 × 3)');
	// The chain: the action that was not effective, then the one that follows it.
	for (const list of [cardAction, reportAction]) {
		if (list === reportAction) await chef.goto(`/rounds/${encodeURIComponent(roundId)}/report`);
		await expect(list).toHaveCount(2, { timeout: 15_000 });
		await expect(list.getByTestId('finding-action-status')).toHaveText([
			'Effekt kontrollerad (inte effektiv)',
			'Planerad',
		]);
		await expect(list.nth(1)).toContainText('Följer på: Dra sladdarna i kabelkanal längs väggen (inte effektiv)');
	}
	await expect(chef.getByTestId('report-finding')).toContainText('Hög (9 av 16)', { timeout: 15_000 });

	// The responsible person's list follows: the closed action is gone, the new one is theirs.
	await rep.goto('/actions');
	// Back to what was overdue before this run; the new action (due in 50 days) is due soon.
	await expect(rep.getByTestId('mine-overdue').getByRole('heading', { level: 2 })).toHaveText(
		`Försenade (${beforeLater.overdue})`,
		{ timeout: 20_000 },
	);
	await expectMenuEntry(rep, myLinkName({ ...beforeLater, soon: beforeLater.soon + 1 }));
	await expect(rep.getByTestId('mine-soon').getByTestId('my-action').filter({ hasText: title })).toHaveCount(1);
	await expect(rep.getByTestId('mine-overdue').getByTestId('my-action').filter({ hasText: title })).toHaveCount(0);

	// The plan: two lines in the shape of the printed plan; filter, sort, print, CSV.
	await chef.getByRole('link', { name: 'Handlingsplan', exact: true }).click();
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText('Handlingsplan – Enhet A1');
	const plan = chef.getByTestId('plan');
	const rows = plan.getByTestId('plan-row').filter({ hasText: title });
	await expect(rows).toHaveCount(2);
	await expect(plan.getByRole('columnheader')).toHaveText([
		/Identifierat område eller risk/,
		'Planerad åtgärd',
		'Önskat resultat',
		/Ansvarig/,
		/Klart senast/,
		/Genomfört datum/,
		/Uppföljningsdatum/,
		/Status/,
		/Risknivå/,
	]);
	await chef.getByLabel('Status', { exact: true }).selectOption({ label: 'Effekt kontrollerad' });
	await expect(rows).toHaveCount(1);
	await expect(rows).toContainText('Effekt kontrollerad (inte effektiv)');
	await chef.getByLabel('Status', { exact: true }).selectOption({ label: 'Alla öppna' });
	await expect(rows).toHaveCount(1);
	await expect(rows).toContainText('Planerad');
	await chef.getByLabel('Status', { exact: true }).selectOption({ label: 'Alla' });
	await chef.getByLabel('Risknivå').selectOption({ label: 'Medel' });
	// The finding's current risk is the residual one.
	await expect(rows).toHaveCount(2);
	await chef.getByLabel('Risknivå').selectOption({ label: 'Alla' });
	await chef.getByLabel('Ansvarig', { exact: true }).selectOption({ label: 'Sara Skyddsombud' });
	await expect(rows).toHaveCount(2);
	await chef.getByRole('button', { name: /Klart senast/ }).click();
	await expect(plan.getByRole('columnheader', { name: /Klart senast/ })).toHaveAttribute('aria-sort', 'ascending');
	// The rows move: the first action (due in 7 days) before the one that follows it (due in 50).
	await expect(rows.first()).toContainText('Effekt kontrollerad (inte effektiv)');
	await expect(rows.last()).toContainText('Planerad');
	await chef.getByRole('button', { name: /Klart senast/ }).click();
	await expect(plan.getByRole('columnheader', { name: /Klart senast/ })).toHaveAttribute('aria-sort', 'descending');
	await expect(rows.first()).toContainText('Planerad');
	await expect(rows.last()).toContainText('Effekt kontrollerad (inte effektiv)');
	await bothLanguages(chef, 'action plan');

	// Print: A4 landscape, only the plan.
	await chef.emulateMedia({ media: 'print' });
	await expect(chef.locator('header')).toBeHidden();
	await expect(chef.getByRole('button', { name: 'Skriv ut (A4 liggande)' })).toBeHidden();
	await expect(chef.getByText(/^Utskriven /)).toBeVisible();
	const pdf = await chef.pdf({ preferCSSPageSize: true });
	expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
	// A4 landscape: about 842 × 595 points, wider than high.
	const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
	expect(Math.round(Number(box?.[1]))).toBe(842);
	expect(Math.round(Number(box?.[2]))).toBe(595);
	await chef.emulateMedia({ media: 'screen' });

	// CSV: BOM, `;`, the plan's columns, the visible lines.
	const [download] = await Promise.all([chef.waitForEvent('download'), chef.getByTestId('plan-csv').click()]);
	expect(download.suggestedFilename()).toMatch(/^handlingsplan-Enhet-A1-\d{4}-\d{2}-\d{2}\.csv$/);
	const csv = await readFile((await download.path()) as string, 'utf8');
	expect(csv.charCodeAt(0)).toBe(0xfeff);
	const lines = csv.slice(1).split('\r\n');
	expect(lines[0]).toBe(
		'Identifierat område eller risk;Planerad åtgärd;Önskat resultat;Ansvarig;Genomfört datum;Uppföljningsdatum;Status;Risknivå;Start;Klart senast;Uppskattad kostnad (kr);Resultat;Kommentar',
	);
	expect(lines.filter((l) => l.startsWith(`${title};`))).toHaveLength(2);
	expect(lines.find((l) => l.includes('Effekt kontrollerad'))).toContain(
		'Sladdarna ligger löst igen efter städningen;Kabelkanal beställd från fastighetsskötaren',
	);

	// Nothing was refused anywhere: every status move passed the server's rules.
	await synced(chef);
	await synced(rep);
	await tablet.close();
	await phone.close();
});

test('a direct action from a meeting can be postponed only with a reason and a new date; actions are never deleted', async ({
	browser,
	baseURL,
}) => {
	test.setTimeout(120_000);
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const chef = await ctx.newPage();
	await signIn(chef, 'chef');
	await chef.getByRole('link', { name: /^Handlingsplan/ }).click();
	await chef.getByRole('link', { name: 'Ny åtgärd' }).click();
	await expect(chef.getByRole('heading', { level: 1 })).toHaveText('Ny åtgärd');
	await bothLanguages(chef, 'new direct action');
	await chef.getByLabel('Ursprung').selectOption({ label: 'Möte (till exempel APT)' });
	const area = `Kvällsbemanning ${crypto.randomUUID().slice(0, 6)}`;
	await chef.getByLabel('Identifierat område eller risk').fill(area);
	await chef.getByLabel('Planerad åtgärd (obligatoriskt)', { exact: true }).fill('Se över bemanningen på kvällar');
	await chef.getByLabel('Ansvarig person').selectOption({ label: 'Någon annan (skriv namnet)' });
	await chef.getByLabel('Namn på ansvarig').fill('Extern konsult');
	await chef.getByRole('button', { name: 'Skapa åtgärden' }).click();
	await expect(chef.getByTestId('action-notice')).toHaveText('Åtgärden är skapad.');
	await expect(chef.getByText('Ursprung: Möte (till exempel APT)')).toBeVisible();

	await chef.getByRole('button', { name: 'Skjut upp …' }).click();
	await chef.getByRole('button', { name: 'Skjut upp', exact: true }).click();
	await expect(chef.getByRole('alert').filter({ hasText: 'Ange både skäl och ett nytt datum.' })).toBeVisible();
	await expectAccessible(chef, 'postpone form with its error (sv)');
	await chef.getByLabel('Skäl').fill('Väntar på budgetbeslut');
	await chef.getByLabel('Nytt datum (klart senast)').fill(dayFrom(60));
	await chef.getByRole('button', { name: 'Skjut upp', exact: true }).click();
	await expect(chef.getByTestId('action-status')).toHaveText('Status: Uppskjuten');
	await expect(chef.getByText('Uppskjuten: Väntar på budgetbeslut')).toBeVisible();
	await expect(chef.getByTestId('history')).toContainText('Status: Planerad → Uppskjuten');
	await synced(chef);
	await expectAccessible(chef, 'postponed action (sv)');

	// The server keeps every action: a delete is refused, whoever sends it.
	const id = decodeURIComponent(new URL(chef.url()).pathname.split('/').pop() as string);
	const res = await chef.request.post('/db/unit-a1/_all_docs', { data: { keys: [id] } });
	const rev = ((await res.json()) as { rows: { value?: { rev: string } }[] }).rows[0]?.value?.rev;
	const del = await chef.request.post('/db/unit-a1/_bulk_docs', {
		data: { docs: [{ _id: id, _rev: rev, _deleted: true, type: 'action', scope: 'unit-a1' }] },
	});
	expect(await del.json()).toEqual([
		expect.objectContaining({ error: 'forbidden', reason: 'actions are never deleted' }),
	]);
	void baseURL;
	await ctx.close();
});
