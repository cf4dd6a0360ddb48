import { describe, expect, it } from 'vitest';
import { findGiftCardCode, maskGiftCardCodes } from './gift-cards.js';

describe('gift card codes in chat messages', () => {
  it('finds a code in a sentence, typed any way, in its printed form', () => {
    expect(findGiftCardCode('balance of k7q4-x9md-2pab-cd3f please')).toBe('K7Q4-X9MD-2PAB-CD3F');
    expect(findGiftCardCode('رصيد البطاقة K7Q4X9MD2PABCD3F')).toBe('K7Q4-X9MD-2PAB-CD3F');
    expect(findGiftCardCode('卡號 K7Q4 X9MD 2PAB CD3F')).toBe('K7Q4-X9MD-2PAB-CD3F');
    // Crockford look-alikes: O is 0, I and L are 1.
    expect(findGiftCardCode('K7Q4-X9MD-2PAB-CDOL')).toBe('K7Q4-X9MD-2PAB-CD01');
  });

  it('does not take words, phone numbers or short codes for gift card codes', () => {
    expect(findGiftCardCode('responsibilities')).toBeNull();
    expect(findGiftCardCode('my number is +971 50 123 4567')).toBeNull();
    expect(findGiftCardCode('voucher K7Q4-X9MD-2P')).toBeNull();
    expect(findGiftCardCode('K7Q4-X9MD-2PAB-CD3FX')).toBeNull();
    expect(findGiftCardCode('UUUU-UUUU-UUUU-UUUU')).toBeNull();
  });

  it('masks every code but its last four symbols and leaves other text alone', () => {
    expect(maskGiftCardCodes('it is K7Q4-X9MD-2PAB-CD3F, and k7q4x9md2pabcd3f')).toBe('it is ****-****-****-CD3F, and ****-****-****-CD3F');
    expect(maskGiftCardCodes('nothing to see, responsibilities, +971 50 123 4567')).toBe('nothing to see, responsibilities, +971 50 123 4567');
  });
});

describe('gift card codes among words', () => {
  it('picks the code, not the words before it, when groups are separated by spaces', () => {
    expect(findGiftCardCode('gift card K7Q4 X9MD 2PAB CD3F')).toBe('K7Q4-X9MD-2PAB-CD3F');
    expect(findGiftCardCode('gift card K7Q4-X9MD-2PAB-CD3F?')).toBe('K7Q4-X9MD-2PAB-CD3F');
    expect(findGiftCardCode("what's left on my gift card K7Q4-X9MD-2PAB-CD3F?")).toBe('K7Q4-X9MD-2PAB-CD3F');
    expect(findGiftCardCode('卡號K7Q4X9MD2PABCD3F謝謝')).toBe('K7Q4-X9MD-2PAB-CD3F');
    expect(findGiftCardCode('code: abcd-efgh-jkmn-pqrs')).toBe('ABCD-EFGH-JKMN-PQRS');
    expect(findGiftCardCode('gift card code')).toBeNull();
  });

  it('masks the code and keeps the words', () => {
    expect(maskGiftCardCodes('gift card K7Q4 X9MD 2PAB CD3F please')).toBe('gift card ****-****-****-CD3F please');
    expect(maskGiftCardCodes('卡號K7Q4X9MD2PABCD3F謝謝')).toBe('卡號****-****-****-CD3F謝謝');
  });
});
