// POS refunds against a real database: proportional reversal that adds up exactly, pending points first, never
// below zero (the shortfall is recorded), idempotency per refund id, and races with retries, releases and spends.
// After every scenario the money invariants must hold for every account (helpers/loyalty-fixtures.ts).
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { releasePendingPoints } from '../../core/loyalty/index.js';
import { attachUnmatchedTransactions, recordRefund, recordTransaction, type RefundInput, type RefundResult, type TransactionResult } from '../../core/pos/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import {
  DAY,
  account,
  createBrand,
  createMember,
  createStore,
  expectInvariants,
  ledger,
  pendingRows,
  post,
  purchase,
  snapshot,
  spendHoldingLock,
  waitForLockWaiters,
  verifyPhone,
  type BrandFixture,
  type MemberFixture,
} from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const START = new Date('2026-03-02T09:00:00Z');

describe.each(testDbKinds)('POS refunds on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
  });
  afterAll(async () => {
    await handle?.cleanup();
  });
  beforeEach(() => clock.set(START));
  afterEach(async () => {
    await expectInvariants(handle.db);
  });

  /** A member's purchase of `amountMinor` (1 point per AED); returns what a refund needs. */
  async function bought(b: BrandFixture, m: MemberFixture, amountMinor: number, customer: { memberCode?: string; phone?: string } = { memberCode: m.memberCode }) {
    const input = purchase(b, customer, clock.now(), [amountMinor]);
    const r: TransactionResult = await recordTransaction(deps, input);
    if (r.status !== 'recorded') throw new Error(`purchase: ${r.status}`);
    return { ...r, externalId: input.externalId };
  }

  function refund(b: BrandFixture, transactionExternalId: string, amountMinor: number, refundExternalId: string = randomUUID()): RefundInput {
    return { brandId: b.brandId, storeId: b.storeId, transactionExternalId, refundExternalId, amountMinor };
  }

  function refunded(r: RefundResult): Extract<RefundResult, { status: 'refunded' | 'replayed' }> {
    if (r.status !== 'refunded' && r.status !== 'replayed') throw new Error(`expected a refund, got ${JSON.stringify(r)}`);
    return r;
  }

  async function txnRow(id: string) {
    const [row] = await handle.db.select().from(schema.posTransactions).where(eq(schema.posTransactions.id, id));
    if (!row) throw new Error(`no transaction ${id}`);
    return row;
  }

  describe('proportional reversal', () => {
    it('reverses in proportion, and three refunds of a third add up exactly to the purchase’s points', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      // 1,000 AED: 1,000 points; a third is 333.33 AED, 333.33 points.
      const p = await bought(b, m, 100_000);
      const r1 = refunded(await recordRefund(deps, refund(b, p.externalId, 33_333, 'RF-1')));
      const r2 = refunded(await recordRefund(deps, refund(b, p.externalId, 33_333, 'RF-2')));
      const r3 = refunded(await recordRefund(deps, refund(b, p.externalId, 33_334, 'RF-3')));
      expect([r1, r2, r3].map((r) => [r.status, r.pointsReversed, r.shortfallPoints])).toEqual([
        ['refunded', 333, 0],
        ['refunded', 333, 0],
        ['refunded', 334, 0],
      ]);
      expect(r3.member).toMatchObject({ balance: 0, pendingPoints: 0 });
      expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: 0, qualifyingPoints: 0 });
      expect(await txnRow(p.transactionId)).toMatchObject({ refundedMinor: 100_000, pointsEarned: 1_000, pointsReversed: 1_000 });
      const entries = await ledger(handle.db, m.accountId);
      expect(entries.map((e) => [e.kind, e.points, e.idempotencyKey])).toEqual([
        ['earn', 1_000, `txn:${p.transactionId}`],
        ['reverse', -333, `refund:${p.transactionId}:RF-1`],
        ['reverse', -333, `refund:${p.transactionId}:RF-2`],
        ['reverse', -334, `refund:${p.transactionId}:RF-3`],
      ]);
      // Nothing is left to refund.
      expect(await recordRefund(deps, refund(b, p.externalId, 1))).toEqual({ status: 'exceeds_refundable', refundableMinor: 0 });
    });

    it('never reverses more than the purchase earned across uneven partial refunds', async () => {
      const b = await createBrand(handle.db, { settings: { basePointsPerUnit: { points: 1, perMajorUnits: 3 } } });
      const m = await createMember(deps, b.brandId);
      // 99.99 AED at 1 point per 3 AED: 33 points.
      const p = await bought(b, m, 9_999);
      expect(p.pointsEarned).toBe(33);
      const parts = [1, 2_000, 1, 3_333, 4_000, 664];
      let reversed = 0;
      for (const [i, amount] of parts.entries()) reversed += refunded(await recordRefund(deps, refund(b, p.externalId, amount, `RF-${i}`))).pointsReversed;
      expect(parts.reduce((s, a) => s + a, 0)).toBe(9_999);
      expect(reversed).toBe(33);
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(0);
    });

    it('refunds a purchase that matched no member without touching any account', async () => {
      const b = await createBrand(handle.db);
      const p = await recordTransaction(deps, purchase(b, {}, clock.now(), [5_000], { externalId: 'ANON-1' }));
      expect(p).toMatchObject({ status: 'recorded', member: null });
      expect(await recordRefund(deps, refund(b, 'ANON-1', 5_000))).toMatchObject({ status: 'refunded', pointsReversed: 0, shortfallPoints: 0, member: null });
    });
  });

  describe('pending points', () => {
    it('cancels still-pending points first, and reverses the rest from the balance after the release', async () => {
      const b = await createBrand(handle.db, { settings: { pendingDays: 14 } });
      const m = await createMember(deps, b.brandId);
      const p = await bought(b, m, 100_000);
      expect(p).toMatchObject({ pointsPending: 1_000 });
      // 40% inside the window: 400 pending points are cancelled, nothing touches the ledger.
      const r1 = refunded(await recordRefund(deps, refund(b, p.externalId, 40_000)));
      expect(r1).toMatchObject({ status: 'refunded', pointsReversed: 400, shortfallPoints: 0, member: { balance: 0, pendingPoints: 600 } });
      expect(await pendingRows(handle.db, m.accountId)).toMatchObject([{ points: 600, status: 'pending' }]);
      expect(await ledger(handle.db, m.accountId)).toHaveLength(0);

      clock.advance(14 * DAY);
      expect(await releasePendingPoints(deps)).toBe(1);
      expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: 600, pendingPoints: 0, qualifyingPoints: 600 });

      // The other 60% after the release comes off the balance.
      const r2 = refunded(await recordRefund(deps, refund(b, p.externalId, 60_000)));
      expect(r2).toMatchObject({ pointsReversed: 600, shortfallPoints: 0, member: { balance: 0, pendingPoints: 0 } });
      expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: 0, qualifyingPoints: 0 });
    });

    it('cancels the whole pending row on a full refund, so the release has nothing to give', async () => {
      const b = await createBrand(handle.db, { settings: { pendingDays: 14 } });
      const m = await createMember(deps, b.brandId);
      const other = await bought(b, m, 30_000);
      const p = await bought(b, m, 50_000);
      expect(refunded(await recordRefund(deps, refund(b, p.externalId, 50_000)))).toMatchObject({ pointsReversed: 500, member: { pendingPoints: 300 } });
      expect((await pendingRows(handle.db, m.accountId)).map((r) => [r.transactionId, r.points, r.status])).toEqual([
        [other.transactionId, 300, 'pending'],
        [p.transactionId, 0, 'cancelled'],
      ]);
      clock.advance(15 * DAY);
      expect(await releasePendingPoints(deps)).toBe(1);
      expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: 300, pendingPoints: 0 });
    });

    it('ends at zero whichever of a release and a full refund wins a race', async () => {
      const b = await createBrand(handle.db, { settings: { pendingDays: 14 } });
      for (let round = 0; round < 5; round++) {
        clock.set(START);
        const m = await createMember(deps, b.brandId);
        const p = await bought(b, m, 20_000);
        clock.advance(14 * DAY);
        const [, r] = await Promise.all([releasePendingPoints(deps), recordRefund(deps, refund(b, p.externalId, 20_000))]);
        expect(refunded(r)).toMatchObject({ pointsReversed: 200, shortfallPoints: 0 });
        expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: 0, pendingPoints: 0, qualifyingPoints: 0 });
      }
    });
  });

  describe('spent points', () => {
    it('takes the balance to zero, never below, and records the shortfall', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const p = await bought(b, m, 10_000);
      expect(await post(deps, m.accountId, 'redeem', -90)).toMatchObject({ status: 'posted', balance: 10 });
      const r = refunded(await recordRefund(deps, refund(b, p.externalId, 10_000, 'RF-spent')));
      expect(r).toMatchObject({ status: 'refunded', pointsReversed: 10, shortfallPoints: 90, member: { balance: 0 } });
      const [row] = await handle.db.select().from(schema.posRefunds).where(eq(schema.posRefunds.id, r.refundId));
      expect(row).toMatchObject({ amountMinor: 10_000, pointsReversed: 10, shortfallPoints: 90 });
      expect(await txnRow(p.transactionId)).toMatchObject({ pointsReversed: 100, refundedMinor: 10_000 });
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(0);
      // Points earned later are not clawed back for the old shortfall.
      const later = await bought(b, m, 5_000);
      expect(later.member).toMatchObject({ balance: 50 });
    });

    it('reverses nothing and records it all as shortfall when the balance is already zero', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const p = await bought(b, m, 10_000);
      await post(deps, m.accountId, 'redeem', -100);
      const before = await ledger(handle.db, m.accountId);
      expect(refunded(await recordRefund(deps, refund(b, p.externalId, 5_000)))).toMatchObject({ pointsReversed: 0, shortfallPoints: 50, member: { balance: 0 } });
      expect(await ledger(handle.db, m.accountId)).toEqual(before);
    });

    // Regression (fixed; was core/pos/refund.ts:59-78): when the points were already spent, only the part taken from the balance is
    // posted (as a qualifying 'reverse'); the shortfall is written to pos_refunds but never taken off
    // qualifying_points, so a fully refunded purchase keeps counting toward the tier (and, in rolling mode, the
    // ledger sum reviewTiers reads). Input: buy 1,000 AED (1,000 points -> Silver), redeem 1,000, refund 1,000 AED.
    // Expected: qualifying_points 0. Actual: 1,000 (the member keeps Silver on money that was returned).
    it('takes a refunded purchase’s points off the qualifying points even when they were spent', async () => {
      const b = await createBrand(handle.db, { settings: { tierQualification: 'lifetime' } });
      const m = await createMember(deps, b.brandId);
      const p = await bought(b, m, 100_000);
      expect(await account(handle.db, m.accountId)).toMatchObject({ qualifyingPoints: 1_000, tierCode: 'silver' });
      await post(deps, m.accountId, 'redeem', -1_000);
      expect(refunded(await recordRefund(deps, refund(b, p.externalId, 100_000)))).toMatchObject({ pointsReversed: 0, shortfallPoints: 1_000 });
      expect((await account(handle.db, m.accountId)).qualifyingPoints).toBe(0);
    });
  });

  describe('refusals and idempotency', () => {
    it('refuses a refund above what is left to refund, with the amount, and changes nothing', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const p = await bought(b, m, 10_000);
      expect(await recordRefund(deps, refund(b, p.externalId, 10_001))).toEqual({ status: 'exceeds_refundable', refundableMinor: 10_000 });
      refunded(await recordRefund(deps, refund(b, p.externalId, 6_000)));
      const before = await snapshot(handle.db);
      expect(await recordRefund(deps, refund(b, p.externalId, 4_001))).toEqual({ status: 'exceeds_refundable', refundableMinor: 4_000 });
      expect(await snapshot(handle.db)).toEqual(before);
      // The refused request's id is not burnt.
      expect(refunded(await recordRefund(deps, refund(b, p.externalId, 4_000)))).toMatchObject({ status: 'refunded', pointsReversed: 40 });
    });

    it('replays the same refund id with the same amount and refuses a different amount, changing nothing', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const p = await bought(b, m, 10_000);
      const first = refunded(await recordRefund(deps, refund(b, p.externalId, 2_500, 'RF-A')));
      const before = await snapshot(handle.db);
      clock.advance(60_000);
      expect(await recordRefund(deps, refund(b, p.externalId, 2_500, 'RF-A'))).toEqual({ ...first, status: 'replayed' });
      expect(await recordRefund(deps, refund(b, p.externalId, 2_600, 'RF-A'))).toEqual({ status: 'conflict' });
      expect(await snapshot(handle.db)).toEqual(before);
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(75);
    });

    it('answers not_found for an unknown purchase, or one at another store or brand', async () => {
      const b = await createBrand(handle.db);
      const store2 = await createStore(handle.db, b.brandId);
      const other = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const p = await bought(b, m, 10_000);
      const before = await snapshot(handle.db);
      expect(await recordRefund(deps, refund(b, 'NO-SUCH-RECEIPT', 100))).toEqual({ status: 'not_found' });
      expect(await recordRefund(deps, { ...refund(b, p.externalId, 100), storeId: store2 })).toEqual({ status: 'not_found' });
      expect(await recordRefund(deps, { ...refund(b, p.externalId, 100), brandId: other.brandId })).toEqual({ status: 'not_found' });
      expect(await snapshot(handle.db)).toEqual(before);
    });

    it('refuses a zero, negative or fractional amount', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const p = await bought(b, m, 10_000);
      for (const amount of [0, -100, 10.5, Number.NaN]) await expect(recordRefund(deps, refund(b, p.externalId, amount))).rejects.toThrow();
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(100);
    });
  });

  describe('races', () => {
    it('gives 10 parallel identical refund requests one effect', async () => {
      const b = await createBrand(handle.db);
      for (let round = 0; round < 3; round++) {
        const m = await createMember(deps, b.brandId);
        const p = await bought(b, m, 10_000);
        const input = refund(b, p.externalId, 3_000, `RF-par-${round}`);
        const results = await Promise.all(Array.from({ length: 10 }, () => recordRefund(deps, input)));
        expect(results.filter((r) => r.status === 'refunded')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'replayed')).toHaveLength(9);
        expect(new Set(results.map((r) => refunded(r).refundId)).size).toBe(1);
        expect((await account(handle.db, m.accountId)).pointsBalance).toBe(70);
        expect((await ledger(handle.db, m.accountId)).filter((e) => e.kind === 'reverse')).toHaveLength(1);
        expect(await handle.db.select().from(schema.posRefunds).where(eq(schema.posRefunds.transactionId, p.transactionId))).toHaveLength(1);
      }
    });

    it('lets only what is refundable through when different refunds race', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const p = await bought(b, m, 10_000);
      const results = await Promise.all(Array.from({ length: 5 }, () => recordRefund(deps, refund(b, p.externalId, 3_000))));
      expect(results.filter((r) => r.status === 'refunded')).toHaveLength(3);
      expect(results.filter((r) => r.status === 'exceeds_refundable')).toHaveLength(2);
      expect(results.reduce((s, r) => s + (r.status === 'refunded' ? r.pointsReversed : 0), 0)).toBe(90);
      expect(await txnRow(p.transactionId)).toMatchObject({ refundedMinor: 9_000, pointsReversed: 90 });
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(10);
    });

    // Regression (fixed; was core/pos/refund.ts:63-64, thrown at :74): the balance that caps the reversal is read without the account lock; a spend
    // committed between that read and postLedgerEntry's locked check makes the reversal 'insufficient_points' and
    // the refund throws "reversal not posted: insufficient_points" (a 500 at the till) instead of reversing what is
    // left and recording the rest as shortfall. Input: 100 points from a 100 AED purchase; a redeem of 60 holds the
    // account lock while the full refund reads the balance (100), then commits. Expected: refunded, 40 reversed,
    // 60 shortfall. Actual: recordRefund rejects. Deterministic: the test waits until the refund is blocked on the lock.
    it.skipIf(kind !== 'postgres')('a refund racing a spend reverses what is left instead of failing', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const p = await bought(b, m, 10_000);
      const spend = await spendHoldingLock(deps, m.accountId, 60);
      const refundResult = recordRefund(deps, refund(b, p.externalId, 10_000)).then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      // The refund now sits behind the spend's lock on the account.
      await waitForLockWaiters(handle.db);
      spend.release();
      expect(await spend.spent).toMatchObject({ status: 'posted', balance: 40 });
      const outcome = await refundResult;
      expect(outcome.ok ? outcome.r : String(outcome.e)).toMatchObject({ status: 'refunded', pointsReversed: 40, shortfallPoints: 60 });
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(0);
    });
  });

  describe('late attachment', () => {
    it('attaches a partly refunded unmatched purchase and a later refund reverses the right share', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId, { phoneVerified: false });
      const p = await bought(b, m, 10_000, { phone: m.phone! });
      expect(p.member).toBeNull();
      await verifyPhone(deps, m.customerId);
      expect(await attachUnmatchedTransactions(deps, { brandId: b.brandId, accountId: m.accountId })).toEqual({ attached: 1, points: 100 });
      expect(refunded(await recordRefund(deps, refund(b, p.externalId, 5_000)))).toMatchObject({ pointsReversed: 50, member: { balance: 50 } });
    });

    // Regression (fixed; was core/pos/attach.ts:33, with core/pos/refund.ts:54-59): a refund of a purchase that matched
    // no member reverses nothing (points_earned is 0) but sets refunded_minor; when the phone is verified later,
    // attachUnmatchedTransactions awards points on the full totalMinor, ignoring refunded_minor. A fully refunded
    // purchase then earns its points for good (nothing is left to refund). Input: 100 AED bought with an unverified
    // phone, refunded in full, phone verified, attach. Expected: { attached: 1, points: 0 }, balance 0.
    // Actual: { attached: 1, points: 100 }, balance 100.
    it('gives no points for an unmatched purchase that was refunded before it was attached', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId, { phoneVerified: false });
      const p = await bought(b, m, 10_000, { phone: m.phone! });
      expect(refunded(await recordRefund(deps, refund(b, p.externalId, 10_000)))).toMatchObject({ pointsReversed: 0, member: null });
      await verifyPhone(deps, m.customerId);
      await attachUnmatchedTransactions(deps, { brandId: b.brandId, accountId: m.accountId });
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(0);
    });
  });
});
