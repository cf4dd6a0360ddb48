// The agents' desk (see desk-types.ts): take, reply, note, hand back and resolve, the same rules for the console and
// the team chat. The invariants live in the database, not in this process: a reply is written only while the
// handoff row is locked and assigned to the replying agent (so nothing goes out after a hand back or for someone
// else's conversation), and an agent's reply carries a client reference under a unique index (so a double click or a
// retried request sends once). Sends to the customer happen after the commit, never inside a transaction.
import { EventEmitter } from 'node:events';
import { and, asc, count, desc, eq, gte, inArray, ne, sql } from 'drizzle-orm';
import { audit } from '../../core/audit/index.js';
import { deliverPush, mergeConversationState, storePush, type ChannelName, type CustomerPusher, type Language, type PushOptions, type PushResult, type Reply, type TeamChat, type TeamPost } from '../../core/conversation/index.js';
import { handBack, handBackIdle, openHandoff, takeHandoff, type Handoff } from '../../core/handoff/index.js';
import type { CoreDeps } from '../../core/shared/index.js';
import { changeStatus, createTicket, recordFirstResponse } from '../../core/tickets/index.js';
import { schema, type Db } from '../../db/index.js';
import { searchKnowledge, type Embedder } from '../../knowledge/index.js';
import type { AgentDesk, ConversationView, DeskEvent, DeskMessage, DeskRefusal, QueueItem, ReplyOutcome } from './desk-types.js';
import { directionOfText, textsFor } from './i18n.js';
import { alertText, clip, customerSummary } from './summary.js';

/** What the desk is built from. */
export interface AgentDeskDeps extends CoreDeps {
  brandId: string;
  /** Sends to a customer's chat on its channel. */
  pusher: CustomerPusher;
  /** The staff team chats; null when none is configured (the console still works). */
  teamChat: TeamChat | null;
  /** The knowledge base's embedder, for reply suggestions; null without a knowledge base. */
  knowledge?: Embedder | null;
  /** The CSAT question in the customer's language (the customer bot's wording; its buttons come back to the bot). */
  csatQuestion?: (lang: Language, ticketId: number) => Reply;
  /** An agent silent this long hands the conversation back (default 30 minutes). */
  idleMs?: number;
  /** A request waiting this long in the queue goes back to the bot (default 4 hours). */
  queuedMaxMs?: number;
}

const DEFAULT_IDLE_MS = 30 * 60_000;
const DEFAULT_QUEUED_MAX_MS = 4 * 60 * 60_000;
const HISTORY = 100;
const ALERT_MESSAGES = 5;
// A view is audited once per agent and conversation in this window: the console refetches on every live update.
const VIEW_AUDIT_MS = 10 * 60_000;

type Author = { type: 'agent'; id: string; name: string } | { type: 'system' };

/** Creates the desk. */
export function createAgentDesk(deps: AgentDeskDeps): AgentDesk {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const emit = (event: DeskEvent) => events.emit('event', event);
  const log = deps.log.child({ component: 'agent-desk' });
  const brandId = deps.brandId;
  const viewed = new Map<string, number>();

  // `db`: the caller's transaction when inside one (PGlite has one connection: the root handle would wait forever).
  const agentName = async (agentId: string | null, db: Db = deps.db): Promise<string | null> => {
    if (!agentId) return null;
    const [row] = await db.select({ name: schema.agents.name }).from(schema.agents).where(eq(schema.agents.id, agentId));
    return row?.name ?? null;
  };
  const activeAgent = async (agentId: string) => {
    const [row] = await deps.db
      .select({ id: schema.agents.id, name: schema.agents.name })
      .from(schema.agents)
      .where(and(eq(schema.agents.id, agentId), eq(schema.agents.brandId, brandId), eq(schema.agents.active, true)));
    return row ?? null;
  };
  const handoffById = async (db: Db, handoffId: number) => {
    const [row] = await db.select().from(schema.handoffs).where(and(eq(schema.handoffs.id, handoffId), eq(schema.handoffs.brandId, brandId)));
    return row;
  };
  const conversationOf = async (conversationId: string) => {
    const [row] = await deps.db.select().from(schema.conversations).where(eq(schema.conversations.id, conversationId));
    return row!;
  };

  /** Posts in the team chat (in the thread of the handoff's alert when there is one) and remembers the posts as thread entries. */
  const postToTeam = async (handoff: Handoff, text: string): Promise<void> => {
    if (!deps.teamChat) return;
    try {
      const threads = await deps.db
        .select()
        .from(schema.handoffTeamMessages)
        .where(eq(schema.handoffTeamMessages.handoffId, handoff.id))
        .orderBy(asc(schema.handoffTeamMessages.id));
      // One post per workspace: a reply to the first message the bot posted there about this handoff.
      const firstPerWorkspace = new Map<string, TeamPost>();
      for (const t of threads) {
        const key = `${t.channel}\0${t.workspaceId}`;
        if (!firstPerWorkspace.has(key)) firstPerWorkspace.set(key, { channel: t.channel as ChannelName, workspaceId: t.workspaceId, messageId: t.messageId });
      }
      const posts =
        firstPerWorkspace.size === 0
          ? await deps.teamChat.post(text)
          : (await Promise.all([...firstPerWorkspace.values()].map((replyTo) => deps.teamChat!.post(text, { replyTo })))).flat();
      await rememberPosts(handoff.id, posts);
    } catch (err) {
      log.warn({ handoffId: handoff.id, reason: err instanceof Error ? err.message : String(err) }, 'team chat post failed');
    }
  };
  const rememberPosts = async (handoffId: number, posts: TeamPost[]) => {
    if (posts.length === 0) return;
    await deps.db
      .insert(schema.handoffTeamMessages)
      .values(posts.map((p) => ({ handoffId, channel: p.channel, workspaceId: p.workspaceId, messageId: p.messageId })))
      .onConflictDoNothing();
    await deps.db
      .update(schema.handoffs)
      .set({ teamChatId: posts[0]!.workspaceId, teamMessageId: posts[0]!.messageId })
      .where(and(eq(schema.handoffs.id, handoffId), sql`${schema.handoffs.teamMessageId} is null`));
  };

  /**
   * Stores a message to the customer as an outbound message of the conversation (core/conversation's storePush; with
   * `clientRef`, a second call stores and sends nothing), and returns how to send it once the caller's transaction
   * committed.
   */
  const sendToCustomer = async (
    db: Db,
    conversation: { id: string; channel: string; chatId: string },
    reply: Reply,
    author: Author,
    clientRef?: string,
  ): Promise<{ messageId: string; duplicate: boolean; deliver: (opts?: PushOptions) => Promise<PushResult> }> => {
    const target = { ...conversation, brandId };
    const stored = await storePush(db, { conversation: target, reply, extra: { author }, ...(clientRef ? { clientRef } : {}), at: deps.clock.now() });
    const deliver = (options?: PushOptions) =>
      stored.duplicate ? Promise.resolve<PushResult>({ status: 'sent' }) : deliverPush(deps, deps.pusher, { conversation: target, messageId: stored.messageId, reply, ...(options ? { options } : {}) });
    return { ...stored, deliver };
  };

  /**
   * Sends a system message (joined, handed back, CSAT) now, never as a paid WhatsApp template (a notice is not worth
   * inviting the customer back for); a failure is told to the team, never thrown. Returns whether it went out.
   */
  const notifyCustomer = async (handoff: Handoff, conversation: { id: string; channel: string; chatId: string }, reply: Reply): Promise<boolean> => {
    const sent = await sendToCustomer(deps.db, conversation, reply, { type: 'system' });
    const result = await sent.deliver({ template: false });
    if (result.status !== 'sent') await postToTeam(handoff, `#${handoff.id}: the customer could not be told (${undeliveredText(result)}).`);
    emit({ type: 'message', handoffId: handoff.id, conversationId: conversation.id });
    return result.status === 'sent';
  };

  const refusalFor = async (handoff: Handoff | undefined, agentId: string, db: Db = deps.db): Promise<DeskRefusal | null> => {
    if (!handoff) return { status: 'not_found' };
    if (handoff.status === 'closed') return { status: 'closed' };
    if (handoff.status === 'queued') return { status: 'not_taken' };
    if (handoff.agentId !== agentId) return { status: 'taken_by_other', agentName: (await agentName(handoff.agentId, db)) ?? 'another agent' };
    return null;
  };

  const desk: AgentDesk = {
    async handoffRequested(handoffId) {
      const handoff = await handoffById(deps.db, handoffId);
      if (!handoff) return;
      const conversation = await conversationOf(handoff.conversationId);
      const summary = await customerSummary(deps, { brandId, customerId: handoff.customerId });
      if (summary) {
        const last = await deps.db
          .select({ direction: schema.messages.direction, text: schema.messages.text })
          .from(schema.messages)
          .where(eq(schema.messages.conversationId, handoff.conversationId))
          .orderBy(desc(schema.messages.createdAt))
          .limit(ALERT_MESSAGES);
        const [ahead] =
          handoff.status === 'queued'
            ? await deps.db
                .select({ n: count() })
                .from(schema.handoffs)
                .where(and(eq(schema.handoffs.brandId, brandId), eq(schema.handoffs.status, 'queued'), sql`${schema.handoffs.id} <= ${handoff.id}`))
            : [];
        const position = ahead?.n ?? null;
        const text = alertText({
          handoffId: handoff.id,
          reason: handoff.reason,
          channel: conversation.channel,
          language: conversation.language,
          summary,
          lastMessages: last.reverse(),
          assignedTo: await agentName(handoff.agentId),
          position,
        });
        if (deps.teamChat) {
          try {
            await rememberPosts(handoff.id, await deps.teamChat.post(text));
          } catch (err) {
            log.warn({ handoffId, reason: err instanceof Error ? err.message : String(err) }, 'handoff alert failed');
          }
        }
      }
      emit({ type: 'queue' });
      emit({ type: 'handoff', handoffId: handoff.id, conversationId: handoff.conversationId, status: handoff.status as 'queued' | 'assigned' });
    },

    async customerWrote({ conversationId, messageId }) {
      const handoff = await openHandoff(deps.db, conversationId);
      if (!handoff) return;
      // The customer writing does not keep the conversation with a person: only the agent's activity does, so an
      // agent who walked away is timed out even while the customer keeps asking "hello?".
      const [message] = await deps.db.select({ text: schema.messages.text, body: schema.messages.body }).from(schema.messages).where(eq(schema.messages.id, messageId));
      const media = typeof message?.body.media === 'string' ? `[${message.body.media}]` : null;
      const summary = await customerSummary(deps, { brandId, customerId: handoff.customerId });
      await postToTeam(handoff, `#${handoff.id} ${summary?.name ?? 'Customer'}: ${clip(message?.text ?? media ?? '[message]', 1000)}`);
      emit({ type: 'message', handoffId: handoff.id, conversationId });
    },

    async queue() {
      const rows = await deps.db
        .select({
          handoff: schema.handoffs,
          customerName: schema.customers.name,
          channel: schema.conversations.channel,
          language: schema.conversations.language,
          agentName: schema.agents.name,
        })
        .from(schema.handoffs)
        .innerJoin(schema.conversations, eq(schema.conversations.id, schema.handoffs.conversationId))
        .innerJoin(schema.customers, eq(schema.customers.id, schema.handoffs.customerId))
        .leftJoin(schema.agents, eq(schema.agents.id, schema.handoffs.agentId))
        .where(and(eq(schema.handoffs.brandId, brandId), ne(schema.handoffs.status, 'closed')))
        .orderBy(asc(schema.handoffs.requestedAt), asc(schema.handoffs.id));
      const items: QueueItem[] = [];
      for (const r of rows) {
        const [last] = await deps.db
          .select({ text: schema.messages.text })
          .from(schema.messages)
          .where(and(eq(schema.messages.conversationId, r.handoff.conversationId), eq(schema.messages.direction, 'in')))
          .orderBy(desc(schema.messages.createdAt))
          .limit(1);
        items.push({
          handoffId: r.handoff.id,
          conversationId: r.handoff.conversationId,
          customerId: r.handoff.customerId,
          customerName: r.customerName,
          channel: r.channel as ChannelName,
          language: r.language,
          reason: r.handoff.reason,
          status: r.handoff.status as 'queued' | 'assigned',
          agentId: r.handoff.agentId,
          agentName: r.agentName,
          requestedAt: r.handoff.requestedAt,
          lastMessage: last?.text ? clip(last.text, 160) : null,
        });
      }
      return items;
    },

    async conversation({ agentId, handoffId }) {
      if (!(await activeAgent(agentId))) return { status: 'not_an_agent' };
      const handoff = await handoffById(deps.db, handoffId);
      if (!handoff) return { status: 'not_found' };
      const conversation = await conversationOf(handoff.conversationId);
      const [summary, rows, notes] = await Promise.all([
        customerSummary(deps, { brandId, customerId: handoff.customerId }),
        deps.db
          .select()
          .from(schema.messages)
          .where(eq(schema.messages.conversationId, handoff.conversationId))
          .orderBy(desc(schema.messages.createdAt), desc(schema.messages.id))
          .limit(HISTORY),
        deps.db
          .select({ id: schema.conversationNotes.id, agentId: schema.conversationNotes.agentId, agentName: schema.agents.name, text: schema.conversationNotes.text, at: schema.conversationNotes.createdAt })
          .from(schema.conversationNotes)
          .leftJoin(schema.agents, eq(schema.agents.id, schema.conversationNotes.agentId))
          .where(eq(schema.conversationNotes.conversationId, handoff.conversationId))
          .orderBy(asc(schema.conversationNotes.createdAt), asc(schema.conversationNotes.id)),
      ]);
      const messages: DeskMessage[] = rows.reverse().map((m) => ({
        id: m.id,
        direction: m.direction as 'in' | 'out',
        author: authorOf(m.direction, m.body),
        text: m.text,
        status: m.status,
        error: m.error,
        at: m.createdAt,
      }));
      const key = `${agentId}\0${handoffId}`;
      const now = deps.clock.now().getTime();
      if ((viewed.get(key) ?? -Infinity) < now - VIEW_AUDIT_MS) {
        viewed.set(key, now);
        if (viewed.size > 10_000) viewed.clear();
        await audit(deps, { brandId, actor: { type: 'agent', id: agentId }, action: 'conversation.viewed', target: handoff.customerId, result: 'ok', details: { handoffId } });
      }
      const view: ConversationView = { handoff, channel: conversation.channel as ChannelName, language: conversation.language, customer: summary!, messages, notes };
      return { status: 'ok', view };
    },

    async take({ agentId, handoffId }) {
      const agent = await activeAgent(agentId);
      if (!agent) return { status: 'not_an_agent' };
      const result = await takeHandoff(deps, { brandId, handoffId, agentId });
      switch (result.status) {
        case 'taken': {
          const handoff = result.handoff;
          // Already theirs (assigned on request, or a second click): no second "joined" message.
          if (!result.already) {
            const conversation = await conversationOf(handoff.conversationId);
            await postToTeam(handoff, `#${handoff.id} taken by ${agent.name}.`);
            const text = textsFor(conversation.language).agentJoined(agent.name);
            await notifyCustomer(handoff, conversation, { text, dir: directionOfText(text) });
          }
          emit({ type: 'queue' });
          emit({ type: 'handoff', handoffId, conversationId: handoff.conversationId, status: 'assigned' });
          return { status: 'taken', handoff };
        }
        case 'taken_by_other':
          return { status: 'taken_by_other', agentName: (await agentName(result.agentId)) ?? 'another agent' };
        case 'closed':
          return { status: 'closed' };
        case 'not_found':
          return { status: 'not_found' };
        case 'full':
          return { status: 'full' };
      }
    },

    async reply({ agentId, handoffId, text, clientRef }): Promise<ReplyOutcome> {
      const agent = await activeAgent(agentId);
      if (!agent) return { status: 'not_an_agent' };
      const prepared = await deps.db.transaction(async (tx) => {
        // The handoff row is the lock: a hand back waits for this reply's record, or this reply sees it closed.
        const [handoff] = await tx
          .select()
          .from(schema.handoffs)
          .where(and(eq(schema.handoffs.id, handoffId), eq(schema.handoffs.brandId, brandId)))
          .for('update');
        const refusal = await refusalFor(handoff, agentId, tx);
        if (refusal) return refusal;
        const [conversation] = await tx.select().from(schema.conversations).where(eq(schema.conversations.id, handoff!.conversationId));
        const sent = await sendToCustomer(tx, conversation!, { text, dir: directionOfText(text) }, { type: 'agent', id: agent.id, name: agent.name }, clientRef);
        if (!sent.duplicate) {
          await tx.update(schema.handoffs).set({ lastActivityAt: deps.clock.now() }).where(eq(schema.handoffs.id, handoffId));
          await audit({ ...deps, db: tx }, { brandId, actor: { type: 'agent', id: agentId }, action: 'conversation.agent_replied', target: handoff!.customerId, result: 'ok', details: { handoffId, messageId: sent.messageId } });
        }
        return { handoff: handoff!, sent };
      });
      if ('status' in prepared) return prepared;
      const { handoff, sent } = prepared;
      if (sent.duplicate) return { status: 'duplicate', messageId: sent.messageId };
      const result = await sent.deliver();
      emit({ type: 'message', handoffId, conversationId: handoff.conversationId });
      // The conversation's open tickets got their first answer from a person.
      const open = await deps.db
        .select({ id: schema.tickets.id })
        .from(schema.tickets)
        .where(and(episodeTickets(handoff), inArray(schema.tickets.status, ['open', 'pending_customer']), sql`${schema.tickets.firstRespondedAt} is null`));
      for (const t of open) await recordFirstResponse(deps, { brandId, ticketId: t.id, actor: { type: 'agent', id: agentId } });
      if (result.status === 'sent') return { status: 'sent', messageId: sent.messageId };
      return { status: 'undelivered', messageId: sent.messageId, push: result };
    },

    async canned({ agentId, handoffId, name }) {
      if (!(await activeAgent(agentId))) return { status: 'not_an_agent' };
      const handoff = await handoffById(deps.db, handoffId);
      if (!handoff) return { status: 'not_found' };
      const conversation = await conversationOf(handoff.conversationId);
      const rows = await deps.db.select().from(schema.cannedResponses).where(eq(schema.cannedResponses.brandId, brandId));
      const wanted = name.trim().toLowerCase();
      const named = rows.filter((r) => r.name.toLowerCase() === wanted);
      if (named.length === 0) return { status: 'unknown_canned', names: [...new Set(rows.map((r) => r.name))].sort() };
      const lang = conversation.language ?? 'en';
      const chosen = named.find((r) => r.language === lang) ?? named.find((r) => r.language === 'en') ?? named[0]!;
      const summary = await customerSummary(deps, { brandId, customerId: handoff.customerId });
      return { status: 'ok', text: fillPlaceholders(chosen.text, summary) };
    },

    async cannedList(language) {
      const rows = await deps.db.select().from(schema.cannedResponses).where(eq(schema.cannedResponses.brandId, brandId)).orderBy(asc(schema.cannedResponses.name));
      const byName = new Map<string, { name: string; text: string }>();
      for (const r of rows) {
        const seen = byName.get(r.name);
        // The conversation's language first, then English, then any.
        if (!seen || r.language === language || (r.language === 'en' && !rows.some((x) => x.name === r.name && x.language === language))) byName.set(r.name, { name: r.name, text: r.text });
      }
      return [...byName.values()];
    },

    async suggestions({ agentId, handoffId, query }) {
      if (!deps.knowledge || !(await activeAgent(agentId))) return [];
      const handoff = await handoffById(deps.db, handoffId);
      if (!handoff) return [];
      let q = query?.trim();
      if (!q) {
        const [last] = await deps.db
          .select({ text: schema.messages.text })
          .from(schema.messages)
          .where(and(eq(schema.messages.conversationId, handoff.conversationId), eq(schema.messages.direction, 'in'), sql`${schema.messages.text} is not null`))
          .orderBy(desc(schema.messages.createdAt))
          .limit(1);
        q = last?.text ?? '';
      }
      if (!q) return [];
      const conversation = await conversationOf(handoff.conversationId);
      const hits = await searchKnowledge(deps, { brandId, language: conversation.language ?? 'en', query: clip(q, 500), embedder: deps.knowledge, limit: 3 });
      return hits.map((h) => ({ title: h.title, text: h.text }));
    },

    async note({ agentId, handoffId, text }) {
      if (!(await activeAgent(agentId))) return { status: 'not_an_agent' };
      const handoff = await handoffById(deps.db, handoffId);
      if (!handoff) return { status: 'not_found' };
      const [row] = await deps.db.insert(schema.conversationNotes).values({ conversationId: handoff.conversationId, agentId, text, createdAt: deps.clock.now() }).returning({ id: schema.conversationNotes.id });
      await audit(deps, { brandId, actor: { type: 'agent', id: agentId }, action: 'conversation.note_added', target: handoff.customerId, result: 'ok', details: { handoffId, noteId: row!.id } });
      emit({ type: 'note', handoffId, conversationId: handoff.conversationId });
      return { status: 'added', noteId: row!.id };
    },

    async handBack({ agentId, handoffId }) {
      const result = await handBackAs(agentId, handoffId);
      if (result.status !== 'handed_back') return result;
      const conversation = await conversationOf(result.handoff.conversationId);
      const text = textsFor(conversation.language).handedBack;
      await notifyCustomer(result.handoff, conversation, { text, dir: directionOfText(text) });
      return { status: 'handed_back' };
    },

    async resolve({ agentId, handoffId }) {
      const result = await handBackAs(agentId, handoffId);
      if (result.status !== 'handed_back') return result;
      const handoff = result.handoff;
      const actor = { type: 'agent' as const, id: agentId };
      const open = await deps.db
        .select({ id: schema.tickets.id })
        .from(schema.tickets)
        .where(and(episodeTickets(handoff), inArray(schema.tickets.status, ['open', 'pending_customer'])))
        .orderBy(asc(schema.tickets.id));
      let ticketIds = open.map((t) => t.id);
      if (ticketIds.length === 0) {
        // Every conversation a person resolved has a record (and something for the customer's rating to belong to).
        const ticket = await createTicket(deps, {
          brandId,
          customerId: handoff.customerId,
          conversationId: handoff.conversationId,
          category: 'other',
          description: `Conversation with the team (handoff #${handoff.id}, ${handoff.reason}).`,
          source: 'chat',
          actor,
        });
        await recordFirstResponse(deps, { brandId, ticketId: ticket.id, actor });
        ticketIds = [ticket.id];
      }
      for (const id of ticketIds) await changeStatus(deps, { brandId, ticketId: id, to: 'resolved', actor, reason: `handoff #${handoff.id} resolved` });
      const ticketId = ticketIds.at(-1)!;
      const conversation = await conversationOf(handoff.conversationId);
      const lang = (conversation.language ?? 'en') as Language;
      const text = textsFor(lang).handedBack;
      await notifyCustomer(handoff, conversation, { text, dir: directionOfText(text) });
      // The bot reads the answer (the buttons, or a typed 1–5 while `state.csat` is set: bots/customer), so the state
      // is set only once the question reached the customer: a rating they never saw cannot be read into a later "3".
      if (deps.csatQuestion && (await notifyCustomer(handoff, conversation, deps.csatQuestion(lang, ticketId)))) {
        await mergeConversationState(deps, conversation.id, { csat: { ticketId, askedAt: deps.clock.now().toISOString() } });
      }
      return { status: 'resolved', ticketId };
    },

    async handoffForTeamMessage({ channel, workspaceId, messageId }) {
      const [row] = await deps.db
        .select({ handoffId: schema.handoffTeamMessages.handoffId })
        .from(schema.handoffTeamMessages)
        .where(and(eq(schema.handoffTeamMessages.channel, channel), eq(schema.handoffTeamMessages.workspaceId, workspaceId), eq(schema.handoffTeamMessages.messageId, messageId)));
      return row?.handoffId ?? null;
    },

    async agentForTeamMember({ channel, senderId }) {
      const column = channel === 'telegram' ? schema.agents.telegramUserId : channel === 'line' ? schema.agents.lineUserId : null;
      if (!column) return null;
      const [row] = await deps.db
        .select({ id: schema.agents.id, name: schema.agents.name })
        .from(schema.agents)
        .where(and(eq(column, senderId), eq(schema.agents.brandId, brandId), eq(schema.agents.active, true)));
      return row ?? null;
    },

    async sweepIdle() {
      const closed = await handBackIdle(deps, { brandId, idleMs: deps.idleMs ?? DEFAULT_IDLE_MS, queuedMaxMs: deps.queuedMaxMs ?? DEFAULT_QUEUED_MAX_MS });
      for (const handoff of closed) {
        const conversation = await conversationOf(handoff.conversationId);
        const texts = textsFor(conversation.language);
        const text = handoff.agentId ? texts.timedOut : texts.queueTimedOut;
        await postToTeam(handoff, `#${handoff.id} handed back to the bot after ${handoff.agentId ? 'no activity' : 'waiting too long in the queue'}.`);
        await notifyCustomer(handoff, conversation, { text, dir: directionOfText(text) });
        emit({ type: 'handoff', handoffId: handoff.id, conversationId: handoff.conversationId, status: 'closed' });
      }
      if (closed.length > 0) emit({ type: 'queue' });
      return closed.length;
    },

    subscribe(listener) {
      events.on('event', listener);
      return () => events.off('event', listener);
    },
  };

  /** The core hand back by an agent, with the refusals mapped and the team and console told. */
  async function handBackAs(agentId: string, handoffId: number): Promise<{ status: 'handed_back'; handoff: Handoff } | DeskRefusal> {
    const agent = await activeAgent(agentId);
    if (!agent) return { status: 'not_an_agent' };
    const before = await handoffById(deps.db, handoffId);
    const refusal = await refusalFor(before, agentId);
    if (refusal) return refusal;
    const result = await handBack(deps, { brandId, handoffId, by: { type: 'agent', id: agentId } });
    switch (result.status) {
      case 'handed_back':
        await postToTeam(result.handoff, `#${handoffId} handed back to the bot by ${agent.name}.`);
        emit({ type: 'queue' });
        emit({ type: 'handoff', handoffId, conversationId: result.handoff.conversationId, status: 'closed' });
        return { status: 'handed_back', handoff: result.handoff };
      case 'already_closed':
        return { status: 'closed' };
      case 'not_found':
        return { status: 'not_found' };
      case 'not_yours':
        return { status: 'taken_by_other', agentName: (await agentName((await handoffById(deps.db, handoffId))?.agentId ?? null)) ?? 'another agent' };
    }
  }

  return desk;
}

// Tickets opened in the minutes before a handoff belong to it (the complaint that led to it, an urgent ticket that
// handed over); older ones of the same chat (last week's detractor) are other matters and stay as they are.
const EPISODE_LEAD_MS = 10 * 60_000;

/** The conversation's tickets that belong to this handoff: opened since shortly before it was requested. */
function episodeTickets(handoff: Handoff) {
  return and(eq(schema.tickets.conversationId, handoff.conversationId), gte(schema.tickets.createdAt, new Date(handoff.requestedAt.getTime() - EPISODE_LEAD_MS)));
}

function authorOf(direction: string, body: Record<string, unknown>): DeskMessage['author'] {
  if (direction === 'in') return { type: 'customer' };
  const author = body.author as Author | undefined;
  if (author?.type === 'agent') return { type: 'agent', id: author.id, name: author.name };
  return { type: 'bot' };
}

/** Fills {name}, {points}, {tier}, {member_code}; a placeholder with nothing to fill becomes empty, never "{name}". */
export function fillPlaceholders(text: string, summary: { name: string | null; points: number | null; tier: string | null; memberCode: string | null } | null): string {
  const values: Record<string, string> = {
    name: summary?.name ?? '',
    points: summary?.points !== null && summary?.points !== undefined ? String(summary.points) : '',
    tier: summary?.tier ?? '',
    member_code: summary?.memberCode ?? '',
  };
  return text.replace(/\{(name|points|tier|member_code)\}/g, (_, key: string) => values[key] ?? '').replace(/ {2,}/g, ' ');
}

/** What the agent is told when their message did not arrive. */
export function undeliveredText(result: Exclude<PushResult, { status: 'sent' }>): string {
  if (result.status === 'window_closed') {
    return result.template
      ? 'the WhatsApp 24-hour window is closed; the approved template inviting them back was sent instead'
      : 'the WhatsApp 24-hour window is closed and no template is configured; nothing was sent';
  }
  return `delivery failed: ${result.code}`;
}
