import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import type { ChannelName, InboundMessage, OutboundReply, Reply } from './message.js';

/** Longest inbound text stored; the rest of an oversized message is dropped (its length is kept). */
export const MAX_STORED_TEXT = 10_000;

/** A conversation row. */
export type Conversation = typeof schema.conversations.$inferSelect;

/**
 * Gets (creating on first contact) and locks the conversation for this chat until the transaction ends,
 * so two messages of one chat are handled one after the other and the dialogue state never forks.
 */
export async function lockConversation(
  deps: CoreDeps,
  input: { brandId: string; channel: ChannelName; chatId: string; customerId: string },
): Promise<Conversation> {
  await deps.db
    .insert(schema.conversations)
    .values({ brandId: input.brandId, channel: input.channel, chatId: input.chatId, customerId: input.customerId })
    .onConflictDoNothing();
  const [row] = await deps.db
    .select()
    .from(schema.conversations)
    .where(chatIs(input))
    .for('update');
  if (!row) throw new Error('conversation vanished after upsert');
  return row;
}

/** The conversation of one chat: unique per brand, channel and chat id. */
function chatIs(input: { brandId: string; channel: ChannelName; chatId: string }) {
  return and(eq(schema.conversations.brandId, input.brandId), eq(schema.conversations.channel, input.channel), eq(schema.conversations.chatId, input.chatId));
}

/** The conversation as it is now, without locking it (for work done before the turn's transaction); undefined when new. */
export async function peekConversation(deps: CoreDeps, input: { brandId: string; channel: ChannelName; chatId: string }): Promise<Conversation | undefined> {
  const [row] = await deps.db
    .select()
    .from(schema.conversations)
    .where(chatIs(input));
  return row;
}

/** When the person last wrote in this chat (platform windows such as WhatsApp's 24 hours count from it); null if never. */
export async function lastInboundAt(deps: CoreDeps, input: { brandId: string; channel: ChannelName; chatId: string }): Promise<Date | null> {
  const [row] = await deps.db
    .select({ at: sql<Date | string | null>`max(${schema.messages.createdAt})` })
    .from(schema.messages)
    .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversationId))
    .where(and(chatIs(input), eq(schema.messages.direction, 'in')));
  return row?.at ? new Date(row.at) : null;
}

/** Saves the dialogue state and language of a conversation. */
export async function saveConversation(
  deps: CoreDeps,
  id: string,
  patch: { state?: Record<string, unknown>; language?: string | null; mode?: 'bot' | 'agent' },
): Promise<void> {
  await deps.db
    .update(schema.conversations)
    .set({ ...patch, updatedAt: deps.clock.now() })
    .where(eq(schema.conversations.id, id));
}

/**
 * Stores an inbound message once per platform message id. Returns the new row's id, or the id of the first
 * delivery with `duplicate: true` when the platform redelivered it.
 */
export async function recordInbound(
  deps: CoreDeps,
  input: { brandId: string; conversationId: string; msg: InboundMessage },
): Promise<{ id: string; duplicate: boolean }> {
  const { msg } = input;
  const body: Record<string, unknown> = {};
  if (msg.payload !== undefined) body.payload = msg.payload;
  if (msg.contact) body.contact = { verified: msg.contact.verified };
  if (msg.media) body.media = msg.media;
  let text = msg.text ?? null;
  // A pathological message (100 KB of text) is kept in part, not refused: the reply still needs its row.
  if (text && text.length > MAX_STORED_TEXT) {
    text = text.slice(0, MAX_STORED_TEXT);
    body.truncatedFrom = msg.text!.length;
  }
  const inserted = await deps.db
    .insert(schema.messages)
    .values({
      brandId: input.brandId,
      conversationId: input.conversationId,
      channel: msg.channel,
      direction: 'in',
      platformMessageId: msg.platformMessageId,
      text,
      body,
      status: 'received',
      createdAt: deps.clock.now(),
    })
    .onConflictDoNothing()
    .returning({ id: schema.messages.id });
  if (inserted[0]) return { id: inserted[0].id, duplicate: false };
  const first = await findInbound(deps, { brandId: input.brandId, channel: msg.channel, platformMessageId: msg.platformMessageId });
  if (!first) throw new Error('inbound dedupe conflict without a stored row');
  return { id: first, duplicate: true };
}

/** The stored id of an inbound message, if it was already received. */
export async function findInbound(
  deps: CoreDeps,
  input: { brandId: string; channel: ChannelName; platformMessageId: string },
): Promise<string | undefined> {
  const [row] = await deps.db
    .select({ id: schema.messages.id })
    .from(schema.messages)
    .where(
      and(
        eq(schema.messages.brandId, input.brandId),
        eq(schema.messages.channel, input.channel),
        eq(schema.messages.direction, 'in'),
        eq(schema.messages.platformMessageId, input.platformMessageId),
      ),
    );
  return row?.id;
}

/** Stores replies as pending outbound messages, in order, and returns them with their ids. */
export async function recordOutbound(
  deps: CoreDeps,
  input: { brandId: string; conversationId: string; channel: ChannelName; inReplyTo: string; replies: Reply[] },
): Promise<OutboundReply[]> {
  if (input.replies.length === 0) return [];
  const base = deps.clock.now().getTime();
  const rows = await deps.db
    .insert(schema.messages)
    .values(
      input.replies.map((reply, i) => ({
        brandId: input.brandId,
        conversationId: input.conversationId,
        channel: input.channel,
        direction: 'out',
        text: reply.text,
        body: { ...reply },
        inReplyTo: input.inReplyTo,
        status: 'pending',
        // Spaced by a millisecond so the history keeps the replies in the order they were sent.
        createdAt: new Date(base + 1 + i),
      })),
    )
    .returning({ id: schema.messages.id });
  return rows.map((r, i) => ({ id: r.id, reply: input.replies[i]! }));
}

/** The replies that were produced for an inbound message, in order. */
export async function repliesTo(deps: CoreDeps, inboundId: string): Promise<OutboundReply[]> {
  const rows = await deps.db
    .select({ id: schema.messages.id, body: schema.messages.body })
    .from(schema.messages)
    .where(and(eq(schema.messages.inReplyTo, inboundId), eq(schema.messages.direction, 'out')))
    .orderBy(asc(schema.messages.createdAt));
  return rows.map((r) => ({ id: r.id, reply: r.body as unknown as Reply }));
}

/** Records whether an outbound message reached the platform. */
export async function markDelivery(deps: CoreDeps, outboundId: string, outcome: { platformMessageId?: string; error?: string }): Promise<void> {
  await deps.db
    .update(schema.messages)
    .set(
      outcome.error
        ? { status: 'failed', error: outcome.error }
        : { status: 'sent', platformMessageId: outcome.platformMessageId ?? null, error: null },
    )
    .where(and(eq(schema.messages.id, outboundId), eq(schema.messages.direction, 'out')));
}

// A receipt never moves a message backwards: "delivered" arriving after "read" changes nothing.
const RECEIPT_ORDER: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

/**
 * A platform's receipt for one of our messages, named by the platform's message id (WhatsApp's statuses webhook), or
 * for a campaign message (its send row). Returns false when neither has that id (a message sent outside the bot).
 */
export async function recordDeliveryStatus(
  deps: CoreDeps,
  input: { brandId: string; channel: ChannelName; platformMessageId: string; status: 'delivered' | 'read' | 'failed'; error?: string },
): Promise<boolean> {
  const where = and(
    eq(schema.messages.brandId, input.brandId),
    eq(schema.messages.channel, input.channel),
    eq(schema.messages.platformMessageId, input.platformMessageId),
    eq(schema.messages.direction, 'out'),
  );
  const [row] = await deps.db.select({ id: schema.messages.id, status: schema.messages.status }).from(schema.messages).where(where).limit(1);
  // A campaign message has no messages row but a campaign_sends row with the platform's id: same ordering rules.
  const now = deps.clock.now().toISOString();
  const campaignSends = await deps.db.execute(sql`
    update "campaign_sends" s set
      "delivered_at" = case when ${input.status} in ('delivered', 'read') then coalesce(s."delivered_at", ${now}::timestamptz) else s."delivered_at" end,
      "read_at" = case when ${input.status} = 'read' then coalesce(s."read_at", ${now}::timestamptz) else s."read_at" end,
      "status" = case when s."status" = 'read' then 'read' when ${input.status} = 'delivered' and s."status" <> 'sent' then s."status" else ${input.status} end,
      "error" = case when ${input.status} = 'failed' and s."status" <> 'read' then ${input.error ?? 'UNKNOWN'} else s."error" end
    from "campaigns" c
    where s."platform_message_id" = ${input.platformMessageId} and s."channel" = ${input.channel} and c."id" = s."campaign_id"
      and c."brand_id" = ${input.brandId} and s."status" in ('sent', 'delivered', 'read', 'failed')
    returning s."id"`);
  const campaignMatched = (campaignSends as { rows: unknown[] }).rows.length > 0;
  if (!row) return campaignMatched;
  if (input.status === 'failed') {
    if (row.status !== 'read') await deps.db.update(schema.messages).set({ status: 'failed', error: input.error ?? 'UNKNOWN' }).where(eq(schema.messages.id, row.id));
    return true;
  }
  if ((RECEIPT_ORDER[input.status] ?? 0) > (RECEIPT_ORDER[row.status] ?? -1)) {
    await deps.db.update(schema.messages).set({ status: input.status, error: null }).where(eq(schema.messages.id, row.id));
  }
  return true;
}

/** One line of a conversation's history. */
export interface HistoryItem {
  direction: 'in' | 'out';
  text: string;
  body: Record<string, unknown>;
  at: Date;
}

/** A chat's messages, oldest first (the last `limit`). */
export async function conversationHistory(
  deps: CoreDeps,
  input: { brandId: string; channel: ChannelName; chatId: string; limit?: number },
): Promise<HistoryItem[]> {
  const rows = await deps.db
    .select({ direction: schema.messages.direction, text: schema.messages.text, body: schema.messages.body, at: schema.messages.createdAt })
    .from(schema.messages)
    .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversationId))
    .where(chatIs(input))
    .orderBy(desc(schema.messages.createdAt))
    .limit(input.limit ?? 200);
  return rows.reverse().map((r) => ({ direction: r.direction as 'in' | 'out', text: r.text ?? '', body: r.body, at: r.at }));
}
