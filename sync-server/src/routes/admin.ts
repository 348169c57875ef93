/**
 * `/api/admin/*`: who belongs to which unit. Admin only (everyone else 403, signed out 401);
 * writes pass the app-wide cross-site check like every write. Memberships are validated with
 * the shared schema and must name units of the org tree. A removed membership takes effect on
 * the next request of that person (roles are read fresh), and a device that synced the unit
 * hears `revoked`. "Sign out everywhere" and removing an account end that person's sessions on
 * their next request (decision 0014). It never returns a password hash or the scopes a person synced.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, OWN_ACCOUNT_REASON, idKey } from '../../../src/lib/domain/index.ts';
import type { AdminUser } from '../../../src/lib/domain/membership.ts';
import { membershipsSchema } from '../../../src/lib/domain/membership.ts';
import type { UserRecord } from '../auth/users.ts';
import type { ServerContext } from '../context.ts';

/** What the admin API shows of a user record. */
function view(user: UserRecord): AdminUser {
	return { name: user.name, displayName: user.displayName, roles: user.roles, memberships: user.memberships };
}

export async function adminRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
	async function requireAdmin(request: FastifyRequest): Promise<UserRecord> {
		const user = await ctx.requireUser(request);
		if (!user.roles.includes('admin')) throw new AppError('forbidden', 'Only an administrator may do this.');
		return user;
	}

	app.get('/api/admin/users', async (request): Promise<AdminUser[]> => {
		await requireAdmin(request);
		return (await ctx.users.list()).map(view);
	});

	app.put('/api/admin/users/:name/memberships', async (request): Promise<AdminUser> => {
		await requireAdmin(request);
		const { name } = request.params as { name: string };
		const parsed = membershipsSchema.safeParse(request.body);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
			throw new AppError('bad_request', `${where}${issue?.message ?? 'invalid memberships'}`);
		}
		const units = new Set((await ctx.units()).map((u) => idKey(u._id)));
		const unknown = parsed.data.find((m) => !units.has(m.unitId));
		if (unknown) throw new AppError('bad_request', `unit ${unknown.unitId} is not in the org tree`);
		const updated = await ctx.users.setMemberships(name, parsed.data);
		if (!updated) throw new AppError('not_found', 'No such user.');
		return view(updated);
	});

	/** End every session of `name` at once, on every device ("sign out everywhere"). */
	app.post('/api/admin/users/:name/sign-out', async (request): Promise<{ ok: true }> => {
		await requireAdmin(request);
		const { name } = request.params as { name: string };
		if (!(await ctx.users.endSessions(name))) throw new AppError('not_found', 'No such user.');
		return { ok: true };
	});

	/** Remove an account (what they wrote stays); an admin cannot remove their own. */
	app.delete('/api/admin/users/:name', async (request): Promise<{ ok: true }> => {
		const admin = await requireAdmin(request);
		const { name } = request.params as { name: string };
		if (name === admin.name) throw new AppError('bad_request', OWN_ACCOUNT_REASON);
		if (!(await ctx.users.remove(name))) throw new AppError('not_found', 'No such user.');
		return { ok: true };
	});
}
