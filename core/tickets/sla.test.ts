import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { eventually } from '../../test/helpers/eventually.js';
import { createBrand, type BrandFixture } from '../../test/helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../../test/helpers/test-db.js';
import { resolveCustomer } from '../customers/index.js';
import { InProcessJobQueue, ManualClock, silentLog, type CoreDeps, type JobQueue, type Log } from '../shared/index.js';
import { checkSla, registerTicketJobs, TICKET_JOBS, type SlaNotice } from './sla.js';
import { changeStatus, createTicket, recordFirstResponse } from './tickets.js';

const staff = { type: 'staff' as const, id: 'ops-1' };
const keys = (notices: SlaNotice[]) => notices.map((n) => `${n.ticketId}:${n.key}`).sort();

describe.each(testDbKinds)('SLA monitoring on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brand: BrandFixture;
  let queue: InProcessJobQueue | undefined;
  beforeEach(async () => {
    handle = await createTestDb(kind);
    // Monday 2 March 2026, 12:00 in Dubai: a normal ticket's first response is due at 20:00 (16:00Z), its
    // resolution at 12:00 on Sunday 8 March (08:00Z).
    clock = new ManualClock(new Date('2026-03-02T08:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    brand = await createBrand(handle.db);
  });
  afterEach(async () => {
    await queue?.close();
    queue = undefined;
    await handle.cleanup();
  });

  async function ticket() {
    const { customer } = await resolveCustomer(deps, { brandId: brand.brandId, channel: 'web', externalId: randomUUID() });
    return createTicket(deps, { brandId: brand.brandId, customerId: customer.id, category: 'service', description: 'Rude staff', source: 'chat', actor: { type: 'customer', id: customer.id } });
  }
  const at = (iso: string) => {
    clock.set(new Date(iso));
    return clock.now();
  };
  // Two runs at once, as two workers (or a retry overlapping a slow run) would do.
  const twoRuns = async (now: Date) => (await Promise.all([checkSla(deps, { now }), checkSla(deps, { now })])).flat();

  it('warns and then breaches each target once, even with two runs at once', async () => {
    const t = await ticket();
    expect(await twoRuns(at('2026-03-02T15:20:00Z'))).toEqual([]); // 40 minutes left: too early to warn
    const warning = await twoRuns(at('2026-03-02T15:35:00Z'));
    expect(keys(warning)).toEqual([`${t.id}:first_response_warning`]);
    expect(warning[0]).toMatchObject({ brandId: brand.brandId, customerId: t.customerId, priority: 'normal', category: 'service', target: 'first_response', level: 'warning', dueAt: t.firstResponseDueAt });
    expect(await twoRuns(at('2026-03-02T15:50:00Z'))).toEqual([]);
    expect(keys(await twoRuns(at('2026-03-02T16:00:00Z')))).toEqual([`${t.id}:first_response_breach`]);
    expect(await twoRuns(at('2026-03-02T18:00:00Z'))).toEqual([]);

    await recordFirstResponse(deps, { brandId: brand.brandId, ticketId: t.id, actor: staff });
    expect(keys(await twoRuns(at('2026-03-08T07:45:00Z')))).toEqual([`${t.id}:resolution_warning`]);
    expect(keys(await twoRuns(at('2026-03-08T08:01:00Z')))).toEqual([`${t.id}:resolution_breach`]);
    expect(await twoRuns(at('2026-03-09T08:00:00Z'))).toEqual([]);
    const [row] = await handle.db.select().from(schema.tickets).where(eq(schema.tickets.id, t.id));
    expect(row!.slaNotices).toEqual(['first_response_warning', 'first_response_breach', 'resolution_warning', 'resolution_breach']);
  });

  it('sends only the breach when a target is found already past due, and nothing for met targets or finished tickets', async () => {
    const late = await ticket();
    const answered = await ticket();
    const resolved = await ticket();
    const closed = await ticket();
    await recordFirstResponse(deps, { brandId: brand.brandId, ticketId: answered.id, actor: staff });
    await changeStatus(deps, { brandId: brand.brandId, ticketId: resolved.id, to: 'resolved', actor: staff });
    await changeStatus(deps, { brandId: brand.brandId, ticketId: closed.id, to: 'closed', actor: staff });
    const notices = await checkSla(deps, { now: at('2026-03-09T00:00:00Z') });
    expect(keys(notices)).toEqual(
      [`${late.id}:first_response_breach`, `${late.id}:resolution_breach`, `${answered.id}:resolution_breach`].sort(),
    );
  });

  it('honours a wider warning window', async () => {
    const t = await ticket();
    expect(await checkSla(deps, { now: at('2026-03-02T14:30:00Z') })).toEqual([]);
    expect(keys(await checkSla(deps, { now: clock.now(), warnBeforeMinutes: 120 }))).toEqual([`${t.id}:first_response_warning`]);
  });

  it('runs from the queue every 5 minutes and passes each notice to notify once', async () => {
    const a = await ticket();
    const b = await ticket();
    at('2026-03-02T16:10:00Z'); // both past their first-response target
    const lines: string[] = [];
    const log: Log = { ...silentLog, error: (_obj: object, msg?: string) => void lines.push(msg ?? '') };
    const sent: SlaNotice[] = [];
    queue = new InProcessJobQueue({ log: silentLog });
    const declare = registerTicketJobs(queue, { ...deps, log }, {
      notify: (notice) => {
        // The team chat is down for ticket a: the notice is logged, the others still go out.
        if (notice.ticketId === a.id) return Promise.reject(new Error('team chat down'));
        sent.push(notice);
        return Promise.resolve();
      },
    });
    await queue.start();
    await declare(); // an interval schedule runs once at once
    await eventually(() => expect(keys(sent)).toEqual([`${b.id}:first_response_breach`]));
    expect(lines).toEqual(['SLA notice not delivered']);
    // A later run sends what is new, and nothing it sent before.
    at('2026-03-08T08:05:00Z');
    await queue.enqueue(TICKET_JOBS.checkSla, {});
    await eventually(() => expect(keys(sent)).toEqual([`${b.id}:first_response_breach`, `${b.id}:resolution_breach`]));
    expect(lines).toEqual(['SLA notice not delivered', 'SLA notice not delivered']);
  });

  it('declares its schedule every 5 minutes', async () => {
    const schedules: unknown[] = [];
    const recorder: JobQueue = {
      register: () => undefined,
      enqueue: () => Promise.resolve(),
      schedule: (...args: unknown[]) => {
        schedules.push(args);
        return Promise.resolve();
      },
      unschedule: () => Promise.resolve(),
      start: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    await registerTicketJobs(recorder, deps, { notify: () => Promise.resolve() })();
    expect(schedules).toEqual([['tickets:check-sla', 'tickets.check-sla', { everyMs: 300_000 }]]);
  });
});
