import { afterEach, describe, expect, it, vi } from 'vitest';
import { StagedList } from './staged-list.svelte.ts';

describe('StagedList', () => {
	afterEach(() => vi.useRealTimers());

	it('completes the first entries at once and the rest a step at a time until all are', () => {
		vi.useFakeTimers();
		const staged = new StagedList(6, 8);
		expect(staged.complete).toBe(6);
		const stop = staged.run(20);
		expect(staged.complete).toBe(6);
		vi.advanceTimersToNextTimer();
		expect(staged.complete).toBe(14);
		vi.advanceTimersToNextTimer();
		expect(staged.complete).toBe(20);
		vi.runAllTimers();
		expect(staged.complete).toBe(20);
		stop();
	});

	it('stops when cleaned up', () => {
		vi.useFakeTimers();
		const staged = new StagedList(2, 2);
		const stop = staged.run(10);
		stop();
		vi.runAllTimers();
		expect(staged.complete).toBe(2);
	});
});
