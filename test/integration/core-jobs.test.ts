// The core's jobs run through the JobQueue the app uses: here the in-process one, driven by job name.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_JOBS, registerCoreJobs } from '../../core/jobs/index.js';
import { recordTransaction } from '../../core/pos/index.js';
import { InProcessJobQueue, ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { createBrand, createMember, purchase } from '../helpers/loyalty-fixtures.js';
import { eventually } from '../helpers/eventually.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

describe.each(testDbKinds)('core jobs on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let queue: InProcessJobQueue;
  let clock: ManualClock;
  let deps: CoreDeps;

  beforeAll(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(new Date('2026-03-01T08:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    queue = new InProcessJobQueue({ log: silentLog });
  });
  afterAll(async () => {
    await queue?.close();
    await handle?.cleanup();
  });

  it('releases pending points and expires them when their jobs run', async () => {
    const b = await createBrand(handle.db, { settings: { pendingDays: 14, expiry: { policy: 'months_after_earn', months: 1 } } });
    const m = await createMember(deps, b.brandId);
    registerCoreJobs(queue, deps, { brandId: b.brandId, timezone: 'Asia/Dubai' });
    await queue.start();
    const r = await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, clock.now(), [12_000]));
    expect(r).toMatchObject({ status: 'recorded', pointsPending: 120 });

    clock.advance(15 * 86_400_000);
    await queue.enqueue(CORE_JOBS.releasePending, {});
    const account = async () => (await handle.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, m.accountId)))[0]!;
    await eventually(async () => expect(await account()).toMatchObject({ pointsBalance: 120, pendingPoints: 0 }));

    clock.advance(40 * 86_400_000);
    await queue.enqueue(CORE_JOBS.expirePoints, {});
    await eventually(async () => expect((await account()).pointsBalance).toBe(0));
  });
});
