/**
 * The record as people read it (issue 12 item 3): the report shows every photo, the round's and
 * the findings', loaded at once (not only when scrolled to), so printing never puts a placeholder
 * on paper; a photo the device cannot get is said in words, with a message above the report.
 */
import { createHash } from 'node:crypto';
import { expect, request as playwrightRequest } from '@playwright/test';
import { expectAccessible, PASSWORD, signIn, test } from './fixtures.ts';

const NOW = new Date().toISOString();
const uuid = () => crypto.randomUUID();

/** A valid 8 × 8 PNG in one colour. */
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGOQqziBFTEMLQkABkZXgRDDjAEAAAAASUVORK5CYII=',
	'base64',
);

test('the report shows every photo before printing, and says which are not on the device', async ({
	page,
	baseURL,
}) => {
	test.setTimeout(120_000);
	const api = await playwrightRequest.newContext({ baseURL });
	expect((await api.post('/db/_session', { data: { name: 'chef', password: PASSWORD } })).status()).toBe(200);
	const bytes = PNG;
	const sha256 = createHash('sha256').update(new Uint8Array(bytes)).digest('hex');
	const put = await api.put(`/db/unit-a1/_blobs/${sha256}`, {
		data: bytes,
		headers: { 'content-type': 'image/png' },
	});
	expect(put.ok()).toBe(true);
	// A photo whose bytes never reached the server (the device that took it has not synced).
	const lost = createHash('sha256').update(`lost-${uuid()}`).digest('hex');
	const ref = (sha: string) => ({ sha256: sha, size: bytes.length, mime: 'image/png', width: 8, height: 8 });
	const round = {
		_id: `round:${uuid()}`,
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date: `${2040 + Math.floor(Math.random() * 50)}-03-09`,
		status: 'in_progress',
		participants: [{ name: 'Anna Chef', role: 'manager' }],
		createdBy: 'chef',
		photos: [ref(sha256), ref(lost)],
		createdAt: NOW,
		updatedAt: NOW,
	};
	const res = await api.post('/db/unit-a1/_bulk_docs', { data: { docs: [round] } });
	expect(((await res.json()) as { ok?: boolean }[]).every((r) => r.ok)).toBe(true);
	await api.dispose();

	await page.setViewportSize({ width: 1280, height: 800 });
	await signIn(page, 'chef');
	await page.goto(`/rounds/${encodeURIComponent(round._id)}/report`);
	const report = page.getByTestId('report');
	await expect(report.getByRole('heading', { level: 1 })).toContainText('Rondprotokoll', { timeout: 20_000 });
	const photos = report.getByRole('region', { name: 'Foton från ronden' });
	// Both are settled without scrolling to them: one shown, one said in words.
	await expect(photos.getByRole('img', { name: 'Foto 1 av 2 från ronden Fysisk skyddsrond' })).toBeVisible({
		timeout: 20_000,
	});
	await expect(photos.getByTestId('photo-problem')).toHaveText(
		'Fotot har inte laddats upp än. Det visas när enheten som tog det har synkat.',
		{ timeout: 20_000 },
	);
	await expect(page.getByTestId('photo-status')).toContainText('1 foton finns inte på den här enheten');
	expect(
		await photos
			.getByRole('img')
			.first()
			.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
	).toBe(true);
	await expectAccessible(page, 'report with a photo missing (sv)');

	// Paper: no "fetching" placeholder anywhere, the missing photo in words.
	await page.emulateMedia({ media: 'print' });
	await expect(report.getByText('Hämtar foto …')).toHaveCount(0);
	await expect(photos.getByTestId('photo-problem')).toBeVisible();
	await page.emulateMedia({ media: 'screen' });
});
