// The two-proportion z-test used to say whether a variant converted better than its control by more than chance.
import type { Significance } from './types.js';

/** Two-sided z-test of conversions x1/n1 against x2/n2 (pooled); null when either group is empty or nothing varies. */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): Significance | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return null;
  const z = (x1 / n1 - x2 / n2) / se;
  return { z: round(z, 4), pValue: round(2 * (1 - normalCdf(Math.abs(z))), 6) };
}

/** The standard normal CDF (Abramowitz–Stegun 7.1.26 erf, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
