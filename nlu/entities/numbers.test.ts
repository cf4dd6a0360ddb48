import { describe, expect, it } from 'vitest';
import { extractNumbers, findNumbers, parseChineseNumber, parseNumber } from './numbers.js';

describe('extractNumbers', () => {
  it.each([
    ['plain', '500', [500]],
    ['thousands comma', '1,250', [1250]],
    ['big thousands commas', '1,250,000', [1250000]],
    ['decimal', '3.75', [3.75]],
    ['k suffix', '1.5k', [1500]],
    ['list, not thousands', '1,2,3', [1, 2, 3]],
    ['several in a sentence', 'give me 500 points and 3 coffees', [500, 3]],
    ['full-width digits', '１２３', [123]],
    ['no numbers', 'hello there', []],
    ['a lone "one" is not a number', 'this one please', []],
    ['English words', 'two hundred and fifty', [250]],
    ['English thousands', 'three thousand', [3000]],
  ])('English/Latin: %s', (_label, text, expected) => {
    expect(extractNumbers(text)).toEqual(expected);
  });

  it.each([
    ['Arabic-Indic digits', '١٢٣٤', [1234]],
    ['Eastern Arabic digits', '۱۲۳۴', [1234]],
    ['Arabic decimal separator', '٣٫٥', [3.5]],
    ['Arabic thousands separator', '١٬٢٥٠', [1250]],
    ['خمسة', 'خمسة', [5]],
    ['عشرة', 'عشرة', [10]],
    ['مية', 'مية', [100]],
    ['ألف', 'ألف', [1000]],
    ['ألفين', 'ألفين', [2000]],
    ['خمس مية', 'خمس مية', [500]],
    ['خمسمية in one word', 'خمسمية', [500]],
    ['digits and آلاف', '٥ آلاف', [5000]],
    ['ألف وخمسمية', 'ألف وخمسمية', [1500]],
    ['مية وخمسين', 'مية وخمسين', [150]],
    ['in a sentence', 'ابي ٣ قهوة', [3]],
  ])('Arabic: %s', (_label, text, expected) => {
    expect(extractNumbers(text)).toEqual(expected);
  });

  it.each([
    ['三千零五', [3005]],
    ['兩百', [200]],
    ['两百', [200]],
    ['十五', [15]],
    ['一百零一', [101]],
    ['三千五百', [3500]],
    ['三千五', [3500]],
    ['一萬二', [12000]],
    ['一萬二千', [12000]],
    ['兩萬五千', [25000]],
    ['1.5萬', [15000]],
    ['3萬5', [35000]],
    ['一億二千萬', [120000000]],
    ['二十', [20]],
    ['二〇二五', [2025]],
    ['我要換五百點', [500]],
    ['等一下', []],
    ['千萬不要', []],
  ])('Chinese: %s', (text, expected) => {
    expect(extractNumbers(text)).toEqual(expected);
  });

  it('handles mixed-language messages in order', () => {
    expect(extractNumbers('I want 2 قهوة and 三杯茶, total ١٠٠')).toEqual([2, 3, 100]);
  });

  it('reports spans in the normalized text', () => {
    expect(findNumbers('buy 1,250 now')).toEqual([{ value: 1250, start: 4, end: 9 }]);
  });

  it('finishes quickly on long adversarial input', () => {
    for (const text of ['1,'.repeat(5000), '1'.repeat(10000), '三'.repeat(10000), 'خمس '.repeat(2500), '1.'.repeat(5000)]) {
      expect(Array.isArray(extractNumbers(text))).toBe(true);
    }
  });
});

describe('parseNumber', () => {
  it('reads a whole text as one number', () => {
    expect(parseNumber(' ٥٠٠ ')).toBe(500);
    expect(parseNumber('三千零五')).toBe(3005);
    expect(parseNumber('500 points')).toBeNull();
    expect(parseNumber('1 2')).toBeNull();
  });
});

describe('parseChineseNumber', () => {
  it('reads runs and returns null without a number', () => {
    expect(parseChineseNumber('九千九百九十九')).toBe(9999);
    expect(parseChineseNumber('零')).toBe(0);
    expect(parseChineseNumber('')).toBeNull();
  });
});
