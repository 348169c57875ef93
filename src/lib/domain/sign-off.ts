/**
 * Signing a safety round (underskrift) and opening it again, from its append-only documents:
 * which signatures count (those no reopening has set aside), whether both the manager and the
 * safety rep have signed, and whether a round may be marked signed or opened again. Pure: the
 * device's sign-off screen and the server's policy call the same functions (decision 0007).
 */
import type { SignCheck } from './round-state.ts';
import type { ReopeningDoc, RoundDoc, SignatureDoc } from './schemas.ts';

export type SignRole = SignatureDoc['role'];
export const SIGN_ROLES: readonly SignRole[] = ['manager', 'safety_rep'];

/** The signatures that count now, per role (the earliest of each role), and those set aside. */
export type SignOffState = {
	/** Signatures not set aside by a reopening, oldest first. */
	active: SignatureDoc[];
	byRole: Partial<Record<SignRole, SignatureDoc>>;
	/** Both roles have signed: the round may be (or is) locked. */
	complete: boolean;
	/** Reopenings of the round, oldest first. */
	reopenings: ReopeningDoc[];
};

const byTime =
	<T extends { _id: string }>(time: (d: T) => string) =>
	(a: T, b: T): number =>
		time(a) < time(b) ? -1 : time(a) > time(b) ? 1 : a._id < b._id ? -1 : a._id > b._id ? 1 : 0;

/**
 * The sign-off state of a round from its signatures and reopenings (documents of other rounds
 * are ignored). Independent of the order documents arrived in.
 * @example signOffState('round:1', [chefSig, soSig], []).complete // true
 */
export function signOffState(
	roundId: string,
	signatures: readonly SignatureDoc[],
	reopenings: readonly ReopeningDoc[],
): SignOffState {
	const own = reopenings.filter((r) => r.roundId === roundId).sort(byTime((r) => r.reopenedAt));
	const voided = new Set(own.flatMap((r) => r.voids));
	const active = signatures.filter((s) => s.roundId === roundId && !voided.has(s._id)).sort(byTime((s) => s.signedAt));
	const byRole: Partial<Record<SignRole, SignatureDoc>> = {};
	for (const s of active) byRole[s.role] ??= s;
	return { active, byRole, complete: SIGN_ROLES.every((r) => byRole[r] !== undefined), reopenings: own };
}

/** Why a round may not be marked signed (locked). */
export type LockBlocker = { kind: 'missing_signature'; role: SignRole } | { kind: 'incomplete'; check: SignCheck };

/**
 * May a round be marked signed? Only when both a manager's and a safety rep's signature count and
 * the round itself may be signed (`canSign` of its unsigned state: every item answered, every
 * finding assessed). `check` is that `canSign` result.
 * @example lockBlockers(state, { ok: true }) // [] when both have signed
 */
export function lockBlockers(state: SignOffState, check: SignCheck): LockBlocker[] {
	const out: LockBlocker[] = [];
	for (const role of SIGN_ROLES) if (!state.byRole[role]) out.push({ kind: 'missing_signature', role });
	if (!check.ok) out.push({ kind: 'incomplete', check });
	return out;
}

/** The round as it would be unsigned, so `canSign` judges its content and not its lock. */
export function asUnsigned(round: RoundDoc): RoundDoc {
	return round.status === 'signed' ? { ...round, status: 'done' } : round;
}

/**
 * The reason a reopening may not be made, or undefined: the round must be signed, the reason
 * written, and it must set aside every signature that counts (so the lock goes with it).
 */
export function reopenBlocker(
	round: RoundDoc | undefined,
	state: SignOffState,
	reopening: ReopeningDoc,
): string | undefined {
	if (!round || round._id !== reopening.roundId) return 'the round of this reopening is unknown';
	if (round.status !== 'signed') return 'only a signed round can be reopened';
	if (reopening.reason.trim() === '') return 'reopening a round needs a written reason';
	const voids = new Set(reopening.voids);
	if (state.active.some((s) => !voids.has(s._id))) return 'a reopening sets aside every signature of the round';
	return undefined;
}
