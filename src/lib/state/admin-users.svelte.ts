/**
 * The admin page's state: the people, their unit memberships and their accounts, read from and
 * written to the server's admin API. Online only: membership changes, "sign out everywhere" and
 * removing an account are decided by the server at once, never queued on the device. The two
 * account actions wait for the admin's confirmation; the admin's own account has neither (the
 * server refuses removing it; one's own other devices are signed out by a password change).
 * Unit names come from the org tree already synced to the device. It never keeps a copy of the
 * user list beyond the page.
 */
import type { TryggDb } from '../db/app-db.ts';
import { liveDocsOfType } from '../db/docs-repo.ts';
import { AppError, idKey } from '../domain/index.ts';
import {
	adminUserSchema,
	adminUsersSchema,
	type AdminUser,
	type Membership,
	type MembershipRole,
} from '../domain/membership.ts';
import { t } from '../i18n/i18n.svelte.ts';
import { requestJson, type FetchLike } from '../sync/http.ts';
import { errorCode, messageForOnlineOnly } from './errors.ts';
import { Live } from './live.svelte.ts';

export type { AdminUser, Membership, MembershipRole };

/** What an admin may do to another person's account. */
export type AccountAction = 'signOut' | 'remove';

export type AdminUsersDeps = {
	fetch: FetchLike;
	/** Is the device online now (the app's network state)? */
	online: () => boolean;
	/** The signed-in admin's user name. */
	me: () => string | null;
};

export class AdminUsers {
	users = $state<AdminUser[]>([]);
	loaded = $state(false);
	/** The name of the person being saved, or null. */
	busy = $state<string | null>(null);
	/** What the last change did, translated (for the page's status region). */
	feedback = $state('');
	/** Why the last request failed, translated, or null. */
	error = $state<string | null>(null);
	/** The account action waiting for the admin's confirmation, or null. */
	confirming = $state<{ action: AccountAction; user: AdminUser } | null>(null);
	readonly #units: Live<{ _id: string; name: string }[]> | null;
	readonly #deps: AdminUsersDeps;

	constructor(db: TryggDb | null, deps: AdminUsersDeps) {
		this.#units = db ? new Live<{ _id: string; name: string }[]>(liveDocsOfType(db, 'unit'), []) : null;
		this.#deps = deps;
	}

	get online(): boolean {
		return this.#deps.online();
	}

	/** Is `name` the signed-in admin (no account actions on one's own account)? */
	isSelf(name: string): boolean {
		return name === this.#deps.me();
	}

	/** Org units as `{unitId, name}`, from the synced org tree. */
	get units(): { unitId: string; name: string }[] {
		return (this.#units?.current ?? []).map((u) => ({ unitId: idKey(u._id), name: u.name }));
	}

	unitName(unitId: string): string {
		return this.units.find((u) => u.unitId === unitId)?.name ?? unitId;
	}

	/** Read the people from the server; a failure is shown in `error`. */
	async load(): Promise<void> {
		this.error = null;
		try {
			this.users = adminUsersSchema.parse(await requestJson(this.#deps.fetch, '/api/admin/users'));
			this.loaded = true;
		} catch (err) {
			this.error = messageForOnlineOnly(err);
		}
	}

	/** Set `user`'s role in `unitId` (null: take them out of it) on the server; the list shows its answer. */
	async setMembership(user: AdminUser, unitId: string, role: MembershipRole | null): Promise<void> {
		await this.#act(user, async () => {
			const updated = adminUserSchema.parse(
				await requestJson(this.#deps.fetch, `/api/admin/users/${encodeURIComponent(user.name)}/memberships`, {
					method: 'PUT',
					body: withMembership(user.memberships, unitId, role),
				}),
			);
			this.users = this.users.map((u) => (u.name === user.name ? updated : u));
			const unit = this.unitName(unitId);
			return role === null
				? t('admin.users.removed', { name: user.displayName, unit })
				: t('admin.users.added', { name: user.displayName, role: t(`role.${role}`).toLowerCase(), unit });
		});
	}

	/** Ask before `action` on `user`'s account (never one's own). */
	ask(action: AccountAction, user: AdminUser): void {
		if (this.isSelf(user.name)) return;
		this.confirming = { action, user };
	}

	cancel(): void {
		this.confirming = null;
	}

	/** Carry out the confirmed account action on the server. */
	async confirm(): Promise<void> {
		const pending = this.confirming;
		this.confirming = null;
		if (!pending) return;
		const { action, user } = pending;
		const url = `/api/admin/users/${encodeURIComponent(user.name)}${action === 'signOut' ? '/sign-out' : ''}`;
		await this.#act(user, async () => {
			await requestJson(this.#deps.fetch, url, { method: action === 'signOut' ? 'POST' : 'DELETE' });
			if (action === 'signOut') return t('admin.users.signedOut', { name: user.displayName });
			this.users = this.users.filter((u) => u.name !== user.name);
			return t('admin.users.accountRemoved', { name: user.displayName });
		});
	}

	/** Run one change for `user`: offline refused at once, one at a time, the outcome in `feedback` or `error`. */
	async #act(user: AdminUser, change: () => Promise<string>): Promise<void> {
		this.feedback = '';
		this.error = null;
		if (!this.online) {
			this.error = messageForOnlineOnly(new AppError('network', 'offline'));
			return;
		}
		if (this.busy !== null) return;
		this.busy = user.name;
		try {
			this.feedback = await change();
		} catch (err) {
			if (errorCode(err) === 'not_found') {
				// Removed meanwhile (by another admin): the list follows the server.
				this.users = this.users.filter((u) => u.name !== user.name);
				this.error = t('admin.users.gone', { name: user.displayName });
			} else {
				this.error = messageForOnlineOnly(err);
			}
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
