// Work done before a turn's transaction. The LLM calls take up to seconds; inside the transaction they would hold the
// conversation's row lock and a pooled connection that long, so a burst of unclear messages could starve the pool.
// Here they run against an unlocked read of the conversation; the turn then uses the result only if it still fits
// (no form opened meanwhile, same language), and otherwise answers offline as if no LLM were configured.
import { findInbound, peekConversation, type InboundMessage, type Language } from '../../core/conversation/index.js';
import type { CoreDeps } from '../../core/shared/index.js';
import { searchKnowledge, GROUNDING_CHUNKS, type Embedder, type GroundedAnswer, type GroundedAnswerer } from '../../knowledge/index.js';
import type { LlmFallback, LlmFallbackResult } from '../../nlu/llm-fallback.js';
import { findGiftCardCode } from '../../core/gift-cards/index.js';
import type { BrandSettings, ConversationState, IntentRecognizer } from './turn-context.js';

/** What the LLM made of the message, computed before the turn. */
export interface PreparedTurn {
  /** The message text it was computed for. */
  text: string;
  /** The LLM's reading of an unclear message. */
  understood: LlmFallbackResult;
  /** A grounded answer from the knowledge base, in `language`; absent without an answerer. */
  grounded?: { language: Language; answer: GroundedAnswer };
}

/** What preparing needs. */
export interface PrepareDeps extends CoreDeps {
  brand: BrandSettings;
  nlu: IntentRecognizer;
  llm: LlmFallback | null;
  knowledge: Embedder | null;
  answerer: GroundedAnswerer | null;
}

/**
 * Asks the LLM about a free-text message the offline NLU is unsure about, outside any form; null when there is
 * nothing to ask. The language comes from `chooseLanguage` over the unlocked read of the conversation.
 */
export async function prepareTurn(...args: Parameters<typeof prepare>): Promise<PreparedTurn | null> {
  try {
    return await prepare(...args);
  } catch (err) {
    args[0].log.warn({ err: errorSummary(err) }, 'preparing the turn failed; answering offline');
    return null;
  }
}

async function prepare(
  deps: PrepareDeps,
  msg: InboundMessage,
  chooseLanguage: (state: ConversationState, remembered: Language | null) => Language,
  maxTextLength: number,
): Promise<PreparedTurn | null> {
  const text = (msg.text ?? '').trim();
  if (!deps.llm || msg.payload || msg.contact || !text || text.length > maxTextLength || text.startsWith('/')) return null;
  // A gift card code is a bearer secret: a message with one never leaves (and is a gift card question anyway).
  if (findGiftCardCode(text)) return null;
  // An intent the offline model is sure of needs no model. Anything without an intent may still be a question for
  // the knowledge base (the fallback itself skips classifying what the model is sure is out of scope).
  const offline = deps.nlu.classify(text);
  if (offline.intent !== 'none' && !deps.llm.unsure(offline)) return null;
  // A redelivery is answered with the first replies; it must not cost another model call.
  if (await findInbound(deps, { brandId: deps.brand.id, channel: msg.channel, platformMessageId: msg.platformMessageId })) return null;
  const conversation = await peekConversation(deps, { brandId: deps.brand.id, channel: msg.channel, chatId: msg.chatId });
  const state = (conversation?.state ?? {}) as ConversationState;
  // A form's answers (names, birthdays) never leave; a person's conversation gets no bot answer at all.
  if (state.form || conversation?.mode === 'agent') return null;
  const language = chooseLanguage(state, (conversation?.language as Language | null) ?? null);
  // Both at once: the answer is needed only if the LLM finds no intent, but waiting for one then the other doubles
  // the customer's wait. Either failing (the model, the embeddings, the database) leaves the other's result, and the
  // turn answers offline where both failed: preparing never stops a message from being handled.
  const [understood, grounded] = await Promise.allSettled([
    deps.llm.classify(text, { ...offline, language }),
    groundedAnswer(deps, text, language),
  ]);
  for (const failed of [understood, grounded]) {
    if (failed.status === 'rejected') deps.log.warn({ err: errorSummary(failed.reason) }, 'preparing the turn failed in part; answering offline');
  }
  const fallback: LlmFallbackResult = { intent: offline.intent, confidence: offline.confidence, entities: {}, source: 'offline', reason: 'error' };
  return {
    text,
    understood: understood.status === 'fulfilled' ? understood.value : fallback,
    ...(grounded.status === 'fulfilled' && grounded.value ? { grounded: { language, answer: grounded.value } } : {}),
  };
}

// Class name only: error messages from providers and drivers can quote the request.
function errorSummary(err: unknown): { type: string } {
  return { type: err instanceof Error ? err.constructor.name : typeof err };
}

async function groundedAnswer(deps: PrepareDeps, question: string, language: Language): Promise<GroundedAnswer | null> {
  if (!deps.answerer || !deps.knowledge) return null;
  const hits = await searchKnowledge(deps, { brandId: deps.brand.id, language, query: question, embedder: deps.knowledge, limit: GROUNDING_CHUNKS });
  return deps.answerer.answer({ question, language, hits });
}
