// What an agent needs to know about a customer before answering: membership, last purchases, open tickets, channels,
// and whether they are a VIP with a personal shopper. Read-only; used by the console's panel and the team-chat alert.
import { and, desc, eq, inArray } from 'drizzle-orm';
import { customerProfile } from '../../core/customers/index.js';
import { DEFAULT_SHOPPER_TIERS, personalShopperOf } from '../../core/handoff/index.js';
import type { CoreDeps } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import type { CustomerSummary } from './desk-types.js';

const PURCHASES = 3;

/** The customer's summary; null when unknown. */
export async function customerSummary(deps: CoreDeps, input: { brandId: string; customerId: string }): Promise<CustomerSummary | null> {
  const profile = await customerProfile(deps, { brandId: input.brandId, customerId: input.customerId, timelineLimit: 1 });
  if (!profile) return null;
  const id = profile.customer.id;
  const [purchases, openTickets, shopper] = await Promise.all([
    deps.db
      .select({ at: schema.posTransactions.occurredAt, amountMinor: schema.posTransactions.totalMinor, currency: schema.posTransactions.currency, store: schema.stores.name })
      .from(schema.posTransactions)
      .leftJoin(schema.stores, eq(schema.stores.id, schema.posTransactions.storeId))
      .where(eq(schema.posTransactions.customerId, id))
      .orderBy(desc(schema.posTransactions.occurredAt))
      .limit(PURCHASES),
    deps.db
      .select({ id: schema.tickets.id, category: schema.tickets.category, status: schema.tickets.status, priority: schema.tickets.priority })
      .from(schema.tickets)
      .where(and(eq(schema.tickets.customerId, id), inArray(schema.tickets.status, ['open', 'pending_customer'])))
      .orderBy(desc(schema.tickets.id)),
    personalShopperOf(deps.db, id),
  ]);
  const tier = profile.account?.tierCode ?? null;
  return {
    customerId: id,
    name: profile.customer.name,
    language: profile.customer.language,
    memberCode: profile.account?.memberCode ?? null,
    tier,
    points: profile.account?.points ?? null,
    purchases: purchases.map((p) => ({ at: p.at, amountMinor: p.amountMinor, currency: p.currency, store: p.store?.en ?? null })),
    openTickets,
    channels: profile.identities.map((i) => ({ channel: i.channel, reachable: i.reachable })),
    vip: tier !== null && DEFAULT_SHOPPER_TIERS.includes(tier),
    personalShopper: shopper?.name ?? null,
  };
}

/** "12.50 AED" from minor units (2 decimals; the currencies we serve all have 2). */
export function money(amountMinor: number, currency: string): string {
  return `${(amountMinor / 100).toFixed(2)} ${currency}`;
}

/**
 * The team-chat alert for a new handoff, in plain text (team chats render no markup here, so names cannot inject any).
 * No phone numbers or e-mail: the team chat is wider than the console.
 */
export function alertText(input: {
  handoffId: number;
  reason: string;
  channel: string;
  language: string | null;
  summary: CustomerSummary;
  lastMessages: Array<{ direction: string; text: string | null }>;
  assignedTo: string | null;
  position: number | null;
}): string {
  const s = input.summary;
  const who = s.name ?? 'Customer without a name';
  const membership = s.memberCode ? `${s.tier ?? 'member'} · ${s.points ?? 0} pts · member ${s.memberCode}${s.vip ? ' · VIP' : ''}` : 'not a member';
  const lines = [
    `🔔 Handoff #${input.handoffId} (${input.reason}) — ${who}`,
    `${membership} · ${input.channel}${input.language ? ` · ${input.language}` : ''}`,
  ];
  if (s.personalShopper) lines.push(`Personal shopper: ${s.personalShopper}`);
  if (s.purchases.length > 0) lines.push(`Last purchases: ${s.purchases.map((p) => `${p.at.toISOString().slice(0, 10)} ${money(p.amountMinor, p.currency)}${p.store ? ` (${p.store})` : ''}`).join('; ')}`);
  if (s.openTickets.length > 0) lines.push(`Open tickets: ${s.openTickets.map((t) => `#${t.id} ${t.category} (${t.status}, ${t.priority})`).join('; ')}`);
  if (input.lastMessages.length > 0) {
    lines.push('Last messages:');
    for (const m of input.lastMessages) lines.push(`${m.direction === 'in' ? '›' : '‹'} ${clip(m.text ?? '[media]', 200)}`);
  }
  lines.push(
    input.assignedTo
      ? `Assigned to ${input.assignedTo}. Reply to this message to answer the customer; /done ${input.handoffId} hands back.`
      : `Waiting${input.position ? ` (#${input.position} in the queue)` : ''}. /take ${input.handoffId} to take it, then reply to this message to answer.`,
  );
  return lines.join('\n');
}

/** Cuts a text to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
