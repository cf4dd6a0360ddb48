// Handoff between the bot and a person. A request queues the conversation and switches it to 'agent' mode at once, so
// the bot sends nothing more (no menus, no fallbacks); an agent on duty with room is assigned round-robin, or the
// request waits in the queue every agent sees. Taking is a conditional update, so two agents taking the same
// conversation cannot both win. Handing back (by the agent, by staff, or by the inactivity timeout) returns the
// conversation to the bot with its language and state intact.
import { and, asc, count, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import { audit } from '../audit/index.js';
import type { CoreDeps } from '../shared/index.js';
import { personalShopperOf } from './personal-shopper.js';

/** Why a person was asked for. */
export type HandoffReason = 'asked' | 'complaint' | 'misunderstood' | 'sentiment' | 'rule' | 'staff';

/** A handoff row. */
export type Handoff = typeof schema.handoffs.$inferSelect;

/** What a request did: a new handoff (assigned at once or queued), or the one already open for this conversation. */
export type RequestResult =
  | { status: 'assigned'; handoff: Handoff; agentId: string; personalShopper: boolean }
  | { status: 'queued'; handoff: Handoff; position: number; agentsOnDuty: number }
  | { status: 'already_open'; handoff: Handoff; position: number | null };

/** Queues a person for this conversation (once), switches it to agent mode and assigns an agent when one has room. */
export async function requestHandoff(
  deps: CoreDeps,
  input: { brandId: string; conversationId: string; customerId: string; reason: HandoffReason },
): Promise<RequestResult> {
  return deps.db.transaction(async (tx) => {
    const d: CoreDeps = { ...deps, db: tx };
    const now = deps.clock.now();
    // The conversation row is the lock: requests for one conversation serialize here.
    await tx.select({ id: schema.conversations.id }).from(schema.conversations).where(eq(schema.conversations.id, input.conversationId)).for('update');
    const open = await openHandoff(tx, input.conversationId);
    if (open) return { status: 'already_open', handoff: open, position: open.status === 'queued' ? await queuePosition(tx, open) : null };
    const [handoff] = await tx
      .insert(schema.handoffs)
      .values({ brandId: input.brandId, conversationId: input.conversationId, customerId: input.customerId, reason: input.reason, requestedAt: now })
      .returning();
    await tx.update(schema.conversations).set({ mode: 'agent', updatedAt: now }).where(eq(schema.conversations.id, input.conversationId));
    await audit(d, {
      brandId: input.brandId,
      actor: { type: 'customer', id: input.customerId },
      action: 'conversation.handoff_requested',
      target: input.customerId,
      result: 'ok',
      details: { handoffId: handoff!.id, reason: input.reason },
    });
    // A VIP's personal shopper gets their requests first while on duty (whatever their load: it is their customer);
    // off duty, the request goes to the team like anyone's.
    const shopper = await personalShopperOf(tx, input.customerId);
    const agentId = shopper?.onDuty && shopper.active ? shopper.id : await nextAgent(tx, input.brandId);
    if (agentId) {
      const assigned = await assignIfQueued(d, handoff!.id, agentId);
      if (assigned) return { status: 'assigned', handoff: assigned, agentId, personalShopper: agentId === shopper?.id };
    }
    return { status: 'queued', handoff: handoff!, position: await queuePosition(tx, handoff!), agentsOnDuty: await agentsOnDuty(tx, input.brandId) };
  });
}

/** The open handoff of a conversation, if any. */
export async function openHandoff(db: Db, conversationId: string): Promise<Handoff | undefined> {
  const [row] = await db
    .select()
    .from(schema.handoffs)
    .where(and(eq(schema.handoffs.conversationId, conversationId), ne(schema.handoffs.status, 'closed')));
  return row;
}

/** 1 for the oldest queued request of the brand. */
async function queuePosition(db: Db, handoff: Handoff): Promise<number> {
  const [row] = await db
    .select({ ahead: count() })
    .from(schema.handoffs)
    .where(and(eq(schema.handoffs.brandId, handoff.brandId), eq(schema.handoffs.status, 'queued'), lt(schema.handoffs.id, handoff.id)));
  return (row?.ahead ?? 0) + 1;
}

async function agentsOnDuty(db: Db, brandId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(schema.agents)
    .where(and(eq(schema.agents.brandId, brandId), eq(schema.agents.onDuty, true), eq(schema.agents.active, true)));
  return row?.n ?? 0;
}

/**
 * Round-robin among agents on duty with room: the one whose latest assignment is oldest (never assigned first), ties
 * by name. Null when everyone is full or off duty.
 */
async function nextAgent(db: Db, brandId: string): Promise<string | null> {
  const agents = await db
    .select({ id: schema.agents.id, max: schema.agents.maxConversations })
    .from(schema.agents)
    .where(and(eq(schema.agents.brandId, brandId), eq(schema.agents.onDuty, true), eq(schema.agents.active, true)))
    .orderBy(asc(schema.agents.name));
  if (agents.length === 0) return null;
  const load = await db
    .select({
      agentId: schema.handoffs.agentId,
      open: sql<number>`count(*) filter (where ${schema.handoffs.status} = 'assigned')`.mapWith(Number),
      lastAssigned: sql<Date | string | null>`max(${schema.handoffs.assignedAt})`,
    })
    .from(schema.handoffs)
    .where(inArray(schema.handoffs.agentId, agents.map((a) => a.id)))
    .groupBy(schema.handoffs.agentId);
  const byAgent = new Map(load.map((l) => [l.agentId, l]));
  const free = agents
    .map((a) => ({ ...a, open: byAgent.get(a.id)?.open ?? 0, lastAssigned: byAgent.get(a.id)?.lastAssigned ?? null }))
    .filter((a) => a.open < a.max);
  // Stable sort: agents never assigned come first, then the longest since their last assignment; ties keep name order.
  free.sort((a, b) => time(a.lastAssigned) - time(b.lastAssigned));
  return free[0]?.id ?? null;
}

const time = (d: Date | string | null) => (d === null ? -Infinity : new Date(d).getTime());

async function assignIfQueued(deps: CoreDeps, handoffId: number, agentId: string): Promise<Handoff | null> {
  const now = deps.clock.now();
  const [row] = await deps.db
    .update(schema.handoffs)
    .set({ status: 'assigned', agentId, assignedAt: now, lastActivityAt: now })
    .where(and(eq(schema.handoffs.id, handoffId), eq(schema.handoffs.status, 'queued')))
    .returning();
  return row ?? null;
}

/** What taking a conversation did. */
export type TakeResult = { status: 'taken'; handoff: Handoff; already: boolean } | { status: 'taken_by_other'; agentId: string } | { status: 'closed' } | { status: 'not_found' } | { status: 'full' };

/**
 * An agent takes a queued conversation (or one assigned to them already). One conditional update decides: of two
 * agents taking at once, exactly one wins; the other is told who has it.
 */
export async function takeHandoff(deps: CoreDeps, input: { brandId: string; handoffId: number; agentId: string }): Promise<TakeResult> {
  const [current] = await deps.db.select().from(schema.handoffs).where(and(eq(schema.handoffs.id, input.handoffId), eq(schema.handoffs.brandId, input.brandId)));
  if (!current) return { status: 'not_found' };
  if (current.status === 'closed') return { status: 'closed' };
  if (current.status === 'assigned') {
    return current.agentId === input.agentId ? { status: 'taken', handoff: current, already: true } : { status: 'taken_by_other', agentId: current.agentId! };
  }
  // An agent at their cap takes nothing more (they hand one back first). Counted before the conditional update: two
  // takes by the same agent at the same instant could both pass, a race of one person's two clicks we accept.
  const [agent] = await deps.db.select({ max: schema.agents.maxConversations }).from(schema.agents).where(eq(schema.agents.id, input.agentId));
  const [held] = await deps.db
    .select({ n: count() })
    .from(schema.handoffs)
    .where(and(eq(schema.handoffs.agentId, input.agentId), eq(schema.handoffs.status, 'assigned')));
  if (agent && (held?.n ?? 0) >= agent.max) return { status: 'full' };
  const taken = await assignIfQueued(deps, input.handoffId, input.agentId);
  if (taken) {
    await audit(deps, { brandId: input.brandId, actor: { type: 'agent', id: input.agentId }, action: 'conversation.taken', target: current.customerId, result: 'ok', details: { handoffId: current.id } });
    return { status: 'taken', handoff: taken, already: false };
  }
  // Someone was faster: report who, or that it closed meanwhile.
  const [after] = await deps.db.select().from(schema.handoffs).where(eq(schema.handoffs.id, input.handoffId));
  if (after?.status === 'assigned' && after.agentId) return { status: 'taken_by_other', agentId: after.agentId };
  return { status: 'closed' };
}

/** What handing back did. */
export type HandBackResult = { status: 'handed_back'; handoff: Handoff } | { status: 'not_yours' } | { status: 'already_closed' } | { status: 'not_found' };

/**
 * Returns the conversation to the bot: the handoff closes and the conversation's mode goes back to 'bot' (language and
 * dialogue state are untouched). An agent can hand back only their own conversation; staff and the timeout any.
 */
export async function handBack(
  deps: CoreDeps,
  input: { brandId: string; handoffId: number; by: { type: 'agent'; id: string } | { type: 'staff'; id: string } | { type: 'timeout' } },
): Promise<HandBackResult> {
  return deps.db.transaction(async (tx) => {
    const d: CoreDeps = { ...deps, db: tx };
    const [current] = await tx
      .select()
      .from(schema.handoffs)
      .where(and(eq(schema.handoffs.id, input.handoffId), eq(schema.handoffs.brandId, input.brandId)))
      .for('update');
    if (!current) return { status: 'not_found' };
    if (current.status === 'closed') return { status: 'already_closed' };
    if (input.by.type === 'agent' && current.agentId !== input.by.id) return { status: 'not_yours' };
    const now = deps.clock.now();
    const closedBy = input.by.type;
    const [closed] = await tx.update(schema.handoffs).set({ status: 'closed', closedAt: now, closedBy }).where(eq(schema.handoffs.id, current.id)).returning();
    await tx.update(schema.conversations).set({ mode: 'bot', updatedAt: now }).where(eq(schema.conversations.id, current.conversationId));
    await audit(d, {
      brandId: input.brandId,
      actor: input.by.type === 'timeout' ? { type: 'system', id: 'handoff-timeout' } : { type: input.by.type, id: input.by.id },
      action: 'conversation.handed_back',
      target: current.customerId,
      result: 'ok',
      details: { handoffId: current.id, closedBy },
    });
    return { status: 'handed_back', handoff: closed! };
  });
}

/** Notes activity on an open handoff (an agent's reply or the customer's message), for the inactivity timeout. */
export async function touchHandoff(deps: CoreDeps, conversationId: string): Promise<void> {
  await deps.db
    .update(schema.handoffs)
    .set({ lastActivityAt: deps.clock.now() })
    .where(and(eq(schema.handoffs.conversationId, conversationId), eq(schema.handoffs.status, 'assigned')));
}

/**
 * Hands back every assigned conversation quiet for longer than `idleMs` (and every queued one older than
 * `queuedMaxMs`, so no customer waits in silence forever). Returns the handoffs closed, for the caller to tell each
 * customer the bot is back.
 */
export async function handBackIdle(deps: CoreDeps, input: { brandId: string; idleMs: number; queuedMaxMs: number }): Promise<Handoff[]> {
  const now = deps.clock.now().getTime();
  const stale = await deps.db
    .select({ id: schema.handoffs.id })
    .from(schema.handoffs)
    .where(
      and(
        eq(schema.handoffs.brandId, input.brandId),
        inArray(schema.handoffs.status, ['queued', 'assigned']),
        // Bracketed: without them the OR would escape the brand condition above.
        sql`((${schema.handoffs.status} = 'assigned' and ${schema.handoffs.lastActivityAt} < ${new Date(now - input.idleMs)})
          or (${schema.handoffs.status} = 'queued' and ${schema.handoffs.requestedAt} < ${new Date(now - input.queuedMaxMs)}))`,
      ),
    );
  const closed: Handoff[] = [];
  for (const { id } of stale) {
    const result = await handBack(deps, { brandId: input.brandId, handoffId: id, by: { type: 'timeout' } });
    if (result.status === 'handed_back') closed.push(result.handoff);
  }
  return closed;
}

/** The queue every agent sees: open handoffs, oldest first, with who has them. */
export async function handoffQueue(deps: CoreDeps, input: { brandId: string }): Promise<Handoff[]> {
  return deps.db
    .select()
    .from(schema.handoffs)
    .where(and(eq(schema.handoffs.brandId, input.brandId), ne(schema.handoffs.status, 'closed')))
    .orderBy(asc(schema.handoffs.requestedAt), asc(schema.handoffs.id));
}
