/**
 * Test only: data folders as earlier versions of main left them, for the migration specs. Each
 * writes, through today's embedded store, the documents an earlier schema defined, in that
 * schema's shape (copied from `src/lib/domain/schemas.ts` and `starter-templates.ts` at the
 * commit named), with the demo accounts; documents whose shape has not changed since are written
 * in today's shape. The store layout (`<dataDir>/db/<scope>`, `auth`, `meta`) is the same since
 * f0ad65f.
 */
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
import { UserStore } from '../auth/users.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoUnits } from '../seed/demo.ts';
import type { StoredDoc } from '../store/doc-store.ts';
import { openStorage } from '../store/storage.ts';
import { actionDoc, answerDoc, assessmentDoc, findingDoc, roundDoc } from '../test-harness.ts';

/**
 * The schemas of main whose stored shapes differ from today's:
 * - `foundation`: f0ad65f (to c4e3be3): units, templates `template:<key>` without `family` and
 *   `status`, rounds naming them;
 * - `policy`: c095525: also answers edited in place, findings with `draft` and the risk inside,
 *   actions without `unitId`/`source`/`comment`/`estimatedCost`, signatures;
 * - `walk`: 1c5d17c: answers, findings and assessments as today, templates and actions as before;
 * - `plan`: 4424e6c (to ab2a7d6^): templates as today, actions still without the plan fields.
 */
export const OLDER_SCHEMAS = ['foundation', 'policy', 'walk', 'plan'] as const;
export type OlderSchema = (typeof OLDER_SCHEMAS)[number];

export const OLD_NOW = '2026-11-23T09:00:00.000Z';
/** The unit whose scope holds the earlier documents. */
export const OLD_UNIT = 'a1';
const SCOPE = `unit-${OLD_UNIT}`;

/** A starter template as f0ad65f seeded it: id `template:<key>`, no family, no status. */
export function foundationTemplates(now = OLD_NOW): StoredDoc[] {
	return starterTemplates(now).map((t) => ({
		_id: `template:${t.family}`,
		type: 'template',
		scope: 'org',
		kind: t.kind,
		title: t.title,
		version: 1,
		legalRef: t.legalRef,
		sections: t.sections,
		retired: false,
		createdAt: now,
		updatedAt: now,
	}));
}

/** A round as an app before 4424e6c planned it: on `template:physical`, version 1. */
export function foundationRound(id: string, overrides: Partial<StoredDoc> = {}): StoredDoc {
	const round: StoredDoc = { ...roundDoc(OLD_UNIT, { _id: id, templateId: 'template:physical' }), ...overrides };
	return round;
}

/** An answer as c095525 defined it: one per item, edited in place, no stamp and no author. */
export function policyAnswer(id: string, roundId: string): StoredDoc {
	return {
		_id: id,
		type: 'answer',
		scope: SCOPE,
		roundId,
		itemId: 'item-1',
		value: 'partly',
		comment: 'Kabeln ligger löst',
		fixedOnSite: false,
		createdAt: OLD_NOW,
		updatedAt: OLD_NOW,
	};
}

/** A finding as c095525 defined it: a `draft` status, the risk inside, no author. */
export function policyFinding(id: string, roundId: string, risk?: object): StoredDoc {
	return {
		_id: id,
		type: 'finding',
		scope: SCOPE,
		roundId,
		title: 'Lös kabel vid dörren',
		description: '',
		category: 'physical',
		location: 'Entrén',
		status: risk ? 'open' : 'draft',
		...(risk ? { risk } : {}),
		createdAt: OLD_NOW,
		updatedAt: OLD_NOW,
	};
}

/** An action as c095525 to 7e28b50^ defined it: no unitId, source, comment or estimated cost. */
export function policyAction(id: string, findingId?: string): StoredDoc {
	const {
		unitId: _unit,
		source: _source,
		comment: _comment,
		estimatedCost: _cost,
		...rest
	} = actionDoc(SCOPE, { _id: id, ...(findingId ? { findingId, source: 'finding' } : {}) });
	return rest;
}

/** The ids of what an older store holds, for the specs to find. */
export type OlderStore = { org: string[]; unit: string[]; oldRoundId: string };

/**
 * Write a data folder as `schema`'s main left it: the demo org tree and accounts, the starter
 * templates, a planned round, and what that schema's app recorded in a round.
 */
export async function writeOlderStore(dataDir: string, schema: OlderSchema): Promise<OlderStore> {
	const storage = await openStorage({ kind: 'embedded', dataDir });
	try {
		const versioned = schema === 'plan';
		const templates = versioned ? starterTemplates(OLD_NOW) : foundationTemplates();
		const org = [...demoUnits(OLD_NOW), ...templates] as StoredDoc[];
		const round = versioned
			? foundationRound('round:old-1', { templateId: 'template:physical.v1' })
			: foundationRound('round:old-1');
		const unit: StoredDoc[] = [round];
		if (schema === 'policy') {
			unit.push(
				policyAnswer('answer:old-1', round._id),
				policyFinding('finding:old-draft', round._id),
				policyFinding('finding:old-open', round._id, { probability: 2, consequence: 3, serious: false }),
				policyAction('action:old-1', 'finding:old-open'),
				policyAction('action:old-2'),
			);
		}
		if (schema === 'walk' || schema === 'plan') {
			const finding = findingDoc(SCOPE, { _id: 'finding:old-1', roundId: round._id });
			unit.push(
				answerDoc(SCOPE, round._id, { _id: 'answer:old-1' }),
				finding,
				assessmentDoc(SCOPE, finding._id, { _id: 'assessment:old-1', roundId: round._id }),
				policyAction('action:old-1', finding._id),
			);
		}
		for (const [scope, docs] of [
			['org', org],
			[SCOPE, unit],
		] as const) {
			const results = await storage.docs.bulkDocs(scope, docs);
			const refused = results.find((r) => 'error' in r);
			if (refused) throw new Error(`fixture ${schema}: ${refused.id} refused`);
		}
		// The seed marker came with the seed's completion (after f0ad65f): an older seeded store has it.
		if (schema !== 'foundation') await storage.docs.putLocal('org', 'demo-seed', { state: 'done' });
		const users = new UserStore(storage.accounts);
		for (const account of DEMO_ACCOUNTS) await users.create({ ...account, password: DEMO_PASSWORD });
		return { org: org.map((d) => d._id), unit: unit.map((d) => d._id), oldRoundId: round._id };
	} finally {
		await storage.close();
	}
}
