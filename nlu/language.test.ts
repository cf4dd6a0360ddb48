import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language.js';

describe('detectLanguage', () => {
  it.each([
    ['how many points do I have', 'en'],
    ['hi', 'en'],
    ['كم نقاطي', 'ar'],
    ['مَرْحَبًا', 'ar'],
    ['بدي أشترك', 'ar'],
    ['我有多少點數', 'zh'],
    ['我要加入会员', 'zh'],
    ['你好', 'zh'],
    ['ＨＥＬＬＯ', 'en'],
  ] as const)('%s → %s', (text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });

  it.each([
    ['Arabic with one English brand name', 'ابي اعرف نقاطي في Nike', 'ar'],
    ['English with one Arabic word', 'I want to join please شكرا', 'en'],
    ['Chinese with one English word', '我想join會員', 'zh'],
    ['English sentence with a Chinese word', 'how do I become a 會員 member', 'en'],
    ['a tie goes to the non-Latin script', 'ok 好', 'zh'],
    ['Arabic digits do not make text Arabic', 'points ١٢٣', 'en'],
  ] as const)('mixed script: %s', (_name, text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['whitespace', '   '],
    ['emoji only', '👍🙏😀'],
    ['digits only', '0501234567'],
    ['Arabic-Indic digits only', '١٢٣'],
    ['punctuation only', '?!...،؟'],
    ['a script we do not speak', 'Привет'],
  ])('%s → null', (_name, text) => {
    expect(detectLanguage(text)).toBeNull();
  });
});
