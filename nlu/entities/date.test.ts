import { describe, expect, it } from 'vitest';
import { parseBirthday } from './date.js';

const TODAY = new Date('2025-06-15T12:00:00Z');

describe('parseBirthday', () => {
  it.each([
    ['ISO', '1990-03-12', '1990-03-12'],
    ['day first with slashes (UAE/Asia)', '12/03/1990', '1990-03-12'],
    ['day first, single digits', '2/3/1990', '1990-03-02'],
    ['year first with slashes', '1990/3/12', '1990-03-12'],
    ['year first with dots', '1990.03.12', '1990-03-12'],
    ['day first with dots', '12.03.1990', '1990-03-12'],
    ['day first with dashes', '12-03-1990', '1990-03-12'],
    ['day month-name year', '12 March 1990', '1990-03-12'],
    ['abbreviated month', '12 Mar 1990', '1990-03-12'],
    ['abbreviated month with a dot', '12 Sept. 1990', '1990-09-12'],
    ['ordinal day', '12th of March 1990', '1990-03-12'],
    ['month-name day, year', 'March 12, 1990', '1990-03-12'],
    ['month-name day year, upper case', 'MARCH 12 1990', '1990-03-12'],
    ['with words around it', 'my birthday is 12/03/1990 thanks', '1990-03-12'],
    ['Chinese', '1990年3月12日', '1990-03-12'],
    ['Chinese with 號 and spaces', '1990 年 3 月 12 號', '1990-03-12'],
    ['Chinese with full-width digits', '１９９０年３月１２日', '1990-03-12'],
    ['Arabic-Indic digits', '١٢/٠٣/١٩٩٠', '1990-03-12'],
    ['Eastern Arabic digits', '۱۲/۰۳/۱۹۹۰', '1990-03-12'],
    ['Arabic month (Gulf/Egypt)', '12 مارس 1990', '1990-03-12'],
    ['Arabic month (Levant)', '12 آذار 1990', '1990-03-12'],
    ['Levantine month written without hamza', '12 اذار 1990', '1990-03-12'],
    ['two-word Levantine month', '5 كانون الثاني 1988', '1988-01-05'],
    ['Levantine December', '٢٥ كانون الأول ١٩٨٨', '1988-12-25'],
    ['Arabic month with Arabic comma', '3 أكتوبر، 2000', '2000-10-03'],
    ['Arabic digits and Arabic month', '١٢ مارس ١٩٩٠', '1990-03-12'],
    ['leap day in a leap year', '29/02/2000', '2000-02-29'],
    ['exactly 13 today', '15/06/2012', '2012-06-15'],
    ['exactly 120 today', '15/06/1905', '1905-06-15'],
    ['still 120, turns 121 tomorrow', '16/06/1904', '1904-06-16'],
  ])('%s: %s', (_name, text, date) => {
    expect(parseBirthday(text, TODAY)).toEqual({ ok: true, date });
  });

  it.each([
    ['31 February', '31/02/1990', 'impossible'],
    ['29 February in a common year', '29/02/2023', 'impossible'],
    ['29 February 1900 (not a leap year)', '29/02/1900', 'impossible'],
    ['month 13', '12/13/1990', 'impossible'],
    ['day 0', '00/03/1990', 'impossible'],
    ['31 April', '31 April 1990', 'impossible'],
    ['future date', '01/01/2030', 'future'],
    ['tomorrow', '16/06/2025', 'future'],
    ['121 today', '15/06/1904', 'too_old'],
    ['far too old', '1800-01-01', 'too_old'],
    ['turns 13 tomorrow', '16/06/2012', 'too_young'],
    ['born today', '15/06/2025', 'too_young'],
    ['two-digit year is not guessed', '12 Mar 90', 'unrecognized'],
    ['two-digit year with slashes', '12/03/90', 'unrecognized'],
    ['no year', '12 March', 'unrecognized'],
    ['year only', 'I was born in 1990', 'unrecognized'],
    ['words', 'next tuesday', 'unrecognized'],
    ['empty', '', 'unrecognized'],
    ['not a month name', '12 Marchy 1990', 'unrecognized'],
  ])('%s: %s → %s', (_name, text, reason) => {
    expect(parseBirthday(text, TODAY)).toEqual({ ok: false, reason });
  });
});
