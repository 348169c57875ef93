/**
 * A year of history for the demo organisation (issue 14 item 7), so HR and a department manager
 * see populated report views on the first start: rounds of each kind walked and signed this year
 * and last (for "compared with last year"), findings with risk assessments (serious ones still
 * open), actions in every status, a 6:6a request past its reply-by date, a 6:7 stop, and last
 * year's annual follow-up signed. Invented content; the people are the demo accounts.
 *
 * Dates are days before the seed's `now`, so the history always ends today. Every id is fixed, so
 * a repeated or concurrent seed writes each document once (a conflict means it is there already),
 * and a marker `_local/demo-history` in `org` says it was added, so a later start adds nothing even
 * on another day. Only a demo store (its `_local/demo-seed` done) ever gets it.
 */
import type {
	ActionDoc,
	ActionLogDoc,
	AnswerDoc,
	AssessmentDoc,
	FindingDoc,
	FollowUpDoc,
	RequestDoc,
	RoundDoc,
	SignatureDoc,
	TemplateDoc,
	WorkstopDoc,
} from '../../../src/lib/domain/index.ts';
import {
	AppError,
	DEFAULT_RISK_BANDS,
	FOLLOW_UP_QUESTIONS,
	commentField,
	followUpContentHash,
	followUpId,
	unitScope,
} from '../../../src/lib/domain/index.ts';
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';

const DAY_MS = 86_400_000;
const HISTORY_MARKER = 'demo-history';
const DEMO_SEED_MARKER = 'demo-seed';

type Person = { account: string; name: string };
const CHEF: Person = { account: 'chef', name: 'Anna Chef' };
const AVDCHEF: Person = { account: 'avdchef', name: 'Dora Avdelningschef' };
const SO: Person = { account: 'skyddsombud', name: 'Sara Skyddsombud' };

type Risk = { probability: number; consequence: number; serious: boolean };
type FindingPlan = {
	key: string;
	/** Index of the checklist item answered "no" (or "partly") that the finding comes from. */
	item: number;
	title: string;
	category: FindingDoc['category'];
	status: FindingDoc['status'];
	risk: Risk;
	/** The action taken on it, if any. */
	action?: ActionPlan;
};
type ActionPlan = {
	status: ActionDoc['status'];
	effective?: boolean;
	plannedAction: string;
	/** Days after the round that it was due, done, followed up. */
	dueAfter: number;
	doneAfter?: number;
	postponeReason?: string;
};
type RoundPlan = {
	key: string;
	unitId: string;
	template: 'physical' | 'osa' | 'threat-violence';
	daysAgo: number;
	status: RoundDoc['status'];
	manager: Person;
	findings: FindingPlan[];
};

const serious: Risk = { probability: 3, consequence: 4, serious: true };
const high: Risk = { probability: 3, consequence: 3, serious: false };
const medium: Risk = { probability: 2, consequence: 2, serious: false };
const low: Risk = { probability: 1, consequence: 2, serious: false };

/**
 * The rounds of the last twelve months and the twelve before (so every kind has a round in both,
 * whatever day the seed runs), in Enhet A1 (signed) and A2 (walked, some not yet signed).
 */
const ROUNDS: RoundPlan[] = [
	// Last year, A1: one of each kind, all signed.
	{
		key: 'a1-physical-prev',
		unitId: 'a1',
		template: 'physical',
		daysAgo: 515,
		status: 'signed',
		manager: CHEF,
		findings: [
			{
				key: 'a1-prev-1',
				item: 1,
				title: 'Trasig belysning i trapphuset',
				category: 'physical',
				status: 'closed',
				risk: medium,
				action: {
					status: 'effect_checked',
					effective: true,
					plannedAction: 'Byt armaturer',
					dueAfter: 30,
					doneAfter: 21,
				},
			},
			{
				key: 'a1-prev-2',
				item: 3,
				title: 'Tunga lyft vid varumottagningen',
				category: 'physical',
				status: 'open',
				risk: high,
				action: {
					status: 'effect_checked',
					effective: false,
					plannedAction: 'Instruktion om lyftteknik',
					dueAfter: 45,
					doneAfter: 40,
				},
			},
		],
	},
	{
		key: 'a1-osa-prev',
		unitId: 'a1',
		template: 'osa',
		daysAgo: 480,
		status: 'signed',
		manager: CHEF,
		findings: [
			{
				key: 'a1-prev-3',
				item: 0,
				title: 'Oklart vem som prioriterar arbetet',
				category: 'osa',
				status: 'closed',
				risk: medium,
				action: { status: 'done', plannedAction: 'Veckovis prioriteringsmöte', dueAfter: 60, doneAfter: 50 },
			},
		],
	},
	{
		key: 'a1-tv-prev',
		unitId: 'a1',
		template: 'threat-violence',
		daysAgo: 430,
		status: 'signed',
		manager: CHEF,
		findings: [
			{
				key: 'a1-prev-4',
				item: 0,
				title: 'Larm saknas i mottagningsrummet',
				category: 'threat_violence',
				status: 'closed',
				risk: high,
				action: {
					status: 'effect_checked',
					effective: true,
					plannedAction: 'Installera överfallslarm',
					dueAfter: 90,
					doneAfter: 70,
				},
			},
		],
	},
	// Last year, A2: walked; A2 has no safety rep of its own, so it is not signed (a gap the views show).
	{
		key: 'a2-physical-prev',
		unitId: 'a2',
		template: 'physical',
		daysAgo: 500,
		status: 'done',
		manager: AVDCHEF,
		findings: [
			{
				key: 'a2-prev-1',
				item: 2,
				title: 'Halkrisk vid entrén vintertid',
				category: 'physical',
				status: 'closed',
				risk: medium,
				action: { status: 'done', plannedAction: 'Halkmattor och sandning', dueAfter: 14, doneAfter: 10 },
			},
		],
	},
	// This year, A1: each kind walked and signed, serious risks still open.
	{
		key: 'a1-physical-this',
		unitId: 'a1',
		template: 'physical',
		daysAgo: 150,
		status: 'signed',
		manager: CHEF,
		findings: [
			{
				key: 'a1-this-1',
				item: 3,
				title: 'Tunga lyft vid varumottagningen kvarstår',
				category: 'physical',
				status: 'open',
				risk: serious,
				action: {
					status: 'in_progress',
					plannedAction: 'Köp in lyfthjälpmedel',
					dueAfter: 60,
				},
			},
			{
				key: 'a1-this-2',
				item: 4,
				title: 'Blockerad nödutgång i källaren',
				category: 'physical',
				status: 'open',
				risk: serious,
				action: {
					status: 'postponed',
					plannedAction: 'Flytta förrådet från nödutgången',
					dueAfter: 30,
					postponeReason: 'Nytt förråd blir klart först efter ombyggnaden.',
				},
			},
			{
				key: 'a1-this-3',
				item: 5,
				title: 'Skarpa kanter på arbetsbänk',
				category: 'physical',
				status: 'open',
				risk: low,
				action: { status: 'planned', plannedAction: 'Montera kantskydd', dueAfter: 200 },
			},
		],
	},
	{
		key: 'a1-osa-this',
		unitId: 'a1',
		template: 'osa',
		daysAgo: 90,
		status: 'signed',
		manager: CHEF,
		findings: [
			{
				key: 'a1-this-4',
				item: 1,
				title: 'Hög arbetsbelastning under semesterperioden',
				category: 'osa',
				status: 'open',
				risk: high,
				action: { status: 'done', plannedAction: 'Bemanningsplan för sommaren', dueAfter: 30, doneAfter: 25 },
			},
		],
	},
	{
		key: 'a1-tv-this',
		unitId: 'a1',
		template: 'threat-violence',
		daysAgo: 40,
		status: 'signed',
		manager: CHEF,
		findings: [
			{
				key: 'a1-this-5',
				item: 1,
				title: 'Ensamarbete kvällstid utan rutin',
				category: 'threat_violence',
				status: 'open',
				risk: serious,
				action: { status: 'planned', plannedAction: 'Ta fram rutin för ensamarbete', dueAfter: 30 },
			},
		],
	},
	// This year, A2: walked but not yet signed, one in progress, one planned ahead.
	{
		key: 'a2-physical-this',
		unitId: 'a2',
		template: 'physical',
		daysAgo: 120,
		status: 'done',
		manager: AVDCHEF,
		findings: [
			{
				key: 'a2-this-1',
				item: 2,
				title: 'Dålig ventilation i personalrummet',
				category: 'physical',
				status: 'open',
				risk: high,
				action: {
					status: 'effect_checked',
					effective: false,
					plannedAction: 'Rengör ventilationsdonen',
					dueAfter: 20,
					doneAfter: 15,
				},
			},
		],
	},
	{
		key: 'a2-osa-this',
		unitId: 'a2',
		template: 'osa',
		daysAgo: 10,
		status: 'in_progress',
		manager: AVDCHEF,
		findings: [],
	},
	{
		key: 'a2-tv-this',
		unitId: 'a2',
		template: 'threat-violence',
		daysAgo: -20,
		status: 'planned',
		manager: AVDCHEF,
		findings: [],
	},
];

const templates = new Map<string, TemplateDoc>();
function template(family: RoundPlan['template'], iso: string): TemplateDoc {
	const found = templates.get(family) ?? starterTemplates(iso).find((t) => t.family === family);
	if (!found) throw new Error(`no starter template ${family}`);
	templates.set(family, found);
	return found;
}

/** A clock stamp at `ms` from the seed's own device id. */
const stamp = (ms: number, n = 0): string => `${String(ms).padStart(13, '0')}-${String(n).padStart(4, '0')}-demo-seed`;
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const iso = (ms: number): string => new Date(ms).toISOString();

type ScopedDocs = Map<string, StoredDoc[]>;

function add(out: ScopedDocs, scope: string, doc: StoredDoc): void {
	const list = out.get(scope) ?? [];
	list.push(doc);
	out.set(scope, list);
}

function roundDocs(plan: RoundPlan, nowMs: number, out: ScopedDocs): void {
	const scope = unitScope(plan.unitId);
	const tpl = template(plan.template, iso(nowMs));
	// Rounds walk at ten in the morning, Swedish time near enough.
	const at = Math.floor((nowMs - plan.daysAgo * DAY_MS) / DAY_MS) * DAY_MS + 9 * 3_600_000;
	const createdAt = iso(Math.min(at - 7 * DAY_MS, nowMs));
	const roundId = `round:demo-${plan.key}`;
	const walked = plan.status === 'done' || plan.status === 'signed';
	const round: RoundDoc = {
		_id: roundId,
		type: 'round',
		scope,
		unitId: plan.unitId,
		templateId: tpl._id,
		templateVersion: tpl.version,
		date: day(at),
		status: plan.status,
		participants: [
			{ name: plan.manager.name, role: 'manager', account: plan.manager.account },
			{ name: SO.name, role: 'safety_rep', account: SO.account },
		],
		...(plan.status === 'signed' ? { bands: DEFAULT_RISK_BANDS } : {}),
		createdBy: plan.manager.account,
		createdAt,
		updatedAt: iso(plan.status === 'planned' ? Date.parse(createdAt) : at + 3 * 3_600_000),
	};
	add(out, scope, round);
	if (plan.status === 'planned') return;
	const items = tpl.sections.flatMap((s) => s.items);
	const byItem = new Map(plan.findings.map((f) => [items[f.item]?.id, f]));
	// A round in progress has half its items answered; a walked one all of them.
	const answered = walked ? items : items.slice(0, Math.ceil(items.length / 2));
	answered.forEach((item, i) => {
		const finding = byItem.get(item.id);
		const answer: AnswerDoc = {
			_id: `answer:demo-${plan.key}-${i}`,
			type: 'answer',
			scope,
			roundId,
			itemId: item.id,
			value: finding
				? finding.risk.serious || finding.risk === high
					? 'no'
					: 'partly'
				: i % 7 === 6
					? 'not_applicable'
					: 'yes',
			comment: finding ? finding.title : '',
			fixedOnSite: false,
			fixedNote: '',
			photos: [],
			stamp: stamp(at + i * 60_000),
			answeredAt: iso(at + i * 60_000),
			answeredBy: plan.manager.account,
			answeredByName: plan.manager.name,
			createdAt: iso(at + i * 60_000),
			updatedAt: iso(at + i * 60_000),
		};
		add(out, scope, answer);
	});
	plan.findings.forEach((f, i) => findingDocs(plan, f, items[f.item]?.id, roundId, at + (i + 1) * 600_000, nowMs, out));
	if (plan.status !== 'signed') return;
	const signedAt = at + DAY_MS;
	for (const [n, person, role] of [
		[0, plan.manager, 'manager'],
		[1, SO, 'safety_rep'],
	] as const) {
		const signature: SignatureDoc = {
			_id: `signature:demo-${plan.key}-${role}`,
			type: 'signature',
			scope,
			roundId,
			signedBy: person.account,
			signerName: person.name,
			role,
			signedAt: iso(signedAt + n * 3_600_000),
			createdAt: iso(signedAt + n * 3_600_000),
			updatedAt: iso(signedAt + n * 3_600_000),
		};
		add(out, scope, signature);
	}
}

function findingDocs(
	plan: RoundPlan,
	f: FindingPlan,
	itemId: string | undefined,
	roundId: string,
	at: number,
	nowMs: number,
	out: ScopedDocs,
): void {
	const scope = unitScope(plan.unitId);
	const findingId = `finding:demo-${f.key}`;
	const finding: FindingDoc = {
		_id: findingId,
		type: 'finding',
		scope,
		roundId,
		...(itemId ? { itemId } : {}),
		title: f.title,
		description: `${f.title}. Noterat vid ronden.`,
		category: f.category,
		location: '',
		status: f.status,
		createdBy: plan.manager.account,
		createdAt: iso(at),
		updatedAt: iso(at),
	};
	add(out, scope, finding);
	const assessment: AssessmentDoc = {
		_id: `assessment:demo-${f.key}`,
		type: 'assessment',
		scope,
		findingId,
		roundId,
		...f.risk,
		stamp: stamp(at + 60_000),
		assessedAt: iso(at + 60_000),
		assessedBy: plan.manager.account,
		assessedByName: plan.manager.name,
		createdAt: iso(at + 60_000),
		updatedAt: iso(at + 60_000),
	};
	add(out, scope, assessment);
	if (!f.action) return;
	const a = f.action;
	const start = at + DAY_MS;
	const doneMs = a.doneAfter === undefined ? undefined : at + a.doneAfter * DAY_MS;
	const checked =
		a.status === 'effect_checked' && doneMs !== undefined ? Math.min(doneMs + 30 * DAY_MS, nowMs) : undefined;
	const updated =
		checked ?? doneMs ?? (a.status === 'postponed' || a.status === 'in_progress' ? at + 10 * DAY_MS : start);
	const actionId = `action:demo-${f.key}`;
	const action: ActionDoc = {
		_id: actionId,
		type: 'action',
		scope,
		unitId: plan.unitId,
		source: 'finding',
		findingId,
		area: f.title,
		plannedAction: a.plannedAction,
		desiredResult: 'Risken är borta eller tydligt minskad.',
		responsible: plan.manager.name,
		responsibleUser: plan.manager.account,
		start: day(start),
		// A postponed action has a new due date after today.
		due: day(a.status === 'postponed' ? nowMs + 60 * DAY_MS : at + a.dueAfter * DAY_MS),
		done: doneMs === undefined ? null : day(doneMs),
		followUp: checked === undefined ? null : day(checked),
		result: doneMs === undefined ? '' : 'Genomfört enligt plan.',
		comment: '',
		estimatedCost: null,
		status: a.status,
		...(a.postponeReason ? { postponeReason: a.postponeReason } : {}),
		...(a.effective === undefined ? {} : { effective: a.effective }),
		createdAt: iso(start),
		updatedAt: iso(Math.min(updated, nowMs)),
	};
	add(out, scope, action);
	const log: ActionLogDoc = {
		_id: `actionlog:demo-${f.key}`,
		type: 'actionlog',
		scope,
		actionId,
		event: 'created',
		changes: [],
		at: iso(start),
		by: plan.manager.account,
		byName: plan.manager.name,
		createdAt: iso(start),
		updatedAt: iso(start),
	};
	add(out, scope, log);
	if (a.status === 'effect_checked' && checked !== undefined) {
		// The effect check leaves a residual risk (decision 0008): low when it worked, as before when not.
		const residual: AssessmentDoc = {
			_id: `assessment:demo-${f.key}-residual`,
			type: 'assessment',
			scope,
			findingId,
			kind: 'residual',
			actionId,
			...(a.effective ? low : f.risk),
			stamp: stamp(checked),
			assessedAt: iso(checked),
			assessedBy: plan.manager.account,
			assessedByName: plan.manager.name,
			createdAt: iso(checked),
			updatedAt: iso(checked),
		};
		add(out, scope, residual);
	}
	if (a.effective === false) {
		// Not effective: a new action follows it, still planned.
		const next: ActionDoc = {
			...action,
			_id: `action:demo-${f.key}-next`,
			follows: actionId,
			plannedAction: `Ny åtgärd: ${a.plannedAction.toLowerCase()} räckte inte`,
			start: null,
			due: day(nowMs + 45 * DAY_MS),
			done: null,
			followUp: null,
			result: '',
			status: 'planned',
			createdAt: iso(checked ?? nowMs),
			updatedAt: iso(checked ?? nowMs),
		};
		delete next.effective;
		add(out, scope, next);
	}
}

/** The 6:6a request (open, its reply-by date passed) and a 6:7 stop that ended, in Enhet A1. */
function safetyRepDocs(nowMs: number, out: ScopedDocs): void {
	const scope = unitScope('a1');
	const filed = nowMs - 25 * DAY_MS;
	const request: RequestDoc = {
		_id: 'request:demo-a1-ventilation',
		type: 'request',
		scope,
		unitId: 'a1',
		kind: 'measures',
		subject: 'Ventilationen i verkstaden',
		description: 'Luften blir dålig vid svetsning. Jag begär åtgärder enligt 6 kap. 6 a § arbetsmiljölagen.',
		location: 'Verkstaden',
		requestedMeasures: 'Punktutsug vid svetsplatsen.',
		replyBy: day(filed + 14 * DAY_MS),
		filedAt: iso(filed),
		filedBy: SO.account,
		filedByName: SO.name,
		receipt: { at: iso(filed + DAY_MS), by: CHEF.account, byName: CHEF.name },
		createdAt: iso(filed),
		updatedAt: iso(filed + DAY_MS),
	};
	add(out, scope, request);
	const stopped = nowMs - 200 * DAY_MS;
	const stop: WorkstopDoc = {
		_id: 'workstop:demo-a1-scaffold',
		type: 'workstop',
		scope,
		unitId: 'a1',
		stoppedAt: iso(stopped),
		work: 'Arbete på ställning vid fasaden',
		reason: 'Ställningen saknade räcken på översta planet.',
		recordedAt: iso(stopped + 600_000),
		recordedBy: SO.account,
		recordedByName: SO.name,
		authorityAsked: false,
		outcome: {
			at: iso(stopped + DAY_MS),
			by: CHEF.account,
			byName: CHEF.name,
			text: 'Räcken monterade, arbetet återupptaget.',
			resumedAt: iso(stopped + DAY_MS),
		},
		createdAt: iso(stopped + 600_000),
		updatedAt: iso(stopped + DAY_MS),
	};
	add(out, scope, stop);
}

/** Last year's annual follow-up of Enhet A1, answered and signed by both. */
function followUpDoc(nowMs: number, out: ScopedDocs): void {
	const year = new Date(nowMs).getUTCFullYear() - 1;
	// Signed in the December of the year it follows up, or a week ago if that lies ahead (a seed early in January).
	const signed = Math.min(Date.parse(`${year}-12-10T13:00:00Z`), nowMs - 7 * DAY_MS);
	const answers: Record<string, string> = {};
	FOLLOW_UP_QUESTIONS.forEach((q, i) => {
		answers[q] = i % 4 === 3 ? 'partly' : 'yes';
		answers[commentField(q)] = '';
	});
	const content = {
		_id: followUpId('a1', year),
		type: 'followup' as const,
		scope: unitScope('a1'),
		unitId: 'a1',
		year,
		...answers,
		conclusions: 'Rutinerna fungerar. Tunga lyft och ensamarbete prioriteras nästa år.',
		actionIds: ['action:demo-a1-prev-2'],
		createdAt: iso(signed - 14 * DAY_MS),
		updatedAt: iso(signed + 3_600_000),
	} as FollowUpDoc;
	const contentHash = followUpContentHash(content);
	const doc: FollowUpDoc = {
		...content,
		managerSignature: { by: CHEF.account, name: CHEF.name, at: iso(signed), contentHash },
		safetyRepSignature: { by: SO.account, name: SO.name, at: iso(signed + 3_600_000), contentHash },
	};
	add(out, unitScope('a1'), doc);
}

/** Every history document by scope, for `now`. Pure: the same `now` gives the same documents. */
export function demoHistoryDocs(now: Date): Map<string, StoredDoc[]> {
	const nowMs = now.getTime();
	const out: ScopedDocs = new Map();
	for (const plan of ROUNDS) roundDocs(plan, nowMs, out);
	safetyRepDocs(nowMs, out);
	followUpDoc(nowMs, out);
	return out;
}

/**
 * Add the history to a demo store once. Returns how many documents this call wrote (0 when it
 * was added before, or the store is not the demo's). Conflicts are documents another server, or
 * an interrupted start, wrote already.
 */
export async function addDemoHistory(store: DocStore, now: Date): Promise<number> {
	const seed = (await store.getLocal('org', DEMO_SEED_MARKER)) as { state?: string } | undefined;
	if (seed?.state !== 'done') return 0;
	const marker = await store.getLocal('org', HISTORY_MARKER);
	if (marker) return 0;
	let wrote = 0;
	for (const [scope, docs] of demoHistoryDocs(now)) {
		for (const result of await store.bulkDocs(scope, docs)) {
			if ('rev' in result) wrote += 1;
			else if (result.error !== 'conflict') throw new AppError('server', `seeding ${result.id} failed`);
		}
	}
	try {
		await store.putLocal('org', HISTORY_MARKER, { added: now.toISOString() });
	} catch (err) {
		// Another server marked it first.
		if (!(err instanceof AppError && err.code === 'conflict')) throw err;
	}
	return wrote;
}
