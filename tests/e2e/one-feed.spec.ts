/**
 * One connection per device (issue 11, item 1): a manager of twelve units signs in and loads five
 * pages in a row. With a longpoll per scope the device used up Chromium's six connections per host
 * and page loads stalled about 25 s (a longpoll's timeout); on the one changes feed every page is
 * loaded within seconds, and the device never holds more than one long-lived request. Offline for
 * a while and back, changes made on a second device arrive through that one feed, and no scope is
 * read on its own. Chef2 gets eleven more units for the test (made through the API) and only Enhet
 * B1 back at the end: the server is shared.
 */
import { expect, type APIRequestContext, type Request, type Response } from '@playwright/test';
import { expectAccessible, PASSWORD, signIn, test, waitForServiceWorker } from './fixtures.ts';

/** A response's text, or '' when the page moved on before its body could be read (not the one looked for). */
const bodyOf = (r: Response): Promise<string> => r.text().catch(() => '');

const FEED = '/db/_trygg/changes';
const UNITS = Array.from({ length: 11 }, (_, i) => `feed-${String(i + 1).padStart(2, '0')}`);
const CHEF2_B1 = [{ unitId: 'b1', role: 'manager' }];
/** Well below the 25 s a stalled load took, well above a slow load on the shared machine. */
const LOADED_MS = 5_000;

async function api(playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } }, name: string) {
	const ctx = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
	expect((await ctx.post('/db/_session', { data: { name, password: PASSWORD } })).status()).toBe(200);
	return ctx;
}

/** A planned round of `unitId`, as chef2 plans one. */
function round(unitId: string, date: string) {
	const now = new Date().toISOString();
	return {
		_id: `round:${crypto.randomUUID()}`,
		type: 'round',
		scope: `unit-${unitId}`,
		unitId,
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date,
		status: 'planned',
		participants: [{ name: 'Bo Chef', role: 'manager' }],
		createdBy: 'chef2',
		createdAt: now,
		updatedAt: now,
	};
}

/** Is this request a longpoll (the one feed, or a per-scope `_changes`)? */
function isLongpoll(request: Request): boolean {
	if (request.url().includes('feed=longpoll')) return true;
	if (!request.url().endsWith(FEED) || request.method() !== 'POST') return false;
	return (JSON.parse(request.postData() ?? '{}') as { feed?: string }).feed === 'longpoll';
}

test('a manager of twelve units loads five pages without a stall, on one long-lived request', async ({
	browser,
	playwright,
}) => {
	test.setTimeout(180_000);
	// Eleven units besides Enhet B1, made by HR; chef2 manages all twelve.
	const hr = await api(playwright, 'hr');
	const now = new Date().toISOString();
	const units = UNITS.map((id) => ({
		_id: `unit:${id}`,
		type: 'unit',
		scope: 'org',
		name: `Enhet ${id}`,
		parentId: 'unit:demo',
		level: 'unit',
		createdAt: now,
		updatedAt: now,
	}));
	const made = (await (await hr.post('/db/org/_bulk_docs', { data: { docs: units } })).json()) as { error?: string }[];
	// A retry against the same server finds them made: a conflict is as good.
	expect(made.filter((r) => r.error && r.error !== 'conflict')).toEqual([]);
	await hr.dispose();
	const admin = await api(playwright, 'admin');
	const twelve = [...CHEF2_B1, ...UNITS.map((unitId) => ({ unitId, role: 'manager' }))];
	expect((await admin.put('/api/admin/users/chef2/memberships', { data: twelve })).status()).toBe(200);

	const device = await browser.newContext();
	// A second device of chef2: another browser context, signed in with its own session.
	const second = await browser.newContext({ baseURL: test.info().project.use.baseURL });
	const other = second.request;
	expect((await other.post('/db/_session', { data: { name: 'chef2', password: PASSWORD } })).status()).toBe(200);
	try {
		const page = await device.newPage();
		// Every long-lived request the device opens, and how many are open at once.
		const open = new Set<Request>();
		let most = 0;
		const perScope: string[] = [];
		device.on('request', (request) => {
			if (/\/db\/[^/_][^/]*\/_changes/.test(request.url())) perScope.push(request.url());
			if (!isLongpoll(request)) return;
			open.add(request);
			most = Math.max(most, open.size);
		});
		const done = (request: Request): void => void open.delete(request);
		device.on('requestfinished', done);
		device.on('requestfailed', done);

		await signIn(page, 'chef2');
		const me = (await (await page.request.get('/api/me')).json()) as { scopes: { scope: string }[] };
		expect(me.scopes.filter((s) => s.scope.startsWith('unit-'))).toHaveLength(12);
		// Live: the device waits for changes.
		await expect.poll(() => open.size, { timeout: 20_000 }).toBeGreaterThan(0);

		// Five full page loads in a row, each loaded and drawn well before a stall would show.
		const pages = ['/rounds', '/actions', '/requests', '/follow-ups', '/sync'];
		for (const path of pages) {
			const started = Date.now();
			await page.goto(path);
			await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: LOADED_MS });
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible({ timeout: LOADED_MS });
			expect(Date.now() - started, `loading ${path}`).toBeLessThan(LOADED_MS);
		}
		await expect.poll(() => open.size, { timeout: 20_000 }).toBe(1);
		expect(most).toBe(1);
		await waitForServiceWorker(page);
		await expectAccessible(page, 'sync page of a manager of twelve units');

		// Offline, while the second device plans a round in the last unit.
		await device.setOffline(true);
		await expect(page.getByTestId('sync-online')).toHaveText('Offline');
		const whileAway = round(UNITS[10] as string, '2031-04-01');
		const origin = new URL(page.url()).origin;
		const sent = await other.post(`/db/unit-${whileAway.unitId}/_bulk_docs`, {
			data: { docs: [whileAway] },
			headers: { origin },
		});
		expect(await sent.json()).toEqual([expect.objectContaining({ ok: true })]);

		// Back online: it comes through the feed.
		const caughtUp = page.waitForResponse(
			async (r) => r.url().endsWith(FEED) && (await bodyOf(r)).includes(whileAway._id),
		);
		await device.setOffline(false);
		await caughtUp;
		await page.goto('/rounds');
		await expect(page.locator(`[data-round-id="${whileAway._id}"]`)).toBeVisible({ timeout: 20_000 });

		// Online, a change on the second device wakes the one open longpoll.
		await expect.poll(() => open.size, { timeout: 20_000 }).toBe(1);
		const live = round(UNITS[4] as string, '2031-05-02');
		const woken = page.waitForResponse(async (r) => isLongpoll(r.request()) && (await bodyOf(r)).includes(live._id), {
			timeout: 30_000,
		});
		const sentLive = await other.post(`/db/unit-${live.unitId}/_bulk_docs`, {
			data: { docs: [live] },
			headers: { origin },
		});
		expect(await sentLive.json()).toEqual([expect.objectContaining({ ok: true })]);
		await woken;
		await expect(page.locator(`[data-round-id="${live._id}"]`)).toBeVisible({ timeout: 10_000 });

		expect(most).toBe(1);
		expect(perScope).toEqual([]);
	} finally {
		// Whatever happened above, the shared server gets chef2's one unit back.
		const restored = await admin.put('/api/admin/users/chef2/memberships', { data: CHEF2_B1 });
		await Promise.all([admin.dispose(), second.close(), device.close()]);
		expect(restored.status()).toBe(200);
	}
});
