import type { Embedder } from '../../knowledge/index.js';
import type { PreparedTurn } from './prepare.js';
import type { ChannelName, InboundMessage, Language, QuickReply, Reply, TeamChat } from '../../core/conversation/index.js';
import type { Customer } from '../../core/customers/index.js';
import type { CoreDeps } from '../../core/shared/index.js';
import type { TicketPolicyOption } from '../../core/tickets/index.js';
import type { HandoffNotifier } from '../agent/desk-types.js';
import { catalogs, directionOf, type Catalog } from './i18n/index.js';

/** Sends one text to a customer on one of their channels; 'no_identity' when they have none there (or it is unreachable). */
export type CustomerNotifier = (input: { customerId: string; channel: ChannelName; text: string }) => Promise<'sent' | 'window_closed' | 'failed' | 'no_identity'>;

/** What the bot knows about the brand it speaks for. */
export interface BrandSettings {
  id: string;
  /** ISO country used to read phone numbers typed without a country code. */
  country: string;
  defaultLanguage: Language;
  termsVersion: string;
  marketingWordingVersion: string;
}

/** The intent recognizer the bot uses (nlu/ provides it); `none` means not understood. */
export interface IntentRecognizer {
  classify(text: string): { intent: string; confidence: number };
}

/** The state of an unfinished form, stored in the conversation. */
export interface FormState {
  id: string;
  field: number;
  values: Record<string, string | boolean | null>;
}

/** Dialogue state kept in `conversations.state` (JSON). */
export interface ConversationState {
  form?: FormState;
  /** Consecutive messages the bot did not understand. */
  misunderstood?: number;
  /**
   * A CSAT question is waiting (set by the agent desk after a person resolved the conversation, with `ticketId` and
   * `askedAt`); `scoredAt` once the score is recorded and the optional comment is awaited; `retried` after one re-ask.
   */
  csat?: { ticketId: number; askedAt: string; scoredAt?: string; retried?: boolean };
  /**
   * An NPS question is waiting (set by the survey sender); `scoredAt`, `score` and `reviewUrl` once the score is
   * recorded and the reason is awaited (`retried` is no longer set: an invalid score is asked again each time).
   */
  survey?: { responseId: number; askedAt: string; scoredAt?: string; score?: number; reviewUrl?: string; retried?: boolean };
}

/** A recognized intent with its confidence (1 for buttons and commands). */
export interface Understood {
  intent: string;
  confidence: number;
}

/** Everything a feature needs to answer one message. `deps.db` is the turn's transaction. */
export interface TurnContext {
  deps: CoreDeps;
  brand: BrandSettings;
  nlu: IntentRecognizer;
  /** The embedder of the brand's knowledge base; null when the bot has none. */
  knowledge: Embedder | null;
  /** What the LLM made of this message before the turn began (prepare.ts); null without an LLM or when not needed. */
  prepared: PreparedTurn | null;
  /** Sends a text to a customer on another channel (a link code to their WhatsApp); null when no channel can. */
  notify: CustomerNotifier | null;
  /** Tasks run once the turn has committed (never inside its transaction): sends to other channels. */
  afterCommit: Array<() => Promise<void>>;
  /** The agents' side, told about new handoffs after the commit; null when the app runs without one. */
  handoff: HandoffNotifier | null;
  /** The staff team chats (ticket and detractor alerts, after the commit); null when none is configured. */
  teamChat: TeamChat | null;
  /** The brand's ticket policy (priorities, SLA, business hours); the defaults when unset. */
  ticketPolicy: TicketPolicyOption | undefined;
  /** The conversation this message belongs to (locked for the turn). */
  conversationId: string;
  msg: InboundMessage;
  /** The message text, trimmed ('' when there is none). */
  text: string;
  customer: Customer;
  state: ConversationState;
  lang: Language;
  t: Catalog;
  isMember: boolean;
}

/** Switches the turn to another language (catalog included). */
export function setLanguage(ctx: TurnContext, lang: Language): void {
  ctx.lang = lang;
  ctx.t = catalogs[lang];
}

/** A reply in the turn's language and direction. */
export function say(ctx: TurnContext, text: string, extra: Partial<Omit<Reply, 'text' | 'dir'>> = {}): Reply {
  return { text, dir: directionOf(ctx.lang), ...extra };
}

/** The main menu buttons: "join" for people who are not members yet; rewards, vouchers and gift cards for members. */
export function menuButtons(ctx: TurnContext): QuickReply[] {
  const b = ctx.t.buttons;
  const memberOnly = [
    { label: b.rewards, payload: 'intent:rewards' },
    { label: b.vouchers, payload: 'intent:my_vouchers' },
    { label: b.giftCard, payload: 'intent:gift_card_balance' },
  ];
  return [
    ...(ctx.isMember ? [] : [{ label: b.join, payload: 'intent:enroll' }]),
    { label: b.balance, payload: 'intent:balance' },
    // A short menu for newcomers: joining first; the rest is in "help" and understood when typed.
    ...(ctx.isMember ? memberOnly : []),
    { label: b.language, payload: 'intent:language' },
    { label: b.help, payload: 'intent:help' },
  ];
}

/** A reply carrying the main menu. */
export function menuReply(ctx: TurnContext, text: string = ctx.t.menuPrompt): Reply {
  return say(ctx, text, { buttons: menuButtons(ctx) });
}

/** A knowledge-base answer with where it comes from, and the menu; the customer was understood. */
export function knowledgeReply(ctx: TurnContext, answer: string, source: string): Reply {
  ctx.state.misunderstood = 0;
  return menuReply(ctx, ctx.t.fromKnowledge(answer, source));
}
