/**
 * CouchDB's welcome document and `_session` (cookie sign-in and sign-out).
 * It must never log or echo a password, and must answer a wrong name and a wrong
 * password alike (same reason, same work).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, signInSchema } from '../../../src/lib/domain/index.ts';
import { dummyVerify, verifyPassword } from '../auth/passwords.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, createSessionToken } from '../auth/session.ts';
import type { ServerContext } from '../context.ts';

const WRONG = 'Name or password is incorrect.';

function cookieOptions(ctx: ServerContext, request: FastifyRequest) {
	return { httpOnly: true, sameSite: 'lax', path: '/', secure: ctx.isSecure(request) } as const;
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
		const token = createSessionToken(ctx.secret, user.name, ctx.now());
		reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(ctx, request), maxAge: SESSION_TTL_MS / 1000 });
		return { ok: true, name: user.name, roles: user.roles };
	});

	app.delete('/db/_session', async (request, reply) => {
		reply.clearCookie(SESSION_COOKIE, cookieOptions(ctx, request));
		return { ok: true };
	});
}
