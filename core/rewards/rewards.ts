// The rewards catalogue as one member sees it, and spending points on a reward: one transaction takes the points,
// one unit of stock and issues the voucher, or does nothing at all.
import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, inArray, ne } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import type { LocalizedText } from '../../db/schema.js';
import { isUniqueViolation, loadTiers, postLedgerEntry, type TierDef } from '../loyalty/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';
import { groupCode, randomCrockford, VOUCHER_CODE_LENGTH } from './codes.js';
import { toVoucherView, voucherByIssueKey, type VoucherView } from './vouchers.js';

/** Why a member cannot redeem a reward right now, most fundamental first. */
export type RewardUnavailableReason = 'tier' | 'stock' | 'limit' | 'points';

/** One reward as a member sees it. */
export interface RewardView {
  id: string;
  code: string;
  kind: string;
  name: LocalizedText;
  description: LocalizedText;
  costPoints: number;
  /** The member has the points. */
  affordable: boolean;
  /** The member's tier may redeem it. */
  eligible: boolean;
  /** The lowest tier that may redeem it (null: every member), to say which tier it takes. */
  minTierCode: string | null;
  /** Units left; null means unlimited. */
  remainingStock: number | null;
  /** Set when the member cannot redeem it now. */
  reasonUnavailable?: RewardUnavailableReason;
}

/** Outcome of a redemption; only `issued` spent points. */
export type RedeemRewardResult =
  | { status: 'issued'; voucher: VoucherView }
  | { status: 'insufficient_points'; balance: number }
  | { status: 'out_of_stock' }
  | { status: 'not_eligible' }
  | { status: 'limit_reached' }
  | { status: 'not_available' };

type RewardRow = typeof schema.rewards.$inferSelect;
type AccountRow = typeof schema.loyaltyAccounts.$inferSelect;

/**
 * The brand's active rewards inside their validity window, for one member: what they can redeem now first, then
 * by cost. Throws NOT_FOUND when the account is not a member of the brand.
 */
export async function listRewards(deps: CoreDeps, input: { brandId: string; accountId: string }): Promise<RewardView[]> {
  const account = await loadAccount(deps.db, input.accountId);
  if (!account || account.brandId !== input.brandId) throw new AppError('NOT_FOUND', 'no such member in this brand');
  const now = deps.clock.now();
  const rows = (await deps.db.select().from(schema.rewards).where(and(eq(schema.rewards.brandId, input.brandId), eq(schema.rewards.active, true)))).filter((r) =>
    inWindow(r, now),
  );
  const tiers = await loadTiers(deps.db, input.brandId);
  const used = await redemptionCounts(
    deps.db,
    account.id,
    rows.filter((r) => r.perMemberLimit !== null).map((r) => r.id),
  );
  const views = rows.map((r): RewardView => {
    const affordable = account.pointsBalance >= r.costPoints;
    const eligible = tierAllows(tiers, account.tierCode, r.minTierCode);
    const reason: RewardUnavailableReason | undefined = !eligible
      ? 'tier'
      : r.stock !== null && r.stock <= 0
        ? 'stock'
        : r.perMemberLimit !== null && (used.get(r.id) ?? 0) >= r.perMemberLimit
          ? 'limit'
          : !affordable
            ? 'points'
            : undefined;
    return {
      id: r.id,
      code: r.code,
      kind: r.kind,
      name: r.name,
      description: r.description,
      costPoints: r.costPoints,
      affordable,
      eligible,
      minTierCode: r.minTierCode,
      remainingStock: r.stock,
      ...(reason ? { reasonUnavailable: reason } : {}),
    };
  });
  return views.sort((a, b) => Number(a.reasonUnavailable !== undefined) - Number(b.reasonUnavailable !== undefined) || a.costPoints - b.costPoints || a.code.localeCompare(b.code));
}

/**
 * Spends a member's points on a reward and issues a voucher, in one transaction: the reward row is locked first (so
 * two members racing for the last unit serialize), then window, tier, per-member limit and stock are checked, the
 * points are taken through the ledger (which locks the account, so two redemptions racing for the last points
 * serialize too), the stock is decremented and the voucher inserted. `issueKey` makes it idempotent: the same key
 * again returns the voucher it issued and spends nothing. A key already used for another member or reward is a bug
 * in the caller and throws CONFLICT.
 */
export async function redeemReward(deps: CoreDeps, input: { accountId: string; rewardId: string; issueKey: string }): Promise<RedeemRewardResult> {
  if (!input.issueKey) throw new AppError('INVALID_INPUT', 'issueKey is required');
  try {
    return await deps.db.transaction((tx) => redeemIn({ ...deps, db: tx }, input));
  } catch (err) {
    // Only reachable when the same key races on two different rewards (one reward's lock serializes its own retries).
    if (isUniqueViolation(err, 'vouchers_issue_key')) {
      const prior = await voucherByIssueKey(deps.db, input.issueKey);
      if (prior && prior.row.accountId === input.accountId && prior.row.rewardId === input.rewardId) return { status: 'issued', voucher: prior.view };
      throw new AppError('CONFLICT', 'issueKey already used for another redemption', { cause: err });
    }
    throw err;
  }
}

async function redeemIn(deps: CoreDeps, input: { accountId: string; rewardId: string; issueKey: string }): Promise<RedeemRewardResult> {
  const tx = deps.db;
  const now = deps.clock.now();
  const [reward] = await tx.select().from(schema.rewards).where(eq(schema.rewards.id, input.rewardId)).for('update');
  const account = await loadAccount(tx, input.accountId);
  if (!account) throw new AppError('NOT_FOUND', 'no such loyalty account');
  if (!reward || reward.brandId !== account.brandId) return { status: 'not_available' };

  // Checked under the reward lock, so a retry racing its first attempt sees the voucher that attempt issued.
  const prior = await voucherByIssueKey(tx, input.issueKey);
  if (prior) {
    if (prior.row.accountId === input.accountId && prior.row.rewardId === input.rewardId) return { status: 'issued', voucher: prior.view };
    throw new AppError('CONFLICT', 'issueKey already used for another redemption');
  }

  if (!reward.active || !inWindow(reward, now)) return { status: 'not_available' };
  if (!tierAllows(await loadTiers(tx, account.brandId), account.tierCode, reward.minTierCode)) return { status: 'not_eligible' };
  if (reward.perMemberLimit !== null) {
    const used = (await redemptionCounts(tx, account.id, [reward.id])).get(reward.id) ?? 0;
    if (used >= reward.perMemberLimit) return { status: 'limit_reached' };
  }
  if (reward.stock !== null && reward.stock <= 0) return { status: 'out_of_stock' };

  const voucherId = randomUUID();
  const ledger = await postLedgerEntry(deps, {
    accountId: account.id,
    kind: 'redeem',
    points: -reward.costPoints,
    idempotencyKey: `redeem:${input.issueKey}`,
    reference: `voucher:${voucherId}`,
    note: reward.code,
  });
  switch (ledger.status) {
    case 'insufficient_points':
      return { status: 'insufficient_points', balance: ledger.balance };
    case 'duplicate':
    case 'idempotency_conflict':
      // The ledger knows the key but no voucher does: someone else wrote a `redeem:` key. Never issue on top of it.
      throw new AppError('CONFLICT', `ledger key redeem:${input.issueKey} exists without a voucher`);
    case 'posted':
      break;
  }
  if (reward.stock !== null) {
    await tx
      .update(schema.rewards)
      .set({ stock: reward.stock - 1 })
      .where(eq(schema.rewards.id, reward.id));
  }
  const voucher = await insertVoucher(tx, {
    id: voucherId,
    brandId: account.brandId,
    rewardId: reward.id,
    accountId: account.id,
    ledgerEntryId: ledger.entryId,
    issuedAt: now,
    expiresAt: new Date(now.getTime() + reward.voucherValidDays * 86_400_000),
    issueKey: input.issueKey,
  });
  await tx.insert(schema.loyaltyEvents).values({
    brandId: account.brandId,
    accountId: account.id,
    type: 'reward_redeemed',
    payload: { rewardId: reward.id, rewardCode: reward.code, voucherId, points: reward.costPoints },
    createdAt: now,
  });
  deps.log.info({ accountId: account.id, rewardCode: reward.code, voucherId }, 'reward redeemed');
  return { status: 'issued', voucher: toVoucherView(voucher, reward.name) };
}

/** Inserts the voucher with a fresh code; a collision (about one in 2^50 per pair) just draws another. */
async function insertVoucher(tx: Db, values: Omit<typeof schema.vouchers.$inferInsert, 'code'>): Promise<typeof schema.vouchers.$inferSelect> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const [row] = await tx
      .insert(schema.vouchers)
      .values({ ...values, code: groupCode(randomCrockford(VOUCHER_CODE_LENGTH)) })
      .onConflictDoNothing({ target: schema.vouchers.code })
      .returning();
    if (row) return row;
  }
  throw new AppError('INTERNAL', 'no free voucher code after 5 attempts');
}

async function loadAccount(db: Db, accountId: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, accountId));
  return row;
}

function inWindow(r: RewardRow, now: Date): boolean {
  return (r.validFrom === null || r.validFrom <= now) && (r.validTo === null || r.validTo > now);
}

/** True when the member's tier ranks at or above the reward's lowest tier; an unknown tier code never qualifies. */
function tierAllows(tiers: readonly TierDef[], memberTier: string, minTier: string | null): boolean {
  if (minTier === null) return true;
  const need = tiers.findIndex((t) => t.code === minTier);
  const have = tiers.findIndex((t) => t.code === memberTier);
  return need >= 0 && have >= need;
}

/** Vouchers (not cancelled) the member already holds per reward, for per-member limits. */
async function redemptionCounts(db: Db, accountId: string, rewardIds: string[]): Promise<Map<string, number>> {
  if (rewardIds.length === 0) return new Map();
  const rows = await db
    .select({ rewardId: schema.vouchers.rewardId, n: count() })
    .from(schema.vouchers)
    .where(and(eq(schema.vouchers.accountId, accountId), inArray(schema.vouchers.rewardId, rewardIds), ne(schema.vouchers.status, 'cancelled')))
    .groupBy(schema.vouchers.rewardId)
    .orderBy(asc(schema.vouchers.rewardId));
  return new Map(rows.map((r) => [r.rewardId, Number(r.n)]));
}
