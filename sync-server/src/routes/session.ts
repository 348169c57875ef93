/**
 * CouchDB's welcome document and `_session` (cookie sign-in and sign-out).
 * It must never log or echo a password; the check itself, with its limits, is auth/sign-in.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, signInSchema } from '../../../src/lib/domain/index.ts';
import { encodeSession, newSession } from '../auth/session.ts';
import { checkPassword } from '../auth/sign-in.ts';
import type { ServerContext } from '../context.ts';

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
		const user = await checkPassword(ctx.signIns, ctx.users, name, password, request.ip, ctx.now().getTime());
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
