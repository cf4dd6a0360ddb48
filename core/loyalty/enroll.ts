import { eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { recordConsent } from '../consent/index.js';
import type { ChannelName } from '../conversation/message.js';
import type { CoreDeps } from '../shared/index.js';
import { generateMemberCode } from './member-code.js';
import { loadTiers, tierFor } from './tiers.js';

/** A loyalty account row. */
export type LoyaltyAccount = typeof schema.loyaltyAccounts.$inferSelect;

/** What the enrollment form collected. */
export interface EnrollInput {
  brandId: string;
  customerId: string;
  channel: ChannelName;
  name: string;
  /** YYYY-MM-DD. */
  birthday: string;
  phone?: string | undefined;
  phoneVerified?: boolean | undefined;
  /** Must be true: the programme cannot run without accepted terms. */
  acceptedTerms: boolean;
  marketingOptIn: boolean;
  termsVersion: string;
  marketingWordingVersion: string;
}

/** Outcome of an enrollment. */
export type EnrollResult =
  | { status: 'enrolled'; account: LoyaltyAccount }
  | { status: 'already_member'; account: LoyaltyAccount }
  | { status: 'terms_not_accepted' };

/**
 * Makes a customer a member: updates the profile, opens the loyalty account at the lowest tier and records
 * both consents (terms and marketing, separately) with time, channel and wording version — all in one transaction.
 * Enrolling twice returns the existing account; the unique customer constraint guards races too.
 */
export async function enroll(deps: CoreDeps, input: EnrollInput): Promise<EnrollResult> {
  if (!input.acceptedTerms) return { status: 'terms_not_accepted' };
  return deps.db.transaction(async (tx) => {
    const txDeps = { ...deps, db: tx };
    // Lock the profile so two concurrent enrollments of one person serialize.
    await tx.select({ id: schema.customers.id }).from(schema.customers).where(eq(schema.customers.id, input.customerId)).for('update');
    const existing = await findAccount(txDeps, input.customerId);
    if (existing) return { status: 'already_member', account: existing };

    const now = deps.clock.now();
    await tx
      .update(schema.customers)
      .set({
        name: input.name,
        birthday: input.birthday,
        ...(input.phone ? { phone: input.phone, phoneVerified: input.phoneVerified ?? false } : {}),
        updatedAt: now,
      })
      .where(eq(schema.customers.id, input.customerId));
    const tiers = await loadTiers(tx, input.brandId);
    const [account] = await tx
      .insert(schema.loyaltyAccounts)
      .values({
        brandId: input.brandId,
        customerId: input.customerId,
        memberCode: generateMemberCode(),
        tierCode: tierFor(0, tiers).code,
        enrolledAt: now,
        enrolledVia: input.channel,
      })
      .returning();
    for (const [purpose, granted, version] of [
      ['terms', true, input.termsVersion],
      ['marketing', input.marketingOptIn, input.marketingWordingVersion],
    ] as const) {
      await recordConsent(txDeps, { customerId: input.customerId, purpose, channel: input.channel, granted, wordingVersion: version, source: 'chat_enrollment' });
    }
    deps.log.info({ customerId: input.customerId, channel: input.channel }, 'member enrolled');
    return { status: 'enrolled', account: account! };
  });
}

/** The customer's loyalty account, if they are a member. */
export async function findAccount(deps: CoreDeps, customerId: string): Promise<LoyaltyAccount | undefined> {
  const [row] = await deps.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, customerId));
  return row;
}
