/**
 * Who signs the safety rep's side where a unit has no safety rep (decision 0028): a main safety
 * rep (huvudskyddsombud) of a unit above it, or the employee rep the manager invites on the round
 * or annual follow-up. Requests (6:6a) and stops (6:7) stay with elected safety reps.
 */
import { describe, expect, it } from 'vitest';
import type {
	AnswerDoc,
	AssessmentDoc,
	FindingDoc,
	FollowUpDoc,
	RequestDoc,
	RoundDoc,
	SignatureDoc,
	TemplateDoc,
} from '../../../src/lib/domain/index.ts';
import {
	CO_SIGNER_BY_MANAGER_REASON,
	CO_SIGNER_NOT_MEMBER_REASON,
	findingIdForItem,
	FOLLOW_UP_QUESTIONS,
	followUpContentHash,
	followUpId,
	NOT_INVITED_REASON,
} from '../../../src/lib/domain/index.ts';
import { DEMO_ACCOUNTS, demoUnits } from '../seed/demo.ts';
import {
	answerDoc,
	assessmentDoc,
	findingDoc,
	roundDoc,
	signatureDoc,
	testId,
	TEST_SERVER_TIME,
} from '../test-harness.ts';
import type { IncomingDoc, PolicyUser, RoundFile, StoredVersion, UnitPerson } from './access.ts';
import { checkWrite, coSignerNeeded, grantsFor, unitRolesOf } from './access.ts';

const NOW = '2026-11-23T09:00:00.000Z';
const B1 = 'unit-b1';
const units = demoUnits(NOW).map((u) => ({ _id: u._id, name: u.name, parentId: u.parentId }));
const demo = (name: string): PolicyUser => {
	const a = DEMO_ACCOUNTS.find((x) => x.name === name);
	if (!a) throw new Error(name);
	return { name: a.name, displayName: a.displayName, roles: [...a.roles], memberships: [...a.memberships] };
};
/** B1's people as the accounts' roster lists them. */
const B1_PEOPLE: UnitPerson[] = [
	{ name: 'arbetstagarrep', displayName: 'Olle Representant', role: 'employee_rep' },
	{ name: 'chef2', displayName: 'Bo Chef', role: 'manager' },
];
const table = (name: string) =>
	Object.fromEntries(grantsFor(demo(name), units).map((g) => [g.scope, g.write ? 'w' : 'r']));

function write(
	name: string,
	scope: string,
	doc: object,
	stored?: object,
	others: object[] = [],
	members: UnitPerson[] | null = B1_PEOPLE,
): { ok: boolean; reason?: string } {
	const user = demo(name);
	const all = others as (StoredVersion & { type: string; roundId?: string })[];
	const fileOf = (roundId: string): RoundFile => {
		const ofRound = <T>(type: string) => all.filter((d) => d.type === type && d.roundId === roundId) as unknown as T[];
		const round = all.find((d) => d._id === roundId) as RoundDoc | undefined;
		return {
			round,
			template: all.find((d) => d.type === 'template') as TemplateDoc | undefined,
			answers: ofRound<AnswerDoc>('answer'),
			findings: all.filter((d) => d.type === 'finding') as unknown as FindingDoc[],
			assessments: all.filter((d) => d.type === 'assessment') as unknown as AssessmentDoc[],
			signatures: ofRound<SignatureDoc>('signature'),
			reopenings: [],
		};
	};
	return checkWrite({
		user,
		grants: grantsFor(user, units),
		now: TEST_SERVER_TIME,
		scope,
		doc: doc as IncomingDoc,
		stored: stored as StoredVersion | undefined,
		lookup: (id) => all.find((d) => d._id === id),
		roundFile: fileOf,
		units,
		...(members ? { members } : {}),
	});
}

/** A B1 round with everything answered and its one finding assessed: ready to sign. */
function b1Round(extra: Partial<RoundDoc> = {}): { round: RoundDoc; docs: object[] } {
	const template = {
		_id: 'template:sign-test',
		type: 'template',
		scope: 'org',
		sections: [{ id: 's1', title: { sv: 'S', en: 'S' }, items: [{ id: 'i1', text: { sv: 'Ett', en: 'One' } }] }],
	};
	const round = roundDoc('b1', { templateId: template._id, status: 'in_progress', createdBy: 'chef2', ...extra });
	const finding = findingDoc(B1, {
		_id: findingIdForItem(round._id, 'i1'),
		roundId: round._id,
		itemId: 'i1',
		createdBy: 'chef2',
	});
	const docs = [
		template,
		round,
		answerDoc(B1, round._id, { itemId: 'i1', value: 'no', answeredBy: 'chef2' }),
		finding,
		assessmentDoc(B1, finding._id, { roundId: round._id, assessedBy: 'chef2' }),
	];
	return { round, docs };
}
const invited = { name: 'arbetstagarrep', displayName: 'Olle Representant' };
const managerSig = (round: RoundDoc) => signatureDoc(B1, round._id, { signedBy: 'chef2', role: 'manager' });
const hsoSig = (round: RoundDoc) => signatureDoc(B1, round._id, { signedBy: 'huvudskyddsombud', role: 'safety_rep' });
const repSig = (round: RoundDoc) => signatureDoc(B1, round._id, { signedBy: 'arbetstagarrep', role: 'employee_rep' });
const locked = (round: RoundDoc) => ({ ...round, status: 'signed' as const });

describe('grants of a main safety rep and an employee rep', () => {
	it('opens every unit below a main safety rep’s unit for writing, and an employee rep’s own unit', () => {
		expect(table('huvudskyddsombud')).toEqual({
			org: 'r',
			'user-huvudskyddsombud': 'w',
			'unit-avd-b': 'w',
			'reports-avd-b': 'r',
			'unit-b1': 'w',
			'reports-b1': 'r',
			'unit-b2': 'w',
			'reports-b2': 'r',
			'unit-b3': 'w',
			'reports-b3': 'r',
		});
		expect(table('arbetstagarrep')).toEqual({
			org: 'r',
			'user-arbetstagarrep': 'w',
			'unit-b1': 'w',
			'reports-b1': 'r',
		});
		// The device reads the main safety rep's grant as a safety rep's.
		expect(grantsFor(demo('huvudskyddsombud'), units).find((g) => g.scope === B1)?.role).toBe('safety_rep');
	});

	it('makes a main safety rep a safety rep of the subtree only', () => {
		expect(unitRolesOf(demo('huvudskyddsombud'), 'b1', units)).toEqual(['safety_rep']);
		expect(unitRolesOf(demo('huvudskyddsombud'), 'avd-b', units)).toEqual(['safety_rep']);
		expect(unitRolesOf(demo('huvudskyddsombud'), 'a1', units)).toEqual([]);
	});
});

describe('a main safety rep signs for a unit below them', () => {
	it('signs a B1 round on the safety rep’s side, and the round locks with the manager’s signature', () => {
		const { round, docs } = b1Round();
		expect(write('huvudskyddsombud', B1, hsoSig(round), undefined, docs)).toEqual({ ok: true });
		expect(write('chef2', B1, locked(round), round, [...docs, managerSig(round), hsoSig(round)])).toEqual({
			ok: true,
		});
		expect(write('chef2', B1, locked(round), round, [...docs, managerSig(round)]).reason).toBe(
			'a round is signed only when both have signed; missing: safety_rep',
		);
	});

	it('signs nothing outside the subtree', () => {
		const a1 = roundDoc('a1', { status: 'in_progress' });
		const sig = signatureDoc('unit-a1', a1._id, { signedBy: 'huvudskyddsombud', role: 'safety_rep' });
		expect(write('huvudskyddsombud', 'unit-a1', sig, undefined, [a1]).reason).toBe('no write access to unit-a1');
	});
});

describe('the manager invites an employee rep to co-sign', () => {
	it('takes an invitation by the manager of an employee rep of the unit, in their account’s name', () => {
		const { round } = b1Round();
		const invite = { ...round, coSigner: invited };
		expect(coSignerNeeded(invite as unknown as IncomingDoc, round as unknown as StoredVersion)).toBe(true);
		expect(write('chef2', B1, invite, round)).toEqual({ ok: true });
	});

	it('refuses a co-signer who is not the unit’s member, a wrong name, and an invitation by anyone but the manager', () => {
		const { round } = b1Round();
		const stranger = { ...round, coSigner: { name: 'medarbetare', displayName: 'Mats Medarbetare' } };
		expect(write('chef2', B1, stranger, round).reason).toBe(CO_SIGNER_NOT_MEMBER_REASON);
		// A manager of the unit is a member, but not an employee rep.
		expect(write('chef2', B1, { ...round, coSigner: { name: 'chef2', displayName: 'Bo Chef' } }, round).reason).toBe(
			CO_SIGNER_NOT_MEMBER_REASON,
		);
		const misnamed = { ...round, coSigner: { ...invited, displayName: 'Someone Else' } };
		expect(write('chef2', B1, misnamed, round).reason).toBe(CO_SIGNER_NOT_MEMBER_REASON);
		// Without the roster read the rule knows nobody: refused, never let through.
		expect(write('chef2', B1, { ...round, coSigner: invited }, round, [], null).reason).toBe(
			CO_SIGNER_NOT_MEMBER_REASON,
		);
		expect(write('arbetstagarrep', B1, { ...round, coSigner: invited }, round).reason).toBe(
			CO_SIGNER_BY_MANAGER_REASON,
		);
		expect(write('huvudskyddsombud', B1, { ...round, coSigner: invited }, round).reason).toBe(
			CO_SIGNER_BY_MANAGER_REASON,
		);
	});

	it('lets only the invited employee rep sign as such, and locks the round with the manager’s signature', () => {
		const { round, docs } = b1Round();
		expect(write('arbetstagarrep', B1, repSig(round), undefined, docs).reason).toBe(NOT_INVITED_REASON);
		const { round: withInvite, docs: invitedDocs } = b1Round({ coSigner: invited });
		expect(write('arbetstagarrep', B1, repSig(withInvite), undefined, invitedDocs)).toEqual({ ok: true });
		// An employee rep holds no safety rep role: they cannot sign as one.
		const asRep = signatureDoc(B1, withInvite._id, { signedBy: 'arbetstagarrep', role: 'safety_rep' });
		expect(write('arbetstagarrep', B1, asRep, undefined, invitedDocs).reason).toBe(
			'you are not safety_rep of this unit',
		);
		const both = [...invitedDocs, managerSig(withInvite), repSig(withInvite)];
		expect(write('chef2', B1, locked(withInvite), withInvite, both)).toEqual({ ok: true });
		// Withdrawn before the lock: the employee rep's signature no longer counts.
		const { coSigner: _gone, ...withdrawn } = withInvite;
		const others = [...docs, managerSig(withInvite), repSig(withInvite)].map((d) =>
			(d as { _id: string })._id === withInvite._id ? withdrawn : d,
		);
		expect(write('chef2', B1, locked(withdrawn as RoundDoc), withdrawn, others).reason).toBe(
			'a round is signed only when both have signed; missing: safety_rep',
		);
	});

	it('lets the invited employee rep sign the annual follow-up on the safety rep’s side', () => {
		const base: Record<string, unknown> = {
			_id: followUpId('b1', 2026),
			type: 'followup',
			scope: B1,
			unitId: 'b1',
			year: 2026,
			conclusions: 'Arbetsmiljöarbetet fungerar.',
			createdAt: NOW,
			updatedAt: NOW,
		};
		for (const q of FOLLOW_UP_QUESTIONS) base[q] = 'yes';
		const doc = base as FollowUpDoc;
		const sig = { by: 'arbetstagarrep', name: 'Olle Representant', at: NOW, contentHash: followUpContentHash(doc) };
		expect(write('arbetstagarrep', B1, { ...doc, safetyRepSignature: sig }, doc).reason).toBe(
			'you are not safety_rep of this unit',
		);
		const withInvite = { ...doc, coSigner: invited };
		expect(write('chef2', B1, withInvite, doc)).toEqual({ ok: true });
		const signedDoc = { ...withInvite, safetyRepSignature: { ...sig, contentHash: followUpContentHash(withInvite) } };
		expect(write('arbetstagarrep', B1, signedDoc, withInvite)).toEqual({ ok: true });
		expect(write('chef2', B1, { ...doc, coSigner: { name: 'medarbetare', displayName: 'Mats' } }, doc).reason).toBe(
			CO_SIGNER_NOT_MEMBER_REASON,
		);
	});
});

describe('requests and work stops stay with elected safety reps', () => {
	const request = (filedBy: string, filedByName: string): RequestDoc => ({
		_id: testId('request'),
		type: 'request',
		scope: B1,
		unitId: 'b1',
		kind: 'investigation',
		subject: 'Hög arbetsbelastning',
		description: 'Flera beskriver stress.',
		location: '',
		requestedMeasures: 'Undersök bemanningen.',
		replyBy: '2026-12-07',
		filedAt: NOW,
		filedBy,
		filedByName,
		createdAt: NOW,
		updatedAt: NOW,
	});
	const workstop = (recordedBy: string, recordedByName: string) => ({
		_id: testId('workstop'),
		type: 'workstop',
		scope: B1,
		unitId: 'b1',
		stoppedAt: NOW,
		work: 'Lyft utan lyftutrustning',
		reason: 'Omedelbar och allvarlig fara.',
		recordedAt: NOW,
		recordedBy,
		recordedByName,
		authorityAsked: false,
		createdAt: NOW,
		updatedAt: NOW,
	});

	it('refuses an employee rep’s request or work stop, and takes a main safety rep’s', () => {
		expect(write('arbetstagarrep', B1, request('arbetstagarrep', 'Olle Representant')).reason).toBe(
			'your role may not write request documents',
		);
		expect(write('arbetstagarrep', B1, workstop('arbetstagarrep', 'Olle Representant')).reason).toBe(
			'your role may not write workstop documents',
		);
		expect(write('huvudskyddsombud', B1, request('huvudskyddsombud', 'Tove Huvudskyddsombud'))).toEqual({ ok: true });
		expect(write('huvudskyddsombud', B1, workstop('huvudskyddsombud', 'Tove Huvudskyddsombud'))).toEqual({
			ok: true,
		});
	});
});
