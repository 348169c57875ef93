/**
 * CouchDB's welcome document and `_session` (cookie sign-in and sign-out).
 * It must never log or echo a password, and must answer a wrong name and a wrong
 * password alike (same reason, same work).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, signInSchema } from '../../../src/lib/domain/index.ts';
import { dummyVerify, verifyPassword } from '../auth/passwords.ts';
import { encodeSession, newSession } from '../auth/session.ts';
import type { ServerContext } from '../context.ts';

const WRONG = 'Name or password is incorrect.';

function cookieOptions(ctx: ServerContext, request: FastifyRequest) {
	return { httpOnly: true, sameSite: 'lax', path: '/', secure: ctx.isSecure(request) } as const;
}

/** Set the session cookie `value`, living until `expires` (ms) at most. */
export function setSessionCookie(
	ctx: ServerContext,
	request: FastifyRequest,
	reply: FastifyReply,
	value: string,
	expires: number,
): void {
	const maxAge = Math.max(0, Math.floor((expires - ctx.now().getTime()) / 1000));
	reply.setCookie(ctx.cookieName(request), value, { ...cookieOptions(ctx, request), maxAge });
}

export async function sessionRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
	const welcome = async () => ({ couchdb: 'Welcome', uuid: ctx.uuid, version: '3.3.3', vendor: { name: 'Trygg' } });
	app.get('/db', welcome);
	app.get('/db/', welcome);

	app.get('/db/_session', async (request) => {
		const user = await ctx.currentUser(request);
		return { ok: true, userCtx: { name: user?.name ?? null, roles: user?.roles ?? [] } };
	});

	app.post('/db/_session', async (request, reply) => {
		const parsed = signInSchema.safeParse(request.body);
		if (!parsed.success) throw new AppError('bad_request', 'name and password are required');
		const { name, password } = parsed.data;
		const now = ctx.now().getTime();
		const ip = request.ip;
		if (ctx.accountFailures.blocked(name, now) || ctx.ipFailures.blocked(ip, now)) {
			throw new AppError('rate_limited', 'Too many failed sign-ins. Try again in 15 minutes.');
		}
		const user = await ctx.users.get(name);
		const ok = user ? await verifyPassword(password, user.passwordHash) : await dummyVerify(password);
		if (!user || !ok) {
			ctx.accountFailures.fail(name, now);
			ctx.ipFailures.fail(ip, now);
			throw new AppError('unauthorized', WRONG);
		}
		ctx.accountFailures.reset(name);
		const session = newSession(user.name, user.sessionEpoch ?? 0, ctx.now());
		setSessionCookie(ctx, request, reply, encodeSession(ctx.secret, session), session.expires);
		return { ok: true, name: user.name, roles: user.roles };
	});

	// Sign-out ends this session on the server too: a copy of the cookie is refused from now on.
	app.delete('/db/_session', async (request, reply) => {
		if (await ctx.currentUser(request)) {
			const session = ctx.sessionOf(request);
			ctx.takeRenewal(request);
			if (session) await ctx.users.revokeSession(session.name, session.id, session.maxExpires, ctx.now().getTime());
		}
		reply.clearCookie(ctx.cookieName(request), cookieOptions(ctx, request));
		return { ok: true };
	});
}
