/**
 * `/api/*`: health, the signed-in user's profile with the scopes they sync, the rounds
 * that take pre-reports from staff who do not sync their unit, and the people of a unit who can
 * be responsible for its actions. It must never return a password hash or more of another user
 * than name, display name and role in that unit, and never more of a round than its header.
 */
import type { FastifyInstance } from 'fastify';
import type { Me, OpenPrereportRound, UnitMember } from '../../../src/lib/domain/index.ts';
import { AppError, idKey, passwordChangeSchema, unitScope } from '../../../src/lib/domain/index.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { encodeSession, newSession } from '../auth/session.ts';
import type { ServerContext } from '../context.ts';
import { mayRead, submitUnits } from '../policy/access.ts';
import { syncedGrants } from '../policy/synced.ts';
import { setSessionCookie } from './session.ts';

export async function apiRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
	app.get('/api/health', async () => ({ ok: true }));

	app.get('/api/me', async (request): Promise<Me> => {
		const user = await ctx.requireUser(request);
		// The scopes to sync: those something writes (policy/synced.ts).
		const scopes = syncedGrants(await ctx.grants(user));
		return { name: user.name, displayName: user.displayName, roles: user.roles, scopes };
	});

	/**
	 * Change one's own password. Every session of the account ends (other devices answer 401 on
	 * their next request); this device gets a new session cookie. A wrong current password is a
	 * 403, not a 401: the session itself is still good.
	 */
	app.post('/api/me/password', async (request, reply): Promise<{ ok: true }> => {
		const user = await ctx.requireUser(request);
		const parsed = passwordChangeSchema.safeParse(request.body);
		if (!parsed.success) {
			throw new AppError('bad_request', 'password and a newPassword of at least 10 characters are required');
		}
		if (!(await verifyPassword(parsed.data.password, user.passwordHash))) {
			throw new AppError('forbidden', 'The current password is incorrect.');
		}
		const epoch = await ctx.users.setPassword(user.name, parsed.data.newPassword);
		if (epoch === undefined) throw new AppError('unauthorized', 'You are not signed in.');
		ctx.takeRenewal(request);
		const session = newSession(user.name, epoch, ctx.now());
		setSessionCookie(ctx, request, reply, encodeSession(ctx.secret, session), session.expires);
		return { ok: true };
	});

	/**
	 * Planned rounds that ask for pre-reports, in the units where the caller may only submit
	 * (staff). Managers and safety reps see these rounds through sync instead.
	 */
	app.get('/api/prereport-rounds', async (request): Promise<{ rounds: OpenPrereportRound[] }> => {
		const user = await ctx.requireUser(request);
		const units = await ctx.units();
		const names = new Map(units.map((u) => [idKey(u._id), u.name]));
		const rounds: OpenPrereportRound[] = [];
		for (const unitId of submitUnits(user, units)) {
			const { results } = await ctx.store.changes(unitScope(unitId), { includeDocs: true });
			for (const row of results) {
				const doc = row.doc;
				if (row.deleted || !doc || doc.type !== 'round' || doc.status !== 'planned' || doc.prereports !== true)
					continue;
				rounds.push({
					roundId: doc._id,
					unitId,
					unitName: names.get(unitId) ?? unitId,
					date: String(doc.date),
					templateId: String(doc.templateId),
				});
			}
		}
		return { rounds: rounds.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)) };
	});

	/**
	 * The unit's managers and safety reps (who may take on its actions), for whoever reads the
	 * unit's shared work. Staff are left out: they write nothing in the unit. The same answer for
	 * every scope the caller may not read, so existence never leaks.
	 */
	app.get('/api/units/:unitId/members', async (request): Promise<{ members: UnitMember[] }> => {
		const user = await ctx.requireUser(request);
		const { unitId } = request.params as { unitId: string };
		if (!mayRead(await ctx.grants(user), unitScope(unitId))) {
			throw new AppError('forbidden', 'You are not allowed to access this unit.');
		}
		const members: UnitMember[] = [];
		for (const u of await ctx.users.list()) {
			for (const m of u.memberships) {
				if (m.unitId !== unitId || m.role === 'staff') continue;
				members.push({ name: u.name, displayName: u.displayName, role: m.role });
			}
		}
		return { members };
	});
}
