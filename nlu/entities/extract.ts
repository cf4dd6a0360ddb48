// All the entities of one message at once. Emails, phone numbers and dates are found first and
// blanked out (same length, so spans stay put), so their digits do not also come back as numbers.
import type { CountryCode } from 'libphonenumber-js/max';
import { normalizeText } from '../normalize.js';
import { findDates } from './dates.js';
import { findEmails } from './email.js';
import type { FuzzyMatcher } from './fuzzy.js';
import { findNumbers } from './numbers.js';
import { parsePhone } from './phone.js';
import { findPoints } from './points.js';

/** Context for extractEntities. */
export interface ExtractOptions {
  /** The day relative dates ("tomorrow", "بكرة", "明天") count from, read in UTC. */
  today: Date;
  /** Country assumed for phone numbers typed without a country code. */
  region: CountryCode;
  /** Reward names to look up (createFuzzyMatcher). */
  rewards?: FuzzyMatcher;
  /** Store names to look up (createFuzzyMatcher). */
  stores?: FuzzyMatcher;
}

/** Everything extractEntities found in a message. */
export interface Entities {
  /** Numbers, in order, other than those inside emails, phone numbers and dates. */
  numbers: number[];
  /** The points amount ("500 points", "٥٠٠ نقطة", "五百點"), when the message names one. */
  points?: number;
  /** ISO dates (YYYY-MM-DD), in order. */
  dates: string[];
  /** Valid phone numbers in E.164, in order, without repeats. */
  phones: string[];
  /** Email addresses, lower-cased, in order. */
  emails: string[];
  /** The best-matching reward, when `rewards` was given and one matched. */
  reward?: { id: string; score: number };
  /** The best-matching store, when `stores` was given and one matched. */
  store?: { id: string; score: number };
}

// Phone-like runs: an optional +, then 7 to 20 digits and separators. Bounded, so linear.
const PHONE_CANDIDATE = /(?<![\d+])\+?\d[\d\s().-]{5,20}\d(?!\d)/gu;

function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

function findPhones(normalized: string, region: CountryCode): { e164: string; start: number; end: number }[] {
  const found: { e164: string; start: number; end: number }[] = [];
  for (const match of normalized.matchAll(PHONE_CANDIDATE)) {
    const whole = parsePhone(match[0], region);
    if (whole.ok) {
      found.push({ e164: whole.e164, start: match.index, end: match.index + match[0].length });
      continue;
    }
    // Two numbers in a row ("0501234567 0551234567"): try the longest valid run of space-separated pieces from each piece on.
    const pieces = [...match[0].matchAll(/\S+/gu)].map((m) => ({ start: match.index + m.index, end: match.index + m.index + m[0].length }));
    let i = 0;
    while (i < pieces.length) {
      let next = i + 1;
      // A number does not start with a lone digit; skipping those keeps "0 0 0 …" cheap.
      const startsLong = (pieces[i]?.end ?? 0) - (pieces[i]?.start ?? 0) >= 2;
      for (let j = startsLong ? pieces.length - 1 : i - 1; j >= i; j--) {
        const first = pieces[i];
        const last = pieces[j];
        if (!first || !last) continue;
        const result = parsePhone(normalized.slice(first.start, last.end), region);
        if (result.ok) {
          found.push({ e164: result.e164, start: first.start, end: last.end });
          next = j + 1;
          break;
        }
      }
      i = next;
    }
  }
  return found;
}

/**
 * Extracts numbers, a points amount, dates, phone numbers, emails and (given matchers) a reward
 * and a store from one message in English, Arabic or Chinese, in any digits.
 */
export function extractEntities(text: string, options: ExtractOptions): Entities {
  const normalized = normalizeText(text);
  let rest = normalized;
  const emails = findEmails(rest);
  for (const e of emails) rest = blank(rest, e.start, e.end);
  const dates = findDates(rest, options.today);
  for (const d of dates) rest = blank(rest, d.start, d.end);
  const phones = findPhones(rest, options.region);
  for (const p of phones) rest = blank(rest, p.start, p.end);
  const entities: Entities = {
    numbers: findNumbers(rest).map((n) => n.value),
    dates: dates.map((d) => d.date),
    phones: [...new Set(phones.map((p) => p.e164))],
    emails: emails.map((e) => e.email),
  };
  const points = findPoints(rest);
  if (points !== null) entities.points = points;
  const reward = options.rewards?.match(normalized);
  if (reward) entities.reward = { id: reward.id, score: reward.score };
  const store = options.stores?.match(normalized);
  if (store) entities.store = { id: store.id, score: store.score };
  return entities;
}
