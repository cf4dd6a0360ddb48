import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { createBrand } from '../../test/helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../../test/helpers/test-db.js';
import { lockConversation } from '../conversation/index.js';
import { resolveCustomer } from '../customers/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../shared/index.js';
import { handBack, handBackIdle, handoffQueue, requestHandoff, takeHandoff, touchHandoff } from './handoff.js';

describe.each(testDbKinds)('handoff on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brandId: string;
  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(new Date('2026-11-22T10:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    brandId = (await createBrand(handle.db)).brandId;
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  async function conversation() {
    const chatId = randomUUID();
    const { customer } = await resolveCustomer(deps, { brandId, channel: 'web', externalId: chatId });
    const conv = await handle.db.transaction((tx) => lockConversation({ ...deps, db: tx }, { brandId, channel: 'web', chatId, customerId: customer.id }));
    return { conversationId: conv.id, customerId: customer.id };
  }
  async function agent(name: string, opts: { onDuty?: boolean; max?: number } = {}) {
    const [row] = await handle.db
      .insert(schema.agents)
      .values({ brandId, name, login: name.toLowerCase(), onDuty: opts.onDuty ?? true, maxConversations: opts.max ?? 5 })
      .returning();
    return row!.id;
  }
  const mode = async (conversationId: string) => (await handle.db.select().from(schema.conversations).where(eq(schema.conversations.id, conversationId)))[0]!.mode;

  it('queues a request once, silences the bot at once, and tells the queue position', async () => {
    const a = await conversation();
    const b = await conversation();
    const first = await requestHandoff(deps, { brandId, ...a, reason: 'asked' });
    expect(first).toMatchObject({ status: 'queued', position: 1, agentsOnDuty: 0 });
    expect(await mode(a.conversationId)).toBe('agent');
    expect(await requestHandoff(deps, { brandId, ...a, reason: 'asked' })).toMatchObject({ status: 'already_open', position: 1 });
    expect(await requestHandoff(deps, { brandId, ...b, reason: 'complaint' })).toMatchObject({ status: 'queued', position: 2 });
    expect((await handoffQueue(deps, { brandId })).map((h) => h.conversationId)).toEqual([a.conversationId, b.conversationId]);
  });

  it('assigns round-robin among agents on duty with room, never beyond their cap', async () => {
    const ali = await agent('Ali', { max: 1 });
    const bea = await agent('Bea', { max: 1 });
    await agent('Off', { onDuty: false });
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await requestHandoff(deps, { brandId, ...(await conversation()), reason: 'asked' }));
      clock.advance(1000);
    }
    const assigned = results.filter((r) => r.status === 'assigned').map((r) => (r.status === 'assigned' ? r.agentId : ''));
    expect(assigned.sort()).toEqual([ali, bea].sort());
    expect(results[2]).toMatchObject({ status: 'queued', position: 1, agentsOnDuty: 2 });
  });

  it('lets exactly one of two agents take a queued conversation, and tells the other who has it', async () => {
    const c = await conversation();
    const queued = await requestHandoff(deps, { brandId, ...c, reason: 'asked' });
    const ali = await agent('Ali', { onDuty: false });
    const bea = await agent('Bea', { onDuty: false });
    const [x, y] = await Promise.all([
      takeHandoff(deps, { brandId, handoffId: queued.handoff.id, agentId: ali }),
      takeHandoff(deps, { brandId, handoffId: queued.handoff.id, agentId: bea }),
    ]);
    const statuses = [x.status, y.status].sort();
    expect(statuses).toEqual(['taken', 'taken_by_other']);
    const winner = x.status === 'taken' ? ali : bea;
    expect([x, y].find((r) => r.status === 'taken_by_other')).toMatchObject({ agentId: winner });
  });

  it('hands back to the bot: only the agent who has it (or staff), once', async () => {
    const ali = await agent('Ali');
    const bea = await agent('Bea', { onDuty: false });
    const c = await conversation();
    const r = await requestHandoff(deps, { brandId, ...c, reason: 'asked' });
    expect(r.status).toBe('assigned');
    expect(await handBack(deps, { brandId, handoffId: r.handoff.id, by: { type: 'agent', id: bea } })).toEqual({ status: 'not_yours' });
    expect((await handBack(deps, { brandId, handoffId: r.handoff.id, by: { type: 'agent', id: ali } })).status).toBe('handed_back');
    expect(await mode(c.conversationId)).toBe('bot');
    expect(await handBack(deps, { brandId, handoffId: r.handoff.id, by: { type: 'staff', id: 'ops' } })).toEqual({ status: 'already_closed' });
    // A new request after the hand back is a new handoff.
    expect((await requestHandoff(deps, { brandId, ...c, reason: 'asked' })).status).toBe('assigned');
  });

  it('hands back idle conversations and requests that waited too long, not active ones', async () => {
    await agent('Ali');
    const idle = await conversation();
    const active = await conversation();
    const rIdle = await requestHandoff(deps, { brandId, ...idle, reason: 'asked' });
    const rActive = await requestHandoff(deps, { brandId, ...active, reason: 'asked' });
    expect([rIdle.status, rActive.status]).toEqual(['assigned', 'assigned']);
    clock.advance(20 * 60_000);
    await touchHandoff(deps, active.conversationId);
    clock.advance(15 * 60_000);
    const closed = await handBackIdle(deps, { brandId, idleMs: 30 * 60_000, queuedMaxMs: 4 * 60 * 60_000 });
    expect(closed.map((h) => h.conversationId)).toEqual([idle.conversationId]);
    expect(closed[0]?.closedBy).toBe('timeout');
    expect(await mode(idle.conversationId)).toBe('bot');
    expect(await mode(active.conversationId)).toBe('agent');
  });
});
