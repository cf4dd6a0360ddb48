// Points amounts: a number with a points unit after it ("500 points", "٥٠٠ نقطة", "五百點",
// "500pts", "1.5k points") or a points word just before it ("points: 500", "積分 500").
import { normalizeText } from '../normalize.js';
import { findNumbers } from './numbers.js';

// After normalizeText: نقطة → نقطه. 點 followed by 半/鐘 or a minute count is a clock time (五點半).
const UNIT_AFTER = /^ ?(?:points?(?![a-z])|pts?(?![a-z])|نقطه|نقاط|نقط(?!\p{L})|積分|分(?![鐘钟])|點數|點(?![半鐘钟\d零〇一二兩三四五六七八九十]))/u;
const UNIT_BEFORE = /(?:points?|pts|نقاطي|نقاط|نقطه|積分|點數) ?[:：]? ?$/u;

/** The points amount in an already normalized text, or null when no number carries a points unit. */
export function findPoints(normalized: string): number | null {
  const numbers = findNumbers(normalized);
  for (const { value, end } of numbers) {
    if (UNIT_AFTER.test(normalized.slice(end, end + 8))) return value;
  }
  for (const { value, start } of numbers) {
    if (UNIT_BEFORE.test(normalized.slice(Math.max(0, start - 12), start))) return value;
  }
  return null;
}

/** The points amount a message names ("500 points", "٥٠٠ نقطة", "五百點", "500pts"), or null. */
export function parsePoints(text: string): number | null {
  return findPoints(normalizeText(text));
}
