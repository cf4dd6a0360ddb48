import { describe, expect, it } from 'vitest';
import { extractDates } from './dates.js';

const TODAY = new Date('2025-06-30T22:00:00Z');

describe('extractDates', () => {
  it.each([
    ['today', ['2025-06-30']],
    ['see you tomorrow', ['2025-07-01']],
    ['day after tomorrow', ['2025-07-02']],
    ['yesterday', ['2025-06-29']],
    ['بكرة', ['2025-07-01']],
    ['وبكرة', ['2025-07-01']],
    ['بعد بكرة', ['2025-07-02']],
    ['امس', ['2025-06-29']],
    ['اليوم وبكرة', ['2025-06-30', '2025-07-01']],
    ['明天見', ['2025-07-01']],
    ['聽日', ['2025-07-01']],
    ['後天', ['2025-07-02']],
    ['2025-07-01', ['2025-07-01']],
    ['1/7/2025', ['2025-07-01']],
    ['٠١/٠٧/٢٠٢٥', ['2025-07-01']],
    ['2025年7月1日', ['2025-07-01']],
    ['7月1日', ['2025-07-01']],
  ])('%s', (text, expected) => {
    expect(extractDates(text, TODAY)).toEqual(expected);
  });

  it.each([['31/02/2025'], ['todays'], ['nothing here'], ['1/2/3/2025']])('no date in %s', (text) => {
    expect(extractDates(text, TODAY)).toEqual([]);
  });
});
