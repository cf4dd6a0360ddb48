// Sends a due NPS survey (core/surveys' job hands it over) to the customer's chat: the question in the conversation's
// language, stored as an outbound message of that conversation (so the history and the agents see it), pushed on the
// chat's channel, and, once it went out, `state.survey` set on the conversation so the bot reads the answer.
import { and, desc, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import { LANGUAGES, deliverPush, mergeConversationState, storePush, type CustomerPusher, type Language } from '../../core/conversation/index.js';
import type { CoreDeps } from '../../core/shared/index.js';
import type { SendSurvey, SurveyToSend } from '../../core/surveys/index.js';
import { schema } from '../../db/index.js';
import { surveyQuestion } from './features/feedback.js';

/** What the survey sender is built from (the customer bot's deps do). */
export interface SurveySenderDeps extends CoreDeps {
  /** The brand this process speaks for; other brands' surveys are left for their own process. */
  brandId: string;
  pusher: CustomerPusher;
  /** The language when neither the conversation nor the customer has one (default English). */
  defaultLanguage?: Language;
}

// Platform refusals that will not change by waiting: the survey is skipped. Anything else (TEMPORARY, RATE_LIMITED,
// AUTH, UNKNOWN) is thrown, so the job tries again after its lease.
const FOR_GOOD = new Set(['BLOCKED_BY_USER', 'INVALID_RECIPIENT']);

/**
 * The `send` of registerSurveyJobs (core/surveys/jobs.ts). Outcomes:
 * - no conversation on the survey's channel → 'unreachable' (skipped: there is no chat to ask in);
 * - the customer is with a person on any of their chats (a conversation in mode 'agent', or a handoff not closed yet,
 *   queued or assigned) → 'later': no automated message reaches a customer while the team has them; checked again
 *   right before the push. The survey stays scheduled and the job tries again later, inside the store's waking hours;
 * - sent → 'sent'; blocked or an invalid recipient → 'unreachable';
 * - WhatsApp's 24-hour window closed → 'unreachable': pushed with `template: false`, so nothing goes out (a survey is
 *   not worth a paid re-engagement template) and the survey is skipped;
 * - any other failure throws (retried after the lease). The attempt stays in the history as a failed message.
 */
export function createSurveySender(deps: SurveySenderDeps): SendSurvey {
  return async (due) => {
    if (due.brandId !== deps.brandId) return 'later';
    const conversation = await surveyConversation(deps, due);
    if (!conversation) return 'unreachable';
    if (conversation.mode === 'agent' || (await withAPerson(deps, due))) return 'later';
    const [customer] = await deps.db.select({ language: schema.customers.language }).from(schema.customers).where(eq(schema.customers.id, due.customerId));
    const lang = [conversation.language, customer?.language, deps.defaultLanguage].find((l): l is Language => LANGUAGES.includes(l as Language)) ?? 'en';
    const reply = surveyQuestion(lang, due.id);
    // Again just before it goes out: a handoff requested meanwhile (on any chat) wins.
    if (await withAPerson(deps, due)) return 'later';
    const { messageId } = await storePush(deps.db, { conversation, reply, extra: { author: { type: 'system' }, survey: { responseId: due.id } }, at: deps.clock.now() });
    // Never the paid WhatsApp template: a survey is not worth inviting the customer back for.
    const result = await deliverPush(deps, deps.pusher, { conversation, messageId, reply, options: { template: false } });
    switch (result.status) {
      case 'sent': {
        // One atomic merge into the state (never read-modify-write): a turn of this chat running now keeps its own
        // changes, and the answer finds `survey` whichever commits first.
        await mergeConversationState(deps, conversation.id, { survey: { responseId: due.id, askedAt: deps.clock.now().toISOString() } });
        return 'sent';
      }
      case 'window_closed':
        return 'unreachable';
      case 'failed':
        if (FOR_GOOD.has(result.code)) return 'unreachable';
        throw new Error(`survey push failed: ${result.code}`);
    }
  };
}

/**
 * Whether a person from the team has the customer, on any channel: one of their conversations is in mode 'agent', or
 * a handoff of theirs is not closed (queued or assigned: the request stands, even if the bot still answers meanwhile).
 */
async function withAPerson(deps: SurveySenderDeps, due: SurveyToSend): Promise<boolean> {
  const c = schema.conversations;
  const h = schema.handoffs;
  const [agentChat] = await deps.db
    .select({ id: c.id })
    .from(c)
    .where(and(eq(c.brandId, due.brandId), eq(c.customerId, due.customerId), eq(c.mode, 'agent')))
    .limit(1);
  if (agentChat) return true;
  const [open] = await deps.db
    .select({ id: h.id })
    .from(h)
    .where(and(eq(h.brandId, due.brandId), eq(h.customerId, due.customerId), ne(h.status, 'closed')))
    .limit(1);
  return open !== undefined;
}

/**
 * The chat to ask in: the customer's conversation on the survey's channel, found by customer or by one of their
 * identities there (a chat id is the platform's user id on one-to-one channels, also after profiles were merged).
 */
async function surveyConversation(deps: SurveySenderDeps, due: SurveyToSend): Promise<typeof schema.conversations.$inferSelect | undefined> {
  const identities = await deps.db
    .select({ externalId: schema.channelIdentities.externalId })
    .from(schema.channelIdentities)
    .where(
      and(
        eq(schema.channelIdentities.brandId, due.brandId),
        eq(schema.channelIdentities.customerId, due.customerId),
        eq(schema.channelIdentities.channel, due.channel),
        isNull(schema.channelIdentities.unreachableAt),
      ),
    );
  const chatIds = identities.map((i) => i.externalId);
  const [row] = await deps.db
    .select()
    .from(schema.conversations)
    .where(
      and(
        eq(schema.conversations.brandId, due.brandId),
        eq(schema.conversations.channel, due.channel),
        chatIds.length > 0 ? or(eq(schema.conversations.customerId, due.customerId), inArray(schema.conversations.chatId, chatIds)) : eq(schema.conversations.customerId, due.customerId),
      ),
    )
    .orderBy(desc(schema.conversations.updatedAt))
    .limit(1);
  return row;
}
