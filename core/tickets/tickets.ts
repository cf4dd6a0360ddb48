// Support tickets: created from chat, from a detractor's survey answer, or by staff; worked by agents. Every change is
// one transaction that updates the ticket and appends its ticket_events row (append-only, enforced by a trigger), so
// the history always tells who changed what and when. Refusals a person can cause (an illegal status change, a CSAT
// score of 7) are returned; a ticket of another brand or an unknown agent is a caller's bug and throws.
import { and, desc, eq, gt, inArray, isNotNull, isNull, ne, or, count } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import type { Actor } from '../audit/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';
import { addBusinessHours } from './business-hours.js';
import { assertPriority, resolveTicketPolicy, ticketPriority, type TicketPolicy, type TicketPolicyInput, type TicketPriority } from './policy.js';

/** A ticket row. */
export type Ticket = typeof schema.tickets.$inferSelect;
/** Where a ticket is in its life. */
export type TicketStatus = 'open' | 'pending_customer' | 'resolved' | 'closed';
/** Where a ticket came from. */
export type TicketSource = 'chat' | 'nps' | 'staff';
/** Who acts on a ticket (recorded on every event). */
export type TicketActor = Actor;
/** The brand's policy, or a function giving each brand's (the app's way to configure brands in code). */
export type TicketPolicyOption = TicketPolicyInput | ((brandId: string) => TicketPolicyInput);

const DAY = 86_400_000;

/** Input of createTicket. */
export interface CreateTicketInput {
  brandId: string;
  customerId: string;
  conversationId?: string;
  storeId?: string;
  category: string;
  description: string;
  source: TicketSource;
  orderReference?: string;
  /** From -1 (angry) to 1; optional, from the NLU or the survey answer. */
  sentiment?: number;
  actor: TicketActor;
}

/**
 * Opens a ticket: priority from the rules (VIP tier, sentiment, repeated contact), SLA due times in business hours of
 * the ticket's store (or the brand's time zone), and a 'created' event recording why it got its priority.
 */
export async function createTicket(deps: CoreDeps, input: CreateTicketInput, policyOption?: TicketPolicyOption): Promise<Ticket> {
  const policy = policyFor(input.brandId, policyOption);
  if (!input.category.trim() || !input.description.trim()) throw new AppError('INVALID_INPUT', 'a ticket needs a category and a description');
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const [customer] = await tx
      .select({ brandId: schema.customers.brandId })
      .from(schema.customers)
      .where(eq(schema.customers.id, input.customerId));
    if (!customer || customer.brandId !== input.brandId) throw new AppError('NOT_FOUND', 'customer not found in this brand');
    if (input.conversationId) {
      const [conv] = await tx.select({ customerId: schema.conversations.customerId }).from(schema.conversations).where(eq(schema.conversations.id, input.conversationId));
      if (!conv || conv.customerId !== input.customerId) throw new AppError('INVALID_INPUT', 'the conversation is not this customer’s');
    }
    const timeZone = await ticketTimeZone(tx, input.brandId, input.storeId ?? null);
    const [account] = await tx
      .select({ tierCode: schema.loyaltyAccounts.tierCode })
      .from(schema.loyaltyAccounts)
      .where(and(eq(schema.loyaltyAccounts.customerId, input.customerId), eq(schema.loyaltyAccounts.brandId, input.brandId)));
    const [recent] = await tx
      .select({ n: count() })
      .from(schema.tickets)
      .where(and(eq(schema.tickets.customerId, input.customerId), gt(schema.tickets.createdAt, new Date(now.getTime() - policy.repeatWindowDays * DAY))));
    const { priority, reasons } = ticketPriority({ tierCode: account?.tierCode ?? null, sentiment: input.sentiment, recentTickets: recent?.n ?? 0 }, policy);
    const due = slaDueTimes(now, priority, timeZone, policy);
    const [ticket] = await tx
      .insert(schema.tickets)
      .values({
        brandId: input.brandId,
        customerId: input.customerId,
        conversationId: input.conversationId ?? null,
        storeId: input.storeId ?? null,
        category: input.category.trim(),
        priority,
        status: 'open',
        source: input.source,
        orderReference: input.orderReference?.trim() || null,
        description: input.description.trim(),
        firstResponseDueAt: due.firstResponseDueAt,
        resolutionDueAt: due.resolutionDueAt,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await appendEvent(tx, ticket!.id, 'created', input.actor, now, {
      priority,
      reasons,
      source: input.source,
      ...(input.sentiment !== undefined ? { sentiment: input.sentiment } : {}),
      timeZone,
    });
    return ticket!;
  });
}

/** SLA due times of a ticket created at `from` with `priority`, in business hours of `timeZone`. */
export function slaDueTimes(from: Date, priority: TicketPriority, timeZone: string, policy: TicketPolicy): { firstResponseDueAt: Date; resolutionDueAt: Date } {
  const target = policy.sla[priority];
  return {
    firstResponseDueAt: addBusinessHours(from, target.firstResponseHours, timeZone, policy.businessHours),
    resolutionDueAt: addBusinessHours(from, target.resolutionHours, timeZone, policy.businessHours),
  };
}

/** Refusals shared by every change of a ticket. */
export type TicketRefusal = { status: 'not_found' } | { status: 'closed' };

/** What a status change did. */
export type ChangeStatusResult =
  | { status: 'changed'; ticket: Ticket; from: TicketStatus; kind: 'status_changed' | 'reopened' }
  | { status: 'unchanged'; ticket: Ticket }
  | { status: 'illegal_transition'; from: TicketStatus; to: TicketStatus }
  | { status: 'not_found' };

// Which status may follow which. Closed is final: a customer writing again about a closed ticket gets a new one,
// so a closed ticket's SLA and CSAT stay as they were. Resolved may go back to open (the fix did not hold).
const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ['pending_customer', 'resolved', 'closed'],
  pending_customer: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

/** True when a ticket may move from `from` to `to`. */
export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Moves a ticket to another status. Resolving stamps `resolvedAt`, closing `closedAt`; resolved → open is recorded
 * as 'reopened' and clears `resolvedAt`, so the resolution SLA applies again. Setting the current status again
 * changes nothing and records nothing (a retried request).
 */
export async function changeStatus(deps: CoreDeps, input: { brandId: string; ticketId: number; to: TicketStatus; actor: TicketActor; reason?: string }): Promise<ChangeStatusResult> {
  return deps.db.transaction(async (tx) => {
    const current = await lockTicket(tx, input.brandId, input.ticketId);
    if (!current) return { status: 'not_found' };
    const from = current.status as TicketStatus;
    if (from === input.to) return { status: 'unchanged', ticket: current };
    if (!canTransition(from, input.to)) return { status: 'illegal_transition', from, to: input.to };
    const now = deps.clock.now();
    const kind = from === 'resolved' && input.to === 'open' ? 'reopened' : 'status_changed';
    const [ticket] = await tx
      .update(schema.tickets)
      .set({
        status: input.to,
        updatedAt: now,
        ...(input.to === 'resolved' ? { resolvedAt: now } : {}),
        ...(kind === 'reopened' ? { resolvedAt: null } : {}),
        ...(input.to === 'closed' ? { closedAt: now } : {}),
      })
      .where(eq(schema.tickets.id, current.id))
      .returning();
    await appendEvent(tx, current.id, kind, input.actor, now, { from, to: input.to, ...(input.reason ? { reason: input.reason } : {}) });
    return { status: 'changed', ticket: ticket!, from, kind };
  });
}

/** What an assignment did. */
export type AssignResult = { status: 'assigned'; ticket: Ticket } | { status: 'unchanged'; ticket: Ticket } | TicketRefusal;

/** Gives a ticket to an agent of the brand, or takes it from everyone (`agentId: null`). Closed tickets stay as they are. */
export async function assign(deps: CoreDeps, input: { brandId: string; ticketId: number; agentId: string | null; actor: TicketActor }): Promise<AssignResult> {
  return deps.db.transaction(async (tx) => {
    const current = await lockTicket(tx, input.brandId, input.ticketId);
    if (!current) return { status: 'not_found' };
    if (current.status === 'closed') return { status: 'closed' };
    if (current.assigneeId === input.agentId) return { status: 'unchanged', ticket: current };
    if (input.agentId !== null) {
      const [agent] = await tx
        .select({ id: schema.agents.id })
        .from(schema.agents)
        .where(and(eq(schema.agents.id, input.agentId), eq(schema.agents.brandId, input.brandId), eq(schema.agents.active, true)));
      if (!agent) throw new AppError('NOT_FOUND', 'no active agent with this id in this brand');
    }
    const now = deps.clock.now();
    const [ticket] = await tx.update(schema.tickets).set({ assigneeId: input.agentId, updatedAt: now }).where(eq(schema.tickets.id, current.id)).returning();
    await appendEvent(tx, current.id, 'assigned', input.actor, now, { from: current.assigneeId, to: input.agentId });
    return { status: 'assigned', ticket: ticket! };
  });
}

/** What a priority change did. */
export type SetPriorityResult = { status: 'changed'; ticket: Ticket } | { status: 'unchanged'; ticket: Ticket } | TicketRefusal;

/**
 * Sets a ticket's priority by hand. The SLA due times are recomputed from the ticket's creation with the new
 * priority's targets (raising to 'urgent' tightens them); notices already sent are not sent again.
 */
export async function setPriority(
  deps: CoreDeps,
  input: { brandId: string; ticketId: number; priority: TicketPriority; actor: TicketActor; reason?: string },
  policyOption?: TicketPolicyOption,
): Promise<SetPriorityResult> {
  const priority = assertPriority(input.priority);
  const policy = policyFor(input.brandId, policyOption);
  return deps.db.transaction(async (tx) => {
    const current = await lockTicket(tx, input.brandId, input.ticketId);
    if (!current) return { status: 'not_found' };
    if (current.status === 'closed') return { status: 'closed' };
    if (current.priority === priority) return { status: 'unchanged', ticket: current };
    const now = deps.clock.now();
    const due = slaDueTimes(current.createdAt, priority, await ticketTimeZone(tx, current.brandId, current.storeId), policy);
    const [ticket] = await tx
      .update(schema.tickets)
      .set({ priority, ...due, updatedAt: now })
      .where(eq(schema.tickets.id, current.id))
      .returning();
    await appendEvent(tx, current.id, 'priority_changed', input.actor, now, {
      from: current.priority,
      to: priority,
      firstResponseDueAt: due.firstResponseDueAt.toISOString(),
      resolutionDueAt: due.resolutionDueAt.toISOString(),
      ...(input.reason ? { reason: input.reason } : {}),
    });
    return { status: 'changed', ticket: ticket! };
  });
}

/** What adding a note did. */
export type AddNoteResult = { status: 'added'; eventId: number } | { status: 'not_found' };

/** An internal note on a ticket (never shown to the customer); allowed on closed tickets too, for the record. */
export async function addNote(deps: CoreDeps, input: { brandId: string; ticketId: number; text: string; actor: TicketActor }): Promise<AddNoteResult> {
  const text = input.text.trim();
  if (!text) throw new AppError('INVALID_INPUT', 'a note needs text');
  return deps.db.transaction(async (tx) => {
    const current = await lockTicket(tx, input.brandId, input.ticketId);
    if (!current) return { status: 'not_found' };
    const now = deps.clock.now();
    await tx.update(schema.tickets).set({ updatedAt: now }).where(eq(schema.tickets.id, current.id));
    const eventId = await appendEvent(tx, current.id, 'note', input.actor, now, { text });
    return { status: 'added', eventId };
  });
}

/** What recording a reply did. */
export type FirstResponseResult = { status: 'recorded'; ticket: Ticket } | { status: 'already_responded'; at: Date } | TicketRefusal;

/**
 * Records an agent's reply to the customer as the ticket's first response (for the first-response SLA). Only the first
 * reply counts: later ones return `already_responded` and record nothing. One conditional update decides, so two
 * replies at once record one first response.
 */
export async function recordFirstResponse(deps: CoreDeps, input: { brandId: string; ticketId: number; actor: TicketActor }): Promise<FirstResponseResult> {
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const [ticket] = await tx
      .update(schema.tickets)
      .set({ firstRespondedAt: now, updatedAt: now })
      .where(and(eq(schema.tickets.id, input.ticketId), eq(schema.tickets.brandId, input.brandId), isNull(schema.tickets.firstRespondedAt), ne(schema.tickets.status, 'closed')))
      .returning();
    if (ticket) {
      await appendEvent(tx, ticket.id, 'first_response', input.actor, now, { withinSla: now <= ticket.firstResponseDueAt });
      return { status: 'recorded', ticket };
    }
    const [current] = await tx.select().from(schema.tickets).where(and(eq(schema.tickets.id, input.ticketId), eq(schema.tickets.brandId, input.brandId)));
    if (!current) return { status: 'not_found' };
    if (current.firstRespondedAt) return { status: 'already_responded', at: current.firstRespondedAt };
    return { status: 'closed' };
  });
}

/** A ticket as the customer sees it in chat. */
export interface CustomerTicketView {
  id: number;
  status: TicketStatus;
  category: string;
  createdAt: Date;
}

/**
 * The customer's tickets for "what's the status of my ticket": every open one (open or waiting for them), and those
 * resolved or closed in the last `recentDays` (default 30), newest first, at most `limit` (default 5).
 */
export async function ticketStatusForCustomer(
  deps: CoreDeps,
  input: { brandId: string; customerId: string; recentDays?: number; limit?: number },
): Promise<CustomerTicketView[]> {
  const since = new Date(deps.clock.now().getTime() - (input.recentDays ?? 30) * DAY);
  const rows = await deps.db
    .select({ id: schema.tickets.id, status: schema.tickets.status, category: schema.tickets.category, createdAt: schema.tickets.createdAt })
    .from(schema.tickets)
    .where(
      and(
        eq(schema.tickets.brandId, input.brandId),
        eq(schema.tickets.customerId, input.customerId),
        or(inArray(schema.tickets.status, ['open', 'pending_customer']), gt(schema.tickets.resolvedAt, since), gt(schema.tickets.closedAt, since)),
      ),
    )
    .orderBy(desc(schema.tickets.createdAt), desc(schema.tickets.id))
    .limit(input.limit ?? 5);
  return rows.map((r) => ({ ...r, status: r.status as TicketStatus }));
}

/** What recording a CSAT answer did. */
export type RecordCsatResult =
  | { status: 'recorded'; ticket: Ticket }
  | { status: 'invalid_score' }
  | { status: 'already_rated' }
  | { status: 'not_resolved' }
  | { status: 'not_found' };

/**
 * Records the customer's satisfaction (1–5, whole numbers) with a resolved or closed ticket, once: a second answer is
 * `already_rated` (one conditional update decides, so two answers at once record one). The comment is trimmed and
 * kept to 1,000 characters.
 */
export async function recordCsat(deps: CoreDeps, input: { brandId: string; ticketId: number; score: number; comment?: string }): Promise<RecordCsatResult> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) return { status: 'invalid_score' };
  const comment = input.comment?.trim().slice(0, 1_000) || null;
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const [ticket] = await tx
      .update(schema.tickets)
      .set({ csatScore: input.score, csatComment: comment, updatedAt: now })
      .where(
        and(
          eq(schema.tickets.id, input.ticketId),
          eq(schema.tickets.brandId, input.brandId),
          isNull(schema.tickets.csatScore),
          inArray(schema.tickets.status, ['resolved', 'closed']),
        ),
      )
      .returning();
    if (ticket) {
      await appendEvent(tx, ticket.id, 'csat', { type: 'customer', id: ticket.customerId }, now, { score: input.score, ...(comment ? { comment } : {}) });
      return { status: 'recorded', ticket };
    }
    const [current] = await tx.select().from(schema.tickets).where(and(eq(schema.tickets.id, input.ticketId), eq(schema.tickets.brandId, input.brandId)));
    if (!current) return { status: 'not_found' };
    if (current.csatScore !== null) return { status: 'already_rated' };
    return { status: 'not_resolved' };
  });
}

/** What adding a CSAT comment did. */
export type CsatCommentResult = { status: 'recorded'; ticket: Ticket } | { status: 'not_rated' } | { status: 'already_commented' } | { status: 'not_found' };

/**
 * Adds the customer's comment to a CSAT score recorded before: the chat records the score as soon as it is given and
 * asks for the comment after, so a score is never lost to a comment question left unanswered. Once per ticket (one
 * conditional update decides); trimmed and kept to 1,000 characters; appends a 'csat_comment' event.
 */
export async function recordCsatComment(deps: CoreDeps, input: { brandId: string; ticketId: number; comment: string }): Promise<CsatCommentResult> {
  const comment = input.comment.trim().slice(0, 1_000);
  if (!comment) throw new AppError('INVALID_INPUT', 'a CSAT comment needs text');
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const [ticket] = await tx
      .update(schema.tickets)
      .set({ csatComment: comment, updatedAt: now })
      .where(and(eq(schema.tickets.id, input.ticketId), eq(schema.tickets.brandId, input.brandId), isNotNull(schema.tickets.csatScore), isNull(schema.tickets.csatComment)))
      .returning();
    if (ticket) {
      await appendEvent(tx, ticket.id, 'csat_comment', { type: 'customer', id: ticket.customerId }, now, { comment });
      return { status: 'recorded', ticket };
    }
    const [current] = await tx.select().from(schema.tickets).where(and(eq(schema.tickets.id, input.ticketId), eq(schema.tickets.brandId, input.brandId)));
    if (!current) return { status: 'not_found' };
    return current.csatScore === null ? { status: 'not_rated' } : { status: 'already_commented' };
  });
}

/** A ticket's history, oldest first. */
export async function ticketHistory(deps: CoreDeps, input: { brandId: string; ticketId: number }): Promise<Array<typeof schema.ticketEvents.$inferSelect>> {
  const rows = await deps.db
    .select({ event: schema.ticketEvents })
    .from(schema.ticketEvents)
    .innerJoin(schema.tickets, eq(schema.tickets.id, schema.ticketEvents.ticketId))
    .where(and(eq(schema.ticketEvents.ticketId, input.ticketId), eq(schema.tickets.brandId, input.brandId)))
    .orderBy(schema.ticketEvents.at, schema.ticketEvents.id);
  return rows.map((r) => r.event);
}

function policyFor(brandId: string, option: TicketPolicyOption | undefined): TicketPolicy {
  return resolveTicketPolicy(typeof option === 'function' ? option(brandId) : option);
}

/** The store's time zone when the ticket is about a store, else the brand's. */
async function ticketTimeZone(db: Db, brandId: string, storeId: string | null): Promise<string> {
  if (storeId) {
    const [store] = await db.select({ brandId: schema.stores.brandId, timezone: schema.stores.timezone }).from(schema.stores).where(eq(schema.stores.id, storeId));
    if (!store || store.brandId !== brandId) throw new AppError('INVALID_INPUT', 'the store is not this brand’s');
    return store.timezone;
  }
  const [brand] = await db.select({ timezone: schema.brands.timezone }).from(schema.brands).where(eq(schema.brands.id, brandId));
  if (!brand) throw new AppError('NOT_FOUND', `brand ${brandId} not found`);
  return brand.timezone;
}

/** The ticket, locked for this transaction so changes to one ticket serialize. */
async function lockTicket(db: Db, brandId: string, ticketId: number): Promise<Ticket | undefined> {
  const [row] = await db
    .select()
    .from(schema.tickets)
    .where(and(eq(schema.tickets.id, ticketId), eq(schema.tickets.brandId, brandId)))
    .for('update');
  return row;
}

async function appendEvent(db: Db, ticketId: number, kind: string, actor: TicketActor, at: Date, details: Record<string, unknown>): Promise<number> {
  const [row] = await db
    .insert(schema.ticketEvents)
    .values({ ticketId, kind, actorType: actor.type, actorId: actor.id, details, at })
    .returning({ id: schema.ticketEvents.id });
  return row!.id;
}
