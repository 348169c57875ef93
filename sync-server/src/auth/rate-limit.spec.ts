/**
 * The sign-in limiter and the hash pool on their own: growing wait, leak, bounded memory and
 * a bounded queue. No real clock: times are plain numbers.
 */
import { describe, expect, it } from 'vitest';
import { BoundedPool, PoolFull } from './passwords.ts';
import { BackoffLimiter, InFlight } from './rate-limit.ts';

const opts = { free: 2, baseMs: 1000, capMs: 8000, leakMs: 60_000, maxKeys: 3 };

describe('BackoffLimiter', () => {
	it('lets `free` attempts through, then doubles the wait up to the cap', () => {
		const l = new BackoffLimiter(opts);
		l.attempt('k', 0);
		expect(l.waitMs('k', 0)).toBe(0);
		l.attempt('k', 0);
		expect(l.waitMs('k', 0)).toBe(1000);
		const waits = [];
		let now = 0;
		for (let i = 0; i < 5; i++) {
			now += l.waitMs('k', now);
			l.attempt('k', now);
			waits.push(l.waitMs('k', now));
		}
		expect(waits).toEqual([2000, 4000, 8000, 8000, 8000]);
	});

	it('forgets one attempt per leak period, and a reset or refund takes attempts back', () => {
		const l = new BackoffLimiter(opts);
		for (let i = 0; i < 3; i++) l.attempt('k', 0);
		expect(l.waitMs('k', 60_000)).toBe(0);
		l.reset('k');
		expect(l.size).toBe(0);
		for (let i = 0; i < 2; i++) l.attempt('a', 0);
		l.refund('a', 0);
		expect(l.waitMs('a', 0)).toBe(0);
	});

	it('keeps at most maxKeys, dropping the least recently used', () => {
		const l = new BackoffLimiter(opts);
		for (const k of ['a', 'b', 'c']) l.attempt(k, 0);
		l.attempt('a', 1);
		l.attempt('d', 2);
		expect(l.size).toBe(3);
		l.attempt('b', 3); // b was dropped: it starts again at one attempt
		l.attempt('a', 3);
		expect(l.waitMs('a', 3)).toBeGreaterThan(0);
		expect(l.waitMs('b', 3)).toBe(0);
	});
});

describe('InFlight', () => {
	it('bounds running checks per key and forgets idle keys', () => {
		const f = new InFlight(2);
		expect([f.tryEnter('k'), f.tryEnter('k'), f.tryEnter('k')]).toEqual([true, true, false]);
		f.leave('k');
		expect(f.tryEnter('k')).toBe(true);
	});
});

describe('BoundedPool', () => {
	it('runs at most `max` at once, queues `queueMax`, and refuses beyond at once', async () => {
		const pool = new BoundedPool(2, 1);
		const turns = [pool.enter(true), pool.enter(true), pool.enter(true)];
		expect(() => pool.enter(true)).toThrow(PoolFull);
		expect(pool.load).toEqual({ running: 2, waiting: 1 });
		let third = false;
		void turns[2]?.then(() => (third = true));
		await Promise.resolve();
		expect(third).toBe(false);
		pool.leave();
		await turns[2];
		expect(third).toBe(true);
		pool.leave();
		pool.leave();
		expect(pool.load).toEqual({ running: 0, waiting: 0 });
	});
});
