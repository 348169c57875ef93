/**
 * The in-page half of the round UI benchmark (`bench/round-ui.ts`): injected into every page
 * as `globalThis.tryggBenchOf()` before the app starts. It times what the app does with
 * `performance.now()` and the app's own marks (`src/lib/state/perf.ts`), and measures the
 * same-run references (static HTML, a bare IndexedDB round trip, the bare canvas pipeline).
 * It never changes the app's data except through the app's own controls.
 * Type-checked with the DOM by `npm run check`; the runner loads it as text (not imported),
 * so the server's type check (no DOM) never sees it.
 */
import type { BenchPage } from './round-ui.ts';

/** The time the next frame is presented: a rAF callback, then a task after that frame's paint. */
function nextPaint(): Promise<number> {
	return new Promise((resolve) =>
		requestAnimationFrame(() => {
			const channel = new MessageChannel();
			channel.port1.onmessage = () => resolve(performance.now());
			channel.port2.postMessage(0);
		}),
	);
}

/**
 * Waits, frame by frame, until `done()` holds; returns the paint time of the frame that first
 * showed it (the DOM was changed before that frame's rAF callback ran).
 */
function paintedWhen(done: () => boolean, timeoutMs = 10_000): Promise<number> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const check = (): void => {
			if (done()) {
				const channel = new MessageChannel();
				channel.port1.onmessage = () => resolve(performance.now());
				channel.port2.postMessage(0);
				return;
			}
			if (performance.now() - started > timeoutMs) reject(new Error('timed out waiting for the page'));
			else requestAnimationFrame(check);
		};
		requestAnimationFrame(check);
	});
}

function entryAfter(name: string, after: number): PerformanceEntry | undefined {
	return performance.getEntriesByName(name).find((e) => e.startTime >= after);
}

function el<T extends Element>(selector: string): T {
	const found = document.querySelector<T>(selector);
	if (!found) throw new Error(`no ${selector} on ${location.pathname}`);
	return found;
}

/** A deterministic pseudo-random sequence, so every run draws the same pictures. */
function random(seed: number): () => number {
	let s = seed >>> 0 || 1;
	return () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 4294967296;
	};
}

/** A photo-like JPEG (gradients, shapes, grain) drawn on a canvas. */
async function drawJpeg(width: number, height: number, seed: number, quality: number): Promise<Blob> {
	const rnd = random(seed);
	const canvas = new OffscreenCanvas(width, height);
	const ctx = canvas.getContext('2d');
	if (!ctx) throw new Error('no 2d canvas');
	const sky = ctx.createLinearGradient(0, 0, width, height);
	sky.addColorStop(0, `hsl(${Math.floor(rnd() * 360)} 60% 70%)`);
	sky.addColorStop(1, `hsl(${Math.floor(rnd() * 360)} 40% 30%)`);
	ctx.fillStyle = sky;
	ctx.fillRect(0, 0, width, height);
	const shapes = Math.round((width * height) / 6000);
	for (let i = 0; i < shapes; i++) {
		ctx.fillStyle = `hsl(${Math.floor(rnd() * 360)} ${Math.floor(rnd() * 80)}% ${Math.floor(rnd() * 90)}% / 0.6)`;
		const r = (rnd() * Math.min(width, height)) / 25;
		ctx.beginPath();
		ctx.arc(rnd() * width, rnd() * height, r, 0, Math.PI * 2);
		ctx.fill();
	}
	// Grain, as a camera sensor gives: one noisy tile repeated over the picture.
	const tile = new ImageData(256, 256);
	for (let i = 0; i < tile.data.length; i += 4) {
		const v = Math.floor(rnd() * 255);
		tile.data.set([v, v, v, 40], i);
	}
	const grain = new OffscreenCanvas(256, 256);
	grain.getContext('2d')?.putImageData(tile, 0, 0);
	for (let x = 0; x < width; x += 256) for (let y = 0; y < height; y += 256) ctx.drawImage(grain, x, y);
	return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

async function toBase64(blob: Blob): Promise<string> {
	const bytes = new Uint8Array(await blob.arrayBuffer());
	let text = '';
	for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(text);
}

let referenceDb: Promise<IDBDatabase> | undefined;
function openReferenceDb(): Promise<IDBDatabase> {
	referenceDb ??= new Promise((resolve, reject) => {
		const open = indexedDB.open('trygg-bench-reference', 1);
		open.onupgradeneeded = () => open.result.createObjectStore('docs', { keyPath: '_id' });
		open.onsuccess = () => resolve(open.result);
		open.onerror = () => reject(open.error);
	});
	return referenceDb;
}

function done(request: IDBTransaction): Promise<void> {
	return new Promise((resolve, reject) => {
		request.oncomplete = () => resolve();
		request.onerror = () => reject(request.error);
		request.onabort = () => reject(request.error);
	});
}

/** A big JPEG waiting to be compressed, made before the timing starts. */
let bigJpeg: File | undefined;

const bench: BenchPage = {
	async smallJpeg(seed) {
		return toBase64(await drawJpeg(800, 600, seed, 0.8));
	},

	async prepareBigJpeg(seed) {
		const blob = await drawJpeg(4000, 3000, seed, 0.92);
		bigJpeg = new File([blob], `camera-${seed}.jpg`, { type: 'image/jpeg' });
		return blob.size;
	},

	async loaded(mark) {
		const painted = await paintedWhen(() => performance.getEntriesByName(mark).length > 0);
		const entry = performance.getEntriesByName(mark)[0] as PerformanceEntry;
		// Both relative to the navigation's start (the time origin of a full page load).
		return { ready: entry.startTime, painted };
	},

	async navigate(href, mark) {
		const link = el<HTMLAnchorElement>(`a[href="${href}"]`);
		const t0 = performance.now();
		link.click();
		const painted = await paintedWhen(() => entryAfter(mark, t0) !== undefined);
		return { ready: (entryAfter(mark, t0) as PerformanceEntry).startTime - t0, painted: painted - t0, clickedAt: t0 };
	},

	html(selector) {
		return el(selector).innerHTML;
	},

	async staticRender(selector, html) {
		const host = el<HTMLElement>(selector);
		const saved = host.style.display;
		host.style.display = 'none';
		void document.body.offsetHeight;
		await nextPaint();
		const copy = document.createElement(host.tagName);
		copy.className = host.className;
		const t0 = performance.now();
		copy.innerHTML = html;
		host.after(copy);
		void document.body.offsetHeight;
		const laidOut = performance.now() - t0;
		const painted = (await nextPaint()) - t0;
		copy.remove();
		host.style.display = saved;
		return { ready: laidOut, painted };
	},

	async answer(itemId, value) {
		const item = el(`[data-testid="item-${itemId}"]`);
		const input = el<HTMLInputElement>(`[data-testid="item-${itemId}"] input[value="${value}"]`);
		const comment = el<HTMLTextAreaElement>(`[data-testid="item-${itemId}"] textarea`);
		const progress = el('[data-testid="walk-progress"]');
		const before = progress.textContent;
		let changedAt = 0;
		const observer = new MutationObserver(() => {
			if (!changedAt && progress.textContent !== before) changedAt = performance.now();
		});
		observer.observe(progress, { characterData: true, childList: true, subtree: true });
		// The person sees the item when they answer it: scrolled into view before the timing starts.
		item.scrollIntoView({ block: 'center' });
		input.focus({ preventScroll: true });
		await nextPaint();
		const t0 = performance.now();
		input.click();
		// Leaving the answer group writes the choice at once (otherwise after CHOICE_SAVE_DELAY_MS).
		comment.focus({ preventScroll: true });
		const shown = (await nextPaint()) - t0;
		const reflected =
			(await paintedWhen(() => changedAt > 0).catch(() => {
				const alert = document.querySelector('[role="alert"]')?.textContent ?? '';
				const saved = entryAfter('trygg:answer-saved', t0) ? 'saved' : 'not saved';
				throw new Error(`${itemId}: progress stayed "${before}" (${saved}; ${input.checked}; "${alert}")`);
			})) - t0;
		observer.disconnect();
		const saved = entryAfter('trygg:answer-saved', t0);
		if (!saved || !item.querySelector<HTMLInputElement>(`input[value="${value}"]`)?.checked) {
			throw new Error(`the answer to ${itemId} was not recorded`);
		}
		return {
			shown,
			saved: saved.startTime + saved.duration - t0,
			write: saved.duration,
			reflectedDom: changedAt - t0,
			reflected,
		};
	},

	async referenceAnswer(seq) {
		const db = await openReferenceDb();
		// An element of its own (the app's nodes are the app's: replacing their text would detach them).
		let target = document.getElementById('trygg-bench-reference');
		if (!target) {
			target = document.createElement('p');
			target.id = 'trygg-bench-reference';
			target.style.cssText = 'position:fixed;bottom:0;left:0;margin:0;background:#fff';
			target.textContent = '0 / 60';
			document.body.append(target);
		}
		const doc = {
			_id: `answer:reference-${seq}`,
			type: 'answer',
			scope: 'unit-a1',
			roundId: 'round:reference',
			itemId: `item-${seq}`,
			value: 'yes',
			comment: '',
			fixedOnSite: false,
			fixedNote: '',
			photos: [],
			stamp: `${Date.now()}-0000-reference`,
			answeredAt: new Date().toISOString(),
			answeredBy: 'chef',
			answeredByName: 'Chef Chefsson',
			createdAt: new Date().toISOString(),
			updatedAt: new Date().toISOString(),
		};
		const t0 = performance.now();
		// A visible change of the same size, made directly: the cost of a frame.
		target.textContent = `${seq} / 60`;
		const frame = (await nextPaint()) - t0;
		const t1 = performance.now();
		// Flushed to disk before it counts as written, as the app's writes are (Dexie's strict durability).
		const write = db.transaction('docs', 'readwrite', { durability: 'strict' });
		write.objectStore('docs').put(doc);
		await done(write);
		const read = db.transaction('docs', 'readonly');
		const got = read.objectStore('docs').get(doc._id);
		await done(read);
		if (!got.result) throw new Error('the reference read found nothing');
		const idb = performance.now() - t1;
		target.textContent = `${seq + 1} / 60`;
		const idbPainted = (await nextPaint()) - t1;
		return { frame, idb, idbPainted };
	},

	async compressInApp(inputSelector) {
		if (!bigJpeg) throw new Error('prepareBigJpeg first');
		const input = el<HTMLInputElement>(inputSelector);
		const files = new DataTransfer();
		files.items.add(bigJpeg);
		input.files = files.files;
		const t0 = performance.now();
		input.dispatchEvent(new Event('change', { bubbles: true }));
		await paintedWhen(() => entryAfter('trygg:compress', t0) !== undefined, 60_000);
		const entry = entryAfter('trygg:compress', t0) as PerformanceEntry;
		// Let the picker finish (hash, store, save) before the next file.
		await paintedWhen(() => !input.disabled, 60_000);
		return entry.duration;
	},

	async compressReference() {
		if (!bigJpeg) throw new Error('prepareBigJpeg first');
		const t0 = performance.now();
		const bitmap = await createImageBitmap(bigJpeg, { imageOrientation: 'from-image' });
		const scale = 1600 / Math.max(bitmap.width, bitmap.height);
		const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
		const ctx = canvas.getContext('2d');
		if (!ctx) throw new Error('no 2d canvas');
		ctx.imageSmoothingQuality = 'high';
		ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
		const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
		bitmap.close();
		if (blob.size === 0) throw new Error('nothing encoded');
		return performance.now() - t0;
	},
};

(globalThis as unknown as { tryggBenchOf: () => BenchPage }).tryggBenchOf = () => bench;
