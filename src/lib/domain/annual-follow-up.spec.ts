import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	FOLLOW_UP_QUESTIONS,
	commentField,
	dueUnits,
	followUpBlockers,
	followUpChangeRefusal,
	followUpContentHash,
	followUpFacts,
	followUpId,
	followUpState,
	parseFollowUpId,
	type FollowUpValue,
} from './annual-follow-up.ts';
import { mergeDocs } from './merge.ts';
import { SAME_SIGNER_REASON } from './recorded.ts';
import {
	checkDoc,
	REQUEST_DECISIONS,
	REQUEST_KINDS,
	type ActionDoc,
	type FollowUpDoc,
	type RequestDecision,
	type RequestDoc,
	type RoundDoc,
	type TemplateDoc,
	type WorkstopDoc,
} from './schemas.ts';

const NOW = '2026-11-23T09:00:00.000Z';

function base(unitId = 'a1', year = 2026): FollowUpDoc {
	return {
		_id: followUpId(unitId, year),
		type: 'followup',
		scope: `unit-${unitId}`,
		unitId,
		year,
		createdAt: NOW,
		updatedAt: NOW,
	};
}

function complete(): FollowUpDoc {
	const doc: Record<string, unknown> = { ...base(), conclusions: 'SAM fungerar; fler OSA-ronder behövs.' };
	for (const q of FOLLOW_UP_QUESTIONS) doc[q] = 'yes';
	return doc as FollowUpDoc;
}

function signed(doc: FollowUpDoc, role: 'manager' | 'safety_rep', by = role === 'manager' ? 'chef' : 'skyddsombud') {
	const sig = { by, name: by, at: NOW, contentHash: followUpContentHash(doc) };
	return { ...doc, ...(role === 'manager' ? { managerSignature: sig } : { safetyRepSignature: sig }) };
}

describe('ids', () => {
	it('is one id per unit and year, readable back, also for unit ids with dashes', () => {
		expect(followUpId('a1', 2026)).toBe('followup:a1-2026');
		expect(parseFollowUpId('followup:avd-a-2026')).toEqual({ unitId: 'avd-a', year: 2026 });
		expect(parseFollowUpId('followup:a1')).toBeUndefined();
		expect(parseFollowUpId('round:a1-2026')).toBeUndefined();
	});

	it('the schema refuses an id that does not name its unit and year', () => {
		expect(checkDoc(base()).ok).toBe(true);
		expect(checkDoc({ ...base(), _id: 'followup:a1-2025' })).toMatchObject({ ok: false });
		expect(checkDoc({ ...base(), rounds: 'not_applicable' })).toMatchObject({ ok: false });
		expect(checkDoc({ ...base(), actionIds: ['finding:x'] })).toMatchObject({ ok: false });
		expect(checkDoc(signed(complete(), 'manager')).ok).toBe(true);
	});
});

describe('state and signatures', () => {
	it('is not started without a document, in progress while open, and lists what blocks signing', () => {
		expect(followUpState(undefined).status).toBe('not_started');
		const state = followUpState({ ...base(), rounds: 'yes' });
		expect(state).toMatchObject({ status: 'in_progress', answered: 1, total: 10, complete: false, locked: false });
		expect(state.blockers.unanswered).not.toContain('rounds');
		expect(state.blockers.noConclusions).toBe(true);
		expect(followUpBlockers(complete())).toEqual({ unanswered: [], noConclusions: false });
	});

	it('a signature counts while the content is what was signed; locked once both count', () => {
		const one = signed(complete(), 'manager');
		expect(followUpState(one).signatures.manager?.counts).toBe(true);
		expect(followUpState(one).locked).toBe(false);
		const both = signed(one, 'safety_rep');
		expect(followUpState(both)).toMatchObject({ status: 'signed', locked: true });
		const changed = { ...one, risksComment: 'Ändrat efter signering' };
		expect(followUpState(changed).signatures.manager?.counts).toBe(false);
	});

	it('the fingerprint ignores bookkeeping, signatures, absent-versus-empty and the order of linked actions', () => {
		const doc = { ...complete(), actionIds: ['action:b', 'action:a'] };
		const same = {
			...doc,
			_rev: '3-x',
			updatedAt: '2027-01-01T00:00:00.000Z',
			clock: { rounds: '1795424400000-0000-dev' },
			actionIds: ['action:a', 'action:b'],
			roundsComment: '',
		};
		expect(followUpContentHash(signed(same, 'manager'))).toBe(followUpContentHash(doc));
		expect(followUpContentHash({ ...doc, conclusions: 'Annat' })).not.toBe(followUpContentHash(doc));
	});
});

describe('merging two devices', () => {
	it('two devices answering different questions offline keep both answers (property)', () => {
		const values = fc.constantFrom<FollowUpValue>('yes', 'partly', 'no');
		fc.assert(
			fc.property(
				fc.dictionary(fc.constantFrom(...FOLLOW_UP_QUESTIONS), values),
				fc.dictionary(fc.constantFrom(...FOLLOW_UP_QUESTIONS), values),
				(mine, theirs) => {
					const stamp = (dev: string, n: number) => `${String(1795424400000 + n).padStart(13, '0')}-0000-${dev}`;
					const a: Record<string, unknown> = { ...base(), clock: {} };
					const b: Record<string, unknown> = { ...base(), clock: {} };
					for (const [q, v] of Object.entries(mine)) {
						a[q] = v;
						(a.clock as Record<string, string>)[q] = stamp('a', 1);
					}
					for (const [q, v] of Object.entries(theirs)) {
						if (q in mine) continue; // only different questions
						b[q] = v;
						(b.clock as Record<string, string>)[q] = stamp('b', 2);
					}
					const merged = mergeDocs(a as never, b as never) as Record<string, unknown>;
					for (const [q, v] of Object.entries(mine)) expect(merged[q]).toBe(v);
					for (const [q, v] of Object.entries(theirs)) if (!(q in mine)) expect(merged[q]).toBe(v);
					expect(checkDoc(merged).ok).toBe(true);
				},
			),
		);
	});
});

describe('the server rules (followUpChangeRefusal)', () => {
	const refusal = (stored: object | undefined, doc: object, user = 'chef', roles = ['manager']) =>
		followUpChangeRefusal(stored as never, doc as never, user, roles);

	it('lets both edit and sign as themselves in their own role, on complete content', () => {
		expect(refusal(undefined, { ...base(), rounds: 'yes' })).toBeUndefined();
		const doc = { ...complete(), _rev: '2-a' };
		expect(refusal(doc, signed(doc, 'manager'))).toBeUndefined();
		expect(refusal(doc, signed(doc, 'safety_rep'), 'skyddsombud', ['safety_rep'])).toBeUndefined();
	});

	it('lets the invited employee rep sign on the safety rep’s side, and no other employee rep (decision 0028)', () => {
		const doc = { ...complete(), _rev: '2-a' };
		const withInvite = { ...doc, coSigner: { name: 'arbetstagarrep', displayName: 'Olle Representant' } };
		const repSigned = signed(withInvite, 'safety_rep', 'arbetstagarrep');
		expect(refusal(withInvite, repSigned, 'arbetstagarrep', ['employee_rep'])).toBeUndefined();
		expect(refusal(doc, signed(doc, 'safety_rep', 'arbetstagarrep'), 'arbetstagarrep', ['employee_rep'])).toBe(
			'you are not safety_rep of this unit',
		);
		expect(
			refusal(withInvite, signed(withInvite, 'manager', 'arbetstagarrep'), 'arbetstagarrep', ['employee_rep']),
		).toBe('you are not manager of this unit');
		expect(followUpState(signed(repSigned, 'manager')).locked).toBe(true);
	});

	it('refuses signing in another name or a role not held, on incomplete content, and taking a signature away', () => {
		const doc = { ...complete(), _rev: '2-a' };
		expect(refusal(doc, signed(doc, 'safety_rep'))).toBe('you may sign only as yourself');
		expect(refusal(doc, signed(doc, 'safety_rep', 'chef'))).toBe('you are not safety_rep of this unit');
		const open = { ...base(), _rev: '1-a', rounds: 'yes' };
		expect(refusal(open, signed(open as FollowUpDoc, 'manager'))).toMatch(/answer every question/);
		const withSig = signed(doc, 'manager');
		expect(refusal(withSig, { ...doc }, 'skyddsombud', ['safety_rep'])).toBe('a signature cannot be taken away');
		expect(refusal(doc, { ...doc, _deleted: true })).toBe('an annual follow-up is never deleted');
	});

	it('once both signatures count nothing changes but bookkeeping; a stale signature does not lock', () => {
		const locked = { ...signed(signed(complete(), 'manager'), 'safety_rep'), _rev: '5-a' };
		expect(refusal(locked, { ...locked, conclusions: 'Ändrad' })).toMatch(/can no longer change/);
		expect(refusal(locked, { ...locked, managerSignature: undefined })).toMatch(/can no longer change/);
		expect(refusal(locked, { ...locked, updatedAt: '2027-01-01T00:00:00.000Z', clock: {} })).toBeUndefined();
		// The manager signed, then the safety rep changed an answer: the manager's signature no longer counts.
		const stale = { ...signed(complete(), 'manager'), policy: 'partly', _rev: '3-a' };
		const next = signed(stale as FollowUpDoc, 'safety_rep');
		expect(refusal(stale, next, 'skyddsombud', ['safety_rep'])).toBeUndefined();
		expect(followUpState(next as FollowUpDoc).locked).toBe(false);
	});

	it('never takes both signatures from one account, whatever roles it holds by then (decision 0016)', () => {
		const doc = { ...complete(), _rev: '2-a' };
		const byChef = signed(doc, 'manager');
		// The manager, since made safety rep as well, signs the other role too: refused.
		const both = signed(byChef, 'safety_rep', 'chef');
		expect(refusal(byChef, both, 'chef', ['manager', 'safety_rep'])).toBe(SAME_SIGNER_REASON);
		expect(refusal(doc, both, 'chef', ['manager', 'safety_rep'])).toBe(SAME_SIGNER_REASON);
		// Stored so (before this rule): the two do not lock the record.
		const state = followUpState(both as FollowUpDoc);
		expect(state).toMatchObject({ sameSigner: true, locked: false, status: 'in_progress' });
		// A signature that no longer counts (the content changed since) is no obstacle.
		const changed = { ...byChef, policy: 'partly' as const };
		expect(refusal(changed, signed(changed, 'safety_rep', 'chef'), 'chef', ['safety_rep'])).toBeUndefined();
		// Two accounts lock it.
		expect(followUpState(signed(byChef, 'safety_rep') as FollowUpDoc)).toMatchObject({
			sameSigner: false,
			locked: true,
		});
	});
});

describe('facts and due units', () => {
	const tpl = (id: string, kind: TemplateDoc['kind']) => ({ _id: id, kind }) as TemplateDoc;
	const round = (id: string, date: string, status: RoundDoc['status'], templateId = 'template:physical.v1') =>
		({ _id: id, type: 'round', scope: 'unit-a1', unitId: 'a1', date, status, templateId }) as RoundDoc;
	const action = (status: ActionDoc['status'], extra: Partial<ActionDoc> = {}) =>
		({
			_id: `action:${Math.random()}`,
			type: 'action',
			scope: 'unit-a1',
			status,
			createdAt: '2026-03-01T10:00:00.000Z',
			due: null,
			done: null,
			followUp: null,
			...extra,
		}) as ActionDoc;

	it('counts the year’s rounds, their findings with risk, and the actions', () => {
		const facts = followUpFacts({
			unitId: 'a1',
			year: 2026,
			today: '2026-11-27',
			templates: [tpl('template:physical.v1', 'physical'), tpl('template:osa.v1', 'osa')],
			rounds: [
				round('round:1', '2026-03-01', 'signed'),
				round('round:2', '2026-09-01', 'signed', 'template:osa.v1'),
				round('round:3', '2026-11-01', 'in_progress'),
				round('round:old', '2025-05-01', 'signed'),
			],
			findings: [
				{ _id: 'finding:1', scope: 'unit-a1', roundId: 'round:1', status: 'open' },
				{ _id: 'finding:2', scope: 'unit-a1', roundId: 'round:2', status: 'closed' },
				{ _id: 'finding:3', scope: 'unit-a1', roundId: 'round:3', status: 'open' },
				{ _id: 'finding:4', scope: 'unit-a1', roundId: 'round:1', status: 'withdrawn' },
				{ _id: 'finding:old', scope: 'unit-a1', roundId: 'round:old', status: 'open' },
			] as never,
			assessments: [
				{
					_id: 'assessment:1',
					scope: 'unit-a1',
					findingId: 'finding:1',
					probability: 3,
					consequence: 4,
					serious: true,
					stamp: '1',
				},
				{
					_id: 'assessment:2',
					scope: 'unit-a1',
					findingId: 'finding:2',
					probability: 1,
					consequence: 2,
					serious: false,
					stamp: '1',
				},
			] as never,
			actions: [
				action('planned', { due: '2026-10-01' }),
				action('in_progress'),
				action('done', { done: '2026-06-01' }),
				action('effect_checked', { done: '2026-05-01' }),
				action('effect_checked', { createdAt: '2024-01-01T00:00:00.000Z', done: '2024-02-01' }),
				action('postponed', { postponeReason: 'Budget' }),
			],
			requests: [],
			workstops: [],
		});
		expect(facts.rounds).toEqual({ signed: 2, notSigned: 1, signedByKind: { physical: 1, osa: 1 } });
		expect(facts.findings).toEqual({
			total: 3,
			open: 2,
			closed: 1,
			unassessed: 1,
			serious: 1,
			byLevel: { low: 1, medium: 0, high: 0, severe: 1 },
		});
		expect(facts.actions).toEqual({ open: 2, postponed: 1, done: 1, effectChecked: 1, overdue: 1 });
	});

	const by = { by: 'chef', byName: 'Anna Chef' };
	const req = (kind: RequestDoc['kind'], filedAt: string, replyBy: string, extra: Partial<RequestDoc> = {}) =>
		({
			_id: `request:${Math.random()}`,
			type: 'request',
			scope: 'unit-a1',
			unitId: 'a1',
			kind,
			filedAt,
			replyBy,
			...extra,
		}) as RequestDoc;
	const stop = (stoppedAt: string, extra: Partial<WorkstopDoc> = {}) =>
		({
			_id: `workstop:${Math.random()}`,
			type: 'workstop',
			scope: 'unit-a1',
			unitId: 'a1',
			stoppedAt,
			authorityAsked: false,
			...extra,
		}) as WorkstopDoc;
	const answer = (decision: RequestDecision) => ({
		...by,
		at: '2026-05-01T10:00:00.000Z',
		decision,
		text: 'Svar',
		actionIds: [],
	});
	const noUnitWork = { rounds: [], templates: [], findings: [], assessments: [], actions: [] };

	it('counts the safety rep’s requests and work stops of the year, overdue on today, escalated', () => {
		const facts = followUpFacts({
			unitId: 'a1',
			year: 2026,
			today: '2026-11-27',
			...noUnitWork,
			requests: [
				req('measures', '2026-03-01T09:00:00.000Z', '2026-03-15', { answer: answer('partly') }),
				req('measures', '2026-11-01T09:00:00.000Z', '2026-11-15', {
					escalation: { ...by, by: 'skyddsombud', at: '2026-11-20T09:00:00.000Z', note: '' },
				}),
				// The reply date is today: still in time.
				req('investigation', '2026-11-13T09:00:00.000Z', '2026-11-27'),
				req('investigation', '2026-02-01T09:00:00.000Z', '2026-02-15', { answer: answer('rejected') }),
				// Another year, another unit: not counted.
				req('measures', '2025-12-01T09:00:00.000Z', '2025-12-15'),
				{ ...req('measures', '2026-06-01T09:00:00.000Z', '2026-06-15'), unitId: 'b1', scope: 'unit-b1' },
			],
			workstops: [
				stop('2026-04-01T07:00:00.000Z', {
					authorityAsked: true,
					outcome: { ...by, at: '2026-04-02T07:00:00.000Z', text: 'Åtgärdat', resumedAt: '2026-04-02T08:00:00.000Z' },
				}),
				stop('2026-10-01T07:00:00.000Z', {
					authorityAsked: true,
					outcome: { ...by, at: '2026-10-01T09:00:00.000Z', text: 'Väntar', resumedAt: null },
				}),
				stop('2026-11-20T07:00:00.000Z'),
				stop('2025-04-01T07:00:00.000Z'),
			],
		});
		expect(facts.requests).toEqual({
			total: 4,
			byKind: { measures: 2, investigation: 2 },
			answered: 2,
			byDecision: { accepted: 0, partly: 1, rejected: 1 },
			unanswered: 2,
			overdue: 1,
			escalated: 1,
		});
		expect(facts.workstops).toEqual({ total: 3, authorityAsked: 2, stillStopped: 2 });
	});

	it('request and work stop counts add up, whatever the documents', () => {
		const day = fc
			.date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true })
			.map((d) => d.toISOString());
		const request = fc
			.record({
				kind: fc.constantFrom(...REQUEST_KINDS),
				filedAt: day,
				replyBy: day.map((d) => d.slice(0, 10)),
				unitId: fc.constantFrom('a1', 'b1'),
				decision: fc.option(fc.constantFrom(...REQUEST_DECISIONS)),
				escalated: fc.boolean(),
			})
			.map(({ kind, filedAt, replyBy, unitId, decision, escalated }) =>
				req(kind, filedAt, replyBy, {
					unitId,
					...(decision ? { answer: answer(decision) } : {}),
					...(escalated ? { escalation: { ...by, at: filedAt, note: '' } } : {}),
				}),
			);
		const workstop = fc
			.record({ stoppedAt: day, asked: fc.boolean(), resumed: fc.option(day), outcome: fc.boolean() })
			.map(({ stoppedAt, asked, resumed, outcome }) =>
				stop(stoppedAt, {
					authorityAsked: asked,
					...(outcome ? { outcome: { ...by, at: stoppedAt, text: 'Utfall', resumedAt: resumed } } : {}),
				}),
			);
		fc.assert(
			fc.property(fc.array(request), fc.array(workstop), day, (requests, workstops, today) => {
				const { requests: r, workstops: w } = followUpFacts({
					unitId: 'a1',
					year: 2026,
					today: today.slice(0, 10),
					...noUnitWork,
					requests,
					workstops,
				});
				const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
				expect(sum(r.byKind)).toBe(r.total);
				expect(sum(r.byDecision)).toBe(r.answered);
				expect(r.answered + r.unanswered).toBe(r.total);
				expect(r.overdue).toBeLessThanOrEqual(r.unanswered);
				expect(r.escalated).toBeLessThanOrEqual(r.total);
				expect(r.total).toBe(requests.filter((x) => x.unitId === 'a1' && x.filedAt.startsWith('2026-')).length);
				expect(w.authorityAsked).toBeLessThanOrEqual(w.total);
				expect(w.stillStopped).toBeLessThanOrEqual(w.total);
			}),
		);
	});

	it('a unit is due until its follow-up of the year is signed by both', () => {
		const locked = signed(signed(complete(), 'manager'), 'safety_rep');
		expect(dueUnits(['a1', 'a2'], [locked], 2026)).toEqual(['a2']);
		expect(dueUnits(['a1'], [locked], 2027)).toEqual(['a1']);
		expect(dueUnits(['a1'], [signed(complete(), 'manager')], 2026)).toEqual(['a1']);
	});

	it('comment fields are named after their question', () => {
		expect(commentField('sickLeave')).toBe('sickLeaveComment');
	});
});
