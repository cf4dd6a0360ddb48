import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { createTestDb, testDbKinds } from '../../test/helpers/test-db.js';
import { listAgents, verifyLogin } from '../agents/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../shared/index.js';
import { seedDemoData } from './seed-demo.js';

describe.each(testDbKinds)('demo seed on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  beforeEach(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock: new ManualClock(new Date('2026-11-22T10:00:00Z')), log: silentLog };
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  it('creates two agents on duty without a console password unless one is given, and canned responses in en/ar/zh', async () => {
    const first = await seedDemoData(deps, 'demo', { agentPassword: undefined });
    expect(first).toMatchObject({ agents: 2 });
    const agents = await listAgents(deps, { brandId: 'demo' });
    expect(agents.map((a) => [a.login, a.name, a.onDuty, a.hasPassword])).toEqual([
      ['omar', 'Omar', true, false],
      ['sara', 'Sara', true, false],
    ]);
    const canned = await handle.db.select().from(schema.cannedResponses).where(eq(schema.cannedResponses.brandId, 'demo'));
    expect(new Set(canned.map((c) => `${c.name}:${c.language}`))).toEqual(new Set(['greeting', 'points', 'closing'].flatMap((n) => ['en', 'ar', 'zh'].map((l) => `${n}:${l}`))));
    const [points] = await handle.db.select().from(schema.cannedResponses).where(and(eq(schema.cannedResponses.name, 'points'), eq(schema.cannedResponses.language, 'en')));
    expect(points!.text).toMatch(/\{points\}.*\{tier\}.*\{member_code\}/);

    // Seeding again creates nothing twice; a password given now is set on the agents that had none.
    expect(await seedDemoData(deps, 'demo', { agentPassword: 'demo console secret' })).toMatchObject({ agents: 0, agentPasswords: true });
    expect(await listAgents(deps, { brandId: 'demo' })).toHaveLength(2);
    expect((await verifyLogin(deps, { brandId: 'demo', login: 'sara', password: 'demo console secret' })).status).toBe('ok');
    // An existing password is never overwritten by a later seed.
    await seedDemoData(deps, 'demo', { agentPassword: 'another demo secret' });
    expect((await verifyLogin(deps, { brandId: 'demo', login: 'omar', password: 'demo console secret' })).status).toBe('ok');
    await expect(seedDemoData(deps, 'demo', { agentPassword: 'short' })).rejects.toThrow(/DEMO_AGENT_PASSWORD: the password must be at least 10/);
  });
});
