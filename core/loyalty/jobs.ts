// Background work of the loyalty engine. Every job re-derives its work from the database and posts with
// idempotency keys, so running it twice (a retry, two workers, a crash half-way) changes nothing the second time.
import { and, asc, eq, gt, gte, inArray, isNotNull, lte, min, sql, sum } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { postLedgerEntry, recordTierChange } from './ledger.js';
import { loadProgramContext, type ProgramContext } from './program-context.js';
import { expiryFor } from './program.js';
import { loadTiers, tierFor } from './tiers.js';

/** Releases pending points whose return window has passed; returns how many rows were released. */
export async function releasePendingPoints(deps: CoreDeps, opts: { limit?: number } = {}): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db
    .select({ id: schema.pendingPoints.id })
    .from(schema.pendingPoints)
    .where(and(eq(schema.pendingPoints.status, 'pending'), lte(schema.pendingPoints.releaseAt, now)))
    .orderBy(asc(schema.pendingPoints.releaseAt))
    .limit(opts.limit ?? 1_000);
  let released = 0;
  // One read of each brand's programme per run, not one per released row.
  const programmes = new Map<string, Promise<ProgramContext | null>>();
  for (const { id } of due) {
    const done = await deps.db.transaction(async (tx) => {
      const [row] = await tx.select().from(schema.pendingPoints).where(and(eq(schema.pendingPoints.id, id), eq(schema.pendingPoints.status, 'pending'))).for('update');
      if (!row) return false; // released by someone else meanwhile
      const [account] = await tx.select({ brandId: schema.loyaltyAccounts.brandId }).from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, row.accountId));
      const brandId = account!.brandId;
      if (!programmes.has(brandId)) programmes.set(brandId, loadProgramContext(tx, brandId));
      const ctx = await programmes.get(brandId)!;
      await tx.update(schema.pendingPoints).set({ status: 'released' }).where(eq(schema.pendingPoints.id, id));
      await tx
        .update(schema.loyaltyAccounts)
        .set({ pendingPoints: sql`${schema.loyaltyAccounts.pendingPoints} - ${row.points}` })
        .where(eq(schema.loyaltyAccounts.id, row.accountId));
      if (row.points > 0) {
        const result = await postLedgerEntry(
          { ...deps, db: tx },
          { accountId: row.accountId, kind: 'earn', points: row.points, idempotencyKey: `pending:${row.id}`, expiresAt: expiryFor(row.releaseAt, ctx!.program, ctx!.timezone), reference: row.transactionId },
        );
        if (result.status !== 'posted' && result.status !== 'duplicate') throw new Error(`release ${row.id}: ${result.status}`);
      }
      return true;
    });
    if (done) released++;
  }
  return released;
}

/** Expires every lot whose expiry has passed; returns how many lots were expired. */
export async function expirePoints(deps: CoreDeps, opts: { limit?: number } = {}): Promise<number> {
  const now = deps.clock.now();
  const lots = await deps.db
    .select({ id: schema.pointLots.id, accountId: schema.pointLots.accountId, remaining: schema.pointLots.remaining })
    .from(schema.pointLots)
    .where(and(gt(schema.pointLots.remaining, 0), isNotNull(schema.pointLots.expiresAt), lte(schema.pointLots.expiresAt, now)))
    .orderBy(asc(schema.pointLots.expiresAt))
    .limit(opts.limit ?? 1_000);
  let expired = 0;
  for (const lot of lots) {
    try {
      const result = await postLedgerEntry(deps, { accountId: lot.accountId, kind: 'expire', points: -lot.remaining, lotId: lot.id, idempotencyKey: `expire:${lot.id}`, reference: `lot:${lot.id}` });
      if (result.status === 'posted') expired++;
    } catch (err) {
      // The lot changed since it was read (a spend took from it): the next run sees its new remainder.
      deps.log.warn({ lotId: lot.id, reason: err instanceof Error ? err.message : String(err) }, 'lot changed before expiry; retried next run');
    }
  }
  return expired;
}

/** Points that expire between `from` and `to`, per account: for the reminder automation. */
export async function pointsExpiringBetween(deps: CoreDeps, range: { brandId: string; from: Date; to: Date }) {
  return deps.db
    .select({ accountId: schema.pointLots.accountId, customerId: schema.loyaltyAccounts.customerId, points: sum(schema.pointLots.remaining).mapWith(Number), firstDate: min(schema.pointLots.expiresAt) })
    .from(schema.pointLots)
    .innerJoin(schema.loyaltyAccounts, eq(schema.loyaltyAccounts.id, schema.pointLots.accountId))
    .where(and(eq(schema.loyaltyAccounts.brandId, range.brandId), gt(schema.pointLots.remaining, 0), gt(schema.pointLots.expiresAt, range.from), lte(schema.pointLots.expiresAt, range.to)))
    .groupBy(schema.pointLots.accountId, schema.loyaltyAccounts.customerId);
}

/**
 * Reviews tiers: qualifying points over the rolling 12 months (or lifetime) decide the tier. Upgrades apply at
 * once; a downgrade is announced by setting `downgradeDueAt` and applied when the grace period is over, never
 * below a tier staff set as a floor. Returns the number of tier changes.
 */
export async function reviewTiers(deps: CoreDeps, opts: { brandId: string; batchSize?: number }): Promise<number> {
  const ctx = await loadProgramContext(deps.db, opts.brandId);
  if (!ctx) return 0;
  const tiers = await loadTiers(deps.db, opts.brandId);
  const now = deps.clock.now();
  const since = new Date(now);
  since.setUTCFullYear(since.getUTCFullYear() - 1);
  const batch = opts.batchSize ?? 1_000;
  let changes = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const accounts = await deps.db
      .select()
      .from(schema.loyaltyAccounts)
      .where(and(eq(schema.loyaltyAccounts.brandId, opts.brandId), gt(schema.loyaltyAccounts.id, after)))
      .orderBy(asc(schema.loyaltyAccounts.id))
      .limit(batch);
    if (accounts.length === 0) break;
    after = accounts.at(-1)!.id;
    const rolling =
      ctx.program.tierQualification === 'lifetime'
        ? new Map<string, number>()
        : new Map(
            (
              await deps.db
                .select({ accountId: schema.pointsLedger.accountId, points: sum(schema.pointsLedger.points).mapWith(Number) })
                .from(schema.pointsLedger)
                .where(and(inArray(schema.pointsLedger.accountId, accounts.map((a) => a.id)), inArray(schema.pointsLedger.kind, ['earn', 'bonus', 'reverse']), gte(schema.pointsLedger.createdAt, since)))
                .groupBy(schema.pointsLedger.accountId)
            ).map((r) => [r.accountId, r.points]),
          );
    for (const a of accounts) {
      const qualifying = ctx.program.tierQualification === 'lifetime' ? a.qualifyingPoints : Math.max(0, rolling.get(a.id) ?? 0);
      const reached = tierFor(qualifying, tiers);
      const floor = tiers.find((t) => t.code === a.tierFloor);
      const target = floor && floor.minPoints > reached.minPoints ? floor : reached;
      const current = tiers.find((t) => t.code === a.tierCode) ?? tiers[0]!;
      // In rolling mode the account's counter restarts from the window's sum, so earning between reviews
      // adds to what still counts (not to points that left the window), and upgrades agree with reviews.
      if (qualifying !== a.qualifyingPoints) {
        await deps.db.update(schema.loyaltyAccounts).set({ qualifyingPoints: qualifying }).where(and(eq(schema.loyaltyAccounts.id, a.id), eq(schema.loyaltyAccounts.qualifyingPoints, a.qualifyingPoints)));
      }
      if (target.minPoints > current.minPoints) {
        if (await applyTier(deps, a, target.code, now)) changes++;
      } else if (target.minPoints < current.minPoints) {
        if (!a.downgradeDueAt) {
          const due = new Date(now.getTime() + ctx.program.downgradeGraceDays * 86_400_000);
          await deps.db.update(schema.loyaltyAccounts).set({ downgradeDueAt: due }).where(eq(schema.loyaltyAccounts.id, a.id));
        } else if (a.downgradeDueAt <= now) {
          if (await applyTier(deps, a, target.code, now)) changes++;
        }
      } else if (a.downgradeDueAt) {
        // Earned back during the grace period: the downgrade is off.
        await deps.db.update(schema.loyaltyAccounts).set({ downgradeDueAt: null }).where(eq(schema.loyaltyAccounts.id, a.id));
      }
    }
  }
  return changes;
}

/** Applies a tier change unless someone else changed the tier first; true when this call changed it. */
async function applyTier(deps: CoreDeps, a: typeof schema.loyaltyAccounts.$inferSelect, to: string, now: Date): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    // Conditional on the tier read above, so two reviewers racing change it once.
    const changed = await tx
      .update(schema.loyaltyAccounts)
      .set({ tierCode: to, downgradeDueAt: null, updatedAt: now })
      .where(and(eq(schema.loyaltyAccounts.id, a.id), eq(schema.loyaltyAccounts.tierCode, a.tierCode)))
      .returning({ id: schema.loyaltyAccounts.id });
    if (changed.length !== 1) return false;
    await recordTierChange(tx, { brandId: a.brandId, accountId: a.id, from: a.tierCode, to, reason: 'review', at: now });
    return true;
  });
}
