import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { DAY, createBrand, createMember, createStore, type BrandFixture } from '../../test/helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../../test/helpers/test-db.js';
import { resolveCustomer } from '../customers/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../shared/index.js';
import {
  addNote,
  assign,
  changeStatus,
  createTicket,
  recordCsat,
  recordCsatComment,
  recordFirstResponse,
  setPriority,
  ticketHistory,
  ticketStatusForCustomer,
  type CreateTicketInput,
} from './tickets.js';

const HOUR = 3_600_000;
const TIERS = [
  { code: 'bronze', minPoints: 0 },
  { code: 'gold', minPoints: 5_000 },
  { code: 'platinum', minPoints: 20_000 },
];
const staff = { type: 'staff' as const, id: 'ops-1' };

describe.each(testDbKinds)('tickets on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brand: BrandFixture;
  beforeEach(async () => {
    handle = await createTestDb(kind);
    // Monday 2 March 2026, 12:00 in Dubai.
    clock = new ManualClock(new Date('2026-03-02T08:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    brand = await createBrand(handle.db, { tiers: TIERS });
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  async function customer(brandId = brand.brandId) {
    return (await resolveCustomer(deps, { brandId, channel: 'web', externalId: randomUUID() })).customer.id;
  }
  const open = (customerId: string, extra: Partial<CreateTicketInput> = {}) =>
    createTicket(deps, { brandId: brand.brandId, customerId, category: 'product', description: 'Scratched bottle', source: 'chat', actor: { type: 'customer', id: customerId }, ...extra });
  async function agent(name: string, brandId = brand.brandId) {
    const [row] = await handle.db.insert(schema.agents).values({ brandId, name, login: `${name.toLowerCase()}-${randomUUID().slice(0, 6)}` }).returning();
    return row!.id;
  }
  const events = async (ticketId: number) =>
    (await ticketHistory(deps, { brandId: brand.brandId, ticketId })).map((e) => ({ kind: e.kind, actor: `${e.actorType}:${e.actorId}`, details: e.details }));

  describe('createTicket', () => {
    it('opens a normal ticket with SLA due times in the store’s business hours, and records who created it', async () => {
      const c = await customer();
      const t = await open(c, { storeId: brand.storeId, orderReference: ' A-17 ' });
      expect(t).toMatchObject({ status: 'open', priority: 'normal', source: 'chat', storeId: brand.storeId, orderReference: 'A-17' });
      // 12:00 Dubai + 8h = 20:00 the same day; + 72h = 6 business days of 12h: 12:00 on Sunday 8 March.
      expect(t.firstResponseDueAt.toISOString()).toBe('2026-03-02T16:00:00.000Z');
      expect(t.resolutionDueAt.toISOString()).toBe('2026-03-08T08:00:00.000Z');
      expect(await events(t.id)).toEqual([
        { kind: 'created', actor: `customer:${c}`, details: { priority: 'normal', reasons: [], source: 'chat', timeZone: 'Asia/Dubai' } },
      ]);
    });

    it('raises VIPs, upset customers and repeat contacts, and caps at urgent', async () => {
      const vip = await createMember(deps, brand.brandId, { tierCode: 'platinum' });
      const regular = await createMember(deps, brand.brandId, { tierCode: 'gold' });
      expect((await open(vip.customerId)).priority).toBe('high');
      expect((await open(regular.customerId)).priority).toBe('normal');
      expect((await open(regular.customerId, { sentiment: -0.7 })).priority).toBe('high');
      // The VIP's second ticket, upset: high + 1 = urgent.
      const upsetVip = await open(vip.customerId, { sentiment: -0.9 });
      expect(upsetVip.priority).toBe('urgent');
      // The VIP's third within a week, upset: would be high + 2, capped.
      expect((await open(vip.customerId, { sentiment: -0.9 })).priority).toBe('urgent');
      expect((await events(upsetVip.id))[0]?.details).toMatchObject({ priority: 'urgent', reasons: ['vip', 'negative_sentiment'], sentiment: -0.9 });
    });

    it('counts repeat contact over the last 7 days only', async () => {
      const c = await customer();
      expect((await open(c)).priority).toBe('normal');
      clock.advance(DAY);
      expect((await open(c)).priority).toBe('normal');
      clock.advance(DAY);
      expect((await open(c)).priority).toBe('high'); // two others within 7 days
      clock.advance(7 * DAY);
      expect((await open(c)).priority).toBe('normal'); // all three are older than 7 days now
    });

    it('counts time in the store’s zone, else the brand’s, with the brand’s own hours', async () => {
      const taipei = await createStore(handle.db, brand.brandId, { timezone: 'Asia/Taipei' });
      const c = await customer();
      // 08:00Z is 16:00 in Taipei: 6h left today, then 2h from 10:00 (02:00Z) tomorrow.
      expect((await open(c, { storeId: taipei })).firstResponseDueAt.toISOString()).toBe('2026-03-03T04:00:00.000Z');
      // No store: the brand's Dubai hours.
      expect((await open(c)).firstResponseDueAt.toISOString()).toBe('2026-03-02T16:00:00.000Z');
      // A brand that opens 09:00–18:00 and answers normal tickets within 4h.
      const policy = (brandId: string) => (brandId === brand.brandId ? { businessHours: { hours: { open: '09:00', close: '18:00' } }, sla: { normal: { firstResponseHours: 4, resolutionHours: 9 } } } : {});
      const other = await createTicket(deps, { brandId: brand.brandId, customerId: await customer(), category: 'points', description: 'Missing points', source: 'staff', actor: staff }, policy);
      // 12:00 + 4h = 16:00; 12:00 + 9h = 6h today + 3h from 09:00 tomorrow = 12:00.
      expect(other.firstResponseDueAt.toISOString()).toBe('2026-03-02T12:00:00.000Z');
      expect(other.resolutionDueAt.toISOString()).toBe('2026-03-03T08:00:00.000Z');
    });

    it('refuses a store or a customer of another brand', async () => {
      const otherBrand = await createBrand(handle.db);
      const c = await customer();
      await expect(open(c, { storeId: otherBrand.storeId })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(open(await customer(otherBrand.brandId))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await handle.db.select().from(schema.tickets)).toEqual([]);
    });
  });

  describe('working a ticket', () => {
    it('moves through legal statuses with a history of every change, and refuses illegal ones', async () => {
      const c = await customer();
      const t = await open(c);
      const go = (to: 'open' | 'pending_customer' | 'resolved' | 'closed') => changeStatus(deps, { brandId: brand.brandId, ticketId: t.id, to, actor: staff });
      expect(await go('pending_customer')).toMatchObject({ status: 'changed', kind: 'status_changed', from: 'open' });
      expect(await go('pending_customer')).toMatchObject({ status: 'unchanged' });
      clock.advance(HOUR);
      const resolved = await go('resolved');
      expect(resolved).toMatchObject({ status: 'changed', ticket: { status: 'resolved', resolvedAt: clock.now() } });
      const reopened = await go('open');
      expect(reopened).toMatchObject({ status: 'changed', kind: 'reopened', ticket: { status: 'open', resolvedAt: null } });
      await go('resolved');
      expect(await go('closed')).toMatchObject({ status: 'changed', ticket: { status: 'closed', closedAt: clock.now() } });
      expect(await go('open')).toEqual({ status: 'illegal_transition', from: 'closed', to: 'open' });
      expect(await go('resolved')).toEqual({ status: 'illegal_transition', from: 'closed', to: 'resolved' });
      expect((await events(t.id)).map((e) => [e.kind, e.actor, e.details.from, e.details.to])).toEqual([
        ['created', `customer:${c}`, undefined, undefined],
        ['status_changed', 'staff:ops-1', 'open', 'pending_customer'],
        ['status_changed', 'staff:ops-1', 'pending_customer', 'resolved'],
        ['reopened', 'staff:ops-1', 'resolved', 'open'],
        ['status_changed', 'staff:ops-1', 'open', 'resolved'],
        ['status_changed', 'staff:ops-1', 'resolved', 'closed'],
      ]);
      expect(await changeStatus(deps, { brandId: 'another-brand', ticketId: t.id, to: 'open', actor: staff })).toEqual({ status: 'not_found' });
    });

    it('assigns, re-prioritises, notes and records the first reply, each with its event', async () => {
      const c = await customer();
      const t = await open(c);
      const ali = await agent('Ali');
      const actor = { type: 'agent' as const, id: ali };
      expect(await assign(deps, { brandId: brand.brandId, ticketId: t.id, agentId: ali, actor: staff })).toMatchObject({ status: 'assigned', ticket: { assigneeId: ali } });
      expect(await assign(deps, { brandId: brand.brandId, ticketId: t.id, agentId: ali, actor: staff })).toMatchObject({ status: 'unchanged' });
      await expect(assign(deps, { brandId: brand.brandId, ticketId: t.id, agentId: await agent('Elsewhere', (await createBrand(handle.db)).brandId), actor: staff })).rejects.toMatchObject({ code: 'NOT_FOUND' });

      // Raised to urgent: the SLA is recomputed from creation (12:00 + 1h, + 8h).
      const raised = await setPriority(deps, { brandId: brand.brandId, ticketId: t.id, priority: 'urgent', actor, reason: 'press' });
      expect(raised).toMatchObject({ status: 'changed', ticket: { priority: 'urgent' } });
      if (raised.status !== 'changed') throw new Error('not changed');
      expect(raised.ticket.firstResponseDueAt.toISOString()).toBe('2026-03-02T09:00:00.000Z');
      expect(raised.ticket.resolutionDueAt.toISOString()).toBe('2026-03-02T16:00:00.000Z');

      expect(await addNote(deps, { brandId: brand.brandId, ticketId: t.id, text: ' Called the store ', actor })).toMatchObject({ status: 'added' });
      clock.advance(30 * 60_000);
      const [first, second] = await Promise.all([
        recordFirstResponse(deps, { brandId: brand.brandId, ticketId: t.id, actor }),
        recordFirstResponse(deps, { brandId: brand.brandId, ticketId: t.id, actor }),
      ]);
      expect([first.status, second.status].sort()).toEqual(['already_responded', 'recorded']);
      expect((await recordFirstResponse(deps, { brandId: brand.brandId, ticketId: t.id, actor })).status).toBe('already_responded');

      expect((await events(t.id)).slice(1)).toEqual([
        { kind: 'assigned', actor: 'staff:ops-1', details: { from: null, to: ali } },
        {
          kind: 'priority_changed',
          actor: `agent:${ali}`,
          details: { from: 'normal', to: 'urgent', reason: 'press', firstResponseDueAt: '2026-03-02T09:00:00.000Z', resolutionDueAt: '2026-03-02T16:00:00.000Z' },
        },
        { kind: 'note', actor: `agent:${ali}`, details: { text: 'Called the store' } },
        { kind: 'first_response', actor: `agent:${ali}`, details: { withinSla: true } },
      ]);

      await changeStatus(deps, { brandId: brand.brandId, ticketId: t.id, to: 'closed', actor: staff });
      expect(await assign(deps, { brandId: brand.brandId, ticketId: t.id, agentId: null, actor: staff })).toEqual({ status: 'closed' });
      expect(await setPriority(deps, { brandId: brand.brandId, ticketId: t.id, priority: 'low', actor: staff })).toEqual({ status: 'closed' });
    });

    it('keeps the history append-only', async () => {
      const t = await open(await customer());
      await expect(handle.db.update(schema.ticketEvents).set({ kind: 'forged' }).where(eq(schema.ticketEvents.ticketId, t.id))).rejects.toThrow();
      await expect(handle.db.execute(sql`delete from ticket_events`)).rejects.toThrow();
      expect((await events(t.id)).map((e) => e.kind)).toEqual(['created']);
    });
  });

  describe('ticketStatusForCustomer', () => {
    it('lists the customer’s open tickets and those closed lately, newest first', async () => {
      const c = await customer();
      const old = await open(c, { category: 'delivery' });
      await changeStatus(deps, { brandId: brand.brandId, ticketId: old.id, to: 'closed', actor: staff });
      clock.advance(40 * DAY);
      const done = await open(c, { category: 'voucher' });
      await changeStatus(deps, { brandId: brand.brandId, ticketId: done.id, to: 'resolved', actor: staff });
      clock.advance(HOUR);
      const waiting = await open(c, { category: 'points' });
      await changeStatus(deps, { brandId: brand.brandId, ticketId: waiting.id, to: 'pending_customer', actor: staff });
      await open(await customer()); // someone else's
      expect(await ticketStatusForCustomer(deps, { brandId: brand.brandId, customerId: c })).toEqual([
        { id: waiting.id, status: 'pending_customer', category: 'points', createdAt: waiting.createdAt },
        { id: done.id, status: 'resolved', category: 'voucher', createdAt: done.createdAt },
      ]);
    });
  });

  describe('recordCsat', () => {
    it('takes a whole 1–5 once, on a resolved ticket only', async () => {
      const c = await customer();
      const t = await open(c);
      const csat = (score: number, comment?: string) => recordCsat(deps, { brandId: brand.brandId, ticketId: t.id, score, ...(comment !== undefined ? { comment } : {}) });
      expect(await csat(4)).toEqual({ status: 'not_resolved' });
      await changeStatus(deps, { brandId: brand.brandId, ticketId: t.id, to: 'resolved', actor: staff });
      for (const bad of [0, 6, 3.5, Number.NaN]) expect(await csat(bad)).toEqual({ status: 'invalid_score' });
      const [a, b] = await Promise.all([csat(5, '  Quick and kind  '), csat(2)]);
      expect([a.status, b.status].sort()).toEqual(['already_rated', 'recorded']);
      const winner = a.status === 'recorded' ? { score: 5, comment: 'Quick and kind' } : { score: 2, comment: null };
      const [row] = await handle.db.select().from(schema.tickets).where(eq(schema.tickets.id, t.id));
      expect({ score: row!.csatScore, comment: row!.csatComment }).toEqual(winner);
      expect(await csat(3)).toEqual({ status: 'already_rated' });
      const csatEvents = (await events(t.id)).filter((e) => e.kind === 'csat');
      expect(csatEvents).toHaveLength(1);
      expect(csatEvents[0]?.actor).toBe(`customer:${c}`);
      expect(await recordCsat(deps, { brandId: brand.brandId, ticketId: 999_999, score: 3 })).toEqual({ status: 'not_found' });
    });
  });

  describe('recordCsatComment', () => {
    it('adds the comment to a recorded score, once, with its own event', async () => {
      const c = await customer();
      const t = await open(c);
      const comment = (text: string, ticketId = t.id) => recordCsatComment(deps, { brandId: brand.brandId, ticketId, comment: text });
      await changeStatus(deps, { brandId: brand.brandId, ticketId: t.id, to: 'resolved', actor: staff });
      expect(await comment('too early')).toEqual({ status: 'not_rated' });
      await recordCsat(deps, { brandId: brand.brandId, ticketId: t.id, score: 4 });
      const [a, b] = await Promise.all([comment('  Quick and kind  '), comment('second')]);
      expect([a.status, b.status].sort()).toEqual(['already_commented', 'recorded']);
      const [row] = await handle.db.select().from(schema.tickets).where(eq(schema.tickets.id, t.id));
      expect(row!.csatComment).toBe(a.status === 'recorded' ? 'Quick and kind' : 'second');
      const kinds = (await events(t.id)).filter((e) => e.kind.startsWith('csat'));
      expect(kinds.map((e) => [e.kind, e.actor])).toEqual([
        ['csat', `customer:${c}`],
        ['csat_comment', `customer:${c}`],
      ]);
      expect(await comment('x', 999_999)).toEqual({ status: 'not_found' });
      await expect(comment('   ')).rejects.toThrow(/needs text/);
    });
  });
});
