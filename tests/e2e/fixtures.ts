/**
 * E2E helpers: the `test` every spec uses (it fails a test whose pages broke the server's
 * Content-Security-Policy), sign in as a demo account, scan a page with axe (WCAG 2.1 AA), wait
 * for the service worker to control the page so offline reloads are served by it.
 */
import {
	test as base,
	expect,
	request as playwrightRequest,
	type Browser,
	type BrowserContext,
	type Locator,
	type Page,
	type APIRequestContext,
} from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'trygg-demo';

const CSP_MESSAGE = /Content Security Policy/i;

/**
 * Playwright's `test` with one automatic check: no page of the test's contexts (the default one
 * and any made with `browser.newContext`) reported a CSP violation. Each page reports through
 * `securitypolicyviolation` events, and Chromium's own console message is caught as well.
 */
export const test = base.extend<{ cspViolations: string[] }>({
	cspViolations: [
		async ({ context, browser }, use) => {
			const violations: string[] = [];
			const watch = async (ctx: BrowserContext): Promise<void> => {
				ctx.on('console', (msg) => {
					if (CSP_MESSAGE.test(msg.text())) violations.push(`${msg.page()?.url() ?? '?'}: ${msg.text()}`);
				});
				await ctx.addInitScript(() => {
					document.addEventListener('securitypolicyviolation', (e) => {
						console.error(
							`Content Security Policy violation: ${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`,
						);
					});
				});
			};
			await watch(context);
			const newContext = browser.newContext.bind(browser);
			browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
				const ctx = await newContext(...args);
				await watch(ctx);
				return ctx;
			};
			try {
				await use(violations);
			} finally {
				browser.newContext = newContext;
			}
			expect(violations, 'Content Security Policy violations').toEqual([]);
		},
		{ auto: true },
	],
});

export async function signIn(page: Page, name: string): Promise<void> {
	await page.goto('/sign-in');
	await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
	await page.getByLabel(/Användarnamn|User name/).fill(name);
	await page.getByLabel(/Lösenord|Password/).fill(PASSWORD);
	await page.getByRole('button', { name: /Logga in|Sign in/ }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(/Välkommen|Welcome/);
}

/**
 * The row of menu links when the screen is wide enough for it, else null (the "Meny" button is
 * shown). Waits until one of the two is on screen: right after a navigation neither may be yet
 * (the compact menu loads after sign-in), and guessing then picked the wrong one.
 */
async function menuRow(page: Page): Promise<Locator | null> {
	const row = page.getByRole('navigation', { name: /^(Huvudmeny|Main menu)$/ });
	const button = page.getByRole('button', { name: /^(Meny|Menu)\b/ });
	await expect(row.or(button).filter({ visible: true }).first()).toBeVisible({ timeout: 15_000 });
	return (await row.isVisible()) ? row : null;
}

/**
 * Follow a link of the main menu: the row of links on wide screens, the "Meny" button's menu
 * (bits-ui DropdownMenu) below 75rem, on tablets and phones.
 */
export async function openFromMenu(page: Page, name: string): Promise<void> {
	const row = await menuRow(page);
	if (row) return row.getByRole('link', { name }).click();
	await page.getByRole('button', { name: /^(Meny|Menu)\b/ }).click();
	await page.getByRole('menuitem', { name }).click();
}

/**
 * The main menu has an entry of exactly this name (the count of overdue requests is part of a
 * name): in the row of links, or in the "Meny" button's menu, which is closed again after.
 */
export async function expectMenuEntry(page: Page, name: string, options: { timeout?: number } = {}): Promise<void> {
	const row = await menuRow(page);
	if (row) {
		await expect(row.getByRole('link', { name, exact: true })).toBeVisible(options);
		return;
	}
	await page.getByRole('button', { name: /^(Meny|Menu)\b/ }).click();
	await expect(page.getByRole('menuitem', { name, exact: true })).toBeVisible(options);
	await page.keyboard.press('Escape');
}

/** Zero axe violations against WCAG 2.0/2.1 A and AA. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
	const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	expect(summary, `axe violations on ${label}`).toEqual([]);
}

export async function waitForServiceWorker(page: Page): Promise<void> {
	await page
		.waitForFunction(
			async () => {
				const registration = await navigator.serviceWorker.ready;
				return Boolean(registration.active) && Boolean(navigator.serviceWorker.controller);
			},
			undefined,
			{ timeout: 20_000 },
		)
		.catch(async () => {
			// The first visit is not controlled until a reload: reload once and wait again.
			await page.reload();
			await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: 20_000 });
		});
}

/** A signed-in API client for probing the server directly. */
export async function apiAs(request: APIRequestContext, name: string): Promise<APIRequestContext> {
	const response = await request.post('/db/_session', { data: { name, password: PASSWORD } });
	expect(response.status()).toBe(200);
	return request;
}

/**
 * Apply `patch` to a document on this device as a local save does (clock stamp, outbox entry),
 * offline-safe: for edits the app has no form for.
 */
export async function editOnDevice(
	page: Page,
	user: string,
	id: string,
	patch: Record<string, unknown>,
): Promise<void> {
	await page.evaluate(
		async ({ dbName, id, patch }) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const req = indexedDB.open(dbName);
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			const tx = db.transaction(['docs', 'outbox', 'meta'], 'readwrite');
			const get = <T>(store: string, key: string) =>
				new Promise<T | undefined>((resolve, reject) => {
					const req = tx.objectStore(store).get(key);
					req.onsuccess = () => resolve(req.result as T | undefined);
					req.onerror = () => reject(req.error);
				});
			const doc = await get<Record<string, unknown> & { clock?: Record<string, string>; scope: string }>('docs', id);
			if (!doc) throw new Error(`no ${id} on this device`);
			// The device id is made on the first save, as the app does.
			let device = (await get<{ value: string }>('meta', 'deviceId'))?.value;
			if (!device) {
				device = crypto.randomUUID();
				tx.objectStore('meta').put({ key: 'deviceId', value: device });
			}
			const last = (await get<{ value: string }>('meta', 'hlc'))?.value;
			const previous = await get<{ edit: number }>('outbox', id);
			// A stamp later than every stamp this device made or the document carries.
			const seen = [last ?? '', ...Object.values(doc.clock ?? {})].sort().pop() ?? '';
			let wall = Date.now();
			let counter = 0;
			const [seenWall, seenCounter] = seen.split('-').map(Number);
			if (seenWall !== undefined && seenWall >= wall) {
				wall = seenWall;
				counter = (seenCounter ?? 0) + 1;
			}
			const stamp = `${String(wall).padStart(13, '0')}-${String(counter).padStart(4, '0')}-${device}`;
			const now = new Date().toISOString();
			const clock = { ...doc.clock };
			for (const field of Object.keys(patch)) clock[field] = stamp;
			const next = { ...doc, ...patch, clock, updatedAt: now };
			tx.objectStore('docs').put(next);
			tx.objectStore('outbox').put({
				docId: id,
				scope: doc.scope,
				doc: next,
				edit: (previous?.edit ?? 0) + 1,
				state: 'pending',
				queuedAt: now,
			});
			tx.objectStore('meta').put({ key: 'hlc', value: stamp });
			await new Promise<void>((resolve, reject) => {
				tx.oncomplete = () => resolve();
				tx.onerror = () => reject(tx.error);
			});
			db.close();
		},
		{ dbName: `trygg-${user}`, id, patch },
	);
}

/**
 * A signed physical round of unit a1, built through the API as the server demands it: every item
 * answered, one finding with a risk assessment, signed by the manager (chef) and the safety rep
 * (skyddsombud), then marked signed. Returns the round's and the finding's ids.
 */
export async function signedRoundWithFinding(
	baseURL: string | undefined,
	finding: { title: string; probability: number; consequence: number },
): Promise<{ roundId: string; findingId: string }> {
	const now = new Date().toISOString();
	const uuid = () => crypto.randomUUID();
	const stamp = `${String(Date.now()).padStart(13, '0')}-0000-e2e-fixture`;
	const roundId = `round:${uuid()}`;
	const findingId = `finding:${uuid()}`;
	const base = { scope: 'unit-a1', createdAt: now, updatedAt: now };
	const round = {
		...base,
		_id: roundId,
		type: 'round',
		unitId: 'a1',
		templateId: 'template:physical.v1',
		templateVersion: 1,
		// A year no other spec uses (the follow-up specs count a year's signed rounds).
		date: `${2900 + Math.floor(Math.random() * 100)}-03-02`,
		status: 'in_progress',
		participants: [
			{ name: 'Anna Chef', role: 'manager' },
			{ name: 'Sara Skyddsombud', role: 'safety_rep' },
		],
		createdBy: 'chef',
	};
	const answers = Array.from({ length: 12 }, (_, i) => ({
		...base,
		_id: `answer:${uuid()}`,
		type: 'answer',
		roundId,
		itemId: `physical-${String(i + 1).padStart(2, '0')}`,
		value: 'yes',
		comment: '',
		fixedOnSite: false,
		fixedNote: '',
		photos: [],
		stamp,
		answeredAt: now,
		answeredBy: 'chef',
		answeredByName: 'Anna Chef',
	}));
	const findingDoc = {
		...base,
		_id: findingId,
		type: 'finding',
		roundId,
		title: finding.title,
		description: '',
		category: 'physical',
		location: '',
		status: 'open',
		createdBy: 'chef',
	};
	const assessment = {
		...base,
		_id: `assessment:${uuid()}`,
		type: 'assessment',
		findingId,
		roundId,
		probability: finding.probability,
		consequence: finding.consequence,
		serious: false,
		stamp,
		assessedAt: now,
		assessedBy: 'chef',
		assessedByName: 'Anna Chef',
	};
	const signature = (signedBy: string, signerName: string, role: string) => ({
		...base,
		_id: `signature:${uuid()}`,
		type: 'signature',
		roundId,
		signedBy,
		signerName,
		role,
		signedAt: now,
	});
	const post = async (name: string, docs: object[]): Promise<{ ok?: boolean; rev?: string }[]> => {
		const ctx = await playwrightRequest.newContext({ baseURL });
		expect((await ctx.post('/db/_session', { data: { name, password: PASSWORD } })).status()).toBe(200);
		const res = await ctx.post('/db/unit-a1/_bulk_docs', { data: { docs } });
		const rows = (await res.json()) as { ok?: boolean; rev?: string; reason?: string }[];
		await ctx.dispose();
		expect(rows, JSON.stringify(rows)).toEqual(rows.map(() => expect.objectContaining({ ok: true })));
		return rows;
	};
	const [created] = await post('chef', [round, ...answers, findingDoc, assessment]);
	await post('chef', [signature('chef', 'Anna Chef', 'manager')]);
	await post('skyddsombud', [signature('skyddsombud', 'Sara Skyddsombud', 'safety_rep')]);
	await post('chef', [{ ...round, _rev: created?.rev, status: 'signed' }]);
	return { roundId, findingId };
}
