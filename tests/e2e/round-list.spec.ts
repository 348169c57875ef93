/**
 * A unit with a long history: the round list draws the newest rounds a page at a time, says how
 * many it shows, and "show more" works offline and by keyboard (focus goes to the first newly
 * shown round). Seeded in Enhet B1 (chef2) so no other spec's list changes.
 */
import { expect } from '@playwright/test';
import { expectAccessible, signIn, waitForServiceWorker, test } from './fixtures.ts';

const COUNT = 130;
// Unique per run, so a retry against the same server data adds its own rounds instead of conflicting.
const RUN = Math.random().toString(36).slice(2, 8);

test('a list of 130 rounds shows 100, then the rest on request, offline and by keyboard', async ({
	browser,
	baseURL,
}) => {
	const context = await browser.newContext({ baseURL });
	const page = await context.newPage();
	await signIn(page, 'chef2');
	await waitForServiceWorker(page);

	// What Enhet B1 already holds: a CI retry meets the first attempt's 130 rounds on the same server.
	// This run's rounds, all of them, come after the newest of those (not interleaved with them), so
	// the list's first pages are this run's own.
	const existing = (await (await page.request.get('/db/unit-b1/_changes?include_docs=true')).json()) as {
		results: { doc?: { type?: string; date?: string; status?: string; _deleted?: boolean } }[];
	};
	const before = existing.results.flatMap((r) => (r.doc?.type === 'round' && !r.doc._deleted ? [r.doc] : []));
	const TOTAL = before.length + COUNT;
	// B1 may hold signed rounds of other specs (co-signers): the "planned" filter leaves them out.
	const PLANNED = before.filter((r) => r.status === 'planned').length + COUNT;
	const newest = Math.max(
		Date.UTC(2025, 5, 1),
		...before.map((r) => Date.parse(`${r.date}T00:00:00Z`) + COUNT * 7 * 86_400_000),
	);

	const now = new Date().toISOString();
	const rounds = Array.from({ length: COUNT }, (_, i) => ({
		_id: `round:list-${RUN}-${String(i).padStart(4, '0')}`,
		type: 'round',
		scope: 'unit-b1',
		unitId: 'b1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		// One round a week back from 2025-06-01 (or from after the unit's newest): round 0 is the newest.
		date: new Date(newest - i * 7 * 86_400_000).toISOString().slice(0, 10),
		status: 'planned',
		participants: [{ name: 'Bo Chef', role: 'manager' }],
		createdBy: 'chef2',
		createdAt: now,
		updatedAt: now,
	}));
	// The page's own session (same cookies) writes them to the server, as another device would.
	const response = await page.request.post('/db/unit-b1/_bulk_docs', {
		data: { docs: rounds },
		headers: { origin: new URL(baseURL ?? '').origin },
	});
	const results = (await response.json()) as { ok?: boolean; reason?: string }[];
	expect(results.filter((r) => !r.ok)).toEqual([]);

	await page.goto('/rounds');
	const showing = page.getByTestId('rounds-showing');
	await expect(showing).toHaveAttribute('data-total', String(TOTAL), { timeout: 20_000 });
	await expect(page.getByTestId('sync-pending')).toHaveText(/Allt synkat/);

	// Offline from here: the list comes from the device.
	await context.setOffline(true);
	await page.reload();
	await expect(showing).toHaveText(`Visar 100 av ${TOTAL} ronder.`);
	await expect(page.getByTestId('round-row')).toHaveCount(100);
	// Newest first: the first row is round 0, the last shown is round 99.
	await expect(page.getByTestId('round-row').first()).toHaveAttribute('data-round-id', `round:list-${RUN}-0000`);
	await expect(page.getByTestId('round-row').last()).toHaveAttribute('data-round-id', `round:list-${RUN}-0099`);
	await expectAccessible(page, 'round list, first page (sv)');

	// The next page is at most 100 more (a retry's list is longer than one page more).
	const next = Math.min(100, TOTAL - 100);
	const more = page.getByRole('button', { name: `Visa ${next} till` });
	await more.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('round-row')).toHaveCount(100 + next);
	await expect(showing).toHaveText(`Visar ${100 + next} av ${TOTAL} ronder.`);
	if (100 + next === TOTAL) await expect(more).toHaveCount(0);
	// The keyboard continues at the first newly shown round.
	await expect(page.locator(':focus')).toHaveAttribute(
		'href',
		`/rounds/${encodeURIComponent(`round:list-${RUN}-0100`)}`,
	);

	// A filter starts from the first page again.
	await page.getByLabel('Visa ronder med status').selectOption('planned');
	await expect(page.getByTestId('round-row')).toHaveCount(100);

	await page.getByRole('button', { name: 'In English' }).click();
	await expect(showing).toHaveText(`Showing 100 of ${PLANNED} rounds.`);
	await expect(page.getByRole('button', { name: `Show ${Math.min(100, PLANNED - 100)} more` })).toBeVisible();
	await expectAccessible(page, 'round list, first page (en)');
	await context.close();
});
