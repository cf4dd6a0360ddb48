// Refunds reverse the points of a purchase in proportion to the refunded amount: pending points first (they were
// never spendable), then available points down to zero but never below; what could not be taken back is recorded.
import { createHash } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { postLedgerEntry } from '../loyalty/index.js';
import type { CoreDeps } from '../shared/index.js';
import { memberSummary, type MemberSummary } from './record-transaction.js';

/** A refund as the POS reports it. */
export interface RefundInput {
  brandId: string;
  storeId: string;
  /** The purchase's external id at this store. */
  transactionExternalId: string;
  /** The refund's own id at the POS (a retry carries the same). */
  refundExternalId: string;
  amountMinor: number;
}

/** Outcome of a refund. */
export type RefundResult =
  | { status: 'refunded' | 'replayed'; refundId: string; pointsReversed: number; shortfallPoints: number; member: MemberSummary | null }
  | { status: 'not_found' }
  | { status: 'conflict' }
  | { status: 'exceeds_refundable'; refundableMinor: number };

/** Records a refund and reverses its share of the purchase's points. Idempotent per refund id. */
export async function recordRefund(deps: CoreDeps, input: RefundInput): Promise<RefundResult> {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw new Error('refund amount must be a positive integer');
  return deps.db.transaction(async (tx) => {
    const d: CoreDeps = { ...deps, db: tx };
    const [txn] = await tx
      .select()
      .from(schema.posTransactions)
      .where(and(eq(schema.posTransactions.brandId, input.brandId), eq(schema.posTransactions.storeId, input.storeId), eq(schema.posTransactions.externalId, input.transactionExternalId)))
      .for('update');
    if (!txn) return { status: 'not_found' };

    const contentHash = createHash('sha256').update(`${input.refundExternalId}|${input.amountMinor}`).digest('hex');
    const [prior] = await tx
      .select()
      .from(schema.posRefunds)
      .where(and(eq(schema.posRefunds.transactionId, txn.id), eq(schema.posRefunds.externalId, input.refundExternalId)));
    if (prior) {
      if (prior.contentHash !== contentHash) return { status: 'conflict' };
      return { status: 'replayed', refundId: prior.id, pointsReversed: prior.pointsReversed, shortfallPoints: prior.shortfallPoints, member: txn.accountId ? await memberSummary(tx, txn.accountId) : null };
    }

    const refundable = txn.totalMinor - txn.refundedMinor;
    if (input.amountMinor > refundable) return { status: 'exceeds_refundable', refundableMinor: refundable };
    const refunded = txn.refundedMinor + input.amountMinor;
    // Cumulative, so several partial refunds add up to exactly the points of the purchase, never more.
    const target = txn.totalMinor === 0 ? 0 : Math.floor((txn.pointsEarned * refunded) / txn.totalMinor);
    const due = Math.max(0, target - txn.pointsReversed - txn.pointsWithheld);

    let fromPending = 0;
    let fromBalance = 0;
    if (due > 0 && txn.accountId) {
      fromPending = await takeFromPending(d, txn.id, txn.accountId, due);
      const rest = due - fromPending;
      if (rest > 0) {
        // Read under the account lock: a spend committing in between must not make the reversal overdraw.
        const [account] = await tx.select({ balance: schema.loyaltyAccounts.pointsBalance }).from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, txn.accountId)).for('update');
        fromBalance = Math.min(rest, account?.balance ?? 0);
        if (fromBalance > 0) {
          const posted = await postLedgerEntry(d, {
            accountId: txn.accountId,
            kind: 'reverse',
            points: -fromBalance,
            idempotencyKey: `refund:${txn.id}:${input.refundExternalId}`,
            reference: txn.id,
            note: `refund ${input.refundExternalId}`,
          });
          if (posted.status !== 'posted') throw new Error(`reversal not posted: ${posted.status}`);
        }
      }
    }
    const shortfall = due - fromPending - fromBalance;
    if (shortfall > 0 && txn.accountId) {
      // Spent points cannot be taken back, but the money was: they stop counting toward the tier all the same.
      await tx
        .update(schema.loyaltyAccounts)
        .set({ qualifyingPoints: sql`greatest(0, ${schema.loyaltyAccounts.qualifyingPoints} - ${shortfall})` })
        .where(eq(schema.loyaltyAccounts.id, txn.accountId));
    }
    const [refund] = await tx
      .insert(schema.posRefunds)
      .values({ transactionId: txn.id, externalId: input.refundExternalId, contentHash, amountMinor: input.amountMinor, pointsReversed: fromPending + fromBalance, shortfallPoints: shortfall, createdAt: deps.clock.now() })
      .returning({ id: schema.posRefunds.id });
    await tx.update(schema.posTransactions).set({ refundedMinor: refunded, pointsReversed: txn.pointsReversed + due }).where(eq(schema.posTransactions.id, txn.id));
    if (shortfall > 0) deps.log.warn({ transactionId: txn.id, shortfall }, 'refund could not reverse every point: already spent');
    return {
      status: 'refunded',
      refundId: refund!.id,
      pointsReversed: fromPending + fromBalance,
      shortfallPoints: shortfall,
      member: txn.accountId ? await memberSummary(tx, txn.accountId) : null,
    };
  });
}

/** Cancels up to `points` of the purchaser's still-pending points for the transaction; returns how many. */
async function takeFromPending(deps: CoreDeps, transactionId: string, accountId: string, points: number): Promise<number> {
  const rows = await deps.db
    .select()
    .from(schema.pendingPoints)
    .where(and(eq(schema.pendingPoints.transactionId, transactionId), eq(schema.pendingPoints.accountId, accountId), eq(schema.pendingPoints.status, 'pending')))
    .orderBy(asc(schema.pendingPoints.id))
    .for('update');
  let taken = 0;
  for (const row of rows) {
    if (taken === points) break;
    const take = Math.min(row.points, points - taken);
    const left = row.points - take;
    await deps.db
      .update(schema.pendingPoints)
      .set({ points: left, status: left === 0 ? 'cancelled' : 'pending' })
      .where(eq(schema.pendingPoints.id, row.id));
    taken += take;
  }
  if (taken > 0) {
    await deps.db
      .update(schema.loyaltyAccounts)
      .set({ pendingPoints: sql`${schema.loyaltyAccounts.pendingPoints} - ${taken}` })
      .where(eq(schema.loyaltyAccounts.id, accountId));
  }
  return taken;
}
