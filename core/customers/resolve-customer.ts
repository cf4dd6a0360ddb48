import { and, eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { ChannelName } from '../conversation/message.js';
import type { CoreDeps } from '../shared/index.js';

/** A customer profile row. */
export type Customer = typeof schema.customers.$inferSelect;

/** Input of `resolveCustomer`. */
export interface ResolveCustomerInput {
  brandId: string;
  channel: ChannelName;
  externalId: string;
  displayName?: string | undefined;
}

/**
 * Finds the customer behind a channel identity, creating the profile on first contact.
 * Safe under concurrency: two first messages racing create one profile (the identity is unique).
 */
export async function resolveCustomer(deps: CoreDeps, input: ResolveCustomerInput): Promise<{ customer: Customer; isNew: boolean }> {
  const { db } = deps;
  const existing = await findByIdentity(deps, input);
  if (existing) return { customer: existing, isNew: false };

  return db.transaction(async (tx) => {
    const [created] = await tx.insert(schema.customers).values({ brandId: input.brandId }).returning();
    if (!created) throw new Error('customer insert returned nothing');
    const inserted = await tx
      .insert(schema.channelIdentities)
      .values({
        brandId: input.brandId,
        customerId: created.id,
        channel: input.channel,
        externalId: input.externalId,
        displayName: input.displayName ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: schema.channelIdentities.id });
    if (inserted.length > 0) return { customer: created, isNew: true };
    // Lost the race: another request created this identity first; drop our orphan profile and use theirs.
    await tx.delete(schema.customers).where(eq(schema.customers.id, created.id));
    const winner = await findByIdentity({ ...deps, db: tx }, input);
    if (!winner) throw new Error('identity vanished during resolve');
    return { customer: winner, isNew: false };
  });
}

async function findByIdentity(deps: CoreDeps, input: ResolveCustomerInput): Promise<Customer | undefined> {
  const rows = await deps.db
    .select({ customer: schema.customers })
    .from(schema.channelIdentities)
    .innerJoin(schema.customers, eq(schema.customers.id, schema.channelIdentities.customerId))
    .where(
      and(
        eq(schema.channelIdentities.brandId, input.brandId),
        eq(schema.channelIdentities.channel, input.channel),
        eq(schema.channelIdentities.externalId, input.externalId),
      ),
    )
    .limit(1);
  return rows[0]?.customer;
}

/** Fields of a profile that chat flows may change. */
export interface CustomerPatch {
  name?: string;
  birthday?: string;
  phone?: string;
  phoneVerified?: boolean;
  language?: string;
}

/** Updates a profile's fields. */
export async function updateCustomer(deps: CoreDeps, customerId: string, patch: CustomerPatch): Promise<void> {
  await deps.db
    .update(schema.customers)
    .set({ ...patch, updatedAt: deps.clock.now() })
    .where(eq(schema.customers.id, customerId));
}
