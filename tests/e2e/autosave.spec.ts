/**
 * One autosave for every form (issue 12, items 1 and 5). Typed text survives a failed write and a
 * reload, offline: in the annual follow-up (the copy that dropped it) and in the template editor,
 * which also warns before leaving with unsaved edits, publishes without English, and refuses to
 * publish a draft that changes nothing. Zero axe violations in Swedish and English.
 */
import { expect, type Page } from '@playwright/test';
import { expectAccessible, signIn, test, waitForServiceWorker } from './fixtures.ts';

const TAG = Date.now().toString(36);

/** Make every write to the device database fail (a full disk), until the page is reloaded. */
async function failDeviceWrites(page: Page): Promise<void> {
	await page.evaluate(() => {
		// Dexie binds the database's `transaction` when it opens; the stores' writes are looked up on each call.
		for (const method of ['put', 'add'] as const) {
			IDBObjectStore.prototype[method] = function (): IDBRequest<IDBValidKey> {
				throw new DOMException('The disk is full', 'QuotaExceededError');
			};
		}
	});
}

test('follow-up: text typed while the write fails survives a reload offline, and is stored after it', async ({
	page,
	context,
}) => {
	test.setTimeout(120_000);
	// A year no other spec uses (see annual-follow-up.spec.ts for theirs).
	const year = 2100 + Math.floor(Math.random() * 99);
	const url = `/follow-ups/${encodeURIComponent(`followup:a1-${year}`)}`;
	const conclusions = `Skrivet när disken var full ${TAG}`;
	await signIn(page, 'chef');
	await waitForServiceWorker(page);
	await page.goto(url);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Årlig uppföljning ${year} – Enhet A1`);

	await context.setOffline(true);
	await failDeviceWrites(page);
	const field = page.getByLabel('Slutsatser och vad som behöver förbättras');
	await field.fill(conclusions);
	await field.blur();
	// The write is refused: the text stays, with a translated error.
	await expect(page.getByRole('alert').filter({ hasText: 'Det gick inte att spara' })).toBeVisible();
	await expect(field).toHaveValue(conclusions);
	await expectAccessible(page, 'follow-up with a failed write (sv)');

	// A reload (offline, from the service worker): the text is back, and stored now that writes work.
	await page.reload();
	await expect(field).toHaveValue(conclusions, { timeout: 15_000 });
	await expect(page.getByTestId('followup-status')).toHaveText('Pågår', { timeout: 15_000 });
	await page.reload();
	await expect(field).toHaveValue(conclusions, { timeout: 15_000 });
	await context.setOffline(false);
});

test('template editor: draft restored after a reload, warning before leaving, English optional, unchanged publish refused', async ({
	page,
	context,
}) => {
	test.setTimeout(180_000);
	const title = `Mall utan engelska ${TAG}`;
	await signIn(page, 'hr');
	await waitForServiceWorker(page);
	await page.getByRole('link', { name: 'Mallar' }).click();
	const family = (name: string) => page.getByTestId('template-family').filter({ hasText: name });
	await expect(family('OSA-rond')).toHaveCount(1, { timeout: 15_000 });
	await family('OSA-rond')
		.getByRole('button', { name: /^Kopiera/ })
		.click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Redigera mall – utkast till version 1');

	// English is optional: every English text emptied, published all the same.
	await page.getByLabel('Titel på svenska').fill(title);
	await page.getByLabel('Titel på engelska').fill('');
	const firstItem = page.getByTestId('template-item').first();
	await firstItem.getByLabel('Fråga på engelska').fill('');
	await firstItem.getByLabel('Hjälptext på engelska').fill('');
	await page.getByRole('button', { name: 'Publicera' }).click();
	await expect(page).toHaveURL(/\/templates$/);
	await expect(family(title)).toContainText('Version 1');

	// Edit: version 2 starts as the same content; publishing it unchanged is refused, offline too.
	await context.setOffline(true);
	await family(title)
		.getByRole('button', { name: /^Redigera/ })
		.click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Redigera mall – utkast till version 2');
	const editorUrl = page.url();
	await page.getByRole('button', { name: 'Publicera' }).click();
	await expect(page.getByRole('alert')).toContainText('likadant som den senast publicerade versionen');
	await expect(page).toHaveURL(editorUrl);
	await expectAccessible(page, 'template editor, unchanged publish refused (sv)');

	// Typing with the Swedish title emptied: nothing can be stored yet, and a reload keeps it all.
	const question = `Finns det halkrisk vid entrén? ${TAG}`;
	await page.getByLabel('Titel på svenska').fill('');
	await firstItem.getByLabel('Fråga på svenska').fill(question);
	page.once('dialog', (dialog) => void dialog.accept());
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Redigera mall – utkast till version 2');
	await expect(page.getByTestId('template-item').first().getByLabel('Fråga på svenska')).toHaveValue(question, {
		timeout: 15_000,
	});
	await expect(page.getByLabel('Titel på svenska')).toHaveValue('');

	// Leaving with those edits asks first; staying keeps them.
	let warning = '';
	page.once('dialog', (dialog) => {
		warning = dialog.message();
		void dialog.dismiss();
	});
	await page.getByRole('link', { name: 'Tillbaka till mallarna' }).click();
	await expect.poll(() => warning).toContain('inte sparade');
	await expect(page).toHaveURL(editorUrl);
	await expect(page.getByTestId('template-item').first().getByLabel('Fråga på svenska')).toHaveValue(question);

	// Completed, it is saved as the draft by itself; then it publishes (changed), back online.
	await page.getByLabel('Titel på svenska').fill(title);
	await page.getByRole('button', { name: 'In English' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await expectAccessible(page, 'template editor (en)');
	await context.setOffline(false);
	await page.getByRole('button', { name: 'Publish' }).click();
	await expect(page).toHaveURL(/\/templates$/);
	// Shown in English, the template without English text reads in Swedish.
	await expect(family(title)).toContainText('Version 2');
	await family(title).getByRole('link', { name: /^View/ }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
	await expect(page.getByText(question)).toBeVisible();
	await expectAccessible(page, 'template without English, viewed in English');
	await page.getByRole('button', { name: 'På svenska' }).click();
});
