/**
 * Document ids and scope names: the naming rules shared by device and server.
 * Ids are made on the device (UUIDv7, time-ordered) and carry their type as a prefix,
 * so a document's id alone tells the server which schema applies.
 */
import { v7 as uuidv7 } from 'uuid';

/** The document types that travel through `/db`. */
export const DOC_TYPES = [
	'unit',
	'template',
	'round',
	'answer',
	'finding',
	'assessment',
	'action',
	'signature',
	'prereport',
	'reopening',
	'settings',
	'request',
	'workstop',
	'followup',
	'actionlog',
	'survey',
	'campaign',
	// Report documents: written by the server only, into report scopes (decision 0034).
	'stats',
	'surveyresult',
	'surveytext',
] as const;
export type DocType = (typeof DOC_TYPES)[number];

/**
 * Types whose documents are never edited once written (decision 0005): a change is a new
 * document, so they need no field clocks and never conflict.
 */
export const APPEND_ONLY_TYPES: readonly DocType[] = ['answer', 'assessment', 'signature', 'reopening', 'actionlog'];

/**
 * A new id for a document of `type`.
 * @example newId('round') // 'round:019a…'
 */
export function newId(type: DocType): string {
	return `${type}:${uuidv7()}`;
}

const DOC_TYPE_SET: ReadonlySet<string> = new Set(DOC_TYPES);

/** The type an id claims, or undefined when it has no known prefix. */
export function idType(id: string): DocType | undefined {
	const prefix = id.slice(0, id.indexOf(':'));
	return DOC_TYPE_SET.has(prefix) ? (prefix as DocType) : undefined;
}

/** The part of an id after its type prefix. */
export function idKey(id: string): string {
	return id.slice(id.indexOf(':') + 1);
}

const SCOPE_RE = /^(org|reports|(unit|user|reports)-[a-z0-9-]{1,64})$/;

/**
 * Is `name` a scope (a server database) name?
 * @example isScope('unit-a1') // true
 */
export function isScope(name: string): boolean {
	return SCOPE_RE.test(name);
}

/** The scope that holds a unit's shared work. */
export function unitScope(unitId: string): string {
	return `unit-${unitId}`;
}

/** The scope of server-written summaries of a unit and its subtree (decision 0003). */
export function reportsScope(unitId: string): string {
	return `reports-${unitId}`;
}

/** The scope that holds one person's private state. */
export function userScope(userName: string): string {
	return `user-${userName}`;
}
