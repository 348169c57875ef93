/**
 * Who may read and write which scope: default deny, in this one table-driven module.
 * Pure functions of a user and the org tree, so they are easy to test and reason about.
 * It must never grant anything not written in RULES below, and never reads storage itself.
 */
import type { Role, ScopeGrant } from '../../../src/lib/domain/index.ts';
import { idKey, isScope, unitScope, userScope } from '../../../src/lib/domain/index.ts';

export type MembershipRole = 'manager' | 'safety_rep' | 'staff';
export type Membership = { unitId: string; role: MembershipRole };

/** What the policy needs to know about a signed-in user. */
export type PolicyUser = { name: string; roles: Role[]; memberships: Membership[] };

/** What the policy needs to know about an org unit (a `unit` doc in `org`). */
export type PolicyUnit = { _id: string; name: string; parentId: string | null };

/**
 * The grant table. Each line says which scopes a role or membership opens and whether it
 * may write there. Anything not listed is denied.
 */
const RULES = {
	/** Every signed-in user: read `org`, read/write their own `user-<name>`. */
	signedIn: { org: { write: false }, ownUserScope: { write: true } },
	/** Global roles. */
	roles: {
		hr: { org: { write: true }, reports: { write: false } },
		admin: { org: { write: true } },
	} as Partial<Record<Role, { org?: { write: boolean }; reports?: { write: boolean } }>>,
	/** Unit memberships: the own unit, and descendants of it. `null` = no grant. */
	memberships: {
		manager: { own: { write: true }, descendants: { write: false } },
		safety_rep: { own: { write: true }, descendants: null },
		// Staff answer surveys later; they sync no unit's shared work.
		staff: { own: null, descendants: null },
	} as Record<MembershipRole, { own: { write: boolean } | null; descendants: { write: boolean } | null }>,
} as const;

/** Document types each kind of scope may hold (the schema fixes `org` types to scope `org`). */
const TYPES_BY_SCOPE_KIND: Record<'org' | 'unit' | 'user' | 'reports', readonly string[]> = {
	org: ['unit', 'template'],
	unit: ['round'],
	user: ['round'],
	reports: [],
};

function scopeKind(scope: string): keyof typeof TYPES_BY_SCOPE_KIND {
	if (scope === 'org' || scope === 'reports') return scope;
	return scope.startsWith('unit-') ? 'unit' : 'user';
}

/** The role that names a user's grant on shared scopes (the strongest global role). */
function primaryRole(roles: Role[]): Role {
	for (const r of ['admin', 'hr', 'manager', 'safety_rep'] as const) if (roles.includes(r)) return r;
	return 'staff';
}

/** Unit ids (without `unit:`) of every descendant of `unitId`. */
function descendantsOf(unitId: string, units: PolicyUnit[]): string[] {
	const children = new Map<string, string[]>();
	for (const u of units) {
		if (u.parentId === null) continue;
		const parent = idKey(u.parentId);
		const list = children.get(parent) ?? [];
		list.push(idKey(u._id));
		children.set(parent, list);
	}
	const out: string[] = [];
	const seen = new Set<string>([unitId]);
	const queue = [...(children.get(unitId) ?? [])];
	while (queue.length > 0) {
		const id = queue.shift() as string;
		if (seen.has(id)) continue; // a cycle in bad data must not loop forever
		seen.add(id);
		out.push(id);
		queue.push(...(children.get(id) ?? []));
	}
	return out;
}

/**
 * Every scope `user` may sync, merged per scope (write wins, with the role that gave it).
 * @example grantsFor(chef, units) // [{scope:'org',…}, {scope:'user-chef',…}, {scope:'unit-a1', role:'manager', write:true}]
 */
export function grantsFor(user: PolicyUser, units: PolicyUnit[]): ScopeGrant[] {
	const names = new Map(units.map((u) => [idKey(u._id), u.name]));
	const grants = new Map<string, ScopeGrant>();
	const add = (g: ScopeGrant): void => {
		if (!isScope(g.scope)) return;
		const prev = grants.get(g.scope);
		if (!prev || (g.write && !prev.write)) grants.set(g.scope, g);
	};
	const role = primaryRole(user.roles);
	add({ scope: 'org', unitId: null, unitName: null, role, write: RULES.signedIn.org.write });
	add({ scope: userScope(user.name), unitId: null, unitName: null, role, write: RULES.signedIn.ownUserScope.write });
	for (const r of user.roles) {
		const rule = RULES.roles[r];
		if (rule?.org) add({ scope: 'org', unitId: null, unitName: null, role: r, write: rule.org.write });
		if (rule?.reports) add({ scope: 'reports', unitId: null, unitName: null, role: r, write: rule.reports.write });
	}
	for (const m of user.memberships) {
		const rule = RULES.memberships[m.role];
		// A membership of a unit that is not in the org tree grants nothing.
		if (!names.has(m.unitId)) continue;
		if (rule.own) {
			add({
				scope: unitScope(m.unitId),
				unitId: m.unitId,
				unitName: names.get(m.unitId) ?? null,
				role: m.role,
				write: rule.own.write,
			});
		}
		if (rule.descendants) {
			for (const d of descendantsOf(m.unitId, units)) {
				add({
					scope: unitScope(d),
					unitId: d,
					unitName: names.get(d) ?? null,
					role: m.role,
					write: rule.descendants.write,
				});
			}
		}
	}
	return [...grants.values()];
}

export function mayRead(grants: ScopeGrant[], scope: string): boolean {
	return grants.some((g) => g.scope === scope);
}

export function mayWrite(grants: ScopeGrant[], scope: string): boolean {
	return grants.some((g) => g.scope === scope && g.write);
}

export type WriteCheck = { ok: true } | { ok: false; reason: string };

/**
 * May this (already schema-valid) document be written to `scope`? `stored` is the
 * current version in that scope, if any.
 */
export function checkWrite(
	grants: ScopeGrant[],
	scope: string,
	doc: { type: string; scope: string; unitId?: unknown; _deleted?: boolean },
	stored: { scope?: unknown } | undefined,
): WriteCheck {
	if (!mayWrite(grants, scope)) return { ok: false, reason: `no write access to ${scope}` };
	if (doc.scope !== scope) return { ok: false, reason: `document scope ${doc.scope} does not match ${scope}` };
	if (stored && stored.scope !== scope) return { ok: false, reason: 'stored document belongs to another scope' };
	if (!TYPES_BY_SCOPE_KIND[scopeKind(scope)].includes(doc.type)) {
		return { ok: false, reason: `a ${doc.type} document does not belong in ${scope}` };
	}
	if (!doc._deleted && scopeKind(scope) === 'unit' && doc.unitId !== scope.slice('unit-'.length)) {
		return { ok: false, reason: `unitId does not match ${scope}` };
	}
	return { ok: true };
}
