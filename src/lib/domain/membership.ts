/**
 * Unit memberships and the admin API that changes them (`/api/admin/users`): the wire format
 * shared by the admin page and the sync server. A membership says which role a person holds in
 * one org unit; it is what opens a `unit-<id>` scope (the server's policy decides what it opens).
 * It never carries a password, a hash or the scopes a person synced.
 */
import { z } from './zod.ts';
import { roleSchema, type Role } from './schemas.ts';

/**
 * `main_safety_rep` (huvudskyddsombud): a safety rep for the unit and every unit below it.
 * `employee_rep` (arbetstagarrepresentant): may be invited to co-sign the unit's rounds and annual
 * follow-up where it has no safety rep; files no 6:6a request or 6:7 stop (decision 0028).
 */
export const MEMBERSHIP_ROLES = ['manager', 'safety_rep', 'main_safety_rep', 'employee_rep', 'staff'] as const;
export const membershipRoleSchema = z.enum(MEMBERSHIP_ROLES);
export type MembershipRole = z.infer<typeof membershipRoleSchema>;

/** A unit id as it appears in `unit-<id>` scope names. */
const unitIdSchema = z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'expected a unit id (a–z, 0–9, -)'));

export const membershipSchema = z.strictObject({ unitId: unitIdSchema, role: membershipRoleSchema });
export type Membership = z.infer<typeof membershipSchema>;

/**
 * The body of `PUT /api/admin/users/:name/memberships`: the person's whole list, one role per unit.
 * @example membershipsSchema.parse([{ unitId: 'a1', role: 'safety_rep' }])
 */
export const membershipsSchema = z.array(membershipSchema).check(
	z.maxLength(200),
	z.refine((list) => new Set(list.map((m) => m.unitId)).size === list.length, 'one role per unit'),
);

/** A person as the admin API lists them. */
export const adminUserSchema = z.object({
	name: z.string(),
	displayName: z.string(),
	roles: z.array(roleSchema),
	memberships: z.array(membershipSchema),
});
export type AdminUser = z.infer<typeof adminUserSchema>;

/** `GET /api/admin/users`. */
export const adminUsersSchema = z.array(adminUserSchema);

/** Roles that belong to a person, not to a unit membership. */
const GLOBAL_ROLES: ReadonlySet<Role> = new Set<Role>(['hr', 'admin']);

/**
 * A person's role list after their memberships changed: their global roles (hr, admin) kept, and
 * one role per kind of membership they hold. The role list is what the app shows and uses for
 * navigation; access itself comes from the memberships.
 * @example rolesAfter(['safety_rep'], []) // []
 * @example rolesAfter(['hr'], [{ unitId: 'a1', role: 'manager' }]) // ['hr', 'manager']
 */
export function rolesAfter(roles: readonly Role[], memberships: readonly Membership[]): Role[] {
	const kept = roles.filter((r) => GLOBAL_ROLES.has(r));
	// A main safety rep is a safety rep wherever the app asks (navigation, signing).
	const held = new Set(memberships.map((m): Role => (m.role === 'main_safety_rep' ? 'safety_rep' : m.role)));
	const fromUnits = (['manager', 'safety_rep', 'employee_rep', 'staff'] as const).filter((r) => held.has(r));
	return [...kept, ...fromUnits];
}
