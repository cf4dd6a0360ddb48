import { describe, expect, it } from 'vitest';
import { normalCdf, twoProportionZTest } from './significance.js';

describe('two-proportion z-test', () => {
  it('matches a textbook example', () => {
    // 200/1000 against 150/1000: pooled p = 0.175, z ≈ 2.9424, p ≈ 0.0033.
    const r = twoProportionZTest(200, 1000, 150, 1000)!;
    expect(r.z).toBeCloseTo(2.9424, 3);
    expect(r.pValue).toBeCloseTo(0.0033, 3);
  });

  it('is null for empty groups or no variation', () => {
    expect(twoProportionZTest(0, 0, 1, 10)).toBeNull();
    expect(twoProportionZTest(0, 10, 0, 10)).toBeNull();
  });

  it('has a sound normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 3);
  });
});
