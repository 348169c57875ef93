/**
 * A whole round walked with the keyboard alone (issue 4, keyboard and screen-reader use): after
 * sign-in and opening the round, only Tab, Shift+Tab, arrow keys, Space, Enter and typing. The
 * manager follows up an earlier finding, answers every item, writes a comment, marks one item
 * fixed on the spot, answers Nej (a finding), fills the finding, sets its risk on the matrix with
 * the arrow keys, says the risk is serious, and signs. Every stop is checked by its accessible
 * name (what a screen reader says) and for a visible focus ring. Part of it offline; afterwards
 * the safety rep's device sees the result.
 */
import { expect, request as playwrightRequest, type Locator, type Page } from '@playwright/test';
import { signIn, expectAccessible, waitForServiceWorker, PASSWORD, test } from './fixtures.ts';

// Recorded now: the server takes a recorded time only near its own clock (decision 0016).
const NOW = new Date().toISOString();
const uuid = () => crypto.randomUUID();
const ITEM2 = 'Är belysningen tillräcklig och bländfri vid arbetsplatser, i korridorer och utomhus vid entréer?';

/** The focused element has a visible focus indicator: its own outline or its label's, at least 2 px. */
async function expectFocusVisible(page: Page): Promise<void> {
	const verdict = await page.evaluate(() => {
		const el = document.activeElement as HTMLElement | null;
		if (!el || el === document.body) return 'nothing has the focus';
		for (const node of [el, el.closest('label')]) {
			if (!node) continue;
			const style = getComputedStyle(node);
			if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) return 'visible';
		}
		return `no focus ring on <${el.tagName.toLowerCase()}> ${el.getAttribute('aria-label') ?? el.id}`;
	});
	expect(verdict).toBe('visible');
}

/**
 * Press Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would; fails when it
 * is not reached within `max` presses (not in the tab order). The focus must be visible there.
 */
async function tabTo(page: Page, target: Locator, { back = false, max = 60 } = {}): Promise<void> {
	for (let i = 0; i < max; i++) {
		if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) break;
		await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
	}
	await expect(target).toBeFocused();
	await expectFocusVisible(page);
}

const focused = (page: Page) => page.locator(':focus');

test('a whole round walked with the keyboard alone, with sensible names and a visible focus', async ({
	browser,
	baseURL,
}) => {
	test.setTimeout(240_000);
	// An earlier round with an open, assessed finding, and the round to walk (dates no other spec uses).
	const year = 5000 + Math.floor(Math.random() * 1000);
	// The title is this run's own: a retry finds the first attempt's finding still open in the unit.
	const threshold = `Glapp tröskel vid personalingång ${uuid().slice(0, 4)}`;
	const earlierId = `round:${uuid()}`;
	const roundId = `round:${uuid()}`;
	const earlierFinding = `finding:${uuid()}`;
	const base = {
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		participants: [],
		createdBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
	};
	const api = await playwrightRequest.newContext({ baseURL });
	expect((await api.post('/db/_session', { data: { name: 'chef', password: PASSWORD } })).status()).toBe(200);
	const seeded = await api.post('/db/unit-a1/_bulk_docs', {
		data: {
			docs: [
				{ ...base, _id: earlierId, date: `${year}-01-12`, status: 'done' },
				{ ...base, _id: roundId, date: `${year}-02-09`, status: 'planned' },
				{
					_id: earlierFinding,
					type: 'finding',
					scope: 'unit-a1',
					roundId: earlierId,
					title: threshold,
					description: '',
					category: 'physical',
					location: 'Personalingången',
					status: 'open',
					createdBy: 'chef',
					createdAt: NOW,
					updatedAt: NOW,
				},
				{
					_id: `assessment:${uuid()}`,
					type: 'assessment',
					scope: 'unit-a1',
					findingId: earlierFinding,
					roundId: earlierId,
					probability: 2,
					consequence: 3,
					serious: false,
					stamp: '1795424400000-0000-seed',
					assessedAt: NOW,
					assessedBy: 'chef',
					assessedByName: 'Anna Chef',
					createdAt: NOW,
					updatedAt: NOW,
				},
			],
		},
	});
	expect(((await seeded.json()) as { ok?: boolean }[]).every((r) => r.ok)).toBe(true);
	await api.dispose();

	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	await signIn(page, 'chef');
	await waitForServiceWorker(page);
	await page.goto(`/rounds/${encodeURIComponent(roundId)}`);
	await expect(page.getByTestId('walk-progress')).toHaveText('0 av 12 frågor besvarade', { timeout: 15_000 });
	const earlier = page.getByTestId('earlier-finding').filter({ hasText: threshold });
	await expect(earlier).toBeVisible();
	await context.setOffline(true);
	await expect(page.getByTestId('sync-online')).toHaveText('Offline');

	// From the top of the page: the skip link first, then into the content.
	await page.keyboard.press('Tab');
	await expect(focused(page)).toHaveAccessibleName('Hoppa till innehållet');
	await expectFocusVisible(page);
	await page.keyboard.press('Enter');

	// The earlier finding: the follow-up group is reached by Tab; Space chooses "Kvarstår".
	const stillOpen = earlier.getByRole('radio', { name: 'Kvarstår' });
	await tabTo(page, stillOpen);
	await expect(earlier.getByRole('group', { name: `Läge nu för ${threshold}` })).toBeVisible();
	await page.keyboard.press('Space');
	await expect(stillOpen).toBeChecked();
	await expect(page.getByTestId('round-status')).toHaveText('Pågår');

	// Item 1: Ja, a comment, fixed on the spot with what was done.
	await expect(page.getByTestId('item-of')).toHaveText('Fråga 1 av 12');
	const item1 = page.getByTestId('item-physical-01');
	const yes1 = item1.getByRole('radio', { name: 'Ja' });
	await tabTo(page, yes1);
	await expect(item1.getByRole('group', { name: 'Svar på fråga 1' })).toBeVisible();
	await page.keyboard.press('Space');
	await expect(yes1).toBeChecked();
	await page.keyboard.press('Tab');
	await expect(focused(page)).toHaveAccessibleName('Kommentar till fråga 1');
	await expectFocusVisible(page);
	await page.keyboard.type('Kabelränna lossnad vid entrén');
	await page.keyboard.press('Tab');
	await expect(focused(page)).toHaveAccessibleName('Åtgärdat direkt (fråga 1)');
	await expectFocusVisible(page);
	// The field for what was done is there at once: Tab straight after Space reaches it.
	await page.keyboard.press('Space');
	await page.keyboard.press('Tab');
	await expect(focused(page)).toHaveAccessibleName('Vad gjordes på plats? (fråga 1)');
	await page.keyboard.type('Skruvade fast rännan');
	// Shift+Tab back: the box is still ticked.
	await page.keyboard.press('Shift+Tab');
	await expect(focused(page)).toHaveAccessibleName('Åtgärdat direkt (fråga 1)');
	await expect(focused(page)).toBeChecked();
	await expect(page.getByTestId('walk-progress')).toHaveText('1 av 12 frågor besvarade');

	// On to the next unanswered item; the focus lands on its question.
	const nextUnanswered = page.getByRole('button', { name: 'Nästa obesvarade fråga' });
	await tabTo(page, nextUnanswered);
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('item-of')).toHaveText('Fråga 2 av 12');
	await expect(page.getByRole('heading', { level: 3, name: `2. ${ITEM2}` })).toBeFocused();
	await expectFocusVisible(page);

	// Item 2: arrows move from Ja through Delvis to Nej; only Nej is recorded (one finding).
	const item2 = page.getByTestId('item-physical-02');
	await tabTo(page, item2.getByRole('radio', { name: 'Ja' }));
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await expect(item2.getByRole('radio', { name: 'Nej' })).toBeChecked();
	await expect(focused(page)).toHaveAccessibleName('Nej');
	await page.keyboard.press('Tab');
	await expect(page.getByTestId('walk-progress')).toHaveText('2 av 12 frågor besvarade');
	const finding = page.getByTestId('finding').filter({ hasText: ITEM2 });
	await expect(finding).toHaveCount(1);
	await expect(finding.getByTestId('finding-draft')).toBeVisible();

	// Items 3–12: Ja each, by keyboard.
	for (let n = 3; n <= 12; n++) {
		await tabTo(page, nextUnanswered);
		await page.keyboard.press('Enter');
		await expect(page.getByTestId('item-of')).toHaveText(`Fråga ${n} av 12`);
		const item = page.getByTestId(`item-physical-${String(n).padStart(2, '0')}`);
		await tabTo(page, item.getByRole('radio', { name: 'Ja' }));
		await page.keyboard.press('Space');
		// Leaving the group writes the choice at once.
		await page.keyboard.press('Tab');
		await expect(page.getByTestId('walk-progress')).toHaveText(`${n} av 12 frågor besvarade`);
	}
	await expect(nextUnanswered).toHaveCount(0);
	await expect(page.getByText('Alla frågor är besvarade.').first()).toBeVisible();

	// The finding of item 2: description, place, then the risk on the matrix with the arrow keys.
	const description = finding.getByRole('textbox', { name: /^Beskrivning \(iakttagelse \d\)$/ });
	await tabTo(page, description);
	await page.keyboard.type('Lysrör trasigt i korridoren vid lagret');
	await page.keyboard.press('Tab');
	await expect(focused(page)).toHaveAccessibleName(/^Kategori \(iakttagelse \d\)$/);
	await page.keyboard.press('Tab');
	await expect(focused(page)).toHaveAccessibleName(/^Plats \(iakttagelse \d\)$/);
	await page.keyboard.type('Korridoren vid lagret');
	const firstCell = finding.getByRole('radio', { name: 'Sannolikhet 4, konsekvens 1: Medel (4)' });
	await tabTo(page, firstCell);
	await expect(finding.getByRole('group', { name: /^Riskbedömning av iakttagelse \d$/ })).toBeVisible();
	await page.keyboard.press('Space');
	await expect(firstCell).toBeChecked();
	// Arrow keys move as in a grid: up at the top row stays, down is one probability lower, right
	// one consequence higher (a plain radio group would walk the 16 cells in a line).
	await page.keyboard.press('ArrowUp');
	await expect(firstCell).toBeChecked();
	await page.keyboard.press('ArrowDown');
	await expect(finding.getByRole('radio', { name: 'Sannolikhet 3, konsekvens 1: Låg (3)' })).toBeFocused();
	for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
	const chosen = finding.getByRole('radio', { name: 'Sannolikhet 3, konsekvens 4: Mycket hög (12)' });
	await expect(chosen).toBeChecked();
	await expect(chosen).toBeFocused();
	await expectFocusVisible(page);
	await expect(finding.locator('[data-testid^="risk-level-"]')).toHaveText('Risknivå: Mycket hög (12 av 16)');
	// Serious risk: yes.
	const seriousYes = finding.getByRole('radio', { name: 'Ja, allvarlig risk' });
	await tabTo(page, seriousYes);
	await expect(finding.getByRole('group', { name: 'Allvarlig risk?' })).toBeVisible();
	await page.keyboard.press('Space');
	await expect(seriousYes).toBeChecked();
	// Leaving the matrix saves the assessment.
	await page.keyboard.press('Tab');
	await expect(finding.getByTestId('finding-draft')).toHaveCount(0);
	await expect(finding).toContainText('Bedömd av Anna Chef');
	await expectAccessible(page, 'the walk after a keyboard-only walk (sv)');

	// The sign-off step: reached by Tab, signed with Enter (offline).
	const signoff = page.getByTestId('sign-off');
	await expect(signoff.getByTestId('sign-check')).toHaveText(/Alla frågor är besvarade/);
	const sign = signoff.getByRole('button', { name: 'Signera som chef' });
	await tabTo(page, sign);
	await page.keyboard.press('Enter');
	await expect(signoff.getByRole('status').filter({ hasText: 'Du har signerat som chef.' })).toBeVisible();
	await expect(signoff.getByTestId('signatures')).toContainText('Anna Chef, chef');

	// Shift+Tab back up to the view choice; the arrow key shows every item in one list.
	const one = page.getByRole('radio', { name: 'En fråga i taget' });
	await tabTo(page, one, { back: true, max: 150 });
	await expect(page.getByRole('group', { name: 'Visa frågorna' })).toBeVisible();
	await page.keyboard.press('ArrowRight');
	await expect(page.getByRole('radio', { name: 'Alla i en lista' })).toBeChecked();
	await expect(page.getByTestId('item-physical-12')).toBeVisible();
	// The list draws every question first and each item's fields moments later (decision 0011).
	await expect(page.getByRole('textbox', { name: 'Kommentar till fråga 12' })).toHaveValue('');
	await expect(page.getByTestId('finding').filter({ hasText: ITEM2 })).toBeVisible();
	await expectAccessible(page, 'the signed walk as a list (sv)');

	// Online again: everything reaches the safety rep's device.
	await context.setOffline(false);
	await expect(page.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 20_000 });
	const other = await browser.newContext({ viewport: { width: 800, height: 1280 } });
	const rep = await other.newPage();
	await signIn(rep, 'skyddsombud');
	await rep.goto(`/rounds/${encodeURIComponent(roundId)}`);
	await expect(rep.getByTestId('walk-progress')).toHaveText('12 av 12 frågor besvarade', { timeout: 20_000 });
	const repFinding = rep.getByTestId('finding').filter({ hasText: ITEM2 });
	await expect(repFinding.getByRole('textbox', { name: 'Beskrivning' })).toHaveValue(
		'Lysrör trasigt i korridoren vid lagret',
	);
	await expect(repFinding.getByRole('radio', { name: 'Sannolikhet 3, konsekvens 4: Mycket hög (12)' })).toBeChecked();
	await expect(rep.getByTestId('sign-off').getByTestId('signatures')).toContainText('Anna Chef, chef');
	await expect(rep.getByTestId('item-physical-01').getByRole('checkbox', { name: 'Åtgärdat direkt' })).toBeChecked();
	await Promise.all([context.close(), other.close()]);
});
