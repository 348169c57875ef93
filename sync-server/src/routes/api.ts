/**
 * `/api/*`: health and the signed-in user's profile with the scopes they may sync.
 * It must never return a password hash or another user's data.
 */
import type { FastifyInstance } from 'fastify';
import type { Me } from '../../../src/lib/domain/index.ts';
import type { ServerContext } from '../context.ts';

export async function apiRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
	app.get('/api/health', async () => ({ ok: true }));

	app.get('/api/me', async (request): Promise<Me> => {
		const user = await ctx.requireUser(request);
		return { name: user.name, displayName: user.displayName, roles: user.roles, scopes: await ctx.grants(user) };
	});
}
