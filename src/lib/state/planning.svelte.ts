/**
 * Planning screens' state: live rounds, units and pre-reports on this device, the overdue list
 * for managers of higher units, and, for staff who do not sync their unit, the rounds that take
 * pre-reports (fetched from the server, remembered on the device for offline use).
 */
import {
	newId,
	openPrereportRoundsSchema,
	unitScope,
	type OpenPrereportRound,
	type PrereportDoc,
	type RoundDoc,
	type TemplateDoc,
	type UnitDoc,
} from '../domain/index.ts';
import { overdueUnits } from '../domain/overdue.ts';
import { liveDocsOfType, liveDocsOfTypeWithOutbox } from '../db/docs-repo.ts';
import type { TryggDb } from '../db/app-db.ts';
import { requestJson } from '../sync/http.ts';
import { i18n } from '../i18n/i18n.svelte.ts';
import { app } from './app-state.svelte.ts';
import { Live } from './live.svelte.ts';
import { localToday, nowIso } from './clock.ts';

export function liveUnits(db: TryggDb | null): Live<UnitDoc[]> | null {
	return db ? new Live(liveDocsOfType(db, 'unit')) : null;
}

export function livePrereports(db: TryggDb | null): Live<PrereportDoc[]> | null {
	return db ? new Live(liveDocsOfType(db, 'prereport')) : null;
}

/** A pre-report with where it is on its way: waiting or refused on the device, or sent. */
export type PrereportSent = { doc: PrereportDoc; outbox: 'pending' | 'refused' | 'revoked' | undefined };

/** Pre-reports on the device with their outbox state, read together (see `liveDocsOfTypeWithOutbox`). */
export function livePrereportsSent(db: TryggDb | null): Live<PrereportSent[]> | null {
	return db ? new Live<PrereportSent[]>(liveDocsOfTypeWithOutbox(db, 'prereport'), []) : null;
}

/**
 * Units this person manages that have units below them (a division manager): the roots of
 * the overdue list. A manager of one workplace has no list.
 */
export function overdueRoots(units: readonly UnitDoc[]): string[] {
	const hasChildren = (unitId: string): boolean => units.some((u) => u.parentId === `unit:${unitId}`);
	return (app.me?.scopes ?? [])
		.filter((s) => s.role === 'manager' && s.write && s.unitId !== null && hasChildren(s.unitId))
		.map((s) => s.unitId as string);
}

export function overdueFor(units: UnitDoc[], rounds: RoundDoc[], templates: TemplateDoc[], today = localToday()) {
	const roots = overdueRoots(units);
	if (roots.length === 0) return null;
	return overdueUnits({ units, rounds, templates, roots, today, compare: i18n.compare });
}

const OPEN_KEY = 'trygg.prereportRounds';

/** Rounds that take pre-reports from this staff member: the last answer, refreshed when online. */
export class OpenPrereportRounds {
	rounds = $state<OpenPrereportRound[]>([]);
	loaded = $state(false);
	failed = $state(false);

	constructor() {
		try {
			const raw = localStorage.getItem(`${OPEN_KEY}.${app.me?.name ?? ''}`);
			const parsed = openPrereportRoundsSchema.safeParse(raw ? JSON.parse(raw) : null);
			if (parsed.success) {
				this.rounds = parsed.data;
				this.loaded = true;
			}
		} catch {
			// Nothing remembered: wait for the server.
		}
	}

	async refresh(): Promise<void> {
		try {
			const body = await requestJson<{ rounds: unknown }>(fetch, '/api/prereport-rounds');
			this.rounds = openPrereportRoundsSchema.parse(body.rounds);
			this.failed = false;
			localStorage.setItem(`${OPEN_KEY}.${app.me?.name ?? ''}`, JSON.stringify(this.rounds));
		} catch {
			this.failed = true;
		} finally {
			this.loaded = true;
		}
	}
}

/** Save a pre-report for `round` (queued; sent with the next sync). */
export async function sendPrereport(
	round: OpenPrereportRound,
	fields: { title: string; description: string; location: string; itemId?: string },
): Promise<PrereportDoc> {
	const me = app.me;
	if (!me) throw new Error('not signed in');
	const now = nowIso();
	const doc: PrereportDoc = {
		_id: newId('prereport'),
		type: 'prereport',
		scope: unitScope(round.unitId),
		unitId: round.unitId,
		roundId: round.roundId,
		submittedBy: me.name,
		submitterName: me.displayName,
		title: fields.title.trim(),
		description: fields.description.trim(),
		location: fields.location.trim(),
		...(fields.itemId ? { itemId: fields.itemId } : {}),
		createdAt: now,
		updatedAt: now,
	};
	await app.save(doc);
	return doc;
}
