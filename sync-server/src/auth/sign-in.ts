/**
 * The one password check behind `POST /db/_session`, the co-signer of `POST /api/rounds/sign`
 * and the current password of `POST /api/me/password`.
 * It must never log, store or echo the password, and answers a wrong name and a wrong password
 * alike (same reason, same work).
 *
 * Order matters, and every step before the hash is synchronous, so parallel requests cannot
 * race past it: (1) refuse when the (account, address) pair or the address must still wait;
 * (2) refuse when this account or address already has its share of checks running;
 * (3) take a place in the hash pool's queue, or refuse when it is full (the server is busy; not
 * counted); (4) count the attempt; only then (5) read the account and hash. A success forgives the pair
 * and takes back the address's count. The limit is per account *and* address together, so a
 * stranger guessing elsewhere never slows the owner; the per-address limit is looser (offices
 * share one address) and catches a spray of names. A check made inside a session (the current
 * password of a password change) is also counted per session: a stolen cookie gets the pair's
 * budget once, whatever addresses it is used from.
 */
import { AppError } from '../../../src/lib/domain/index.ts';
import { PoolFull, dummyVerify, hashPool, verifyPassword } from './passwords.ts';
import { BackoffLimiter, InFlight } from './rate-limit.ts';
import type { UserRecord, UserStore } from './users.ts';

const WRONG = 'Name or password is incorrect.';
const MINUTE = 60_000;
/** Failed sign-ins one address may make across accounts before it has to wait. */
export const ADDRESS_FREE_ATTEMPTS = 30;

export class SignInGuard {
	/** Per (account, address): 5 free, then 15 s doubling to 15 min; one attempt forgotten per hour. */
	readonly pair = new BackoffLimiter({
		free: 5,
		baseMs: 15_000,
		capMs: 15 * MINUTE,
		leakMs: 60 * MINUTE,
		maxKeys: 50_000,
	});
	/** Per address across accounts: ADDRESS_FREE_ATTEMPTS free, then 15 s doubling to 15 min; one forgotten per 2 minutes. */
	readonly address = new BackoffLimiter({
		free: ADDRESS_FREE_ATTEMPTS,
		baseMs: 15_000,
		capMs: 15 * MINUTE,
		leakMs: 2 * MINUTE,
		maxKeys: 50_000,
	});
	/** Per session, for checks made with a session cookie: the same budget as a pair. */
	readonly session = new BackoffLimiter({
		free: 5,
		baseMs: 15_000,
		capMs: 15 * MINUTE,
		leakMs: 60 * MINUTE,
		maxKeys: 50_000,
	});
	readonly accountChecks = new InFlight(2);
	readonly addressChecks = new InFlight(8);
}

function tooMany(waitMs: number, reason: string): AppError {
	const seconds = Math.max(1, Math.ceil(waitMs / 1000));
	return new AppError('rate_limited', `${reason} Try again in ${seconds} s.`, 429, seconds);
}

/**
 * The user whose name and password these are, or an AppError (`unauthorized` or `rate_limited`).
 * `sessionId`: the session the check is made in, counted on its own as well.
 */
export async function checkPassword(
	guard: SignInGuard,
	users: UserStore,
	name: string,
	password: string,
	ip: string,
	now: number,
	sessionId?: string,
): Promise<UserRecord> {
	const pairKey = `${name}\n${ip}`;
	const wait = Math.max(
		guard.pair.waitMs(pairKey, now),
		guard.address.waitMs(ip, now),
		sessionId === undefined ? 0 : guard.session.waitMs(sessionId, now),
	);
	if (wait > 0) throw tooMany(wait, 'Too many failed sign-ins.');
	if (!guard.accountChecks.tryEnter(name)) throw tooMany(1000, 'A sign-in for this account is being checked.');
	if (!guard.addressChecks.tryEnter(ip)) {
		guard.accountChecks.leave(name);
		throw tooMany(1000, 'Sign-ins from this address are being checked.');
	}
	let turn: Promise<void>;
	try {
		// A place in the hash queue first, synchronously: a burst beyond it costs no reads at all.
		turn = hashPool.enter(true);
	} catch (err) {
		guard.accountChecks.leave(name);
		guard.addressChecks.leave(ip);
		if (err instanceof PoolFull) throw tooMany(1000, 'The server is busy checking sign-ins.');
		throw err;
	}
	guard.pair.attempt(pairKey, now);
	guard.address.attempt(ip, now);
	if (sessionId !== undefined) guard.session.attempt(sessionId, now);
	try {
		const user = await users.get(name);
		await turn;
		const ok = user ? await verifyPassword(password, user.passwordHash) : await dummyVerify(password);
		if (!user || !ok) throw new AppError('unauthorized', WRONG);
		guard.pair.reset(pairKey);
		guard.address.refund(ip, now);
		if (sessionId !== undefined) guard.session.reset(sessionId);
		return user;
	} finally {
		await turn;
		hashPool.leave();
		guard.accountChecks.leave(name);
		guard.addressChecks.leave(ip);
	}
}
