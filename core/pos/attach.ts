import { and, asc, eq, isNull } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { loadProgramContext } from '../loyalty/index.js';
import type { CoreDeps } from '../shared/index.js';
import { awardPurchase } from './record-transaction.js';

/**
 * Gives a member the points of purchases made before they enrolled, matched by their verified phone.
 * Returns how many purchases were attached and the points they earned.
 */
export async function attachUnmatchedTransactions(deps: CoreDeps, input: { brandId: string; accountId: string }): Promise<{ attached: number; points: number }> {
  return deps.db.transaction(async (tx) => {
    const d: CoreDeps = { ...deps, db: tx };
    const [row] = await tx
      .select({ phone: schema.customers.phone, verified: schema.customers.phoneVerified })
      .from(schema.loyaltyAccounts)
      .innerJoin(schema.customers, eq(schema.customers.id, schema.loyaltyAccounts.customerId))
      .where(and(eq(schema.loyaltyAccounts.id, input.accountId), eq(schema.loyaltyAccounts.brandId, input.brandId)));
    // Only a verified phone proves the purchases are theirs.
    if (!row?.phone || !row.verified) return { attached: 0, points: 0 };
    const unmatched = await tx
      .select({ txn: schema.posTransactions, timezone: schema.stores.timezone })
      .from(schema.posTransactions)
      .innerJoin(schema.stores, eq(schema.stores.id, schema.posTransactions.storeId))
      .where(and(eq(schema.posTransactions.brandId, input.brandId), eq(schema.posTransactions.phone, row.phone), isNull(schema.posTransactions.accountId)))
      .orderBy(asc(schema.posTransactions.occurredAt))
      .for('update', { of: schema.posTransactions });
    if (unmatched.length === 0) return { attached: 0, points: 0 };
    const ctx = await loadProgramContext(tx, input.brandId);
    let points = 0;
    for (const { txn, timezone } of unmatched) {
      const lines = txn.lines as unknown as Parameters<typeof awardPurchase>[1]['input']['lines'];
      const awarded = await awardPurchase(d, {
        transactionId: txn.id,
        accountId: input.accountId,
        input: { storeId: txn.storeId, occurredAt: txn.occurredAt, totalMinor: txn.totalMinor, lines },
        storeTimeZone: timezone,
        ctx: ctx!,
        refundedMinor: txn.refundedMinor,
      });
      points += awarded.pointsEarned;
    }
    return { attached: unmatched.length, points };
  });
}
