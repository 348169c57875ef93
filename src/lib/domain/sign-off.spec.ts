import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ReopeningDoc, RoundDoc, SignatureDoc } from './schemas.ts';
import { SAME_SIGNER_REASON } from './recorded.ts';
import {
	asUnsigned,
	CO_SIGNER_BY_MANAGER_REASON,
	CO_SIGNER_NOT_MEMBER_REASON,
	coSignerRefusal,
	invitationRefusal,
	lockBlockers,
	NOT_INVITED_REASON,
	reopenBlocker,
	signerRefusal,
	signOffState,
} from './sign-off.ts';

const T = '2026-11-23T09:00:00.000Z';
const round: RoundDoc = {
	_id: 'round:r1',
	type: 'round',
	scope: 'unit-a1',
	unitId: 'a1',
	templateId: 'template:physical.v1',
	templateVersion: 1,
	date: '2026-11-23',
	status: 'signed',
	participants: [],
	createdBy: 'chef',
	createdAt: T,
	updatedAt: T,
};
const sig = (id: string, role: SignatureDoc['role'], at: string, extra: Partial<SignatureDoc> = {}): SignatureDoc => ({
	_id: `signature:${id}`,
	type: 'signature',
	scope: 'unit-a1',
	roundId: round._id,
	signedBy: role === 'manager' ? 'chef' : 'skyddsombud',
	signerName: role === 'manager' ? 'Anna Chef' : 'Sara Skyddsombud',
	role,
	signedAt: at,
	createdAt: at,
	updatedAt: at,
	...extra,
});
const reopening = (voids: string[], reason = 'Wrong date'): ReopeningDoc => ({
	_id: 'reopening:x',
	type: 'reopening',
	scope: 'unit-a1',
	roundId: round._id,
	reason,
	voids,
	reopenedAt: '2026-11-24T09:00:00.000Z',
	reopenedBy: 'chef',
	reopenedByName: 'Anna Chef',
	createdAt: T,
	updatedAt: T,
});

describe('signOffState', () => {
	const m = sig('m', 'manager', '2026-11-23T10:00:00.000Z');
	const s = sig('s', 'safety_rep', '2026-11-23T11:00:00.000Z', { reservation: 'Handrail missing' });

	it('is complete only with both a manager and a safety rep signature', () => {
		expect(signOffState(round._id, [m], []).complete).toBe(false);
		expect(signOffState(round._id, [m, sig('m2', 'manager', T)], []).complete).toBe(false);
		const both = signOffState(round._id, [s, m], []);
		expect(both.complete).toBe(true);
		expect(both.byRole.safety_rep?.reservation).toBe('Handrail missing');
		expect(both.active.map((x) => x._id)).toEqual([m._id, s._id]);
	});

	it('ignores other rounds’ signatures and those a reopening set aside', () => {
		const other = { ...m, _id: 'signature:o', roundId: 'round:other' };
		expect(signOffState(round._id, [other, s], []).complete).toBe(false);
		const state = signOffState(round._id, [m, s], [reopening([m._id, s._id])]);
		expect(state.complete).toBe(false);
		expect(state.active).toEqual([]);
		expect(state.reopenings).toHaveLength(1);
		const again = sig('m3', 'manager', '2026-11-25T09:00:00.000Z');
		const s2 = sig('s3', 'safety_rep', '2026-11-25T10:00:00.000Z');
		expect(signOffState(round._id, [m, s, again, s2], [reopening([m._id, s._id])]).complete).toBe(true);
	});

	it('locks only with the two roles signed from two accounts, pairing them when it can (decision 0016)', () => {
		const bySame = sig('s-chef', 'safety_rep', '2026-11-23T10:30:00.000Z', {
			signedBy: 'chef',
			signerName: 'Anna Chef',
		});
		const same = signOffState(round._id, [m, bySame], []);
		expect(same).toMatchObject({ sameSigner: true, complete: false });
		expect(lockBlockers(same, { ok: true })).toEqual([{ kind: 'same_signer' }]);
		// The real safety rep signs later: that signature pairs with the manager's.
		const paired = signOffState(round._id, [m, bySame, s], []);
		expect(paired).toMatchObject({ sameSigner: false, complete: true });
		expect(paired.byRole.safety_rep?._id).toBe(s._id);
		// A later manager signature by another account pairs with the earlier safety rep's.
		const m2 = sig('m2', 'manager', '2026-11-23T12:00:00.000Z', { signedBy: 'chef-b' });
		const repFirst = signOffState(round._id, [m, bySame, m2], []);
		expect(repFirst).toMatchObject({ complete: true, sameSigner: false });
		expect([repFirst.byRole.manager?._id, repFirst.byRole.safety_rep?._id]).toEqual([m2._id, bySame._id]);
	});

	it('refuses a signature by the account whose signature of the other role counts', () => {
		const state = signOffState(round._id, [m], []);
		expect(signerRefusal(state, { role: 'safety_rep', signedBy: 'chef' })).toBe(SAME_SIGNER_REASON);
		expect(signerRefusal(state, { role: 'manager', signedBy: 'chef' })).toBeUndefined();
		expect(signerRefusal(state, { role: 'safety_rep', signedBy: 'skyddsombud' })).toBeUndefined();
		const voided = signOffState(round._id, [m], [reopening([m._id])]);
		expect(signerRefusal(voided, { role: 'safety_rep', signedBy: 'chef' })).toBeUndefined();
	});

	it('gives the same state in any order the documents arrived', () => {
		const docs = [
			m,
			s,
			sig('m2', 'manager', '2026-11-23T12:00:00.000Z'),
			sig('s2', 'safety_rep', T),
			sig('s3', 'safety_rep', T, { signedBy: 'chef' }),
		];
		fc.assert(
			fc.property(fc.shuffledSubarray(docs, { minLength: docs.length }), (order) => {
				expect(signOffState(round._id, order, [])).toEqual(signOffState(round._id, docs, []));
			}),
		);
	});
});

describe('lockBlockers and reopenBlocker', () => {
	const m = sig('m', 'manager', T);
	const s = sig('s', 'safety_rep', T);

	it('names the missing role and a round that may not be signed', () => {
		expect(lockBlockers(signOffState(round._id, [m], []), { ok: true })).toEqual([
			{ kind: 'missing_signature', role: 'safety_rep' },
		]);
		const check = { ok: false as const, blockers: [{ kind: 'unanswered' as const, itemIds: ['i1'] }] };
		expect(lockBlockers(signOffState(round._id, [m, s], []), check)).toEqual([{ kind: 'incomplete', check }]);
		expect(lockBlockers(signOffState(round._id, [m, s], []), { ok: true })).toEqual([]);
	});

	it('needs a signed round, a reason and every signature set aside', () => {
		const state = signOffState(round._id, [m, s], []);
		expect(reopenBlocker(round, state, reopening([m._id, s._id]))).toBeUndefined();
		expect(reopenBlocker(round, state, reopening([m._id]))).toBe('a reopening sets aside every signature of the round');
		expect(reopenBlocker(round, state, reopening([m._id, s._id], ' '))).toBe(
			'reopening a round needs a written reason',
		);
		expect(reopenBlocker({ ...round, status: 'done' }, state, reopening([]))).toBe(
			'only a signed round can be reopened',
		);
		expect(reopenBlocker(undefined, state, reopening([]))).toBe('the round of this reopening is unknown');
	});

	it('judges a signed round’s content as if unsigned', () => {
		expect(asUnsigned(round).status).toBe('done');
		const open = { ...round, status: 'in_progress' as const };
		expect(asUnsigned(open)).toBe(open);
	});
});

describe('an employee rep invited to co-sign (decision 0028)', () => {
	const rep = (id: string, at: string) =>
		sig(id, 'employee_rep', at, { signedBy: 'arbetstagarrep', signerName: 'Olle Representant' });
	const invited = { coSigner: { name: 'arbetstagarrep', displayName: 'Olle Representant' } };

	it('counts an employee rep’s signature on the safety rep’s side only while the round invites them', () => {
		const sigs = [sig('m', 'manager', T), rep('e', T)];
		expect(signOffState(round._id, sigs, [], invited).complete).toBe(true);
		expect(signOffState(round._id, sigs, [], invited).byRole.safety_rep?._id).toBe('signature:e');
		expect(signOffState(round._id, sigs, []).complete).toBe(false);
		expect(signOffState(round._id, sigs, [], { coSigner: { name: 'other', displayName: 'Other' } }).complete).toBe(
			false,
		);
		expect(lockBlockers(signOffState(round._id, sigs, []), { ok: true })).toEqual([
			{ kind: 'missing_signature', role: 'safety_rep' },
		]);
	});

	it('refuses an employee rep’s signature the round does not invite, and one account on both sides', () => {
		expect(invitationRefusal(round, { role: 'employee_rep', signedBy: 'arbetstagarrep' })).toBe(NOT_INVITED_REASON);
		expect(invitationRefusal(invited, { role: 'employee_rep', signedBy: 'arbetstagarrep' })).toBeUndefined();
		expect(invitationRefusal(round, { role: 'safety_rep', signedBy: 'skyddsombud' })).toBeUndefined();
		const state = signOffState(round._id, [sig('m', 'manager', T, { signedBy: 'arbetstagarrep' })], [], invited);
		expect(signerRefusal(state, { role: 'employee_rep', signedBy: 'arbetstagarrep' })).toBe(SAME_SIGNER_REASON);
	});

	it('takes an invitation only from a manager, of an employee rep of the unit by their account’s name', () => {
		const members = [
			{ name: 'arbetstagarrep', displayName: 'Olle Representant', role: 'employee_rep' },
			{ name: 'medarbetare', displayName: 'Mats Medarbetare', role: 'staff' },
		];
		expect(coSignerRefusal(round, { ...round, ...invited }, ['manager'], members)).toBeUndefined();
		expect(coSignerRefusal(round, { ...round, ...invited }, ['safety_rep'], members)).toBe(CO_SIGNER_BY_MANAGER_REASON);
		const staff = { coSigner: { name: 'medarbetare', displayName: 'Mats Medarbetare' } };
		expect(coSignerRefusal(round, staff, ['manager'], members)).toBe(CO_SIGNER_NOT_MEMBER_REASON);
		const outsider = { coSigner: { name: 'someone', displayName: 'Someone' } };
		expect(coSignerRefusal(round, outsider, ['manager'], members)).toBe(CO_SIGNER_NOT_MEMBER_REASON);
		// Unchanged is no invitation (anyone may save the round otherwise), and a manager may withdraw one.
		expect(coSignerRefusal({ ...round, ...invited }, { ...round, ...invited }, ['employee_rep'], [])).toBeUndefined();
		expect(coSignerRefusal({ ...round, ...invited }, round, ['manager'], [])).toBeUndefined();
	});
});
