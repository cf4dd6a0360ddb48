// Segments against a real database: a small brand whose member facts are set by construction, so every count is known
// (a JavaScript oracle applies the same rules to the same rows), plus preview, CSV export, saved segments and their
// store scope, the RFM scores and names, the nightly favourites/home-store refresh and its job.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { recordRefund, recordTransaction, type TransactionLine } from '../../core/pos/index.js';
import {
  computeRfm,
  countSegment,
  exportSegmentCsv,
  getSegment,
  listSegments,
  previewSegment,
  refreshMemberFacts,
  registerSegmentJobs,
  saveSegment,
  segmentWhere,
  SEGMENT_JOBS,
} from '../../core/segments/index.js';
import { InProcessJobQueue, ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { eventually } from '../helpers/eventually.js';
import { DAY, createBrand, createMember, purchase, uniq, type BrandFixture } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const TIERS = [
  { code: 'silver', minPoints: 0 },
  { code: 'gold', minPoints: 5_000 },
  { code: 'platinum', minPoints: 20_000 },
];
const STORES = [
  { code: 'DXB-1', name: 'Dubai Mall', city: 'Dubai' },
  { code: 'DXB-2', name: 'Marina Walk', city: 'Dubai' },
  { code: 'AUH-1', name: 'Yas Mall', city: 'Abu Dhabi' },
] as const;
type StoreCode = (typeof STORES)[number]['code'];

/** One generated member: what their facts say. */
interface Member {
  i: number;
  accountId: string;
  memberCode: string;
  name: string;
  tier: string;
  points: number;
  spendMinor: number;
  visits: number;
  last: Date | null;
  store: StoreCode | null;
  language: string | null;
  channels: string[];
  consent: string[];
  tags: string[];
  nps: string | null;
  month: number;
  enrolled: Date;
  category: string;
}

/** The facts of member i of 24; every field varies on its own cycle so conditions cut across each other. */
function spec(i: number): Omit<Member, 'accountId' | 'memberCode'> {
  const never = i % 5 === 0;
  return {
    i,
    name: i === 7 ? '=HYPERLINK("http://evil")' : `Member ${i}`,
    tier: TIERS[i % 3]!.code,
    points: i * 500,
    spendMinor: never ? 0 : i * 10_000,
    visits: never ? 0 : 1 + (i % 7),
    // Half a day off whole days, so no comparison sits on a boundary.
    last: never ? null : new Date(NOW.getTime() - (i * 7 + 0.5) * DAY),
    store: never ? null : (['DXB-1', 'DXB-2', 'AUH-1', 'DXB-1'] as const)[i % 4]!,
    language: i === 23 ? null : ['en', 'ar', 'zh'][(i >> 1) % 3]!,
    channels: i % 2 ? ['telegram', 'web'] : ['web'],
    consent: i % 4 === 0 ? ['whatsapp'] : i % 4 === 1 ? ['telegram', 'web'] : [],
    tags: i % 6 === 0 ? ['vip'] : [],
    nps: [null, 'promoter', 'passive', 'detractor'][i % 4]!,
    month: 1 + (i % 12),
    enrolled: new Date(NOW.getTime() - (i * 30 + 0.5) * DAY),
    category: i % 2 ? 'Shoes' : 'Bags',
  };
}

const daysSince = (d: Date | null) => (d === null ? Infinity : (NOW.getTime() - d.getTime()) / DAY);
const dubaiMidnight = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d) - 4 * 3_600_000);

/** Expressions and the same condition in JavaScript. */
const ORACLE: Array<[string, (m: Member) => boolean]> = [
  ['tier = gold and city = Dubai and days_since_last_purchase > 60', (m) => m.tier === 'gold' && (m.store === 'DXB-1' || m.store === 'DXB-2') && daysSince(m.last) > 60],
  ['days_since_last_purchase > 60', (m) => daysSince(m.last) > 60],
  ['days_since_last_purchase <= 60', (m) => daysSince(m.last) <= 60],
  ['not days_since_last_purchase <= 60', (m) => !(daysSince(m.last) <= 60)],
  ['days_since_last_purchase between 30 and 90', (m) => daysSince(m.last) >= 30 && daysSince(m.last) <= 90],
  ['days_since_last_purchase = 14', (m) => Math.floor(daysSince(m.last)) === 14],
  ['tier >= gold or points < 1000', (m) => m.tier !== 'silver' || m.points < 1000],
  ['TIER != Platinum AND NOT visits IN (1, 2)', (m) => m.tier !== 'platinum' && ![1, 2].includes(m.visits)],
  ['lifetime_spend between 50 and 150.5', (m) => m.spendMinor >= 5_000 && m.spendMinor <= 15_050],
  ['store in (DXB-2, "Yas Mall")', (m) => m.store === 'DXB-2' || m.store === 'AUH-1'],
  ['store != dxb-1', (m) => m.store !== 'DXB-1'],
  ['city not in ("abu dhabi")', (m) => m.store !== 'AUH-1'],
  ['consent = whatsapp', (m) => m.consent.includes('whatsapp')],
  ['consent = any', (m) => m.consent.length > 0],
  ['consent = none or consent = web', (m) => m.consent.length === 0 || m.consent.includes('web')],
  ['channel = telegram and language != ar', (m) => m.channels.includes('telegram') && m.language !== 'ar'],
  ['tag = vip or nps = detractor', (m) => m.tags.includes('vip') || m.nps === 'detractor'],
  ['nps != promoter', (m) => m.nps !== 'promoter'],
  ['birthday_month in (jan, feb, 3)', (m) => m.month <= 3],
  ['enrolled >= 2025-06-01', (m) => m.enrolled >= dubaiMidnight(2025, 6, 1)],
  ['enrolled < 2025-06-01 and days_since_enrolled <= 400', (m) => m.enrolled < dubaiMidnight(2025, 6, 1) && daysSince(m.enrolled) <= 400],
  ['favourite_category = SHOES and visits >= 3', (m) => m.category === 'Shoes' && m.visits >= 3],
  ['visits = 0', (m) => m.visits === 0],
];

describe.each(testDbKinds)('segments on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  const clock = new ManualClock(NOW);
  let brand: BrandFixture;
  const storeId = {} as Record<StoreCode, string>;
  const members: Member[] = [];
  const count = async (expression: string, storeIds: readonly string[] = []) => {
    const r = await countSegment(deps, { brandId: brand.brandId, expression, storeIds });
    if (!r.ok) throw new Error(`${expression}: ${r.error.message}`);
    return r.count;
  };

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
    brand = await createBrand(handle.db, { tiers: TIERS });
    for (const s of STORES) {
      const [row] = await handle.db
        .insert(schema.stores)
        .values({ brandId: brand.brandId, code: s.code, name: { en: s.name }, city: s.city, country: 'AE', timezone: 'Asia/Dubai' })
        .returning({ id: schema.stores.id });
      storeId[s.code] = row!.id;
    }
    for (let i = 0; i < 24; i++) {
      const s = spec(i);
      const m = await createMember(deps, brand.brandId, { name: s.name });
      members.push({ ...s, accountId: m.accountId, memberCode: m.memberCode });
      await handle.db
        .update(schema.memberFacts)
        .set({
          tierCode: s.tier,
          pointsBalance: s.points,
          lifetimeSpendMinor: s.spendMinor,
          visits: s.visits,
          lastPurchaseAt: s.last,
          firstPurchaseAt: s.last,
          homeStoreId: s.store && storeId[s.store],
          language: s.language,
          channels: s.channels,
          marketingChannels: s.consent,
          tags: s.tags,
          npsCategory: s.nps,
          birthdayMonth: s.month,
          enrolledAt: s.enrolled,
          favouriteCategory: s.category,
        })
        .where(eq(schema.memberFacts.accountId, m.accountId));
    }
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  it('counts the issue example exactly (gold, Dubai stores, no visit for 60 days)', async () => {
    // By hand: gold is i ≡ 1 (mod 3); of those, Dubai and more than 60 days ago are i = 13, 16, 19.
    expect(await count('tier = gold and city = Dubai and days_since_last_purchase > 60')).toBe(3);
    // Never bought counts as infinitely long ago: i = 0, 5, 10, 15, 20 match "> 60" and not "< 60".
    expect(await count('visits = 0 and days_since_last_purchase > 60')).toBe(5);
    expect(await count('visits = 0 and days_since_last_purchase < 60')).toBe(0);
  });

  it.each(ORACLE)('counts %s like the oracle', async (expression, predicate) => {
    const expected = members.filter(predicate).length;
    expect(await count(expression)).toBe(expected);
    // The complement splits the brand exactly (predicates are two-valued, NULLs included).
    expect(await count(`not (${expression})`)).toBe(members.length - expected);
  });

  it('scopes to the home store of a store manager', async () => {
    const dxb1 = [storeId['DXB-1']];
    expect(await count('points >= 0', dxb1)).toBe(9);
    expect(await count('tier = gold and city = Dubai and days_since_last_purchase > 60', dxb1)).toBe(2);
    expect(await count('store = DXB-2', dxb1)).toBe(0);
    expect(await count('points >= 0', [storeId['DXB-1'], storeId['AUH-1']])).toBe(members.filter((m) => m.store === 'DXB-1' || m.store === 'AUH-1').length);
    // Another brand's members never show up.
    const other = await createBrand(handle.db, { tiers: TIERS });
    await createMember(deps, other.brandId);
    expect(await count('points >= 0')).toBe(24);
  });

  it("reports the brand's tiers and stores when a value is not one of them", async () => {
    const bad = async (expression: string) => {
      const r = await segmentWhere(deps, { brandId: brand.brandId, expression, storeIds: [] });
      if (r.ok) throw new Error('compiled');
      return r.error;
    };
    expect(await bad('points > 5 and tier = diamond')).toEqual({ message: "'diamond' is not a tier; tiers: silver, gold, platinum", position: 22 });
    expect(await bad('city = Sharjah')).toEqual({ message: "no store in 'Sharjah'; cities: Abu Dhabi, Dubai", position: 7 });
    expect((await bad('store = X')).message).toBe(`no store 'X'; stores: AUH-1 (Yas Mall, Abu Dhabi), DXB-1 (Dubai Mall, Dubai), DXB-2 (Marina Walk, Dubai), ${await fixtureStoreCode()} (Store, Dubai)`);
    expect(await bad('tier = gold; drop table customers')).toEqual({ message: "unexpected character ';'", position: 11 });
    expect(await handle.db.select().from(schema.customers).limit(1)).toHaveLength(1);
  });

  async function fixtureStoreCode(): Promise<string> {
    const [s] = await handle.db.select({ code: schema.stores.code }).from(schema.stores).where(eq(schema.stores.id, brand.storeId));
    return s!.code;
  }

  it('previews: count, biggest spenders first, breakdown by tier (rank order) and home store', async () => {
    const expression = 'days_since_last_purchase > 60 or visits = 0';
    const match = members.filter((m) => daysSince(m.last) > 60);
    const p = await previewSegment(deps, { brandId: brand.brandId, expression, storeIds: [], sampleSize: 3 });
    if (!p.ok) throw new Error(p.error.message);
    expect(p.count).toBe(match.length);
    const top = [...match].sort((a, b) => b.spendMinor - a.spendMinor).slice(0, 3);
    expect(p.sample).toEqual(
      top.map((m) => ({ memberCode: m.memberCode, name: m.name, tierCode: m.tier, pointsBalance: m.points, lastPurchaseAt: m.last, homeStore: STORES.find((s) => s.code === m.store)?.name ?? null })),
    );
    expect(p.byTier).toEqual(
      TIERS.map((t) => ({ tierCode: t.code, count: match.filter((m) => m.tier === t.code).length })).filter((t) => t.count > 0),
    );
    const byStore = [...STORES.map((s) => s.code), null].map((code) => ({
      storeCode: code,
      storeName: STORES.find((s) => s.code === code)?.name ?? null,
      count: match.filter((m) => m.store === code).length,
    }));
    expect([...p.byStore].sort((a, b) => (a.storeCode ?? '~').localeCompare(b.storeCode ?? '~'))).toEqual(
      byStore.filter((s) => s.count > 0).sort((a, b) => (a.storeCode ?? '~').localeCompare(b.storeCode ?? '~')),
    );
    expect(p.byStore.map((s) => s.count)).toEqual([...p.byStore.map((s) => s.count)].sort((a, b) => b - a));
    expect(p.byStore.reduce((s, x) => s + x.count, 0)).toBe(p.count);

    const bad = await previewSegment(deps, { brandId: brand.brandId, expression: 'pionts > 1', storeIds: [] });
    expect(bad).toEqual({ ok: false, error: { message: "unknown field 'pionts' at 0 — did you mean points?", position: 0 } });
  });

  it('exports CSV with escaped, formula-safe cells, by member code', async () => {
    const expression = 'visits >= 5';
    const match = members.filter((m) => m.visits >= 5).sort((a, b) => a.memberCode.localeCompare(b.memberCode));
    const r = await exportSegmentCsv(deps, { brandId: brand.brandId, expression, storeIds: [] });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.rows).toBe(match.length);
    expect(r.fileName).toBe('segment-20260302-0900.csv');
    const lines = new TextDecoder().decode(r.data).split('\r\n');
    expect(lines[0]).toBe('member_code,name,tier,points,lifetime_spend,visits,last_purchase_at,home_store,language,channels');
    expect(lines).toHaveLength(match.length + 2);
    expect(lines.at(-1)).toBe('');
    const m = match[0]!;
    expect(lines[1]).toBe([m.memberCode, m.name, m.tier, m.points, (m.spendMinor / 100).toFixed(2), m.visits, m.last?.toISOString() ?? '', m.store ?? '', m.language ?? '', m.channels.join(' ')].join(','));
    // Member 7 (visits 1 + 7 % 7 = 1) is not in this segment; export it alone to see the formula defused.
    const evil = await exportSegmentCsv(deps, { brandId: brand.brandId, expression: 'points = 3500', storeIds: [] });
    if (!evil.ok) throw new Error(evil.error.message);
    expect(new TextDecoder().decode(evil.data).split('\r\n')[1]).toContain(`,"'=HYPERLINK(""http://evil"")",`);
    const limited = await exportSegmentCsv(deps, { brandId: brand.brandId, expression, storeIds: [], limit: 2 });
    expect(limited.ok && limited.rows).toBe(2);
  });

  it('saves segments by case-insensitive name, with the creator scope; lists what a viewer may see', async () => {
    const b = brand.brandId;
    const created = await saveSegment(deps, { brandId: b, name: 'Gold Dubai', expression: 'tier = gold and city = Dubai', storeIds: [], createdBy: 'staff:admin' });
    expect(created.status).toBe('created');
    const updated = await saveSegment(deps, { brandId: b, name: 'gold dubai', expression: 'tier = gold and city = Dubai and days_since_last_purchase > 60', storeIds: [], createdBy: 'staff:admin' });
    expect(updated.status).toBe('updated');
    if (created.status !== 'created' || updated.status !== 'updated') throw new Error('unreachable');
    expect(updated.segment).toMatchObject({ id: created.segment.id, name: 'gold dubai', expression: 'tier = gold and city = Dubai and days_since_last_purchase > 60', storeIds: [], createdBy: 'staff:admin' });
    expect((await getSegment(deps, { brandId: b, name: 'GOLD DUBAI' }))?.id).toBe(created.segment.id);
    expect(await getSegment(deps, { brandId: b, name: 'nope' })).toBeNull();

    const mine = await saveSegment(deps, { brandId: b, name: 'My regulars', expression: 'visits >= 3', storeIds: [storeId['DXB-1']], createdBy: 'staff:manager' });
    expect(mine.status === 'created' && mine.segment.storeIds).toEqual([storeId['DXB-1']]);
    // A store manager cannot overwrite a brand-wide segment.
    expect((await saveSegment(deps, { brandId: b, name: 'Gold Dubai', expression: 'visits > 1', storeIds: [storeId['DXB-1']], createdBy: 'staff:manager' })).status).toBe('bad_name');

    expect((await listSegments(deps, { brandId: b, storeIds: [] })).map((s) => s.name)).toEqual(['gold dubai', 'My regulars']);
    expect((await listSegments(deps, { brandId: b, storeIds: [storeId['DXB-1']] })).map((s) => s.name)).toEqual(['My regulars']);
    expect(await listSegments(deps, { brandId: b, storeIds: [storeId['DXB-2']] })).toEqual([]);

    expect(await saveSegment(deps, { brandId: b, name: 'Bad', expression: 'tier > 5', storeIds: [], createdBy: 'x' })).toEqual({
      status: 'invalid',
      error: { message: "expected a tier name after '>' for tier, got '5'", position: 7 },
    });
    for (const name of ['', '   ', '-x', 'a'.repeat(61), 'semi;colon']) {
      expect((await saveSegment(deps, { brandId: b, name, expression: 'visits > 1', storeIds: [], createdBy: 'x' })).status).toBe('bad_name');
    }
  });

  it('scores RFM by quintile and names every buyer exactly once', async () => {
    const b = await createBrand(handle.db, { tiers: TIERS });
    // 15 buyers: each score 1–5 is held by 3 of them in R, in F and in M. [R, F, expected segment]; M is high for
    // the 13th (can't lose them) and low for the 15th (at risk instead).
    const plan: Array<[number, number, string]> = [
      [5, 5, 'champions'],
      [5, 1, 'new'],
      [5, 3, 'potential_loyalists'],
      [4, 4, 'champions'],
      [4, 2, 'potential_loyalists'],
      [4, 1, 'potential_loyalists'],
      [3, 3, 'loyal'],
      [3, 1, 'hibernating'],
      [3, 5, 'loyal'],
      [2, 3, 'at_risk'],
      [2, 2, 'hibernating'],
      [2, 4, 'at_risk'],
      [1, 5, 'cant_lose_them'],
      [1, 2, 'lost'],
      [1, 4, 'at_risk'],
    ];
    const seen = new Map<string, number>();
    const next = (key: string) => {
      const k = seen.get(key) ?? 0;
      seen.set(key, k + 1);
      return k;
    };
    const ids: string[] = [];
    for (const [idx, [r, f]] of plan.entries()) {
      const m = await createMember(deps, b.brandId);
      ids.push(m.accountId);
      await handle.db
        .update(schema.memberFacts)
        .set({
          lastPurchaseAt: new Date(NOW.getTime() - ((5 - r) * 30 + next(`r${r}`) + 1) * DAY),
          visits: f * 10 + next(`f${f}`),
          lifetimeSpendMinor: idx === 12 ? 1_000_000 : idx === 14 ? 100 : 1_000 * (idx + 1),
        })
        .where(eq(schema.memberFacts.accountId, m.accountId));
    }
    const never = await createMember(deps, b.brandId);
    // A stale score on a member who has no purchase (e.g. all moved away) is cleared.
    await handle.db.update(schema.memberFacts).set({ rfmR: 3, rfmSegment: 'loyal' }).where(eq(schema.memberFacts.accountId, never.accountId));

    const result = await computeRfm(deps, { brandId: b.brandId });
    expect(result).toEqual({ members: 15, bySegment: { champions: 2, new: 1, potential_loyalists: 3, loyal: 2, hibernating: 2, at_risk: 3, cant_lose_them: 1, lost: 1 } });
    const rows = await handle.db.select().from(schema.memberFacts).where(eq(schema.memberFacts.brandId, b.brandId));
    const byId = new Map(rows.map((r) => [r.accountId, r]));
    expect(ids.map((id) => byId.get(id)).map((r) => [r?.rfmR, r?.rfmF, r?.rfmSegment])).toEqual(plan);
    expect(byId.get(ids[12]!)?.rfmM).toBe(5);
    expect(byId.get(ids[14]!)?.rfmM).toBe(1);
    expect(byId.get(never.accountId)).toMatchObject({ rfmR: null, rfmF: null, rfmM: null, rfmSegment: null });

    const c = async (expression: string) => {
      const r = await countSegment(deps, { brandId: b.brandId, expression, storeIds: [] });
      if (!r.ok) throw new Error(r.error.message);
      return r.count;
    };
    expect(await c('rfm = champions')).toBe(2);
    expect(await c(`rfm = "Can't lose them" or rfm = Lost`)).toBe(2);
    expect(await c('rfm in (at risk, hibernating)')).toBe(5);
    expect(await c('rfm_r = 5 and rfm_f >= 3')).toBe(2);
    expect(await c('not rfm = champions')).toBe(14);
    // Running again changes nothing.
    expect(await computeRfm(deps, { brandId: b.brandId })).toEqual(result);
  });

  it('gives members with equal behaviour equal scores', async () => {
    const b = await createBrand(handle.db, { tiers: TIERS });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const m = await createMember(deps, b.brandId);
      ids.push(m.accountId);
      await handle.db
        .update(schema.memberFacts)
        .set({ lastPurchaseAt: new Date(NOW.getTime() - (i + 1) * DAY), visits: 1, lifetimeSpendMinor: 5_000 })
        .where(eq(schema.memberFacts.accountId, m.accountId));
    }
    await computeRfm(deps, { brandId: b.brandId });
    const rows = await handle.db.select().from(schema.memberFacts).where(eq(schema.memberFacts.brandId, b.brandId));
    expect(new Set(rows.map((r) => `${r.rfmF}/${r.rfmM}`))).toEqual(new Set(['1/1']));
    expect(rows.map((r) => r.rfmR).sort()).toEqual([1, 2, 4, 5]);
  });

  describe('nightly refresh', () => {
    let b: BrandFixture;
    let second: string;
    const line = (sku: string, category: string, amountMinor: number, name?: string): TransactionLine => {
      // Lines may carry a product name (POS systems send one); the line type does not require it.
      const l = { sku, category, quantity: 1, amountMinor, ...(name ? { name } : {}) };
      return l;
    };
    const buy = async (memberCode: string, daysAgo: number, lines: TransactionLine[], store?: string) => {
      const input = purchase(b, { memberCode }, new Date(NOW.getTime() - daysAgo * DAY), lines, store ? { storeId: store } : {});
      const r = await recordTransaction(deps, input);
      if (r.status !== 'recorded') throw new Error(r.status);
      return input.externalId;
    };
    const factsOf = async (accountId: string) => (await handle.db.select().from(schema.memberFacts).where(eq(schema.memberFacts.accountId, accountId)))[0]!;

    beforeAll(async () => {
      b = await createBrand(handle.db, { tiers: TIERS });
      const [row] = await handle.db
        .insert(schema.stores)
        .values({ brandId: b.brandId, code: uniq('B'), name: { en: 'Second' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' })
        .returning({ id: schema.stores.id });
      second = row!.id;
    });

    it('sets favourite category and product and the most visited store', async () => {
      const shopper = await createMember(deps, b.brandId);
      await buy(shopper.memberCode, 30, [line('S1', 'Shoes', 5_000, 'Runner')]);
      await buy(shopper.memberCode, 20, [line('B1', 'Bags', 20_000), line('S1', 'Shoes', 5_000, 'Runner')]);
      await buy(shopper.memberCode, 10, [line('B2', 'Bags', 1_000)], second);
      // A tie on visits goes to the latest store.
      const tied = await createMember(deps, b.brandId);
      await buy(tied.memberCode, 9, [line('X', 'Toys', 100)], second);
      await buy(tied.memberCode, 5, [line('Y', 'Toys', 100)]);
      // A fully refunded purchase is no favourite.
      const refunder = await createMember(deps, b.brandId);
      const big = await buy(refunder.memberCode, 8, [line('T', 'Toys', 90_000, 'Robot')]);
      await buy(refunder.memberCode, 7, [line('K', 'Books', 1_000, 'Novel')]);
      const refund = await recordRefund(deps, { brandId: b.brandId, storeId: b.storeId, transactionExternalId: big, refundExternalId: uniq('rf'), amountMinor: 90_000 });
      expect(refund.status).toBe('refunded');
      const idle = await createMember(deps, b.brandId);

      // Before the job, the triggers keep the home store at the latest purchase.
      expect((await factsOf(shopper.accountId)).homeStoreId).toBe(second);
      expect(await refreshMemberFacts(deps, { brandId: b.brandId })).toEqual({ members: 4 });
      // Shoes and Bags are on 2 receipts each; Bags had more spent. Runner is on 2 receipts; sku when no name.
      expect(await factsOf(shopper.accountId)).toMatchObject({ favouriteCategory: 'Bags', favouriteProduct: 'Runner', homeStoreId: b.storeId });
      expect(await factsOf(tied.accountId)).toMatchObject({ favouriteCategory: 'Toys', favouriteProduct: 'X', homeStoreId: b.storeId });
      expect(await factsOf(refunder.accountId)).toMatchObject({ favouriteCategory: 'Books', favouriteProduct: 'Novel' });
      expect(await factsOf(idle.accountId)).toMatchObject({ favouriteCategory: null, favouriteProduct: null, homeStoreId: null });
      const r = await countSegment(deps, { brandId: b.brandId, expression: 'favourite_category = bags or favourite_product = novel', storeIds: [] });
      expect(r).toEqual({ ok: true, count: 2 });
    });

    it('runs both steps from the segments.rfm job', async () => {
      const queue = new InProcessJobQueue();
      try {
        await registerSegmentJobs(queue, deps, { brandIds: [b.brandId] })();
        await queue.start();
        await queue.enqueue(SEGMENT_JOBS.rfm, { brandId: b.brandId });
        await eventually(async () => {
          const rows = await handle.db.select().from(schema.memberFacts).where(eq(schema.memberFacts.brandId, b.brandId));
          expect(rows.filter((r) => r.rfmSegment !== null)).toHaveLength(3);
        });
      } finally {
        await queue.close();
      }
    });
  });
});
