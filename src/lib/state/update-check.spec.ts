/**
 * The open app looks for a new version by itself (issue 11, item 5): on start, on focus, on
 * becoming visible, on coming back online and every hour; never offline, never two at once; a
 * new worker that waits is offered until put off. Fake timers and plain event targets stand in
 * for the browser.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	UPDATE_CHECK_INTERVAL_MS,
	UpdateCheck,
	type RegistrationLike,
	type WorkerLike,
} from './update-check.svelte.ts';

const MINUTE = 60_000;

class FakeWorker extends EventTarget implements WorkerLike {
	state = 'installing';
	become(state: string): void {
		this.state = state;
		this.dispatchEvent(new Event('statechange'));
	}
}

/** A registration whose `update()` answers only when the spec says so. */
class FakeRegistration extends EventTarget implements RegistrationLike {
	installing: FakeWorker | null = null;
	waiting: FakeWorker | null = null;
	updates = 0;
	#answers: { resolve: () => void; reject: (e: Error) => void }[] = [];
	update(): Promise<unknown> {
		this.updates++;
		return new Promise<void>((resolve, reject) => this.#answers.push({ resolve, reject }));
	}
	/** The pending check finds nothing new (or fails). */
	answer(error?: Error): void {
		const next = this.#answers.shift();
		if (!next) throw new Error('no check is under way');
		if (error) next.reject(error);
		else next.resolve();
	}
	/** A changed script: a new worker installs and waits, as the browser does it. */
	newVersion(): FakeWorker {
		const worker = new FakeWorker();
		this.installing = worker;
		this.dispatchEvent(new Event('updatefound'));
		this.installing = null;
		this.waiting = worker;
		worker.become('installed');
		return worker;
	}
}

class FakeDocument extends EventTarget {
	visibilityState = 'visible';
	become(state: 'visible' | 'hidden'): void {
		this.visibilityState = state;
		this.dispatchEvent(new Event('visibilitychange'));
	}
}

let registration: FakeRegistration;
let win: EventTarget;
let doc: FakeDocument;
let online: boolean;
let controlled: boolean;

function make(): UpdateCheck {
	return new UpdateCheck({
		registration,
		controlled: () => controlled,
		online: () => online,
		win,
		doc,
		timers: { setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (id) => clearInterval(id as number) },
	});
}

/** Let settled promises run their callbacks. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
	vi.useFakeTimers();
	registration = new FakeRegistration();
	win = new EventTarget();
	doc = new FakeDocument();
	online = true;
	controlled = true;
});
afterEach(() => {
	vi.useRealTimers();
});

describe('when it checks', () => {
	it('checks on start, on focus, on becoming visible and on coming back online', async () => {
		const update = make();
		const stop = update.start();
		expect(registration.updates).toBe(1);
		registration.answer();
		await settle();

		win.dispatchEvent(new Event('focus'));
		expect(registration.updates).toBe(2);
		registration.answer();
		await settle();

		doc.become('hidden');
		expect(registration.updates).toBe(2);
		doc.become('visible');
		expect(registration.updates).toBe(3);
		registration.answer();
		await settle();

		win.dispatchEvent(new Event('online'));
		expect(registration.updates).toBe(4);
		registration.answer();
		await settle();
		expect(update.checks).toBe(4);
		stop();
	});

	it('checks every hour while the app stays open, and not in between', async () => {
		const stop = make().start();
		registration.answer();
		await vi.advanceTimersByTimeAsync(UPDATE_CHECK_INTERVAL_MS - MINUTE);
		expect(registration.updates).toBe(1);
		await vi.advanceTimersByTimeAsync(MINUTE);
		expect(registration.updates).toBe(2);
		registration.answer();
		for (let hour = 2; hour <= 5; hour++) {
			await vi.advanceTimersByTimeAsync(UPDATE_CHECK_INTERVAL_MS);
			expect(registration.updates).toBe(hour + 1);
			registration.answer();
		}
		stop();
	});

	it('never runs two checks at once: triggers during a check share it', async () => {
		const update = make();
		const stop = update.start();
		const first = update.check();
		win.dispatchEvent(new Event('focus'));
		doc.become('visible');
		win.dispatchEvent(new Event('online'));
		await vi.advanceTimersByTimeAsync(UPDATE_CHECK_INTERVAL_MS);
		expect(registration.updates).toBe(1);
		let done = false;
		void first.then(() => (done = true));
		await settle();
		expect(done).toBe(false);
		registration.answer();
		await settle();
		expect(done).toBe(true);
		// Once it is over, the next trigger checks again.
		win.dispatchEvent(new Event('focus'));
		expect(registration.updates).toBe(2);
		stop();
	});

	it('makes no check offline; coming back online and focus check again', async () => {
		online = false;
		const update = make();
		const stop = update.start();
		win.dispatchEvent(new Event('focus'));
		doc.become('visible');
		await vi.advanceTimersByTimeAsync(3 * UPDATE_CHECK_INTERVAL_MS);
		await expect(update.check()).resolves.toBeUndefined();
		expect(registration.updates).toBe(0);

		online = true;
		win.dispatchEvent(new Event('online'));
		expect(registration.updates).toBe(1);
		registration.answer();
		await settle();
		win.dispatchEvent(new Event('focus'));
		expect(registration.updates).toBe(2);
		stop();
	});

	it('takes a failed check (the network went) quietly and checks again at the next trigger', async () => {
		const update = make();
		const stop = update.start();
		registration.answer(new TypeError('Failed to fetch'));
		await settle();
		expect(update.available).toBe(false);
		win.dispatchEvent(new Event('focus'));
		expect(registration.updates).toBe(2);
		stop();
	});

	it('stops: no more listeners, no more hourly checks', async () => {
		const stop = make().start();
		registration.answer();
		await settle();
		stop();
		win.dispatchEvent(new Event('focus'));
		win.dispatchEvent(new Event('online'));
		doc.become('visible');
		await vi.advanceTimersByTimeAsync(3 * UPDATE_CHECK_INTERVAL_MS);
		expect(registration.updates).toBe(1);
		expect(vi.getTimerCount()).toBe(0);
	});
});

describe('what it offers', () => {
	it('offers a new version once its worker has installed and waits', async () => {
		const update = make();
		const stop = update.start();
		registration.answer();
		await settle();
		expect(update.available).toBe(false);
		win.dispatchEvent(new Event('focus'));
		registration.newVersion();
		expect(update.available).toBe(true);
		registration.answer();
		await settle();
		expect(update.available).toBe(true);
		stop();
	});

	it('offers one that was already waiting when the app started', async () => {
		registration.newVersion();
		const update = make();
		const stop = update.start();
		expect(update.available).toBe(true);
		stop();
	});

	it('offers a version the browser found by itself, and a second one later in the same session', async () => {
		const update = make();
		const stop = update.start();
		registration.answer();
		await settle();
		registration.newVersion();
		expect(update.available).toBe(true);
		update.putOff();
		expect(update.available).toBe(false);
		// Still the same waiting worker at the next check: not offered again.
		win.dispatchEvent(new Event('focus'));
		registration.answer();
		await settle();
		expect(update.available).toBe(false);
		// A newer one is.
		registration.newVersion();
		expect(update.available).toBe(true);
		stop();
	});

	it('offers nothing on a page no worker controls yet (the first visit installs, nothing waits for it)', async () => {
		controlled = false;
		const update = make();
		const stop = update.start();
		registration.newVersion();
		registration.answer();
		await settle();
		expect(update.available).toBe(false);
		stop();
	});
});
