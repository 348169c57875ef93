/**
 * An action's history as people read it: each changed value in words, with people and documents
 * by name (an account, a finding or an earlier action is shown by who or what it is, never by its
 * internal id). Pure: the page passes the words and what the device knows of names.
 */
import type { ActionDoc, ActionStatus, LogValue } from '../domain/index.ts';
import type { MessageKey } from '../i18n/i18n.svelte.ts';

export type HistoryWords = {
	t: (key: MessageKey, params?: Record<string, string | number>) => string;
	date: (value: string) => string;
	number: (value: number) => string;
};

/** What the device knows of the names behind ids: accounts, findings and actions. */
export type HistoryNames = {
	person: (account: string) => string | undefined;
	finding: (id: string) => string | undefined;
	action: (id: string) => string | undefined;
};

/**
 * A logged value of `field` in words.
 * @example historyValue('responsibleUser', 'chef', words, names) // 'Anna Chef'
 */
export function historyValue(field: string, value: LogValue, w: HistoryWords, names: HistoryNames): string {
	if (value === null || value === '') return w.t('actions.history.empty');
	if (field === 'status') return w.t(`actions.status.${value as ActionStatus}`);
	if (field === 'source') return w.t(`actions.source.${value as ActionDoc['source']}`);
	if (typeof value === 'boolean') return w.t(value ? 'actions.history.yes' : 'actions.history.no');
	if (typeof value === 'number') return w.number(value);
	if (field === 'responsibleUser') return names.person(value) ?? w.t('actions.history.otherPerson');
	if (field === 'findingId') {
		const title = names.finding(value);
		return title ? w.t('actions.history.finding', { title }) : w.t('actions.history.otherFinding');
	}
	if (field === 'follows') {
		const area = names.action(value);
		return area ? w.t('actions.history.action', { area }) : w.t('actions.history.otherAction');
	}
	if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return w.date(value);
	return value;
}
