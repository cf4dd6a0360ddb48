// Gift card balance in the chat: a one-question form asks for the code (or takes it from the message that asked),
// and the answer shows only the last four symbols. The code is a bearer secret, so the stored copy of the message
// that carried it is masked (see `redactForStorage`) and it is never logged.
import type { InboundMessage } from '../../../core/conversation/index.js';
import { checkGiftCard, findGiftCardCode, GIFT_CARD_CODE_LENGTH, maskGiftCardCodes } from '../../../core/gift-cards/index.js';
import { groupCode, normalizeCode } from '../../../core/rewards/index.js';
import { currentField, type FormField, type FormSpec } from '../forms/form-engine.js';
import { formatMoney } from '../i18n/index.js';
import { menuReply, say, type ConversationState } from '../turn-context.js';

const codeField: FormField = {
  name: 'code',
  freeText: false,
  ask: (ctx) => [say(ctx, ctx.t.giftCard.askCode, { buttons: [{ label: ctx.t.buttons.cancel, payload: 'form:cancel' }] })],
  // "gift card balance K7Q4-…" in one message: nothing to ask.
  skip: (ctx) => {
    const code = findGiftCardCode(ctx.text);
    return code ? { value: code } : null;
  },
  accept: (ctx, { text }) => {
    // Asked for a code, a message that is only 16 symbols is one even without a digit.
    const bare = normalizeCode(text);
    const code = findGiftCardCode(text) ?? (bare?.length === GIFT_CARD_CODE_LENGTH ? groupCode(bare) : null);
    return code ? { kind: 'ok', value: code } : { kind: 'retry', replies: [say(ctx, ctx.t.giftCard.invalidCode)] };
  },
};

/** Asks for a gift card code and answers its balance; checks are rate limited per customer. */
export const giftCardForm: FormSpec = {
  id: 'gift-card',
  intent: 'gift_card_balance',
  fields: [codeField],
  intro: () => [],
  cancelled: (ctx) => [menuReply(ctx, ctx.t.giftCard.cancelled)],
  resumeText: (ctx) => ctx.t.giftCard.resume,
  complete: async (ctx, values) => {
    const result = await checkGiftCard(ctx.deps, { brandId: ctx.brand.id, code: String(values.code), rateKey: `customer:${ctx.customer.id}` });
    ctx.deps.log.info({ customerId: ctx.customer.id, status: result.status }, 'gift card balance asked');
    const g = ctx.t.giftCard;
    switch (result.status) {
      case 'ok':
        return [menuReply(ctx, g.balance({ amount: formatMoney(result.balanceMinor, result.currency, ctx.lang), last4: result.last4, expiresAt: result.expiresAt }))];
      case 'not_found':
        return [say(ctx, g.notFound, { buttons: [{ label: ctx.t.buttons.giftCard, payload: 'intent:gift_card_balance' }, { label: ctx.t.buttons.help, payload: 'intent:help' }] })];
      case 'expired':
        return [menuReply(ctx, g.expired)];
      case 'blocked':
        return [menuReply(ctx, g.blocked)];
      case 'rate_limited':
        return [menuReply(ctx, g.rateLimited)];
    }
  },
};

// Near-misses typed while a code is awaited (a symbol short, a typo) are still most of a secret: any run of letters,
// digits, spaces and dashes with a digit and at least 8 letters or digits is masked whole.
const CODE_LIKE_RUN = /[\p{L}\p{N}](?:[\p{L}\p{N}]|[ \-‐–](?=[\p{L}\p{N}]))*/gu;

/**
 * The message as it should be stored: gift card codes masked to their last four symbols, and while the bot is
 * waiting for a code, anything code-like masked too. The bot still reads the original.
 */
export function redactForStorage(msg: InboundMessage, state: ConversationState): InboundMessage {
  if (!msg.text) return msg;
  let text = maskGiftCardCodes(msg.text);
  if (currentField(state, giftCardForm)) {
    text = text.replace(CODE_LIKE_RUN, (run) => (/\d/.test(run) && run.replace(/[^\p{L}\p{N}]/gu, '').length >= 8 ? '****' : run));
  }
  return text === msg.text ? msg : { ...msg, text };
}

/** The text without gift card codes, for telling the language (a code is Latin letters in any conversation). */
export function withoutGiftCardCodes(text: string): string {
  return maskGiftCardCodes(text).replace(/\*{4}-\*{4}-\*{4}-[0-9A-Z]{4}/g, ' ');
}

