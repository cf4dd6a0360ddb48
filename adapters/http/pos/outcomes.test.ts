import { describe, expect, it } from 'vitest';
import {
  giftCardCheckOutcome,
  giftCardRedeemOutcome,
  refundOutcome,
  transactionOutcome,
  voucherRedeemOutcome,
  voucherValidateOutcome,
} from './outcomes.js';

const txn = { externalId: 'T-1', storeCode: 'DXB-MALL', currency: 'AED' };
const member = { memberCode: '1234567897', balance: 10, pendingPoints: 5, tierCode: 'bronze' };

describe('transactionOutcome', () => {
  it('answers a new sale 201 and a retry 200 with the same body, marked as a replay', () => {
    const r = { transactionId: 'id', member, pointsEarned: 5, pointsPending: 5 };
    const created = transactionOutcome({ status: 'recorded', ...r }, txn);
    const replayed = transactionOutcome({ status: 'replayed', ...r }, txn);
    expect(created).toEqual({ status: 201, body: { transactionId: 'id', externalId: 'T-1', storeCode: 'DXB-MALL', member, pointsEarned: 5, pointsPending: 5 } });
    expect(replayed).toEqual({ status: 200, body: created.body, headers: { 'idempotent-replayed': 'true' } });
  });

  it('maps a changed retry to 409 and each invalid reason to 422 with its own code', () => {
    expect(transactionOutcome({ status: 'conflict' }, txn)).toMatchObject({ status: 409, body: { error: { code: 'IDEMPOTENCY_CONFLICT' } } });
    const codes = (['unknown_store', 'currency_mismatch', 'lines_exceed_total', 'negative_line'] as const).map((reason) => {
      const o = transactionOutcome({ status: 'invalid', reason }, txn);
      expect(o.status).toBe(422);
      return (o.body as { error: { code: string } }).error.code;
    });
    expect(codes).toEqual(['UNKNOWN_STORE', 'CURRENCY_MISMATCH', 'LINES_EXCEED_TOTAL', 'NEGATIVE_LINE']);
  });
});

describe('refundOutcome', () => {
  const ctx = { transactionExternalId: 'T-1', refundExternalId: 'R-1', storeCode: 'DXB-MALL' };
  it('gives the refundable amount with a 422 for a refund larger than what is left', () => {
    expect(refundOutcome({ status: 'exceeds_refundable', refundableMinor: 700 }, ctx)).toEqual({
      status: 422,
      body: { error: { code: 'EXCEEDS_REFUNDABLE', message: 'at most 700 minor units of this sale can still be refunded', refundableMinor: 700 } },
    });
    expect(refundOutcome({ status: 'not_found' }, ctx).status).toBe(404);
    expect(refundOutcome({ status: 'conflict' }, ctx).status).toBe(409);
  });
});

describe('vouchers and gift cards', () => {
  it('tells a used voucher (409) from an expired or cancelled one (410)', () => {
    expect(voucherValidateOutcome({ status: 'redeemed' }).status).toBe(409);
    expect(voucherRedeemOutcome({ status: 'already_redeemed' }).status).toBe(409);
    expect(voucherRedeemOutcome({ status: 'expired' })).toMatchObject({ status: 410, body: { error: { code: 'VOUCHER_EXPIRED' } } });
    expect(voucherValidateOutcome({ status: 'cancelled' })).toMatchObject({ status: 410, body: { error: { code: 'VOUCHER_CANCELLED' } } });
    expect(voucherValidateOutcome({ status: 'not_found' }).status).toBe(404);
  });

  it('answers too many gift card guesses with 429 and Retry-After, and a short card with its balance', () => {
    expect(giftCardCheckOutcome({ status: 'rate_limited' }, 3600)).toMatchObject({ status: 429, headers: { 'retry-after': '3600' } });
    expect(giftCardCheckOutcome({ status: 'ok', balanceMinor: 5, currency: 'AED', expiresAt: null, last4: 'AB12' }, 1)).toEqual({
      status: 200,
      body: { balanceMinor: 5, currency: 'AED', expiresAt: null, last4: 'AB12' },
    });
    expect(giftCardRedeemOutcome({ status: 'insufficient_balance', balanceMinor: 5 }, { currency: 'AED' })).toMatchObject({ status: 422, body: { error: { balanceMinor: 5 } } });
    expect(giftCardRedeemOutcome({ status: 'idempotency_conflict' }, { currency: null }).status).toBe(409);
    expect(giftCardRedeemOutcome({ status: 'blocked' }, { currency: null }).status).toBe(409);
    expect(giftCardRedeemOutcome({ status: 'expired' }, { currency: null }).status).toBe(410);
  });
});
