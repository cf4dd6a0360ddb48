import { describe, expect, it } from 'vitest';
import { maskCodesInUrl } from './log.js';

describe('maskCodesInUrl', () => {
  it('keeps only the last four characters of a gift card or voucher code in the path', () => {
    expect(maskCodesInUrl('/api/v1/gift-cards/ABCD-EFGH-JKMN-PQ12/validate')).toBe('/api/v1/gift-cards/****PQ12/validate');
    expect(maskCodesInUrl('/api/v1/vouchers/K7Q4-X9MD-2P/redeem?x=1')).toBe('/api/v1/vouchers/****D-2P/redeem?x=1');
  });

  it('hides short codes entirely and leaves other paths alone', () => {
    expect(maskCodesInUrl('/api/v1/gift-cards/1234/validate')).toBe('/api/v1/gift-cards/****/validate');
    expect(maskCodesInUrl('/api/v1/transactions/T-1/refunds')).toBe('/api/v1/transactions/T-1/refunds');
  });
});
