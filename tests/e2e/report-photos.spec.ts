/**
 * The record as people read it (issue 12 item 3): the report shows every photo, the round's and
 * the findings', loaded at once (not only when scrolled to), so printing never puts a placeholder
 * on paper; a photo the device cannot get is said in words, with a message above the report.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { expect, request as playwrightRequest } from '@playwright/test';
import { expectAccessible, PASSWORD, signIn, test } from './fixtures.ts';

const NOW = new Date().toISOString();
const uuid = () => crypto.randomUUID();

/** A valid 8 × 8 PNG, one colour, made here so its SHA-256 is new on every run. */
function png(seed: number): Buffer {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf: Buffer) => {
		let c = 0xffffffff;
		for (const b of buf) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, data: Buffer) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const sum = Buffer.alloc(4);
		sum.writeUInt32BE(crc(body));
		return Buffer.concat([len, body, sum]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(8, 0);
	ihdr.writeUInt32BE(8, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // truecolour
	const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(24, seed % 256)]);
	const raw = Buffer.concat(Array.from({ length: 8 }, () => row));
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

test('the report shows every photo before printing, and says which are not on the device', async ({
	page,
	baseURL,
}) => {
	test.setTimeout(120_000);
	const api = await playwrightRequest.newContext({ baseURL });
	expect((await api.post('/db/_session', { data: { name: 'chef', password: PASSWORD } })).status()).toBe(200);
	const bytes = png(Date.now());
	const sha256 = createHash('sha256').update(bytes).digest('hex');
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
