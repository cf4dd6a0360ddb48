import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { enroll, adjustPoints, setTierFloor, findAccount } from '../../core/loyalty/index.js';
import { resolveCustomer } from '../../core/customers/index.js';
import { seedDemoData } from '../../core/demo/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

describe.each(testDbKinds)('manual adjustments on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let accountId: string;
  const staff = { type: 'staff' as const, id: 'staff-1' };

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock: new ManualClock(new Date('2026-06-01T10:00:00Z')), log: silentLog };
    await seedDemoData(deps, 'demo');
    const { customer } = await resolveCustomer(deps, { brandId: 'demo', channel: 'web', externalId: 'adjust-test-1' });
    await enroll(deps, { brandId: 'demo', customerId: customer.id, channel: 'web', name: 'A', birthday: '1990-01-01', acceptedTerms: true, marketingOptIn: false, termsVersion: 'v', marketingWordingVersion: 'v' });
    accountId = (await findAccount(deps, customer.id))!.id;
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  const auditRows = () => handle.db.select().from(schema.auditLog).where(eq(schema.auditLog.target, `account:${accountId}`));

  it('adds points with a reason and audits it, once per idempotency key', async () => {
    const first = await adjustPoints(deps, { accountId, points: 250, reason: 'goodwill: late delivery', actor: staff, idempotencyKey: 'cmd-1' });
    const again = await adjustPoints(deps, { accountId, points: 250, reason: 'goodwill: late delivery', actor: staff, idempotencyKey: 'cmd-1' });
    expect(first).toMatchObject({ status: 'posted', balance: 250 });
    expect(again).toMatchObject({ status: 'duplicate' });
    const [entry] = await handle.db.select().from(schema.pointsLedger).where(eq(schema.pointsLedger.idempotencyKey, 'adjust:cmd-1'));
    expect(entry).toMatchObject({ kind: 'adjust', points: 250, note: 'goodwill: late delivery', actor: 'staff:staff-1' });
    const rows = await auditRows();
    expect(rows.filter((r) => r.action === 'points.adjust').map((r) => [r.actorId, r.result, r.details])).toContainEqual(['staff-1', 'ok', { points: 250, reason: 'goodwill: late delivery' }]);
  });

  it('refuses an adjustment without a reason and never overdraws', async () => {
    expect(await adjustPoints(deps, { accountId, points: 10, reason: '  ', actor: staff, idempotencyKey: 'cmd-2' })).toEqual({ status: 'reason_required' });
    expect(await adjustPoints(deps, { accountId, points: -10_000, reason: 'error', actor: staff, idempotencyKey: 'cmd-3' })).toMatchObject({ status: 'insufficient_points', balance: 250 });
    expect((await auditRows()).some((r) => r.result === 'insufficient_points')).toBe(true);
    expect((await handle.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, accountId)))[0]?.pointsBalance).toBe(250);
  });

  it('sets a tier floor: moves the member up, emits a tier event, audits', async () => {
    expect(await setTierFloor(deps, { accountId, tierCode: 'gold', reason: 'VIP by manager', actor: staff })).toEqual({ status: 'ok', tierCode: 'gold' });
    const [account] = await handle.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, accountId));
    expect(account).toMatchObject({ tierCode: 'gold', tierFloor: 'gold' });
    const events = await handle.db.select().from(schema.loyaltyEvents).where(eq(schema.loyaltyEvents.accountId, accountId));
    expect(events.map((e) => e.payload)).toContainEqual({ from: 'bronze', to: 'gold', reason: 'staff' });
    expect(await setTierFloor(deps, { accountId, tierCode: 'titanium', reason: 'x', actor: staff })).toEqual({ status: 'unknown_tier' });
  });
});
