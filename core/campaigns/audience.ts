// A campaign's audience as SQL over member_facts: its segment's expression compiled by core/segments, the brand, and
// the store scope (the segment's own when it has one, which setAudience keeps inside the campaign's, else the
// campaign's: a store manager's campaign never reaches beyond their stores).
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { segmentWhere } from '../segments/index.js';
import type { CoreDeps } from '../shared/index.js';
import { storeScope } from './sql-util.js';

/** The audience condition of a campaign, or why there is none. */
export type AudienceWhere = { ok: true; where: SQL } | { ok: false; reason: 'no_segment' } | { ok: false; reason: 'bad_expression'; message: string; position: number };

/** Builds the WHERE over member_facts for a campaign's audience. */
export async function campaignAudience(
  deps: CoreDeps,
  campaign: { brandId: string; segmentId: string | null; storeIds: string[] },
): Promise<AudienceWhere> {
  if (!campaign.segmentId) return { ok: false, reason: 'no_segment' };
  const [segment] = await deps.db
    .select({ expression: schema.segments.expression, storeIds: schema.segments.storeIds })
    .from(schema.segments)
    .where(and(eq(schema.segments.id, campaign.segmentId), eq(schema.segments.brandId, campaign.brandId)));
  if (!segment) return { ok: false, reason: 'no_segment' };
  const scope = segment.storeIds.length > 0 ? segment.storeIds : campaign.storeIds;
  const compiled = await segmentWhere(deps, { brandId: campaign.brandId, expression: segment.expression, storeIds: scope });
  if (!compiled.ok) return { ok: false, reason: 'bad_expression', message: compiled.error.message, position: compiled.error.position };
  // Brand and scope again on our side: cheap, and the audience can never widen whatever the compiler does.
  return { ok: true, where: sql`(${compiled.where}) and "member_facts"."brand_id" = ${campaign.brandId} and ${storeScope(scope)} and ${storeScope(campaign.storeIds)}` };
}
