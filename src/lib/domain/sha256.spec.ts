import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256Text } from './sha256.ts';

describe('sha256Text', () => {
	it('gives the published test vectors', () => {
		expect(sha256Text('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		expect(sha256Text('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(sha256Text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
			'248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
		);
	});

	it('agrees with node:crypto for any text, at every length around the block size', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
				expect(sha256Text(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
			}),
		);
		for (let n = 50; n < 140; n++) {
			const text = 'å'.repeat(n);
			expect(sha256Text(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
		}
	});
});
