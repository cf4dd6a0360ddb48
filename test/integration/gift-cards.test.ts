// Gift cards against a real database: codes stored only as hashes, rate-limited balance checks, idempotent partial
// spending that never goes below zero, and every movement recorded, including under concurrency.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, schema } from '../../db/index.js';
import { checkGiftCard, GIFT_CARD_GUESS_LIMIT, issueGiftCard, redeemGiftCard } from '../../core/gift-cards/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const BRAND = 'gift-brand';
const OTHER_BRAND = 'gift-other';
const GIFT_CODE = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

describe.each(testDbKinds)('gift cards on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  let storeId: string;
  let foreignStoreId: string;

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
    await handle.db.insert(schema.brands).values([
      { id: BRAND, name: 'Gift Brand' },
      { id: OTHER_BRAND, name: 'Other' },
    ]);
    const stores = await handle.db
      .insert(schema.stores)
      .values([
        { brandId: BRAND, code: 'S1', name: { en: 'One' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' },
        { brandId: OTHER_BRAND, code: 'S1', name: { en: 'Other' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' },
      ])
      .returning({ id: schema.stores.id });
    [storeId, foreignStoreId] = stores.map((s) => s.id) as [string, string];
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  const issue = (amountMinor = 10_000, expiresAt: Date | null = null) =>
    issueGiftCard(deps, { brandId: BRAND, amountMinor, currency: 'AED', expiresAt, issuedBy: 'staff:test' });
  const check = (code: string, rateKey: string = randomUUID()) => checkGiftCard(deps, { brandId: BRAND, code, rateKey });
  const spend = (code: string, amountMinor: number, idempotencyKey: string = randomUUID()) =>
    redeemGiftCard(deps, { brandId: BRAND, storeId, code, amountMinor, idempotencyKey });
  const movements = (giftCardId: string) =>
    handle.db.select().from(schema.giftCardMovements).where(eq(schema.giftCardMovements.giftCardId, giftCardId)).orderBy(schema.giftCardMovements.id);

  describe('issueGiftCard', () => {
    it('returns an 80-bit code once and stores only its hash and last four symbols', async () => {
      const { giftCardId, code } = await issue(25_000);
      expect(code).toMatch(GIFT_CODE);
      const bare = code.replace(/-/g, '');
      const [card] = await handle.db.select().from(schema.giftCards).where(eq(schema.giftCards.id, giftCardId));
      expect(card).toMatchObject({ brandId: BRAND, last4: bare.slice(-4), currency: 'AED', initialMinor: 25_000, balanceMinor: 25_000, status: 'active', issuedBy: 'staff:test' });
      expect(card?.codeHash).toMatch(/^[0-9a-f]{64}$/);
      // Nowhere in the database is the code itself.
      const dump = rowsOf<{ t: string }>(await handle.db.execute(sql`select row_to_json(g)::text as t from gift_cards g`)).map((r) => r.t).join('\n');
      const moves = rowsOf<{ t: string }>(await handle.db.execute(sql`select row_to_json(m)::text as t from gift_card_movements m`)).map((r) => r.t).join('\n');
      expect(dump + moves).not.toContain(bare);
      expect(dump + moves).not.toContain(code);
      expect(await movements(giftCardId)).toMatchObject([{ kind: 'issue', amountMinor: 25_000, balanceAfter: 25_000, storeId: null }]);
    });

    it('draws a different code every time', async () => {
      const codes = await Promise.all(Array.from({ length: 20 }, () => issue(100)));
      expect(new Set(codes.map((c) => c.code)).size).toBe(20);
    });

    it('refuses amounts and currencies that make no sense', async () => {
      await expect(issue(0)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(issue(-5)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(issue(1.5)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(issueGiftCard(deps, { brandId: BRAND, amountMinor: 100, currency: 'aed', issuedBy: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });
  });

  describe('checkGiftCard', () => {
    it('answers the balance however the code is typed, within the brand only', async () => {
      const expiresAt = new Date('2027-01-01T00:00:00Z');
      const { code } = await issue(12_345, expiresAt);
      const bare = code.replace(/-/g, '');
      for (const typed of [code, bare, bare.toLowerCase(), code.replace(/-/g, ' ')]) {
        expect(await check(typed)).toEqual({ status: 'ok', balanceMinor: 12_345, currency: 'AED', expiresAt, last4: bare.slice(-4) });
      }
      expect(await checkGiftCard(deps, { brandId: OTHER_BRAND, code, rateKey: randomUUID() })).toEqual({ status: 'not_found' });
    });

    it('says expired and blocked', async () => {
      const expiring = await issue(100, new Date(clock.now().getTime() + 1_000));
      clock.advance(1_000);
      expect(await check(expiring.code)).toEqual({ status: 'expired' });
      const blocked = await issue(100);
      await handle.db.update(schema.giftCards).set({ status: 'blocked' }).where(eq(schema.giftCards.id, blocked.giftCardId));
      expect(await check(blocked.code)).toEqual({ status: 'blocked' });
    });

    it('after 5 wrong codes in an hour refuses every check, a right one too, until the hour is over', async () => {
      const { code } = await issue(500);
      const rateKey = `customer:${randomUUID()}`;
      // Right codes do not use the allowance up.
      for (let i = 0; i < 8; i++) expect((await check(code, rateKey)).status).toBe('ok');
      for (let i = 0; i < GIFT_CARD_GUESS_LIMIT.limit; i++) expect((await check('AAAA-BBBB-CCCC-DDDD', rateKey)).status).toBe('not_found');
      expect(await check(code, rateKey)).toEqual({ status: 'rate_limited' });
      expect(await check('not even a code', rateKey)).toEqual({ status: 'rate_limited' });
      // Someone else is not affected.
      expect((await check(code, `customer:${randomUUID()}`)).status).toBe('ok');
      clock.advance(GIFT_CARD_GUESS_LIMIT.windowMs);
      expect((await check(code, rateKey)).status).toBe('ok');
    });

    it('holds the limit when many wrong guesses arrive at once', async () => {
      const rateKey = `api-key:${randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => check(`AAAA-BBBB-CCCC-${String(1000 + i)}`, rateKey)));
      expect(results.filter((r) => r.status === 'not_found')).toHaveLength(GIFT_CARD_GUESS_LIMIT.limit);
      expect(results.filter((r) => r.status === 'rate_limited')).toHaveLength(12 - GIFT_CARD_GUESS_LIMIT.limit);
    });
  });

  describe('redeemGiftCard', () => {
    it('spends in parts down to exactly zero and records every movement', async () => {
      const { giftCardId, code } = await issue(10_000);
      expect(await spend(code, 2_500)).toEqual({ status: 'redeemed', balanceMinor: 7_500 });
      expect(await spend(code.toLowerCase(), 7_600)).toEqual({ status: 'insufficient_balance', balanceMinor: 7_500 });
      expect(await spend(code, 7_500)).toEqual({ status: 'redeemed', balanceMinor: 0 });
      expect(await spend(code, 1)).toEqual({ status: 'insufficient_balance', balanceMinor: 0 });
      const moves = await movements(giftCardId);
      expect(moves.map((m) => [m.kind, m.amountMinor, m.balanceAfter, m.storeId])).toEqual([
        ['issue', 10_000, 10_000, null],
        ['redeem', -2_500, 7_500, storeId],
        ['redeem', -7_500, 0, storeId],
      ]);
      expect(moves.reduce((s, m) => s + m.amountMinor, 0)).toBe(0);
      expect((await check(code)).status).toBe('ok');
    });

    it('is idempotent by key: same amount, same answer; another amount or card, a conflict', async () => {
      const { code } = await issue(5_000);
      const other = await issue(5_000);
      const key = randomUUID();
      expect(await spend(code, 1_000, key)).toEqual({ status: 'redeemed', balanceMinor: 4_000 });
      expect(await spend(code, 500)).toEqual({ status: 'redeemed', balanceMinor: 3_500 });
      // The replay answers what the first attempt answered, not today's balance.
      expect(await spend(code, 1_000, key)).toEqual({ status: 'redeemed', balanceMinor: 4_000 });
      expect(await spend(code, 999, key)).toEqual({ status: 'idempotency_conflict' });
      expect(await spend(other.code, 1_000, key)).toEqual({ status: 'idempotency_conflict' });
      expect((await check(code)) as { balanceMinor: number }).toMatchObject({ balanceMinor: 3_500 });
      expect((await check(other.code)) as { balanceMinor: number }).toMatchObject({ balanceMinor: 5_000 });
    });

    it('refuses unknown, expired and blocked cards, bad amounts and stores of another brand', async () => {
      expect(await spend('AAAA-BBBB-CCCC-DDDD', 100)).toEqual({ status: 'not_found' });
      expect(await spend('nonsense', 100)).toEqual({ status: 'not_found' });
      const expiring = await issue(1_000, new Date(clock.now().getTime() + 1));
      clock.advance(1);
      expect(await spend(expiring.code, 100)).toEqual({ status: 'expired' });
      const blocked = await issue(1_000);
      await handle.db.update(schema.giftCards).set({ status: 'blocked' }).where(eq(schema.giftCards.id, blocked.giftCardId));
      expect(await spend(blocked.code, 100)).toEqual({ status: 'blocked' });
      const { code } = await issue(1_000);
      await expect(spend(code, 0)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(spend(code, 10, '')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(redeemGiftCard(deps, { brandId: BRAND, storeId: foreignStoreId, code, amountMinor: 10, idempotencyKey: 'k' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('never goes below zero when tills spend at once, and a key races to one movement', async () => {
      const { giftCardId, code } = await issue(10_000);
      const results = await Promise.all(Array.from({ length: 10 }, () => spend(code, 3_000)));
      expect(results.filter((r) => r.status === 'redeemed')).toHaveLength(3);
      expect(results.filter((r) => r.status === 'insufficient_balance')).toHaveLength(7);
      expect((await check(code)) as { balanceMinor: number }).toMatchObject({ balanceMinor: 1_000 });

      const key = randomUUID();
      const replays = await Promise.all(Array.from({ length: 6 }, () => spend(code, 400, key)));
      expect(replays).toEqual(Array.from({ length: 6 }, () => ({ status: 'redeemed', balanceMinor: 600 })));
      expect((await movements(giftCardId)).filter((m) => m.kind === 'redeem')).toHaveLength(4);
    });

    it('answers a key that races on two cards once, and a conflict for the other', async () => {
      const [a, b] = [await issue(1_000), await issue(1_000)];
      const key = randomUUID();
      const results = await Promise.all([spend(a.code, 100, key), spend(b.code, 100, key)]);
      expect(results.map((r) => r.status).sort()).toEqual(['idempotency_conflict', 'redeemed']);
    });
  });

});
