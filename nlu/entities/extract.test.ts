import { describe, expect, it } from 'vitest';
import { extractEntities } from './extract.js';
import { createFuzzyMatcher } from './fuzzy.js';

const stores = createFuzzyMatcher([
  { id: 'dxb-mall', names: ['Dubai Mall', 'دبي مول'] },
  { id: 'tpe-xinyi', names: ['Taipei Xinyi', '台北信義店'] },
]);
const rewards = createFuzzyMatcher([{ id: 'coffee', names: ['Free Coffee', 'قهوة مجانية', '免費咖啡'] }]);
const OPTIONS = { today: new Date('2025-06-30T08:00:00Z'), region: 'AE' as const, stores, rewards };

describe('extractEntities', () => {
  it('English', () => {
    expect(
      extractEntities('redeem 500 points for a free coffee at dubai mal tomorrow, call 050 123 4567 or Me@Mail.com', OPTIONS),
    ).toEqual({
      numbers: [500],
      points: 500,
      dates: ['2025-07-01'],
      phones: ['+971501234567'],
      emails: ['me@mail.com'],
      reward: { id: 'coffee', score: 1 },
      store: { id: 'dxb-mall', score: expect.any(Number) as number },
    });
  });

  it('Arabic (Gulf)', () => {
    const result = extractEntities('ابي استبدل ٥٠٠ نقطة بقهوة مجانية في دبي مول بكرة، رقمي ٠٥٠١٢٣٤٥٦٧', OPTIONS);
    expect(result).toMatchObject({
      numbers: [500],
      points: 500,
      dates: ['2025-07-01'],
      phones: ['+971501234567'],
      emails: [],
      reward: { id: 'coffee' },
      store: { id: 'dxb-mall', score: 1 },
    });
  });

  it('Chinese', () => {
    const result = extractEntities('明天去信義店用五百點換免費咖啡 電話+886 912 345 678', OPTIONS);
    expect(result).toMatchObject({
      numbers: [500],
      points: 500,
      dates: ['2025-07-01'],
      phones: ['+886912345678'],
      reward: { id: 'coffee', score: 1 },
      store: { id: 'tpe-xinyi' },
    });
  });

  it('mixed languages in one message', () => {
    const result = extractEntities('Hi, ابي 2 قهوة and 三杯茶 on 2025-07-05, email SARA@shop.ae', OPTIONS);
    expect(result.numbers).toEqual([2, 3]);
    expect(result.dates).toEqual(['2025-07-05']);
    expect(result.emails).toEqual(['sara@shop.ae']);
    expect(result.points).toBeUndefined();
  });

  it('leaves out what it does not find, and works without matchers', () => {
    expect(extractEntities('hello', { today: OPTIONS.today, region: 'AE' })).toEqual({
      numbers: [],
      dates: [],
      phones: [],
      emails: [],
    });
  });

  it('does not count digits of dates, phones and emails as numbers', () => {
    expect(extractEntities('a1b2@x9.com 2025-07-01 0501234567 and 7', OPTIONS).numbers).toEqual([7]);
  });

  it.each([
    ['two numbers with only a space between', '0501234567 0551234567', ['+971501234567', '+971551234567']],
    ['two spaced numbers', 'call 050 123 4567 or 055 123 4567', ['+971501234567', '+971551234567']],
    ['the same number twice', '0501234567 / +971 50 123 4567', ['+971501234567']],
    ['international form with a comma after it', 'my number is +971501234567, thanks', ['+971501234567']],
    ['not a phone', 'order 12345678', []],
  ])('phones: %s', (_label, text, phones) => {
    expect(extractEntities(text, OPTIONS).phones).toEqual(phones);
  });

  it('handles 10,000-character adversarial messages', () => {
    const inputs = [
      '1,'.repeat(5000),
      'a.'.repeat(5000),
      '1-'.repeat(5000),
      '0 '.repeat(5000),
      '@'.repeat(10000),
      'خمس '.repeat(2500),
      '三'.repeat(10000),
      '1'.repeat(10000),
      'dubai mal 500 points '.repeat(476),
      '05 '.repeat(3333),
      '050 123 '.repeat(1250),
    ];
    for (const text of inputs) {
      const result = extractEntities(text.slice(0, 10000), OPTIONS);
      expect(Array.isArray(result.numbers)).toBe(true);
    }
  });
});
