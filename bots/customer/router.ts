// Decides what one customer message means and which feature answers it. Buttons and /commands are exact;
// free text goes through the intent recognizer; an open form gets the message first.
import { LANGUAGES, type Language, type Reply } from '../../core/conversation/index.js';
import { findAccount } from '../../core/loyalty/index.js';
import { findGiftCardCode } from '../../core/gift-cards/index.js';
import { balanceReplies } from './features/balance.js';
import { enrollmentForm } from './features/enrollment.js';
import { giftCardForm } from './features/gift-cards.js';
import { marketingKeyword, npsReplies, privacyForm, privacyRequestReplies, resubscribeReplies, unsubscribeForm, unsubscribeReplies } from './features/contact.js';
import { answerFeedback } from './features/feedback.js';
import { handOver, isUpset } from './features/handoff.js';
import { linkReplies, linkRequest } from './features/linking.js';
import { historyReplies, referralReplies, tierInfoReplies } from './features/programme.js';
import { namedReward, REWARD_PAYLOAD, redeemForm, rewardPicked, rewardsReplies, VOUCHER_PAYLOAD, voucherShown, vouchersReplies } from './features/rewards.js';
import { storeReplies } from './features/stores.js';
import { supportReplies, ticketForm, ticketStatusReplies, ticketStatusRequest } from './features/tickets.js';
import { reaskCurrent, startForm, stepForm, type FormSpec } from './forms/form-engine.js';
import { isValidMemberCode } from '../../core/loyalty/index.js';
import { answerFromKnowledge } from '../../knowledge/index.js';
import { toLatinDigits } from '../../nlu/index.js';
import { DEFAULT_LLM_THRESHOLD } from '../../nlu/llm-fallback.js';
import { catalogs } from './i18n/index.js';
import { knowledgeReply, menuButtons, menuReply, say, setLanguage, type TurnContext, type Understood } from './turn-context.js';

/** Misunderstandings in a row after which the fallback offers a person. */
export const MISUNDERSTOOD_BEFORE_HUMAN = 2;
/** Misunderstandings in a row after which the bot hands the conversation to a person by itself. */
export const MISUNDERSTOOD_HANDOVER = 3;

/** Longest text the bot reads; longer messages get a polite "too long". */
export const MAX_TEXT_LENGTH = 2_000;

const COMMANDS: Record<string, string> = {
  start: 'greeting',
  menu: 'help',
  help: 'help',
  join: 'enroll',
  enroll: 'enroll',
  balance: 'balance',
  points: 'balance',
  language: 'language',
  cancel: 'cancel',
  rewards: 'rewards',
  redeem: 'redeem',
  vouchers: 'my_vouchers',
  giftcard: 'gift_card_balance',
  history: 'points_history',
  link: 'link',
  tiers: 'tier_info',
  invite: 'referral',
  stores: 'store_info',
  agent: 'human',
  human: 'human',
  complaint: 'support',
  tickets: 'ticket_status',
  stop: 'unsubscribe',
  unsubscribe: 'unsubscribe',
};

/** Every form the bot runs, by the id stored in the conversation. */
export const FORMS: readonly FormSpec[] = [enrollmentForm, redeemForm, giftCardForm, privacyForm, unsubscribeForm, ticketForm];

/** The open form's spec, if this version still knows it. */
function openForm(ctx: TurnContext): FormSpec | undefined {
  return FORMS.find((f) => f.id === ctx.state.form?.id);
}

/** Buttons and commands are certain; text is classified. */
export function understand(ctx: TurnContext): Understood {
  const payload = ctx.msg.payload;
  if (payload === 'start') return { intent: 'greeting', confidence: 1 };
  if (payload === 'form:cancel') return { intent: 'cancel', confidence: 1 };
  if (payload?.startsWith('intent:')) return { intent: payload.slice('intent:'.length), confidence: 1 };
  const command = /^\/([a-z_]+)(?:@\w+)?\b/i.exec(ctx.text);
  if (command) return { intent: COMMANDS[command[1]!.toLowerCase()] ?? 'none', confidence: 1 };
  if (!ctx.text) return { intent: 'none', confidence: 0 };
  // "what's the status of my ticket", "ticket 12": exact patterns (a ticket number must be read exactly).
  if (!ctx.state.form && ticketStatusRequest(ctx.text)) return { intent: 'ticket_status', confidence: 1 };
  // "link" / "link 48291375" joins channels; exact words, never guessed.
  if (!ctx.state.form && linkRequest(ctx.text)) return { intent: 'link', confidence: 1 };
  // STOP and START are keywords, honoured as such outside forms (inside one, "stop" stops the form).
  const keyword = ctx.state.form ? null : marketingKeyword(ctx.text);
  if (keyword) return { intent: keyword === 'stop' ? 'unsubscribe' : 'resubscribe', confidence: 1 };
  // The offline NLU was unsure and the LLM answered (asked before the turn, for this very text, outside any form):
  // its intent, or its "none", wins. A form opened since then gets the offline reading: names never leave.
  const llm = ctx.prepared?.text === ctx.text && !ctx.state.form ? ctx.prepared.understood : null;
  if (llm?.source === 'llm') return { intent: llm.intent, confidence: llm.confidence };
  return ctx.nlu.classify(ctx.text);
}

/** Produces the replies for one message. Mutates `ctx.state` and `ctx.lang`; the caller persists them. */
export async function route(ctx: TurnContext): Promise<Reply[]> {
  const { msg } = ctx;
  ctx.isMember = (await findAccount(ctx.deps, ctx.customer.id)) !== undefined;

  const chosen = msg.payload?.startsWith('lang:') ? (msg.payload.slice(5) as Language) : null;
  if (chosen && LANGUAGES.includes(chosen)) {
    setLanguage(ctx, chosen);
    return withFormResumed(ctx, [say(ctx, ctx.t.languageSet)]);
  }

  if (msg.media && !ctx.text && !msg.contact) return withFormResumed(ctx, [say(ctx, ctx.t.media)]);
  if (ctx.text.length > MAX_TEXT_LENGTH) return withFormResumed(ctx, [say(ctx, ctx.t.tooLong)]);
  // Emoji, punctuation or nothing at all: nothing to understand, but never silence.
  if (!msg.payload && !msg.contact && !/[\p{L}\p{N}]/u.test(ctx.text)) {
    return withFormResumed(ctx, [ctx.text ? say(ctx, ctx.t.emojiOnly) : say(ctx, ctx.t.fallback)]);
  }

  const understood = understand(ctx);
  // The answer to a rating or survey question the bot (or an agent) asked last, and their buttons.
  const feedback = await answerFeedback(ctx, understood);
  if (feedback) return feedback;

  // A reward or voucher button is an explicit choice: it replaces a pending confirmation or code question, and
  // answers (then resumes) a sign-up.
  const picked = await answerPick(ctx);
  if (picked) return picked;

  // Signing up, but this chat has just been recognised as a member's (a shared number, a link): nothing to sign up for.
  if (ctx.isMember && ctx.state.form?.id === enrollmentForm.id) {
    delete ctx.state.form;
    const account = await findAccount(ctx.deps, ctx.customer.id);
    return [say(ctx, ctx.t.enroll.alreadyMember(account!.memberCode)), ...(await balanceReplies(ctx))];
  }

  const form = openForm(ctx);
  if (form) return stepForm(ctx, form, understood, (c, u) => answerIntent(c, u));
  if (ctx.state.form) delete ctx.state.form; // a form this version no longer knows
  // An unsure guess at an intent loses to a confident answer from the knowledge base ("是否有素食選項" is not a request
  // for the help menu). Buttons, keywords and an LLM's verdict are sure (confidence 1) and never reach this.
  if (understood.intent !== 'none' && understood.confidence < DEFAULT_LLM_THRESHOLD && ctx.knowledge && ctx.text && !findGiftCardCode(ctx.text)) {
    const found = await answerFromKnowledge(ctx.deps, { brandId: ctx.brand.id, language: ctx.lang, query: ctx.text, embedder: ctx.knowledge });
    if (found.confident) return [knowledgeReply(ctx, found.answer, found.sourceTitle ?? found.title)];
  }
  return answerIntent(ctx, understood);
}


async function answerPick(ctx: TurnContext): Promise<Reply[] | null> {
  const payload = ctx.msg.payload ?? '';
  const rewardId = payload.startsWith(REWARD_PAYLOAD) ? payload.slice(REWARD_PAYLOAD.length) : null;
  const voucherId = payload.startsWith(VOUCHER_PAYLOAD) ? payload.slice(VOUCHER_PAYLOAD.length) : null;
  if (rewardId === null && voucherId === null) return null;
  if (ctx.state.form?.id === enrollmentForm.id) {
    const answer = rewardId !== null ? await rewardPicked(ctx, rewardId) : await voucherShown(ctx, voucherId!);
    return withFormResumed(ctx, answer);
  }
  delete ctx.state.form;
  return rewardId !== null ? rewardPicked(ctx, rewardId) : voucherShown(ctx, voucherId!);
}

/** Answers an intent outside any form. */
async function answerIntent(ctx: TurnContext, understood: Understood): Promise<Reply[]> {
  const missedBefore = ctx.state.misunderstood ?? 0;
  if (understood.intent !== 'none') ctx.state.misunderstood = 0;
  // A gift card code in the text makes it a gift card question, whatever the words around it ("K7Q4-… balance?"):
  // the classifier cannot know the code, and reading it as the points balance would ignore what was asked.
  if (!ctx.msg.payload && understood.intent !== 'gift_card_balance' && findGiftCardCode(ctx.text)) {
    ctx.state.misunderstood = 0;
    return giftCardReplies(ctx);
  }
  switch (understood.intent) {
    case 'greeting':
      return [say(ctx, ctx.t.greeting(ctx.customer.name)), menuReply(ctx)];
    case 'help':
      return [menuReply(ctx, ctx.t.help)];
    case 'enroll':
      if (ctx.isMember) {
        const account = await findAccount(ctx.deps, ctx.customer.id);
        return [say(ctx, ctx.t.enroll.alreadyMember(account!.memberCode)), ...(await balanceReplies(ctx))];
      }
      // "join 1234567890": a friend's member number, so the invitation pays both of them.
      return startForm(ctx, enrollmentForm, referrerIn(ctx.text));
    case 'balance':
      return balanceReplies(ctx);
    case 'rewards':
      return rewardsReplies(ctx);
    case 'redeem': {
      // "redeem the free drink": straight to the confirmation of that reward; otherwise the catalogue to pick from.
      const reward = ctx.isMember && ctx.text ? await namedReward(ctx, ctx.text) : null;
      return reward ? rewardPicked(ctx, reward) : rewardsReplies(ctx);
    }
    case 'points_history':
      return historyReplies(ctx);
    case 'tier_info':
      return tierInfoReplies(ctx);
    case 'referral':
      return referralReplies(ctx);
    case 'store_info':
      return storeReplies(ctx);
    case 'human':
      // Pressing the person offered after two misunderstandings records why.
      return handOver(ctx, missedBefore >= MISUNDERSTOOD_BEFORE_HUMAN ? 'misunderstood' : 'asked');
    case 'support':
      return supportReplies(ctx, isUpset(ctx));
    case 'ticket_status':
      return ticketStatusReplies(ctx);
    case 'nps_answer':
      return npsReplies(ctx);
    case 'unsubscribe':
      return unsubscribeReplies(ctx, understood);
    case 'resubscribe':
      return resubscribeReplies(ctx);
    case 'link':
      return linkReplies(ctx);
    case 'data_export':
      return privacyRequestReplies(ctx, 'export');
    case 'data_delete':
      return privacyRequestReplies(ctx, 'delete');
    case 'my_vouchers':
      return vouchersReplies(ctx);
    case 'gift_card_balance':
      return giftCardReplies(ctx);
    case 'language':
      return [languageMenu(ctx)];
    case 'cancel':
      return [menuReply(ctx, ctx.t.nothingToCancel)];
    case 'thanks':
      return [menuReply(ctx, ctx.t.thanks)];
    case 'goodbye':
      return [say(ctx, ctx.t.goodbye)];
    default: {
      // "yes" to "would you like to talk to a person?" (asked after two misunderstandings).
      if (understood.intent === 'affirm' && missedBefore >= MISUNDERSTOOD_BEFORE_HUMAN) return handOver(ctx, 'misunderstood');
      let unknown: Reply[] | null = null;
      if (understood.intent === 'none' && ctx.text) {
        const unclear = await answerUnclear(ctx);
        if (unclear?.answered) return unclear.replies;
        unknown = unclear?.replies ?? null;
        // Not a request the bot can act on, and strongly negative: a person, not a menu. (An upset message that asks
        // for something the bot can do, "I hate waiting, what's my balance", got its answer above.)
        if (isUpset(ctx)) return handOver(ctx, 'sentiment', [ctx.t.handoff.upset]);
      }
      // affirm/deny outside a form, and anything not understood. The second miss in a row offers a person; the third
      // brings one. (answerUnclear counted its own miss.)
      if (!unknown) ctx.state.misunderstood = (ctx.state.misunderstood ?? 0) + 1;
      const missed = ctx.state.misunderstood ?? 0;
      if (missed >= MISUNDERSTOOD_HANDOVER) return handOver(ctx, 'misunderstood', [ctx.t.handoff.misunderstood]);
      if (unknown) return unknown;
      if (missed >= MISUNDERSTOOD_BEFORE_HUMAN) {
        const menu = menuReply(ctx, ctx.t.fallbackOfferHuman);
        return [{ ...menu, buttons: [{ label: ctx.t.buttons.human, payload: 'intent:human' }, ...(menu.buttons ?? [])] }];
      }
      return [menuReply(ctx, ctx.t.fallback)];
    }
  }
}

/**
 * A free-text message with no intent (offline, or the LLM's verdict; see understand). With an LLM (asked before the
 * turn, see prepare.ts): a grounded answer from the knowledge base, or an honest "not in our information" with a
 * person offered (`answered: false`, counted as a miss). Without one, or when the LLM failed: the best knowledge-base
 * chunk when it is a confident match. Null: not understood.
 */
async function answerUnclear(ctx: TurnContext): Promise<{ answered: boolean; replies: Reply[] } | null> {
  if (!ctx.knowledge) return null;
  const prepared = ctx.prepared?.text === ctx.text && !ctx.state.form ? ctx.prepared : null;
  const grounded = prepared?.grounded?.language === ctx.lang ? prepared.grounded.answer : null;
  if (grounded?.status === 'answered') return { answered: true, replies: [knowledgeReply(ctx, grounded.text, [...new Set(grounded.sources.map((s) => s.title))].join(' · '))] };
  const found = await answerFromKnowledge(ctx.deps, { brandId: ctx.brand.id, language: ctx.lang, query: ctx.text, embedder: ctx.knowledge });
  if (grounded?.status === 'unknown' || (!found.confident && found.best?.textRank !== undefined)) {
    // Looks like a question for the knowledge base (it shares words with it), but nothing there answers it.
    ctx.state.misunderstood = (ctx.state.misunderstood ?? 0) + 1;
    return { answered: false, replies: [say(ctx, ctx.t.notInKnowledge, { buttons: [{ label: ctx.t.buttons.human, payload: 'intent:human' }, ...menuButtons(ctx)] })] };
  }
  return found.confident ? { answered: true, replies: [knowledgeReply(ctx, found.answer, found.sourceTitle ?? found.title)] } : null;
}

/** The referrer's member number in a "join …" message, as the enrollment form's initial value. */
function referrerIn(text: string): Record<string, string> {
  const code = /(?<!\d)\d{10}(?!\d)/.exec(toLatinDigits(text).replace(/[\s-]/g, ''))?.[0];
  return code && isValidMemberCode(code) ? { referrer: code } : {};
}

/** The gift card question; mid-sign-up the sign-up comes first (one form at a time). */
async function giftCardReplies(ctx: TurnContext): Promise<Reply[]> {
  if (ctx.state.form?.id === enrollmentForm.id) return [say(ctx, ctx.t.giftCard.afterSignUp)];
  return startForm(ctx, giftCardForm);
}

/** The language menu: each language named in itself. */
function languageMenu(ctx: TurnContext): Reply {
  return say(ctx, ctx.t.chooseLanguage, { buttons: LANGUAGES.map((l) => ({ label: catalogs[l].languageName, payload: `lang:${l}` })) });
}

/** Adds the open form's current question after `replies`, or else the menu buttons to the last reply. */
function withFormResumed(ctx: TurnContext, replies: Reply[]): Reply[] {
  const form = openForm(ctx);
  if (form) return [...replies, ...reaskCurrent(ctx, form)];
  const last = replies.at(-1);
  return last && !last.buttons ? [...replies.slice(0, -1), menuReply(ctx, last.text)] : replies;
}
