/**
 * CouchDB's welcome document and `_session` (cookie sign-in and sign-out).
 * It must never log or echo a password; the check itself, with its limits, is auth/sign-in.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, signInSchema } from '../../../src/lib/domain/index.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, createSessionToken } from '../auth/session.ts';
import { checkPassword } from '../auth/sign-in.ts';
import type { ServerContext } from '../context.ts';

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
		const user = await checkPassword(ctx.signIns, ctx.users, name, password, request.ip, ctx.now().getTime());
		const token = createSessionToken(ctx.secret, user.name, ctx.now());
		reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(ctx, request), maxAge: SESSION_TTL_MS / 1000 });
		return { ok: true, name: user.name, roles: user.roles };
	});

	app.delete('/db/_session', async (request, reply) => {
		reply.clearCookie(SESSION_COOKIE, cookieOptions(ctx, request));
		return { ok: true };
	});
}
