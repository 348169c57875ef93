/**
 * The accounts database (`<dataDir>/auth`): user records with scrypt hashes, roles and unit
 * memberships. It must never return a password hash outside this module's callers in auth.
 */
import type { Role } from '../../../src/lib/domain/index.ts';
import { rolesAfter } from '../../../src/lib/domain/membership.ts';
import { CatchUp } from '../indexes/catch-up.ts';
import type { Membership, MembershipRole } from '../policy/access.ts';
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
	/** Sessions made at a lower epoch are over (password change, "sign out everywhere"). */
	sessionEpoch?: number;
	/** Single sessions signed out, kept until they would have expired anyway. */
	revokedSessions?: RevokedSession[];
};

export type RevokedSession = { id: string; until: number };

export type NewUser = Omit<
	UserRecord,
	'_id' | '_rev' | 'passwordHash' | 'seenScopes' | 'sessionEpoch' | 'revokedSessions'
> & { password: string };

const userId = (name: string): string => `user:${name}`;

/** Someone with a membership of a unit: name, display name and role there, nothing more. */
export type UnitPerson = { name: string; displayName: string; role: MembershipRole };

/** Changes of the accounts read per request while the unit index catches up. */
const ROSTER_PAGE = 500;

export class UserStore {
	readonly #db: PouchDB.Database<Record<string, unknown>>;
	/**
	 * Who belongs to which unit, kept from the accounts' changes feed (decision 0017): the units of
	 * each person, and the people of each unit. No hashes, no other fields.
	 */
	readonly #roster = {
		since: 0 as string | number,
		unitsOf: new Map<string, string[]>(),
		byUnit: new Map<string, Map<string, UnitPerson>>(),
	};
	readonly #rosterCatchUp = new CatchUp(() => this.#readRoster());

	constructor(db: PouchDB.Database<Record<string, unknown>>) {
		this.#db = db;
	}

	/**
	 * Everyone with a membership of `unitId`, by name: from the index, brought up to date first by
	 * reading only the accounts changed since the last call (never every account per call).
	 */
	async membersOf(unitId: string): Promise<UnitPerson[]> {
		await this.#rosterCatchUp.refresh();
		const people = [...(this.#roster.byUnit.get(unitId)?.values() ?? [])];
		return people.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	}

	async #readRoster(): Promise<void> {
		const roster = this.#roster;
		for (;;) {
			const page = await this.#db.changes({ since: roster.since, limit: ROSTER_PAGE, include_docs: true });
			for (const row of page.results) {
				if (!row.id.startsWith('user:')) continue;
				const name = row.id.slice('user:'.length);
				for (const unitId of roster.unitsOf.get(name) ?? []) roster.byUnit.get(unitId)?.delete(name);
				roster.unitsOf.delete(name);
				const user = row.deleted ? undefined : (row.doc as unknown as UserRecord | undefined);
				if (!user || !Array.isArray(user.memberships)) continue;
				roster.unitsOf.set(
					name,
					user.memberships.map((m) => m.unitId),
				);
				for (const m of user.memberships) {
					let people = roster.byUnit.get(m.unitId);
					if (!people) {
						people = new Map();
						roster.byUnit.set(m.unitId, people);
					}
					people.set(name, { name, displayName: user.displayName, role: m.role });
				}
			}
			roster.since = page.last_seq;
			if (page.results.length < ROSTER_PAGE) return;
		}
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

	/** End every session of `name` (a higher epoch); false when there is no such user. */
	async endSessions(name: string): Promise<boolean> {
		let found = false;
		await this.#update(name, (u) => {
			found = true;
			return { ...u, sessionEpoch: (u.sessionEpoch ?? 0) + 1, revokedSessions: [] };
		});
		return found;
	}

	/** End one session of `name`: its id is kept until `until` (its own expiry); stale ids are dropped. */
	async revokeSession(name: string, id: string, until: number, now: number): Promise<void> {
		await this.#update(name, (u) => {
			const kept = (u.revokedSessions ?? []).filter((r) => r.until > now && r.id !== id);
			return { ...u, revokedSessions: [...kept, { id, until }] };
		});
	}

	/**
	 * A new password for `name`; every session of theirs ends. Returns the account's new session
	 * epoch (for the caller's fresh session), undefined when there is no such user.
	 */
	async setPassword(name: string, password: string): Promise<number | undefined> {
		const passwordHash = await hashPassword(password);
		let epoch: number | undefined;
		await this.#update(name, (u) => {
			epoch = (u.sessionEpoch ?? 0) + 1;
			return { ...u, passwordHash, sessionEpoch: epoch, revokedSessions: [] };
		});
		return epoch;
	}

	/** Remove the account of `name` (its sessions end with it); false when there is none. */
	async remove(name: string): Promise<boolean> {
		for (let attempt = 0; ; attempt++) {
			const user = await this.get(name);
			if (!user?._rev) return false;
			try {
				await this.#db.remove(user._id, user._rev);
				return true;
			} catch (err) {
				if ((err as { status?: number }).status !== 409 || attempt >= 4) throw err;
			}
		}
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
		await this.createHashed(rest, await hashPassword(password));
	}

	/** Create an account with a password hash made already (the demo seed hashes its one password once). */
	async createHashed(user: Omit<NewUser, 'password'>, passwordHash: string): Promise<void> {
		await this.#db.put({ ...user, _id: userId(user.name), passwordHash });
	}
}
