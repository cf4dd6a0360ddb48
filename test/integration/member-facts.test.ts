// member_facts is kept by triggers (db/migrations/0017): every path that changes a member must leave their row equal to
// what the source tables say, in the same transaction. Each step below goes through the real domain function and then
// reads the row back.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { recordConsent } from '../../core/consent/index.js';
import { issueLinkCode, linkWithCode, mergeCustomers, resolveCustomer, reverseMerge, setIdentityReachable, updateCustomer } from '../../core/customers/index.js';
import { adjustPoints } from '../../core/loyalty/index.js';
import { attachUnmatchedTransactions, ingestTransactions, recordRefund, recordTransaction } from '../../core/pos/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { recordScore } from '../../core/surveys/index.js';
import { DAY, account, createBrand, createMember, createStore, newPhone, purchase, type BrandFixture } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const START = new Date('2026-03-02T09:00:00Z');

describe.each(testDbKinds)('member facts on %s', (kind) => {
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

  async function facts(accountId: string) {
    const [row] = await handle.db.select().from(schema.memberFacts).where(eq(schema.memberFacts.accountId, accountId));
    if (!row) throw new Error(`no member_facts row for ${accountId}`);
    return row;
  }

  async function buy(b: BrandFixture, memberCode: string, at: Date, amountMinor: number, storeId = b.storeId) {
    const input = purchase(b, { memberCode }, at, [amountMinor], { storeId });
    const r = await recordTransaction(deps, input);
    if (r.status !== 'recorded') throw new Error(`purchase: ${r.status}`);
    return { ...r, externalId: input.externalId };
  }

  it('starts a row at enrollment with the profile fields', async () => {
    const b = await createBrand(handle.db);
    const m = await createMember(deps, b.brandId, { birthday: '1991-11-05' });
    const f = await facts(m.accountId);
    expect(f).toMatchObject({
      brandId: b.brandId,
      customerId: m.customerId,
      tierCode: 'bronze',
      pointsBalance: 0,
      lifetimeSpendMinor: 0,
      visits: 0,
      firstPurchaseAt: null,
      lastPurchaseAt: null,
      homeStoreId: null,
      storeIds: [],
      channels: ['web'],
      marketingChannels: [],
      birthdayMonth: 11,
      tags: [],
      npsCategory: null,
    });
    const a = await account(handle.db, m.accountId);
    expect(f.enrolledAt.getTime()).toBe(a.enrolledAt.getTime());
  });

  it('adds purchases (spend, visits, first/last, stores, home store = latest) and takes refunds off the spend', async () => {
    const b = await createBrand(handle.db);
    const second = await createStore(handle.db, b.brandId);
    const m = await createMember(deps, b.brandId);
    const first = await buy(b, m.memberCode, new Date(START.getTime() - 10 * DAY), 10_000);
    let f = await facts(m.accountId);
    expect(f).toMatchObject({ lifetimeSpendMinor: 10_000, visits: 1, homeStoreId: b.storeId, storeIds: [b.storeId] });
    expect(f.firstPurchaseAt?.toISOString()).toBe(new Date(START.getTime() - 10 * DAY).toISOString());
    expect(f.pointsBalance).toBe(first.member!.balance);
    expect(f.pointsBalance).toBeGreaterThan(0);

    await buy(b, m.memberCode, new Date(START.getTime() - 2 * DAY), 5_000, second);
    // An older receipt arriving late changes neither the last purchase nor the home store.
    await buy(b, m.memberCode, new Date(START.getTime() - 20 * DAY), 2_500);
    f = await facts(m.accountId);
    expect(f).toMatchObject({ lifetimeSpendMinor: 17_500, visits: 3, homeStoreId: second });
    expect([...f.storeIds].sort()).toEqual([b.storeId, second].sort());
    expect(f.firstPurchaseAt?.toISOString()).toBe(new Date(START.getTime() - 20 * DAY).toISOString());
    expect(f.lastPurchaseAt?.toISOString()).toBe(new Date(START.getTime() - 2 * DAY).toISOString());

    const refund = await recordRefund(deps, { brandId: b.brandId, storeId: b.storeId, transactionExternalId: first.externalId, refundExternalId: randomUUID(), amountMinor: 4_000 });
    expect(refund.status).toBe('refunded');
    f = await facts(m.accountId);
    expect(f).toMatchObject({ lifetimeSpendMinor: 13_500, visits: 3 });
    expect(f.pointsBalance).toBe((await account(handle.db, m.accountId)).pointsBalance);
  });

  it('counts a purchase made before enrolling once it is attached to the new member', async () => {
    const b = await createBrand(handle.db);
    const phone = newPhone();
    const early = await recordTransaction(deps, purchase(b, { phone }, new Date(START.getTime() - DAY), [3_000]));
    expect(early.status === 'recorded' && early.member).toBeNull();
    const m = await createMember(deps, b.brandId, { phone, phoneVerified: true });
    expect((await facts(m.accountId)).visits).toBe(0);
    expect((await attachUnmatchedTransactions(deps, { brandId: b.brandId, accountId: m.accountId })).attached).toBe(1);
    expect(await facts(m.accountId)).toMatchObject({ lifetimeSpendMinor: 3_000, visits: 1, homeStoreId: b.storeId });
  });

  it('aggregates a bulk ingest (one statement for many purchases of several members)', async () => {
    const b = await createBrand(handle.db);
    const second = await createStore(handle.db, b.brandId);
    const [m1, m2] = [await createMember(deps, b.brandId), await createMember(deps, b.brandId)];
    const results = await ingestTransactions(deps, [
      purchase(b, { memberCode: m1.memberCode }, new Date(START.getTime() - 3 * DAY), [1_000]),
      purchase(b, { memberCode: m1.memberCode }, new Date(START.getTime() - 1 * DAY), [2_000], { storeId: second }),
      purchase(b, { memberCode: m2.memberCode }, new Date(START.getTime() - 5 * DAY), [7_000]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['recorded', 'recorded', 'recorded']);
    expect(await facts(m1.accountId)).toMatchObject({ lifetimeSpendMinor: 3_000, visits: 2, homeStoreId: second });
    expect(await facts(m2.accountId)).toMatchObject({ lifetimeSpendMinor: 7_000, visits: 1, homeStoreId: b.storeId });
  });

  it('follows points adjustments and tier changes', async () => {
    const b = await createBrand(handle.db);
    const m = await createMember(deps, b.brandId);
    const r = await adjustPoints(deps, { accountId: m.accountId, points: 1_234, reason: 'goodwill', actor: { type: 'staff', id: 'tester' }, idempotencyKey: randomUUID() });
    expect(r.status).toBe('posted');
    expect((await facts(m.accountId)).pointsBalance).toBe(1_234);
    await handle.db.update(schema.loyaltyAccounts).set({ tierCode: 'gold' }).where(eq(schema.loyaltyAccounts.id, m.accountId));
    expect((await facts(m.accountId)).tierCode).toBe('gold');
  });

  it('follows language, birthday and tags of the profile', async () => {
    const b = await createBrand(handle.db);
    const m = await createMember(deps, b.brandId);
    await updateCustomer(deps, m.customerId, { language: 'ar', birthday: '1990-02-14' });
    expect(await facts(m.accountId)).toMatchObject({ language: 'ar', birthdayMonth: 2 });
    await handle.db.update(schema.customers).set({ tags: ['vip', 'event-2026'] }).where(eq(schema.customers.id, m.customerId));
    expect((await facts(m.accountId)).tags).toEqual(['vip', 'event-2026']);
  });

  it('keeps the channels where marketing consent is in force (the latest decision per channel)', async () => {
    const b = await createBrand(handle.db);
    const m = await createMember(deps, b.brandId);
    const consent = (channel: string, granted: boolean) => recordConsent(deps, { customerId: m.customerId, purpose: 'marketing', channel, granted, wordingVersion: 'm-1', source: 'test' });
    await consent('whatsapp', true);
    clock.advance(1_000);
    await consent('web', true);
    expect((await facts(m.accountId)).marketingChannels).toEqual(['web', 'whatsapp']);
    clock.advance(1_000);
    await consent('whatsapp', false);
    expect((await facts(m.accountId)).marketingChannels).toEqual(['web']);
    // Consent for another purpose is not marketing consent.
    await recordConsent(deps, { customerId: m.customerId, purpose: 'surveys', channel: 'line', granted: true, wordingVersion: 's-1', source: 'test' });
    expect((await facts(m.accountId)).marketingChannels).toEqual(['web']);
  });

  it('adds a linked channel, and drops a channel marked unreachable until the person writes again', async () => {
    const b = await createBrand(handle.db);
    const m = await createMember(deps, b.brandId);
    const { code } = await issueLinkCode(deps, { brandId: b.brandId, customerId: m.customerId });
    const tgUser = `tg-${randomUUID()}`;
    const { customer: tg } = await resolveCustomer(deps, { brandId: b.brandId, channel: 'telegram', externalId: tgUser });
    const linked = await linkWithCode(deps, { brandId: b.brandId, customerId: tg.id, code });
    expect(linked.status).toBe('linked');
    expect((await facts(m.accountId)).channels).toEqual(['telegram', 'web']);

    await setIdentityReachable(deps, { brandId: b.brandId, channel: 'telegram', externalId: tgUser, reachable: false });
    expect((await facts(m.accountId)).channels).toEqual(['web']);
    await resolveCustomer(deps, { brandId: b.brandId, channel: 'telegram', externalId: tgUser });
    expect((await facts(m.accountId)).channels).toEqual(['telegram', 'web']);
  });

  it('takes the NPS category from the answered score', async () => {
    const b = await createBrand(handle.db);
    const m = await createMember(deps, b.brandId);
    const [survey] = await handle.db.insert(schema.surveys).values({ brandId: b.brandId, kind: 'relationship', everyDays: 90 }).returning({ id: schema.surveys.id });
    const ask = () =>
      handle.db.insert(schema.surveyResponses).values({ brandId: b.brandId, surveyId: survey!.id, customerId: m.customerId, status: 'sent', dueAt: clock.now(), sentAt: clock.now(), channel: 'web' });
    await ask();
    expect((await recordScore(deps, { brandId: b.brandId, customerId: m.customerId, score: 3, at: clock.now() })).status).toBe('recorded');
    expect((await facts(m.accountId)).npsCategory).toBe('detractor');
    clock.advance(DAY);
    await ask();
    await recordScore(deps, { brandId: b.brandId, customerId: m.customerId, score: '10', at: clock.now() });
    expect((await facts(m.accountId)).npsCategory).toBe('promoter');
  });

  it('drops the second membership of a merged profile from the members, and brings it back when the merge is undone', async () => {
    const b = await createBrand(handle.db);
    const kept = await createMember(deps, b.brandId);
    // Two phones would refuse the merge; a second membership without one is what linking a channel meets.
    const other = await createMember(deps, b.brandId, { phone: null });
    await buy(b, other.memberCode, new Date(START.getTime() - 5 * DAY), 7_000);
    const count = async () => (await handle.db.select().from(schema.memberFacts).where(eq(schema.memberFacts.brandId, b.brandId))).length;
    expect(await count()).toBe(2);
    const merged = await handle.db.transaction((tx) => mergeCustomers({ ...deps, db: tx }, { brandId: b.brandId, fromId: other.customerId, intoId: kept.customerId, reason: 'staff' }));
    if (merged.status !== 'merged') throw new Error(merged.status);
    expect(await count()).toBe(1);
    expect((await facts(kept.accountId)).customerId).toBe(kept.customerId);
    expect((await reverseMerge(deps, { brandId: b.brandId, mergeId: merged.mergeId, by: 'test' })).status).toBe('reversed');
    expect(await count()).toBe(2);
    expect(await facts(other.accountId)).toMatchObject({ customerId: other.customerId, lifetimeSpendMinor: 7_000, visits: 1, homeStoreId: b.storeId, channels: ['web'] });
  });
});
