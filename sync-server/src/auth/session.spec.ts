import { describe, expect, it } from 'vitest';
import { decodeSession, encodeSession, newSession, SESSION_IDLE_MS, SessionDecoder } from './session.ts';

const secret = 'a-test-secret-of-some-length';
const t0 = new Date('2026-03-02T08:00:00Z');

describe('SessionDecoder', () => {
	it('answers as decodeSession does, expiry included, after remembering a cookie', () => {
		const decoder = new SessionDecoder(secret);
		const token = encodeSession(secret, newSession('chef', 0, t0));
		const later = new Date(t0.getTime() + SESSION_IDLE_MS - 1);
		const expired = new Date(t0.getTime() + SESSION_IDLE_MS);
		for (const now of [t0, later, expired, t0]) {
			expect(decoder.decode(token, now)).toEqual(decodeSession(secret, token, now));
		}
		expect(decoder.decode(token, expired)).toBeUndefined();
		expect(decoder.decode(token, later)?.name).toBe('chef');
	});

	it('never takes a cookie signed with another secret, or a changed one', () => {
		const decoder = new SessionDecoder(secret);
		const other = encodeSession('another-secret', newSession('chef', 0, t0));
		expect(decoder.decode(other, t0)).toBeUndefined();
		const token = encodeSession(secret, newSession('chef', 0, t0));
		expect(decoder.decode(token, t0)?.name).toBe('chef');
		const [payload, mac] = token.split('.') as [string, string];
		const forged = Buffer.from(
			JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), n: 'hr' }),
		);
		expect(decoder.decode(`${forged.toString('base64url')}.${mac}`, t0)).toBeUndefined();
		expect(decoder.decode(undefined, t0)).toBeUndefined();
	});

	it('remembers at most its bound, and what it hands out cannot be changed', () => {
		const decoder = new SessionDecoder(secret, 3);
		const tokens = ['a', 'b', 'c', 'd', 'e'].map((n) => encodeSession(secret, newSession(n, 0, t0)));
		for (const token of tokens) expect(decoder.decode(token, t0)).toBeDefined();
		for (const token of tokens) expect(decoder.decode(token, t0)?.name).toBe(decodeSession(secret, token, t0)?.name);
		const s = decoder.decode(tokens[0], t0) as { name: string };
		expect(() => {
			s.name = 'hr';
		}).toThrow(TypeError);
	});
});
