/**
 * `/api/*`: health, the signed-in user's profile with the scopes they sync, the rounds
 * that take pre-reports from staff who do not sync their unit, and the people of a unit who can
 * be responsible for its actions. It must never return a password hash or more of another user
 * than name, display name and role in that unit, and never more of a round than its header.
 */
import type { FastifyInstance } from 'fastify';
import type { Me, OpenPrereportRound, UnitMember } from '../../../src/lib/domain/index.ts';
import {
	AppError,
	NEW_PASSWORD_MIN,
	WRONG_CURRENT_PASSWORD_REASON,
	idKey,
	passwordChangeSchema,
	unitScope,
} from '../../../src/lib/domain/index.ts';
import { encodeSession, newSession } from '../auth/session.ts';
import { checkPassword } from '../auth/sign-in.ts';
import type { ServerContext } from '../context.ts';
import { PrereportRoundIndex } from '../indexes/prereport-rounds.ts';
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
	 * 403, not a 401: the session itself is still good. The current password is checked like a
	 * sign-in (auth/sign-in.ts: counted before the hash, bounded, growing waits, one budget with
	 * sign-in per account and address) and per session, so a stolen cookie cannot guess at it.
	 */
	app.post('/api/me/password', async (request, reply): Promise<{ ok: true }> => {
		const user = await ctx.requireUser(request);
		const parsed = passwordChangeSchema.safeParse(request.body);
		if (!parsed.success) {
			const reason = `password and a newPassword of at least ${NEW_PASSWORD_MIN} characters are required`;
			throw new AppError('bad_request', reason);
		}
		const session = ctx.sessionOf(request);
		const now = ctx.now().getTime();
		try {
			await checkPassword(ctx.signIns, ctx.users, user.name, parsed.data.password, request.ip, now, session?.id);
		} catch (err) {
			if (err instanceof AppError && err.code === 'unauthorized') {
				throw new AppError('forbidden', WRONG_CURRENT_PASSWORD_REASON);
			}
			throw err;
		}
		const epoch = await ctx.users.setPassword(user.name, parsed.data.newPassword);
		if (epoch === undefined) throw new AppError('unauthorized', 'You are not signed in.');
		ctx.takeRenewal(request);
		const fresh = newSession(user.name, epoch, ctx.now());
		setSessionCookie(ctx, request, reply, encodeSession(ctx.secret, fresh), fresh.expires);
		return { ok: true };
	});

	/**
	 * Planned rounds that ask for pre-reports, in the units where the caller may only submit
	 * (staff). Managers and safety reps see these rounds through sync instead. Read from the
	 * index (decision 0017): an answer reads what changed since the last one, never the whole unit.
	 */
	const prereportRounds = new PrereportRoundIndex(ctx.store);
	app.get('/api/prereport-rounds', async (request): Promise<{ rounds: OpenPrereportRound[] }> => {
		const user = await ctx.requireUser(request);
		const units = await ctx.units();
		const names = new Map(units.map((u) => [idKey(u._id), u.name]));
		const rounds: OpenPrereportRound[] = [];
		for (const unitId of submitUnits(user, units)) {
			for (const round of await prereportRounds.rounds(unitScope(unitId))) {
				rounds.push({ ...round, unitId, unitName: names.get(unitId) ?? unitId });
			}
		}
		const order = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
		return { rounds: rounds.sort((a, b) => order(a.date, b.date) || order(a.roundId, b.roundId)) };
	});

	/**
	 * The unit's people with their role there, for whoever reads the unit's shared work: managers
	 * and safety reps take on actions, anyone may be a round's participant, an employee rep may be
	 * invited to co-sign. The same answer for every scope the caller may not read, so existence
	 * never leaks.
	 */
	app.get('/api/units/:unitId/members', async (request): Promise<{ members: UnitMember[] }> => {
		const user = await ctx.requireUser(request);
		const { unitId } = request.params as { unitId: string };
		if (!mayRead(await ctx.grants(user), unitScope(unitId))) {
			throw new AppError('forbidden', 'You are not allowed to access this unit.');
		}
		// From the accounts' unit index (decision 0017), not a read of every account.
		const members: UnitMember[] = [];
		for (const { name, displayName, role } of await ctx.users.membersOf(unitId)) {
			// A main safety rep of this very unit is its safety rep here.
			members.push({ name, displayName, role: role === 'main_safety_rep' ? 'safety_rep' : role });
		}
		return { members };
	});
}
