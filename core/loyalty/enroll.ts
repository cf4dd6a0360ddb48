import { and, count, eq } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import { recordConsent } from '../consent/index.js';
import type { ChannelName } from '../conversation/message.js';
import type { CoreDeps } from '../shared/index.js';
import { generateMemberCode, isValidMemberCode } from './member-code.js';
import { loadProgram } from './program-context.js';
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
  /** The member number of the friend who invited them; ignored unless it is a member of the same brand. */
  referrerMemberCode?: string | undefined;
}

/** Outcome of an enrollment. */
export type EnrollResult =
  | { status: 'enrolled'; account: LoyaltyAccount; /** A valid referrer was recorded. */ referred: boolean }
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
    const referrer = input.referrerMemberCode && isValidMemberCode(input.referrerMemberCode) ? await eligibleReferrer(tx, input.brandId, input.referrerMemberCode) : undefined;
    const [account] = await tx
      .insert(schema.loyaltyAccounts)
      .values({
        brandId: input.brandId,
        customerId: input.customerId,
        memberCode: generateMemberCode(),
        tierCode: tierFor(0, tiers).code,
        enrolledAt: now,
        enrolledVia: input.channel,
        referredByAccountId: referrer?.id ?? null,
      })
      .returning();
    for (const [purpose, granted, version] of [
      ['terms', true, input.termsVersion],
      ['marketing', input.marketingOptIn, input.marketingWordingVersion],
    ] as const) {
      await recordConsent(txDeps, { customerId: input.customerId, purpose, channel: input.channel, granted, wordingVersion: version, source: 'chat_enrollment' });
    }
    deps.log.info({ customerId: input.customerId, channel: input.channel }, 'member enrolled');
    return { status: 'enrolled', account: account!, referred: referrer !== undefined };
  });
}

/** The customer's loyalty account, if they are a member. */
export async function findAccount(deps: CoreDeps, customerId: string): Promise<LoyaltyAccount | undefined> {
  const [row] = await deps.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, customerId));
  return row;
}

/** The member with this code, unless they have referred as many friends as the programme allows. */
async function eligibleReferrer(db: Db, brandId: string, memberCode: string): Promise<{ id: string } | undefined> {
  const [row] = await db
    .select({ id: schema.loyaltyAccounts.id })
    .from(schema.loyaltyAccounts)
    .where(and(eq(schema.loyaltyAccounts.brandId, brandId), eq(schema.loyaltyAccounts.memberCode, memberCode)));
  if (!row) return undefined;
  // Locked, so that two friends joining at once cannot both take the last place.
  await db.select({ id: schema.loyaltyAccounts.id }).from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, row.id)).for('update');
  const program = await loadProgram(db, brandId);
  const [{ referred } = { referred: 0 }] = await db
    .select({ referred: count() })
    .from(schema.loyaltyAccounts)
    .where(eq(schema.loyaltyAccounts.referredByAccountId, row.id));
  return referred < (program?.referral.maxReferrals ?? 0) ? row : undefined;
}
