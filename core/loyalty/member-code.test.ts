import { describe, expect, it } from 'vitest';
import { generateMemberCode, isValidMemberCode } from './member-code.js';

// Luhn misses exactly one adjacent transposition: 09 <-> 90.
const luhnBlindPair = (a: string, b: string) => (a === '0' && b === '9') || (a === '9' && b === '0');

describe('member codes', () => {
  it('generates 1000 codes that are 10 digits, have no leading zero and pass the check', () => {
    const codes = Array.from({ length: 1000 }, () => generateMemberCode());
    for (const code of codes) {
      expect(code).toMatch(/^[1-9]\d{9}$/);
      expect(isValidMemberCode(code)).toBe(true);
    }
    // Random, not a constant.
    expect(new Set(codes).size).toBeGreaterThan(990);
  });

  it('accepts known Luhn-valid numbers and rejects their neighbours', () => {
    // 79927398713 is the textbook Luhn example; its first nine digits take check digit 5 (computed by hand).
    expect(isValidMemberCode('7992739875')).toBe(true);
    expect(isValidMemberCode('7992739876')).toBe(false);
    expect(isValidMemberCode('1111111116')).toBe(true);
    expect(isValidMemberCode('1111111115')).toBe(false);
    expect(isValidMemberCode('0000000000')).toBe(true);
    expect(isValidMemberCode('0000000001')).toBe(false);
  });

  it('rejects anything that is not exactly 10 digits', () => {
    for (const bad of ['', '111111111', '11111111166', '111111111a', ' 1111111116', '1111111116 ', '11111-11116', '１１１１１１１１１６', '1111111116\n']) {
      expect(isValidMemberCode(bad), bad).toBe(false);
    }
  });

  it('detects every single-digit typo', () => {
    for (let n = 0; n < 200; n++) {
      const code = generateMemberCode();
      for (let pos = 0; pos < 10; pos++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === code[pos]) continue;
          const typo = code.slice(0, pos) + String(d) + code.slice(pos + 1);
          expect(isValidMemberCode(typo), `${code} -> ${typo}`).toBe(false);
        }
      }
    }
  });

  it('detects adjacent transpositions (other than Luhn’s known 09/90 blind spot), including the check digit', () => {
    let checked = 0;
    for (let n = 0; n < 200; n++) {
      const code = generateMemberCode();
      for (let pos = 0; pos < 9; pos++) {
        const a = code[pos]!;
        const b = code[pos + 1]!;
        if (a === b || luhnBlindPair(a, b)) continue;
        const swapped = code.slice(0, pos) + b + a + code.slice(pos + 2);
        expect(isValidMemberCode(swapped), `${code} -> ${swapped}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('detects a transposition in a fixed example', () => {
    expect(isValidMemberCode('1234567897')).toBe(true);
    expect(isValidMemberCode('2134567897')).toBe(false);
    expect(isValidMemberCode('1234567879')).toBe(false);
  });
});
