import { describe, expect, it } from 'vitest';
import { extractUrls, fillVariables, pickLanguage, replaceUrls, unknownVariable } from './template.js';

describe('campaign templates', () => {
  it('names the first unknown variable and accepts the known ones', () => {
    expect(unknownVariable('Hi {name}, {points} points, {tier}, {member_code}, {first_name}')).toBeNull();
    expect(unknownVariable('Hi {name}, your {balance} is {points}')).toBe('balance');
    expect(unknownVariable('Hi {Name}')).toBe('Name');
    expect(unknownVariable('Hi {}')).toBe('');
  });

  it('fills variables', () => {
    expect(fillVariables('Hi {first_name} ({name}), {points} pts, {tier}, {member_code}', { name: 'Sam Lee', first_name: 'Sam', points: '120', tier: 'Gold', member_code: 'M1' })).toBe(
      'Hi Sam (Sam Lee), 120 pts, Gold, M1',
    );
  });

  it('finds links without the sentence punctuation after them and replaces them', () => {
    const text = 'New oud: https://shop.example/oud?a=1. Also (http://x.example/b) and ftp://no.example';
    expect(extractUrls(text)).toEqual(['https://shop.example/oud?a=1', 'http://x.example/b']);
    expect(replaceUrls(text, (u) => (u.includes('oud') ? 'https://t.example/l/abc' : undefined))).toBe(
      'New oud: https://t.example/l/abc. Also (http://x.example/b) and ftp://no.example',
    );
  });

  it('picks the customer language, then the brand default, then English, then any', () => {
    expect(pickLanguage({ en: 'a', ar: 'b' }, 'ar', 'en')).toBe('ar');
    expect(pickLanguage({ en: 'a', zh: 'c' }, 'ar', 'zh')).toBe('zh');
    expect(pickLanguage({ en: 'a' }, 'ar', 'zh')).toBe('en');
    expect(pickLanguage({ zh: 'c' }, null, 'ar')).toBe('zh');
    expect(pickLanguage({}, 'en', 'en')).toBeNull();
  });
});
