// Offline, lexicon-based sentiment of a short customer text (a survey reason, a complaint) in English, Arabic (MSA,
// Gulf, Levantine) and Traditional Chinese. The method follows VADER: word valences from a lexicon, turned around by
// a negator shortly before ("not good", "مو زين", "不好"), scaled by intensifiers ("very", "جدا" after the word in
// Arabic, "很"), the part after "but"/"بس"/"但是" weighted over the part before, exclamation marks and emoji counted,
// and the sum squashed into [-1, 1]. No model and no network: it runs in the survey path and in tests alike.
import { normalizeText } from './normalize.js';
import { CONTRASTS, EMOJI, INTENSIFIERS, NEGATORS, VALENCE } from './sentiment-lexicon.js';

/** A word's sentiment is turned around when a negator stands this many words before it (VADER uses 3). */
const NEGATION_WINDOW = 3;
/** VADER's factor for a negated word: "not good" is somewhat bad, not as bad as "bad". */
const NEGATION_FACTOR = -0.74;
/** VADER's normalization constant: a sum of ±3.9 maps to about ±0.7. */
const ALPHA = 15;
/** What each "!" adds in the direction of the sentiment (at most four count). */
const EXCLAMATION_BOOST = 0.292;
/** Scores within this distance of 0 are neutral (VADER's threshold). */
export const NEUTRAL_BAND = 0.05;

// Every lexicon key in the form the scorer sees (normalized), by kind.
const valence = foldKeys(VALENCE);
const intensifiers = foldKeys(INTENSIFIERS);
const negators = new Set([...NEGATORS].map(normalizeText));
const contrasts = new Set([...CONTRASTS].map(normalizeText));
const emoji = new Map(Object.entries(EMOJI).map(([k, v]) => [k.replace(/\uFE0F/g, ''), v]));

const known = (unit: string) => valence.has(unit) || intensifiers.has(unit) || negators.has(unit) || contrasts.has(unit);

// Chinese is written without spaces: runs of Han characters are cut by longest match against the lexicon.
const HAN_KEYS_MAX = Math.max(...[...valence.keys(), ...intensifiers.keys(), ...negators, ...contrasts].filter(isHan).map((k) => [...k].length));
// Multi-word English and Arabic phrases ("thank you", "ما شاء الله") are matched before their words.
const PHRASE_MAX_WORDS = Math.max(...[...valence.keys(), ...intensifiers.keys()].map((k) => k.split(' ').length));

const TOKEN = /(:'\(|:-?\)|:-?\(|:d(?![\p{L}\p{N}])|:\/(?!\/)|<3)|(\p{Extended_Pictographic})|(\p{Script=Han}+)|([\p{L}\p{M}\p{N}']+)|(!)/gu;
// Arabic proclitics (and, so, with, the, for the) that stick to the word: "والخدمه", "وممتازه".
const ARABIC_PREFIXES = ['وال', 'بال', 'فال', 'كال', 'لل', 'ال', 'و', 'ف', 'ب'];
const ARABIC_LETTER = /^[\u0600-\u06FF]/;

interface Unit {
  text: string;
  /** Han runs: an Arabic-style "intensifier after the word" is not looked for. */
  arabic: boolean;
  emoji: boolean;
}

/**
 * Sentiment of a text in [-1, 1]: below 0 negative, above 0 positive, 0 when it holds no word the lexicon knows.
 * Languages may be mixed in one text.
 */
export function scoreSentiment(text: string): number {
  const { units, exclamations } = tokenize(normalizeText(text.replace(/[\u2018\u2019\u02BC]/g, "'")));
  const contrastAt = lastIndex(units, (u) => contrasts.has(u.text));
  let sum = 0;
  units.forEach((unit, i) => {
    let v = unit.emoji ? (emoji.get(unit.text) ?? 0) : (valence.get(unit.text) ?? 0);
    if (v === 0) return;
    if (!unit.emoji) {
      v *= intensity(units, i);
      if (negated(units, i)) v *= NEGATION_FACTOR;
    }
    // The clause after "but" is what the customer means ("nice shop but rude staff").
    if (contrastAt >= 0) v *= i < contrastAt ? 0.5 : 1.5;
    sum += v;
  });
  if (sum !== 0) sum += Math.sign(sum) * Math.min(exclamations, 4) * EXCLAMATION_BOOST;
  const score = sum / Math.sqrt(sum * sum + ALPHA);
  return Math.max(-1, Math.min(1, Math.round(score * 1e4) / 1e4));
}

/** The label of a score: positive above +0.05, negative below -0.05, neutral between. */
export function sentimentLabel(score: number): 'positive' | 'negative' | 'neutral' {
  if (score > NEUTRAL_BAND) return 'positive';
  if (score < -NEUTRAL_BAND) return 'negative';
  return 'neutral';
}

function tokenize(normalized: string): { units: Unit[]; exclamations: number } {
  const raw: Unit[] = [];
  let exclamations = 0;
  for (const m of normalized.matchAll(TOKEN)) {
    const [, emoticon, pictograph, han, word] = m;
    if (emoticon) raw.push({ text: emoticon, arabic: false, emoji: true });
    else if (pictograph) raw.push({ text: pictograph, arabic: false, emoji: true });
    else if (han) for (const piece of segmentHan(han)) raw.push({ text: piece, arabic: false, emoji: false });
    else if (word) raw.push({ text: lookupForm(word), arabic: ARABIC_LETTER.test(word), emoji: false });
    else exclamations++;
  }
  return { units: joinPhrases(raw), exclamations };
}

/** The word itself when the lexicon knows it, else the word without an Arabic proclitic if that is known. */
function lookupForm(word: string): string {
  if (known(word) || !ARABIC_LETTER.test(word)) return word;
  for (const prefix of ARABIC_PREFIXES) {
    const rest = word.slice(prefix.length);
    if (word.startsWith(prefix) && rest.length >= 2 && known(rest)) return rest;
  }
  return word;
}

/** Longest match of lexicon entries in a run of Han characters; unknown characters stand alone. */
function segmentHan(run: string): string[] {
  const chars = [...run];
  const out: string[] = [];
  let i = 0;
  while (i < chars.length) {
    let taken = 1;
    for (let n = Math.min(HAN_KEYS_MAX, chars.length - i); n > 1; n--) {
      if (known(chars.slice(i, i + n).join(''))) {
        taken = n;
        break;
      }
    }
    out.push(chars.slice(i, i + taken).join(''));
    i += taken;
  }
  return out;
}

/** Joins consecutive words that form a known phrase into one unit, longest phrase first. */
function joinPhrases(units: Unit[]): Unit[] {
  const out: Unit[] = [];
  let i = 0;
  while (i < units.length) {
    let joined: Unit | null = null;
    for (let n = Math.min(PHRASE_MAX_WORDS, units.length - i); n > 1 && !joined; n--) {
      const slice = units.slice(i, i + n);
      if (slice.some((u) => u.emoji)) continue;
      const phrase = slice.map((u) => u.text).join(' ');
      if (valence.has(phrase) || intensifiers.has(phrase)) {
        joined = { text: phrase, arabic: slice[0]!.arabic, emoji: false };
        i += n;
      }
    }
    if (!joined) {
      joined = units[i]!;
      i++;
    }
    out.push(joined);
  }
  return out;
}

/** Product of the intensifiers right before the word (and, in Arabic, right after it: "زين وايد", "ممتاز جدا"). */
function intensity(units: Unit[], i: number): number {
  let factor = 1;
  for (let j = i - 1; j >= Math.max(0, i - 2); j--) {
    const f = intensifiers.get(units[j]!.text);
    if (f === undefined) {
      if (!negators.has(units[j]!.text)) break;
      continue; // "not very good": look past the negator
    }
    factor *= f;
  }
  const next = units[i + 1];
  if (units[i]!.arabic && next) factor *= intensifiers.get(next.text) ?? 1;
  return factor;
}

/** A negator within the window before the word, not across a "but". */
function negated(units: Unit[], i: number): boolean {
  for (let j = i - 1; j >= Math.max(0, i - NEGATION_WINDOW); j--) {
    const text = units[j]!.text;
    if (contrasts.has(text)) return false;
    if (negators.has(text)) return true;
  }
  return false;
}

function foldKeys(table: Readonly<Record<string, number>>): Map<string, number> {
  return new Map(Object.entries(table).map(([k, v]) => [normalizeText(k), v]));
}

function isHan(text: string): boolean {
  return /^\p{Script=Han}+$/u.test(text);
}

function lastIndex<T>(items: T[], pred: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i]!)) return i;
  return -1;
}
