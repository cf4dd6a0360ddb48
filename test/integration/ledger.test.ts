// The points ledger and enrollment against a real database: balances, idempotency, tiers and races.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { resolveCustomer } from '../../core/customers/index.js';
import { enroll, getBalance, postLedgerEntry, type EnrollInput, type LedgerResult } from '../../core/loyalty/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const BRAND = 'ledger-brand';

describe.each(testDbKinds)('points ledger on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
    await handle.db.insert(schema.brands).values({ id: BRAND, name: 'Ledger Brand' });
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  async function newCustomer(): Promise<string> {
    const { customer } = await resolveCustomer(deps, { brandId: BRAND, channel: 'web', externalId: randomUUID() });
    return customer.id;
  }

  function enrollInput(customerId: string, overrides: Partial<EnrollInput> = {}): EnrollInput {
    return {
      brandId: BRAND,
      customerId,
      channel: 'web',
      name: 'Sam Lee',
      birthday: '1990-03-12',
      acceptedTerms: true,
      marketingOptIn: false,
      termsVersion: 't-1',
      marketingWordingVersion: 'm-1',
      ...overrides,
    };
  }

  /** A fresh member with `points` earned (non-qualifying adjust, so the tier stays at the floor). */
  async function newMember(points = 0): Promise<string> {
    const result = await enroll(deps, enrollInput(await newCustomer()));
    if (result.status !== 'enrolled') throw new Error(`enroll: ${result.status}`);
    if (points > 0) await post(result.account.id, 'adjust', points);
    return result.account.id;
  }

  function post(accountId: string, kind: 'earn' | 'redeem' | 'adjust' | 'bonus', points: number, key: string = randomUUID()) {
    return postLedgerEntry(deps, { accountId, kind, points, idempotencyKey: key });
  }

  async function account(accountId: string) {
    const [row] = await handle.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, accountId));
    if (!row) throw new Error('no account');
    return row;
  }

  async function entries(accountId: string) {
    return handle.db.select().from(schema.pointsLedger).where(eq(schema.pointsLedger.accountId, accountId)).orderBy(schema.pointsLedger.id);
  }

  /** Balance kept on the account and the ledger sum must agree. */
  async function expectConsistent(accountId: string, balance: number) {
    const rows = await entries(accountId);
    expect((await account(accountId)).pointsBalance).toBe(balance);
    expect(rows.reduce((s, r) => s + r.points, 0)).toBe(balance);
    expect(rows.at(-1)?.balanceAfter ?? 0).toBe(balance);
    // Every running balance is the sum of the entries up to it.
    let running = 0;
    for (const r of rows) {
      running += r.points;
      expect(r.balanceAfter).toBe(running);
      expect(r.balanceAfter).toBeGreaterThanOrEqual(0);
    }
  }

  it('posts entries and keeps the balance equal to the ledger sum', async () => {
    const id = await newMember();
    const expiresAt = new Date('2027-03-01T00:00:00Z');
    const first = await postLedgerEntry(deps, { accountId: id, kind: 'earn', points: 500, idempotencyKey: randomUUID(), expiresAt, reference: 'R1', note: 'n', actor: 'pos' });
    expect(first).toMatchObject({ status: 'posted', balance: 500, tierCode: 'bronze', previousTierCode: 'bronze' });
    expect(await post(id, 'earn', 250)).toMatchObject({ status: 'posted', balance: 750 });
    expect(await post(id, 'redeem', -300)).toMatchObject({ status: 'posted', balance: 450 });
    expect(await post(id, 'redeem', -450)).toMatchObject({ status: 'posted', balance: 0 });
    await expectConsistent(id, 0);
    const [row] = await entries(id);
    expect(row).toMatchObject({ kind: 'earn', points: 500, expiresAt, reference: 'R1', note: 'n', actor: 'pos', createdAt: clock.now() });
    expect(first.status === 'posted' && first.entryId).toBe(row!.id);
  });

  it('rejects zero and fractional points before touching the database', async () => {
    const id = await newMember();
    await expect(post(id, 'earn', 0)).rejects.toThrow();
    await expect(post(id, 'earn', 1.5)).rejects.toThrow();
    await expect(post(id, 'earn', Number.NaN)).rejects.toThrow();
    expect(await entries(id)).toHaveLength(0);
  });

  it('throws for an unknown account', async () => {
    await expect(post(randomUUID(), 'earn', 10)).rejects.toThrow();
  });

  describe('idempotency', () => {
    it('lands a retried write once and answers the retry with "duplicate"', async () => {
      const id = await newMember();
      const first = await post(id, 'earn', 100, 'order-1');
      const again = await post(id, 'earn', 100, 'order-1');
      expect(first.status).toBe('posted');
      expect(again).toEqual({ status: 'duplicate', entryId: first.status === 'posted' ? first.entryId : -1, balance: 100 });
      expect(await entries(id)).toHaveLength(1);
      await expectConsistent(id, 100);
    });

    it('refuses the same key with different points and changes nothing', async () => {
      const id = await newMember();
      await post(id, 'earn', 100, 'order-2');
      const before = await account(id);
      expect(await post(id, 'earn', 999, 'order-2')).toEqual({ status: 'idempotency_conflict' });
      expect(await post(id, 'bonus', 100, 'order-2')).toEqual({ status: 'idempotency_conflict' });
      expect(await account(id)).toEqual(before);
      expect(await entries(id)).toHaveLength(1);
      await expectConsistent(id, 100);
    });

    it('refuses a key already used by another account', async () => {
      const a = await newMember();
      const b = await newMember();
      await post(a, 'earn', 100, 'shared-key');
      expect(await post(b, 'earn', 100, 'shared-key')).toEqual({ status: 'idempotency_conflict' });
      await expectConsistent(b, 0);
    });

    // The key is unique across all accounts but the prior-use check runs under one account's lock: on PostgreSQL
    // the loser of such a race meets the unique constraint, which must still read as 'idempotency_conflict'.
    it('answers "idempotency_conflict" when one key races on two accounts', async () => {
      for (let round = 1; round <= 5; round++) {
        const [a, b] = [await newMember(), await newMember()];
        const results = await Promise.all([a, b].map((id) => post(id, 'earn', 10, `cross-account-race-${round}`)));
        expect(results.map((r) => r.status).sort()).toEqual(['idempotency_conflict', 'posted']);
      }
    });

    it('lets exactly one of 10 parallel retries post', async () => {
      // Several rounds, because on a server the retries of one round may happen not to overlap.
      for (let round = 1; round <= 5; round++) {
        const id = await newMember();
        const key = `parallel-retry-${round}`;
        const results = await Promise.all(Array.from({ length: 10 }, () => post(id, 'earn', 70, key)));
        expect(results.filter((r) => r.status === 'posted')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(9);
        expect(await entries(id)).toHaveLength(1);
        await expectConsistent(id, 70);
      }
    });
  });

  describe('insufficient points', () => {
    it('refuses to overdraw and changes nothing', async () => {
      const id = await newMember(300);
      const before = await account(id);
      expect(await post(id, 'redeem', -301)).toEqual({ status: 'insufficient_points', balance: 300 });
      expect(await account(id)).toEqual(before);
      expect(await entries(id)).toHaveLength(1);
      // Spending exactly the balance is fine.
      expect(await post(id, 'redeem', -300)).toMatchObject({ status: 'posted', balance: 0 });
      expect(await post(id, 'redeem', -1)).toEqual({ status: 'insufficient_points', balance: 0 });
      await expectConsistent(id, 0);
    });

    it('does not burn the idempotency key of a refused write', async () => {
      const id = await newMember(100);
      expect((await post(id, 'redeem', -200, 'k-refused')).status).toBe('insufficient_points');
      await post(id, 'adjust', 100);
      expect(await post(id, 'redeem', -200, 'k-refused')).toMatchObject({ status: 'posted', balance: 0 });
    });

    it('lets exactly 10 of 20 parallel spends of 100 through a balance of 1,000', async () => {
      const id = await newMember(1_000);
      const results = await Promise.all(Array.from({ length: 20 }, () => post(id, 'redeem', -100)));
      const posted = results.filter((r): r is Extract<LedgerResult, { status: 'posted' }> => r.status === 'posted');
      expect(posted).toHaveLength(10);
      expect(results.filter((r) => r.status === 'insufficient_points')).toHaveLength(10);
      // Each success saw the one before it: running balances 900, 800, ..., 0, each once.
      expect(posted.map((r) => r.balance).sort((a, b) => b - a)).toEqual([900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
      expect(results.every((r) => r.status !== 'insufficient_points' || r.balance === 0)).toBe(true);
      await expectConsistent(id, 0);
      expect(await entries(id)).toHaveLength(11);
    });
  });

  describe('tiers', () => {
    it('upgrades when qualifying points cross 1,000 and 5,000, never downgrades on spending', async () => {
      const id = await newMember();
      expect(await post(id, 'earn', 999)).toMatchObject({ status: 'posted', tierCode: 'bronze', previousTierCode: 'bronze' });
      expect(await post(id, 'earn', 1)).toMatchObject({ status: 'posted', tierCode: 'silver', previousTierCode: 'bronze' });
      expect(await account(id)).toMatchObject({ tierCode: 'silver', qualifyingPoints: 1_000, pointsBalance: 1_000 });

      // Redeeming lowers the balance but neither qualifying points nor the tier.
      expect(await post(id, 'redeem', -1_000)).toMatchObject({ status: 'posted', balance: 0, tierCode: 'silver', previousTierCode: 'silver' });
      expect(await account(id)).toMatchObject({ tierCode: 'silver', qualifyingPoints: 1_000, pointsBalance: 0 });

      expect(await post(id, 'earn', 3_999)).toMatchObject({ tierCode: 'silver' });
      expect(await post(id, 'bonus', 1)).toMatchObject({ status: 'posted', tierCode: 'gold', previousTierCode: 'silver', balance: 4_000 });
      expect(await account(id)).toMatchObject({ tierCode: 'gold', qualifyingPoints: 5_000 });

      expect(await post(id, 'redeem', -4_000)).toMatchObject({ tierCode: 'gold', balance: 0 });
      expect(await account(id)).toMatchObject({ tierCode: 'gold', qualifyingPoints: 5_000, pointsBalance: 0 });
      await expectConsistent(id, 0);
    });

    it('jumps several tiers in one earn', async () => {
      const id = await newMember();
      expect(await post(id, 'earn', 15_000)).toMatchObject({ tierCode: 'platinum', previousTierCode: 'bronze' });
    });

    it('does not count manual adjustments toward the tier', async () => {
      const id = await newMember();
      expect(await post(id, 'adjust', 5_000)).toMatchObject({ status: 'posted', tierCode: 'bronze', balance: 5_000 });
      expect(await account(id)).toMatchObject({ qualifyingPoints: 0, tierCode: 'bronze' });
    });

    it('uses the brand’s own tiers when it has them', async () => {
      await handle.db.insert(schema.brands).values({ id: 'tiered', name: 'Tiered' });
      await handle.db.insert(schema.tiers).values([
        { brandId: 'tiered', code: 'vip', name: { en: 'VIP' }, minPoints: 300, rank: 2 },
        { brandId: 'tiered', code: 'member', name: { en: 'Member' }, minPoints: 0, rank: 1 },
      ]);
      const { customer } = await resolveCustomer(deps, { brandId: 'tiered', channel: 'web', externalId: randomUUID() });
      const r = await enroll(deps, { ...enrollInput(customer.id), brandId: 'tiered' });
      expect(r.status === 'enrolled' && r.account.tierCode).toBe('member');
      if (r.status !== 'enrolled') return;
      expect(await post(r.account.id, 'earn', 299)).toMatchObject({ tierCode: 'member' });
      expect(await post(r.account.id, 'earn', 1)).toMatchObject({ tierCode: 'vip', previousTierCode: 'member' });
    });
  });

  describe('balance view', () => {
    it('shows points, tier, distance to the next tier and what expires soon', async () => {
      const id = await newMember();
      const now = clock.now().getTime();
      const DAY = 86_400_000;
      await postLedgerEntry(deps, { accountId: id, kind: 'earn', points: 400, idempotencyKey: randomUUID(), expiresAt: new Date(now + 10 * DAY) });
      await postLedgerEntry(deps, { accountId: id, kind: 'earn', points: 800, idempotencyKey: randomUUID(), expiresAt: new Date(now + 200 * DAY) });
      await post(id, 'redeem', -100);
      const { customerId } = await account(id);
      const view = await getBalance(deps, customerId);
      expect(view).toMatchObject({ points: 1_100, tier: { code: 'silver' }, next: { tier: { code: 'gold' }, pointsNeeded: 3_800 } });
      expect(view?.expiring).toEqual({ points: 300, firstDate: new Date(now + 10 * DAY) });
    });

    it('is null for a customer who is not a member', async () => {
      expect(await getBalance(deps, await newCustomer())).toBeNull();
    });
  });

  describe('enroll', () => {
    it('opens one account at the floor tier with both consents recorded', async () => {
      const customerId = await newCustomer();
      const r = await enroll(deps, enrollInput(customerId, { marketingOptIn: true, phone: '+971501234567', phoneVerified: true }));
      expect(r.status).toBe('enrolled');
      if (r.status !== 'enrolled') return;
      expect(r.account).toMatchObject({ customerId, brandId: BRAND, tierCode: 'bronze', pointsBalance: 0, qualifyingPoints: 0, enrolledVia: 'web' });
      expect(r.account.memberCode).toMatch(/^\d{10}$/);
      const consents = await handle.db.select().from(schema.consentRecords).where(eq(schema.consentRecords.customerId, customerId));
      expect(consents.map((c) => [c.purpose, c.granted, c.wordingVersion, c.channel]).sort()).toEqual([
        ['marketing', true, 'm-1', 'web'],
        ['terms', true, 't-1', 'web'],
      ]);
      const [profile] = await handle.db.select().from(schema.customers).where(eq(schema.customers.id, customerId));
      expect(profile).toMatchObject({ name: 'Sam Lee', birthday: '1990-03-12', phone: '+971501234567', phoneVerified: true });
    });

    it('returns the existing account the second time', async () => {
      const customerId = await newCustomer();
      const first = await enroll(deps, enrollInput(customerId));
      const second = await enroll(deps, enrollInput(customerId, { name: 'Someone Else' }));
      expect(second.status).toBe('already_member');
      expect(second.status !== 'terms_not_accepted' && second.account.id).toBe(first.status === 'enrolled' && first.account.id);
      const [profile] = await handle.db.select().from(schema.customers).where(eq(schema.customers.id, customerId));
      expect(profile?.name).toBe('Sam Lee');
    });

    it('makes one account when the same customer enrolls twice at once', async () => {
      // Several rounds, because a single pair may happen not to overlap on a server.
      for (let round = 0; round < 8; round++) {
        const customerId = await newCustomer();
        const results = await Promise.all([enroll(deps, enrollInput(customerId)), enroll(deps, enrollInput(customerId))]);
        expect(results.map((r) => r.status).sort()).toEqual(['already_member', 'enrolled']);
        const accounts = await handle.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, customerId));
        expect(accounts).toHaveLength(1);
        for (const r of results) expect(r.status !== 'terms_not_accepted' && r.account.id).toBe(accounts[0]!.id);
        const consents = await handle.db.select().from(schema.consentRecords).where(eq(schema.consentRecords.customerId, customerId));
        expect(consents).toHaveLength(2);
      }
    });

    it('refuses without accepted terms and writes nothing', async () => {
      const customerId = await newCustomer();
      expect(await enroll(deps, enrollInput(customerId, { acceptedTerms: false, marketingOptIn: true }))).toEqual({ status: 'terms_not_accepted' });
      expect(await handle.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, customerId))).toHaveLength(0);
      expect(await handle.db.select().from(schema.consentRecords).where(eq(schema.consentRecords.customerId, customerId))).toHaveLength(0);
      const [profile] = await handle.db.select().from(schema.customers).where(eq(schema.customers.id, customerId));
      expect(profile?.name).toBeNull();
    });
  });

  it('the database itself refuses a negative balance', async () => {
    const id = await newMember();
    await expect(handle.db.execute(sql`update loyalty_accounts set points_balance = -1 where id = ${id}`)).rejects.toThrow();
  });
});
