// Domain outcomes turned into HTTP answers, one exhaustive switch per operation, so a new outcome in core fails the
// type check here instead of falling through to a 500. Every error body is `{ error: { code, message, ... } }`.
import type { CheckGiftCardResult, RedeemGiftCardResult } from '../../../core/gift-cards/index.js';
import type { MemberSummary, RefundResult, TransactionResult } from '../../../core/pos/index.js';
import type { RedeemVoucherResult, ValidateVoucherResult, VoucherView } from '../../../core/rewards/index.js';

/** A status, a JSON body and any extra headers. */
export interface HttpOutcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Thrown by hooks and helpers for an expected refusal; the plugin's error handler sends it as is. */
export class PosApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'PosApiError';
  }
}

/** An error outcome. */
export function errorOutcome(status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): HttpOutcome {
  return { status, body: { error: { code, message, ...extra } }, ...(headers ? { headers } : {}) };
}

/** Marks an answer that repeats an earlier one (an idempotent retry), in the Stripe manner. */
const REPLAYED = { 'idempotent-replayed': 'true' };

/** What the till gets back for a sale. The same body for the first answer and for every faithful retry. */
export interface TransactionView {
  transactionId: string;
  externalId: string;
  storeCode: string;
  member: MemberSummary | null;
  pointsEarned: number;
  pointsPending: number;
}

/** A recorded or replayed sale → 201 or 200 with the same body; refusals → 409 or 422. */
export function transactionOutcome(r: TransactionResult, ctx: { externalId: string; storeCode: string; currency: string }): HttpOutcome {
  switch (r.status) {
    case 'recorded':
    case 'replayed': {
      const body: TransactionView = {
        transactionId: r.transactionId,
        externalId: ctx.externalId,
        storeCode: ctx.storeCode,
        member: r.member,
        pointsEarned: r.pointsEarned,
        pointsPending: r.pointsPending,
      };
      return r.status === 'recorded' ? { status: 201, body } : { status: 200, body, headers: REPLAYED };
    }
    case 'conflict':
      return errorOutcome(409, 'IDEMPOTENCY_CONFLICT', `transaction ${ctx.externalId} was already recorded at store ${ctx.storeCode} with different contents; nothing was changed`);
    case 'invalid':
      switch (r.reason) {
        case 'unknown_store':
          return errorOutcome(422, 'UNKNOWN_STORE', `no store ${ctx.storeCode} in this brand`);
        case 'currency_mismatch':
          return errorOutcome(422, 'CURRENCY_MISMATCH', `store ${ctx.storeCode} does not sell in ${ctx.currency}`);
        case 'lines_exceed_total':
          return errorOutcome(422, 'LINES_EXCEED_TOTAL', 'the receipt lines add up to more than totalMinor');
        case 'negative_line':
          // The schema already refuses negative line amounts with 400; kept for callers that bypass it.
          return errorOutcome(422, 'NEGATIVE_LINE', 'a receipt line has a negative amount');
      }
  }
}

/** A refund → 201 (200 on a retry); unknown sale 404, changed retry 409, too large 422 with what is left. */
export function refundOutcome(r: RefundResult, ctx: { transactionExternalId: string; refundExternalId: string; storeCode: string }): HttpOutcome {
  switch (r.status) {
    case 'refunded':
    case 'replayed': {
      const body = {
        refundId: r.refundId,
        transactionExternalId: ctx.transactionExternalId,
        refundExternalId: ctx.refundExternalId,
        pointsReversed: r.pointsReversed,
        shortfallPoints: r.shortfallPoints,
        member: r.member,
      };
      return r.status === 'refunded' ? { status: 201, body } : { status: 200, body, headers: REPLAYED };
    }
    case 'not_found':
      return errorOutcome(404, 'TRANSACTION_NOT_FOUND', `no transaction ${ctx.transactionExternalId} at store ${ctx.storeCode}`);
    case 'conflict':
      return errorOutcome(409, 'IDEMPOTENCY_CONFLICT', `refund ${ctx.refundExternalId} was already recorded with another amount; nothing was changed`);
    case 'exceeds_refundable':
      return errorOutcome(422, 'EXCEEDS_REFUNDABLE', `at most ${r.refundableMinor} minor units of this sale can still be refunded`, { refundableMinor: r.refundableMinor });
  }
}

// Vouchers: a used voucher is a conflict with its state (409); an expired or cancelled one is gone for good (410), so a
// till can tell "already used here or elsewhere" from "too late" without parsing messages.
// 'redeemed' is a refusal when validating (already used) and never reaches here when redeeming (it is the success).
type VoucherRefusal = Exclude<ValidateVoucherResult['status'] | RedeemVoucherResult['status'], 'valid'>;

function voucherRefusal(status: VoucherRefusal): HttpOutcome {
  switch (status) {
    case 'not_found':
      return errorOutcome(404, 'VOUCHER_NOT_FOUND', 'no such voucher');
    case 'redeemed':
    case 'already_redeemed':
      return errorOutcome(409, 'VOUCHER_ALREADY_REDEEMED', 'this voucher has already been used');
    case 'expired':
      return errorOutcome(410, 'VOUCHER_EXPIRED', 'this voucher has expired');
    case 'cancelled':
      return errorOutcome(410, 'VOUCHER_CANCELLED', 'this voucher was cancelled');
  }
}

/** A voucher as the API shows it. */
export function voucherBody(v: VoucherView): Record<string, unknown> {
  return { id: v.id, code: v.code, rewardName: v.rewardName, status: v.status, issuedAt: v.issuedAt.toISOString(), expiresAt: v.expiresAt.toISOString() };
}

/** Checking a voucher: 200 with the voucher and its reward when usable, else the refusal. */
export function voucherValidateOutcome(r: ValidateVoucherResult): HttpOutcome {
  if (r.status === 'valid') return { status: 200, body: { valid: true, voucher: voucherBody(r.voucher), reward: r.reward } };
  return voucherRefusal(r.status);
}

/** Using a voucher: 200 with the voucher, else the refusal (a second use is 409). */
export function voucherRedeemOutcome(r: RedeemVoucherResult): HttpOutcome {
  if (r.status === 'redeemed') return { status: 200, body: { redeemed: true, voucher: voucherBody(r.voucher) } };
  return voucherRefusal(r.status);
}

/** Gift card refusals shared by balance checks and spending. */
function giftCardRefusal(status: 'not_found' | 'expired' | 'blocked' | 'rate_limited' | 'idempotency_conflict', retryAfterSeconds: number): HttpOutcome {
  switch (status) {
    case 'not_found':
      return errorOutcome(404, 'GIFT_CARD_NOT_FOUND', 'no such gift card');
    case 'expired':
      return errorOutcome(410, 'GIFT_CARD_EXPIRED', 'this gift card has expired');
    case 'blocked':
      return errorOutcome(409, 'GIFT_CARD_BLOCKED', 'this gift card is blocked');
    case 'rate_limited':
      return errorOutcome(429, 'TOO_MANY_GIFT_CARD_GUESSES', 'too many unknown gift card codes from this API key; try again later', {}, { 'retry-after': String(retryAfterSeconds) });
    case 'idempotency_conflict':
      return errorOutcome(409, 'IDEMPOTENCY_CONFLICT', 'this idempotencyKey was already used for another gift card or amount; nothing was changed');
  }
}

/** A balance check: 200 with the balance, else the refusal (429 once a key has guessed too many wrong codes). */
export function giftCardCheckOutcome(r: CheckGiftCardResult, retryAfterSeconds: number): HttpOutcome {
  if (r.status === 'ok') {
    return { status: 200, body: { balanceMinor: r.balanceMinor, currency: r.currency, expiresAt: r.expiresAt?.toISOString() ?? null, last4: r.last4 } };
  }
  return giftCardRefusal(r.status, retryAfterSeconds);
}

/** Spending: 200 with the balance left; not enough on the card is 422 with what is there. */
export function giftCardRedeemOutcome(r: RedeemGiftCardResult, ctx: { currency: string | null }): HttpOutcome {
  switch (r.status) {
    case 'redeemed':
      return { status: 200, body: { redeemed: true, balanceMinor: r.balanceMinor, currency: ctx.currency } };
    case 'insufficient_balance':
      return errorOutcome(422, 'INSUFFICIENT_BALANCE', `the gift card holds only ${r.balanceMinor} minor units`, { balanceMinor: r.balanceMinor });
    default:
      return giftCardRefusal(r.status, 0);
  }
}
