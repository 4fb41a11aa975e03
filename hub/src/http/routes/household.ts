import type { HouseholdBody } from '../../../../protocol/index.ts';
import type { HubContext } from '../../context.ts';
import { HttpError } from '../respond.ts';
import { nodeInfo } from './nodes.ts';

/** The one answer for no token, a malformed, a wrong or a revoked one: nothing tells them apart. */
export const UNKNOWN_LINK = 'unknown or revoked link';

/**
 * GET /api/household?token=T: what a household's private link opens (docs/PRIVACY.md):
 * its nodes and sensors with their names, whatever its sharing level. Its series are then read
 * from /api/series with the same token.
 */
export async function household(ctx: HubContext, params: URLSearchParams): Promise<HouseholdBody> {
  const id = await ctx.store.links.resolve(params.get('token'));
  const h = id === undefined ? undefined : ctx.registry.household(id);
  if (!h) throw new HttpError(404, UNKNOWN_LINK);
  return {
    status: 'ok',
    household: { id: h.id, name: h.name, kind: h.kind, sharing: h.sharing },
    nodes: ctx.registry
      .listNodes()
      .filter((n) => n.household_id === h.id)
      .map((n) => nodeInfo(ctx, n, { owner: true })),
  };
}
