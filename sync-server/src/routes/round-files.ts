/**
 * Reads the files of rounds for the sign rules (`RoundFile` in the policy): one pass over the
 * unit scope's documents and one read of the templates. Answers, signatures and reopenings carry
 * their round's id but no id the store can look up, and a follow-up's risk may sit on an earlier
 * round's finding, so the scope is read once per request that needs it, and only then: a new
 * signature, a reopening, or a round marked signed (decision 0007). It never checks access.
 */
import type {
	AnswerDoc,
	AssessmentDoc,
	FindingDoc,
	ReopeningDoc,
	RoundDoc,
	SignatureDoc,
	TemplateDoc,
} from '../../../src/lib/domain/index.ts';
import type { RoundFile } from '../policy/access.ts';
import type { DocStore, StoredDoc } from '../store/doc-store.ts';

/** Pages of `_changes`, so a unit with years of rounds never needs one huge response in memory at once. */
const PAGE = 2000;

export async function loadRoundFiles(
	store: DocStore,
	scope: string,
	roundIds: readonly string[],
): Promise<Map<string, RoundFile>> {
	const files = new Map<string, RoundFile>();
	if (roundIds.length === 0) return files;
	const wanted = new Set(roundIds);
	const findings: FindingDoc[] = [];
	const assessments: AssessmentDoc[] = [];
	const rounds = new Map<string, RoundDoc>();
	const own = new Map<string, StoredDoc[]>();
	let since: string | undefined;
	for (;;) {
		const page = await store.changes(scope, { since, limit: PAGE, includeDocs: true });
		for (const row of page.results) {
			const doc = row.doc;
			if (!doc || row.deleted || doc._deleted) continue;
			if (doc.type === 'finding') findings.push(doc as unknown as FindingDoc);
			else if (doc.type === 'assessment') assessments.push(doc as unknown as AssessmentDoc);
			else if (doc.type === 'round' && wanted.has(doc._id)) rounds.set(doc._id, doc as unknown as RoundDoc);
			else if (typeof doc.roundId === 'string' && wanted.has(doc.roundId)) {
				const list = own.get(doc.roundId) ?? [];
				list.push(doc);
				own.set(doc.roundId, list);
			}
		}
		if (page.results.length < PAGE) break;
		since = page.last_seq;
	}
	const templateIds = [...new Set([...rounds.values()].map((r) => r.templateId))];
	const templates = new Map<string, TemplateDoc>();
	if (templateIds.length > 0) {
		for (const row of await store.allDocs('org', templateIds, { includeDocs: true })) {
			if ('doc' in row && row.doc && row.doc.type === 'template')
				templates.set(row.id, row.doc as unknown as TemplateDoc);
		}
	}
	for (const id of wanted) {
		const round = rounds.get(id);
		const docs = own.get(id) ?? [];
		const ofType = <T>(type: string) => docs.filter((d) => d.type === type) as unknown as T[];
		files.set(id, {
			round,
			template: round ? templates.get(round.templateId) : undefined,
			answers: ofType<AnswerDoc>('answer'),
			findings,
			assessments,
			signatures: ofType<SignatureDoc>('signature'),
			reopenings: ofType<ReopeningDoc>('reopening'),
		});
	}
	return files;
}
