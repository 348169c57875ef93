/**
 * Accessibility beyond what axe sees (issue 12, items 4 and 6): focus rings of 3:1 or more,
 * nothing scrolling sideways at 320 px, the header on one line on tablets with a bits-ui menu,
 * focus on the new page's h1 after navigation, round titles, error summaries linked to their
 * fields, live regions that say what matters (offline too), the accessibility statement from
 * every page including sign-in and offline, and a start page that says what is due.
 */
import { expect, request as playwrightRequest, type Page } from '@playwright/test';
import { expectAccessible, PASSWORD, signedRoundWithFinding, signIn, test, waitForServiceWorker } from './fixtures.ts';

const NOW = new Date().toISOString();
const uuid = () => crypto.randomUUID();

/** A planned round of unit a1 made through the API, for pages that need one. */
async function plannedRound(baseURL: string | undefined): Promise<string> {
	const api = await playwrightRequest.newContext({ baseURL });
	expect((await api.post('/db/_session', { data: { name: 'chef', password: PASSWORD } })).status()).toBe(200);
	const id = `round:${uuid()}`;
	const res = await api.post('/db/unit-a1/_bulk_docs', {
		data: {
			docs: [
				{
					_id: id,
					type: 'round',
					scope: 'unit-a1',
					unitId: 'a1',
					templateId: 'template:physical.v1',
					templateVersion: 1,
					date: `${2400 + Math.floor(Math.random() * 100)}-05-04`,
					status: 'planned',
					participants: [],
					createdBy: 'chef',
					createdAt: NOW,
					updatedAt: NOW,
				},
			],
		},
	});
	expect(((await res.json()) as { ok?: boolean }[])[0]?.ok).toBe(true);
	await api.dispose();
	return id;
}

/** WCAG contrast of the focused element's outline against the colour behind it. */
async function focusContrast(page: Page): Promise<{ name: string; ratio: number; style: string }> {
	return page.evaluate(() => {
		const el = document.activeElement as HTMLElement;
		const parse = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number);
		const lum = (rgb: number[]): number => {
			const [r, g, b] = rgb.slice(0, 3).map((v) => {
				const s = v / 255;
				return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
			});
			return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
		};
		const style = getComputedStyle(el);
		// The ring is drawn outside the element (outline-offset): the colour behind it is the parent's.
		let node: HTMLElement | null = el.parentElement;
		let bg = 'rgb(255, 255, 255)';
		while (node) {
			const c = getComputedStyle(node).backgroundColor;
			const parts = parse(c);
			if (parts.length >= 3 && (parts.length < 4 || (parts[3] ?? 0) > 0)) {
				bg = c;
				break;
			}
			node = node.parentElement;
		}
		const a = lum(parse(style.outlineColor));
		const b = lum(parse(bg));
		const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
		return {
			name: `${el.tagName} ${(el.textContent ?? '').trim().slice(0, 30)}`,
			ratio,
			style: `${style.outlineStyle} ${style.outlineWidth}`,
		};
	});
}

async function noSidewaysScroll(page: Page, label: string): Promise<void> {
	await expect
		.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `${label} scrolls sideways` })
		.toBeLessThanOrEqual(320);
}

test('every focus indicator has 3:1 contrast, the header’s included', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 900 });
	await signIn(page, 'chef');
	await page.goto('/actions/plan');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	const seen: string[] = [];
	let header = 0;
	for (let i = 0; i < 25; i++) {
		await page.keyboard.press('Tab');
		// Past the last control the browser's own UI has focus: start again from the top.
		if (await page.evaluate(() => document.activeElement === document.body)) continue;
		const inHeader = await page.evaluate(() => Boolean(document.activeElement?.closest('header')));
		const ring = await focusContrast(page);
		expect(ring.style, `${ring.name} shows a ring`).toMatch(/solid 3px/);
		expect(ring.ratio, `${ring.name}: focus ring contrast`).toBeGreaterThanOrEqual(3);
		if (inHeader) header++;
		seen.push(ring.name);
	}
	expect(header, 'header controls checked').toBeGreaterThan(5);
	expect(seen.length - header, 'page controls checked').toBeGreaterThan(5);
});

test('the header is one line on tablets and its menu is a keyboard menu; focus goes to the h1', async ({ page }) => {
	for (const width of [1024, 768]) {
		await page.setViewportSize({ width, height: 900 });
		if (width === 1024) await signIn(page, 'chef');
		await page.goto('/');
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		const rows = await page.evaluate(() => {
			const tops = [...document.querySelectorAll<HTMLElement>('.bar > *')]
				.filter((e) => e.offsetParent !== null)
				.map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));
			return new Set(tops.map((t) => Math.round(t / 20))).size;
		});
		expect(rows, `header rows at ${width}`).toBe(1);
	}
	// The compact menu: opened with the keyboard, arrows move, Enter follows the link.
	const button = page.getByRole('button', { name: /^Meny/ });
	await button.focus();
	await page.keyboard.press('Enter');
	const menu = page.getByRole('menu');
	await expect(menu).toBeVisible();
	await expect(menu.getByRole('menuitem', { name: 'Översikt' })).toBeFocused();
	await expectAccessible(page, 'the open menu (sv)');
	await page.keyboard.press('ArrowDown');
	await expect(menu.getByRole('menuitem', { name: 'Skyddsronder' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/rounds$/);
	// After client-side navigation the new page's h1 has focus.
	await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
	await page.keyboard.press('Escape');

	// A round's page names the round in its title.
	const roundId = await plannedRound(test.info().project.use.baseURL);
	await page.goto('/rounds');
	await page.goto(`/rounds/${encodeURIComponent(roundId)}`);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Enhet A1', { timeout: 15_000 });
	await expect(page).toHaveTitle(/^Fysisk skyddsrond – Enhet A1 – 4 maj \d{4} – Trygg$/);
});

test('at 320 px nothing scrolls sideways; the risk matrix stacks and its arrows move as a grid', async ({
	page,
	baseURL,
}) => {
	const { roundId } = await signedRoundWithFinding(baseURL, {
		title: 'Mycketlångtordsomintefårbrytasmittiordetochinteskjutasidan',
		probability: 3,
		consequence: 4,
	});
	const walk = await plannedRound(baseURL);
	// A line in the plan, so its table (sort buttons with hidden texts) is there to measure.
	const setup = await playwrightRequest.newContext({ baseURL });
	expect((await setup.post('/db/_session', { data: { name: 'chef', password: PASSWORD } })).status()).toBe(200);
	// Recorded now: the server takes no other time (decision 0016).
	const at = new Date().toISOString();
	const line = await setup.post('/db/unit-a1/_bulk_docs', {
		data: {
			docs: [
				{
					_id: `action:${crypto.randomUUID()}`,
					type: 'action',
					scope: 'unit-a1',
					unitId: 'a1',
					source: 'meeting',
					area: 'Arbetsbelastning vid sjukfrånvaro',
					plannedAction: 'Inför ett veckovis prioriteringsmöte',
					desiredResult: 'Färre sena kvällar',
					responsible: 'Anna Chef',
					start: '2026-01-20',
					due: '2026-03-01',
					// Done: it counts as overdue in no other spec's figures.
					done: '2026-02-20',
					followUp: null,
					result: '',
					comment: '',
					estimatedCost: null,
					status: 'done',
					createdAt: at,
					updatedAt: at,
				},
			],
		},
	});
	expect(((await line.json()) as { ok?: boolean }[]).every((r) => r.ok)).toBe(true);
	await setup.dispose();
	await page.setViewportSize({ width: 320, height: 700 });
	await page.goto('/sign-in');
	await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
	await noSidewaysScroll(page, 'sign-in');
	await page.goto('/accessibility');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await noSidewaysScroll(page, 'accessibility statement');
	await signIn(page, 'chef');
	for (const path of [
		'/',
		'/rounds',
		'/rounds/new',
		'/requests',
		'/actions',
		'/actions/plan',
		'/follow-ups',
		'/templates',
		'/sync',
		'/account',
		`/rounds/${encodeURIComponent(roundId)}`,
		`/rounds/${encodeURIComponent(roundId)}/report`,
	]) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible({ timeout: 15_000 });
		if (path === '/actions/plan') await expect(page.getByTestId('plan')).toBeVisible({ timeout: 15_000 });
		await noSidewaysScroll(page, path);
	}
	await expectAccessible(page, 'the report at 320 px (sv)');

	// The walk: a Nej makes a finding, its matrix stacks (the column headings give way to names
	// in every cell) and arrows move up, down, left, right.
	await page.goto(`/rounds/${encodeURIComponent(walk)}`);
	const item1 = page.getByTestId('item-physical-01');
	await item1.getByRole('radio', { name: 'Nej' }).check({ timeout: 15_000 });
	await expect(page.getByTestId('finding-status-physical-01')).toContainText('Svaret har blivit en iakttagelse');
	const matrix = page
		.locator('[data-testid^="risk-"]')
		.filter({ has: page.getByRole('table') })
		.first();
	await expect(matrix.locator('thead')).toBeHidden();
	await expect(matrix.getByText('4 Mycket allvarlig konsekvens:').first()).toBeVisible();
	await noSidewaysScroll(page, 'walk with a risk matrix');
	// The header's narrow-screen rules hide nothing of the page (the finding's own fields stay).
	await expect(page.getByRole('textbox', { name: /^Beskrivning \(iakttagelse \d\)$/ })).toBeVisible();
	const start = matrix.getByRole('radio', { name: /^Sannolikhet 2, konsekvens 2:/ });
	await start.check();
	await page.keyboard.press('ArrowUp');
	await expect(matrix.getByRole('radio', { name: /^Sannolikhet 3, konsekvens 2:/ })).toBeFocused();
	await page.keyboard.press('ArrowRight');
	await expect(matrix.getByRole('radio', { name: /^Sannolikhet 3, konsekvens 3:/ })).toBeChecked();
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowLeft');
	await expect(matrix.getByRole('radio', { name: /^Sannolikhet 2, konsekvens 2:/ })).toBeChecked();
	await expectAccessible(page, 'the walk at 320 px (sv)');
});

/** The lines a word of the element's text takes (1 = not broken mid-word). */
async function linesOfWord(page: Page, selector: string, word: string): Promise<number> {
	return page
		.locator(selector)
		.first()
		.evaluate((el, w) => {
			const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
			for (let node = walker.nextNode(); node; node = walker.nextNode()) {
				const at = node.textContent?.indexOf(w) ?? -1;
				if (at < 0) continue;
				const range = document.createRange();
				range.setStart(node, at);
				range.setEnd(node, at + w.length);
				return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
			}
			return -1;
		}, word);
}

test('on a phone long Swedish words stay whole: the start page’s h1, the report’s column names', async ({
	page,
	browser,
	baseURL,
}) => {
	const { roundId } = await signedRoundWithFinding(baseURL, { title: 'Kort', probability: 2, consequence: 2 });
	await page.setViewportSize({ width: 390, height: 844 });
	await signIn(page, 'huvudskyddsombud');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Välkommen, Tove Huvudskyddsombud');
	expect(await linesOfWord(page, 'h1', 'Huvudskyddsombud')).toBe(1);
	await page.setViewportSize({ width: 320, height: 700 });
	expect(await linesOfWord(page, 'h1', 'Huvudskyddsombud')).toBe(1);
	const phone = await browser.newContext({ viewport: { width: 320, height: 700 } });
	const chef = await phone.newPage();
	await signIn(chef, 'chef');
	await chef.goto(`/rounds/${encodeURIComponent(roundId)}/report`);
	await expect(chef.getByRole('columnheader', { name: 'Kommentar' }).first()).toBeVisible({ timeout: 15_000 });
	for (const name of ['Svar', 'Kommentar']) {
		const header = chef.getByRole('columnheader', { name, exact: true }).first();
		const lines = await header.evaluate((el) => {
			const range = document.createRange();
			range.selectNodeContents(el);
			return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
		});
		expect(lines, `${name} on one line`).toBe(1);
	}
	await phone.close();
});

test('form errors: all at once in a focused summary linking to fields marked invalid', async ({ page }) => {
	// Sign-in: empty fields are named on the device; a refusal keeps focus on the error.
	await page.goto('/sign-in');
	await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
	await expect(page.getByLabel('Användarnamn')).toHaveAttribute('required', '');
	await expect(page.locator('label[for="name"]')).toContainText('(obligatoriskt)');
	await page.getByRole('button', { name: 'Logga in' }).click();
	const summary = page.getByTestId('error-summary');
	await expect(summary).toBeFocused();
	await expect(summary.getByRole('link')).toHaveText(['Fyll i ditt användarnamn.', 'Fyll i ditt lösenord.']);
	await expect(summary).not.toContainText('Begäran kunde inte tolkas');
	await summary.getByRole('link', { name: 'Fyll i ditt lösenord.' }).click();
	const password = page.getByLabel('Lösenord');
	await expect(password).toBeFocused();
	await expect(password).toHaveAttribute('aria-invalid', 'true');
	await expect(password).toHaveAccessibleDescription('Fyll i ditt lösenord.');
	await expectAccessible(page, 'sign-in with errors (sv)');
	await page.getByLabel('Användarnamn').fill('chef');
	await password.fill('fel-lösenord');
	await page.getByRole('button', { name: 'Logga in' }).click();
	await expect(summary).toContainText('Fel användarnamn eller lösenord.');
	await expect(summary).toBeFocused();

	// The request form: both missing fields at once, each linked, each field described by its error.
	await signIn(page, 'skyddsombud');
	await page.goto('/requests/new');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await page.getByRole('button', { name: 'Lämna in begäran' }).click();
	await expect(summary).toBeFocused();
	await expect(summary.getByRole('heading')).toHaveText('Det finns 2 fel att rätta');
	await expect(summary.getByRole('link')).toHaveText(['Skriv ett ämne.', 'Beskriv problemet.']);
	await summary.getByRole('link', { name: 'Beskriv problemet.' }).click();
	const description = page.getByRole('textbox', { name: /^Beskriv problemet/ });
	await expect(description).toBeFocused();
	await expect(description).toHaveAttribute('aria-invalid', 'true');
	await expect(description).toHaveAccessibleDescription('Beskriv problemet.');
	await expect(page.getByRole('textbox', { name: /^Ämne/ })).toHaveAttribute('aria-invalid', 'true');
	await expectAccessible(page, 'request form with errors (sv)');
	await page.getByRole('button', { name: 'In English' }).click();
	await page.getByRole('button', { name: 'File the request' }).click();
	await expect(summary.getByRole('heading')).toHaveText('There are 2 errors to correct');
	await expectAccessible(page, 'request form with errors (en)');
	await page.getByRole('button', { name: 'På svenska' }).click();
});

test('a request filed is on the manager’s start page at once; live regions say what matters, offline too', async ({
	browser,
}) => {
	const repContext = await browser.newContext();
	const rep = await repContext.newPage();
	await signIn(rep, 'skyddsombud');
	await rep.goto('/requests/new');
	const subject = `Trasig stege ${uuid().slice(0, 8)}`;
	await rep.getByRole('textbox', { name: /^Ämne/ }).fill(subject);
	await rep.getByRole('textbox', { name: /^Beskriv problemet/ }).fill('Stegen i förrådet har ett trasigt steg.');
	await rep.getByRole('button', { name: 'Lämna in begäran' }).click();
	await expect(rep).toHaveURL(/\/requests\/request/);
	await expect(rep.getByTestId('sync-announce')).toContainText('Allt synkat', { timeout: 20_000 });

	const chefContext = await browser.newContext();
	const chef = await chefContext.newPage();
	await signIn(chef, 'chef');
	await waitForServiceWorker(chef);
	const urgent = chef.getByTestId('due-unacknowledged');
	await expect(urgent.getByRole('link', { name: new RegExp(subject) })).toBeVisible({ timeout: 20_000 });
	await expect(urgent.getByRole('heading')).toHaveText('Begäranden att bekräfta genast (6 kap. 6 a § AML)');
	await expectAccessible(chef, 'start page with due items (sv)');

	// Offline: the announcement says so, never a pending count or "syncing now".
	const announce = chef.getByTestId('sync-announce');
	await chefContext.setOffline(true);
	await expect(announce).toHaveText(/^Offline/);
	await urgent.getByRole('link', { name: new RegExp(subject) }).click();
	await expect(chef.getByRole('heading', { level: 1 })).toBeFocused();
	await expect(chef.getByRole('heading', { level: 1 })).toContainText(subject);
	await expectAccessible(chef, 'a request offline (sv)');
	await chefContext.setOffline(false);
	await expect(announce).toHaveText(/^Online/, { timeout: 20_000 });
	await expect(announce).not.toContainText(/väntar|Synkar/);

	// The English start page.
	await chef.goto('/');
	await chef.getByRole('button', { name: 'In English' }).click();
	await expect(chef.getByTestId('due-unacknowledged').getByRole('heading')).toHaveText(
		'Requests to acknowledge at once (Work Environment Act 6:6a)',
	);
	await expectAccessible(chef, 'start page with due items (en)');
	await chef.getByRole('button', { name: 'På svenska' }).click();

	// Someone with nothing due is told so.
	const hrContext = await browser.newContext();
	const hr = await hrContext.newPage();
	await signIn(hr, 'hr');
	await expect(hr.getByTestId('nothing-due')).toHaveText(/Inget är att göra just nu/);
	await Promise.all([repContext.close(), chefContext.close(), hrContext.close()]);
});

test('the accessibility statement is linked from sign-in and every page, and works offline', async ({ page }) => {
	await page.goto('/sign-in');
	await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
	await waitForServiceWorker(page);
	await page.context().setOffline(true);
	await page.getByRole('contentinfo').getByRole('link', { name: 'Tillgänglighetsredogörelse' }).click();
	const h1 = page.getByRole('heading', { level: 1 });
	await expect(h1).toHaveText('Tillgänglighetsredogörelse');
	await expect(h1).toBeFocused();
	for (const heading of [
		'Hur tillgänglig är appen?',
		'Vad kan du göra om du inte kan använda delar av appen?',
		'Rapportera brister i appens tillgänglighet',
		'Tillsyn',
		'Innehåll som inte är tillgängligt',
		'Hur vi testat appen',
	])
		await expect(page.getByRole('heading', { name: heading })).toBeVisible();
	await expect(page.getByRole('main')).toContainText('Myndigheten för digital förvaltning (DIGG)');
	await expectAccessible(page, 'accessibility statement (sv)');
	await page.reload();
	await expect(h1).toHaveText('Tillgänglighetsredogörelse');
	await page.getByRole('button', { name: 'In English' }).click();
	await expect(h1).toHaveText('Accessibility statement');
	await expect(page.getByRole('heading', { name: 'Enforcement procedure' })).toBeVisible();
	await expectAccessible(page, 'accessibility statement (en)');
	await page.getByRole('button', { name: 'På svenska' }).click();
	await page.context().setOffline(false);

	// Signed in, every page has the link; the landmarks have names of their own.
	await signIn(page, 'chef');
	for (const path of ['/', '/rounds', '/actions/plan']) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await expect(page.getByRole('contentinfo').getByRole('link', { name: 'Tillgänglighetsredogörelse' })).toBeVisible();
		const names = await page.evaluate(() =>
			[...document.querySelectorAll('nav, section[aria-label], [role="region"], aside, form[aria-label]')]
				.filter((e) => (e as HTMLElement).offsetParent !== null || getComputedStyle(e).display !== 'none')
				.map((e) => `${e.tagName}:${e.getAttribute('aria-label') ?? e.getAttribute('aria-labelledby') ?? ''}`),
		);
		expect(new Set(names).size, `landmarks on ${path}: ${names.join(', ')}`).toBe(names.length);
	}
});
