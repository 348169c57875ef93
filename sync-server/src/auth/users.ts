/**
 * The accounts database (`<dataDir>/auth`): user records with scrypt hashes, roles and unit
 * memberships. It must never return a password hash outside this module's callers in auth.
 */
import type { Role } from '../../../src/lib/domain/index.ts';
import type { Membership } from '../policy/access.ts';
import { hashPassword } from './passwords.ts';

export type UserRecord = {
	_id: string;
	_rev?: string;
	name: string;
	displayName: string;
	roles: Role[];
	memberships: Membership[];
	passwordHash: string;
};

export type NewUser = Omit<UserRecord, '_id' | '_rev' | 'passwordHash'> & { password: string };

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

	async create(user: NewUser): Promise<void> {
		const { password, ...rest } = user;
		await this.#db.put({ ...rest, _id: userId(user.name), passwordHash: await hashPassword(password) });
	}
}
