/**
 * One write at a time per scope (decision 0016): a second write on a scope starts only when the
 * first is done, also when it failed; other scopes do not wait; an idle scope keeps nothing.
 */
import { describe, expect, it } from 'vitest';
import { ScopeWriteLock } from './write-lock.ts';

/** A promise and the function that settles it, so a test decides when a write finishes. */
function gate(): { wait: Promise<void>; open: () => void } {
	let open!: () => void;
	const wait = new Promise<void>((resolve) => {
		open = resolve;
	});
	return { wait, open };
}
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ScopeWriteLock', () => {
	it('runs writes to one scope one after another, in the order they came', async () => {
		const lock = new ScopeWriteLock();
		const log: string[] = [];
		const first = gate();
		const a = lock.run('unit-a1', async () => {
			log.push('a start');
			await first.wait;
			log.push('a end');
		});
		const b = lock.run('unit-a1', async () => {
			log.push('b');
		});
		const c = lock.run('unit-a1', async () => {
			log.push('c');
		});
		for (let i = 0; i < 5; i++) await turn();
		expect(log).toEqual(['a start']);
		first.open();
		await Promise.all([a, b, c]);
		expect(log).toEqual(['a start', 'a end', 'b', 'c']);
		expect(lock.busyScopes).toBe(0);
	});

	it('lets writes to other scopes run meanwhile', async () => {
		const lock = new ScopeWriteLock();
		const held = gate();
		const a = lock.run('unit-a1', () => held.wait);
		let other = false;
		await lock.run('unit-b1', async () => {
			other = true;
		});
		expect(other).toBe(true);
		held.open();
		await a;
	});

	it('goes on after a write that failed, and hands back its result or error', async () => {
		const lock = new ScopeWriteLock();
		const failed = lock.run('unit-a1', async () => {
			throw new Error('store away');
		});
		const next = lock.run('unit-a1', async () => 42);
		await expect(failed).rejects.toThrow('store away');
		await expect(next).resolves.toBe(42);
		expect(lock.busyScopes).toBe(0);
	});

	it('never lets two of 40 writes of one scope overlap, whatever their lengths', async () => {
		const lock = new ScopeWriteLock();
		let inside = 0;
		let most = 0;
		await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				lock.run(i % 3 === 0 ? 'unit-b1' : 'unit-a1', async () => {
					if (i % 3 === 0) return;
					inside++;
					most = Math.max(most, inside);
					for (let k = 0; k < i % 5; k++) await turn();
					inside--;
				}),
			),
		);
		expect(most).toBe(1);
	});
});
