import { describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../core/conversation/index.js';
import { redactForStorage, withoutGiftCardCodes } from './gift-cards.js';

const msg = (text: string): InboundMessage => ({ channel: 'web', externalUserId: 'u', chatId: 'u', platformMessageId: 'm', text, timestamp: new Date(0) });
const awaitingCode = { form: { id: 'gift-card', field: 0, values: {} } };

describe('redactForStorage', () => {
  it('masks gift card codes in any message, keeping the last four symbols', () => {
    expect(redactForStorage(msg('balance K7Q4-X9MD-2PAB-CD3F pls'), {}).text).toBe('balance ****-****-****-CD3F pls');
  });

  it('leaves other messages untouched (the same object)', () => {
    const m = msg('my number is +971 50 123 4567');
    expect(redactForStorage(m, {})).toBe(m);
    // While a code is awaited, a long run with digits is masked whatever it is (a phone number too: no harm).
    expect(redactForStorage(m, awaitingCode).text).toBe('my number is +****');
  });

  it('while a code is awaited, masks near-misses too, but not plain words', () => {
    expect(redactForStorage(msg('K7Q4-X9MD-2PAB-CD3'), awaitingCode).text).toBe('****');
    expect(redactForStorage(msg('what is my balance'), awaitingCode).text).toBe('what is my balance');
  });
});

describe('withoutGiftCardCodes', () => {
  it('drops codes so they do not decide the language', () => {
    expect(withoutGiftCardCodes('K7Q4-X9MD-2PAB-CD3F').trim()).toBe('');
    expect(withoutGiftCardCodes('رصيد K7Q4-X9MD-2PAB-CD3F').trim()).toBe('رصيد');
  });
});
