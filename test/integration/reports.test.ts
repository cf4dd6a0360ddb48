// core/reports on every supported database: brandStats figures and daily series (days in the brand's time zone,
// store scope, other brands left out) and the staff file links (hashed token, expiry, several fetches).
import { createHash, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brandStats, createStaffFile, pruneStaffFiles, takeStaffFile } from '../../core/reports/index.js';
import { AppError, ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { rowsOf, schema } from '../../db/index.js';
import { createBrand, createMember, createStore, type BrandFixture, type MemberFixture } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

// Dubai is UTC+4: 2026-03-01T01:00+04:00 is still 28 February in UTC, and must count on 1 March.
const at = (local: string): Date => new Date(`${local}+04:00`);
const FROM = at('2026-03-01T00:00:00');
const TO = at('2026-03-04T00:00:00');

describe.each(testDbKinds)('reports on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let b: BrandFixture;
  let s2: string;
  let m: MemberFixture[];

  beforeAll(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(at('2026-03-10T12:00:00'));
    deps = { db: handle.db, clock, log: silentLog };
    b = await createBrand(handle.db);
    s2 = await createStore(handle.db, b.brandId);
    m = [];
    for (let i = 0; i < 4; i++) m.push(await createMember(deps, b.brandId));
    const [m1, m2, m3, m4] = m as [MemberFixture, MemberFixture, MemberFixture, MemberFixture];
    const enrolled = [at('2026-02-10T10:00:00'), at('2026-03-01T01:00:00'), at('2026-03-02T12:00:00'), at('2026-03-05T09:00:00')];
    const balances = [500, 100, 50, 10];
    for (const [i, member] of m.entries()) {
      await handle.db.update(schema.loyaltyAccounts).set({ enrolledAt: enrolled[i]!, pointsBalance: balances[i]! }).where(eq(schema.loyaltyAccounts.id, member.accountId));
    }

    // Another brand's member and points must never show.
    const other = await createBrand(handle.db);
    const stranger = await createMember(deps, other.brandId);
    await handle.db.update(schema.loyaltyAccounts).set({ enrolledAt: at('2026-03-02T10:00:00'), pointsBalance: 7777 }).where(eq(schema.loyaltyAccounts.id, stranger.accountId));

    const ledger = (member: MemberFixture, kindName: string, points: number, when: string) => ({
      accountId: member.accountId,
      kind: kindName,
      points,
      balanceAfter: 1000,
      idempotencyKey: randomUUID(),
      createdAt: at(when),
    });
    await handle.db.insert(schema.pointsLedger).values([
      ledger(m1, 'earn', 300, '2026-03-01T10:00:00'),
      ledger(m2, 'bonus', 100, '2026-03-01T02:00:00'),
      ledger(m1, 'redeem', -200, '2026-03-02T15:00:00'),
      ledger(m1, 'adjust', 50, '2026-03-03T09:00:00'),
      ledger(m1, 'adjust', -20, '2026-03-03T09:30:00'),
      ledger(m3, 'earn', 40, '2026-03-03T23:30:00'),
      ledger(m3, 'expire', -10, '2026-03-02T00:10:00'),
      ledger(m4, 'earn', 999, '2026-03-04T00:30:00'),
      ledger(stranger, 'earn', 5000, '2026-03-02T10:00:00'),
    ]);

    const sale = (member: MemberFixture | null, storeId: string, when: string, totalMinor: number, refundedMinor = 0) => ({
      brandId: b.brandId,
      storeId,
      externalId: randomUUID(),
      contentHash: 'x',
      customerId: member?.customerId ?? null,
      accountId: member?.accountId ?? null,
      occurredAt: at(when),
      currency: 'AED',
      totalMinor,
      refundedMinor,
      lines: [],
    });
    await handle.db.insert(schema.posTransactions).values([
      sale(m1, b.storeId, '2026-03-01T11:00:00', 10_000, 2_000),
      sale(m1, b.storeId, '2026-03-02T11:00:00', 5_000),
      sale(m3, s2, '2026-03-02T18:00:00', 7_000),
      sale(null, s2, '2026-03-03T13:00:00', 3_000),
      sale(m2, s2, '2026-03-01T23:59:00', 1_000),
      sale(m2, s2, '2026-02-28T23:59:00', 99_000),
    ]);
    // Home stores as the segments job would set them (the purchase trigger sets the latest store meanwhile).
    const home = [b.storeId, b.storeId, s2, s2];
    for (const [i, member] of m.entries()) await handle.db.update(schema.memberFacts).set({ homeStoreId: home[i]! }).where(eq(schema.memberFacts.accountId, member.accountId));

    const [survey] = await handle.db.insert(schema.surveys).values({ brandId: b.brandId, kind: 'post_purchase' }).returning({ id: schema.surveys.id });
    const answer = (member: MemberFixture, storeId: string, score: number, when: string) => ({
      brandId: b.brandId,
      surveyId: survey!.id,
      customerId: member.customerId,
      storeId,
      status: 'answered',
      dueAt: at(when),
      sentAt: at(when),
      score,
      answeredAt: at(when),
    });
    await handle.db.insert(schema.surveyResponses).values([
      answer(m1, b.storeId, 10, '2026-03-01T12:00:00'),
      answer(m2, b.storeId, 3, '2026-03-02T12:00:00'),
      answer(m3, s2, 9, '2026-03-02T12:00:00'),
      answer(m3, s2, 7, '2026-03-03T12:00:00'),
      answer(m4, s2, 0, '2026-03-06T12:00:00'),
    ]);

    const ticket = (member: MemberFixture, storeId: string, t: { status: string; firstDue: string; resolveDue: string; responded?: string; resolved?: string }) => ({
      brandId: b.brandId,
      customerId: member.customerId,
      storeId,
      category: 'other',
      priority: 'normal',
      status: t.status,
      source: 'chat',
      description: 'x',
      firstResponseDueAt: at(t.firstDue),
      resolutionDueAt: at(t.resolveDue),
      firstRespondedAt: t.responded ? at(t.responded) : null,
      resolvedAt: t.resolved ? at(t.resolved) : null,
    });
    await handle.db.insert(schema.tickets).values([
      // Open and past its resolution time: a breach now.
      ticket(m1, b.storeId, { status: 'open', firstDue: '2026-03-05T10:00:00', resolveDue: '2026-03-06T10:00:00', responded: '2026-03-05T09:00:00' }),
      // Open, answered, not due yet.
      ticket(m3, s2, { status: 'pending_customer', firstDue: '2026-03-09T10:00:00', resolveDue: '2026-03-12T10:00:00', responded: '2026-03-09T09:00:00' }),
      // Resolved late in the period.
      ticket(m3, s2, { status: 'resolved', firstDue: '2026-03-01T10:00:00', resolveDue: '2026-03-02T10:00:00', responded: '2026-03-01T09:00:00', resolved: '2026-03-02T11:00:00' }),
      // Resolved on time in the period.
      ticket(m2, b.storeId, { status: 'closed', firstDue: '2026-03-01T10:00:00', resolveDue: '2026-03-03T10:00:00', responded: '2026-03-01T09:00:00', resolved: '2026-03-02T11:00:00' }),
      // Resolved late, before the period.
      ticket(m2, b.storeId, { status: 'resolved', firstDue: '2026-02-01T10:00:00', resolveDue: '2026-02-02T10:00:00', responded: '2026-02-01T09:00:00', resolved: '2026-02-05T11:00:00' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await handle?.cleanup();
  });

  it('reports the whole brand for a period, with days in the brand time zone', async () => {
    const r = await brandStats(deps, { brandId: b.brandId, from: FROM, to: TO, storeIds: [] });
    expect(r.period).toEqual({ from: FROM, to: TO });
    expect(r.members).toEqual({ total: 3, new: 2, active: 3 });
    expect(r.points).toEqual({ issued: 490, redeemed: 200, expired: 10, outstanding: 660 });
    expect(r.redemptionRate).toBeCloseTo(200 / 490, 10);
    expect(r.nps).toEqual({ score: 25, responses: 4, promoters: 2, passives: 1, detractors: 1 });
    expect(r.tickets).toEqual({ open: 2, slaBreaches: 2 });
    expect(r.sales).toEqual({ transactions: 5, revenueMinor: 8_000 + 5_000 + 7_000 + 3_000 + 1_000, currency: 'AED' });
    expect(r.daily).toEqual([
      { day: '2026-03-01', newMembers: 1, activeMembers: 2, pointsIssued: 400, pointsRedeemed: 0 },
      { day: '2026-03-02', newMembers: 1, activeMembers: 2, pointsIssued: 0, pointsRedeemed: 200 },
      { day: '2026-03-03', newMembers: 0, activeMembers: 0, pointsIssued: 90, pointsRedeemed: 0 },
    ]);
  });

  it('limits every figure to the given stores', async () => {
    const r = await brandStats(deps, { brandId: b.brandId, from: FROM, to: TO, storeIds: [b.storeId] });
    // Members m1 and m2 live in store 1; only m1 bought there.
    expect(r.members).toEqual({ total: 2, new: 1, active: 1 });
    expect(r.points).toEqual({ issued: 450, redeemed: 200, expired: 0, outstanding: 600 });
    expect(r.nps).toEqual({ score: 0, responses: 2, promoters: 1, passives: 0, detractors: 1 });
    expect(r.tickets).toEqual({ open: 1, slaBreaches: 1 });
    expect(r.sales).toEqual({ transactions: 2, revenueMinor: 13_000, currency: 'AED' });
    expect(r.daily.map((d) => d.activeMembers)).toEqual([1, 1, 0]);

    const both = await brandStats(deps, { brandId: b.brandId, from: FROM, to: TO, storeIds: [b.storeId, s2] });
    expect(both.members).toEqual({ total: 3, new: 2, active: 3 });
  });

  it('gives null rates when nothing happened, and refuses bad input', async () => {
    const quiet = await brandStats(deps, { brandId: b.brandId, from: at('2025-01-01T00:00:00'), to: at('2025-01-02T00:00:00'), storeIds: [] });
    expect(quiet.redemptionRate).toBeNull();
    expect(quiet.nps).toBeNull();
    expect(quiet.daily).toEqual([{ day: '2025-01-01', newMembers: 0, activeMembers: 0, pointsIssued: 0, pointsRedeemed: 0 }]);
    await expect(brandStats(deps, { brandId: b.brandId, from: TO, to: FROM, storeIds: [] })).rejects.toBeInstanceOf(AppError);
    await expect(brandStats(deps, { brandId: b.brandId, from: FROM, to: TO, storeIds: ["x' or 1=1 --"] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(brandStats(deps, { brandId: 'no-such-brand', from: FROM, to: TO, storeIds: [] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(brandStats(deps, { brandId: b.brandId, from: at('2000-01-01T00:00:00'), to: TO, storeIds: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('stores a staff file under a hashed token and serves it until it expires', async () => {
    const data = new TextEncoder().encode('phone,name\n+971500000000,Lina\n');
    const created = await createStaffFile(deps, { brandId: b.brandId, fileName: 'lapsed.csv', mimeType: 'text/csv', data });
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await handle.db.select().from(schema.staffFiles).where(eq(schema.staffFiles.id, created.id));
    expect(row?.tokenHash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(row?.expiresAt.getTime()).toBe(clock.now().getTime() + 60 * 60_000);

    for (let i = 0; i < 2; i++) {
      const file = await takeStaffFile(deps, { token: created.token });
      expect(file).toMatchObject({ id: created.id, brandId: b.brandId, fileName: 'lapsed.csv', mimeType: 'text/csv' });
      expect(Buffer.from(file!.data).toString('utf8')).toBe('phone,name\n+971500000000,Lina\n');
    }
    expect(await takeStaffFile(deps, { token: created.token.slice(0, -1) + (created.token.endsWith('A') ? 'B' : 'A') })).toBeNull();
    expect(await takeStaffFile(deps, { token: "' or 1=1 --" })).toBeNull();

    const png = await createStaffFile(deps, { brandId: b.brandId, fileName: 'stats.png', mimeType: 'image/png', data: new Uint8Array([137, 80, 78, 71]), ttlMinutes: 10 });
    clock.advance(11 * 60_000);
    expect(await takeStaffFile(deps, { token: png.token })).toBeNull();
    expect(await takeStaffFile(deps, { token: created.token })).not.toBeNull();
    expect(await pruneStaffFiles(deps)).toBe(1);
    expect(Number(rowsOf<{ n: unknown }>(await handle.db.execute(sql`select count(*) as n from staff_files`))[0]?.n)).toBe(1);
  });
});
