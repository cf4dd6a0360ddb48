// A message sent to a customer outside a turn (an agent's reply, a notice, a survey): stored first as an outbound
// message of the conversation (so the history and the agents see it, and a retry with the same client reference
// finds it), then pushed on the chat's channel, then its outcome recorded. One place for both the agents' desk and
// the survey sender, so a closed WhatsApp window is recorded the same way wherever the send came from.
import { and, eq, sql } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { markDelivery } from './conversation-store.js';
import type { ChannelName, CustomerPusher, PushOptions, PushResult, Reply } from './message.js';

/** The chat a push goes to. */
export interface PushTarget {
  id: string;
  brandId: string;
  channel: string;
  chatId: string;
}

/**
 * Stores `reply` (with `extra` fields in its body, e.g. who wrote it) as a pending outbound message, in `db` (a
 * transaction when given one). With `clientRef`, a second call with the same reference stores nothing and returns
 * the first message's id with `duplicate: true`.
 */
export async function storePush(
  db: Db,
  input: { conversation: PushTarget; reply: Reply; extra?: Record<string, unknown>; clientRef?: string; at: Date },
): Promise<{ messageId: string; duplicate: boolean }> {
  const { conversation, reply } = input;
  const [row] = await db
    .insert(schema.messages)
    .values({
      brandId: conversation.brandId,
      conversationId: conversation.id,
      channel: conversation.channel,
      direction: 'out',
      text: reply.text,
      body: { ...reply, ...input.extra, ...(input.clientRef ? { clientRef: input.clientRef } : {}) },
      status: 'pending',
      createdAt: input.at,
    })
    .onConflictDoNothing()
    .returning({ id: schema.messages.id });
  if (row) return { messageId: row.id, duplicate: false };
  const [existing] = await db
    .select({ id: schema.messages.id })
    .from(schema.messages)
    .where(and(eq(schema.messages.conversationId, conversation.id), eq(schema.messages.direction, 'out'), sql`${schema.messages.body} ->> 'clientRef' = ${input.clientRef ?? ''}`));
  return { messageId: existing!.id, duplicate: true };
}

/** Pushes a stored message and records the outcome on it; never throws (a throwing pusher is a failed UNKNOWN). */
export async function deliverPush(
  deps: CoreDeps,
  pusher: CustomerPusher,
  input: { conversation: PushTarget; messageId: string; reply: Reply; options?: PushOptions },
): Promise<PushResult> {
  let result: PushResult;
  try {
    result = await pusher({ channel: input.conversation.channel as ChannelName, chatId: input.conversation.chatId }, input.reply, input.options);
  } catch (err) {
    deps.log.warn({ conversationId: input.conversation.id, reason: err instanceof Error ? err.name : 'unknown' }, 'push to customer threw');
    result = { status: 'failed', code: 'UNKNOWN' };
  }
  const outcome =
    result.status === 'sent'
      ? { platformMessageId: result.platformMessageId ?? input.messageId }
      : { error: result.status === 'window_closed' ? `WINDOW_CLOSED${result.template ? ':TEMPLATE_SENT' : ''}` : result.code };
  await markDelivery(deps, input.messageId, outcome);
  return result;
}

/** Merges `patch` into the conversation's dialogue state in one statement (never read-modify-write: a turn running now keeps its own changes). */
export async function mergeConversationState(deps: CoreDeps, conversationId: string, patch: Record<string, unknown>): Promise<void> {
  await deps.db
    .update(schema.conversations)
    .set({ state: sql`${schema.conversations.state} || ${JSON.stringify(patch)}::jsonb` })
    .where(eq(schema.conversations.id, conversationId));
}
