// General dates in a message (not birthdays: no age check): relative days ("tomorrow", "بكرة",
// "明天", Cantonese 聽日) against a given today, and numeric dates (2025-07-01, 1/7/2025,
// 2025年7月1日, 7月1日 in today's year). Results are ISO dates (YYYY-MM-DD), read in UTC.
import { normalizeText } from '../normalize.js';

// Day offsets keyed as normalizeText leaves them (بكرة → بكره). Longest alternatives first.
const RELATIVE: ReadonlyArray<readonly [string, number]> = [
  ['day after tomorrow', 2], ['day before yesterday', -2], ['today', 0], ['tonight', 0],
  ['tomorrow', 1], ['tmrw', 1], ['tmr', 1], ['yesterday', -1],
  ['بعد بكره', 2], ['بعد بكرا', 2], ['اول امس', -2], ['اليوم', 0], ['بكره', 1], ['بكرا', 1],
  ['باچر', 1], ['باكر', 1], ['غدا', 1], ['امس', -1], ['مبارح', -1], ['البارحه', -1], ['مبارحه', -1],
  ['大後天', 3], ['後天', 2], ['前天', -2], ['今天', 0], ['今日', 0], ['明天', 1], ['明日', 1], ['聽日', 1],
  ['听日', 1], ['昨天', -1], ['昨日', -1], ['尋日', -1], ['琴日', -1],
];
const OFFSETS = new Map(RELATIVE.map(([word, days]) => [normalizeText(word), days]));
const byLength = [...OFFSETS.keys()].sort((a, b) => b.length - a.length);
const HAN = /\p{Script=Han}/u;
const WORDS = byLength.filter((w) => !HAN.test(w)).map(escape).join('|');
const HAN_WORDS = byLength.filter((w) => HAN.test(w)).map(escape).join('|');
// Latin and Arabic words need word edges (Arabic allows a glued و "and"); Chinese has none.
const DATE = new RegExp(
  [
    String.raw`(?<![\p{L}\d])و?(${WORDS})(?![\p{L}])|(${HAN_WORDS})`,
    String.raw`(?<!\d)(\d{4})\s?年\s?(\d{1,2})\s?月\s?(\d{1,2})\s?[日號]?`,
    String.raw`(?<![\d年])(\d{1,2})\s?月\s?(\d{1,2})\s?[日號]`,
    String.raw`(?<![\d./-])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d./-])`,
    String.raw`(?<![\d./-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?![\d./-])`,
  ].join('|'),
  'gu',
);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Dates with their spans in an already normalized text; numeric dates are day first unless they start with the year. */
export function findDates(normalized: string, today: Date): { date: string; start: number; end: number }[] {
  const found: { date: string; start: number; end: number }[] = [];
  for (const match of normalized.matchAll(DATE)) {
    const [whole, latinWord, hanWord, cy, cm, cd, sm, sd, iy, im, id, dd, dm, dy] = match;
    let date: string | null = null;
    const word = latinWord ?? hanWord;
    if (word !== undefined) {
      const offset = OFFSETS.get(word) ?? 0;
      const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offset));
      date = iso(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
    } else if (cy !== undefined) date = checked(Number(cy), Number(cm), Number(cd));
    else if (sm !== undefined) date = checked(today.getUTCFullYear(), Number(sm), Number(sd));
    else if (iy !== undefined) date = checked(Number(iy), Number(im), Number(id));
    else if (dy !== undefined) date = checked(Number(dy), Number(dm), Number(dd));
    if (date) found.push({ date, start: match.index, end: match.index + whole.length });
  }
  return found;
}

/** The dates a message names, as ISO dates, in order: "tomorrow", "بكرة", "明天" relative to `today` (UTC), "2025-07-01", "1/7/2025", "7月1日". */
export function extractDates(text: string, today: Date): string[] {
  return findDates(normalizeText(text), today).map((d) => d.date);
}

function checked(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return iso(year, month, day);
}

function iso(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
