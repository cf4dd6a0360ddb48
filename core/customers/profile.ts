// The unified profile: one person as staff see them across channels — every channel identity (and whether it can be
// reached), the preferred channel (where they wrote last), language, consent in force per purpose and channel, the
// membership, the merges that made the profile, and one timeline of the conversations on every channel.
import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';

/** What staff see of a customer. */
export interface CustomerProfile {
  customer: { id: string; name: string | null; phone: string | null; phoneVerified: boolean; email: string | null; birthday: string | null; language: string | null };
  identities: Array<{ channel: string; externalId: string; displayName: string | null; reachable: boolean; since: Date }>;
  /** The channel of their latest message; null when they never wrote. */
  preferredChannel: string | null;
  consents: Array<{ purpose: string; channel: string; granted: boolean; wordingVersion: string; at: Date; source: string }>;
  account: { memberCode: string; points: number; pendingPoints: number; tierCode: string } | null;
  merges: Array<{ id: number; fromCustomerId: string; intoCustomerId: string; reason: string; at: Date; reversedAt: Date | null }>;
  /** Newest first, across channels. */
  timeline: Array<{ at: Date; channel: string; direction: string; text: string | null }>;
}

/** The profile of a live customer (a merged-away id answers with the profile it went into); null when unknown. */
export async function customerProfile(deps: CoreDeps, input: { brandId: string; customerId: string; timelineLimit?: number }): Promise<CustomerProfile | null> {
  const { db } = deps;
  let [customer] = await db.select().from(schema.customers).where(and(eq(schema.customers.id, input.customerId), eq(schema.customers.brandId, input.brandId)));
  for (let hop = 0; customer?.mergedIntoId && hop < 10; hop++) {
    [customer] = await db.select().from(schema.customers).where(eq(schema.customers.id, customer.mergedIntoId));
  }
  if (!customer) return null;
  const id = customer.id;
  const [identities, consentRows, [account], merges, conversations] = await Promise.all([
    db.select().from(schema.channelIdentities).where(eq(schema.channelIdentities.customerId, id)).orderBy(schema.channelIdentities.createdAt),
    db.select().from(schema.consentRecords).where(eq(schema.consentRecords.customerId, id)).orderBy(schema.consentRecords.recordedAt, schema.consentRecords.id),
    db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, id)),
    db
      .select()
      .from(schema.customerMerges)
      .where(or(eq(schema.customerMerges.intoCustomerId, id), eq(schema.customerMerges.fromCustomerId, id)))
      .orderBy(desc(schema.customerMerges.createdAt)),
    db.select({ id: schema.conversations.id }).from(schema.conversations).where(eq(schema.conversations.customerId, id)),
  ]);
  const timeline =
    conversations.length === 0
      ? []
      : await db
          .select({ at: schema.messages.createdAt, channel: schema.messages.channel, direction: schema.messages.direction, text: schema.messages.text })
          .from(schema.messages)
          .where(inArray(schema.messages.conversationId, conversations.map((c) => c.id)))
          .orderBy(desc(schema.messages.createdAt))
          .limit(Math.min(input.timelineLimit ?? 20, 200));
  // The decision in force per purpose and channel is the latest one.
  const inForce = new Map<string, (typeof consentRows)[number]>();
  for (const r of consentRows) inForce.set(`${r.purpose}\0${r.channel}`, r);
  const latestInbound = timeline.find((m) => m.direction === 'in');
  return {
    customer: { id, name: customer.name, phone: customer.phone, phoneVerified: customer.phoneVerified, email: customer.email, birthday: customer.birthday, language: customer.language },
    identities: identities.map((i) => ({ channel: i.channel, externalId: i.externalId, displayName: i.displayName, reachable: i.unreachableAt === null, since: i.createdAt })),
    preferredChannel: latestInbound?.channel ?? (await lastInboundChannel(deps, conversations.map((c) => c.id))),
    consents: [...inForce.values()].map((r) => ({ purpose: r.purpose, channel: r.channel, granted: r.granted, wordingVersion: r.wordingVersion, at: r.recordedAt, source: r.source })),
    account: account ? { memberCode: account.memberCode, points: account.pointsBalance, pendingPoints: account.pendingPoints, tierCode: account.tierCode } : null,
    merges: merges.map((m) => ({ id: m.id, fromCustomerId: m.fromCustomerId, intoCustomerId: m.intoCustomerId, reason: m.reason, at: m.createdAt, reversedAt: m.reversedAt })),
    timeline,
  };
}

/** The channel of the latest inbound message beyond the timeline's window. */
async function lastInboundChannel(deps: CoreDeps, conversationIds: string[]): Promise<string | null> {
  if (conversationIds.length === 0) return null;
  const [row] = await deps.db
    .select({ channel: schema.messages.channel })
    .from(schema.messages)
    .where(and(inArray(schema.messages.conversationId, conversationIds), eq(schema.messages.direction, 'in')))
    .orderBy(desc(schema.messages.createdAt))
    .limit(1);
  return row?.channel ?? null;
}

/** A live customer of the brand by member number or phone (E.164); null when none or ambiguous. */
export async function findCustomer(deps: CoreDeps, input: { brandId: string; memberCode?: string; phone?: string }): Promise<string | null> {
  if (input.memberCode) {
    const [row] = await deps.db
      .select({ customerId: schema.loyaltyAccounts.customerId })
      .from(schema.loyaltyAccounts)
      .where(and(eq(schema.loyaltyAccounts.brandId, input.brandId), eq(schema.loyaltyAccounts.memberCode, input.memberCode)));
    return row?.customerId ?? null;
  }
  if (input.phone) {
    const rows = await deps.db
      .select({ id: schema.customers.id })
      .from(schema.customers)
      .where(and(eq(schema.customers.brandId, input.brandId), eq(schema.customers.phone, input.phone), isNull(schema.customers.mergedIntoId)))
      .limit(2);
    return rows.length === 1 ? rows[0]!.id : null;
  }
  return null;
}
