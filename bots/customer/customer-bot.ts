// The customer bot as an InboundSink: one database transaction per message, so the stored message, the
// dialogue state, any domain writes and the stored replies commit together or not at all.
import { eq } from 'drizzle-orm';
import { detectLanguage } from '../../nlu/index.js';
import {
  LANGUAGES,
  lockConversation,
  markDelivery,
  recordInbound,
  recordOutbound,
  repliesTo,
  saveConversation,
  type CustomerPusher,
  type InboundMessage,
  type InboundSink,
  type Language,
  type Reply,
  type TeamChat,
  type TurnResult,
} from '../../core/conversation/index.js';
import { joinByVerifiedPhone, resolveCustomer, updateCustomer } from '../../core/customers/index.js';
import type { CoreDeps } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import type { Embedder, GroundedAnswerer } from '../../knowledge/index.js';
import type { TicketPolicyOption } from '../../core/tickets/index.js';
import type { LlmFallback } from '../../nlu/llm-fallback.js';
import type { HandoffNotifier } from '../agent/desk-types.js';
import { marketingKeyword, setMarketingConsent } from './features/contact.js';
import { enrollmentForm } from './features/enrollment.js';
import { giftCardForm, redactForStorage, withoutGiftCardCodes } from './features/gift-cards.js';
import { currentField } from './forms/form-engine.js';
import { catalogs } from './i18n/index.js';
import { prepareTurn } from './prepare.js';
import { MAX_TEXT_LENGTH, route } from './router.js';
import { say, type BrandSettings, type ConversationState, type CustomerNotifier, type IntentRecognizer, type TurnContext } from './turn-context.js';

/** What the customer bot is built from. */
export interface CustomerBotDeps extends CoreDeps {
  brand: BrandSettings;
  nlu: IntentRecognizer;
  /** The knowledge base's embedder; unset when the brand has no knowledge base. */
  knowledge?: Embedder | null;
  /** Optional LLM for messages the offline NLU does not understand. */
  llm?: LlmFallback | null;
  /** Optional LLM answers from the knowledge base, grounded in its chunks (needs `knowledge`). */
  answerer?: GroundedAnswerer | null;
  /** Sends a text to a customer on another channel (link codes by WhatsApp). */
  notify?: CustomerNotifier | null;
  /** The agents' side: told (after the commit) of each new handoff and of each message while a person has the chat. */
  handoff?: HandoffNotifier | null;
  /** The staff team chats: new tickets and detractors are posted there (after the commit). */
  teamChat?: TeamChat | null;
  /**
   * Sends to a customer's chat outside a turn. Turns never push (their replies go back through the channel); it is here
   * so the app can build the survey sender from the same deps (`createSurveySender`).
   */
  pusher?: CustomerPusher | null;
  /** Support settings: the brand's ticket policy (priority rules, SLA, the business hours quoted for the team). */
  support?: { ticketPolicy?: TicketPolicyOption };
}

/** Creates the customer bot. */
export function createCustomerBot(deps: CustomerBotDeps): InboundSink {
  return {
    handle: (msg) => handleMessage(deps, msg),
    recordDelivery: (id, outcome) => markDelivery(deps, id, outcome),
  };
}

async function handleMessage(deps: CustomerBotDeps, msg: InboundMessage): Promise<TurnResult> {
  const log = deps.log.child({ channel: msg.channel, platformMessageId: msg.platformMessageId });
  const prepared = await prepareTurn(
    { ...deps, log, llm: deps.llm ?? null, knowledge: deps.knowledge ?? null, answerer: deps.answerer ?? null },
    msg,
    (state, remembered) => chooseLanguage(msg, state, remembered, deps.brand.defaultLanguage),
    MAX_TEXT_LENGTH,
  );
  // Work that must wait for the turn to commit (a code sent to another channel): run after the transaction, so no
  // network call holds the conversation's lock, and nothing is sent for a turn that rolled back.
  const afterCommit: Array<() => Promise<void>> = [];
  const result = await deps.db.transaction(async (tx) => {
    const txDeps: CoreDeps = { db: tx, clock: deps.clock, log };
    let { customer } = await resolveCustomer(txDeps, {
      brandId: deps.brand.id,
      channel: msg.channel,
      externalId: msg.externalUserId,
      displayName: msg.displayName,
      verifiedPhone: msg.verifiedPhone,
    });
    // Their own number, vouched for by the platform (Telegram's contact button): the profile that has it is theirs.
    if (msg.contact?.verified) {
      const joined = await joinByVerifiedPhone(txDeps, { brandId: deps.brand.id, customerId: customer.id, phone: msg.contact.phone });
      if (joined !== customer.id) {
        const [profile] = await tx.select().from(schema.customers).where(eq(schema.customers.id, joined));
        if (profile) customer = profile;
      }
    }
    const conversation = await lockConversation(txDeps, { brandId: deps.brand.id, channel: msg.channel, chatId: msg.chatId, customerId: customer.id });
    // A gift card code is a bearer secret: the stored copy of the message keeps only its last four symbols.
    const stored = redactForStorage(msg, conversation.state);
    const inbound = await recordInbound(txDeps, { brandId: deps.brand.id, conversationId: conversation.id, msg: stored });
    if (inbound.duplicate) {
      log.info({}, 'duplicate delivery ignored');
      return { duplicate: true, replies: await repliesTo(txDeps, inbound.id) };
    }
    // A person has taken over this conversation: store the message for them, pass it on, and say nothing.
    if (conversation.mode === 'agent') {
      await honourKeywordSilently(deps, txDeps, msg, customer.id);
      const notifier = deps.handoff;
      if (notifier) afterCommit.push(() => notifier.customerWrote({ conversationId: conversation.id, messageId: inbound.id }));
      return { duplicate: false, replies: [] };
    }

    const state = structuredClone(conversation.state) as ConversationState;
    const startLang = (conversation.language as Language | null) ?? (customer.language as Language | null);
    const lang = chooseLanguage(msg, state, startLang, deps.brand.defaultLanguage);
    const ctx: TurnContext = {
      deps: txDeps,
      brand: deps.brand,
      nlu: deps.nlu,
      knowledge: deps.knowledge ?? null,
      prepared,
      notify: deps.notify ?? null,
      afterCommit,
      handoff: deps.handoff ?? null,
      teamChat: deps.teamChat ?? null,
      ticketPolicy: deps.support?.ticketPolicy,
      conversationId: conversation.id,
      msg,
      text: (msg.text ?? '').trim(),
      customer,
      state,
      lang,
      t: catalogs[lang],
      isMember: false,
    };

    let replies: Reply[];
    try {
      // A savepoint: if a feature fails half-way, its writes roll back and the customer still gets an answer.
      replies = await tx.transaction(async (inner) => {
        ctx.deps = { ...txDeps, db: inner };
        return route(ctx);
      });
    } catch (err) {
      log.error({ err: errorSummary(err) }, 'turn failed; replying with an apology');
      replies = [say(ctx, ctx.t.somethingWentWrong)];
      ctx.state = structuredClone(conversation.state);
      // The feature's writes rolled back: nothing it queued may go out either.
      afterCommit.length = 0;
    }
    const outbound = await recordOutbound(txDeps, {
      brandId: deps.brand.id,
      conversationId: conversation.id,
      channel: msg.channel,
      inReplyTo: inbound.id,
      replies,
    });
    await saveConversation(txDeps, conversation.id, { state: { ...ctx.state }, language: ctx.lang });
    if (customer.language !== ctx.lang) await updateCustomer(txDeps, customer.id, { language: ctx.lang });
    return { duplicate: false, replies: outbound };
  });
  // In the background: the answer to this message must not wait for (or reveal anything by the time of) a send to
  // another channel.
  for (const task of afterCommit) {
    void task().catch((err: unknown) => log.error({ err: errorSummary(err) }, 'after-turn task failed'));
  }
  return result;
}

/**
 * STOP (and START) while a person has the conversation: the bot answers nothing, but the customer's word on marketing
 * is the law whoever they are talking to, so it is recorded at once, exactly as outside (the agent sees the message).
 */
async function honourKeywordSilently(deps: CustomerBotDeps, txDeps: CoreDeps, msg: InboundMessage, customerId: string): Promise<void> {
  const text = (msg.text ?? '').trim();
  const command = /^\/(stop|unsubscribe)(?:@\w+)?$/i.test(text) ? 'stop' : null;
  const keyword = command ?? (msg.payload === undefined ? marketingKeyword(text) : null);
  if (!keyword) return;
  await setMarketingConsent(txDeps, { customerId, channel: msg.channel, granted: keyword === 'start', wordingVersion: deps.brand.marketingWordingVersion });
  txDeps.log.info({ customerId, keyword }, 'marketing keyword honoured while a person has the conversation');
}

/**
 * The language to answer in: the one remembered, unless the customer clearly writes in another script
 * (a few letters at least; a name typed in Latin letters by a Chinese speaker is not a switch).
 */
function chooseLanguage(msg: InboundMessage, state: ConversationState, remembered: Language | null, fallback: Language): Language {
  // Gift card codes are Latin letters whatever language the customer speaks.
  const text = withoutGiftCardCodes(msg.text ?? '').trim();
  const detected = text ? detectLanguage(text) : null;
  const hint = msg.languageHint?.slice(0, 2).toLowerCase() as Language | undefined;
  if (!remembered) return detected ?? (hint && LANGUAGES.includes(hint) ? hint : fallback);
  if (!detected || detected === remembered) return remembered;
  // A name, or a code typed while one is awaited, says nothing about the language.
  const inNameField = currentField(state, enrollmentForm)?.name === 'name' || currentField(state, giftCardForm) !== undefined;
  const letters = text.replace(/[^\p{L}]/gu, '').length;
  const clear = detected === 'zh' ? letters >= 2 : letters >= 3;
  return clear && !inNameField ? detected : remembered;
}

function errorSummary(err: unknown): { name: string; message: string } {
  return err instanceof Error ? { name: err.name, message: err.message } : { name: 'unknown', message: String(err) };
}
