/**
 * The accounts database (`<dataDir>/auth`): user records with scrypt hashes, roles and unit
 * memberships. It must never return a password hash outside this module's callers in auth.
 */
import type { Role } from '../../../src/lib/domain/index.ts';
import { rolesAfter } from '../../../src/lib/domain/membership.ts';
import type { Membership } from '../policy/access.ts';
import { hashPassword } from './passwords.ts';

export type UserRecord = {
	_id: string;
	_rev?: string;
	name: string;
	displayName: string;
	roles: Role[];
	memberships: Membership[];
	/** Scopes this user has synced, so losing one answers `revoked` rather than `forbidden`. */
	seenScopes?: string[];
	passwordHash: string;
};

export type NewUser = Omit<UserRecord, '_id' | '_rev' | 'passwordHash' | 'seenScopes'> & { password: string };

const userId = (name: string): string => `user:${name}`;

export class UserStore {
	readonly #db: PouchDB.Database<Record<string, unknown>>;

	constructor(db: PouchDB.Database<Record<string, unknown>>) {
		this.#db = db;
	}

	async get(name: string): Promise<UserRecord | undefined> {
		try {
			return (await this.#db.get(userId(name))) as unknown as UserRecord;
		} catch (err) {
			if ((err as { status?: number }).status === 404) return undefined;
			throw err;
		}
	}

	async count(): Promise<number> {
		return (await this.#db.info()).doc_count;
	}

	/** Every user record, sorted by name (for the admin API, which strips the hashes). */
	async list(): Promise<UserRecord[]> {
		const { rows } = await this.#db.allDocs({ include_docs: true, startkey: 'user:', endkey: 'user:\ufff0' });
		return rows.flatMap((r) => (r.doc ? [r.doc as unknown as UserRecord] : []));
	}

	/**
	 * Replace a user's unit memberships (the caller checks who may); their role list follows
	 * (`rolesAfter`). `seenScopes` stays, so a device that synced a unit now lost hears `revoked`.
	 * Returns the updated record, or undefined when there is no such user.
	 */
	async setMemberships(name: string, memberships: Membership[]): Promise<UserRecord | undefined> {
		await this.#update(name, (u) => ({ ...u, memberships, roles: rolesAfter(u.roles, memberships) }));
		return this.get(name);
	}

	/** Note that `name` has synced `scope` (once; concurrent first reads may race, so retry). */
	async rememberScope(name: string, scope: string): Promise<void> {
		await this.#update(name, (u) =>
			u.seenScopes?.includes(scope) ? undefined : { ...u, seenScopes: [...(u.seenScopes ?? []), scope] },
		);
	}

	/** Read-modify-write with a retry on conflict; `change` returns undefined for "nothing to do". */
	async #update(name: string, change: (u: UserRecord) => UserRecord | undefined): Promise<void> {
		for (let attempt = 0; ; attempt++) {
			const user = await this.get(name);
			if (!user) return;
			const next = change(user);
			if (!next) return;
			try {
				await this.#db.put(next as unknown as Record<string, unknown> & { _id: string });
				return;
			} catch (err) {
				if ((err as { status?: number }).status !== 409 || attempt >= 4) throw err;
			}
		}
	}

	async create(user: NewUser): Promise<void> {
		const { password, ...rest } = user;
		await this.#db.put({ ...rest, _id: userId(user.name), passwordHash: await hashPassword(password) });
	}
}
