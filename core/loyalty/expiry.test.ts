import { describe, expect, it } from 'vitest';
import { expiringSoon, type ExpiryEntry } from './expiry.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const day = (n: number) => new Date(T0 + n * DAY);
const earn = (points: number, on: number, expiresOn: number | null): ExpiryEntry => ({
  points,
  createdAt: day(on),
  expiresAt: expiresOn === null ? null : day(expiresOn),
});
const spend = (points: number, on: number): ExpiryEntry => ({ points: -points, createdAt: day(on), expiresAt: null });

describe('expiringSoon', () => {
  it('is zero with no date for an empty ledger', () => {
    expect(expiringSoon([], day(0), 30)).toEqual({ points: 0, firstDate: null });
  });

  it('reports a lot that expires inside the window', () => {
    expect(expiringSoon([earn(400, 0, 20)], day(0), 30)).toEqual({ points: 400, firstDate: day(20) });
  });

  it('never reports points that never expire', () => {
    expect(expiringSoon([earn(400, 0, null)], day(0), 30)).toEqual({ points: 0, firstDate: null });
  });

  describe('window boundaries', () => {
    const now = day(10);
    const at = (ms: number): ExpiryEntry[] => [{ points: 100, createdAt: day(0), expiresAt: new Date(ms) }];

    it('excludes a lot expiring exactly now (already gone) and includes one a millisecond later', () => {
      expect(expiringSoon(at(now.getTime()), now, 30).points).toBe(0);
      expect(expiringSoon(at(now.getTime() + 1), now, 30).points).toBe(100);
    });

    it('includes a lot expiring exactly at the horizon and excludes one a millisecond after', () => {
      const horizon = now.getTime() + 30 * DAY;
      expect(expiringSoon(at(horizon), now, 30)).toEqual({ points: 100, firstDate: new Date(horizon) });
      expect(expiringSoon(at(horizon + 1), now, 30)).toEqual({ points: 0, firstDate: null });
    });

    it('excludes lots that expired in the past', () => {
      expect(expiringSoon(at(now.getTime() - DAY), now, 30).points).toBe(0);
    });

    it('a zero-day window reports nothing', () => {
      expect(expiringSoon(at(now.getTime() + 1), now, 0).points).toBe(0);
    });
  });

  it('sums several lots in the window and reports the earliest date', () => {
    const entries = [earn(100, 0, 25), earn(200, 1, 15), earn(300, 2, 35), earn(50, 3, 60), earn(70, 4, null)];
    expect(expiringSoon(entries, day(10), 30)).toEqual({ points: 600, firstDate: day(15) });
  });

  describe('spending is FIFO by expiry', () => {
    it('consumes the soonest-expiring lot first, even when it was earned later', () => {
      const entries = [earn(100, 0, 100), earn(100, 1, 20), spend(150, 10)];
      // The day-20 lot is gone entirely, 50 of the day-100 lot are left.
      expect(expiringSoon(entries, day(12), 30)).toEqual({ points: 0, firstDate: null });
      expect(expiringSoon(entries, day(90), 30)).toEqual({ points: 50, firstDate: day(100) });
    });

    it('spends points that never expire last', () => {
      const entries = [earn(100, 0, null), earn(100, 1, 50), spend(60, 10)];
      expect(expiringSoon(entries, day(40), 30)).toEqual({ points: 40, firstDate: day(50) });
    });

    it('spends never-expiring points once the expiring ones are used up', () => {
      const entries = [earn(100, 0, null), earn(100, 1, 50), spend(150, 10)];
      expect(expiringSoon(entries, day(40), 30)).toEqual({ points: 0, firstDate: null });
    });

    it('does not consume a lot that had already expired when the points were spent', () => {
      const entries = [earn(100, 0, 10), earn(100, 1, 60), spend(50, 20)];
      expect(expiringSoon(entries, day(40), 30)).toEqual({ points: 50, firstDate: day(60) });
    });

    it('treats a lot expiring at the very moment of spending as expired', () => {
      const entries = [earn(100, 0, 20), earn(100, 1, 60), spend(50, 20)];
      expect(expiringSoon(entries, day(40), 30)).toEqual({ points: 50, firstDate: day(60) });
    });

    it('splits spending across lots and across several spends', () => {
      const entries = [earn(100, 0, 30), earn(100, 1, 40), earn(100, 2, 50), spend(30, 5), spend(120, 6)];
      // Lot 30 fully used (30 + 70), lot 40 has 50 left, lot 50 untouched.
      expect(expiringSoon(entries, day(25), 30)).toEqual({ points: 150, firstDate: day(40) });
    });

    it('replays in time order, whatever order the entries arrive in', () => {
      const entries = [earn(100, 20, 40), spend(100, 10), earn(100, 0, 30)];
      // At day 10 only the first lot existed, so the spend used it up; the day-20 lot is whole.
      expect(expiringSoon(entries, day(25), 30)).toEqual({ points: 100, firstDate: day(40) });
    });

    it('only earned points before a spend can be consumed by it', () => {
      const entries = [earn(100, 0, 80), spend(100, 5), earn(100, 6, 30)];
      expect(expiringSoon(entries, day(10), 30)).toEqual({ points: 100, firstDate: day(30) });
    });
  });

  it('does not modify its input', () => {
    const entries = [earn(100, 1, 20), earn(100, 0, 100), spend(150, 10)];
    const snapshot = structuredClone(entries);
    expiringSoon(entries, day(0), 30);
    expect(entries).toEqual(snapshot);
  });

  // KNOWN BUG (reported): an `expire` ledger entry (negative points posted when a lot lapses) is replayed like a
  // purchase. The lapsed lot is already past its expiry, so it is skipped and the debit eats a *live* lot instead.
  // ExpiryEntry carries no kind, so expiry.ts cannot tell the two apart.
  it.fails('an expiry posting removes the lapsed lot, not a live one', () => {
    const entries = [earn(100, 0, 30), earn(100, 1, 300), { points: -100, createdAt: day(31), expiresAt: null }];
    // Balance is 100 (the day-300 lot); at day 280 all of it expires within 30 days.
    expect(expiringSoon(entries, day(280), 30)).toEqual({ points: 100, firstDate: day(300) });
  });
});
