/**
 * `/api/campaigns/:id/*`, signed in (decision 0030): a person's group key, one blind-signed
 * token per person and campaign, and participation per reporting group for HR, admin and the
 * managers of the group's units. `:id` is the key after `campaign:` (or the whole id). No route
 * here returns a response or reads one; participation gives counts only.
 */
import type { FastifyInstance } from 'fastify';
import type { CampaignKey, Participation } from '../../../src/lib/domain/index.ts';
import { ANON_REASONS, AppError, idKey, tokenRequestSchema } from '../../../src/lib/domain/index.ts';
import type { AnonRoad } from '../anon/road.ts';
import { campaignDocId } from '../anon/road.ts';
import type { ServerContext } from '../context.ts';
import type { PolicyUnit } from '../policy/access.ts';

type IdParams = { id: string };

/**
 * Which groups `user` may see the participation of: every group for HR and admin, for a manager
 * the groups with a unit they manage or one below it; undefined for anyone else (403).
 */
export function participationFilter(
	user: { roles: readonly string[]; memberships: readonly { unitId: string; role: string }[] },
	units: readonly PolicyUnit[],
): ((groupUnits: string[]) => boolean) | undefined {
	if (user.roles.includes('hr') || user.roles.includes('admin')) return () => true;
	const managed = user.memberships.filter((m) => m.role === 'manager').map((m) => m.unitId);
	if (managed.length === 0) return undefined;
	const parent = new Map(units.map((u) => [idKey(u._id), u.parentId === null ? null : idKey(u.parentId)]));
	const underManaged = (unit: string): boolean => {
		let at: string | null | undefined = unit;
		for (let depth = 0; at && depth <= 64; at = parent.get(at), depth++) if (managed.includes(at)) return true;
		return false;
	};
	return (groupUnits) => groupUnits.some(underManaged);
}

export async function campaignRoutes(app: FastifyInstance, ctx: ServerContext, road: AnonRoad): Promise<void> {
	app.get('/api/campaigns/:id/key', async (request): Promise<CampaignKey> => {
		const user = await ctx.requireUser(request);
		const campaign = await road.openCampaign(campaignDocId((request.params as IdParams).id));
		const { group } = await road.groupOf(campaign, user.name);
		const key = await road.key(campaign._id, group);
		const name = (await ctx.units()).find((u) => idKey(u._id) === group)?.name ?? group;
		return { campaignId: campaign._id, group, groupName: name, publicKey: key.publicKey };
	});

	app.post('/api/campaigns/:id/token', async (request): Promise<{ blindSig: string }> => {
		const user = await ctx.requireUser(request);
		const parsed = tokenRequestSchema.safeParse(request.body);
		if (!parsed.success) throw new AppError('bad_request', ANON_REASONS.badBlinded);
		const campaign = await road.openCampaign(campaignDocId((request.params as IdParams).id));
		return { blindSig: await road.issue(campaign, user.name, parsed.data.blindedMsg) };
	});

	app.get('/api/campaigns/:id/participation', async (request): Promise<Participation> => {
		const user = await ctx.requireUser(request);
		const visible = participationFilter(user, await ctx.units());
		if (!visible) throw new AppError('forbidden', ANON_REASONS.participationForbidden);
		const { campaign, phase } = await road.campaign(campaignDocId((request.params as IdParams).id));
		return road.participation(campaign, phase, visible);
	});
}
