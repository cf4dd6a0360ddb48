// POS purchases against a real database: earning by the brand's settings and rules, pending points, idempotent
// replays and conflicts, matching members by code or verified phone, late attachment, bonuses, and races.
// After every scenario the money invariants must hold for every account (helpers/loyalty-fixtures.ts).
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { releasePendingPoints } from '../../core/loyalty/index.js';
import { attachUnmatchedTransactions, lookupMember, recordTransaction, type TransactionResult } from '../../core/pos/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import {
  DAY,
  account,
  createBrand,
  createMember,
  createStore,
  expectInvariants,
  ledger,
  lots,
  pendingRows,
  post,
  purchase,
  snapshot,
  tierEvents,
  verifyPhone,
} from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

// A Monday; 09:00 UTC is 13:00 in Dubai.
const START = new Date('2026-03-02T09:00:00Z');

describe.each(testDbKinds)('POS purchases on %s', (kind) => {
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

  async function txnRow(id: string) {
    const [row] = await handle.db.select().from(schema.posTransactions).where(eq(schema.posTransactions.id, id));
    if (!row) throw new Error(`no transaction ${id}`);
    return row;
  }

  function recorded(r: TransactionResult): Extract<TransactionResult, { status: 'recorded' | 'replayed' }> {
    if (r.status !== 'recorded' && r.status !== 'replayed') throw new Error(`expected a recorded purchase, got ${JSON.stringify(r)}`);
    return r;
  }

  describe('earning', () => {
    it('earns by the base rate of the brand’s settings, available at once with pendingDays 0', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const r = recorded(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, clock.now(), [12_345])));
      expect(r).toMatchObject({ status: 'recorded', pointsEarned: 123, pointsPending: 0, member: { memberCode: m.memberCode, balance: 123, pendingPoints: 0, tierCode: 'bronze' } });
      const [entry] = await ledger(handle.db, m.accountId);
      // Default expiry policy: 12 months after earning, on the brand's wall clock (Dubai has no DST).
      expect(entry).toMatchObject({ kind: 'earn', points: 123, reference: r.transactionId, idempotencyKey: `txn:${r.transactionId}`, expiresAt: new Date('2027-03-02T09:00:00Z') });
      expect(await lots(handle.db, m.accountId)).toMatchObject([{ points: 123, remaining: 123, expiresAt: new Date('2027-03-02T09:00:00Z') }]);
      expect(await txnRow(r.transactionId)).toMatchObject({ accountId: m.accountId, customerId: m.customerId, pointsEarned: 123, earning: [{ step: 'base', points: 123 }] });
      expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: 123, qualifyingPoints: 123, pendingPoints: 0 });
      // Spendable at once.
      expect(await post(deps, m.accountId, 'redeem', -123)).toMatchObject({ status: 'posted', balance: 0 });
    });

    it('uses a fractional base rate exactly and leaves excluded categories out', async () => {
      const half = await createBrand(handle.db, { settings: { basePointsPerUnit: 2.5 } });
      const third = await createBrand(handle.db, { settings: { basePointsPerUnit: { points: 1, perMajorUnits: 3 } } });
      const a = await createMember(deps, half.brandId);
      const c = await createMember(deps, third.brandId);
      // 123.45 AED x 2.5 = 308.625 -> 308; 123.45 / 3 = 41.15 -> 41; the gift card line earns nothing.
      const lines = [12_345, { category: 'gift_card', amountMinor: 50_000 }];
      expect(recorded(await recordTransaction(deps, purchase(half, { memberCode: a.memberCode }, clock.now(), lines))).pointsEarned).toBe(308);
      expect(recorded(await recordTransaction(deps, purchase(third, { memberCode: c.memberCode }, clock.now(), lines))).pointsEarned).toBe(41);
      expect((await account(handle.db, a.accountId)).pointsBalance).toBe(308);
      expect((await account(handle.db, c.accountId)).pointsBalance).toBe(41);
    });

    it('holds points for pendingDays (not spendable, not qualifying) and releases them once after the window', async () => {
      const b = await createBrand(handle.db, { settings: { pendingDays: 14 } });
      const m = await createMember(deps, b.brandId);
      const occurredAt = clock.now();
      // 1,000 points would reach Silver if they counted.
      const r = recorded(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, occurredAt, [100_000])));
      expect(r).toMatchObject({ status: 'recorded', pointsEarned: 1_000, pointsPending: 1_000, member: { balance: 0, pendingPoints: 1_000, tierCode: 'bronze' } });
      expect(await ledger(handle.db, m.accountId)).toHaveLength(0);
      const [row] = await pendingRows(handle.db, m.accountId);
      expect(row).toMatchObject({ transactionId: r.transactionId, points: 1_000, status: 'pending', releaseAt: new Date(occurredAt.getTime() + 14 * DAY) });
      expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: 0, pendingPoints: 1_000, qualifyingPoints: 0, tierCode: 'bronze' });
      expect(await post(deps, m.accountId, 'redeem', -1)).toEqual({ status: 'insufficient_points', balance: 0 });

      // One millisecond before the window ends nothing is released.
      clock.advance(14 * DAY - 1);
      expect(await releasePendingPoints(deps)).toBe(0);
      expect((await account(handle.db, m.accountId)).pendingPoints).toBe(1_000);

      clock.advance(1);
      expect(await releasePendingPoints(deps)).toBe(1);
      expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: 1_000, pendingPoints: 0, qualifyingPoints: 1_000, tierCode: 'silver' });
      expect(await pendingRows(handle.db, m.accountId)).toMatchObject([{ status: 'released', points: 1_000 }]);
      // Earned when released: 12 months from the release (2026-03-16 09:00 UTC).
      expect(await ledger(handle.db, m.accountId)).toMatchObject([{ kind: 'earn', points: 1_000, idempotencyKey: `pending:${row!.id}`, reference: r.transactionId, expiresAt: new Date('2027-03-16T09:00:00Z') }]);
      expect(await tierEvents(handle.db, m.accountId)).toMatchObject([{ type: 'tier_changed', payload: { from: 'bronze', to: 'silver', reason: 'earned' } }]);

      // Released exactly once.
      expect(await releasePendingPoints(deps)).toBe(0);
      clock.advance(DAY);
      expect(await releasePendingPoints(deps)).toBe(0);
      expect(await ledger(handle.db, m.accountId)).toHaveLength(1);
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(1_000);
      // A replay after the release reports nothing pending.
      expect(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, occurredAt, [100_000], { externalId: (await txnRow(r.transactionId)).externalId }))).toMatchObject({
        status: 'replayed',
        pointsEarned: 1_000,
        pointsPending: 0,
      });
    });

    it('sets expiry by the brand’s policy: end of the local year (also for released points), or never', async () => {
      const eoy = await createBrand(handle.db, { settings: { expiry: { policy: 'end_of_year' } } });
      const eoyPending = await createBrand(handle.db, { settings: { expiry: { policy: 'end_of_year' }, pendingDays: 14 } });
      const never = await createBrand(handle.db, { settings: { expiry: { policy: 'never' } } });
      const [a, p, n] = [await createMember(deps, eoy.brandId), await createMember(deps, eoyPending.brandId), await createMember(deps, never.brandId)];
      clock.set(new Date('2026-12-25T09:00:00Z'));
      await recordTransaction(deps, purchase(eoy, { memberCode: a.memberCode }, clock.now(), [10_000]));
      // 21:00 UTC on 31 December is already 1 January 2027 in Dubai.
      await recordTransaction(deps, purchase(eoy, { memberCode: a.memberCode }, new Date('2026-12-31T21:00:00Z'), [20_000]));
      await recordTransaction(deps, purchase(eoyPending, { memberCode: p.memberCode }, clock.now(), [30_000]));
      await recordTransaction(deps, purchase(never, { memberCode: n.memberCode }, clock.now(), [40_000]));
      expect((await lots(handle.db, a.accountId)).map((l) => [l.points, l.expiresAt])).toEqual([
        [100, new Date('2026-12-31T19:59:59.999Z')],
        [200, new Date('2027-12-31T19:59:59.999Z')],
      ]);
      expect(await lots(handle.db, n.accountId)).toMatchObject([{ points: 400, expiresAt: null }]);
      // Released on 8 January 2027: earned in 2027, so they last until the end of 2027.
      clock.advance(14 * DAY);
      await releasePendingPoints(deps);
      expect(await lots(handle.db, p.accountId)).toMatchObject([{ points: 300, expiresAt: new Date('2027-12-31T19:59:59.999Z') }]);
    });

    it('applies earning rules loaded from the earning_rules table: a category multiplier and a Wednesday basket multiplier in Asia/Dubai', async () => {
      const b = await createBrand(handle.db, { timezone: 'Asia/Dubai' });
      const other = await createBrand(handle.db);
      const [shoes, wednesday] = await handle.db
        .insert(schema.earningRules)
        .values([
          { brandId: b.brandId, name: 'Shoes 3x', kind: 'line_multiplier', multiplierPercent: 300, conditions: { categories: ['shoes'] } },
          { brandId: b.brandId, name: 'Member Wednesday', kind: 'basket_multiplier', multiplierPercent: 200, conditions: { daysOfWeek: [3] } },
          // Neither an inactive rule nor another brand's rule may pay.
          { brandId: b.brandId, name: 'Old bonus', kind: 'basket_bonus', bonusPoints: 500, active: false },
          { brandId: other.brandId, name: 'Other brand bonus', kind: 'basket_bonus', bonusPoints: 700 },
        ])
        .returning({ id: schema.earningRules.id });
      const m = await createMember(deps, b.brandId);
      const lines = [
        { sku: 'SH-1', category: 'shoes', amountMinor: 10_000 },
        { sku: 'BG-1', category: 'bags', amountMinor: 5_000 },
      ];
      // Base 150; shoes 3x adds 200 -> 350; Wednesday 2x adds another 350 -> 700.
      // Tuesday 21:00 UTC is Wednesday 01:00 in Dubai.
      const wed = recorded(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, new Date('2026-03-03T21:00:00Z'), lines)));
      expect(wed.pointsEarned).toBe(700);
      expect((await txnRow(wed.transactionId)).earning).toEqual([
        { step: 'base', points: 150 },
        { step: 'line_multiplier', ruleId: shoes!.id, points: 200 },
        { step: 'basket_multiplier', ruleId: wednesday!.id, points: 350 },
      ]);
      // Wednesday 23:59 in Dubai still counts; Wednesday 20:30 UTC is already Thursday there.
      expect(recorded(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, new Date('2026-03-04T19:59:00Z'), lines))).pointsEarned).toBe(700);
      expect(recorded(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, new Date('2026-03-04T20:30:00Z'), lines))).pointsEarned).toBe(350);
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(1_750);
    });

    it('gives the first-purchase bonus on the first purchase only', async () => {
      const b = await createBrand(handle.db, { settings: { firstPurchaseBonus: 100 } });
      const m = await createMember(deps, b.brandId);
      const first = recorded(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, clock.now(), [5_000])));
      expect(first.pointsEarned).toBe(150);
      expect((await txnRow(first.transactionId)).earning).toEqual([
        { step: 'base', points: 50 },
        { step: 'first_purchase_bonus', points: 100 },
      ]);
      // Its replay does not count as another first purchase either.
      expect(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, clock.now(), [5_000], { externalId: (await txnRow(first.transactionId)).externalId }))).toMatchObject({ status: 'replayed', pointsEarned: 150 });
      clock.advance(DAY);
      expect(recorded(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, clock.now(), [5_000]))).pointsEarned).toBe(50);
      expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: 200, firstPurchaseAt: START });
    });

    // Regression (fixed; was core/pos/record-transaction.ts:96 and :121): a purchase of only excluded items (a gift card) earns nothing
    // — EARNING.md step 1: "excluded items such as gift cards are cash, not purchases" — yet awardPurchase still
    // treats it as the member's first purchase: it sets firstPurchaseAt, so the member's real first purchase later
    // gets no first-purchase bonus. Input: firstPurchaseBonus 100; buy a 500 AED gift card, then 50 AED of apparel.
    // Expected: the apparel purchase earns 50 + 100 = 150. Actual: 50.
    it('does not spend the first-purchase bonus on a gift-card-only purchase', async () => {
      const b = await createBrand(handle.db, { settings: { firstPurchaseBonus: 100 } });
      const m = await createMember(deps, b.brandId);
      const card = recorded(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, clock.now(), [{ category: 'gift_card', amountMinor: 50_000 }])));
      expect(card.pointsEarned).toBe(0);
      clock.advance(DAY);
      const real = recorded(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, clock.now(), [5_000])));
      expect(real.pointsEarned).toBe(150);
    });

    // Regression (fixed; was core/pos/record-transaction.ts:111): same root cause as above — the referral (300 + 200 points by
    // default) is paid on a purchase that earns nothing because it holds only excluded items. Input: referral
    // { referrerPoints: 300, refereePoints: 200 }; the referred friend's first transaction is a 500 AED gift card.
    // Expected: no referral yet (both balances 0). Actual: referrer 300, friend 200.
    it('pays no referral on a gift-card-only first transaction', async () => {
      const b = await createBrand(handle.db, { settings: { referral: { referrerPoints: 300, refereePoints: 200 } } });
      const referrer = await createMember(deps, b.brandId);
      const friend = await createMember(deps, b.brandId, { referredByAccountId: referrer.accountId });
      recorded(await recordTransaction(deps, purchase(b, { memberCode: friend.memberCode }, clock.now(), [{ category: 'gift_card', amountMinor: 50_000 }])));
      expect((await account(handle.db, referrer.accountId)).pointsBalance).toBe(0);
      expect((await account(handle.db, friend.accountId)).pointsBalance).toBe(0);
    });

    it('pays a referral to both sides once, on the friend’s first purchase, even while purchase points are pending', async () => {
      const b = await createBrand(handle.db, { settings: { pendingDays: 14, referral: { referrerPoints: 300, refereePoints: 200 } } });
      const referrer = await createMember(deps, b.brandId);
      const friend = await createMember(deps, b.brandId, { referredByAccountId: referrer.accountId });
      const first = purchase(b, { memberCode: friend.memberCode }, clock.now(), [4_000]);
      const r = recorded(await recordTransaction(deps, first));
      expect(r).toMatchObject({ pointsEarned: 40, pointsPending: 40, member: { balance: 200, pendingPoints: 40 } });
      expect(await account(handle.db, referrer.accountId)).toMatchObject({ pointsBalance: 300, pendingPoints: 0 });
      expect(await ledger(handle.db, friend.accountId)).toMatchObject([{ kind: 'bonus', points: 200, idempotencyKey: `referral:${friend.accountId}:referee` }]);
      expect(await ledger(handle.db, referrer.accountId)).toMatchObject([{ kind: 'bonus', points: 300, idempotencyKey: `referral:${friend.accountId}:referrer` }]);

      // A replay, a second purchase and the release pay no referral again.
      expect((await recordTransaction(deps, first)).status).toBe('replayed');
      clock.advance(DAY);
      expect(recorded(await recordTransaction(deps, purchase(b, { memberCode: friend.memberCode }, clock.now(), [6_000]))).pointsEarned).toBe(60);
      clock.advance(20 * DAY);
      expect(await releasePendingPoints(deps)).toBe(2);
      expect(await account(handle.db, friend.accountId)).toMatchObject({ pointsBalance: 300, pendingPoints: 0 });
      expect(await account(handle.db, referrer.accountId)).toMatchObject({ pointsBalance: 300 });
      expect(await ledger(handle.db, referrer.accountId)).toHaveLength(1);
    });
  });

  describe('idempotency', () => {
    it('answers a replay with the same contents from the first result, with no second effect', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const input = purchase(b, { memberCode: m.memberCode }, clock.now(), [7_000, 3_050]);
      const first = recorded(await recordTransaction(deps, input));
      const before = await snapshot(handle.db);
      clock.advance(60_000);
      // A copy, as a retried HTTP request would be.
      const again = await recordTransaction(deps, { ...input, occurredAt: new Date(input.occurredAt.getTime()), lines: input.lines.map((l) => ({ ...l })) });
      expect(again).toEqual({ ...first, status: 'replayed' });
      expect(await snapshot(handle.db)).toEqual(before);
    });

    it('refuses the same external id with different contents and changes nothing', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const other = await createMember(deps, b.brandId);
      const input = purchase(b, { memberCode: m.memberCode }, clock.now(), [10_000]);
      recorded(await recordTransaction(deps, input));
      const before = await snapshot(handle.db);
      const variants = [
        { ...input, totalMinor: 10_001 },
        { ...input, lines: [{ ...input.lines[0]!, amountMinor: 9_000 }], totalMinor: 9_000 },
        { ...input, customer: { memberCode: other.memberCode } },
        { ...input, occurredAt: new Date(input.occurredAt.getTime() + 1_000) },
      ];
      for (const v of variants) expect(await recordTransaction(deps, v)).toEqual({ status: 'conflict' });
      expect(await snapshot(handle.db)).toEqual(before);
      expect((await account(handle.db, other.accountId)).pointsBalance).toBe(0);
    });

    it('treats the same external id at another store as a different purchase', async () => {
      const b = await createBrand(handle.db);
      const store2 = await createStore(handle.db, b.brandId);
      const m = await createMember(deps, b.brandId);
      const input = purchase(b, { memberCode: m.memberCode }, clock.now(), [10_000], { externalId: 'R-0001' });
      const a = recorded(await recordTransaction(deps, input));
      const c = recorded(await recordTransaction(deps, { ...input, storeId: store2 }));
      expect(c.status).toBe('recorded');
      expect(c.transactionId).not.toBe(a.transactionId);
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(200);
    });
  });

  describe('invalid purchases', () => {
    it('refuses an unknown store, another brand’s store, a currency mismatch and lines above the total, writing nothing', async () => {
      const b = await createBrand(handle.db);
      const other = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId);
      const before = await snapshot(handle.db);
      const ok = () => purchase(b, { memberCode: m.memberCode }, clock.now(), [6_000, 5_000]);
      expect(await recordTransaction(deps, { ...ok(), storeId: randomUUID() })).toEqual({ status: 'invalid', reason: 'unknown_store' });
      expect(await recordTransaction(deps, { ...ok(), storeId: other.storeId })).toEqual({ status: 'invalid', reason: 'unknown_store' });
      expect(await recordTransaction(deps, { ...ok(), currency: 'USD' })).toEqual({ status: 'invalid', reason: 'currency_mismatch' });
      expect(await recordTransaction(deps, { ...ok(), totalMinor: 10_999 })).toEqual({ status: 'invalid', reason: 'lines_exceed_total' });
      expect(await snapshot(handle.db)).toEqual(before);
      // Lines below the total (tax, service) are fine: points come from the lines.
      expect(recorded(await recordTransaction(deps, { ...ok(), totalMinor: 12_000 })).pointsEarned).toBe(110);
    });
  });

  // Regression (fixed; was core/pos/record-transaction.ts:54 with core/loyalty/earning-rules.ts:171): negative lines are accepted
  // (they only lower the lines' sum for the lines_exceed_total check) but the earning engine drops lines with
  // amountMinor <= 0, so a basket discount sent as a negative line earns points on the undiscounted amount.
  // Input: lines [{ apparel, 10,000 }, { discount, -9,000 }], totalMinor 1,000 (10 AED paid), 1 point per AED.
  // Expected: refused as invalid, or at most 10 points. Actual: recorded with 100 points.
  it('never earns more than was paid when the till sends a discount as a negative line', async () => {
    const b = await createBrand(handle.db);
    const m = await createMember(deps, b.brandId);
    const r = await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, clock.now(), [10_000, { sku: 'DISC', category: 'discount', amountMinor: -9_000 }]));
    if (r.status === 'invalid') return;
    expect(recorded(r).pointsEarned).toBeLessThanOrEqual(10);
  });

  describe('matching the member', () => {
    it('matches by member code, and by verified phone', async () => {
      const b = await createBrand(handle.db);
      const m = await createMember(deps, b.brandId, { phoneVerified: true });
      const byCode = recorded(await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, clock.now(), [1_000])));
      const byPhone = recorded(await recordTransaction(deps, purchase(b, { phone: m.phone! }, clock.now(), [2_000])));
      expect(byCode.member?.memberCode).toBe(m.memberCode);
      expect(byPhone.member?.memberCode).toBe(m.memberCode);
      expect((await txnRow(byPhone.transactionId)).accountId).toBe(m.accountId);
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(30);
      expect(await lookupMember(deps, { brandId: b.brandId, phone: m.phone! })).toMatchObject({ customerId: m.customerId, memberCode: m.memberCode, firstName: 'Sam', balance: 30 });
      expect(await lookupMember(deps, { brandId: b.brandId, memberCode: m.memberCode })).toMatchObject({ customerId: m.customerId });
    });

    it('does not match a member code or phone of another brand', async () => {
      const b = await createBrand(handle.db);
      const other = await createBrand(handle.db);
      const foreign = await createMember(deps, other.brandId, { phoneVerified: true });
      const r = recorded(await recordTransaction(deps, purchase(b, { memberCode: foreign.memberCode, phone: foreign.phone! }, clock.now(), [1_000])));
      expect(r.member).toBeNull();
      expect((await account(handle.db, foreign.accountId)).pointsBalance).toBe(0);
      expect(await lookupMember(deps, { brandId: b.brandId, memberCode: foreign.memberCode })).toBeNull();
    });

    it('does not match an unverified phone; the purchase is kept and attached once after verification', async () => {
      const b = await createBrand(handle.db, { settings: { firstPurchaseBonus: 100 } });
      const m = await createMember(deps, b.brandId, { phoneVerified: false });
      const r = recorded(await recordTransaction(deps, purchase(b, { phone: m.phone! }, clock.now(), [8_000])));
      expect(r).toMatchObject({ status: 'recorded', member: null, pointsEarned: 0, pointsPending: 0 });
      expect(await txnRow(r.transactionId)).toMatchObject({ accountId: null, customerId: null, phone: m.phone, pointsEarned: 0 });
      expect(await lookupMember(deps, { brandId: b.brandId, phone: m.phone! })).toBeNull();
      expect((await account(handle.db, m.accountId)).pointsBalance).toBe(0);

      // Not before the phone is verified.
      expect(await attachUnmatchedTransactions(deps, { brandId: b.brandId, accountId: m.accountId })).toEqual({ attached: 0, points: 0 });
      await verifyPhone(deps, m.customerId);
      // 80 points and the first-purchase bonus, exactly once.
      expect(await attachUnmatchedTransactions(deps, { brandId: b.brandId, accountId: m.accountId })).toEqual({ attached: 1, points: 180 });
      expect(await attachUnmatchedTransactions(deps, { brandId: b.brandId, accountId: m.accountId })).toEqual({ attached: 0, points: 0 });
      expect(await txnRow(r.transactionId)).toMatchObject({ accountId: m.accountId, customerId: m.customerId, pointsEarned: 180 });
      expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: 180, qualifyingPoints: 180 });
      expect(await ledger(handle.db, m.accountId)).toHaveLength(1);
      // A replay of the till's request now names the member but pays nothing more.
      expect(await recordTransaction(deps, { ...purchase(b, { phone: m.phone! }, START, [8_000]), externalId: (await txnRow(r.transactionId)).externalId })).toMatchObject({
        status: 'replayed',
        pointsEarned: 180,
        member: { memberCode: m.memberCode, balance: 180 },
      });
    });

    it('attaches once when two attachments run at the same time', async () => {
      const b = await createBrand(handle.db);
      for (let round = 0; round < 3; round++) {
        const m = await createMember(deps, b.brandId, { phoneVerified: false });
        for (const amount of [1_000, 2_000, 3_000]) await recordTransaction(deps, purchase(b, { phone: m.phone! }, clock.now(), [amount]));
        await verifyPhone(deps, m.customerId);
        const results = await Promise.all([1, 2, 3].map(() => attachUnmatchedTransactions(deps, { brandId: b.brandId, accountId: m.accountId })));
        expect(results.reduce((s, r) => s + r.attached, 0)).toBe(3);
        expect(results.reduce((s, r) => s + r.points, 0)).toBe(60);
        expect((await account(handle.db, m.accountId)).pointsBalance).toBe(60);
        expect(await ledger(handle.db, m.accountId)).toHaveLength(3);
      }
    });
  });

  describe('races', () => {
    it('records one of 20 parallel identical requests and replays the rest: points once', async () => {
      const b = await createBrand(handle.db, { settings: { firstPurchaseBonus: 100 } });
      // Several rounds, because on a server the requests of one round may happen not to overlap.
      for (let round = 0; round < 3; round++) {
        const m = await createMember(deps, b.brandId);
        const input = purchase(b, { memberCode: m.memberCode }, clock.now(), [25_000]);
        const results = await Promise.all(Array.from({ length: 20 }, () => recordTransaction(deps, input)));
        expect(results.filter((r) => r.status === 'recorded')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'replayed')).toHaveLength(19);
        const ids = new Set(results.map((r) => recorded(r).transactionId));
        expect(ids.size).toBe(1);
        for (const r of results) expect(recorded(r).pointsEarned).toBe(350);
        expect(await handle.db.select().from(schema.posTransactions).where(eq(schema.posTransactions.accountId, m.accountId))).toHaveLength(1);
        expect(await ledger(handle.db, m.accountId)).toHaveLength(1);
        expect((await account(handle.db, m.accountId)).pointsBalance).toBe(350);
      }
    });

    it('records one purchase when requests with one external id but different contents race; the others conflict', async () => {
      const b = await createBrand(handle.db);
      for (let round = 0; round < 3; round++) {
        const m = await createMember(deps, b.brandId);
        const base = purchase(b, { memberCode: m.memberCode }, clock.now(), [10_000]);
        const variants = [base, { ...base, totalMinor: 20_000, lines: [{ ...base.lines[0]!, amountMinor: 20_000 }] }];
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => recordTransaction(deps, variants[i % 2]!)));
        const winner = results.find((r) => r.status === 'recorded');
        expect(results.filter((r) => r.status === 'recorded')).toHaveLength(1);
        // Five requests carried the winner's contents: one recorded it, four are replays; the other five conflict.
        expect(results.filter((r) => r.status === 'replayed')).toHaveLength(4);
        expect(results.filter((r) => r.status === 'conflict')).toHaveLength(5);
        expect((await account(handle.db, m.accountId)).pointsBalance).toBe(recorded(winner!).pointsEarned);
        expect(await ledger(handle.db, m.accountId)).toHaveLength(1);
      }
    });

    it('adds up 50 parallel different purchases of one member exactly, with one first-purchase bonus and one tier change', async () => {
      const b = await createBrand(handle.db, { settings: { firstPurchaseBonus: 100 } });
      const m = await createMember(deps, b.brandId);
      const amounts = Array.from({ length: 50 }, (_, i) => 1_000 + i * 37);
      const results = await Promise.all(amounts.map((a) => recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, clock.now(), [a]))));
      expect(results.every((r) => r.status === 'recorded')).toBe(true);
      const earned = results.reduce((s, r) => s + recorded(r).pointsEarned, 0);
      const expected = amounts.reduce((s, a) => s + Math.floor(a / 100), 0) + 100;
      expect(earned).toBe(expected);
      expect(await account(handle.db, m.accountId)).toMatchObject({ pointsBalance: expected, qualifyingPoints: expected, tierCode: 'silver' });
      expect(await ledger(handle.db, m.accountId)).toHaveLength(50);
      const bonuses = await handle.db.select().from(schema.posTransactions).where(eq(schema.posTransactions.accountId, m.accountId));
      expect(bonuses.filter((t) => (t.earning as Array<{ step: string }>).some((row) => row.step === 'first_purchase_bonus'))).toHaveLength(1);
      expect(await tierEvents(handle.db, m.accountId)).toHaveLength(1);
    });
  });
});
