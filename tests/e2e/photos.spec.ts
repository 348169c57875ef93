/**
 * Photos (issue 3 item 4): a manager adds a camera photo offline (3000×2000 JPEG with an EXIF
 * block including GPS); it shows at once from the device; back online it uploads; the safety rep
 * sees it on another device, compressed to at most 1600 px; the server's copy has no EXIF and
 * matches its hash; files that are not usable pictures get a clear message; zero axe violations.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, request as playwrightRequest, type Page } from '@playwright/test';
import { signIn, expectAccessible, waitForServiceWorker, PASSWORD, test } from './fixtures.ts';

const CAMERA = 'TryggTestCam';

/** Bytes one after another (Buffer.concat's typing clashes with the DOM's Uint8Array here). */
function join(...parts: ArrayLike<number>[]): Buffer {
	const out = Buffer.alloc(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const part of parts) {
		for (let i = 0; i < part.length; i++) out[at + i] = part[i] as number;
		at += part.length;
	}
	return out;
}

/**
 * An EXIF APP1 segment (little-endian TIFF) with Make, Orientation = 6 (a phone held upright) and a GPS IFD that places
 * the photo at 59°19'N 18°4'E, built by hand so the test knows exactly what must disappear.
 */
function exifSegment(): Buffer {
	const entries = (count: number) => 2 + count * 12 + 4;
	const ifd0At = 8;
	const make = Buffer.from(`${CAMERA}\0`, 'latin1');
	const gpsAt = ifd0At + entries(3);
	const makeAt = gpsAt + entries(4);
	const latAt = makeAt + make.length;
	const lonAt = latAt + 24;
	const tiff = Buffer.alloc(lonAt + 24);
	tiff.write('II', 0, 'latin1');
	tiff.writeUInt16LE(42, 2);
	tiff.writeUInt32LE(ifd0At, 4);
	const entry = (at: number, tag: number, type: number, count: number, value: number | Buffer) => {
		tiff.writeUInt16LE(tag, at);
		tiff.writeUInt16LE(type, at + 2);
		tiff.writeUInt32LE(count, at + 4);
		if (typeof value === 'number') tiff.writeUInt32LE(value, at + 8);
		else value.copy(tiff, at + 8);
	};
	tiff.writeUInt16LE(3, ifd0At);
	entry(ifd0At + 2, 0x010f, 2, make.length, makeAt); // Make
	entry(ifd0At + 14, 0x0112, 3, 1, 6); // Orientation: turn 90° clockwise to view
	entry(ifd0At + 26, 0x8825, 4, 1, gpsAt); // GPS IFD
	tiff.writeUInt32LE(0, ifd0At + 38);
	tiff.writeUInt16LE(4, gpsAt);
	entry(gpsAt + 2, 0x0001, 2, 2, Buffer.from('N\0', 'latin1'));
	entry(gpsAt + 14, 0x0002, 5, 3, latAt);
	entry(gpsAt + 26, 0x0003, 2, 2, Buffer.from('E\0', 'latin1'));
	entry(gpsAt + 38, 0x0004, 5, 3, lonAt);
	tiff.writeUInt32LE(0, gpsAt + 50);
	make.copy(tiff, makeAt);
	for (const [at, [d, m, s]] of [
		[latAt, [59, 19, 0]],
		[lonAt, [18, 4, 0]],
	] as const) {
		[d, m, s].forEach((v, i) => {
			tiff.writeUInt32LE(v, at + i * 8);
			tiff.writeUInt32LE(1, at + i * 8 + 4);
		});
	}
	const body = join(Buffer.from('Exif\0\0', 'latin1'), tiff);
	const header = Buffer.alloc(4);
	header.writeUInt16BE(0xffe1, 0);
	header.writeUInt16BE(body.length + 2, 2);
	return join(header, body);
}

/** The marker bytes of every JPEG segment before the image data. */
function jpegMarkers(bytes: Buffer): number[] {
	expect(bytes.readUInt16BE(0)).toBe(0xffd8);
	const markers: number[] = [];
	for (let at = 2; at + 4 <= bytes.length;) {
		const marker = bytes.readUInt16BE(at);
		markers.push(marker);
		if (marker === 0xffda) break; // start of scan: image data follows
		at += 2 + bytes.readUInt16BE(at + 2);
	}
	return markers;
}

/** A 3000×2000 camera-like JPEG (drawn in the browser) with the EXIF segment spliced in after SOI. */
async function cameraJpeg(page: Page): Promise<Buffer> {
	const base64 = await page.evaluate(async () => {
		const canvas = new OffscreenCanvas(3000, 2000);
		const ctx = canvas.getContext('2d');
		if (!ctx) throw new Error('no canvas');
		const gradient = ctx.createLinearGradient(0, 0, 3000, 2000);
		gradient.addColorStop(0, '#2b6a7c');
		gradient.addColorStop(1, '#e0b050');
		ctx.fillStyle = gradient;
		ctx.fillRect(0, 0, 3000, 2000);
		ctx.fillStyle = '#fff';
		ctx.font = 'bold 220px sans-serif';
		ctx.fillText('Trygg 3000×2000', 200, 1100);
		const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
		const bytes = new Uint8Array(await blob.arrayBuffer());
		let text = '';
		for (const b of bytes) text += String.fromCharCode(b);
		return btoa(text);
	});
	const plain = Buffer.from(base64, 'base64');
	const withExif = join(plain.subarray(0, 2), exifSegment(), plain.subarray(2));
	expect(jpegMarkers(withExif)[0]).toBe(0xffe1);
	return withExif;
}

test('a photo taken offline is compressed, stripped of EXIF, and reaches the safety rep', async ({
	browser,
	baseURL,
}) => {
	const chefContext = await browser.newContext();
	const chef = await chefContext.newPage();
	await signIn(chef, 'chef');
	await waitForServiceWorker(chef);

	// A round planned online (templates must have arrived), then the network goes.
	await chef.goto('/rounds/new');
	await expect(chef.getByRole('option', { name: 'Fysisk skyddsrond' })).toBeAttached({ timeout: 15_000 });
	await chef.getByLabel('Mall').selectOption({ label: 'Fysisk skyddsrond' });
	await chef.getByLabel('Datum').fill('2026-12-02');
	await chef.getByRole('button', { name: 'Spara ronden' }).click();
	await expect(chef.getByTestId('round-sync')).toHaveText('Synkad', { timeout: 15_000 });
	const roundId = decodeURIComponent(new URL(chef.url()).pathname.split('/').pop() ?? '');
	const photo = await cameraJpeg(chef);
	expect(photo.includes(CAMERA)).toBe(true);

	await chefContext.setOffline(true);
	await expect(chef.getByTestId('sync-online')).toHaveText('Offline');
	await expect(chef.getByRole('heading', { level: 2, name: 'Foton' })).toBeVisible();
	await expect(chef.getByText('Inga foton än.')).toBeVisible();

	// Files that cannot be used get a clear message by name; the good one is added all the same.
	await chef.getByLabel('Välj bilder').setInputFiles([
		{ name: 'anteckningar.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('Inte en bild, bara text.\n') },
		{
			name: 'trasig.jpg',
			mimeType: 'image/jpeg',
			buffer: join([0xff, 0xd8, 0xff, 0xe0], Buffer.alloc(400, 7)),
		},
		{ name: 'rond.jpg', mimeType: 'image/jpeg', buffer: photo },
	]);
	await expect(chef.getByTestId('photo-status')).toHaveText('1 foto har lagts till.', { timeout: 15_000 });
	const problems = chef.getByRole('alert').filter({ hasText: 'Några filer kunde inte läggas till' });
	await expect(problems).toContainText(
		'anteckningar.jpg: Filen är inte en bild. Välj ett foto (JPEG, PNG eller WebP).',
	);
	await expect(problems).toContainText('trasig.jpg: Bilden kunde inte läsas.');

	// Shown at once from the device, while offline, and marked as not uploaded.
	const alt = 'Foto 1 av 1 från ronden Fysisk skyddsrond';
	const thumb = chef.getByRole('img', { name: alt });
	// Thumbnails load when near the screen: bring the photo's frame there (the image comes after).
	await chef.getByTestId('photo-thumb').first().scrollIntoViewIfNeeded();
	await expect(thumb).toBeVisible();
	await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1067);
	// Upright, as the camera's orientation tag says: the browser read the EXIF block before it was dropped.
	expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(1600);
	await expect(chef.getByTestId('photo-upload')).toHaveText('Inte uppladdat än');
	await expect(chef.getByTestId('round-sync')).toHaveText('Inte synkad');
	await expectAccessible(chef, 'round with photos and messages, offline (sv)');

	// The messages stay until dismissed.
	await chef.getByRole('button', { name: 'Dölj meddelandena' }).click();
	await expect(problems).toHaveCount(0);

	await chefContext.setOffline(false);
	await expect(chef.getByTestId('round-sync')).toHaveText('Synkad', { timeout: 15_000 });
	await expect(chef.getByTestId('photo-upload')).toHaveCount(0, { timeout: 15_000 });

	// The reference in the round, and the bytes on the server: hash matches, no EXIF left.
	const api = await playwrightRequest.newContext({ baseURL });
	expect((await api.post('/db/_session', { data: { name: 'skyddsombud', password: PASSWORD } })).status()).toBe(200);
	const rows = await (await api.post('/db/unit-a1/_all_docs?include_docs=true', { data: { keys: [roundId] } })).json();
	const refs = rows.rows[0].doc.photos as { sha256: string; size: number; mime: string; width: number }[];
	expect(refs).toHaveLength(1);
	const ref = refs[0]!;
	expect(ref).toMatchObject({ mime: 'image/jpeg', width: 1067, height: 1600 });
	const served = await api.get(`/db/unit-a1/_blobs/${ref.sha256}`);
	expect(served.status()).toBe(200);
	expect(served.headers()['content-type']).toBe('image/jpeg');
	const stored = await readFile(`test-results/e2e-data/blobs/unit-a1/${ref.sha256}`);
	expect((await served.body()).equals(stored)).toBe(true);
	expect(createHash('sha256').update(new Uint8Array(stored)).digest('hex')).toBe(ref.sha256);
	expect(stored.length).toBe(ref.size);
	expect(stored.length).toBeLessThan(photo.length);
	expect(jpegMarkers(stored)).not.toContain(0xffe1);
	expect(stored.includes('Exif')).toBe(false);
	expect(stored.includes(CAMERA)).toBe(false);
	// Another unit's manager cannot read it.
	const other = await playwrightRequest.newContext({ baseURL });
	expect((await other.post('/db/_session', { data: { name: 'chef2', password: PASSWORD } })).status()).toBe(200);
	expect((await other.get(`/db/unit-a1/_blobs/${ref.sha256}`)).status()).toBe(403);
	await Promise.all([api.dispose(), other.dispose()]);

	// The safety rep's device downloads it when the photo is looked at.
	const repContext = await browser.newContext();
	const rep = await repContext.newPage();
	await signIn(rep, 'skyddsombud');
	await rep.goto(`/rounds/${encodeURIComponent(roundId)}`);
	await expect(rep.getByRole('heading', { level: 1 })).toContainText('Fysisk skyddsrond', { timeout: 15_000 });
	const repThumb = rep.getByRole('img', { name: alt });
	await rep.getByRole('heading', { level: 2, name: 'Foton' }).scrollIntoViewIfNeeded();
	await expect(repThumb).toBeVisible({ timeout: 15_000 });
	await expect.poll(() => repThumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
	const size = await repThumb.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
	expect(Math.max(...size)).toBeLessThanOrEqual(1600);
	await expectAccessible(rep, 'round with photos, safety rep (sv)');

	// English, with zero axe violations.
	await chef.getByRole('button', { name: 'In English' }).click();
	await expect(chef.getByRole('heading', { level: 2, name: 'Photos' })).toBeVisible();
	await expect(chef.getByRole('img', { name: 'Photo 1 of 1 from the round Physical safety round' })).toBeVisible();
	await expectAccessible(chef, 'round with photos (en)');
	await chef.getByRole('button', { name: 'På svenska' }).click();

	// Removing takes the photo out of the round everywhere.
	await chef.getByRole('button', { name: 'Ta bort foto 1' }).click();
	await expect(chef.getByText('Fotot togs bort.')).toBeVisible();
	await expect(chef.getByRole('heading', { level: 2, name: 'Foton' })).toBeFocused();
	await expect(rep.getByText('Inga foton än.')).toBeVisible({ timeout: 15_000 });

	// The e2e server is shared by the spec files: delete the round so later specs start from an empty unit.
	const cleanup = await playwrightRequest.newContext({ baseURL });
	expect((await cleanup.post('/db/_session', { data: { name: 'chef', password: PASSWORD } })).status()).toBe(200);
	const [row] = (await (await cleanup.post('/db/unit-a1/_all_docs', { data: { keys: [roundId] } })).json()).rows;
	const deleted = await cleanup.post('/db/unit-a1/_bulk_docs', {
		data: { docs: [{ _id: roundId, _rev: row.value.rev, _deleted: true, type: 'round', scope: 'unit-a1' }] },
	});
	expect((await deleted.json())[0]).toMatchObject({ ok: true });
	await cleanup.dispose();
	await Promise.all([chefContext.close(), repContext.close()]);
});
