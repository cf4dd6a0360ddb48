import { describe, expect, it } from 'vitest';
import { normalizeText, toLatinDigits } from './normalize.js';

describe('normalizeText', () => {
  it.each([
    ['full-width Latin and digits fold to ASCII', 'ＨＥＬＬＯ　１２３', 'hello 123'],
    ['lower-cases', 'How Many POINTS', 'how many points'],
    ['collapses and trims whitespace', '  hi \t\n  there  ', 'hi there'],
    ['strips harakat', 'مَرْحَبًا', 'مرحبا'],
    ['strips superscript alef', 'هٰذا', 'هذا'],
    ['strips tatweel', 'شكـــرا', 'شكرا'],
    ['folds alef with hamza above and below, madda and wasla', 'أ إ آ ٱ', 'ا ا ا ا'],
    ['folds alef maksura to ya', 'على', 'علي'],
    ['folds teh marbuta to heh', 'مشكورة', 'مشكوره'],
    ['phrase with hamza: بدي أشترك', 'بدي أشترك', 'بدي اشترك'],
    ['Arabic-Indic digits', '١٢/٠٣/١٩٩٠', '12/03/1990'],
    ['Eastern Arabic (Persian) digits', '۰۵۰۱۲۳۴۵۶۷', '0501234567'],
    ['Simplified to Traditional', '我要加入会员', '我要加入會員'],
    ['Simplified to Traditional, balance question', '我有多少点数', '我有多少點數'],
    ['Simplified to Traditional, several', '这个问题怎么说谢谢们', '這個問題怎麼說謝謝們'],
    ['Traditional text is unchanged', '我有多少點數', '我有多少點數'],
    ['removes bidi and zero-width marks', '\u200f+971 50\u200b 123 4567\u200e', '+971 50 123 4567'],
    ['Arabic presentation forms fold to base letters', 'ﻣﺮﺣﺒﺎ', 'مرحبا'],
  ])('%s', (_name, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const text of ['أهلاً وسهلاً', 'ＨＥＬＬＯ', '我要加入会员', 'شكـــرا ١٢']) {
      expect(normalizeText(normalizeText(text))).toBe(normalizeText(text));
    }
  });
});

describe('toLatinDigits', () => {
  it('converts only digits', () => {
    expect(toLatinDigits('رقمي ٠٥٠ ۱۲۳')).toBe('رقمي 050 123');
  });
});
