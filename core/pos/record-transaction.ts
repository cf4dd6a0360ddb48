// A purchase reported by a store's POS: stored once per (store, external id), matched to a member, and turned
// into points by the earning rules. Everything happens in one database transaction.
import { createHash } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import { computeEarning, expiryFor, loadProgramContext, postLedgerEntry, type EarningLine, type ProgramContext } from '../loyalty/index.js';
import type { CoreDeps } from '../shared/index.js';
import { scheduleSurveys } from './survey-hook.js';

/** One receipt line (amount net of discounts, minor units). */
export type TransactionLine = EarningLine;

/** A purchase as the POS reports it. */
export interface TransactionInput {
  brandId: string;
  storeId: string;
  externalId: string;
  /** How the cashier identified the member: the member code, or an E.164 phone. */
  customer: { memberCode?: string | undefined; phone?: string | undefined };
  occurredAt: Date;
  currency: string;
  totalMinor: number;
  lines: TransactionLine[];
}

/** The member's state after a purchase. */
export interface MemberSummary {
  memberCode: string;
  balance: number;
  pendingPoints: number;
  tierCode: string;
}

/** Outcome of recording a purchase. */
export type TransactionResult =
  | {
      status: 'recorded' | 'replayed';
      transactionId: string;
      /** Null when no member matched yet (kept, and attached when they enroll with that phone). */
      member: MemberSummary | null;
      pointsEarned: number;
      /** Of `pointsEarned`, how many wait for the return window. */
      pointsPending: number;
    }
  | { status: 'conflict' }
  | { status: 'invalid'; reason: 'unknown_store' | 'currency_mismatch' | 'lines_exceed_total' | 'negative_line' };

/** Records a purchase and awards its points; a retry with the same contents is answered from the first result. */
export async function recordTransaction(deps: CoreDeps, input: TransactionInput, ctx?: ProgramContext): Promise<TransactionResult> {
  return deps.db.transaction(async (tx) => {
    const d: CoreDeps = { ...deps, db: tx };
    const [store] = await tx.select().from(schema.stores).where(and(eq(schema.stores.id, input.storeId), eq(schema.stores.brandId, input.brandId)));
    if (!store) return { status: 'invalid', reason: 'unknown_store' };
    if (store.currency !== input.currency) return { status: 'invalid', reason: 'currency_mismatch' };
    // Lines carry what was paid net of discounts; a discount as a negative line would earn on the gross amount.
    if (input.lines.some((l) => l.amountMinor < 0)) return { status: 'invalid', reason: 'negative_line' };
    if (input.lines.reduce((s, l) => s + l.amountMinor, 0) > input.totalMinor) return { status: 'invalid', reason: 'lines_exceed_total' };

    const contentHash = hashTransaction(input);
    const [inserted] = await tx
      .insert(schema.posTransactions)
      .values({
        brandId: input.brandId,
        storeId: input.storeId,
        externalId: input.externalId,
        contentHash,
        occurredAt: input.occurredAt,
        currency: input.currency,
        totalMinor: input.totalMinor,
        lines: input.lines.map((l) => ({ ...l })),
        phone: input.customer.phone ?? null,
        createdAt: deps.clock.now(),
      })
      .onConflictDoNothing()
      .returning({ id: schema.posTransactions.id });
    if (!inserted) return replay(d, input, contentHash);

    const account = await matchAccount(tx, input.brandId, input.customer);
    if (!account) return { status: 'recorded', transactionId: inserted.id, member: null, pointsEarned: 0, pointsPending: 0 };
    const program = ctx ?? (await loadProgramContext(tx, input.brandId));
    if (!program) throw new Error(`brand ${input.brandId} vanished`);
    const awarded = await awardPurchase(d, { transactionId: inserted.id, accountId: account.id, input, storeTimeZone: store.timezone, ctx: program });
    await scheduleSurveys(d, [{ brandId: input.brandId, customerId: account.customerId, transactionId: inserted.id, storeId: input.storeId, occurredAt: input.occurredAt, totalMinor: input.totalMinor }]);
    return { status: 'recorded', transactionId: inserted.id, member: await memberSummary(tx, account.id), ...awarded };
  });
}

/**
 * Awards the points of a stored purchase to a member: earning rules, then pending (return window) or
 * available points, first-purchase and referral bonuses. Used at purchase time and when a member enrolls later.
 */
export async function awardPurchase(
  deps: CoreDeps,
  p: {
    transactionId: string;
    accountId: string;
    input: Pick<TransactionInput, 'storeId' | 'occurredAt' | 'totalMinor' | 'lines'>;
    storeTimeZone: string;
    ctx: ProgramContext;
    /** Already refunded before the points were awarded (a purchase attached after enrollment). */
    refundedMinor?: number;
  },
): Promise<{ pointsEarned: number; pointsPending: number }> {
  const tx = deps.db;
  const [account] = await tx.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, p.accountId)).for('update');
  if (!account) throw new Error(`no account ${p.accountId}`);
  const [customer] = await tx.select({ birthday: schema.customers.birthday }).from(schema.customers).where(eq(schema.customers.id, account.customerId));
  // Only a purchase with something that earns counts as the first purchase: buying a gift card is paying in cash.
  const purchase = hasEligibleLine(p.input.lines, p.ctx);
  const isFirstPurchase = account.firstPurchaseAt === null && purchase;
  const earning = computeEarning({
    lines: p.input.lines,
    totalMinor: p.input.totalMinor,
    storeId: p.input.storeId,
    storeTimeZone: p.storeTimeZone,
    occurredAt: p.input.occurredAt,
    member: { tierCode: account.tierCode, birthday: customer?.birthday ?? null, isFirstPurchase },
    program: p.ctx.program,
    rules: p.ctx.rules,
  });
  // What was refunded before the award is never credited, exactly as a refund after it would have reversed.
  const refunded = p.refundedMinor ?? 0;
  const alreadyReversed = refunded > 0 && p.input.totalMinor > 0 ? Math.floor((earning.points * refunded) / p.input.totalMinor) : 0;
  const credited = earning.points - alreadyReversed;
  const pending = await creditPoints(deps, { accountId: account.id, transactionId: p.transactionId, points: credited, occurredAt: p.input.occurredAt, key: `txn:${p.transactionId}`, ctx: p.ctx });

  // A referral pays both sides at once on the friend's first purchase (not held: a refund reverses purchase
  // points only, so pending rows of a transaction are always the purchaser's own purchase points).
  if (isFirstPurchase && account.referredByAccountId) {
    const { referrerPoints, refereePoints } = p.ctx.program.referral;
    const bonus = { transactionId: p.transactionId, occurredAt: p.input.occurredAt, ctx: p.ctx, kind: 'bonus' as const, hold: false };
    await creditPoints(deps, { ...bonus, accountId: account.id, points: refereePoints, key: `referral:${account.id}:referee` });
    await creditPoints(deps, { ...bonus, accountId: account.referredByAccountId, points: referrerPoints, key: `referral:${account.id}:referrer` });
  }
  await tx
    .update(schema.posTransactions)
    .set({ accountId: account.id, customerId: account.customerId, pointsEarned: earning.points, pointsWithheld: alreadyReversed, earning: earning.breakdown.map((r) => ({ ...r })) })
    .where(eq(schema.posTransactions.id, p.transactionId));
  if (isFirstPurchase) await tx.update(schema.loyaltyAccounts).set({ firstPurchaseAt: p.input.occurredAt }).where(eq(schema.loyaltyAccounts.id, account.id));
  return { pointsEarned: earning.points, pointsPending: pending ? credited : 0 };
}

function hasEligibleLine(lines: readonly TransactionLine[], ctx: ProgramContext): boolean {
  const { excludedCategories, excludedSkus } = ctx.program;
  return lines.some((l) => l.amountMinor > 0 && !excludedCategories.includes(l.category) && !excludedSkus.includes(l.sku));
}

/** Credits points now, or holds them as pending for the return window. Returns true when held. */
async function creditPoints(
  deps: CoreDeps,
  c: { accountId: string; transactionId: string; points: number; occurredAt: Date; key: string; ctx: ProgramContext; kind?: 'earn' | 'bonus'; hold?: boolean },
): Promise<boolean> {
  if (c.points <= 0) return false;
  const { pendingDays } = c.ctx.program;
  if (pendingDays > 0 && c.hold !== false) {
    await deps.db.insert(schema.pendingPoints).values({
      accountId: c.accountId,
      transactionId: c.transactionId,
      points: c.points,
      releaseAt: new Date(c.occurredAt.getTime() + pendingDays * 86_400_000),
      createdAt: deps.clock.now(),
    });
    await deps.db
      .update(schema.loyaltyAccounts)
      .set({ pendingPoints: sql`${schema.loyaltyAccounts.pendingPoints} + ${c.points}` })
      .where(eq(schema.loyaltyAccounts.id, c.accountId));
    return true;
  }
  const result = await postLedgerEntry(deps, {
    accountId: c.accountId,
    kind: c.kind ?? 'earn',
    points: c.points,
    idempotencyKey: c.key,
    expiresAt: expiryFor(c.occurredAt, c.ctx.program, c.ctx.timezone),
    reference: c.transactionId,
  });
  if (result.status !== 'posted' && result.status !== 'duplicate') throw new Error(`earning ${c.key} was not posted: ${result.status}`);
  return false;
}

async function replay(deps: CoreDeps, input: TransactionInput, contentHash: string): Promise<TransactionResult> {
  const [prior] = await deps.db
    .select()
    .from(schema.posTransactions)
    .where(and(eq(schema.posTransactions.storeId, input.storeId), eq(schema.posTransactions.externalId, input.externalId)));
  if (!prior || prior.contentHash !== contentHash) return { status: 'conflict' };
  const pending = await deps.db
    .select({ points: schema.pendingPoints.points })
    .from(schema.pendingPoints)
    .where(and(eq(schema.pendingPoints.transactionId, prior.id), eq(schema.pendingPoints.status, 'pending')));
  return {
    status: 'replayed',
    transactionId: prior.id,
    member: prior.accountId ? await memberSummary(deps.db, prior.accountId) : null,
    pointsEarned: prior.pointsEarned,
    pointsPending: Math.min(prior.pointsEarned, pending.reduce((s, r) => s + r.points, 0)),
  };
}

/** Finds the member by member code, else by a verified phone (an unverified phone could be anyone's). */
export async function matchAccount(db: Db, brandId: string, who: TransactionInput['customer']) {
  if (who.memberCode) {
    const [byCode] = await db
      .select()
      .from(schema.loyaltyAccounts)
      .where(and(eq(schema.loyaltyAccounts.brandId, brandId), eq(schema.loyaltyAccounts.memberCode, who.memberCode)));
    if (byCode) return byCode;
  }
  if (who.phone) {
    const [byPhone] = await db
      .select({ account: schema.loyaltyAccounts })
      .from(schema.customers)
      .innerJoin(schema.loyaltyAccounts, eq(schema.loyaltyAccounts.customerId, schema.customers.id))
      .where(and(eq(schema.customers.brandId, brandId), eq(schema.customers.phone, who.phone), eq(schema.customers.phoneVerified, true)))
      .orderBy(desc(schema.loyaltyAccounts.enrolledAt))
      .limit(1);
    if (byPhone) return byPhone.account;
  }
  return undefined;
}

/** Balance, pending points and tier of an account. */
export async function memberSummary(db: Db, accountId: string): Promise<MemberSummary> {
  const [a] = await db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, accountId));
  if (!a) throw new Error(`no account ${accountId}`);
  return { memberCode: a.memberCode, balance: a.pointsBalance, pendingPoints: a.pendingPoints, tierCode: a.tierCode };
}

/** A stable hash of what the POS sent, to tell an honest retry from a different purchase reusing an id. */
export function hashTransaction(input: TransactionInput): string {
  const canonical = {
    storeId: input.storeId,
    externalId: input.externalId,
    memberCode: input.customer.memberCode ?? null,
    phone: input.customer.phone ?? null,
    occurredAt: input.occurredAt.toISOString(),
    currency: input.currency,
    totalMinor: input.totalMinor,
    lines: input.lines.map((l) => [l.sku, l.category, l.quantity, l.amountMinor]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
