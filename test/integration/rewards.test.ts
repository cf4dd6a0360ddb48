// Rewards and vouchers against a real database: the catalogue per member, redemption (idempotent, all or nothing),
// the till's side of vouchers, expiry, and the races for the last unit of stock and the last points.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { resolveCustomer } from '../../core/customers/index.js';
import { enroll, postLedgerEntry } from '../../core/loyalty/index.js';
import {
  expireVouchers,
  getVoucher,
  listRewards,
  listVouchers,
  redeemReward,
  redeemVoucher,
  validateVoucher,
  VOUCHER_REPLAY_WINDOW_MS,
  type RedeemRewardResult,
  type VoucherView,
} from '../../core/rewards/index.js';
import { AppError, ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const BRAND = 'rewards-brand';
const OTHER_BRAND = 'rewards-other';
const DAY = 86_400_000;
const CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$/;

describe.each(testDbKinds)('rewards and vouchers on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  let storeId: string;
  let otherStoreId: string;
  let foreignStoreId: string;

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
    await handle.db.insert(schema.brands).values([
      { id: BRAND, name: 'Rewards Brand' },
      { id: OTHER_BRAND, name: 'Other Brand' },
    ]);
    const stores = await handle.db
      .insert(schema.stores)
      .values([
        { brandId: BRAND, code: 'S1', name: { en: 'One' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' },
        { brandId: BRAND, code: 'S2', name: { en: 'Two' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' },
        { brandId: OTHER_BRAND, code: 'S1', name: { en: 'Elsewhere' }, city: 'Taipei', country: 'TW', timezone: 'Asia/Taipei' },
      ])
      .returning({ id: schema.stores.id });
    [storeId, otherStoreId, foreignStoreId] = stores.map((s) => s.id) as [string, string, string];
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  /** A member of `brand` with `points` (an adjustment: the tier stays Bronze unless `tier` is given). */
  async function member(points: number, opts: { tier?: string; brand?: string } = {}): Promise<string> {
    const brandId = opts.brand ?? BRAND;
    const { customer } = await resolveCustomer(deps, { brandId, channel: 'web', externalId: randomUUID() });
    const result = await enroll(deps, {
      brandId,
      customerId: customer.id,
      channel: 'web',
      name: 'Sam Lee',
      birthday: '1990-03-12',
      acceptedTerms: true,
      marketingOptIn: false,
      termsVersion: 't',
      marketingWordingVersion: 'm',
    });
    if (result.status !== 'enrolled') throw new Error(result.status);
    const accountId = result.account.id;
    if (points > 0) await postLedgerEntry(deps, { accountId, kind: 'adjust', points, idempotencyKey: randomUUID() });
    if (opts.tier) await handle.db.update(schema.loyaltyAccounts).set({ tierCode: opts.tier }).where(eq(schema.loyaltyAccounts.id, accountId));
    return accountId;
  }

  async function reward(values: Partial<typeof schema.rewards.$inferInsert> & { costPoints: number }): Promise<string> {
    const code = values.code ?? `R-${randomUUID().slice(0, 8)}`;
    const [row] = await handle.db
      .insert(schema.rewards)
      .values({ brandId: BRAND, kind: 'free_item', name: { en: `Reward ${code}`, ar: `مكافأة ${code}` }, ...values, code })
      .returning({ id: schema.rewards.id });
    return row!.id;
  }

  async function balance(accountId: string): Promise<number> {
    const [row] = await handle.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, accountId));
    return row!.pointsBalance;
  }

  async function stock(rewardId: string): Promise<number | null> {
    const [row] = await handle.db.select().from(schema.rewards).where(eq(schema.rewards.id, rewardId));
    return row!.stock;
  }

  function issued(result: RedeemRewardResult): VoucherView {
    if (result.status !== 'issued') throw new Error(`expected issued, got ${result.status}`);
    return result.voucher;
  }

  async function redeem(accountId: string, rewardId: string, issueKey: string = randomUUID()) {
    return redeemReward(deps, { accountId, rewardId, issueKey });
  }

  describe('listRewards', () => {
    it('shows what the member can redeem first, then by cost, with the reason for the rest', async () => {
      // A brand of its own, so the list holds exactly these rewards.
      const brandId = `list-${randomUUID().slice(0, 8)}`;
      await handle.db.insert(schema.brands).values({ id: brandId, name: 'List' });
      const add = async (code: string, v: Partial<typeof schema.rewards.$inferInsert> & { costPoints: number }) => {
        const [row] = await handle.db
          .insert(schema.rewards)
          .values({ brandId, code, kind: 'gift', name: { en: code }, ...v })
          .returning({ id: schema.rewards.id });
        return row!.id;
      };
      const accountId = await member(1_200, { brand: brandId, tier: 'silver' });
      await add('CHEAP', { costPoints: 100 });
      await add('MID', { costPoints: 1_000, stock: 3 });
      await add('DEAR', { costPoints: 2_000 });
      await add('GOLD-ONLY', { costPoints: 50, minTierCode: 'gold' });
      await add('SILVER-OK', { costPoints: 900, minTierCode: 'silver' });
      await add('GONE', { costPoints: 10, stock: 0 });
      const once = await add('ONCE', { costPoints: 20, perMemberLimit: 1 });
      await add('OFF', { costPoints: 5, active: false });
      await add('LATER', { costPoints: 5, validFrom: new Date(clock.now().getTime() + DAY) });
      await add('OVER', { costPoints: 5, validTo: clock.now() });
      issued(await redeem(accountId, once));

      const list = await listRewards(deps, { brandId, accountId });
      expect(list.map((r) => [r.code, r.reasonUnavailable ?? 'ok'])).toEqual([
        ['CHEAP', 'ok'],
        ['SILVER-OK', 'ok'],
        ['MID', 'ok'],
        ['GONE', 'stock'],
        ['ONCE', 'limit'],
        ['GOLD-ONLY', 'tier'],
        ['DEAR', 'points'],
      ]);
      expect(list.find((r) => r.code === 'MID')).toMatchObject({ affordable: true, eligible: true, remainingStock: 3, costPoints: 1_000, kind: 'gift', name: { en: 'MID' } });
      expect(list.find((r) => r.code === 'GOLD-ONLY')).toMatchObject({ affordable: true, eligible: false });
      expect(list.find((r) => r.code === 'DEAR')).toMatchObject({ affordable: false, eligible: true, remainingStock: null });
    });

    it('refuses an account of another brand', async () => {
      const foreign = await member(0, { brand: OTHER_BRAND });
      await expect(listRewards(deps, { brandId: BRAND, accountId: foreign })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('redeemReward', () => {
    it('takes the points and a unit of stock and issues a voucher valid for the reward’s days, all at once', async () => {
      const accountId = await member(1_000);
      const rewardId = await reward({ costPoints: 300, stock: 5, voucherValidDays: 14 });
      const key = randomUUID();
      const voucher = issued(await redeem(accountId, rewardId, key));
      expect(voucher.code).toMatch(CODE);
      expect(voucher.status).toBe('active');
      expect(voucher.issuedAt).toEqual(clock.now());
      expect(voucher.expiresAt).toEqual(new Date(clock.now().getTime() + 14 * DAY));
      expect(voucher.rewardName.en).toMatch(/^Reward R-/);
      expect(await balance(accountId)).toBe(700);
      expect(await stock(rewardId)).toBe(4);

      const [entry] = await handle.db.select().from(schema.pointsLedger).where(eq(schema.pointsLedger.idempotencyKey, `redeem:${key}`));
      expect(entry).toMatchObject({ accountId, kind: 'redeem', points: -300, balanceAfter: 700, reference: `voucher:${voucher.id}` });
      const [row] = await handle.db.select().from(schema.vouchers).where(eq(schema.vouchers.id, voucher.id));
      expect(row).toMatchObject({ ledgerEntryId: entry!.id, issueKey: key, brandId: BRAND, accountId, rewardId });
      const events = await handle.db.select().from(schema.loyaltyEvents).where(and(eq(schema.loyaltyEvents.accountId, accountId), eq(schema.loyaltyEvents.type, 'reward_redeemed')));
      expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ rewardId, voucherId: voucher.id, points: 300 })]);
    });

    it('is idempotent by issue key: the same key returns the same voucher and spends once', async () => {
      const accountId = await member(1_000);
      const rewardId = await reward({ costPoints: 400, stock: 10 });
      const key = randomUUID();
      const first = issued(await redeem(accountId, rewardId, key));
      const again = issued(await redeem(accountId, rewardId, key));
      expect(again).toEqual(first);
      expect(await balance(accountId)).toBe(600);
      expect(await stock(rewardId)).toBe(9);
      // The same key for another reward or member is a caller bug, not a second voucher.
      const other = await reward({ costPoints: 10 });
      await expect(redeem(accountId, other, key)).rejects.toBeInstanceOf(AppError);
      await expect(redeem(await member(1_000), rewardId, key)).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('answers each reason without spending anything', async () => {
      const accountId = await member(500);
      const expectNothingSpent = async () => expect(await balance(accountId)).toBe(500);

      expect(await redeem(accountId, await reward({ costPoints: 501 }))).toEqual({ status: 'insufficient_points', balance: 500 });
      expect(await redeem(accountId, await reward({ costPoints: 10, minTierCode: 'gold' }))).toEqual({ status: 'not_eligible' });
      expect(await redeem(accountId, await reward({ costPoints: 10, minTierCode: 'no-such-tier' }))).toEqual({ status: 'not_eligible' });
      expect(await redeem(accountId, await reward({ costPoints: 10, stock: 0 }))).toEqual({ status: 'out_of_stock' });
      expect(await redeem(accountId, await reward({ costPoints: 10, active: false }))).toEqual({ status: 'not_available' });
      expect(await redeem(accountId, await reward({ costPoints: 10, validTo: clock.now() }))).toEqual({ status: 'not_available' });
      expect(await redeem(accountId, await reward({ costPoints: 10, validFrom: new Date(clock.now().getTime() + 1) }))).toEqual({ status: 'not_available' });
      expect(await redeem(accountId, randomUUID())).toEqual({ status: 'not_available' });
      const [foreign] = await handle.db
        .insert(schema.rewards)
        .values({ brandId: OTHER_BRAND, code: `F-${randomUUID().slice(0, 6)}`, kind: 'gift', name: { en: 'Foreign' }, costPoints: 10 })
        .returning({ id: schema.rewards.id });
      expect(await redeem(accountId, foreign!.id)).toEqual({ status: 'not_available' });
      await expectNothingSpent();

      const limited = await reward({ costPoints: 100, perMemberLimit: 2 });
      issued(await redeem(accountId, limited));
      issued(await redeem(accountId, limited));
      expect(await redeem(accountId, limited)).toEqual({ status: 'limit_reached' });
      expect(await balance(accountId)).toBe(300);
    });

    it('lets a member at or above the lowest tier redeem', async () => {
      const gold = await member(100, { tier: 'gold' });
      const platinum = await member(100, { tier: 'platinum' });
      const rewardId = await reward({ costPoints: 10, minTierCode: 'gold' });
      issued(await redeem(gold, rewardId));
      issued(await redeem(platinum, rewardId));
    });

    it('lets only one of two members racing for the last unit have it', async () => {
      for (let round = 0; round < 3; round++) {
        const rewardId = await reward({ costPoints: 100, stock: 1 });
        const [a, b] = [await member(1_000), await member(1_000)];
        const results = await Promise.all([redeem(a, rewardId), redeem(b, rewardId)]);
        expect(results.map((r) => r.status).sort()).toEqual(['issued', 'out_of_stock']);
        expect(await stock(rewardId)).toBe(0);
        expect((await balance(a)) + (await balance(b))).toBe(1_900);
      }
    });

    it('never overdraws a member redeeming two rewards at once with points for one', async () => {
      for (let round = 0; round < 3; round++) {
        const accountId = await member(500);
        const [r1, r2] = [await reward({ costPoints: 400 }), await reward({ costPoints: 300 })];
        const results = await Promise.all([redeem(accountId, r1), redeem(accountId, r2)]);
        const statuses = results.map((r) => r.status).sort();
        expect(statuses).toEqual(['insufficient_points', 'issued']);
        expect([100, 200]).toContain(await balance(accountId));
        expect(await listVouchers(deps, { accountId })).toHaveLength(1);
      }
    });

    it('issues one voucher when the same confirmation arrives many times at once', async () => {
      const accountId = await member(1_000);
      const rewardId = await reward({ costPoints: 250, stock: 50 });
      const key = randomUUID();
      const results = await Promise.all(Array.from({ length: 6 }, () => redeem(accountId, rewardId, key)));
      const ids = new Set(results.map((r) => issued(r).id));
      expect(ids.size).toBe(1);
      expect(await balance(accountId)).toBe(750);
      expect(await stock(rewardId)).toBe(49);
    });
  });

  describe('vouchers', () => {
    async function freshVoucher(opts: { validDays?: number } = {}) {
      const accountId = await member(1_000);
      const rewardId = await reward({ costPoints: 100, valueMinor: 2_500, kind: 'discount_voucher', voucherValidDays: opts.validDays ?? 30 });
      return { accountId, rewardId, voucher: issued(await redeem(accountId, rewardId)) };
    }

    it('lists the member’s usable vouchers, soonest expiry first', async () => {
      const accountId = await member(1_000);
      const long = issued(await redeem(accountId, await reward({ costPoints: 10, voucherValidDays: 60 })));
      const short = issued(await redeem(accountId, await reward({ costPoints: 10, voucherValidDays: 7 })));
      const used = issued(await redeem(accountId, await reward({ costPoints: 10 })));
      expect((await redeemVoucher(deps, { brandId: BRAND, storeId, code: used.code })).status).toBe('redeemed');
      expect((await listVouchers(deps, { accountId })).map((v) => v.id)).toEqual([short.id, long.id]);
      clock.advance(8 * DAY);
      try {
        expect((await listVouchers(deps, { accountId })).map((v) => v.id)).toEqual([long.id]);
        expect(await getVoucher(deps, { accountId, voucherId: short.id })).toMatchObject({ status: 'expired' });
      } finally {
        clock.advance(-8 * DAY);
      }
      expect(await getVoucher(deps, { accountId: await member(0), voucherId: long.id })).toBeNull();
      expect(await getVoucher(deps, { accountId, voucherId: 'not-a-uuid' })).toBeNull();
    });

    it('validates codes however they are typed', async () => {
      const { voucher } = await freshVoucher();
      const bare = voucher.code.replace(/-/g, '');
      for (const typed of [voucher.code, bare, bare.toLowerCase(), ` ${voucher.code.toLowerCase()} `, voucher.code.replace(/-/g, ' ')]) {
        expect(await validateVoucher(deps, { brandId: BRAND, code: typed })).toMatchObject({
          status: 'valid',
          voucher: { id: voucher.id, code: voucher.code },
          reward: { kind: 'discount_voucher', valueMinor: 2_500 },
        });
      }
      expect(await validateVoucher(deps, { brandId: OTHER_BRAND, code: voucher.code })).toEqual({ status: 'not_found' });
      expect(await validateVoucher(deps, { brandId: BRAND, code: 'ZZZZ-ZZZZ-ZZ' })).toEqual({ status: 'not_found' });
      expect(await validateVoucher(deps, { brandId: BRAND, code: 'hello; drop table' })).toEqual({ status: 'not_found' });
    });

    it('is used once at a till; a retry from the same store with the same key is still "redeemed"', async () => {
      const { voucher } = await freshVoucher();
      const key = randomUUID();
      const first = await redeemVoucher(deps, { brandId: BRAND, storeId, code: voucher.code.toLowerCase(), idempotencyKey: key });
      expect(first).toMatchObject({ status: 'redeemed', voucher: { id: voucher.id, status: 'redeemed' } });
      expect(await redeemVoucher(deps, { brandId: BRAND, storeId, code: voucher.code, idempotencyKey: key })).toMatchObject({ status: 'redeemed' });
      expect(await redeemVoucher(deps, { brandId: BRAND, storeId, code: voucher.code })).toEqual({ status: 'already_redeemed' });
      expect(await redeemVoucher(deps, { brandId: BRAND, storeId, code: voucher.code, idempotencyKey: 'another' })).toEqual({ status: 'already_redeemed' });
      expect(await redeemVoucher(deps, { brandId: BRAND, storeId: otherStoreId, code: voucher.code, idempotencyKey: key })).toEqual({ status: 'already_redeemed' });
      expect(await validateVoucher(deps, { brandId: BRAND, code: voucher.code })).toEqual({ status: 'redeemed' });
      clock.advance(VOUCHER_REPLAY_WINDOW_MS + 1);
      try {
        expect(await redeemVoucher(deps, { brandId: BRAND, storeId, code: voucher.code, idempotencyKey: key })).toEqual({ status: 'already_redeemed' });
      } finally {
        clock.advance(-(VOUCHER_REPLAY_WINDOW_MS + 1));
      }
      const [row] = await handle.db.select().from(schema.vouchers).where(eq(schema.vouchers.id, voucher.id));
      expect(row).toMatchObject({ status: 'redeemed', redeemedStoreId: storeId, redeemedAt: clock.now() });
    });

    it('refuses unknown, expired and cancelled vouchers, and stores of another brand', async () => {
      expect(await redeemVoucher(deps, { brandId: BRAND, storeId, code: 'ZZZZ-ZZZZ-ZZ' })).toEqual({ status: 'not_found' });
      const { voucher } = await freshVoucher({ validDays: 1 });
      await expect(redeemVoucher(deps, { brandId: BRAND, storeId: foreignStoreId, code: voucher.code })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      clock.advance(DAY);
      try {
        expect(await validateVoucher(deps, { brandId: BRAND, code: voucher.code })).toEqual({ status: 'expired' });
        expect(await redeemVoucher(deps, { brandId: BRAND, storeId, code: voucher.code })).toEqual({ status: 'expired' });
      } finally {
        clock.advance(-DAY);
      }
      const cancelled = (await freshVoucher()).voucher;
      await handle.db.update(schema.vouchers).set({ status: 'cancelled' }).where(eq(schema.vouchers.id, cancelled.id));
      expect(await validateVoucher(deps, { brandId: BRAND, code: cancelled.code })).toEqual({ status: 'cancelled' });
      expect(await redeemVoucher(deps, { brandId: BRAND, storeId, code: cancelled.code })).toEqual({ status: 'cancelled' });
    });

    it('lets only one of two tills scanning the same code at once redeem it', async () => {
      for (let round = 0; round < 3; round++) {
        const { voucher } = await freshVoucher();
        const results = await Promise.all([
          redeemVoucher(deps, { brandId: BRAND, storeId, code: voucher.code, idempotencyKey: randomUUID() }),
          redeemVoucher(deps, { brandId: BRAND, storeId: otherStoreId, code: voucher.code, idempotencyKey: randomUUID() }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual(['already_redeemed', 'redeemed']);
      }
    });

    it('expires vouchers past their date once, without refunding the points', async () => {
      const { accountId, voucher } = await freshVoucher({ validDays: 2 });
      const pointsBefore = await balance(accountId);
      const later = new Date(clock.now().getTime() + 3 * DAY);
      expect(await expireVouchers(deps, { now: later })).toBeGreaterThanOrEqual(1);
      expect(await expireVouchers(deps, { now: later })).toBe(0);
      const [row] = await handle.db.select().from(schema.vouchers).where(eq(schema.vouchers.id, voucher.id));
      expect(row?.status).toBe('expired');
      expect(await balance(accountId)).toBe(pointsBefore);
      expect(await validateVoucher(deps, { brandId: BRAND, code: voucher.code })).toEqual({ status: 'expired' });
      expect(await redeemVoucher(deps, { brandId: BRAND, storeId, code: voucher.code })).toEqual({ status: 'expired' });
      expect(await listVouchers(deps, { accountId })).toEqual([]);
    });
  });
});
