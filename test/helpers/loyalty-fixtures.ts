// Factories for loyalty and POS integration tests (brand with programme settings, stores, tiers, members) and
// the money invariants every scenario must leave intact. Time moves only through the ManualClock in `deps`.
import { randomInt, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rowsOf, schema, type Db } from '../../db/index.js';
import { resolveCustomer, updateCustomer } from '../../core/customers/index.js';
import { enroll, postLedgerEntry, type LedgerKind, type LedgerResult } from '../../core/loyalty/index.js';
import type { TransactionInput, TransactionLine } from '../../core/pos/index.js';
import type { CoreDeps } from '../../core/shared/index.js';
import { eventually } from './eventually.js';

/** One day in milliseconds. */
export const DAY = 86_400_000;

/** The tiers every fixture brand gets unless it asks for others (same thresholds as the defaults). */
export const FIXTURE_TIERS = [
  { code: 'bronze', minPoints: 0 },
  { code: 'silver', minPoints: 1_000 },
  { code: 'gold', minPoints: 5_000 },
] as const;

let seq = 0;
/** A short unique suffix for ids inside one test database. */
export function uniq(prefix = 'x'): string {
  seq += 1;
  return `${prefix}-${seq}-${randomUUID().slice(0, 8)}`;
}

/** A brand with its programme settings (brands.settings JSON), its tiers and one store. */
export interface BrandFixture {
  brandId: string;
  storeId: string;
  timezone: string;
  currency: string;
}

/**
 * Creates a brand with `settings` (validated by the programme parser when first used), tier rows and a store.
 * Defaults keep arithmetic obvious: no first-purchase bonus, no tier bonus and no pending period unless the test
 * sets them.
 */
export async function createBrand(
  db: Db,
  opts: { settings?: Record<string, unknown>; timezone?: string; currency?: string; tiers?: ReadonlyArray<{ code: string; minPoints: number }> } = {},
): Promise<BrandFixture> {
  const brandId = uniq('brand');
  const timezone = opts.timezone ?? 'Asia/Dubai';
  const currency = opts.currency ?? 'AED';
  await db.insert(schema.brands).values({ id: brandId, name: brandId, timezone, settings: { firstPurchaseBonus: 0, pendingDays: 0, tierBonusPercent: {}, ...opts.settings } });
  const tiers = opts.tiers ?? FIXTURE_TIERS;
  await db.insert(schema.tiers).values(tiers.map((t, i) => ({ brandId, code: t.code, name: { en: t.code }, minPoints: t.minPoints, rank: i + 1 })));
  const storeId = await createStore(db, brandId, { timezone, currency });
  return { brandId, storeId, timezone, currency };
}

/** Another store of a brand. */
export async function createStore(db: Db, brandId: string, opts: { timezone?: string; currency?: string } = {}): Promise<string> {
  const [store] = await db
    .insert(schema.stores)
    .values({ brandId, code: uniq('store'), name: { en: 'Store' }, city: 'Dubai', country: 'AE', timezone: opts.timezone ?? 'Asia/Dubai', currency: opts.currency ?? 'AED' })
    .returning({ id: schema.stores.id });
  return store!.id;
}

/** A member as the tests use it. */
export interface MemberFixture {
  accountId: string;
  customerId: string;
  memberCode: string;
  phone: string | null;
}

/** A random UAE mobile number in E.164 (distinct enough within one test database). */
export function newPhone(): string {
  return `+9715${randomInt(10_000_000, 100_000_000)}`;
}

/** Enrolls a new member of `brandId` through the real enrollment path. */
export async function createMember(
  deps: CoreDeps,
  brandId: string,
  opts: { phone?: string | null; phoneVerified?: boolean; referredByAccountId?: string; tierCode?: string; tierFloor?: string; birthday?: string; name?: string } = {},
): Promise<MemberFixture> {
  const { customer } = await resolveCustomer(deps, { brandId, channel: 'web', externalId: randomUUID() });
  const phone = opts.phone === null ? null : (opts.phone ?? newPhone());
  const result = await enroll(deps, {
    brandId,
    customerId: customer.id,
    channel: 'web',
    name: opts.name ?? 'Sam Lee',
    // A birthday month no test purchase falls in, so the birthday bonus stays out of the arithmetic.
    birthday: opts.birthday ?? '1990-08-12',
    ...(phone ? { phone, phoneVerified: opts.phoneVerified ?? true } : {}),
    acceptedTerms: true,
    marketingOptIn: false,
    termsVersion: 't-1',
    marketingWordingVersion: 'm-1',
  });
  if (result.status !== 'enrolled') throw new Error(`enroll: ${result.status}`);
  const patch: Partial<typeof schema.loyaltyAccounts.$inferInsert> = {};
  if (opts.referredByAccountId) patch.referredByAccountId = opts.referredByAccountId;
  if (opts.tierCode) patch.tierCode = opts.tierCode;
  if (opts.tierFloor) patch.tierFloor = opts.tierFloor;
  if (Object.keys(patch).length > 0) await deps.db.update(schema.loyaltyAccounts).set(patch).where(eq(schema.loyaltyAccounts.id, result.account.id));
  return { accountId: result.account.id, customerId: customer.id, memberCode: result.account.memberCode, phone };
}

/** Marks a customer's phone as verified (what the OTP flow does). */
export async function verifyPhone(deps: CoreDeps, customerId: string): Promise<void> {
  await updateCustomer(deps, customerId, { phoneVerified: true });
}

/** A purchase at the brand's store; `amounts` are line amounts in minor units (category 'apparel' unless given). */
export function purchase(
  b: BrandFixture,
  customer: TransactionInput['customer'],
  occurredAt: Date,
  lines: Array<number | Partial<TransactionLine> & { amountMinor: number }>,
  overrides: Partial<TransactionInput> = {},
): TransactionInput {
  const full: TransactionLine[] = lines.map((l, i) =>
    typeof l === 'number' ? { sku: `SKU-${i}`, category: 'apparel', quantity: 1, amountMinor: l } : { sku: `SKU-${i}`, category: 'apparel', quantity: 1, ...l },
  );
  return {
    brandId: b.brandId,
    storeId: b.storeId,
    externalId: uniq('rcpt'),
    customer,
    occurredAt,
    currency: b.currency,
    totalMinor: full.reduce((s, l) => s + l.amountMinor, 0),
    lines: full,
    ...overrides,
  };
}

/** Posts a ledger entry with a fresh key (for spending, or for lots with a chosen expiry). */
export function post(deps: CoreDeps, accountId: string, kind: LedgerKind, points: number, expiresAt: Date | null = null): Promise<LedgerResult> {
  return postLedgerEntry(deps, { accountId, kind, points, idempotencyKey: randomUUID(), expiresAt });
}

/** The account row. */
export async function account(db: Db, accountId: string) {
  const [row] = await db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, accountId));
  if (!row) throw new Error(`no account ${accountId}`);
  return row;
}

/** Ledger entries of an account, oldest first. */
export function ledger(db: Db, accountId: string) {
  return db.select().from(schema.pointsLedger).where(eq(schema.pointsLedger.accountId, accountId)).orderBy(schema.pointsLedger.id);
}

/** Point lots of an account, oldest first. */
export function lots(db: Db, accountId: string) {
  return db.select().from(schema.pointLots).where(eq(schema.pointLots.accountId, accountId)).orderBy(schema.pointLots.id);
}

/** Pending-point rows of an account, oldest first. */
export function pendingRows(db: Db, accountId: string) {
  return db.select().from(schema.pendingPoints).where(eq(schema.pendingPoints.accountId, accountId)).orderBy(schema.pendingPoints.id);
}

/** 'tier_changed' events of an account, oldest first. */
export function tierEvents(db: Db, accountId: string) {
  return db.select().from(schema.loyaltyEvents).where(eq(schema.loyaltyEvents.accountId, accountId)).orderBy(schema.loyaltyEvents.id);
}

/** Everything a money operation can touch, to show that a refused or replayed request changed nothing. */
export async function snapshot(db: Db) {
  const count = async (table: string) => Number(rowsOf<{ n: string | number }>(await db.execute(sql.raw(`select count(*) as n from ${table}`)))[0]!.n);
  return {
    accounts: await db.select().from(schema.loyaltyAccounts).orderBy(schema.loyaltyAccounts.id),
    transactions: await db.select().from(schema.posTransactions).orderBy(schema.posTransactions.id),
    refunds: await db.select().from(schema.posRefunds).orderBy(schema.posRefunds.id),
    pending: await db.select().from(schema.pendingPoints).orderBy(schema.pendingPoints.id),
    lots: await db.select().from(schema.pointLots).orderBy(schema.pointLots.id),
    ledgerRows: await count('points_ledger'),
    events: await count('loyalty_events'),
  };
}

interface AccountSums {
  id: string;
  points_balance: number;
  pending_points: number;
  qualifying_points: number;
  ledger_sum: string | number;
  lot_sum: string | number;
  pending_sum: string | number;
  last_balance_after: number | null;
  min_balance_after: number | null;
  bad_running: string | number;
}

/**
 * The money invariants, for every account in the database: balance = ledger sum = open lot remainders;
 * pending = pending rows still pending; nothing negative; every running balance is the sum up to it.
 * For every POS transaction: refunds add up to refunded_minor, reversed + shortfall to points_reversed (points
 * withheld because the purchase was refunded before it was attached are apart),
 * which never passes the points the purchase earned.
 */
export async function expectInvariants(db: Db): Promise<void> {
  const rows = rowsOf<AccountSums>(
    await db.execute(sql`
      select a.id, a.points_balance, a.pending_points, a.qualifying_points,
        coalesce((select sum(l.points) from points_ledger l where l.account_id = a.id), 0) as ledger_sum,
        coalesce((select sum(p.remaining) from point_lots p where p.account_id = a.id), 0) as lot_sum,
        coalesce((select sum(pp.points) from pending_points pp where pp.account_id = a.id and pp.status = 'pending'), 0) as pending_sum,
        (select l.balance_after from points_ledger l where l.account_id = a.id order by l.id desc limit 1) as last_balance_after,
        (select min(l.balance_after) from points_ledger l where l.account_id = a.id) as min_balance_after,
        (select count(*) from (
           select l.balance_after, sum(l.points) over (order by l.id) as running from points_ledger l where l.account_id = a.id
         ) r where r.balance_after <> r.running) as bad_running
      from loyalty_accounts a`),
  );
  const problems: string[] = [];
  for (const r of rows) {
    const ledgerSum = Number(r.ledger_sum);
    const lotSum = Number(r.lot_sum);
    const pendingSum = Number(r.pending_sum);
    if (r.points_balance !== ledgerSum) problems.push(`${r.id}: balance ${r.points_balance} != ledger sum ${ledgerSum}`);
    if (r.points_balance !== lotSum) problems.push(`${r.id}: balance ${r.points_balance} != lot remainders ${lotSum}`);
    if (r.pending_points !== pendingSum) problems.push(`${r.id}: pending ${r.pending_points} != pending rows ${pendingSum}`);
    if (r.points_balance < 0 || r.pending_points < 0 || r.qualifying_points < 0) problems.push(`${r.id}: negative balance/pending/qualifying`);
    if (r.last_balance_after !== null && r.last_balance_after !== r.points_balance) problems.push(`${r.id}: last balance_after ${r.last_balance_after} != balance ${r.points_balance}`);
    if (r.min_balance_after !== null && r.min_balance_after < 0) problems.push(`${r.id}: a running balance went negative`);
    if (Number(r.bad_running) !== 0) problems.push(`${r.id}: ${r.bad_running} running balances differ from the ledger sum up to them`);
  }
  const lotsOutOfRange = rowsOf<{ n: string | number }>(await db.execute(sql`select count(*) as n from point_lots where remaining < 0 or remaining > points`))[0]!.n;
  if (Number(lotsOutOfRange) !== 0) problems.push(`${lotsOutOfRange} lots with remaining outside [0, points]`);
  const txns = rowsOf<{ id: string; points_earned: number; points_reversed: number; points_withheld: number; refunded_minor: string | number; total_minor: string | number; refund_sum: string | number; reversed_sum: string | number }>(
    await db.execute(sql`
      select t.id, t.points_earned, t.points_reversed, t.points_withheld, t.refunded_minor, t.total_minor,
        coalesce((select sum(r.amount_minor) from pos_refunds r where r.transaction_id = t.id), 0) as refund_sum,
        coalesce((select sum(r.points_reversed + r.shortfall_points) from pos_refunds r where r.transaction_id = t.id), 0) as reversed_sum
      from pos_transactions t`),
  );
  for (const t of txns) {
    if (Number(t.refund_sum) !== Number(t.refunded_minor)) problems.push(`txn ${t.id}: refunds add up to ${t.refund_sum}, refunded_minor is ${t.refunded_minor}`);
    if (Number(t.refunded_minor) > Number(t.total_minor)) problems.push(`txn ${t.id}: refunded more than the total`);
    if (Number(t.reversed_sum) !== t.points_reversed) problems.push(`txn ${t.id}: refunds reversed ${t.reversed_sum}, points_reversed is ${t.points_reversed}`);
    if (t.points_reversed + t.points_withheld > t.points_earned) problems.push(`txn ${t.id}: reversed ${t.points_reversed} + withheld ${t.points_withheld} of ${t.points_earned} points`);
  }
  expect(problems, `money invariants broken:\n${problems.join('\n')}`).toEqual([]);
}

/**
 * A spend that takes the account's row lock and holds it until `release()`, for deterministic races on a server:
 * start the competing call, `await waitForLockWaiters(db)`, then release and compare.
 */
export async function spendHoldingLock(deps: CoreDeps, accountId: string, points: number, idempotencyKey: string = randomUUID()) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const spent = deps.db.transaction(async (tx) => {
    await tx.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, accountId)).for('update');
    locked();
    await gate;
    return postLedgerEntry({ ...deps, db: tx }, { accountId, kind: 'redeem', points: -points, idempotencyKey });
  });
  await isLocked;
  return { release, spent };
}

/** Waits (no sleeping on a guess) until `n` sessions of this database are blocked on a lock. */
export async function waitForLockWaiters(db: Db, n = 1): Promise<void> {
  await eventually(async () => {
    const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`));
    expect(row?.n).toBe(n);
  });
}

/** The loyalty account of whoever chats from this channel id (a web chat session, a Telegram user), if a member. */
export async function accountOfChannelUser(db: Db, externalId: string) {
  const [row] = await db
    .select({ account: schema.loyaltyAccounts })
    .from(schema.loyaltyAccounts)
    .innerJoin(schema.channelIdentities, eq(schema.channelIdentities.customerId, schema.loyaltyAccounts.customerId))
    .where(eq(schema.channelIdentities.externalId, externalId));
  return row?.account;
}
