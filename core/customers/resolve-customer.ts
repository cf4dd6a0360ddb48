import { and, eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { audit } from '../audit/index.js';
import type { ChannelName } from '../conversation/message.js';
import type { CoreDeps } from '../shared/index.js';
import { profilesWithVerifiedPhone, setIdentityReachable, usablePhone } from './identity.js';

/** A customer profile row. */
export type Customer = typeof schema.customers.$inferSelect;

/** Input of `resolveCustomer`. */
export interface ResolveCustomerInput {
  brandId: string;
  channel: ChannelName;
  externalId: string;
  displayName?: string | undefined;
  /** A phone the platform vouches is the sender's own (WhatsApp): a new identity joins the profile that has it. */
  verifiedPhone?: string | undefined;
}

/**
 * Finds the customer behind a channel identity, creating the profile on first contact.
 * Safe under concurrency: two first messages racing create one profile (the identity is unique).
 */
export async function resolveCustomer(deps: CoreDeps, input: ResolveCustomerInput): Promise<{ customer: Customer; isNew: boolean }> {
  const { db } = deps;
  const existing = await findByIdentity(deps, input);
  if (existing) {
    // Writing to us again means the person is reachable again (they had blocked the bot, or left).
    if (existing.unreachableAt) await setIdentityReachable(deps, { brandId: input.brandId, channel: input.channel, externalId: input.externalId, reachable: true });
    return { customer: existing.customer, isNew: false };
  }

  return db.transaction(async (tx) => {
    const phone = usablePhone(input.verifiedPhone);
    // A platform-verified phone that exactly one live profile has, verified too: that is this person, so the new channel
    // joins their profile instead of starting an empty one.
    const verified = phone ? await profilesWithVerifiedPhone(tx, input.brandId, phone) : [];
    const known = verified.length === 1 ? verified[0]! : null;
    // Several verified profiles with this phone: not ours to pick one (staff merge by hand). Profiles where it was only
    // typed in do not count: the new one carries it verified, and they stay apart.
    const duplicatePhone = verified.length > 1;
    const [profile] = known
      ? await tx.select().from(schema.customers).where(eq(schema.customers.id, known))
      : await tx
          .insert(schema.customers)
          .values({ brandId: input.brandId, ...(phone && !duplicatePhone ? { phone, phoneVerified: true } : {}) })
          .returning();
    if (!profile) throw new Error('customer insert returned nothing');
    const inserted = await tx
      .insert(schema.channelIdentities)
      .values({
        brandId: input.brandId,
        customerId: profile.id,
        channel: input.channel,
        externalId: input.externalId,
        displayName: input.displayName ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: schema.channelIdentities.id });
    if (inserted.length > 0) {
      if (duplicatePhone) {
        // Several profiles share this phone: not ours to pick one. Staff see it and merge by hand.
        await audit({ ...deps, db: tx }, {
          brandId: input.brandId,
          actor: { type: 'system', id: 'identity' },
          action: 'identity.duplicate_phone',
          target: profile.id,
          result: 'denied',
          details: { channel: input.channel },
        });
      }
      return { customer: profile, isNew: !known };
    }
    // Lost the race: another request created this identity first; drop our orphan profile and use theirs.
    if (!known) await tx.delete(schema.customers).where(eq(schema.customers.id, profile.id));
    const winner = await findByIdentity({ ...deps, db: tx }, input);
    if (!winner) throw new Error('identity vanished during resolve');
    return { customer: winner.customer, isNew: false };
  });
}

async function findByIdentity(deps: CoreDeps, input: ResolveCustomerInput): Promise<{ customer: Customer; unreachableAt: Date | null } | undefined> {
  const rows = await deps.db
    .select({ customer: schema.customers, unreachableAt: schema.channelIdentities.unreachableAt })
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
  return rows[0];
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
