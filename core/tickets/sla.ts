// SLA monitoring: which tickets are about to miss (or have missed) their first-response or resolution target. Each
// notice is claimed by one conditional update that appends its key to tickets.sla_notices only if it is not there
// yet, so two runs at once (two workers, a retry) send every notice once. Claiming comes before notifying: a notice
// whose delivery fails is logged and not retried (at most once), because a staff chat flooded with repeats is worse.
import { and, asc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps, JobQueue } from '../shared/index.js';

/** Which target a notice is about. */
export type SlaKind = 'first_response' | 'resolution';
/** 'warning' before the due time, 'breach' once it has passed. */
export type SlaLevel = 'warning' | 'breach';

/** One notice for the staff team chat. */
export interface SlaNotice {
  ticketId: number;
  brandId: string;
  customerId: string;
  storeId: string | null;
  assigneeId: string | null;
  category: string;
  priority: string;
  target: SlaKind;
  level: SlaLevel;
  dueAt: Date;
  /** The key kept in tickets.sla_notices, e.g. 'first_response_warning'. */
  key: `${SlaKind}_${SlaLevel}`;
}

/**
 * Finds the SLA notices due at `now` and claims each (so it is returned by one run only): a warning when a target
 * not yet met is due within `warnBeforeMinutes`, a breach once it is past. A ticket already past due gets the breach
 * only (a late warning would say nothing new). Open and pending tickets only; at most `limit` tickets per run.
 */
export async function checkSla(deps: CoreDeps, input: { now: Date; warnBeforeMinutes?: number; limit?: number }): Promise<SlaNotice[]> {
  const now = input.now;
  const horizon = new Date(now.getTime() + (input.warnBeforeMinutes ?? 30) * 60_000);
  const t = schema.tickets;
  const candidates = await deps.db
    .select()
    .from(t)
    .where(
      and(
        inArray(t.status, ['open', 'pending_customer']),
        // Only tickets with a notice still to send, so a ticket breached days ago does not crowd out new ones.
        or(
          and(isNull(t.firstRespondedAt), owes(t.firstResponseDueAt, 'first_response', now, horizon)),
          owes(t.resolutionDueAt, 'resolution', now, horizon),
        ),
      ),
    )
    .orderBy(asc(t.resolutionDueAt), asc(t.id))
    .limit(input.limit ?? 500);
  const notices: SlaNotice[] = [];
  for (const ticket of candidates) {
    const due: Array<{ target: SlaKind; dueAt: Date }> = [{ target: 'resolution', dueAt: ticket.resolutionDueAt }];
    if (!ticket.firstRespondedAt) due.unshift({ target: 'first_response', dueAt: ticket.firstResponseDueAt });
    for (const { target, dueAt } of due) {
      if (dueAt > horizon) continue;
      const level: SlaLevel = dueAt <= now ? 'breach' : 'warning';
      const key = `${target}_${level}` as const;
      if (ticket.slaNotices.includes(key)) continue;
      if (!(await claimNotice(deps, ticket.id, key))) continue;
      notices.push({
        ticketId: ticket.id,
        brandId: ticket.brandId,
        customerId: ticket.customerId,
        storeId: ticket.storeId,
        assigneeId: ticket.assigneeId,
        category: ticket.category,
        priority: ticket.priority,
        target,
        level,
        dueAt,
        key,
      });
    }
  }
  return notices;
}

/** SQL: the target due at `dueAt` owes its breach (past due) or its warning (due within the horizon). */
function owes(dueAt: typeof schema.tickets.firstResponseDueAt | typeof schema.tickets.resolutionDueAt, target: SlaKind, now: Date, horizon: Date): SQL | undefined {
  return or(
    and(lte(dueAt, now), lacks(`${target}_breach`)),
    and(gt(dueAt, now), lte(dueAt, horizon), lacks(`${target}_warning`)),
  );
}

function lacks(key: string): SQL {
  return sql`not (${schema.tickets.slaNotices} @> ${JSON.stringify([key])}::jsonb)`;
}

/**
 * Appends `key` to the ticket's sent notices unless it is there already (or the ticket left the open states
 * meanwhile); true when this call added it. The condition is checked by the UPDATE itself, so of two concurrent
 * runs exactly one gets true.
 */
async function claimNotice(deps: CoreDeps, ticketId: number, key: string): Promise<boolean> {
  const t = schema.tickets;
  const keyJson = JSON.stringify([key]);
  const claimed = await deps.db
    .update(t)
    .set({ slaNotices: sql`${t.slaNotices} || ${keyJson}::jsonb` })
    .where(and(eq(t.id, ticketId), inArray(t.status, ['open', 'pending_customer']), lacks(key)))
    .returning({ id: t.id });
  return claimed.length === 1;
}

/** Names of the tickets' jobs. */
export const TICKET_JOBS = { checkSla: 'tickets.check-sla' } as const;

const MINUTE = 60_000;
const BATCH = 500;

/**
 * Registers the SLA check (every 5 minutes) and returns the function that declares its schedule, as
 * registerCoreJobs does. Each notice goes to `notify` (the app posts it to the staff team chat); a failing `notify`
 * is logged and the run goes on with the other notices.
 */
export function registerTicketJobs(
  queue: JobQueue,
  deps: CoreDeps,
  opts: { notify: (notice: SlaNotice) => Promise<void>; warnBeforeMinutes?: number },
): () => Promise<void> {
  queue.register(TICKET_JOBS.checkSla, async () => {
    // A backlog (after downtime) drains in one run: a ticket whose notices are all claimed is no longer a candidate.
    for (;;) {
      const notices = await checkSla(deps, { now: deps.clock.now(), warnBeforeMinutes: opts.warnBeforeMinutes, limit: BATCH });
      for (const notice of notices) {
        try {
          await opts.notify(notice);
        } catch (err) {
          deps.log.error({ ticketId: notice.ticketId, notice: notice.key, err: err instanceof Error ? err.message : String(err) }, 'SLA notice not delivered');
        }
      }
      if (notices.length === 0) break;
    }
  });
  return async () => {
    await queue.schedule('tickets:check-sla', TICKET_JOBS.checkSla, { everyMs: 5 * MINUTE });
  };
}
