// Decides what one customer message means and which feature answers it. Buttons and /commands are exact;
// free text goes through the intent recognizer; an open form gets the message first.
import { LANGUAGES, type Language, type Reply } from '../../core/conversation/index.js';
import { findAccount } from '../../core/loyalty/index.js';
import { findGiftCardCode } from '../../core/gift-cards/index.js';
import { balanceReplies } from './features/balance.js';
import { enrollmentForm } from './features/enrollment.js';
import { giftCardForm } from './features/gift-cards.js';
import { REWARD_PAYLOAD, redeemForm, rewardPicked, rewardsReplies, VOUCHER_PAYLOAD, voucherShown, vouchersReplies } from './features/rewards.js';
import { reaskCurrent, startForm, stepForm, type FormSpec } from './forms/form-engine.js';
import { answerFromKnowledge } from '../../knowledge/index.js';
import { catalogs } from './i18n/index.js';
import { menuReply, say, setLanguage, type TurnContext, type Understood } from './turn-context.js';

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
  redeem: 'rewards',
  vouchers: 'my_vouchers',
  giftcard: 'gift_card_balance',
};

/** Every form the bot runs, by the id stored in the conversation. */
export const FORMS: readonly FormSpec[] = [enrollmentForm, redeemForm, giftCardForm];

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

  // A reward or voucher button is an explicit choice: it replaces a pending confirmation or code question, and
  // answers (then resumes) a sign-up.
  const picked = await answerPick(ctx);
  if (picked) return picked;

  const understood = understand(ctx);
  const form = openForm(ctx);
  if (form) return stepForm(ctx, form, understood, (c, u) => answerIntent(c, u));
  if (ctx.state.form) delete ctx.state.form; // a form this version no longer knows
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
  if (understood.intent !== 'none') ctx.state.misunderstood = 0;
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
      return startForm(ctx, enrollmentForm);
    case 'balance':
      return balanceReplies(ctx);
    case 'rewards':
      return rewardsReplies(ctx);
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
    default:
      // A gift card code pasted on its own (the classifier cannot know it) is a balance question.
      if (findGiftCardCode(ctx.text)) {
        ctx.state.misunderstood = 0;
        return giftCardReplies(ctx);
      }
      // Not understood offline: an LLM, when configured, gets the message (outside forms only, so names and
      // birthdays never leave); its answer is validated against our intents, anything else falls through.
      if (understood.intent === 'none' && ctx.llm && ctx.text && !ctx.state.form) {
        const llm = await ctx.llm.classify(ctx.text, { intent: 'none', confidence: understood.confidence, language: ctx.lang });
        if (llm.source === 'llm' && llm.intent !== 'none') return answerIntent(ctx, { intent: llm.intent, confidence: llm.confidence });
      }
      // Not a bot action: perhaps a question the brand's knowledge base answers (opening hours, allergens...).
      if (understood.intent === 'none' && ctx.knowledge && ctx.text) {
        const found = await answerFromKnowledge(ctx.deps, { brandId: ctx.brand.id, language: ctx.lang, query: ctx.text, embedder: ctx.knowledge });
        if (found.confident) {
          ctx.state.misunderstood = 0;
          return [menuReply(ctx, ctx.t.fromKnowledge(found.answer, found.sourceTitle ?? found.title))];
        }
      }
      // affirm/deny outside a form, and anything not understood.
      ctx.state.misunderstood = (ctx.state.misunderstood ?? 0) + 1;
      return [menuReply(ctx, ctx.t.fallback)];
  }
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
