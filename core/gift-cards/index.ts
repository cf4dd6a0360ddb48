/** Gift cards: issue, rate-limited balance checks, idempotent spending at stores, and code masking for logs. */
export { issueGiftCard, checkGiftCard, redeemGiftCard, findGiftCardCode, maskGiftCardCodes, GIFT_CARD_CODE_LENGTH, GIFT_CARD_GUESS_LIMIT } from './gift-cards.js';
export type { CheckGiftCardResult, RedeemGiftCardResult } from './gift-cards.js';
