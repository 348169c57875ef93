/**
 * The per-key lock under LocalDocs: tasks on one key run one after another (also after a
 * failure), other keys do not wait, and idle keys are forgotten. LocalDocs itself is checked
 * over every store in tests/conformance/doc-store.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { KeyedLock } from './local-docs.ts';

function gate(): { open: () => void; passed: Promise<void> } {
	let open!: () => void;
	const passed = new Promise<void>((resolve) => (open = resolve));
	return { open, passed };
}

describe('KeyedLock', () => {
	it('runs tasks on one key in order, each after the one before has ended', async () => {
		const lock = new KeyedLock();
		const log: string[] = [];
		const first = gate();
		const a = lock.run('k', async () => {
			log.push('a start');
			await first.passed;
			log.push('a end');
		});
		const b = lock.run('k', async () => {
			log.push('b');
			throw new Error('b failed');
		});
		const c = lock.run('k', async () => {
			log.push('c');
			return 'c result';
		});
		await Promise.resolve();
		expect(log).toEqual(['a start']);
		first.open();
		await a;
		await expect(b).rejects.toThrow('b failed');
		expect(await c).toBe('c result');
		expect(log).toEqual(['a start', 'a end', 'b', 'c']);
		expect(lock.size).toBe(0);
	});

	it('does not hold one key up for another', async () => {
		const lock = new KeyedLock();
		const held = gate();
		const slow = lock.run('one', () => held.passed);
		expect(await lock.run('two', async () => 'two ran')).toBe('two ran');
		expect(lock.size).toBe(1);
		held.open();
		await slow;
		expect(lock.size).toBe(0);
	});
});
