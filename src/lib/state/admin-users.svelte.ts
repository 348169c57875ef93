/**
 * The admin page's state: the people and their unit memberships, read from and written to the
 * server's admin API (online only: membership changes are decided by the server, never queued on
 * the device). Unit names come from the org tree already synced to the device. It never keeps a
 * copy of the user list beyond the page.
 */
import type { TryggDb } from '../db/app-db.ts';
import { liveDocsOfType } from '../db/docs-repo.ts';
import { idKey } from '../domain/index.ts';
import {
	adminUserSchema,
	adminUsersSchema,
	type AdminUser,
	type Membership,
	type MembershipRole,
} from '../domain/membership.ts';
import { requestJson } from '../sync/http.ts';
import { Live } from './live.svelte.ts';

export type { AdminUser, Membership, MembershipRole };

export class AdminUsers {
	users = $state<AdminUser[]>([]);
	loaded = $state(false);
	/** The name of the person being saved, or null. */
	busy = $state<string | null>(null);
	readonly #units: Live<{ _id: string; name: string }[]> | null;

	constructor(db: TryggDb | null) {
		this.#units = db ? new Live<{ _id: string; name: string }[]>(liveDocsOfType(db, 'unit'), []) : null;
	}

	/** Org units as `{unitId, name}`, from the synced org tree. */
	get units(): { unitId: string; name: string }[] {
		return (this.#units?.current ?? []).map((u) => ({ unitId: idKey(u._id), name: u.name }));
	}

	unitName(unitId: string): string {
		return this.units.find((u) => u.unitId === unitId)?.name ?? unitId;
	}

	/** Read the people from the server. Throws AppError (network, forbidden, …). */
	async load(): Promise<void> {
		this.users = adminUsersSchema.parse(await requestJson(fetch, '/api/admin/users'));
		this.loaded = true;
	}

	/** Replace one person's memberships on the server; the list shows the server's answer. */
	async setMemberships(name: string, memberships: Membership[]): Promise<AdminUser> {
		this.busy = name;
		try {
			const updated = adminUserSchema.parse(
				await requestJson(fetch, `/api/admin/users/${encodeURIComponent(name)}/memberships`, {
					method: 'PUT',
					body: memberships,
				}),
			);
			this.users = this.users.map((u) => (u.name === name ? updated : u));
			return updated;
		} finally {
			this.busy = null;
		}
	}
}

/**
 * `memberships` with `unitId` set to `role` (one role per unit), or removed when `role` is null.
 * @example withMembership([{ unitId: 'a1', role: 'staff' }], 'a1', null) // []
 */
export function withMembership(
	memberships: readonly Membership[],
	unitId: string,
	role: MembershipRole | null,
): Membership[] {
	const rest = memberships.filter((m) => m.unitId !== unitId);
	return role === null ? rest : [...rest, { unitId, role }];
}
