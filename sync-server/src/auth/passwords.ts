/**
 * Password hashing with scrypt (memory-hard) and timing-safe comparison.
 * It must never log, return or store a password in clear text.
 *
 * Every hash goes through one small pool: at most `HASH_CONCURRENCY` run at once. Node's async
 * scrypt runs on libuv's threadpool (4 threads), the same threads LevelDB and file reads use, so
 * a burst of guesses hashed all at once would queue every other user's sync behind it. With two
 * hashes at most, two threads stay free for I/O. Sign-in checks may wait in a short queue
 * (`HASH_QUEUE`); beyond it they are refused at once (`PoolFull`) instead of piling up.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const HASH_CONCURRENCY = 2;
export const HASH_QUEUE = 32;

/** Thrown when a sign-in check finds the hash queue full. */
export class PoolFull extends Error {
	constructor() {
		super('password hash queue is full');
		this.name = 'PoolFull';
	}
}

/**
 * A counting semaphore with a bounded wait queue. `enter` takes a place synchronously (so a
 * caller refused for a full queue is refused before doing any other work) and resolves when
 * the slot is the caller's; every `enter` is followed by exactly one `leave`.
 */
export class BoundedPool {
	readonly #max: number;
	readonly #queueMax: number;
	#running = 0;
	readonly #waiting: (() => void)[] = [];

	constructor(max: number, queueMax: number) {
		this.#max = max;
		this.#queueMax = queueMax;
	}

	/** Throws PoolFull at once when `bounded` and the queue is full. */
	enter(bounded: boolean): Promise<void> {
		if (this.#running < this.#max) {
			this.#running += 1;
			return Promise.resolve();
		}
		if (bounded && this.#waiting.length >= this.#queueMax) throw new PoolFull();
		return new Promise<void>((resolve) => this.#waiting.push(resolve));
	}

	leave(): void {
		// Hand the slot straight to the next waiter, or give it back.
		const next = this.#waiting.shift();
		if (next) next();
		else this.#running -= 1;
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		await this.enter(false);
		try {
			return await task();
		} finally {
			this.leave();
		}
	}

	/** Hashes running now and waiting (for tests and measurements). */
	get load(): { running: number; waiting: number } {
		return { running: this.#running, waiting: this.#waiting.length };
	}
}

export const hashPool = new BoundedPool(HASH_CONCURRENCY, HASH_QUEUE);

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

/** `scrypt$N$r$p$salt$hash` (base64url parts), self-describing so parameters can grow later. Waits its turn in the pool. */
export async function hashPassword(password: string): Promise<string> {
	return hashPool.run(() => hashNow(password));
}

async function hashNow(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, N, R, P);
	return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Does `password` match `stored`? Malformed stored hashes never match.
 * The caller must hold a slot of `hashPool` (see auth/sign-in.ts).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [alg, n, r, p, salt, hash] = stored.split('$');
	if (alg !== 'scrypt' || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64url');
	const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
	return key.length === expected.length && timingSafeEqual(new Uint8Array(key), new Uint8Array(expected));
}

let dummy: Promise<string> | undefined;

/** Spend the same time as a real check, so an unknown name is not told apart by timing. Holds a slot, like verifyPassword. */
export async function dummyVerify(password: string): Promise<false> {
	// Made once outside the pool: the caller already holds a slot, and waiting for another could deadlock.
	dummy ??= hashNow('no such user');
	await verifyPassword(password, await dummy);
	return false;
}
