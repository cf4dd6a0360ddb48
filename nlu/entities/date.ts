import { normalizeText } from '../normalize.js';

/** A birthday as an ISO date (YYYY-MM-DD), or why the text could not be one. */
export type BirthdayResult =
  | { ok: true; date: string }
  | { ok: false; reason: 'unrecognized' | 'impossible' | 'future' | 'too_old' | 'too_young' };

/** Youngest age the programme enrols (the usual minimum age for holding an account of one's own). */
const MIN_AGE = 13;
/** Oldest plausible age; anything above is a typo. */
const MAX_AGE = 120;

// Month names customers write, keyed as they come out of normalizeText (so أيار and ايار, or
// الأول and الاول, are one key). Arabic covers the Egyptian/Gulf names (يناير…) and the
// Levantine/Iraqi ones (كانون الثاني…).
const MONTH_NAMES: ReadonlyArray<readonly [string, number]> = (
  [
    ['january', 1], ['jan', 1], ['february', 2], ['feb', 2], ['march', 3], ['mar', 3],
    ['april', 4], ['apr', 4], ['may', 5], ['june', 6], ['jun', 6], ['july', 7], ['jul', 7],
    ['august', 8], ['aug', 8], ['september', 9], ['sept', 9], ['sep', 9], ['october', 10],
    ['oct', 10], ['november', 11], ['nov', 11], ['december', 12], ['dec', 12],
    ['يناير', 1], ['فبراير', 2], ['مارس', 3], ['أبريل', 4], ['إبريل', 4], ['مايو', 5],
    ['يونيو', 6], ['يونيه', 6], ['يوليو', 7], ['يوليه', 7], ['أغسطس', 8], ['سبتمبر', 9],
    ['أكتوبر', 10], ['نوفمبر', 11], ['ديسمبر', 12],
    ['كانون الثاني', 1], ['شباط', 2], ['آذار', 3], ['نيسان', 4], ['أيار', 5], ['حزيران', 6],
    ['تموز', 7], ['آب', 8], ['أيلول', 9], ['تشرين الأول', 10], ['تشرين الثاني', 11], ['كانون الأول', 12],
  ] as const
).map(([name, month]) => [normalizeText(name), month] as const);

const MONTH_BY_NAME = new Map(MONTH_NAMES);
// Longest first, so "march" wins over "mar" and "sept" over "sep".
const MONTH = [...MONTH_BY_NAME.keys()].sort((a, b) => b.length - a.length).join('|');
const ORDINAL = '(?:st|nd|rd|th)?';

// Years must have four digits: "12/03/90" could be 1990 or 2090 and a wrong birthday is worse
// than asking again. Numeric dates are day first (UAE and Asia), unless they start with the year.
const PATTERNS: ReadonlyArray<{ regex: RegExp; order: 'ymd' | 'dmy' | 'mdy' }> = [
  { regex: /(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日號]?/u, order: 'ymd' },
  { regex: /(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/u, order: 'ymd' },
  { regex: /(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)/u, order: 'dmy' },
  {
    regex: new RegExp(`(?<![\\p{L}\\d])(\\d{1,2})${ORDINAL}(?: of)? (${MONTH})(?!\\p{L})\\.?[,،]? ?(\\d{4})(?!\\d)`, 'u'),
    order: 'dmy',
  },
  {
    regex: new RegExp(`(?<!\\p{L})(${MONTH})(?!\\p{L})\\.? ?(\\d{1,2})${ORDINAL}[,،]? ?(\\d{4})(?!\\d)`, 'u'),
    order: 'mdy',
  },
];

/**
 * Reads a date of birth in the formats customers type (1990-03-12, 12/03/1990, 1990/3/12,
 * 12.03.1990, 12 March 1990, March 12, 1990, 1990年3月12日, 12 مارس 1990, 12 آذار 1990, in any
 * digits) and checks it is a real date of someone aged 13 to 120 on `today` (read in UTC).
 */
export function parseBirthday(text: string, today: Date): BirthdayResult {
  const normalized = normalizeText(text);
  for (const { regex, order } of PATTERNS) {
    const match = regex.exec(normalized);
    if (!match) continue;
    const [, first = '', second = '', third = ''] = match;
    const [year, month, day] =
      order === 'ymd'
        ? [Number(first), Number(second), Number(third)]
        : order === 'dmy'
          ? [Number(third), monthNumber(second), Number(first)]
          : [Number(third), monthNumber(first), Number(second)];
    return checkBirthday(year, month, day, today);
  }
  return { ok: false, reason: 'unrecognized' };
}

function monthNumber(token: string): number {
  return MONTH_BY_NAME.get(token) ?? Number(token);
}

function checkBirthday(year: number, month: number, day: number, today: Date): BirthdayResult {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: 'impossible' };
  const [ty, tm, td] = [today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate()];
  const notYetThisYear = tm < month || (tm === month && td < day);
  if (year > ty || (year === ty && notYetThisYear)) return { ok: false, reason: 'future' };
  const age = ty - year - (notYetThisYear ? 1 : 0);
  if (age > MAX_AGE) return { ok: false, reason: 'too_old' };
  if (age < MIN_AGE) return { ok: false, reason: 'too_young' };
  return { ok: true, date: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` };
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
