import { describe, expect, it } from 'vitest';
import { KeyedState } from './keyed-state.svelte.ts';

// Which readers re-run is not testable here: vitest compiles runes for the server, where state
// has no readers. The round UI benchmark shows it (click → choice painted).
describe('KeyedState', () => {
	it('holds, replaces and forgets values, and lists the keys that hold one', () => {
		const drafts = new KeyedState<string>();
		expect(drafts.get('a')).toBeUndefined();
		drafts.set('a', 'x');
		drafts.set('b', 'y');
		drafts.set('a', 'z');
		expect(drafts.get('a')).toBe('z');
		expect(drafts.has('b')).toBe(true);
		drafts.delete('b');
		drafts.delete('never');
		expect(drafts.has('b')).toBe(false);
		expect(drafts.keys()).toEqual(['a']);
	});
});
