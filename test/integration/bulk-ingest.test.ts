// Bulk ingest must be recordTransaction, only faster: the same 2,000 generated purchases (replays, conflicts,
// invalid ones, unknown members, several per member, referrals, first purchases, tier upgrades) go through
// recordTransaction on one database and ingestTransactions on another, and every resulting row is compared.
import { prng } from '../../bench/helpers/generate.js';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransactionCoalescer, ingestTransactions } from '../../core/pos/index.js';
import { recordTransaction, type TransactionInput, type TransactionResult } from '../../core/pos/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { rowsOf, schema, type Db } from '../../db/index.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

type TestDb = Awaited<ReturnType<typeof createTestDb>>;


interface Member {
  id: string;
  customerId: string;
  brandId: string;
  code: string;
  phone: string;
  verified: boolean;
  birthday: string | null;
  referredBy: string | null;
  firstPurchaseAt: string | null;
  qualifying: number;
  tier: string;
  balance: number;
  enrolledAt: string;
}

interface Fixture {
  stores: Array<{ id: string; brandId: string; code: string; currency: string; timezone: string }>;
  members: Member[];
  rules: Array<typeof schema.earningRules.$inferInsert>;
  purchases: TransactionInput[];
}

const BRANDS = [
  // The default programme: purchase points wait 14 days as pending points.
  { id: 'bulk-pend', settings: {} },
  // Points posted at once, so the ledger, lots, tier upgrades and their events are exercised.
  { id: 'bulk-now', settings: { pendingDays: 0, firstPurchaseBonus: 50, referral: { referrerPoints: 120, refereePoints: 80 } } },
];
const NOW_TIERS = [
  { code: 'bronze', minPoints: 0 },
  { code: 'silver', minPoints: 300 },
  { code: 'gold', minPoints: 1_500 },
  { code: 'platinum', minPoints: 4_000 },
];

function makeFixture(count: number, seed: number): Fixture {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const stores: Fixture['stores'] = [
    { id: randomUUID(), brandId: 'bulk-pend', code: 'P1', currency: 'AED', timezone: 'Asia/Dubai' },
    { id: randomUUID(), brandId: 'bulk-pend', code: 'P2', currency: 'AED', timezone: 'Asia/Dubai' },
    { id: randomUUID(), brandId: 'bulk-now', code: 'N1', currency: 'AED', timezone: 'Asia/Dubai' },
    { id: randomUUID(), brandId: 'bulk-now', code: 'N2', currency: 'TWD', timezone: 'Asia/Taipei' },
  ];
  const members: Member[] = [];
  for (const brand of BRANDS) {
    const own: Member[] = [];
    for (let n = 0; n < 40; n++) {
      const month = 1 + Math.floor(rnd() * 12);
      const m: Member = {
        id: randomUUID(),
        customerId: randomUUID(),
        brandId: brand.id,
        code: `${brand.id}-M${n}`,
        // Two members share a verified phone: the one enrolled last must win, as matchAccount orders it.
        phone: n === 39 ? own[38]!.phone : `+9715${brand.id === 'bulk-now' ? 1 : 0}${String(1_000_000 + n).slice(1)}`,
        verified: n % 3 !== 0 || n >= 38,
        birthday: rnd() < 0.8 ? `19${80 + (n % 20)}-${String(month).padStart(2, '0')}-1${n % 10}` : null,
        referredBy: n >= 5 && n % 7 === 0 ? own[n - 5]!.id : null,
        firstPurchaseAt: n % 5 === 4 ? '2026-01-10T10:00:00.000Z' : null,
        qualifying: n % 6 === 1 ? 250 : 0,
        tier: 'bronze',
        balance: n % 6 === 1 ? 250 : 0,
        enrolledAt: new Date(Date.UTC(2025, 0, 1 + n)).toISOString(),
      };
      own.push(m);
    }
    members.push(...own);
  }
  const rules: Fixture['rules'] = [
    { id: randomUUID(), brandId: 'bulk-now', name: 'oud x2', kind: 'line_multiplier', priority: 1, multiplierPercent: 200, conditions: { categories: ['oud'] }, createdAt: new Date('2026-01-01T00:00:00Z') },
    { id: randomUUID(), brandId: 'bulk-now', name: 'wednesday 1.5x', kind: 'basket_multiplier', stackable: true, multiplierPercent: 150, conditions: { daysOfWeek: [3] }, createdAt: new Date('2026-01-02T00:00:00Z') },
    { id: randomUUID(), brandId: 'bulk-now', name: 'big basket', kind: 'basket_bonus', bonusPoints: 40, conditions: { minSpendMinor: 40_000 }, createdAt: new Date('2026-01-03T00:00:00Z') },
    { id: randomUUID(), brandId: 'bulk-pend', name: 'gold tier x1.2', kind: 'basket_multiplier', multiplierPercent: 120, conditions: { tiers: ['gold', 'platinum'] }, createdAt: new Date('2026-01-01T00:00:00Z') },
  ];

  const purchases: TransactionInput[] = [];
  const unknownStore = randomUUID();
  for (let n = 0; n < count; n++) {
    const r = rnd();
    if (n > 10 && r < 0.08) {
      // An honest retry: the same purchase again, sometimes right after, sometimes much later.
      purchases.push(purchases[Math.max(0, n - 1 - Math.floor(rnd() * (rnd() < 0.5 ? 3 : n)))]!);
      continue;
    }
    if (n > 10 && r < 0.11) {
      // The same id reused for another purchase: a conflict (unless the first was invalid).
      const prior = purchases[Math.floor(rnd() * n)]!;
      purchases.push({ ...prior, totalMinor: prior.totalMinor + 100 });
      continue;
    }
    const store = pick(stores);
    const brandMembers = members.filter((m) => m.brandId === store.brandId);
    const who = rnd();
    const member = brandMembers[Math.floor(Math.pow(rnd(), 2) * brandMembers.length)]!; // some members buy often
    const customer =
      who < 0.55
        ? { memberCode: member.code }
        : who < 0.7
          ? { phone: member.phone }
          : who < 0.75
            ? { memberCode: 'NO-SUCH-CODE', phone: member.phone }
            : who < 0.82
              ? { memberCode: `unknown-${n}` }
              : who < 0.9
                ? { phone: `+9715599${String(10_000 + n).slice(1)}` }
                : {};
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, k) => ({
      sku: `SKU-${k}-${Math.floor(rnd() * 20)}`,
      category: pick(['perfume', 'oud', 'gift_card', 'accessories']),
      quantity: 1 + Math.floor(rnd() * 2),
      amountMinor: rnd() < 0.03 ? 0 : rnd() < 0.005 ? -500 : Math.floor(rnd() * 30_000),
    }));
    const linesTotal = lines.reduce((s, l) => s + l.amountMinor, 0);
    const odd = rnd();
    purchases.push({
      brandId: odd < 0.01 ? (store.brandId === 'bulk-now' ? 'bulk-pend' : 'bulk-now') : store.brandId,
      storeId: odd < 0.02 && odd >= 0.01 ? unknownStore : store.id,
      externalId: `R-${n}`,
      customer,
      occurredAt: new Date(Date.UTC(2026, 2, 1) + Math.floor(rnd() * 28 * 86_400_000)),
      currency: odd >= 0.02 && odd < 0.03 ? 'USD' : store.currency,
      totalMinor: odd >= 0.03 && odd < 0.05 ? Math.max(0, linesTotal - 1) : odd >= 0.05 && odd < 0.07 ? 0 : linesTotal + Math.floor(rnd() * 500),
      lines: odd >= 0.05 && odd < 0.07 ? [] : lines,
    });
  }
  return { stores, members, rules, purchases };
}

async function seed(db: Db, f: Fixture): Promise<void> {
  for (const b of BRANDS) await db.insert(schema.brands).values({ id: b.id, name: b.id, settings: b.settings });
  await db.insert(schema.tiers).values(NOW_TIERS.map((t, rank) => ({ brandId: 'bulk-now', code: t.code, name: { en: t.code }, minPoints: t.minPoints, rank })));
  await db.insert(schema.stores).values(f.stores.map((s) => ({ ...s, name: { en: s.code }, city: 'X', country: 'AE' })));
  await db.insert(schema.earningRules).values(f.rules);
  await db.insert(schema.customers).values(f.members.map((m) => ({ id: m.customerId, brandId: m.brandId, phone: m.phone, phoneVerified: m.verified, birthday: m.birthday })));
  await db.insert(schema.loyaltyAccounts).values(
    f.members.map((m) => ({
      id: m.id,
      brandId: m.brandId,
      customerId: m.customerId,
      memberCode: m.code,
      pointsBalance: m.balance,
      qualifyingPoints: m.qualifying,
      tierCode: m.tier,
      referredByAccountId: m.referredBy,
      firstPurchaseAt: m.firstPurchaseAt ? new Date(m.firstPurchaseAt) : null,
      enrolledAt: new Date(m.enrolledAt),
      enrolledVia: 'pos',
      // A pending downgrade that an earned upgrade must clear.
      downgradeDueAt: m.qualifying > 0 ? new Date('2026-04-01T00:00:00Z') : null,
    })),
  );
  // Opening balances are real ledger entries with lots, so balance = ledger sum holds from the start.
  for (const m of f.members.filter((x) => x.balance > 0)) {
    const [entry] = await db
      .insert(schema.pointsLedger)
      .values({ accountId: m.id, kind: 'earn', points: m.balance, balanceAfter: m.balance, idempotencyKey: `seed:${m.code}`, createdAt: new Date('2026-01-01T00:00:00Z') })
      .returning({ id: schema.pointsLedger.id });
    await db.insert(schema.pointLots).values({ accountId: m.id, ledgerEntryId: entry!.id, points: m.balance, remaining: m.balance });
  }
}

/** Every row the purchases touched, with generated ids replaced by natural keys so two databases compare. */
async function snapshot(db: Db): Promise<Record<string, unknown>> {
  const q = async (text: string) => rowsOf<Record<string, unknown>>(await db.execute(sql.raw(text)));
  const txnKey = `(select s.code || '/' || t.external_id from pos_transactions t join stores s on s.id = t.store_id where t.id = `;
  return {
    accounts: await q(`select id, points_balance, qualifying_points, tier_code, pending_points, first_purchase_at::text, downgrade_due_at::text, updated_at = '2026-03-30T12:00:00Z' as posted_now from loyalty_accounts order by id`),
    transactions: await q(
      `select s.code || '/' || t.external_id as key, t.content_hash, t.account_id, t.customer_id, t.phone, t.points_earned, t.points_withheld, t.earning::text, t.lines::text, t.total_minor::text, t.occurred_at::text
       from pos_transactions t join stores s on s.id = t.store_id order by 1`,
    ),
    ledger: await q(
      `select account_id, kind, points, balance_after, expires_at::text, ${txnKey} l.reference::uuid) as purchase,
         regexp_replace(idempotency_key, '[0-9a-f-]{36}$', '') as key_kind, created_at::text
       from points_ledger l order by account_id, id`,
    ),
    lots: await q(`select account_id, points, remaining, expires_at::text from point_lots order by account_id, id`),
    pending: await q(`select account_id, ${txnKey} p.transaction_id) as purchase, points, release_at::text, status from pending_points p order by account_id, id`),
    events: await q(`select account_id, type, payload::text from loyalty_events order by account_id, id`),
    ledgerSums: await q(`select a.id, a.points_balance, coalesce(sum(l.points), 0)::int as ledger_sum from loyalty_accounts a left join points_ledger l on l.account_id = a.id group by a.id order by a.id`),
  };
}

/** Results with the generated transaction ids replaced by the purchase's key. */
function comparable(results: TransactionResult[], purchases: TransactionInput[], idToKey: Map<string, string>): unknown[] {
  return results.map((r, i) => {
    if (r.status !== 'recorded' && r.status !== 'replayed') return r;
    const key = idToKey.get(r.transactionId);
    expect(key, `result ${i} names a stored purchase`).toBeDefined();
    return { ...r, transactionId: key, input: purchases[i]!.externalId };
  });
}

async function idKeys(db: Db): Promise<Map<string, string>> {
  const rows = rowsOf<{ id: string; key: string }>(await db.execute(sql`select t.id, s.code || '/' || t.external_id as key from pos_transactions t join stores s on s.id = t.store_id`));
  return new Map(rows.map((r) => [r.id, r.key]));
}

describe.each(testDbKinds)('bulk ingest on %s', (kind) => {
  let one: TestDb;
  let bulk: TestDb;
  const clock = new ManualClock(new Date('2026-03-30T12:00:00Z'));
  const fixture = makeFixture(2_000, 20260330);

  beforeAll(async () => {
    one = await createTestDb(kind);
    bulk = await createTestDb(kind);
    await seed(one.db, fixture);
    await seed(bulk.db, fixture);
  });
  afterAll(async () => {
    await one?.cleanup();
    await bulk?.cleanup();
  });

  it('ends in exactly the state recordTransaction one by one ends in, with the same results', { timeout: 300_000 }, async () => {
    const depsOne: CoreDeps = { db: one.db, clock, log: silentLog };
    const depsBulk: CoreDeps = { db: bulk.db, clock, log: silentLog };
    const expected: TransactionResult[] = [];
    for (const p of fixture.purchases) expected.push(await recordTransaction(depsOne, p));
    // An odd batch size puts retries and conflicts both inside one batch and across batches.
    const actual = await ingestTransactions(depsBulk, fixture.purchases, { batchSize: 137 });

    const statuses = new Map<string, number>();
    for (const r of expected) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    // The fixture really exercises every outcome.
    for (const s of ['recorded', 'replayed', 'conflict', 'invalid']) expect(statuses.get(s) ?? 0, s).toBeGreaterThan(10);

    expect(comparable(actual, fixture.purchases, await idKeys(bulk.db))).toEqual(comparable(expected, fixture.purchases, await idKeys(one.db)));
    const a = await snapshot(one.db);
    const b = await snapshot(bulk.db);
    expect((a.ledger as unknown[]).length).toBeGreaterThan(100);
    expect((a.pending as unknown[]).length).toBeGreaterThan(100);
    expect((a.events as unknown[]).length).toBeGreaterThan(5);
    const keyKinds = (a.ledger as Array<{ key_kind: string }>).map((l) => l.key_kind);
    expect(keyKinds.filter((k) => k.startsWith('referral:')).length, 'referral bonuses').toBeGreaterThan(2);
    expect((a.transactions as Array<{ earning: string }>).filter((t) => t.earning.includes('first_purchase_bonus')).length, 'first purchases').toBeGreaterThan(10);
    expect(b).toEqual(a);
    for (const row of b.ledgerSums as Array<{ points_balance: number; ledger_sum: number }>) expect(row.points_balance).toBe(row.ledger_sum);

    // Sending everything again changes nothing and answers every purchase as a replay (or the same refusal).
    const again = await ingestTransactions(depsBulk, fixture.purchases, { batchSize: 500 });
    const againOne: TransactionResult[] = [];
    for (const p of fixture.purchases) againOne.push(await recordTransaction(depsOne, p));
    expect(again.every((r) => r.status !== 'recorded')).toBe(true);
    expect(comparable(again, fixture.purchases, await idKeys(bulk.db))).toEqual(comparable(againOne, fixture.purchases, await idKeys(one.db)));
    expect(await snapshot(bulk.db)).toEqual(b);
  });

  it('lets concurrent batches over the same members and retried ids finish without deadlock, each purchase once', { timeout: 120_000 }, async () => {
    const deps: CoreDeps = { db: bulk.db, clock, log: silentLog };
    const f = makeFixture(1_200, 7);
    // The members of the first fixture, so these purchases contend for the same accounts.
    const codes = fixture.members.map((m) => m.code);
    const stores = fixture.stores;
    const purchases = f.purchases.map((p, n) => ({
      ...p,
      externalId: `C-${p.externalId}`,
      storeId: stores[n % stores.length]!.id,
      brandId: stores[n % stores.length]!.brandId,
      currency: stores[n % stores.length]!.currency,
      customer: { memberCode: codes.filter((c) => c.startsWith(stores[n % stores.length]!.brandId))[n % 40]! },
      lines: p.lines.map((l) => ({ ...l, amountMinor: Math.abs(l.amountMinor) })),
      totalMinor: p.lines.reduce((s, l) => s + Math.abs(l.amountMinor), 0) + 1,
    }));
    // Four workers, each with an overlapping, differently ordered slice: every purchase is sent by two of them.
    const slices = [0, 1, 2, 3].map((w) => {
      const mine = purchases.filter((_, n) => n % 4 === w || n % 4 === (w + 1) % 4);
      return w % 2 === 0 ? mine : [...mine].reverse();
    });
    const results = await Promise.all(slices.map((s) => ingestTransactions(deps, s, { batchSize: 100 })));
    const recorded = results.flat().filter((r) => r.status === 'recorded').length;
    const unique = new Set(purchases.map((p) => `${p.storeId}/${p.externalId}`)).size;
    expect(recorded).toBe(unique);
    const rows = rowsOf<{ bad: number }>(
      await bulk.db.execute(sql`
        select count(*)::int as bad from loyalty_accounts a
        where a.points_balance <> coalesce((select sum(points) from points_ledger l where l.account_id = a.id), 0)
           or a.pending_points <> coalesce((select sum(points) from pending_points p where p.account_id = a.id and p.status = 'pending'), 0)`),
    );
    expect(rows[0]!.bad).toBe(0);
  });

  it('coalesces concurrent single purchases into batches, each answered as recordTransaction would, a bad one failing alone', { timeout: 120_000 }, async () => {
    const coalescer = createTransactionCoalescer({ db: bulk.db, clock, log: silentLog }, { maxBatch: 50 });
    const store = fixture.stores[2]!;
    const member = fixture.members.find((m) => m.brandId === store.brandId && m.verified)!;
    const purchase = (n: number): TransactionInput => ({
      brandId: store.brandId,
      storeId: store.id,
      externalId: `Q-${n}`,
      customer: { memberCode: member.code },
      occurredAt: new Date(Date.UTC(2026, 2, 20, 10, 0, n)),
      currency: store.currency,
      totalMinor: 10_000,
      lines: [{ sku: 'A', category: 'perfume', quantity: 1, amountMinor: 10_000 }],
    });
    const inputs = Array.from({ length: 200 }, (_, n) => purchase(n % 150));
    // Not an integer amount: the earning engine throws, for this purchase alone.
    const bad = { ...purchase(999), lines: [{ sku: 'A', category: 'perfume', quantity: 1, amountMinor: 10.5 }], totalMinor: 11 };
    const settled = await Promise.allSettled([...inputs, bad].map((p) => coalescer.record(p)));
    expect(settled.at(-1)!.status).toBe('rejected');
    const results = settled.slice(0, -1).map((r) => (r.status === 'fulfilled' ? r.value : { status: 'threw' as const }));
    expect(results.filter((r) => r.status === 'recorded')).toHaveLength(150);
    expect(results.filter((r) => r.status === 'replayed')).toHaveLength(50);
    const ids = new Map<string, string>();
    for (const [i, r] of results.entries()) {
      if (r.status !== 'recorded' && r.status !== 'replayed') throw new Error(`unexpected ${r.status}`);
      const key = inputs[i]!.externalId;
      expect(ids.get(key) ?? r.transactionId).toBe(r.transactionId);
      ids.set(key, r.transactionId);
      expect(r.pointsEarned).toBeGreaterThan(0);
    }
    const [account] = rowsOf<{ balance: number; ledger: number }>(
      await bulk.db.execute(sql`select points_balance as balance, (select coalesce(sum(points), 0)::int from points_ledger where account_id = ${member.id}) as ledger from loyalty_accounts where id = ${member.id}`),
    );
    expect(account!.balance).toBe(account!.ledger);
  });
});
