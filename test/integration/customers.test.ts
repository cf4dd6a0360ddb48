// Customer profiles by channel identity, consent history and the append-only tables, on every database.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { consentInForce, recordConsent } from '../../core/consent/index.js';
import { resolveCustomer, updateCustomer } from '../../core/customers/index.js';
import { enroll, postLedgerEntry } from '../../core/loyalty/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const BRAND = 'cust-brand';
const OTHER_BRAND = 'cust-brand-2';

/** The error's message together with its causes' (drizzle wraps the driver's error). */
async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    const parts: string[] = [];
    for (let cur: unknown = e; cur instanceof Error; cur = cur.cause) parts.push(cur.message);
    return parts.join(' | ');
  }
  throw new Error('expected the statement to be rejected');
}

describe.each(testDbKinds)('customers and consent on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  const clock = new ManualClock(new Date('2026-02-01T08:00:00Z'));

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
    await handle.db.insert(schema.brands).values([
      { id: BRAND, name: 'Brand' },
      { id: OTHER_BRAND, name: 'Other' },
    ]);
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  const countCustomers = async () => Number((await handle.db.select({ n: sql<number>`count(*)` }).from(schema.customers))[0]!.n);
  const identitiesOf = (externalId: string) =>
    handle.db.select().from(schema.channelIdentities).where(eq(schema.channelIdentities.externalId, externalId));

  describe('resolveCustomer', () => {
    it('creates a profile on first contact and finds it afterwards', async () => {
      const externalId = randomUUID();
      const before = await countCustomers();
      const first = await resolveCustomer(deps, { brandId: BRAND, channel: 'telegram', externalId, displayName: 'Sam' });
      const second = await resolveCustomer(deps, { brandId: BRAND, channel: 'telegram', externalId, displayName: 'Renamed' });
      expect(first.isNew).toBe(true);
      expect(second).toEqual({ customer: first.customer, isNew: false });
      expect(first.customer.brandId).toBe(BRAND);
      expect(await countCustomers()).toBe(before + 1);
      const ids = await identitiesOf(externalId);
      expect(ids).toHaveLength(1);
      expect(ids[0]).toMatchObject({ customerId: first.customer.id, channel: 'telegram', brandId: BRAND, displayName: 'Sam' });
    });

    it('makes one customer and one identity when 10 first contacts race', async () => {
      const externalId = randomUUID();
      const before = await countCustomers();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => resolveCustomer(deps, { brandId: BRAND, channel: 'line', externalId })),
      );
      expect(new Set(results.map((r) => r.customer.id)).size).toBe(1);
      expect(results.filter((r) => r.isNew)).toHaveLength(1);
      expect(await identitiesOf(externalId)).toHaveLength(1);
      // The losers' provisional profiles are gone too.
      expect(await countCustomers()).toBe(before + 1);
    });

    it('treats the same id on another channel or in another brand as another person', async () => {
      const externalId = randomUUID();
      const web = await resolveCustomer(deps, { brandId: BRAND, channel: 'web', externalId });
      const tg = await resolveCustomer(deps, { brandId: BRAND, channel: 'telegram', externalId });
      const other = await resolveCustomer(deps, { brandId: OTHER_BRAND, channel: 'web', externalId });
      expect(new Set([web.customer.id, tg.customer.id, other.customer.id]).size).toBe(3);
      expect([web.isNew, tg.isNew, other.isNew]).toEqual([true, true, true]);
      expect(other.customer.brandId).toBe(OTHER_BRAND);
      expect(await identitiesOf(externalId)).toHaveLength(3);
      expect((await resolveCustomer(deps, { brandId: BRAND, channel: 'web', externalId })).customer.id).toBe(web.customer.id);
    });

    it('the database refuses a second identity row for the same (brand, channel, id)', async () => {
      const externalId = randomUUID();
      const { customer } = await resolveCustomer(deps, { brandId: BRAND, channel: 'web', externalId });
      await expect(
        handle.db.insert(schema.channelIdentities).values({ brandId: BRAND, customerId: customer.id, channel: 'web', externalId }),
      ).rejects.toThrow();
    });

    it('updateCustomer changes only the given fields', async () => {
      const { customer } = await resolveCustomer(deps, { brandId: BRAND, channel: 'web', externalId: randomUUID() });
      await updateCustomer(deps, customer.id, { language: 'ar' });
      await updateCustomer(deps, customer.id, { name: 'Layla' });
      const [row] = await handle.db.select().from(schema.customers).where(eq(schema.customers.id, customer.id));
      expect(row).toMatchObject({ language: 'ar', name: 'Layla', phone: null });
    });
  });

  describe('consent', () => {
    const newCustomerId = async () => (await resolveCustomer(deps, { brandId: BRAND, channel: 'web', externalId: randomUUID() })).customer.id;
    const give = (customerId: string, granted: boolean, wordingVersion: string, channel = 'web') =>
      recordConsent(deps, { customerId, purpose: 'marketing', channel, granted, wordingVersion, source: 'test' });

    it('is undefined when never asked', async () => {
      expect(await consentInForce(deps, { customerId: await newCustomerId(), purpose: 'marketing', channel: 'web' })).toBeUndefined();
    });

    it('the latest decision is in force', async () => {
      const customerId = await newCustomerId();
      clock.set(new Date('2026-02-01T08:00:00Z'));
      await give(customerId, true, 'v1');
      clock.set(new Date('2026-02-02T08:00:00Z'));
      await give(customerId, false, 'v2');
      expect(await consentInForce(deps, { customerId, purpose: 'marketing', channel: 'web' })).toEqual({
        granted: false,
        wordingVersion: 'v2',
        recordedAt: new Date('2026-02-02T08:00:00Z'),
      });
      clock.set(new Date('2026-02-03T08:00:00Z'));
      await give(customerId, true, 'v3');
      expect(await consentInForce(deps, { customerId, purpose: 'marketing', channel: 'web' })).toMatchObject({ granted: true, wordingVersion: 'v3' });
    });

    it('goes by the time of the decision, not the order rows were written', async () => {
      const customerId = await newCustomerId();
      clock.set(new Date('2026-02-10T08:00:00Z'));
      await give(customerId, false, 'late');
      clock.set(new Date('2026-02-05T08:00:00Z'));
      await give(customerId, true, 'early-written-last');
      expect(await consentInForce(deps, { customerId, purpose: 'marketing', channel: 'web' })).toMatchObject({ granted: false, wordingVersion: 'late' });
    });

    it('breaks a tie in time by the later record', async () => {
      const customerId = await newCustomerId();
      clock.set(new Date('2026-02-11T08:00:00Z'));
      await give(customerId, true, 'a');
      await give(customerId, false, 'b');
      expect(await consentInForce(deps, { customerId, purpose: 'marketing', channel: 'web' })).toMatchObject({ granted: false, wordingVersion: 'b' });
    });

    it('keeps channels and purposes apart', async () => {
      const customerId = await newCustomerId();
      await give(customerId, true, 'web-v', 'web');
      await give(customerId, false, 'tg-v', 'telegram');
      expect(await consentInForce(deps, { customerId, purpose: 'marketing', channel: 'web' })).toMatchObject({ granted: true, wordingVersion: 'web-v' });
      expect(await consentInForce(deps, { customerId, purpose: 'marketing', channel: 'telegram' })).toMatchObject({ granted: false });
      expect(await consentInForce(deps, { customerId, purpose: 'terms', channel: 'web' })).toBeUndefined();
      expect(await consentInForce(deps, { customerId, purpose: 'marketing', channel: 'line' })).toBeUndefined();
    });
  });

  describe('append-only tables', () => {
    it('consent records cannot be updated or deleted', async () => {
      const { customer } = await resolveCustomer(deps, { brandId: BRAND, channel: 'web', externalId: randomUUID() });
      await recordConsent(deps, { customerId: customer.id, purpose: 'marketing', channel: 'web', granted: false, wordingVersion: 'v1', source: 'test' });
      const mine = eq(schema.consentRecords.customerId, customer.id);
      expect(await failureOf(handle.db.update(schema.consentRecords).set({ granted: true }).where(mine))).toMatch(/consent_records is append-only/);
      expect(await failureOf(handle.db.delete(schema.consentRecords).where(mine))).toMatch(/consent_records is append-only/);
      const rows = await handle.db.select().from(schema.consentRecords).where(mine);
      expect(rows.map((r) => [r.granted, r.wordingVersion])).toEqual([[false, 'v1']]);
    });

    it('ledger entries cannot be updated or deleted', async () => {
      const { customer } = await resolveCustomer(deps, { brandId: BRAND, channel: 'web', externalId: randomUUID() });
      const r = await enroll(deps, {
        brandId: BRAND,
        customerId: customer.id,
        channel: 'web',
        name: 'A',
        birthday: '1990-01-01',
        acceptedTerms: true,
        marketingOptIn: false,
        termsVersion: 't',
        marketingWordingVersion: 'm',
      });
      if (r.status !== 'enrolled') throw new Error(r.status);
      await postLedgerEntry(deps, { accountId: r.account.id, kind: 'earn', points: 50, idempotencyKey: randomUUID() });
      const mine = eq(schema.pointsLedger.accountId, r.account.id);
      expect(await failureOf(handle.db.update(schema.pointsLedger).set({ points: 5_000 }).where(mine))).toMatch(/points_ledger is append-only/);
      expect(await failureOf(handle.db.delete(schema.pointsLedger).where(and(mine, eq(schema.pointsLedger.points, 50))))).toMatch(
        /points_ledger is append-only/,
      );
      const rows = await handle.db.select().from(schema.pointsLedger).where(mine);
      expect(rows.map((x) => x.points)).toEqual([50]);
    });

    // Row triggers do not fire on TRUNCATE; statement-level triggers must refuse it (CASCADE too). Kept last.
    it('consent records and ledger entries cannot be truncated', async () => {
      expect(await failureOf(handle.db.execute(sql`truncate table consent_records`))).toMatch(/append-only/);
      expect(await failureOf(handle.db.execute(sql`truncate table points_ledger cascade`))).toMatch(/append-only/);
    });
  });
});
