/**
 * The access policy as pure functions: the grant table for every demo account and for an
 * ancestor manager, and the per-type write rules with the reason each refusal gives.
 */
import { describe, expect, it } from 'vitest';
import type {
	AnswerDoc,
	AssessmentDoc,
	FindingDoc,
	ReopeningDoc,
	RoundDoc,
	ScopeGrant,
	SignatureDoc,
	TemplateDoc,
} from '../../../src/lib/domain/index.ts';
import { findingIdForItem } from '../../../src/lib/domain/index.ts';
import {
	CREATED_BY_FIXED_REASON,
	RECORDED_AHEAD_REASON,
	RECORDED_NAME_REASON,
	RECORDED_TOO_OLD_REASON,
	SAME_SIGNER_REASON,
} from '../../../src/lib/domain/recorded.ts';
import { DEMO_ACCOUNTS, demoUnits } from '../seed/demo.ts';
import {
	actionDoc,
	answerDoc,
	assessmentDoc,
	findingDoc,
	roundDoc,
	signatureDoc,
	TEST_SERVER_TIME,
} from '../test-harness.ts';
import type { Grantee, IncomingDoc, PolicyUser, RoundFile, StoredVersion } from './access.ts';
import { checkWrite, grantsFor, referencedIds, roundFilesNeeded, scopeKind } from './access.ts';

const units = demoUnits('2026-11-23T09:00:00.000Z').map((u) => ({ _id: u._id, name: u.name, parentId: u.parentId }));
const demo = (name: string): PolicyUser => {
	const a = DEMO_ACCOUNTS.find((x) => x.name === name);
	if (!a) throw new Error(name);
	return { name: a.name, displayName: a.displayName, roles: [...a.roles], memberships: [...a.memberships] };
};
/** `scope → 'r' | 'w'` for compact comparison. */
const table = (grants: ScopeGrant[]) => Object.fromEntries(grants.map((g) => [g.scope, g.write ? 'w' : 'r']));

describe('grantsFor', () => {
	it.each([
		['chef', { org: 'r', 'user-chef': 'w', 'unit-a1': 'w', 'reports-a1': 'r' }],
		['chef2', { org: 'r', 'user-chef2': 'w', 'unit-b1': 'w', 'reports-b1': 'r' }],
		['skyddsombud', { org: 'r', 'user-skyddsombud': 'w', 'unit-a1': 'w', 'reports-a1': 'r' }],
		['medarbetare', { org: 'r', 'user-medarbetare': 'w' }],
		['hr', { org: 'w', 'user-hr': 'w', reports: 'r' }],
		['admin', { org: 'w', 'user-admin': 'w' }],
	])('%s syncs exactly %j', (name, expected) => {
		expect(table(grantsFor(demo(name), units))).toEqual(expected);
	});

	it('lets a manager of a division read (not write) every unit below it and their reports', () => {
		const head: Grantee = { name: 'head', roles: ['manager'], memberships: [{ unitId: 'avd-a', role: 'manager' }] };
		expect(table(grantsFor(head, units))).toEqual({
			org: 'r',
			'user-head': 'w',
			'unit-avd-a': 'w',
			'reports-avd-a': 'r',
			'unit-a1': 'r',
			'unit-a2': 'r',
			'unit-a3': 'r',
			'reports-a1': 'r',
			'reports-a2': 'r',
			'reports-a3': 'r',
		});
	});

	it('keeps write where a user is manager of a unit and of its ancestor', () => {
		const both: Grantee = {
			name: 'both',
			roles: ['manager'],
			memberships: [
				{ unitId: 'forv', role: 'manager' },
				{ unitId: 'a1', role: 'manager' },
			],
		};
		const t = table(grantsFor(both, units));
		expect(t['unit-a1']).toBe('w');
		expect(t['unit-b3']).toBe('r');
	});

	it('gives a safety rep nothing below their unit, and a membership of an unknown unit nothing', () => {
		const rep: Grantee = {
			name: 'rep',
			roles: ['safety_rep'],
			memberships: [
				{ unitId: 'avd-b', role: 'safety_rep' },
				{ unitId: 'ghost', role: 'manager' },
			],
		};
		expect(table(grantsFor(rep, units))).toEqual({
			org: 'r',
			'user-rep': 'w',
			'unit-avd-b': 'w',
			'reports-avd-b': 'r',
		});
	});

	it('grants nothing for a role or membership it does not know (records come from storage)', () => {
		const odd = {
			name: 'odd',
			roles: ['constructor'],
			memberships: [{ unitId: 'a1', role: 'toString' }],
		} as unknown as Grantee;
		expect(table(grantsFor(odd, units))).toEqual({ org: 'r', 'user-odd': 'w' });
		const weird = { ...roundDoc('a1'), type: 'constructor' };
		expect(write('chef', A1, weird)).toEqual({ ok: false, reason: 'unknown document type constructor' });
	});

	it('survives a cycle in the org tree', () => {
		const looped = [
			{ _id: 'unit:x', name: 'X', parentId: 'unit:y' },
			{ _id: 'unit:y', name: 'Y', parentId: 'unit:x' },
		];
		const m: Grantee = { name: 'm', roles: ['manager'], memberships: [{ unitId: 'x', role: 'manager' }] };
		expect(table(grantsFor(m, looped))).toMatchObject({ 'unit-x': 'w', 'unit-y': 'r' });
	});
});

describe('scopeKind', () => {
	it.each([
		['org', 'org'],
		['reports', 'reports'],
		['reports-a1', 'unitReports'],
		['unit-a1', 'unit'],
		['user-chef', 'user'],
	])('%s is %s', (scope, kind) => expect(scopeKind(scope)).toBe(kind));
});

/** checkWrite for a demo account with the real grants. */
function write(
	name: string | PolicyUser,
	scope: string,
	doc: object,
	stored?: object,
	others: object[] = [],
): { ok: boolean; reason?: string } {
	const user = typeof name === 'string' ? demo(name) : name;
	const byId = new Map(others.map((d) => [(d as StoredVersion)._id, d as StoredVersion]));
	const incoming = doc as IncomingDoc;
	const verdict = checkWrite({
		user,
		grants: grantsFor(user, units),
		now: TEST_SERVER_TIME,
		scope,
		doc: incoming,
		stored: stored as StoredVersion | undefined,
		lookup: (id) => byId.get(id),
		roundFile: (id) => fileOf(id, others),
	});
	return verdict;
}

/** A round's file as the route would read it, from the documents a test lists in `others`. */
function fileOf(roundId: string, others: object[]): RoundFile {
	const all = others as (StoredVersion & { type: string; roundId?: string })[];
	const round = all.find((d) => d._id === roundId) as RoundDoc | undefined;
	const ofRound = <T>(type: string) => all.filter((d) => d.type === type && d.roundId === roundId) as unknown as T[];
	return {
		round,
		template: all.find((d) => d.type === 'template' && d._id === round?.templateId) as TemplateDoc | undefined,
		answers: ofRound<AnswerDoc>('answer'),
		findings: all.filter((d) => d.type === 'finding') as unknown as FindingDoc[],
		assessments: all.filter((d) => d.type === 'assessment') as unknown as AssessmentDoc[],
		signatures: ofRound<SignatureDoc>('signature'),
		reopenings: ofRound<ReopeningDoc>('reopening'),
	};
}
const tomb = (doc: { _id: string; type: string; scope: string }) => ({
	_id: doc._id,
	_rev: '1-x',
	_deleted: true,
	type: doc.type,
	scope: doc.scope,
});
const A1 = 'unit-a1';

describe('checkWrite: scopes and writers', () => {
	it('lets managers and safety reps write their own unit, nobody else', () => {
		const round = roundDoc('a1');
		expect(write('chef', A1, round)).toEqual({ ok: true });
		expect(write('skyddsombud', A1, { ...round, createdBy: 'skyddsombud' })).toEqual({ ok: true });
		for (const name of ['chef2', 'medarbetare', 'hr', 'admin']) {
			expect(write(name, A1, round)).toEqual({ ok: false, reason: 'no write access to unit-a1' });
		}
	});

	it('refuses a document whose scope or unitId does not match the URL, or whose stored version is elsewhere', () => {
		expect(write('chef', A1, roundDoc('b1')).reason).toBe('document scope unit-b1 does not match unit-a1');
		expect(write('chef', A1, roundDoc('a1', { unitId: 'b1' })).reason).toBe('unitId does not match unit-a1');
		const round = roundDoc('a1');
		expect(write('chef', A1, round, { ...round, scope: 'unit-b1' }).reason).toBe(
			'stored document belongs to another scope',
		);
	});

	it('keeps documents in the scope kind they belong to', () => {
		const unit = { _id: 'unit:new', type: 'unit', scope: A1 };
		expect(write('chef', A1, unit).reason).toBe('a unit document does not belong in unit-a1');
		expect(write('hr', 'org', { ...roundDoc('a1'), scope: 'org' }).reason).toBe(
			'a round document does not belong in org',
		);
		expect(write('chef', 'user-chef', answerDoc('user-chef', 'round:x')).reason).toBe(
			'a answer document does not belong in user-chef',
		);
	});

	it('lets only HR and admin write the org tree and templates', () => {
		const unit = { _id: 'unit:new', type: 'unit', scope: 'org', name: 'N', parentId: null, level: 'unit' };
		expect(write('hr', 'org', unit)).toEqual({ ok: true });
		expect(write('admin', 'org', unit)).toEqual({ ok: true });
		expect(write('chef', 'org', unit)).toEqual({ ok: false, reason: 'no write access to org' });
	});

	it('lets only HR and admin write the risk settings', () => {
		const doc = { _id: 'settings:risk', type: 'settings', scope: 'org', bands: { medium: 3, high: 6, severe: 10 } };
		expect(write('hr', 'org', doc)).toEqual({ ok: true });
		expect(write('admin', 'org', doc)).toEqual({ ok: true });
		for (const name of ['chef', 'skyddsombud', 'medarbetare']) {
			expect(write(name, 'org', doc)).toEqual({ ok: false, reason: 'no write access to org' });
		}
		expect(write('chef', A1, { ...doc, scope: A1 }).reason).toBe('a settings document does not belong in unit-a1');
	});

	it('lets only the owner write a personal scope', () => {
		const draft = { ...roundDoc('a1'), scope: 'user-chef' };
		expect(write('chef', 'user-chef', draft)).toEqual({ ok: true });
		expect(write('chef2', 'user-chef', draft)).toEqual({ ok: false, reason: 'no write access to user-chef' });
		expect(write('admin', 'user-chef', draft).ok).toBe(false);
	});

	it('lets no client write any report scope, even with a forged grant', () => {
		const doc = { ...roundDoc('a1'), scope: 'reports-a1' };
		expect(write('chef', 'reports-a1', doc)).toEqual({ ok: false, reason: 'no write access to reports-a1' });
		expect(write('hr', 'reports', { ...doc, scope: 'reports' }).reason).toBe('no write access to reports');
		const user = demo('hr');
		const forged = checkWrite({
			user,
			now: TEST_SERVER_TIME,
			grants: [{ scope: 'reports', unitId: null, unitName: null, role: 'hr', write: true }],
			scope: 'reports',
			doc: { ...doc, scope: 'reports' } as IncomingDoc,
			stored: undefined,
		});
		expect(forged).toEqual({ ok: false, reason: 'reports is written by the server only' });
	});

	it('lets a division manager read but not write the units below', () => {
		const head: PolicyUser = {
			name: 'head',
			displayName: 'Dora Avdelningschef',
			roles: ['manager'],
			memberships: [{ unitId: 'avd-a', role: 'manager' }],
		};
		expect(write(head, A1, roundDoc('a1')).reason).toBe('no write access to unit-a1');
	});

	it('keeps type and scope through a delete', () => {
		const round = roundDoc('a1');
		expect(write('chef', A1, tomb(round), round)).toEqual({ ok: true });
		const asAction = { ...tomb(round), type: 'action' };
		expect(write('chef', A1, asAction, round).reason).toBe('a round document cannot become action');
		expect(write('chef', A1, { ...tomb(round), scope: 'unit-b1' }, round).reason).toBe(
			'document scope unit-b1 does not match unit-a1',
		);
	});
});

describe('checkWrite: per-type rules', () => {
	it('freezes a signed round: no edit, no delete, by anyone', () => {
		const signed = roundDoc('a1', { status: 'signed' });
		for (const name of ['chef', 'skyddsombud']) {
			expect(write(name, A1, { ...signed, date: '2026-11-24' }, signed).reason).toBe(
				'the round is signed and can no longer change',
			);
			expect(write(name, A1, tomb(signed), signed).reason).toBe('the round is signed and can no longer change');
		}
	});

	it('freezes the answers and findings of a signed round, also new ones and deletes', () => {
		const signed = roundDoc('a1', { status: 'signed' });
		const open = roundDoc('a1', { status: 'in_progress' });
		const answer = answerDoc(A1, signed._id);
		const reason = `round ${signed._id} is signed; its answers can no longer change`;
		expect(write('chef', A1, answer, undefined, [signed]).reason).toBe(reason);
		expect(write('chef', A1, { ...answer, value: 'no' }, answer, [signed]).reason).toBe(reason);
		expect(write('skyddsombud', A1, tomb(answer), answer, [signed]).reason).toBe(reason);
		// Moving an answer of a signed round to an open round is refused too.
		expect(write('chef', A1, { ...answer, roundId: open._id }, answer, [signed, open]).ok).toBe(false);
		const finding = findingDoc(A1, { roundId: signed._id });
		expect(write('chef', A1, finding, undefined, [signed]).reason).toBe(
			`round ${signed._id} is signed; its findings can no longer change`,
		);
		expect(write('chef', A1, answerDoc(A1, open._id), undefined, [open])).toEqual({ ok: true });
		expect(write('chef', A1, findingDoc(A1))).toEqual({ ok: true });
		expect(referencedIds(answer as IncomingDoc, undefined)).toEqual([signed._id]);
	});

	it('keeps an answer with its round', () => {
		const a = roundDoc('a1');
		const b = roundDoc('a1');
		const answer = answerDoc(A1, a._id);
		expect(write('chef', A1, { ...answer, roundId: b._id }, answer, [a, b]).reason).toBe('roundId cannot change');
	});

	it('keeps answers append-only: a change is a new answer, never an edit or a delete (decision 0005)', () => {
		const round = roundDoc('a1', { status: 'in_progress' });
		const first = answerDoc(A1, round._id, { value: 'yes' });
		expect(write('chef', A1, first, undefined, [round])).toEqual({ ok: true });
		expect(write('chef', A1, { ...first, value: 'no' }, first, [round]).reason).toBe('answers are append-only');
		expect(write('chef', A1, { ...first, comment: 'edited' }, first, [round]).reason).toBe('answers are append-only');
		expect(write('chef', A1, tomb(first), first, [round]).reason).toBe('answers cannot be deleted');
		expect(write('skyddsombud', A1, tomb(first), undefined, [round]).reason).toBe('answers cannot be deleted');
		// The same answer sent again after a lost response is no edit (storage answers it as a conflict).
		expect(write('chef', A1, { ...first, updatedAt: '2026-11-23T09:05:00.000Z' }, first, [round])).toEqual({
			ok: true,
		});
		// The next answer to the same item is a new document, by either person, in their own name.
		const later = answerDoc(A1, round._id, { value: 'no', answeredBy: 'skyddsombud' });
		expect(write('skyddsombud', A1, later, undefined, [round])).toEqual({ ok: true });
		expect(write('chef', A1, later, undefined, [round]).reason).toBe('answeredBy must be your own user name');
	});

	it('keeps risk assessments append-only, in the assessor’s own name, frozen with a signed round', () => {
		const round = roundDoc('a1', { status: 'in_progress' });
		const finding = findingDoc(A1, { roundId: round._id });
		const first = assessmentDoc(A1, finding._id, { roundId: round._id });
		expect(write('chef', A1, first, undefined, [round])).toEqual({ ok: true });
		expect(write('chef', A1, { ...first, probability: 4 }, first, [round]).reason).toBe('assessments are append-only');
		expect(write('chef', A1, tomb(first), first, [round]).reason).toBe('assessments cannot be deleted');
		expect(write('skyddsombud', A1, assessmentDoc(A1, finding._id)).reason).toBe(
			'assessedBy must be your own user name',
		);
		const signed = { ...round, status: 'signed' as const };
		expect(write('chef', A1, assessmentDoc(A1, finding._id, { roundId: round._id }), undefined, [signed]).reason).toBe(
			`round ${round._id} is signed; its assessments can no longer change`,
		);
		// Findings stay mutable: an edit merges field by field.
		expect(write('skyddsombud', A1, { ...finding, title: 'Better title' }, finding, [round])).toEqual({ ok: true });
	});

	it('lets only a manager of the unit close an action or change a closed one', () => {
		const action = actionDoc(A1, { status: 'done' });
		const closed = { ...action, status: 'effect_checked' as const, effective: true };
		expect(write('skyddsombud', A1, closed, action).reason).toBe(
			'only a manager of the unit closes an action or changes a closed one',
		);
		expect(write('skyddsombud', A1, actionDoc(A1, { status: 'effect_checked', effective: true })).ok).toBe(false);
		expect(write('chef', A1, closed, action)).toEqual({ ok: true });
		expect(write('skyddsombud', A1, { ...closed, comment: 'late note' }, closed).ok).toBe(false);
		expect(write('skyddsombud', A1, tomb(closed), closed).ok).toBe(false);
		// A closed action stays closed (decision 0008); a manager may still add to its comment.
		expect(write('chef', A1, { ...closed, comment: 'late note' }, closed)).toEqual({ ok: true });
		expect(write('skyddsombud', A1, { ...action, status: 'in_progress' }, action)).toEqual({ ok: true });
		// A manager of another unit holds no grant here at all.
		expect(write('chef2', A1, closed, action).reason).toBe('no write access to unit-a1');
	});

	it('keeps signatures append-only, signed by the user in a role they hold here', () => {
		const { round, docs } = completeRound();
		const mine = signatureDoc(A1, round._id, { signedBy: 'chef', role: 'manager' });
		expect(write('chef', A1, mine, undefined, docs)).toEqual({ ok: true });
		expect(write('chef', A1, { ...mine, reservation: 'late edit' }, mine).reason).toBe('signatures are append-only');
		expect(write('chef', A1, tomb(mine), mine).reason).toBe('signatures cannot be deleted');
		expect(write('chef', A1, tomb(mine)).reason).toBe('signatures cannot be deleted');
		expect(write('skyddsombud', A1, mine).reason).toBe('you may sign only as yourself');
		expect(write('chef', A1, { ...mine, role: 'safety_rep' }).reason).toBe('you are not safety_rep of this unit');
		const rep = signatureDoc(A1, round._id, { signedBy: 'skyddsombud', role: 'safety_rep' });
		expect(write('skyddsombud', A1, rep, undefined, docs)).toEqual({ ok: true });
		expect(write('skyddsombud', A1, { ...rep, role: 'manager' }, undefined, docs).reason).toBe(
			'you are not manager of this unit',
		);
	});
});

/** A two-item template, and a round of it with every item answered and its one finding assessed. */
function completeRound(): { round: RoundDoc; docs: object[]; finding: FindingDoc } {
	const template = {
		_id: 'template:sign-test',
		type: 'template',
		scope: 'org',
		kind: 'physical',
		title: { sv: 'Test', en: 'Test' },
		version: 1,
		legalRef: '',
		retired: false,
		sections: [
			{
				id: 's1',
				title: { sv: 'S', en: 'S' },
				items: [
					{ id: 'i1', text: { sv: 'Ett', en: 'One' } },
					{ id: 'i2', text: { sv: 'Två', en: 'Two' } },
				],
			},
		],
		createdAt: '2026-11-23T09:00:00.000Z',
		updatedAt: '2026-11-23T09:00:00.000Z',
	};
	const round = roundDoc('a1', { templateId: template._id, status: 'in_progress' });
	const finding = findingDoc(A1, { _id: findingIdForItem(round._id, 'i2'), roundId: round._id, itemId: 'i2' });
	const docs = [
		template,
		round,
		answerDoc(A1, round._id, { itemId: 'i1', value: 'yes' }),
		answerDoc(A1, round._id, { itemId: 'i2', value: 'no' }),
		finding,
		assessmentDoc(A1, finding._id, { roundId: round._id }),
	];
	return { round, docs, finding };
}

describe('checkWrite: signing, locking and reopening a round', () => {
	const signed = (round: RoundDoc) => ({ ...round, status: 'signed' as const });
	const chefSig = (round: RoundDoc) => signatureDoc(A1, round._id, { signedBy: 'chef', role: 'manager' });
	const repSig = (round: RoundDoc, reservation?: string) =>
		signatureDoc(A1, round._id, {
			signedBy: 'skyddsombud',
			signerName: 'Sara Skyddsombud',
			role: 'safety_rep',
			...(reservation ? { reservation } : {}),
		});

	it('refuses a signature while an item is unanswered or a finding has no risk assessment', () => {
		const { round, docs } = completeRound();
		const noAssessment = docs.filter((d) => (d as { type: string }).type !== 'assessment');
		expect(write('chef', A1, chefSig(round), undefined, noAssessment).reason).toBe(
			'the round cannot be signed yet: 1 findings without a risk assessment',
		);
		const unanswered = docs.filter((d) => (d as { itemId?: string }).itemId !== 'i1');
		expect(write('chef', A1, chefSig(round), undefined, unanswered).reason).toBe(
			'the round cannot be signed yet: 1 items unanswered',
		);
		expect(write('chef', A1, chefSig(round), undefined, docs)).toEqual({ ok: true });
		// A round the server does not hold cannot be signed.
		expect(write('chef', A1, chefSig(roundDoc('a1')), undefined, docs).reason).toMatch(/is not in unit-a1/);
	});

	it('marks a round signed only with both a manager and a safety rep signature', () => {
		const { round, docs } = completeRound();
		expect(write('chef', A1, signed(round), round, docs).reason).toBe(
			'a round is signed only when both have signed; missing: manager, safety_rep',
		);
		expect(write('chef', A1, signed(round), round, [...docs, chefSig(round)]).reason).toBe(
			'a round is signed only when both have signed; missing: safety_rep',
		);
		// Two managers are not a manager and a safety rep.
		const other = signatureDoc(A1, round._id, { signedBy: 'chef-b', role: 'manager' });
		expect(write('chef', A1, signed(round), round, [...docs, chefSig(round), other]).ok).toBe(false);
		expect(write('chef', A1, signed(round), round, [...docs, chefSig(round), repSig(round)])).toEqual({ ok: true });
		// A new round document cannot arrive already signed either.
		expect(write('chef', A1, signed(roundDoc('a1')), undefined, docs).ok).toBe(false);
	});

	it('marks a round signed only when it may be signed, even with both signatures', () => {
		const { round, docs, finding } = completeRound();
		const sigs = [chefSig(round), repSig(round)];
		// A Nej answered on another tablet after the signatures made a finding nobody has assessed.
		const late = findingDoc(A1, { roundId: round._id, title: 'Found after signing' });
		expect(write('chef', A1, signed(round), round, [...docs, ...sigs, late]).reason).toBe(
			'the round cannot be signed: 1 findings without a risk assessment',
		);
		// A withdrawn finding does not block.
		const withdrawn = { ...late, status: 'withdrawn' as const };
		expect(write('chef', A1, signed(round), round, [...docs, ...sigs, withdrawn])).toEqual({ ok: true });
		expect(finding.roundId).toBe(round._id);
	});

	it('keeps a safety rep reservation with the signature', () => {
		const { round, docs } = completeRound();
		const rep = repSig(round, 'The stairs need a handrail before winter.');
		expect(write('skyddsombud', A1, rep, undefined, docs)).toEqual({ ok: true });
		expect(write('skyddsombud', A1, { ...rep, reservation: 'Changed my mind' }, rep, docs).reason).toBe(
			'signatures are append-only',
		);
		expect(write('chef', A1, signed(round), round, [...docs, chefSig(round), rep])).toEqual({ ok: true });
	});

	it('reopens a signed round only with a written reason that sets aside every signature', () => {
		const { round, docs } = completeRound();
		const locked = signed(round);
		const sigs = [chefSig(round), repSig(round)];
		const all = [...docs.filter((d) => d !== round), locked, ...sigs];
		const reopening = {
			_id: 'reopening:r1',
			type: 'reopening',
			scope: A1,
			roundId: round._id,
			reason: 'The date was wrong',
			voids: sigs.map((s) => s._id),
			reopenedAt: '2026-11-24T09:00:00.000Z',
			reopenedBy: 'chef',
			reopenedByName: 'Anna Chef',
			createdAt: '2026-11-24T09:00:00.000Z',
			updatedAt: '2026-11-24T09:00:00.000Z',
		};
		// The round itself cannot go back to in progress before a reopening sets its signatures aside.
		const back = { ...locked, status: 'in_progress' as const };
		expect(write('chef', A1, back, locked, all).reason).toBe('reopen the round with a written reason first');
		expect(write('chef', A1, { ...reopening, reason: '  ' }, undefined, all).ok).toBe(false);
		expect(write('chef', A1, { ...reopening, voids: [sigs[0]?._id] }, undefined, all).reason).toBe(
			'a reopening sets aside every signature of the round',
		);
		expect(write('chef', A1, { ...reopening, reopenedBy: 'skyddsombud' }, undefined, all).reason).toBe(
			'reopenedBy must be your own user name',
		);
		expect(write('chef', A1, { ...reopening, roundId: round._id }, undefined, [...docs, ...sigs]).reason).toBe(
			'only a signed round can be reopened',
		);
		expect(write('chef', A1, reopening, undefined, all)).toEqual({ ok: true });
		expect(write('chef', A1, { ...reopening, reason: 'edited' }, reopening, all).reason).toBe(
			'reopenings are append-only',
		);
		const reopened = [...all, reopening];
		expect(write('chef', A1, back, locked, reopened)).toEqual({ ok: true });
		// Reopening changes the status only; anything else waits until the round is in progress.
		expect(write('chef', A1, { ...back, date: '2026-11-25' }, locked, reopened).reason).toBe(
			'the round is signed and can no longer change',
		);
		// Two devices both locked it: the merged edit changes only clocks, and passes.
		const stamped = { ...locked, updatedAt: '2026-11-24T10:00:00.000Z', clock: { status: '1795424400000-0001-dev' } };
		expect(write('skyddsombud', A1, stamped, locked, all)).toEqual({ ok: true });
		expect(write('chef', A1, { ...locked, status: 'done' }, locked, reopened).reason).toBe(
			'the round is signed and can no longer change',
		);
		// After reopening, the old signatures no longer lock it: it needs both again.
		expect(write('chef', A1, locked, back, reopened).reason).toBe(
			'a round is signed only when both have signed; missing: manager, safety_rep',
		);
	});

	it('asks the route for a round file only for signing, locking, reopening and a template change', () => {
		const { round } = completeRound();
		expect(roundFilesNeeded(chefSig(round) as IncomingDoc, undefined)).toEqual([round._id]);
		expect(roundFilesNeeded(signed(round) as IncomingDoc, round)).toEqual([round._id]);
		expect(roundFilesNeeded(round as IncomingDoc, round)).toEqual([]);
		expect(roundFilesNeeded(answerDoc(A1, round._id) as IncomingDoc, undefined)).toEqual([]);
		const swapped = { ...round, templateVersion: 2 };
		expect(roundFilesNeeded(swapped as IncomingDoc, round)).toEqual([round._id]);
	});
});

describe('checkWrite: two accounts sign a round (decision 0016)', () => {
	/** The manager who is also made the unit's safety rep (the accounts store allows both). */
	const both: PolicyUser = {
		name: 'chef',
		displayName: 'Anna Chef',
		roles: ['manager', 'safety_rep'],
		memberships: [
			{ unitId: 'a1', role: 'manager' },
			{ unitId: 'a1', role: 'safety_rep' },
		],
	};
	const sig = (round: RoundDoc, role: SignatureDoc['role'], signedBy = 'chef') =>
		signatureDoc(A1, round._id, { signedBy, role });
	const signed = (round: RoundDoc) => ({ ...round, status: 'signed' as const });

	it('refuses a signature by the account whose signature of the other role counts', () => {
		const { round, docs } = completeRound();
		const manager = sig(round, 'manager');
		expect(write(both, A1, sig(round, 'safety_rep'), undefined, [...docs, manager]).reason).toBe(SAME_SIGNER_REASON);
		expect(write(both, A1, sig(round, 'manager'), undefined, [...docs, sig(round, 'safety_rep')]).reason).toBe(
			SAME_SIGNER_REASON,
		);
		// Another signature of the same role is no second role.
		expect(write(both, A1, sig(round, 'manager'), undefined, [...docs, manager])).toEqual({ ok: true });
		// A signature set aside by a reopening no longer counts.
		const reopening = {
			_id: 'reopening:r2',
			type: 'reopening',
			scope: A1,
			roundId: round._id,
			reason: 'Fel',
			voids: [manager._id],
			reopenedAt: '2026-11-23T10:00:00.000Z',
			reopenedBy: 'chef',
			reopenedByName: 'Anna Chef',
		};
		expect(write(both, A1, sig(round, 'safety_rep'), undefined, [...docs, manager, reopening])).toEqual({ ok: true });
	});

	it('marks a round signed only when the two roles signed from two accounts', () => {
		const { round, docs } = completeRound();
		// Both stored from one account (written before this rule): the round does not lock.
		const same = [...docs, sig(round, 'manager'), sig(round, 'safety_rep')];
		expect(write(both, A1, signed(round), round, same).reason).toBe(SAME_SIGNER_REASON);
		// The real safety rep signs as well: their signature pairs with the manager's.
		const rep = sig(round, 'safety_rep', 'skyddsombud');
		expect(write(both, A1, signed(round), round, [...same, rep])).toEqual({ ok: true });
		// Signed from one account is no complete pair, yet those signatures count: going back to in
		// progress still needs a reopening that sets them aside.
		const locked = signed(round);
		expect(write(both, A1, { ...round, status: 'in_progress' }, locked, [...same, locked]).reason).toBe(
			'reopen the round with a written reason first',
		);
	});
});

describe('checkWrite: records name the writer at the server’s time (decision 0016)', () => {
	const DAY = 86_400_000;
	const at = (offset: number) => new Date(TEST_SERVER_TIME + offset).toISOString();

	it('judges names and times of every kind of record against the signed-in account and the server clock', () => {
		const round = roundDoc('a1', { status: 'in_progress' });
		expect(write('chef', A1, answerDoc(A1, round._id, { answeredByName: 'Bo Chef' }), undefined, [round]).reason).toBe(
			RECORDED_NAME_REASON,
		);
		expect(write('chef', A1, answerDoc(A1, round._id, { answeredAt: at(-8 * DAY) }), undefined, [round]).reason).toBe(
			RECORDED_TOO_OLD_REASON,
		);
		expect(write('chef', A1, answerDoc(A1, round._id, { answeredAt: at(DAY) }), undefined, [round]).reason).toBe(
			RECORDED_AHEAD_REASON,
		);
		const { round: complete, docs } = completeRound();
		expect(write('chef', A1, signatureDoc(A1, complete._id, { signedAt: at(-8 * DAY) }), undefined, docs).reason).toBe(
			RECORDED_TOO_OLD_REASON,
		);
		expect(
			write('chef', A1, signatureDoc(A1, complete._id, { signerName: 'Sara Skyddsombud' }), undefined, docs).reason,
		).toBe(RECORDED_NAME_REASON);
		// The server's clock decides, not the time the device claims for itself.
		const early = signatureDoc(A1, complete._id, { signedAt: at(-6 * DAY), createdAt: at(-6 * DAY) });
		expect(write('chef', A1, early, undefined, docs)).toEqual({ ok: true });
		const verdict = checkWrite({
			user: demo('chef'),
			grants: grantsFor(demo('chef'), units),
			scope: A1,
			doc: early as IncomingDoc,
			stored: undefined,
			roundFile: (id) => fileOf(id, docs),
			now: TEST_SERVER_TIME + 2 * DAY,
		});
		expect(verdict).toEqual({ ok: false, reason: RECORDED_TOO_OLD_REASON });
	});

	it('fixes createdBy: the creator’s own account at creation, never another after', () => {
		const round = roundDoc('a1');
		expect(write('skyddsombud', A1, round).reason).toBe('createdBy must be your own user name');
		expect(write('skyddsombud', A1, { ...round, createdBy: 'skyddsombud' }, round).reason).toBe(
			CREATED_BY_FIXED_REASON,
		);
		expect(write('skyddsombud', A1, { ...round, date: '2026-12-01' }, round)).toEqual({ ok: true });
		const finding = findingDoc(A1);
		expect(write('skyddsombud', A1, finding).reason).toBe('createdBy must be your own user name');
		expect(write('chef', A1, { ...finding, createdBy: 'skyddsombud' }, finding).reason).toBe(CREATED_BY_FIXED_REASON);
	});

	it('judges an action’s history entry and a reopening like the other records', () => {
		const action = actionDoc(A1);
		const log = {
			_id: 'actionlog:l1',
			type: 'actionlog',
			scope: A1,
			actionId: action._id,
			event: 'created',
			changes: [],
			at: at(0),
			by: 'chef',
			byName: 'Anna Chef',
			createdAt: at(0),
			updatedAt: at(0),
		};
		expect(write('chef', A1, log)).toEqual({ ok: true });
		expect(write('chef', A1, { ...log, byName: 'Sara Skyddsombud' }).reason).toBe(RECORDED_NAME_REASON);
		expect(write('chef', A1, { ...log, at: at(-8 * DAY) }).reason).toBe(RECORDED_TOO_OLD_REASON);
	});
});
