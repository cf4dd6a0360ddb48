import { and, eq, gt, lte, min, sum } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { findAccount } from './enroll.js';
import { loadTiers, type TierDef } from './tiers.js';

/** How far ahead "expiring soon" looks. */
export const EXPIRY_WARNING_DAYS = 30;

/** A member's balance as the bot shows it. */
export interface BalanceView {
  memberCode: string;
  points: number;
  /** Earned but inside the return window: not spendable yet. */
  pendingPoints: number;
  tier: TierDef;
  next: { tier: TierDef; pointsNeeded: number } | null;
  expiring: { points: number; firstDate: Date | null };
}

/** The member's points, tier, distance to the next tier and points expiring soon; null for non-members. */
export async function getBalance(deps: CoreDeps, customerId: string): Promise<BalanceView | null> {
  const account = await findAccount(deps, customerId);
  if (!account) return null;
  const tiers = await loadTiers(deps.db, account.brandId);
  const tier = tiers.find((t) => t.code === account.tierCode) ?? tiers[0]!;
  const now = deps.clock.now();
  const [soon] = await deps.db
    .select({ points: sum(schema.pointLots.remaining), firstDate: min(schema.pointLots.expiresAt) })
    .from(schema.pointLots)
    .where(
      and(
        eq(schema.pointLots.accountId, account.id),
        gt(schema.pointLots.remaining, 0),
        gt(schema.pointLots.expiresAt, now),
        lte(schema.pointLots.expiresAt, new Date(now.getTime() + EXPIRY_WARNING_DAYS * 86_400_000)),
      ),
    );
  return {
    memberCode: account.memberCode,
    points: account.pointsBalance,
    pendingPoints: account.pendingPoints,
    tier,
    next: nextAbove(tier, tiers, account.qualifyingPoints),
    expiring: { points: Number(soon?.points ?? 0), firstDate: soon?.firstDate ?? null },
  };
}

// The tier above the member's current one (not above their points: a kept tier must not advertise a lower one).
function nextAbove(tier: TierDef, tiers: readonly TierDef[], points: number): { tier: TierDef; pointsNeeded: number } | null {
  const above = [...tiers].sort((a, b) => a.minPoints - b.minPoints).find((t) => t.minPoints > tier.minPoints);
  return above ? { tier: above, pointsNeeded: Math.max(0, above.minPoints - points) } : null;
}
