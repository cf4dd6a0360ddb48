import { describe, expect, it } from 'vitest';
import { CROCKFORD_ALPHABET, groupCode, normalizeCode, randomCrockford } from './codes.js';
import { canonicalVoucherCode } from './vouchers.js';

describe('Crockford codes', () => {
  it('draws symbols from the 32-letter alphabet without I, L, O or U, all of them in time', () => {
    const seen = new Set(randomCrockford(4_000));
    expect([...seen].sort().join('')).toBe(CROCKFORD_ALPHABET);
    expect(randomCrockford(10)).toHaveLength(10);
  });

  it('groups by four for display', () => {
    expect(groupCode('K7Q4X9MD2P')).toBe('K7Q4-X9MD-2P');
    expect(groupCode('K7Q4X9MD2PABCD3F')).toBe('K7Q4-X9MD-2PAB-CD3F');
  });

  it('reads what people type: any case, dashes, spaces, full-width and Arabic-Indic digits, look-alikes', () => {
    expect(normalizeCode(' k7q4-x9md 2p ')).toBe('K7Q4X9MD2P');
    expect(normalizeCode('Ｋ７Ｑ４')).toBe('K7Q4');
    expect(normalizeCode('K٧Q٤')).toBe('K7Q4');
    expect(normalizeCode('oil')).toBe('011');
    expect(normalizeCode('K7Q4;DROP')).toBeNull();
    expect(normalizeCode('UUUU')).toBeNull();
  });

  it('turns a typed voucher code into the printed one, or null when it cannot be one', () => {
    expect(canonicalVoucherCode('k7q4x9md2p')).toBe('K7Q4-X9MD-2P');
    expect(canonicalVoucherCode('K7Q4-X9MD-2')).toBeNull();
    expect(canonicalVoucherCode('')).toBeNull();
  });
});
