/**
 * The sync queue as the person sees it: each waiting, refused or revoked change with a human
 * title, the unit it belongs to and since when it waits. Reads only the device database (live),
 * so the list is always what the outbox holds.
 */
import type { OutboxEntry, StoredDoc, TryggDb } from '../db/app-db.ts';
import { liveDocsOfType } from '../db/docs-repo.ts';
import type { DocType, Me } from '../domain/index.ts';
import { i18n, t, type MessageKey } from '../i18n/i18n.svelte.ts';
import { messageForRefused } from './errors.ts';
import { Live } from './live.svelte.ts';

export interface QueueItem {
	docId: string;
	state: OutboxEntry['state'];
	title: string;
	unit: string;
	since: string;
	reason: string | null;
}

// Every document type names itself (the compiler asks for a line for each new type).
const TYPE_KEYS: Record<DocType, MessageKey> = {
	round: 'sync.queue.type.round',
	unit: 'sync.queue.type.unit',
	template: 'sync.queue.type.template',
	answer: 'sync.queue.type.answer',
	finding: 'sync.queue.type.finding',
	assessment: 'sync.queue.type.assessment',
	action: 'sync.queue.type.action',
	signature: 'sync.queue.type.signature',
	prereport: 'sync.queue.type.prereport',
	reopening: 'sync.queue.type.reopening',
	settings: 'sync.queue.type.settings',
	request: 'sync.queue.type.request',
	workstop: 'sync.queue.type.workstop',
	followup: 'sync.queue.type.followup',
	actionlog: 'sync.queue.type.actionlog',
	survey: 'sync.queue.type.survey',
	campaign: 'sync.queue.type.campaign',
	stats: 'sync.queue.type.report',
	surveyresult: 'sync.queue.type.report',
	surveytext: 'sync.queue.type.report',
};

type Of<T extends StoredDoc['type']> = Extract<StoredDoc, { type: T }>;

export class SyncQueueView {
	readonly #templates: Live<Of<'template'>[]>;
	readonly #units: Live<Of<'unit'>[]>;
	readonly #entries: () => OutboxEntry[];
	readonly #me: () => Me | null;

	constructor(db: TryggDb, entries: () => OutboxEntry[], me: () => Me | null) {
		this.#templates = new Live<Of<'template'>[]>(liveDocsOfType(db, 'template'), []);
		this.#units = new Live<Of<'unit'>[]>(liveDocsOfType(db, 'unit'), []);
		this.#entries = entries;
		this.#me = me;
	}

	/** Every change in the outbox, oldest first. */
	get items(): QueueItem[] {
		return [...this.#entries()]
			.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.docId.localeCompare(b.docId))
			.map((e) => ({
				docId: e.docId,
				state: e.state,
				title: this.#title(e.doc),
				unit: this.scopeName(e.scope),
				since: i18n.dateTime(e.queuedAt),
				reason: e.error && e.state === 'refused' ? messageForRefused(e.error) : null,
			}));
	}

	/** A readable name for a scope: the unit's name, or what the scope holds. */
	scopeName(scope: string): string {
		if (scope === 'org') return t('sync.queue.scope.org');
		if (scope === 'reports') return t('sync.queue.scope.reports');
		if (scope.startsWith('user-')) return t('sync.queue.scope.user');
		// A unit's work (`unit-<id>`) and its summaries (`reports-<id>`) both read as the unit.
		const unitId = scope.slice(scope.indexOf('-') + 1);
		const granted = this.#me()?.scopes.find((s) => s.scope === scope)?.unitName;
		const synced = this.#units.current?.find((u) => u._id === `unit:${unitId}`)?.name;
		return granted ?? synced ?? unitId;
	}

	#title(doc: StoredDoc): string {
		const type = t(TYPE_KEYS[doc.type]);
		switch (doc.type) {
			case 'round': {
				const template = this.#templates.current?.find((x) => x._id === doc.templateId);
				return `${type}: ${t('sync.queue.roundTitle', {
					template: template ? i18n.text(template.title) : doc.templateId,
					date: i18n.date(doc.date),
				})}`;
			}
			case 'unit':
				return `${type}: ${doc.name}`;
			case 'template':
				return `${type}: ${i18n.text(doc.title)}`;
			case 'finding':
			case 'prereport':
				return `${type}: ${doc.title}`;
			case 'action':
				return `${type}: ${doc.area}`;
			case 'request':
				return `${type}: ${doc.subject}`;
			case 'followup':
				return t('followUp.queueTitle', { year: doc.year });
			default:
				return type;
		}
	}
}
