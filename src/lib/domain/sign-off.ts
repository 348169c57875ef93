/**
 * Signing a safety round (underskrift) and opening it again, from its append-only documents:
 * which signatures count (those no reopening has set aside), whether both the manager and the
 * safety rep have signed, and whether a round may be marked signed or opened again. Pure: the
 * device's sign-off screen and the server's policy call the same functions (decision 0007).
 */
import { SAME_SIGNER_REASON } from './recorded.ts';
import type { SignCheck } from './round-state.ts';
import type { CoSigner, ReopeningDoc, RoundDoc, SignatureDoc } from './schemas.ts';

/**
 * The two sides that sign: the manager's and the employees' (`safety_rep`). The employees' side is
 * signed by a safety rep (a main safety rep signs as one) or by the employee rep the round invites.
 */
export type SignRole = 'manager' | 'safety_rep';
export const SIGN_ROLES: readonly SignRole[] = ['manager', 'safety_rep'];
/** The capacity a signature is given in, as recorded on it. */
export type SignerRole = SignatureDoc['role'];

/** The side a signature in `role` signs for. */
export function signSide(role: SignerRole): SignRole {
	return role === 'manager' ? 'manager' : 'safety_rep';
}

/** The refusal of an employee rep's signature the round does not invite (fixed: the device maps it). */
export const NOT_INVITED_REASON = 'only the employee rep the round invites co-signs as employee rep';

/**
 * Why `signature` cannot be given as the round's invited co-signer, or undefined: an employee
 * rep's signature needs the round to name that very account as its co-signer.
 */
export function invitationRefusal(
	round: Pick<RoundDoc, 'coSigner'> | undefined,
	signature: Pick<SignatureDoc, 'role' | 'signedBy'>,
): string | undefined {
	if (signature.role !== 'employee_rep') return undefined;
	return round?.coSigner?.name === signature.signedBy ? undefined : NOT_INVITED_REASON;
}

/**
 * The signatures that count now, per role, and those set aside. Per role the earliest counts,
 * paired so the two roles are signed from two accounts when the signatures allow it.
 */
export type SignOffState = {
	/** Signatures not set aside by a reopening, oldest first. */
	active: SignatureDoc[];
	byRole: Partial<Record<SignRole, SignatureDoc>>;
	/** The signatures of both roles that count are from one account (which never locks a round). */
	sameSigner: boolean;
	/** Both roles have signed, from two different accounts: the round may be (or is) locked. */
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
 * are ignored). Independent of the order documents arrived in. An employee rep's signature counts
 * for the employees' side only while the round invites that account (`round.coSigner`).
 * @example signOffState('round:1', [chefSig, soSig], []).complete // true
 */
export function signOffState(
	roundId: string,
	signatures: readonly SignatureDoc[],
	reopenings: readonly ReopeningDoc[],
	round?: Pick<RoundDoc, 'coSigner'>,
): SignOffState {
	const own = reopenings.filter((r) => r.roundId === roundId).sort(byTime((r) => r.reopenedAt));
	const voided = new Set(own.flatMap((r) => r.voids));
	const active = signatures.filter((s) => s.roundId === roundId && !voided.has(s._id)).sort(byTime((s) => s.signedAt));
	const managers = active.filter((s) => s.role === 'manager');
	const reps = active.filter((s) => signSide(s.role) === 'safety_rep' && invitationRefusal(round, s) === undefined);
	// The earliest manager's signature that has a safety rep's from another account, with the
	// earliest such one; else simply the earliest of each (then from one account, or one missing).
	let manager = managers[0];
	let rep = reps[0];
	for (const m of managers) {
		const other = reps.find((s) => s.signedBy !== m.signedBy);
		if (other) {
			manager = m;
			rep = other;
			break;
		}
	}
	const byRole: Partial<Record<SignRole, SignatureDoc>> = {};
	if (manager) byRole.manager = manager;
	if (rep) byRole.safety_rep = rep;
	const sameSigner = manager !== undefined && rep !== undefined && manager.signedBy === rep.signedBy;
	return {
		active,
		byRole,
		sameSigner,
		complete: SIGN_ROLES.every((r) => byRole[r] !== undefined) && !sameSigner,
		reopenings: own,
	};
}

/**
 * Why `signature` may not be added to the round now, as far as who signs goes: the signature of
 * the other role that counts is from the same account (one person never signs as both, whatever
 * roles they hold by then).
 * @example signerRefusal(state, { ...sig, role: 'safety_rep', signedBy: 'chef' }) // SAME_SIGNER_REASON when chef signed as manager
 */
export function signerRefusal(
	state: SignOffState,
	signature: Pick<SignatureDoc, 'role' | 'signedBy'>,
): string | undefined {
	return state.active.some((s) => signSide(s.role) !== signSide(signature.role) && s.signedBy === signature.signedBy)
		? SAME_SIGNER_REASON
		: undefined;
}

/** Why a round may not be marked signed (locked). */
export type LockBlocker =
	{ kind: 'missing_signature'; role: SignRole } | { kind: 'same_signer' } | { kind: 'incomplete'; check: SignCheck };

/**
 * May a round be marked signed? Only when both a manager's and a safety rep's (or the invited
 * employee rep's) signature count,
 * from two different accounts, and the round itself may be signed (`canSign` of its unsigned
 * state: every item answered, every finding assessed). `check` is that `canSign` result.
 * @example lockBlockers(state, { ok: true }) // [] when both have signed
 */
export function lockBlockers(state: SignOffState, check: SignCheck): LockBlocker[] {
	const out: LockBlocker[] = [];
	for (const role of SIGN_ROLES) if (!state.byRole[role]) out.push({ kind: 'missing_signature', role });
	if (state.sameSigner) out.push({ kind: 'same_signer' });
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

/** The refusal of a co-signer who is not an employee rep of the unit (fixed: the device maps it). */
export const CO_SIGNER_NOT_MEMBER_REASON = 'the co-signer must be an employee rep of the unit';
/** The refusal of an invitation by someone other than a manager of the unit (fixed: the device maps it). */
export const CO_SIGNER_BY_MANAGER_REASON = 'only a manager of the unit invites a co-signer';

/** One of a unit's people, as far as an invitation to co-sign is concerned. */
export type CoSignerCandidate = { name: string; displayName: string; role: string };

/**
 * Why the co-signer (`coSigner`) named on a round or follow-up may not change from `stored` to
 * `incoming`, or undefined: only a manager of the unit invites or withdraws one, and the account
 * invited must be an employee rep among the unit's `members`, named as their account names them
 * (decision 0028). The device checks it before saving, the server again on every write.
 * @example coSignerRefusal(undefined, { coSigner: { name: 'x', displayName: 'X' } }, ['manager'], []) // CO_SIGNER_NOT_MEMBER_REASON
 */
export function coSignerRefusal(
	stored: { coSigner?: unknown } | undefined,
	incoming: { coSigner?: unknown },
	writerRoles: readonly string[],
	members: readonly CoSignerCandidate[],
): string | undefined {
	const before = stored?.coSigner as CoSigner | undefined;
	const after = incoming.coSigner as CoSigner | undefined;
	if (before?.name === after?.name && before?.displayName === after?.displayName) return undefined;
	if (!writerRoles.includes('manager')) return CO_SIGNER_BY_MANAGER_REASON;
	if (!after) return undefined;
	const member = members.find((m) => m.name === after.name && m.role === 'employee_rep');
	return member && member.displayName === after.displayName ? undefined : CO_SIGNER_NOT_MEMBER_REASON;
}
