/**
 * Every round screen on a 10-inch tablet upright (800 × 1280) and on its side (1280 × 800) and on
 * a phone (390 × 844): the rounds list, planning a round, the walk one item at a time and as a
 * list, the report, the templates list and editor, and the risk matrix settings. None scrolls
 * sideways, the answer buttons are touch targets of at least 44 × 44 CSS px, and axe finds no
 * violations. The walk is checked offline too (served by the service worker); the editor and the
 * settings belong to HR, on a device of its own.
 */
import { expect, request as playwrightRequest, type Page } from '@playwright/test';
import { signIn, expectAccessible, waitForServiceWorker, PASSWORD, test } from './fixtures.ts';

const VIEWPORTS = [
	{ name: 'tablet upright', width: 800, height: 1280 },
	{ name: 'tablet on its side', width: 1280, height: 800 },
	{ name: 'phone', width: 390, height: 844 },
] as const;

// Recorded now: the server takes a recorded time only near its own clock (decision 0016).
const NOW = new Date().toISOString();
const uuid = () => crypto.randomUUID();

/** One round with answers, a long comment and an assessed finding, seeded once for every viewport. */
let seeded: Promise<string> | undefined;
function seedRound(baseURL: string | undefined): Promise<string> {
	seeded ??= (async () => {
		const api = await playwrightRequest.newContext({ baseURL });
		expect((await api.post('/db/_session', { data: { name: 'chef', password: PASSWORD } })).status()).toBe(200);
		const roundId = `round:${uuid()}`;
		const findingId = `finding:${uuid()}`;
		const answer = (n: number, value: string, comment = '') => ({
			_id: `answer:${uuid()}`,
			type: 'answer',
			scope: 'unit-a1',
			roundId,
			itemId: `physical-${String(n).padStart(2, '0')}`,
			value,
			comment,
			fixedOnSite: false,
			fixedNote: '',
			photos: [],
			stamp: `1795424400000-${String(n).padStart(4, '0')}-seed`,
			answeredAt: NOW,
			answeredBy: 'chef',
			answeredByName: 'Anna Chef',
			createdAt: NOW,
			updatedAt: NOW,
		});
		const res = await api.post('/db/unit-a1/_bulk_docs', {
			data: {
				docs: [
					{
						_id: roundId,
						type: 'round',
						scope: 'unit-a1',
						unitId: 'a1',
						templateId: 'template:physical.v1',
						templateVersion: 1,
						date: `${2300 + Math.floor(Math.random() * 100)}-06-15`,
						status: 'in_progress',
						participants: [
							{ name: 'Anna Chef', role: 'manager' },
							{ name: 'Sara Skyddsombud', role: 'safety_rep' },
						],
						createdBy: 'chef',
						createdAt: NOW,
						updatedAt: NOW,
					},
					answer(1, 'yes', 'Gångarna är fria; mattan vid entrén är utbytt och tejpad längs kanten mot trappan.'),
					answer(2, 'no'),
					answer(3, 'partly', 'Varmt_i_rum_4_på_eftermiddagen_enligt_personalen_men_inte_mätt'),
					{
						_id: findingId,
						type: 'finding',
						scope: 'unit-a1',
						roundId,
						title: 'Lysrör trasigt i korridoren vid lagret, ovanför dörren till kylrummet',
						description: 'Mörkt vid kvällspasset.',
						category: 'physical',
						location: 'Korridoren',
						status: 'open',
						createdBy: 'chef',
						createdAt: NOW,
						updatedAt: NOW,
					},
					{
						_id: `assessment:${uuid()}`,
						type: 'assessment',
						scope: 'unit-a1',
						findingId,
						roundId,
						probability: 3,
						consequence: 2,
						serious: false,
						stamp: '1795424400000-0100-seed',
						assessedAt: NOW,
						assessedBy: 'chef',
						assessedByName: 'Anna Chef',
						createdAt: NOW,
						updatedAt: NOW,
					},
				],
			},
		});
		expect(((await res.json()) as { ok?: boolean }[]).every((r) => r.ok)).toBe(true);
		await api.dispose();
		return roundId;
	})();
	return seeded;
}

/** No sideways scrolling: the page is no wider than the window. */
async function expectNoOverflow(page: Page, label: string): Promise<void> {
	const [scrollWidth, innerWidth] = await page.evaluate(() => [
		document.scrollingElement?.scrollWidth ?? 0,
		window.innerWidth,
	]);
	if (scrollWidth > innerWidth) {
		// Name the widest elements, so a failure says what to fix.
		const wide = await page.evaluate((limit) => {
			return [...document.querySelectorAll<HTMLElement>('main *')]
				.filter((el) => el.getBoundingClientRect().right > limit + 0.5)
				.slice(0, 5)
				.map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)})`);
		}, innerWidth);
		expect(wide, `${label}: wider than ${innerWidth}px`).toEqual([]);
	}
	expect(scrollWidth, `${label}: page width`).toBeLessThanOrEqual(innerWidth);
}

/** Every answer button on the page (the label around each radio) is at least 44 × 44 CSS px. */
async function expectAnswerTargets(page: Page, label: string, count: number): Promise<void> {
	const sizes = await page.evaluate(() =>
		[...document.querySelectorAll<HTMLInputElement>('fieldset.answers input[type="radio"]')].map((input) => {
			const box = (input.closest('label') ?? input).getBoundingClientRect();
			return { name: input.closest('label')?.textContent?.trim() ?? '', width: box.width, height: box.height };
		}),
	);
	expect(sizes.length, `${label}: answer buttons`).toBe(count);
	const small = sizes.filter((s) => s.width < 44 || s.height < 44);
	expect(small, `${label}: answer buttons under 44 × 44`).toEqual([]);
}

/** Checks one screen: no sideways scrolling and no axe violations. */
async function screen(page: Page, label: string): Promise<void> {
	await expectNoOverflow(page, label);
	await expectAccessible(page, label);
}

for (const viewport of VIEWPORTS) {
	test(`round screens on a ${viewport.name} (${viewport.width} × ${viewport.height}): no sideways scrolling, 44 px answer buttons, axe`, async ({
		browser,
		baseURL,
	}) => {
		test.setTimeout(180_000);
		const roundId = await seedRound(baseURL);
		const size = { width: viewport.width, height: viewport.height };
		const context = await browser.newContext({ viewport: size });
		const page = await context.newPage();
		await signIn(page, 'chef');
		await waitForServiceWorker(page);
		const at = `${viewport.name}`;

		// The rounds list.
		await page.goto('/rounds');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Skyddsronder');
		await expect(page.locator(`a[href="/rounds/${encodeURIComponent(roundId)}"]`).first()).toBeAttached({
			timeout: 15_000,
		});
		await screen(page, `rounds list, ${at}`);

		// Planning a round.
		await page.goto('/rounds/new');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Planera en rond');
		await screen(page, `plan a round, ${at}`);

		// The walk, one item at a time, offline (the tablet in the field).
		await page.goto(`/rounds/${encodeURIComponent(roundId)}`);
		await expect(page.getByTestId('walk-progress')).toHaveText('3 av 12 frågor besvarade', { timeout: 15_000 });
		await context.setOffline(true);
		await expect(page.getByTestId('sync-online')).toHaveText('Offline');
		await page.getByRole('radio', { name: 'En fråga i taget' }).check();
		await expect(page.getByTestId('item-of')).toBeVisible();
		await expectAnswerTargets(page, `walk, one item, ${at}`, 4);
		await screen(page, `walk, one item, ${at}`);

		// The walk as a list, reloaded offline.
		await page.getByRole('radio', { name: 'Alla i en lista' }).check();
		await expect(page.getByTestId('item-physical-12')).toBeVisible();
		await page.reload();
		await expect(page.getByTestId('item-physical-12')).toBeVisible({ timeout: 15_000 });
		await expectAnswerTargets(page, `walk, list, ${at}`, 48);
		await screen(page, `walk, list, ${at}`);
		await page.getByRole('button', { name: 'In English' }).click();
		await expect(page.getByTestId('walk-progress')).toHaveText('3 of 12 items answered');
		await screen(page, `walk, list, ${at} (en)`);
		await page.getByRole('button', { name: 'På svenska' }).click();
		await context.setOffline(false);

		// The report.
		await page.goto(`/rounds/${encodeURIComponent(roundId)}/report`);
		await expect(page.getByTestId('report-finding')).toHaveCount(1, { timeout: 15_000 });
		await screen(page, `report, ${at}`);

		// The templates list and a template as the manager reads it.
		await page.goto('/templates');
		// The three starter templates at least (another spec may have added a copy).
		await expect(page.getByTestId('template-family').nth(2)).toBeVisible({ timeout: 15_000 });
		await screen(page, `templates list, ${at}`);
		await page.goto('/templates/template%3Aphysical.v1');
		await expect(page.getByRole('heading', { level: 1 })).toContainText('Fysisk skyddsrond', { timeout: 15_000 });
		await screen(page, `template, read, ${at}`);

		// The template editor, on HR's device.
		const hrContext = await browser.newContext({ viewport: size });
		const hr = await hrContext.newPage();
		await signIn(hr, 'hr');
		await hr.goto('/templates');
		const family = hr.getByTestId('template-family').filter({ hasText: 'Fysisk skyddsrond' });
		await family
			.getByRole('button', { name: /^Redigera – / })
			.or(family.getByRole('link', { name: /^Fortsätt/ }))
			.click();
		await expect(hr.getByRole('heading', { level: 1 })).toContainText('Redigera mall', { timeout: 15_000 });
		await screen(hr, `template editor, ${at}`);
		// The risk matrix settings (its preview matrix must fit too).
		await hr.goto('/settings/risk');
		await expect(hr.getByTestId('risk-preview')).toBeVisible();
		await screen(hr, `risk settings, ${at}`);

		await Promise.all([context.close(), hrContext.close()]);
	});
}
