import { describe, expect, it } from 'vitest';
import { isScoreLike } from './feedback.js';

describe('isScoreLike', () => {
  it.each(['8', '0', '10', 'ten', 'عشرة', '٨', '十', '十分', '九分', '我給九分', '8/10', '8 out of 10', '٨ من ١٠', "I'd say 8", 'I would give you a 9', '5 stars', '四顆星', '4/5', 'ten out of ten', '11', '-1', '7.5', '7 or 8', '100'])(
    'reads %s as an answer to "pick a number"',
    (text) => {
      expect(isScoreLike(text)).toBe(true);
    },
  );
  it.each(['got 2 bottles broken', 'order 884201', '884201', 'I have a problem', 'great shop', 'I want to talk to a person', 'one more thing', '十分滿意', 'my receipt 12 was wrong', 'ticket 12', '0501234567', 'ABCD-EFGH-JKMN-PQRS', ''])(
    'does not read %s as one',
    (text) => {
      expect(isScoreLike(text)).toBe(false);
    },
  );
});
