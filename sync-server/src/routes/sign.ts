/**
 * `POST /api/rounds/sign`: a second person signs a round on a device someone else is signed in
 * on (the manager's tablet passed to the safety rep). The caller's session stays as it is: the
 * co-signer's name and password are checked like a sign-in (same limiters, same answer for a
 * wrong name or password) and the signature is written as the co-signer, through the same
 * checks as `_bulk_docs` with the co-signer's own grants (decision 0007). The name in the record is
 * the co-signer's account's display name (decision 0016). It never sets a cookie, never stores
 * the password, and writes nothing but one signature.
 */
import type { FastifyInstance } from 'fastify';
import { z } from '../../../src/lib/domain/zod.ts';
import { AppError, signInSchema } from '../../../src/lib/domain/index.ts';
import { checkPassword } from '../auth/sign-in.ts';
import type { ServerContext } from '../context.ts';
import { writeDocs } from './scope.ts';

const coSignSchema = z.extend(signInSchema, {
	scope: z.string().check(z.maxLength(100)),
	signature: z.record(z.string(), z.unknown()),
});

export async function signRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
	app.post('/api/rounds/sign', async (request) => {
		// Only from a signed-in device: the form is offered inside the app, never to strangers.
		await ctx.requireUser(request);
		const parsed = coSignSchema.safeParse(request.body);
		if (!parsed.success) throw new AppError('bad_request', 'name, password, scope and signature are required');
		const { name, password, scope, signature } = parsed.data;
		const signer = await checkPassword(ctx.signIns, ctx.users, name, password, request.ip, ctx.now().getTime());
		if (signature.type !== 'signature') throw new AppError('bad_request', 'only a signature can be written here');
		const grants = await ctx.readGrants(signer, scope);
		// The device cannot know the co-signer's display name: the record takes it from their account.
		const named = { ...signature, signerName: signer.displayName };
		// The org tree tells a main safety rep's units below their own (decision 0028).
		const [result] = await writeDocs(ctx, signer, grants, scope, [named], { units: await ctx.units() });
		if (result && 'error' in result) {
			const code = result.error === 'conflict' || result.error === 'invalid' ? result.error : 'forbidden';
			throw new AppError(code, result.reason);
		}
		return result;
	});
}
