/**
 * The open app finds a new version by itself (issue 11, item 5; decision 0025), against a sync
 * server this file starts on a copy of the production build, so it can deploy a new version: a
 * changed `service-worker.js` (and its precompressed copies) written into the served folder. The
 * new worker answers a message the old one does not, so the test can tell which one runs the page.
 * (Intercepting the script with `context.route` is not an option: Chromium's update checks of a
 * worker's script do not pass through Playwright's routes.)
 *
 * Online, a focus finds the new version and the prompt offers it; updating stores the text being
 * typed, reloads into the new worker, and the outbox still holds every unsynced change. Offline,
 * focus and visibility make no check and the app works on; back online, the check runs. A file of
 * an older build is a 404 through the worker, never the app's HTML.
 */
import { expect, request as playwrightRequest, type BrowserContext, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { expectAccessible, PASSWORD, signIn, test, waitForServiceWorker } from './fixtures.ts';
import { OwnServer } from './own-server.ts';

const root = path.resolve(import.meta.dirname, '../..');
const NOW = new Date().toISOString();

/** Appended to the worker's script: the new version, which says so when asked. */
const NEXT_VERSION = `
self.addEventListener('message', (event) => {
	if (event.data && event.data.type === 'E2E_VERSION') event.ports[0].postMessage('next');
});
`;

let work = '';
const server = new OwnServer(3);
const BASE = server.base;

test.describe.configure({ mode: 'serial' });
test.use({ baseURL: BASE });

test.beforeEach(async () => {
	work = mkdtempSync(path.join(tmpdir(), 'trygg-update-'));
	cpSync(path.join(root, 'build'), path.join(work, 'build'), { recursive: true });
	await server.start(path.join(work, 'data'), path.join(work, 'build'));
});

test.afterEach(async () => {
	await server.stop();
	rmSync(work, { recursive: true, force: true });
});

/** Deploy a new version: the served worker script changes, with its brotli and gzip copies. */
function deploy(): void {
	const file = path.join(work, 'build', 'service-worker.js');
	const next = readFileSync(file, 'utf8') + NEXT_VERSION;
	// A plain view of the bytes: Node's Buffer type and TypeScript's lib disagree on `slice`.
	const bytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
	writeFileSync(file, next);
	writeFileSync(`${file}.br`, bytes(zlib.brotliCompressSync(next)));
	writeFileSync(`${file}.gz`, bytes(zlib.gzipSync(next)));
}

/** Counts the app's update checks (`registration.update()` calls) from the first script on. */
async function countChecks(context: BrowserContext): Promise<void> {
	await context.addInitScript(() => {
		const w = window as unknown as { updateChecks: number };
		w.updateChecks = 0;
		const update = ServiceWorkerRegistration.prototype.update;
		ServiceWorkerRegistration.prototype.update = function (this: ServiceWorkerRegistration) {
			w.updateChecks++;
			return update.call(this);
		};
	});
}

function checks(page: Page): Promise<number> {
	return page.evaluate(() => (window as unknown as { updateChecks: number }).updateChecks);
}

/** The window regains focus and the tab becomes visible; returns the checks counted right after. */
function refocus(page: Page): Promise<number> {
	return page.evaluate(() => {
		window.dispatchEvent(new Event('focus'));
		document.dispatchEvent(new Event('visibilitychange'));
		return (window as unknown as { updateChecks: number }).updateChecks;
	});
}

/** Which worker controls the page: 'next' for the new version, 'old' when it does not answer. */
function runningVersion(page: Page): Promise<string> {
	return page.evaluate(
		() =>
			new Promise<string>((resolve) => {
				const controller = navigator.serviceWorker.controller;
				if (!controller) return resolve('none');
				const channel = new MessageChannel();
				channel.port1.onmessage = (event) => resolve(String(event.data));
				controller.postMessage({ type: 'E2E_VERSION' }, [channel.port2]);
				setTimeout(() => resolve('old'), 2_000);
			}),
	);
}

async function plannedRound(date: string): Promise<string> {
	const id = `round:${crypto.randomUUID()}`;
	const ctx = await playwrightRequest.newContext({ baseURL: BASE });
	expect((await ctx.post('/db/_session', { data: { name: 'chef', password: PASSWORD } })).status()).toBe(200);
	const doc = {
		_id: id,
		type: 'round',
		scope: 'unit-a1',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		date,
		status: 'planned',
		participants: [],
		createdBy: 'chef',
		createdAt: NOW,
		updatedAt: NOW,
	};
	const res = await ctx.post('/db/unit-a1/_bulk_docs', { data: { docs: [doc] } });
	expect(((await res.json()) as { ok?: boolean }[])[0]?.ok).toBe(true);
	await ctx.dispose();
	return id;
}

/** The device's outbox: each waiting change's document id and type, and an answer's comment. */
function outbox(page: Page): Promise<{ id: string; type: string; comment?: string }[]> {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const req = indexedDB.open('trygg-chef');
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error);
		});
		const entries = await new Promise<{ docId: string; doc: { type: string; comment?: string } }[]>(
			(resolve, reject) => {
				const req = db.transaction('outbox').objectStore('outbox').getAll();
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			},
		);
		db.close();
		return entries.map((e) => ({ id: e.docId, type: e.doc.type, comment: e.doc.comment }));
	});
}

const prompt = (page: Page) => page.getByRole('status').getByText('En ny version av Trygg finns.');

test('online, a focus finds the new version; updating keeps typed text and the outbox', async ({ browser }) => {
	const roundId = await plannedRound(`${2400 + Math.floor(Math.random() * 100)}-05-04`);
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	await countChecks(context);
	const page = await context.newPage();
	await signIn(page, 'chef');
	await waitForServiceWorker(page);
	await page.goto(`/rounds/${encodeURIComponent(roundId)}`);
	const box = page.getByLabel('Kommentar till fråga 1', { exact: true });
	await expect(box).toBeVisible({ timeout: 15_000 });
	await expect(page.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 20_000 });
	// The app checked on load.
	await expect.poll(() => checks(page)).toBeGreaterThan(0);
	expect(await runningVersion(page)).toBe('old');

	// A file of an older build, asked through the worker: a 404, not the app's HTML.
	const old = await page.evaluate(async () => {
		const res = await fetch('/_app/immutable/chunks/OldChunk.js');
		return { status: res.status, type: res.headers.get('content-type') ?? '' };
	});
	expect(old.status).toBe(404);
	expect(old.type).toMatch(/^application\/json/);

	// Nothing reaches the server from now on: what is saved stays in the outbox.
	await context.route('**/db/*/_bulk_docs', (route) => route.abort('internetdisconnected'));
	await box.fill('Sladd över golvet');
	await box.blur();
	await expect(page.getByTestId('sync-pending')).toHaveText(/ändringar väntar/);

	// A new version is deployed; the next focus finds it.
	await expect(prompt(page)).toHaveCount(0);
	deploy();
	const before = await checks(page);
	const focusedAt = Date.now();
	expect(await refocus(page)).toBe(before + 1);
	await expect(prompt(page)).toBeVisible({ timeout: 15_000 });
	// The figure in docs/architecture.md: from focus to the offer.
	test.info().annotations.push({ type: 'focus to offer', description: `${Date.now() - focusedAt} ms` });
	await expectAccessible(page, 'the update prompt');

	// Mid-edit, the update is chosen with the keyboard: the text is stored before the reload.
	await box.fill('Sladd över golvet vid entrén, tejpad');
	const waiting = await outbox(page);
	expect(waiting.map((e) => e.type)).toContain('answer');
	const apply = page.getByRole('button', { name: 'Uppdatera nu' });
	await apply.focus();
	await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
	await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
	expect(await runningVersion(page)).toBe('next');
	await expect(prompt(page)).toHaveCount(0);
	await expect(page.getByLabel('Kommentar till fråga 1', { exact: true })).toHaveValue(
		'Sladd över golvet vid entrén, tejpad',
		{ timeout: 15_000 },
	);
	// Every change that waited still waits, and the text typed last is stored.
	// (Answers are append-only: the later text is an answer of its own.)
	await expect
		.poll(async () => (await outbox(page)).map((e) => e.comment))
		.toContain('Sladd över golvet vid entrén, tejpad');
	const kept = await outbox(page);
	expect(kept.map((e) => e.id)).toEqual(expect.arrayContaining(waiting.map((e) => e.id)));

	// The server is reachable again: the kept change goes out.
	await context.unroute('**/db/*/_bulk_docs');
	await expect(page.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 30_000 });
	await context.close();
});

test('offline, no check is made and the app works on; back online, the check runs', async ({ browser }) => {
	const roundId = await plannedRound(`${2400 + Math.floor(Math.random() * 100)}-06-08`);
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	await countChecks(context);
	const page = await context.newPage();
	await signIn(page, 'chef');
	await waitForServiceWorker(page);
	await page.goto(`/rounds/${encodeURIComponent(roundId)}`);
	const box = page.getByLabel('Kommentar till fråga 1', { exact: true });
	await expect(box).toBeVisible({ timeout: 15_000 });
	await expect.poll(() => checks(page)).toBeGreaterThan(0);

	await context.setOffline(true);
	await expect(page.getByTestId('sync-online')).toHaveText('Offline');
	deploy();
	const before = await checks(page);
	expect(await refocus(page)).toBe(before);
	expect(await refocus(page)).toBe(before);
	// The app works on: a save offline is kept for later.
	await box.fill('Nödutgången blockerad');
	await box.blur();
	await expect(page.getByTestId('sync-pending')).toHaveText('2 ändringar väntar');
	await expect(prompt(page)).toHaveCount(0);
	expect(await checks(page)).toBe(before);

	// Back online (the browser's own `online` event), then focus: checks run and find the version.
	await context.setOffline(false);
	await expect.poll(() => checks(page)).toBeGreaterThan(before);
	await refocus(page);
	await expect(prompt(page)).toBeVisible({ timeout: 15_000 });
	await expect(page.getByTestId('sync-pending')).toHaveText('Allt synkat', { timeout: 30_000 });

	// "Later" puts it off: no offer again at the next focus for the same version.
	await page.getByRole('button', { name: 'Senare' }).click();
	await expect(prompt(page)).toHaveCount(0);
	await refocus(page);
	await expect.poll(() => checks(page)).toBeGreaterThan(before + 1);
	await expect(prompt(page)).toHaveCount(0);
	await context.close();
});
