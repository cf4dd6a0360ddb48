import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS, nextTier, tierFor, type TierDef } from './tiers.js';

describe('tierFor with the default tiers', () => {
  it.each([
    [0, 'bronze'],
    [999, 'bronze'],
    [1_000, 'silver'],
    [4_999, 'silver'],
    [5_000, 'gold'],
    [14_999, 'gold'],
    [15_000, 'platinum'],
    [49_999, 'platinum'],
    [50_000, 'diamond'],
    [Number.MAX_SAFE_INTEGER, 'diamond'],
  ])('%i qualifying points is %s', (points, code) => {
    expect(tierFor(points, DEFAULT_TIERS).code).toBe(code);
  });

  it('uses the lowest tier as the floor for negative points', () => {
    expect(tierFor(-1, DEFAULT_TIERS).code).toBe('bronze');
  });
});

describe('nextTier with the default tiers', () => {
  it.each([
    [0, 'silver', 1_000],
    [999, 'silver', 1],
    [1_000, 'gold', 4_000],
    [4_999, 'gold', 1],
    [5_000, 'platinum', 10_000],
    [14_999, 'platinum', 1],
    [15_000, 'diamond', 35_000],
    [49_999, 'diamond', 1],
  ])('at %i points the next tier is %s, %i points away', (points, code, needed) => {
    expect(nextTier(points, DEFAULT_TIERS)).toEqual({ tier: expect.objectContaining({ code }) as TierDef, pointsNeeded: needed });
  });

  it.each([50_000, 50_001, Number.MAX_SAFE_INTEGER])('is null at the top tier (%i points)', (points) => {
    expect(nextTier(points, DEFAULT_TIERS)).toBeNull();
  });
});

describe('tiers given in any order', () => {
  const shuffled: TierDef[] = [DEFAULT_TIERS[3]!, DEFAULT_TIERS[0]!, DEFAULT_TIERS[4]!, DEFAULT_TIERS[2]!, DEFAULT_TIERS[1]!];

  it('gives the same tier as the sorted list at every boundary', () => {
    for (const points of [0, 999, 1_000, 4_999, 5_000, 14_999, 15_000, 49_999, 50_000, 1e9]) {
      expect(tierFor(points, shuffled).code).toBe(tierFor(points, DEFAULT_TIERS).code);
      expect(nextTier(points, shuffled)).toEqual(nextTier(points, DEFAULT_TIERS));
    }
  });

  it('falls back to the lowest tier even when it is not listed first', () => {
    const custom: TierDef[] = [
      { code: 'vip', name: { en: 'VIP' }, minPoints: 500 },
      { code: 'member', name: { en: 'Member' }, minPoints: 100 },
    ];
    expect(tierFor(0, custom).code).toBe('member');
    expect(tierFor(499, custom).code).toBe('member');
    expect(tierFor(500, custom).code).toBe('vip');
    expect(nextTier(0, custom)).toEqual({ tier: custom[1], pointsNeeded: 100 });
    expect(nextTier(100, custom)).toEqual({ tier: custom[0], pointsNeeded: 400 });
  });

  it('does not reorder the caller’s array', () => {
    const copy = [...shuffled];
    tierFor(5_000, shuffled);
    nextTier(5_000, shuffled);
    expect(shuffled).toEqual(copy);
  });

  it('throws when there are no tiers', () => {
    expect(() => tierFor(0, [])).toThrow(/at least one tier/);
    expect(nextTier(0, [])).toBeNull();
  });
});
