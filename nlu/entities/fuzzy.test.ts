import { describe, expect, it } from 'vitest';
import { createFuzzyMatcher, fuzzyTokens, jaroWinkler } from './fuzzy.js';

const stores = createFuzzyMatcher([
  { id: 'dxb-mall', names: ['Dubai Mall', 'دبي مول', '杜拜購物中心'] },
  { id: 'dxb-marina', names: ['Dubai Marina Mall', 'مرسى دبي'] },
  { id: 'tpe-xinyi', names: ['Taipei Xinyi', '台北信義店'] },
  { id: 'moe', names: ['Mall of the Emirates', 'مول الإمارات'] },
]);
const rewards = createFuzzyMatcher([
  { id: 'coffee', names: ['Free Coffee', 'قهوة مجانية', '免費咖啡'] },
  { id: 'voucher-50', names: ['AED 50 voucher', 'قسيمة ٥٠ درهم'] },
]);

describe('createFuzzyMatcher', () => {
  it.each([
    ['exact Latin', 'Dubai Mall', 'dxb-mall'],
    ['typo', 'dubai mal', 'dxb-mall'],
    ['transposed letters inside a sentence', 'I am at dubia mall now', 'dxb-mall'],
    ['Arabic', 'دبي مول', 'dxb-mall'],
    ['Arabic, words swapped', 'مول دبي', 'dxb-mall'],
    ['Arabic with hamza dropped', 'مول الامارات', 'moe'],
    ['shortened Latin name', 'mall of emirates', 'moe'],
    ['Chinese short form', '信義店', 'tpe-xinyi'],
    ['Chinese inside a sentence', '我想去台北信義店買東西', 'tpe-xinyi'],
    ['Simplified Chinese', '台北信义店', 'tpe-xinyi'],
    ['a more specific name wins', 'dubai marina mall', 'dxb-marina'],
  ])('stores: %s', (_label, text, id) => {
    expect(stores.match(text)?.id).toBe(id);
  });

  it.each([
    ['typo', 'free cofee please', 'coffee'],
    ['Arabic without ة', 'ابي قهوه مجانيه', 'coffee'],
    ['Chinese', '我要換免費咖啡', 'coffee'],
    ['partial name', '50 voucher', 'voucher-50'],
  ])('rewards: %s', (_label, text, id) => {
    expect(rewards.match(text)?.id).toBe(id);
  });

  it.each([
    ['hello how are you'],
    ['the mall near me'],
    ['المول'],
    ['你好'],
    ['كم نقاطي'],
    ['what is my balance'],
    [''],
  ])('no match for unrelated text: %s', (text) => {
    expect(stores.match(text)).toBeNull();
    expect(rewards.match(text)).toBeNull();
  });

  it('returns the matched name and score 1 for an exact name', () => {
    expect(stores.match('دبي مول')).toEqual({ id: 'dxb-mall', score: 1, name: 'دبي مول' });
  });

  it('honours the threshold', () => {
    const strict = createFuzzyMatcher([{ id: 'x', names: ['Dubai Mall'] }], { threshold: 0.99 });
    expect(strict.match('dubai mal')).toBeNull();
    expect(strict.match('dubai mall')?.id).toBe('x');
  });

  it('finishes quickly on long input', () => {
    expect(stores.match('dubai '.repeat(1700))?.id).toBe('dxb-mall');
    expect(stores.match('信'.repeat(10000))).toBeNull();
    expect(rewards.match('a'.repeat(10000))).toBeNull();
  });
});

describe('helpers', () => {
  it('splits Han characters and drops the Arabic article', () => {
    expect(fuzzyTokens('台北 Xinyi店, المول')).toEqual(['台', '北', 'xinyi', '店', 'مول']);
  });

  it('computes Jaro-Winkler', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('', 'abc')).toBe(0);
  });
});
