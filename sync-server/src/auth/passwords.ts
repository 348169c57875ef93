/**
 * Password hashing with scrypt (memory-hard) and timing-safe comparison.
 * It must never log, return or store a password in clear text.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
// scrypt needs 128·N·r bytes (32 MiB here); Node's default ceiling is exactly that, so raise it.
const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		scrypt(password.normalize('NFC'), new Uint8Array(salt), KEY_LEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) =>
			err ? reject(err) : resolve(key),
		);
	});
}

/** `scrypt$N$r$p$salt$hash` (base64url parts), self-describing so parameters can grow later. */
export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, N, R, P);
	return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Does `password` match `stored`? Malformed stored hashes never match. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [alg, n, r, p, salt, hash] = stored.split('$');
	if (alg !== 'scrypt' || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64url');
	const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
	return key.length === expected.length && timingSafeEqual(new Uint8Array(key), new Uint8Array(expected));
}

let dummy: Promise<string> | undefined;

/** Spend the same time as a real check, so an unknown name is not told apart by timing. */
export async function dummyVerify(password: string): Promise<false> {
	dummy ??= hashPassword('no such user');
	await verifyPassword(password, await dummy);
	return false;
}
