// Numbers as customers type them: Latin digits (with thousands commas, decimals, a "k"
// suffix), Arabic-Indic/Eastern/full-width digits (folded by normalizeText), Chinese numerals
// (三千五百, 一萬二, 兩百, 1.5萬) and Arabic/English number words (خمس مية, الفين, two hundred).
// Every pattern is linear: single character classes under each quantifier, no nesting.
import { normalizeText } from '../normalize.js';

/** One number found in a text, with its span in the normalized text it was found in. */
export interface NumberMatch {
  /** The value. */
  value: number;
  /** Index of the first character in the normalized text. */
  start: number;
  /** Index just past the last character in the normalized text. */
  end: number;
}

const CHINESE_DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 兩: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const CHINESE_SMALL_UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };
const CHINESE_BIG_UNITS: Readonly<Record<string, number>> = { 萬: 1e4, 万: 1e4, 億: 1e8, 亿: 1e8 };

const CH = '零〇一二兩两三四五六七八九十百千萬万億亿';
const LATIN = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?`;
// A Latin number (optionally "1.5k" or followed by Chinese units: 1.5萬, 2萬5千), or a run of
// Chinese numerals that starts with a digit or 十 (so 千萬 "by all means" is not ten million).
const NUMBER = new RegExp(
  String.raw`(?<![\d.])(${LATIN})(?:(k)(?![a-z])|([十百千萬万億亿][${CH}\d]*))?|([零〇一二兩两三四五六七八九十][${CH}\d]*)`,
  'gu',
);
// A lone 一 in these words means "a"/"once", not the number one.
const NOT_ONE = new Set(['下', '起', '樣', '样', '直', '定', '些', '共', '切', '般', '邊', '边', '點', '点']);

/**
 * Value of a run of Chinese numerals, possibly mixed with Latin digits: 三千五百 → 3500,
 * 三千零五 → 3005, 一萬二 → 12000, 十五 → 15, 兩百五 → 250, 二〇二五 → 2025; `start` is a
 * value read before the run (1.5 in 1.5萬). Null when the run holds no number.
 */
export function parseChineseNumber(run: string, start: number | null = null): number | null {
  let total = 0;
  let section = 0;
  let current: number | null = start;
  let currentIsOneDigit = false;
  let lastUnit = 0;
  let zero = false;
  let sawAny = start !== null;
  let i = 0;
  while (i < run.length) {
    const ch = run[i] ?? '';
    if (/\d/.test(ch)) {
      let j = i;
      while (j < run.length && /\d/.test(run[j] ?? '')) j++;
      current = Number(run.slice(i, j));
      currentIsOneDigit = j - i === 1;
      sawAny = true;
      i = j;
      continue;
    }
    i++;
    const digit = CHINESE_DIGITS[ch];
    if (digit !== undefined) {
      sawAny = true;
      if (digit === 0 && (lastUnit > 0 || current === null)) {
        if (current === null && lastUnit === 0) {
          current = 0;
          currentIsOneDigit = true;
        }
        zero = lastUnit > 0;
        continue;
      }
      // Digits in a row are read positionally: 二〇二五 → 2025.
      if (current !== null && lastUnit === 0) {
        current = current * 10 + digit;
        currentIsOneDigit = false;
      } else {
        current = digit;
        currentIsOneDigit = true;
      }
      continue;
    }
    const small = CHINESE_SMALL_UNITS[ch];
    if (small !== undefined) {
      section += (current ?? 1) * small;
      current = null;
      lastUnit = small;
      zero = false;
      sawAny = true;
      continue;
    }
    const big = CHINESE_BIG_UNITS[ch];
    if (big !== undefined) {
      section += current ?? 0;
      if (section === 0) section = 1;
      total = big === 1e8 ? (total + section) * big : total + section * big;
      section = 0;
      current = null;
      lastUnit = big;
      zero = false;
    }
  }
  if (!sawAny) return null;
  let tail = current ?? 0;
  // 三千五 is 3500 and 一萬二 is 12000: a last digit right after a unit of 100 or more
  // counts in the next lower place, unless a 零 stood between them (三千零五 → 3005).
  if (current !== null && currentIsOneDigit && !zero && lastUnit >= 100) tail = current * (lastUnit / 10);
  return round(total + section + tail);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

type WordKind = 'value' | 'hundred' | 'multiplier' | 'join';
interface WordInfo {
  kind: WordKind;
  value: number;
  english: boolean;
}

// Keys as they come out of normalizeText (ة → ه, أ/إ/آ → ا, ى → ي). Gulf and Levantine forms.
const ARABIC_WORDS: ReadonlyArray<readonly [string, number]> = [
  ['صفر', 0], ['واحد', 1], ['وحده', 1], ['اثنين', 2], ['اتنين', 2], ['ثنين', 2], ['ثنتين', 2],
  ['ثلاث', 3], ['ثلاثه', 3], ['تلات', 3], ['تلاته', 3], ['اربع', 4], ['اربعه', 4], ['خمس', 5],
  ['خمسه', 5], ['سته', 6], ['ست', 6], ['سبع', 7], ['سبعه', 7], ['ثمان', 8], ['ثمانيه', 8], ['ثماني', 8],
  ['تمن', 8], ['تمنيه', 8], ['تسع', 9], ['تسعه', 9], ['عشر', 10], ['عشره', 10], ['احدعش', 11],
  ['حدعش', 11], ['اطنعش', 12], ['ثنعش', 12], ['عشرين', 20], ['ثلاثين', 30], ['تلاتين', 30],
  ['اربعين', 40], ['خمسين', 50], ['ستين', 60], ['سبعين', 70], ['ثمانين', 80], ['تمانين', 80],
  ['تسعين', 90], ['ميتين', 200], ['مئتين', 200], ['مائتين', 200], ['متين', 200], ['الفين', 2000],
  ['مليونين', 2e6],
];
const ARABIC_HUNDRED_PREFIXES: ReadonlyArray<readonly [string, number]> = [
  ['ثلاث', 3], ['تلت', 3], ['تلات', 3], ['اربع', 4], ['خمس', 5], ['ست', 6], ['سبع', 7], ['ثمان', 8],
  ['تمن', 8], ['تسع', 9],
];
const ENGLISH_WORDS: ReadonlyArray<readonly [string, number]> = [
  ['zero', 0], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6],
  ['seven', 7], ['eight', 8], ['nine', 9], ['ten', 10], ['eleven', 11], ['twelve', 12],
  ['thirteen', 13], ['fourteen', 14], ['fifteen', 15], ['sixteen', 16], ['seventeen', 17],
  ['eighteen', 18], ['nineteen', 19], ['twenty', 20], ['thirty', 30], ['forty', 40], ['fifty', 50],
  ['sixty', 60], ['seventy', 70], ['eighty', 80], ['ninety', 90],
];

const WORDS = new Map<string, WordInfo>();
for (const [word, value] of ARABIC_WORDS) WORDS.set(normalizeText(word), { kind: 'value', value, english: false });
for (const [prefix, value] of ARABIC_HUNDRED_PREFIXES) {
  for (const hundred of ['ميه', 'مئه', 'مائه', 'مية']) {
    WORDS.set(normalizeText(prefix + hundred), { kind: 'value', value: value * 100, english: false });
  }
}
for (const word of ['ميه', 'مئه', 'مائه', 'مية', 'مايه']) WORDS.set(normalizeText(word), { kind: 'hundred', value: 100, english: false });
for (const word of ['الف', 'الاف', 'آلاف']) WORDS.set(normalizeText(word), { kind: 'multiplier', value: 1000, english: false });
for (const word of ['مليون', 'ملايين']) WORDS.set(word, { kind: 'multiplier', value: 1e6, english: false });
for (const [word, value] of ENGLISH_WORDS) WORDS.set(word, { kind: 'value', value, english: true });
WORDS.set('hundred', { kind: 'hundred', value: 100, english: true });
WORDS.set('thousand', { kind: 'multiplier', value: 1000, english: true });
WORDS.set('million', { kind: 'multiplier', value: 1e6, english: true });
WORDS.set('and', { kind: 'join', value: 0, english: true });
WORDS.set('و', { kind: 'join', value: 0, english: false });

const WORD = /[^\s]+/gu;
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/u;

interface WordToken {
  info: WordInfo;
  /** Joined to the previous word by و or "and". */
  joined: boolean;
  start: number;
  end: number;
}

function lookupWord(raw: string, start: number): WordToken | null {
  const word = raw.replace(EDGE_PUNCTUATION, '');
  const offset = raw.indexOf(word);
  const span = { start: start + offset, end: start + offset + word.length };
  const direct = WORDS.get(word);
  if (direct) return { info: direct, joined: false, ...span };
  if (PLAIN_NUMBER.test(word)) return { info: { kind: 'value', value: Number(word), english: false }, joined: false, ...span };
  if (word.length > 1 && word.startsWith('و')) {
    const rest = WORDS.get(word.slice(1));
    if (rest && !rest.english && rest.kind !== 'join') return { info: rest, joined: true, ...span };
  }
  return null;
}

interface WordGroup {
  total: number;
  current: number;
  start: number;
  end: number;
  /** Words (not digit runs) in the group. */
  words: number;
  english: number;
  lastKind: WordKind;
}

function emitGroup(group: WordGroup | null, found: NumberMatch[]): void {
  // A group of digits only is left to the digit scanner; a lone "one" is usually "this one".
  if (!group || group.words === 0) return;
  if (group.english === 1 && group.words === 1 && group.total + group.current === 1) return;
  found.push({ value: round(group.total + group.current), start: group.start, end: group.end });
}

/** Number words (Arabic, English), with digits right before a multiplier word: خمس مية, ٥ آلاف, two hundred and fifty. */
function findWordNumbers(normalized: string): NumberMatch[] {
  const found: NumberMatch[] = [];
  let group: WordGroup | null = null;
  let pendingJoin = false;
  for (const match of normalized.matchAll(WORD)) {
    const token = lookupWord(match[0], match.index);
    if (!token) {
      emitGroup(group, found);
      group = null;
      pendingJoin = false;
      continue;
    }
    const { info } = token;
    if (info.kind === 'join') {
      pendingJoin = group !== null;
      continue;
    }
    const joined = token.joined || pendingJoin;
    pendingJoin = false;
    const isWord = !PLAIN_NUMBER.test(normalized.slice(token.start, token.end));
    const continues =
      group !== null &&
      (joined ||
        ((info.kind === 'hundred' || info.kind === 'multiplier') && group.lastKind !== 'multiplier') ||
        (info.kind === 'value' && group.lastKind !== 'value' && info.english));
    if (!continues || group === null) {
      emitGroup(group, found);
      group = { total: 0, current: 0, start: token.start, end: token.end, words: 0, english: 0, lastKind: 'value' };
    }
    if (info.kind === 'value') group.current += info.value;
    else if (info.kind === 'hundred') group.current = group.current > 0 && group.current < 100 ? group.current * 100 : group.current + 100;
    else {
      group.total += (group.current > 0 ? group.current : 1) * info.value;
      group.current = 0;
    }
    group.end = token.end;
    group.lastKind = info.kind;
    if (isWord) group.words++;
    if (info.english) group.english++;
  }
  emitGroup(group, found);
  return found;
}

/** Numbers in Latin digits and Chinese numerals, in a normalized text. */
function findDigitNumbers(normalized: string): NumberMatch[] {
  const found: NumberMatch[] = [];
  for (const match of normalized.matchAll(NUMBER)) {
    const [whole, latin, k, latinTail, chinese] = match;
    const start = match.index;
    let value: number | null;
    if (latin !== undefined) {
      const base = Number(latin.replace(/,/g, ''));
      value = k ? round(base * 1000) : latinTail ? parseChineseNumber(latinTail, base) : base;
    } else {
      const run = chinese ?? '';
      if (run === '一' && NOT_ONE.has(normalized[start + 1] ?? '')) continue;
      value = parseChineseNumber(run);
    }
    if (value !== null && Number.isFinite(value)) found.push({ value, start, end: start + whole.length });
  }
  return found;
}

/**
 * Finds the numbers in an already normalized text (see normalizeText), with their spans, in
 * order. Where a word number and a digit number overlap (٥ آلاف), the longer span wins.
 */
export function findNumbers(normalized: string): NumberMatch[] {
  // Arabic decimal and thousands separators (٫ ٬) are one character each, like . and ,.
  const text = normalized.replace(/\u066B/g, '.').replace(/\u066C/g, ',');
  const all = [...findWordNumbers(text), ...findDigitNumbers(text)].sort(
    (a, b) => a.start - b.start || b.end - b.start - (a.end - a.start),
  );
  const kept: NumberMatch[] = [];
  for (const m of all) {
    const last = kept[kept.length - 1];
    if (last && m.start < last.end) {
      if (m.end - m.start > last.end - last.start) kept[kept.length - 1] = m;
      continue;
    }
    kept.push(m);
  }
  return kept;
}

/** The numbers a message holds, in order: "1,250", "١٢٣٤", "三千零五", "1.5萬", "خمس مية", "1.5k". */
export function extractNumbers(text: string): number[] {
  return findNumbers(normalizeText(text)).map((m) => m.value);
}

/** Reads a whole text as one number (any of the forms extractNumbers knows); null unless the text is exactly one number. */
export function parseNumber(text: string): number | null {
  const normalized = normalizeText(text);
  const found = findNumbers(normalized);
  const [only] = found;
  if (found.length !== 1 || !only) return null;
  return only.start === 0 && only.end === normalized.length ? only.value : null;
}
