/** The update's reload waits for every page's typed text to be stored, a failing one included. */
import { describe, expect, it } from 'vitest';
import { UnsavedWork } from './unsaved.ts';

describe('UnsavedWork', () => {
	it('waits for every held store, also when one fails, and forgets unregistered ones', async () => {
		const work = new UnsavedWork();
		const stored: string[] = [];
		let finish: () => void = () => undefined;
		work.hold(() => new Promise<void>((resolve) => (finish = resolve)).then(() => void stored.push('round')));
		work.hold(() => Promise.reject(new Error('quota')));
		const gone = work.hold(async () => void stored.push('gone'));
		gone();
		let done = false;
		const all = work.storeAll().then(() => (done = true));
		await Promise.resolve();
		expect(done).toBe(false);
		finish();
		await all;
		expect(stored).toEqual(['round']);
	});
});
