import { describe, expect, it } from 'vitest';
import { parsePoints } from './points.js';

describe('parsePoints', () => {
  it.each([
    ['500 points', 500],
    ['500 Points', 500],
    ['1 point', 1],
    ['500pts', 500],
    ['500 pts', 500],
    ['redeem 1,250 points please', 1250],
    ['redeem 1.5k points', 1500],
    ['points: 300', 300],
    ['i have 20 points left', 20],
    ['٥٠٠ نقطة', 500],
    ['ابي استبدل 500 نقطه', 500],
    ['خمس مية نقطة', 500],
    ['ألف نقطة', 1000],
    ['نقاطي ٣٠٠', 300],
    ['五百點', 500],
    ['500點', 500],
    ['兌換三千分', 3000],
    ['積分 300', 300],
    ['用一萬二積分換', 12000],
  ])('%s → %d', (text, expected) => {
    expect(parsePoints(text)).toBe(expected);
  });

  it.each([
    ['how many points do i have'],
    ['i bought 3 coffees'],
    ['五點半見'],
    ['5分鐘'],
    ['كم نقاطي'],
    [''],
  ])('no points in %s', (text) => {
    expect(parsePoints(text)).toBeNull();
  });
});
