// Small SQL helpers shared by the campaign statements: arrays passed as one JSON parameter (the same on both drivers
// and whatever the array's length), and the audience's store scope.
import { sql, type SQL } from 'drizzle-orm';
import type { ChannelName } from '../conversation/message.js';

/** A uuid[] from a list, as one parameter. */
export function uuidArray(ids: readonly string[]): SQL {
  return sql`array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`;
}

/** A text[] from a list, as one parameter. */
export function textArray(items: readonly string[]): SQL {
  return sql`array(select jsonb_array_elements_text(${JSON.stringify(items)}::jsonb))`;
}

/** Members of the given stores (home store or any store they bought in); true for an empty list (brand-wide). */
export function storeScope(storeIds: readonly string[]): SQL {
  if (storeIds.length === 0) return sql`true`;
  const ids = uuidArray(storeIds);
  return sql`("member_facts"."home_store_id" = any(${ids}) or "member_facts"."store_ids" && ${ids})`;
}

/** The conversation/identity channel name of a campaign channel ('webchat' is 'web' there); null for 'preferred'. */
export function channelNameOf(channel: string): ChannelName | null {
  if (channel === 'preferred') return null;
  return (channel === 'webchat' ? 'web' : channel) as ChannelName;
}

/** Audience members who have marketing consent on a channel they can be reached on (per the member facts). */
export function eligibleFacts(channel: string): SQL {
  const fixed = channelNameOf(channel);
  if (fixed === null) return sql`("member_facts"."marketing_channels" && "member_facts"."channels")`;
  return sql`(${fixed} = any("member_facts"."marketing_channels") and ${fixed} = any("member_facts"."channels"))`;
}

/** Rows of an `execute` as `T`, numbers that the driver gave as strings (bigint counts) made numbers. */
export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}
