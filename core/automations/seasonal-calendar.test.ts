import { describe, expect, it } from 'vitest';
import { chineseNewYear, eidAlAdha, eidAlFitr, ramadanStart, seasonalEvents, seasonalEventsOn, uaeNationalDay } from './seasonal-calendar.js';

// Expected dates: the Umm al-Qura calendar as published (Saudi Arabia) and the Chinese calendar as published by the
// Purple Mountain Observatory; announced (moon-sighting) dates can differ by a day, which is documented, not tested.
describe('seasonal calendar', () => {
  it('knows Ramadan and the Eids from the Umm al-Qura calendar', () => {
    expect(ramadanStart(2024)).toBe('2024-03-11');
    expect(eidAlFitr(2024)).toBe('2024-04-10');
    expect(eidAlAdha(2024)).toBe('2024-06-16');
    expect(ramadanStart(2025)).toBe('2025-03-01');
    expect(eidAlFitr(2025)).toBe('2025-03-30');
    expect(eidAlAdha(2025)).toBe('2025-06-06');
    expect(ramadanStart(2026)).toBe('2026-02-18');
    expect(eidAlFitr(2026)).toBe('2026-03-20');
    expect(eidAlAdha(2026)).toBe('2026-05-27');
  });

  it('knows Chinese New Year from the chinese calendar', () => {
    expect(chineseNewYear(2024)).toBe('2024-02-10');
    expect(chineseNewYear(2025)).toBe('2025-01-29');
    expect(chineseNewYear(2026)).toBe('2026-02-17');
    // ICU alone says 2027-02-07 and 2030-02-02: the new moon is minutes from midnight in Beijing (see the module).
    expect(chineseNewYear(2027)).toBe('2027-02-06');
    expect(chineseNewYear(2028)).toBe('2028-01-26');
    expect(chineseNewYear(2030)).toBe('2030-02-03');
    expect(chineseNewYear(2007)).toBe('2007-02-18');
  });

  it('puts UAE National Day on 2 December', () => {
    expect(uaeNationalDay(2026)).toBe('2026-12-02');
  });

  it('lists a year sorted, with both Ramadans when a Gregorian year holds two', () => {
    expect(seasonalEvents(2026)).toEqual([
      { key: 'chinese-new-year', date: '2026-02-17' },
      { key: 'ramadan', date: '2026-02-18' },
      { key: 'eid-al-fitr', date: '2026-03-20' },
      { key: 'eid-al-adha', date: '2026-05-27' },
      { key: 'uae-national-day', date: '2026-12-02' },
    ]);
    expect(seasonalEvents(2030).filter((e) => e.key === 'ramadan').map((e) => e.date)).toEqual(['2030-01-05', '2030-12-26']);
    expect(ramadanStart(2030)).toBe('2030-01-05');
  });

  it('finds the events of one day', () => {
    expect(seasonalEventsOn('2026-02-18')).toEqual([{ key: 'ramadan', date: '2026-02-18' }]);
    expect(seasonalEventsOn('2026-02-19')).toEqual([]);
  });

  it('refuses years it cannot vouch for', () => {
    expect(() => seasonalEvents(1800)).toThrow(RangeError);
    expect(() => ramadanStart(2025.5)).toThrow(RangeError);
  });
});
