/**
 * A synthetic organisation for the report benchmarks (issue 14 item 5), written straight into a
 * data folder the server then starts on: 5,000 units (organisation → förvaltning → 20 departments →
 * sections → workplaces), 50,000 staff plus a manager and a safety rep per workplace and managers of
 * sections and departments, 20,000 rounds (signed ones with both signatures), 60,000 findings with
 * their assessments, 40,000 actions in every status, 6:6a requests, 6:7 stops and annual follow-ups,
 * dated over this year and last from an injected `today`; and one closed HME campaign with 55,000
 * responses in the anonymous store's own format (the frozen groups in `anon-keys`, StoredResponse in
 * `anon-responses`), so the server reads them as if they had been sent.
 *
 * Deterministic: one seeded PRNG, so the same parameters give the same folder. Every document passes
 * the shared `checkDoc`. Rounds carry no answers (400,000 documents the figures never read), except
 * one round per department that is walked and ready to sign, for the "signed round" benchmark.
 * The data version record is written, so the server's start runs no migration over 5,000 scopes.
 *
 * Module: `generate(params)`. CLI: `node bench/synthetic-org.ts --dir /tmp/x [--units 5000 …]`.
 */
import { mkdir } from 'node:fs/promises';
import type {
	ActionDoc,
	AnswerDoc,
	AssessmentDoc,
	CampaignDoc,
	FindingDoc,
	FollowUpDoc,
	RequestDoc,
	RoundDoc,
	SignatureDoc,
	StoredResponse,
	SurveyAnswers,
	UnitDoc,
	WorkstopDoc,
} from '../src/lib/domain/index.ts';
import {
	DEFAULT_RISK_BANDS,
	FOLLOW_UP_QUESTIONS,
	checkDoc,
	commentField,
	followUpContentHash,
	followUpId,
	isoWeek,
	reportingGroups,
	unitScope,
} from '../src/lib/domain/index.ts';
import { starterSurveys } from '../src/lib/domain/starter-surveys.ts';
import { starterTemplates } from '../src/lib/domain/starter-templates.ts';
import { ANON_DB } from '../sync-server/src/anon/databases.ts';
import { hashPassword } from '../sync-server/src/auth/passwords.ts';
import type { UserRecord } from '../sync-server/src/auth/users.ts';
import { DATA_VERSION } from '../sync-server/src/migrations/migrations.ts';
import { DATA_VERSION_DOC } from '../sync-server/src/migrations/run.ts';
import type { StoredDoc } from '../sync-server/src/store/doc-store.ts';
import { openStorage } from '../sync-server/src/store/storage.ts';

export type OrgParams = {
	/** The day the organisation is generated for (YYYY-MM-DD): history lies before it. */
	today: string;
	units: number;
	departments: number;
	sectionsPerDepartment: number;
	staff: number;
	rounds: number;
	findings: number;
	actions: number;
	responses: number;
	seed: number;
};

export const DEFAULT_PARAMS: Omit<OrgParams, 'today'> = {
	units: 5_000,
	departments: 20,
	sectionsPerDepartment: 12,
	staff: 50_000,
	rounds: 20_000,
	findings: 60_000,
	actions: 40_000,
	responses: 55_000,
	seed: 14,
};

export const BENCH_PASSWORD = 'bench-password';
export const CAMPAIGN_ID = 'campaign:bench-hme';
/** The workplace, its manager and safety rep, and its department that the signed-round benchmark uses. */
export const READY = {
	unitId: 'd01-s01-w01',
	department: 'd01',
	roundId: 'round:bench-ready-d01',
	manager: 'chef-d01-s01-w01',
	safetyRep: 'so-d01-s01-w01',
};

/** mulberry32: small, fast, good enough to spread synthetic data; never for anything secret. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const DAY_MS = 86_400_000;
const FIRST = ['Anna', 'Bo', 'Cecilia', 'David', 'Eva', 'Fredrik', 'Gun', 'Hassan', 'Ida', 'Jonas', 'Karin', 'Leo'];
const LAST = ['Alm', 'Björk', 'Ceder', 'Dahl', 'Ek', 'Fors', 'Gran', 'Hed', 'Ås', 'Lind', 'Mo', 'Ros'];

export type Generated = { units: number; people: number; docs: number; responses: number; ms: number };

/**
 * Write the organisation into an empty data folder `dir`. Returns what it wrote. Throws if a
 * document fails the shared schema (a bug here, never silently written).
 */
export async function generate(dir: string, params: OrgParams): Promise<Generated> {
	const started = Date.now();
	const rnd = prng(params.seed);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
	const todayMs = Date.parse(`${params.today}T12:00:00Z`);
	const lastYearStart = Date.parse(`${Number(params.today.slice(0, 4)) - 1}-01-01T12:00:00Z`);
	const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
	const iso = (ms: number): string => new Date(ms).toISOString();
	const stamp = (ms: number): string => `${String(ms).padStart(13, '0')}-0000-bench`;
	const nowIso = iso(todayMs - DAY_MS);

	// ——— The tree ———
	type Unit = { id: string; parent: string | null; level: UnitDoc['level']; name: string };
	const tree: Unit[] = [
		{ id: 'syn', parent: null, level: 'organisation', name: 'Syntetisk kommun' },
		{ id: 'forv', parent: 'syn', level: 'administration', name: 'Förvaltningen' },
	];
	const pad = (n: number): string => String(n).padStart(2, '0');
	const workplaces: Unit[] = [];
	const sections: Unit[] = [];
	const left = params.units - 2 - params.departments - params.departments * params.sectionsPerDepartment;
	const totalSections = params.departments * params.sectionsPerDepartment;
	for (let d = 1; d <= params.departments; d++) {
		const dept = `d${pad(d)}`;
		tree.push({ id: dept, parent: 'forv', level: 'division', name: `Avdelning ${d}` });
		for (let s = 1; s <= params.sectionsPerDepartment; s++) {
			const section: Unit = { id: `${dept}-s${pad(s)}`, parent: dept, level: 'unit', name: `Sektion ${d}.${s}` };
			tree.push(section);
			sections.push(section);
		}
	}
	// Workplaces shared out over the sections so the total is exact.
	sections.forEach((section, i) => {
		const count = Math.floor(((i + 1) * left) / totalSections) - Math.floor((i * left) / totalSections);
		for (let w = 1; w <= count; w++) {
			const unit: Unit = {
				id: `${section.id}-w${pad(w)}`,
				parent: section.id,
				level: 'unit',
				name: `Arbetsplats ${section.id}.${w}`,
			};
			tree.push(unit);
			workplaces.push(unit);
		}
	});

	const storage = await openStorage({ kind: 'embedded', dataDir: dir });
	let docs = 0;
	const write = async (scope: string, list: StoredDoc[]): Promise<void> => {
		for (const doc of list) {
			const check = checkDoc(doc);
			if (!check.ok) throw new Error(`${doc._id}: ${check.reason}`);
		}
		for (let i = 0; i < list.length; i += 5_000) {
			const results = await storage.docs.bulkDocs(scope, list.slice(i, i + 5_000));
			const failed = results.find((r) => 'error' in r);
			if (failed) throw new Error(`writing ${scope} failed: ${JSON.stringify(failed)}`);
		}
		docs += list.length;
	};
	try {
		const closesOn = day(todayMs - 30 * DAY_MS);
		const campaign: CampaignDoc = {
			_id: CAMPAIGN_ID,
			type: 'campaign',
			scope: 'org',
			surveyId: 'survey:hme.v1',
			targetUnitId: 'forv',
			opensOn: day(todayMs - 60 * DAY_MS),
			closesOn,
			k: 5,
			supportContact: 'Företagshälsovården (påhittad)',
			cancelled: false,
			createdBy: 'hr',
			createdAt: iso(todayMs - 70 * DAY_MS),
			updatedAt: iso(todayMs - 70 * DAY_MS),
		};
		const unitDocs: UnitDoc[] = tree.map((u) => ({
			_id: `unit:${u.id}`,
			type: 'unit',
			scope: 'org',
			name: u.name,
			parentId: u.parent === null ? null : `unit:${u.parent}`,
			level: u.level,
			createdAt: nowIso,
			updatedAt: nowIso,
		}));
		await write('org', [...unitDocs, ...starterTemplates(nowIso), ...starterSurveys(nowIso), campaign]);
		await storage.docs.putLocal('org', DATA_VERSION_DOC, { version: DATA_VERSION, runs: [] });

		// ——— People: staff spread unevenly (2–20 a workplace), a manager and a safety rep each ———
		const passwordHash = await hashPassword(BENCH_PASSWORD);
		const weights = workplaces.map(() => 0.2 + rnd() * 1.8);
		const weightSum = weights.reduce((a, b) => a + b, 0);
		const staffOf = new Map<string, number>();
		let placed = 0;
		workplaces.forEach((w, i) => {
			const n =
				i === workplaces.length - 1
					? params.staff - placed
					: Math.round((params.staff * (weights[i] as number)) / weightSum);
			staffOf.set(w.id, Math.max(0, n));
			placed += Math.max(0, n);
		});
		const users: UserRecord[] = [];
		const person = (name: string, roles: UserRecord['roles'], memberships: UserRecord['memberships']): void => {
			users.push({
				_id: `user:${name}`,
				name,
				displayName: `${pick(FIRST)} ${pick(LAST)}`,
				roles,
				memberships,
				passwordHash,
			});
		};
		person('hr', ['hr'], []);
		person('admin', ['admin'], []);
		const homeOf: string[] = [];
		for (const u of tree) {
			if (u.level === 'division' || sections.includes(u))
				person(`chef-${u.id}`, ['manager'], [{ unitId: u.id, role: 'manager' }]);
		}
		let staffNo = 0;
		for (const w of workplaces) {
			person(`chef-${w.id}`, ['manager'], [{ unitId: w.id, role: 'manager' }]);
			person(`so-${w.id}`, ['safety_rep'], [{ unitId: w.id, role: 'safety_rep' }]);
			homeOf.push(w.id, w.id);
			for (let i = 0; i < (staffOf.get(w.id) ?? 0); i++) {
				person(`s${String(++staffNo).padStart(6, '0')}`, ['staff'], [{ unitId: w.id, role: 'staff' }]);
				homeOf.push(w.id);
			}
		}
		for (let i = 0; i < users.length; i += 5_000) {
			await storage.accounts.bulkDocs(users.slice(i, i + 5_000) as unknown as StoredDoc[]);
		}

		// ——— Unit work, per workplace ———
		const byScope = new Map<string, StoredDoc[]>(workplaces.map((w) => [unitScope(w.id), []]));
		const push = (unitId: string, doc: StoredDoc): void => void byScope.get(unitScope(unitId))?.push(doc);
		const KINDS = [
			['template:physical.v1', 'physical'],
			['template:osa.v1', 'osa'],
			['template:threat-violence.v1', 'threat_violence'],
		] as const;
		const ROUND_STATUS: RoundDoc['status'][] = [
			'signed',
			'signed',
			'signed',
			'signed',
			'signed',
			'signed',
			'signed',
			'done',
			'done',
			'in_progress',
			'planned',
		];
		const ACTION_STATUS = ['planned', 'in_progress', 'done', 'effective', 'not_effective', 'postponed'] as const;
		const findingsPer = params.findings / params.rounds;
		let findingNo = 0;
		let actionNo = 0;
		const span = todayMs - lastYearStart;
		for (let r = 0; r < params.rounds; r++) {
			const w = workplaces[r % workplaces.length] as Unit;
			const [templateId, category] = KINDS[r % 3] as (typeof KINDS)[number];
			const status = pick(ROUND_STATUS);
			const at =
				status === 'planned' ? todayMs + Math.floor(rnd() * 60) * DAY_MS : lastYearStart + Math.floor(rnd() * span);
			const created = Math.min(at, todayMs) - 7 * DAY_MS;
			const roundId = `round:bench-${r}`;
			const manager = `chef-${w.id}`;
			const round: RoundDoc = {
				_id: roundId,
				type: 'round',
				scope: unitScope(w.id),
				unitId: w.id,
				templateId,
				templateVersion: 1,
				date: day(at),
				status,
				participants: [
					{ name: 'Chef', role: 'manager', account: manager },
					{ name: 'Skyddsombud', role: 'safety_rep', account: `so-${w.id}` },
				],
				...(status === 'signed' ? { bands: DEFAULT_RISK_BANDS } : {}),
				createdBy: manager,
				createdAt: iso(created),
				updatedAt: iso(Math.min(at, todayMs - DAY_MS)),
			};
			push(w.id, round);
			if (status === 'signed') {
				for (const [account, role] of [
					[manager, 'manager'],
					[`so-${w.id}`, 'safety_rep'],
				] as const) {
					const sig: SignatureDoc = {
						_id: `signature:bench-${r}-${role}`,
						type: 'signature',
						scope: unitScope(w.id),
						roundId,
						signedBy: account,
						signerName: role === 'manager' ? 'Chef' : 'Skyddsombud',
						role,
						signedAt: iso(at + DAY_MS),
						createdAt: iso(at + DAY_MS),
						updatedAt: iso(at + DAY_MS),
					};
					push(w.id, sig);
				}
			}
			if (status === 'planned') continue;
			// Findings per round so the total comes out exact.
			const n = Math.floor((r + 1) * findingsPer) - Math.floor(r * findingsPer);
			for (let f = 0; f < n; f++) {
				const fid = `finding:bench-${findingNo}`;
				const probability = 1 + Math.floor(rnd() * 4);
				const consequence = 1 + Math.floor(rnd() * 4);
				const findingStatus = pick(['open', 'open', 'closed', 'closed', 'closed', 'withdrawn'] as const);
				const found = Math.min(at + f * 60_000, todayMs - DAY_MS);
				const finding: FindingDoc = {
					_id: fid,
					type: 'finding',
					scope: unitScope(w.id),
					roundId,
					title: `Iakttagelse ${findingNo}`,
					description: '',
					category: rnd() < 0.8 ? category : pick(['physical', 'osa', 'threat_violence', 'other'] as const),
					location: '',
					status: findingStatus,
					createdBy: manager,
					createdAt: iso(found),
					updatedAt: iso(found),
				};
				const assessment: AssessmentDoc = {
					_id: `assessment:bench-${findingNo}`,
					type: 'assessment',
					scope: unitScope(w.id),
					findingId: fid,
					roundId,
					probability,
					consequence,
					serious: probability * consequence >= 12,
					stamp: stamp(found),
					assessedAt: iso(found),
					assessedBy: manager,
					assessedByName: 'Chef',
					createdAt: iso(found),
					updatedAt: iso(found),
				};
				push(w.id, finding);
				push(w.id, assessment);
				findingNo += 1;
				// Two findings in three get an action, until the total is reached.
				if (actionNo >= params.actions || findingNo % 3 === 0) continue;
				const kind = ACTION_STATUS[actionNo % ACTION_STATUS.length] as (typeof ACTION_STATUS)[number];
				const start = found + DAY_MS;
				const doneMs = Math.min(start + Math.floor(rnd() * 120) * DAY_MS, todayMs - DAY_MS);
				const hasDone = kind === 'done' || kind === 'effective' || kind === 'not_effective';
				const action: ActionDoc = {
					_id: `action:bench-${actionNo}`,
					type: 'action',
					scope: unitScope(w.id),
					unitId: w.id,
					source: 'finding',
					findingId: fid,
					area: finding.title,
					plannedAction: 'Åtgärd enligt riskbedömningen',
					desiredResult: '',
					responsible: 'Chef',
					responsibleUser: manager,
					start: day(start),
					due: day(kind === 'postponed' ? todayMs + 90 * DAY_MS : start + (14 + Math.floor(rnd() * 120)) * DAY_MS),
					done: hasDone ? day(doneMs) : null,
					followUp: kind === 'effective' || kind === 'not_effective' ? day(doneMs) : null,
					result: '',
					comment: '',
					estimatedCost: null,
					status: kind === 'effective' || kind === 'not_effective' ? 'effect_checked' : (kind as ActionDoc['status']),
					...(kind === 'postponed' ? { postponeReason: 'Väntar på budget.' } : {}),
					...(kind === 'effective' ? { effective: true } : kind === 'not_effective' ? { effective: false } : {}),
					createdAt: iso(start),
					updatedAt: iso(hasDone ? doneMs : start),
				};
				push(w.id, action);
				actionNo += 1;
			}
		}
		// The round each department's first workplace has walked and may sign now: every item answered.
		const physical = starterTemplates(nowIso).find((t) => t._id === 'template:physical.v1');
		for (let d = 1; d <= params.departments; d++) {
			const w = `d${pad(d)}-s01-w01`;
			if (!byScope.has(unitScope(w)) || !physical) continue;
			const roundId = `round:bench-ready-d${pad(d)}`;
			const at = todayMs - DAY_MS;
			push(w, {
				_id: roundId,
				type: 'round',
				scope: unitScope(w),
				unitId: w,
				templateId: physical._id,
				templateVersion: 1,
				date: day(at),
				status: 'done',
				participants: [{ name: 'Chef', role: 'manager', account: `chef-${w}` }],
				createdBy: `chef-${w}`,
				createdAt: iso(at),
				updatedAt: iso(at),
			} satisfies RoundDoc);
			physical.sections
				.flatMap((s) => s.items)
				.forEach((item, i) => {
					push(w, {
						_id: `answer:bench-ready-d${pad(d)}-${i}`,
						type: 'answer',
						scope: unitScope(w),
						roundId,
						itemId: item.id,
						value: 'yes',
						comment: '',
						fixedOnSite: false,
						fixedNote: '',
						photos: [],
						stamp: stamp(at + i),
						answeredAt: iso(at),
						answeredBy: `chef-${w}`,
						answeredByName: 'Chef',
						createdAt: iso(at),
						updatedAt: iso(at),
					} satisfies AnswerDoc);
				});
		}
		// 6:6a requests (one workplace in ten, some past reply-by), 6:7 stops (one in fifty), follow-ups.
		workplaces.forEach((w, i) => {
			const so = `so-${w.id}`;
			if (i % 10 === 0) {
				const filed = todayMs - Math.floor(rnd() * 300) * DAY_MS - DAY_MS;
				const answered = rnd() < 0.6;
				push(w.id, {
					_id: `request:bench-${i}`,
					type: 'request',
					scope: unitScope(w.id),
					unitId: w.id,
					kind: rnd() < 0.7 ? 'measures' : 'investigation',
					subject: 'Begäran om åtgärder',
					description: 'Begäran enligt 6 kap. 6 a § arbetsmiljölagen.',
					location: '',
					requestedMeasures: '',
					replyBy: day(filed + 14 * DAY_MS),
					filedAt: iso(filed),
					filedBy: so,
					filedByName: 'Skyddsombud',
					...(answered
						? {
								answer: {
									at: iso(filed + 7 * DAY_MS),
									by: `chef-${w.id}`,
									byName: 'Chef',
									decision: pick(['accepted', 'partly', 'rejected'] as const),
									text: 'Svar på begäran.',
									actionIds: [],
								},
							}
						: {}),
					createdAt: iso(filed),
					updatedAt: iso(filed),
				} satisfies RequestDoc);
			}
			if (i % 50 === 0) {
				const stopped = todayMs - Math.floor(rnd() * 600) * DAY_MS - DAY_MS;
				push(w.id, {
					_id: `workstop:bench-${i}`,
					type: 'workstop',
					scope: unitScope(w.id),
					unitId: w.id,
					stoppedAt: iso(stopped),
					work: 'Arbete som stoppades',
					reason: 'Omedelbar och allvarlig fara.',
					recordedAt: iso(stopped),
					recordedBy: so,
					recordedByName: 'Skyddsombud',
					authorityAsked: rnd() < 0.3,
					createdAt: iso(stopped),
					updatedAt: iso(stopped),
				} satisfies WorkstopDoc);
			}
			for (const [year, signedShare] of [
				[Number(params.today.slice(0, 4)) - 1, 0.8],
				[Number(params.today.slice(0, 4)), 0.3],
			] as const) {
				if (rnd() >= signedShare + 0.1) continue;
				const answers: Record<string, string> = {};
				for (const q of FOLLOW_UP_QUESTIONS) {
					answers[q] = 'yes';
					answers[commentField(q)] = '';
				}
				const at = Math.min(Date.parse(`${year}-12-01T12:00:00Z`), todayMs - 2 * DAY_MS);
				const content = {
					_id: followUpId(w.id, year),
					type: 'followup' as const,
					scope: unitScope(w.id),
					unitId: w.id,
					year,
					...answers,
					conclusions: 'Uppföljningen är gjord.',
					createdAt: iso(at),
					updatedAt: iso(at),
				} as FollowUpDoc;
				const signed = rnd() < signedShare / (signedShare + 0.1);
				const hash = followUpContentHash(content);
				push(w.id, {
					...content,
					...(signed
						? {
								managerSignature: { by: `chef-${w.id}`, name: 'Chef', at: iso(at), contentHash: hash },
								safetyRepSignature: { by: so, name: 'Skyddsombud', at: iso(at), contentHash: hash },
							}
						: {}),
				});
			}
		});
		for (const [scope, list] of byScope) await write(scope, list);

		// ——— The closed campaign: groups frozen as the road freezes them, responses as a flush stores them ———
		const counts: Record<string, number> = {};
		for (const home of homeOf) counts[home] = (counts[home] ?? 0) + 1;
		const treeUnits = tree.map((u) => ({ id: u.id, parentId: u.parent }));
		const groups = reportingGroups(treeUnits, counts, 'forv', campaign.k);
		if (!groups) throw new Error('too few people for the campaign');
		await storage.docs.bulkDocs(ANON_DB.keys, [
			{
				_id: `groups~${CAMPAIGN_ID}`,
				campaignId: CAMPAIGN_ID,
				targetUnitId: 'forv',
				k: campaign.k,
				groupOf: Object.fromEntries(groups.groupOf),
				sizes: Object.fromEntries(groups.sizes),
			},
		]);
		// Who answers: a seeded shuffle of everyone eligible, the first `responses` of them.
		const order = homeOf.map((_, i) => i);
		for (let i = order.length - 1; i > 0; i--) {
			const j = Math.floor(rnd() * (i + 1));
			[order[i], order[j]] = [order[j] as number, order[i] as number];
		}
		const answering = order.slice(0, Math.min(params.responses, order.length));
		const hme = [
			'meaningful',
			'learning',
			'looking-forward',
			'appreciation',
			'trust',
			'responsibility',
			'goals-known',
			'goals-followed',
			'expectations',
		];
		const hex = (): string =>
			Array.from({ length: 4 }, () =>
				Math.floor(rnd() * 2 ** 32)
					.toString(16)
					.padStart(8, '0'),
			).join('');
		const responses: StoredResponse[] = answering.map((p) => {
			const answers: SurveyAnswers = {};
			for (const q of hme) if (rnd() > 0.03) answers[q] = Math.min(5, 1 + Math.floor(rnd() * 3 + rnd() * 3));
			return {
				_id: hex(),
				campaignId: CAMPAIGN_ID,
				group: groups.groupOf.get(homeOf[p] as string) as string,
				week: isoWeek(day(todayMs - (31 + Math.floor(rnd() * 29)) * DAY_MS)),
				answers,
			};
		});
		for (let i = 0; i < responses.length; i += 5_000) {
			await storage.docs.bulkDocs(ANON_DB.responses, responses.slice(i, i + 5_000) as unknown as StoredDoc[]);
		}
		return { units: tree.length, people: users.length, docs, responses: responses.length, ms: Date.now() - started };
	} finally {
		await storage.close();
	}
}

/** `count` more responses of the campaign, as a late flush would store them (the 1,000-response benchmark). */
export function lateResponses(
	count: number,
	groupList: readonly string[],
	week: string,
	seed: number,
): StoredResponse[] {
	const rnd = prng(seed);
	const hme = [
		'meaningful',
		'learning',
		'looking-forward',
		'appreciation',
		'trust',
		'responsibility',
		'goals-known',
		'goals-followed',
		'expectations',
	];
	return Array.from({ length: count }, (_, i) => ({
		_id: `late-${seed}-${i}`,
		campaignId: CAMPAIGN_ID,
		group: groupList[i % groupList.length] as string,
		week,
		answers: Object.fromEntries(hme.map((q) => [q, 1 + Math.floor(rnd() * 5)])),
	}));
}

function argText(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.main) {
	const dir = argText('dir');
	if (!dir) {
		process.stderr.write(
			'usage: node bench/synthetic-org.ts --dir <empty folder> [--today YYYY-MM-DD] [--units 5000 …]\n',
		);
		process.exit(1);
	}
	const params: OrgParams = { today: argText('today') ?? new Date().toISOString().slice(0, 10), ...DEFAULT_PARAMS };
	for (const key of Object.keys(DEFAULT_PARAMS) as (keyof typeof DEFAULT_PARAMS)[]) {
		const v = argText(key);
		if (v !== undefined) params[key] = Number(v);
	}
	await mkdir(dir, { recursive: true });
	const out = await generate(dir, params);
	process.stdout.write(`${JSON.stringify({ dir, ...params, ...out })}\n`);
}
