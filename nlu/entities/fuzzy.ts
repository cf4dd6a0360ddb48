// Fuzzy lookup of reward and store names in a message, for Latin, Arabic and Chinese names:
// "dubai mal" → Dubai Mall, "مول دبي" → the same store, "信義店" → 台北信義店. Texts and names
// are normalized (normalizeText, punctuation dropped, Arabic ال dropped, each Han character a
// token); each name is compared with the windows of the message about its length, scoring
// token overlap (Jaro-Winkler between words), character-bigram Dice plus Jaro-Winkler on the
// joined characters, and containment of a window in a name (a shortened name: 信義店, "dubai").
import { normalizeText } from '../normalize.js';

/** One thing to look up: a reward or store id and every name customers may use for it. */
export interface FuzzyItem {
  /** The id returned on a match. */
  id: string;
  /** Names in any language and script. */
  names: string[];
}

/** The best match of a message against the items. */
export interface FuzzyMatch {
  /** The matched item's id. */
  id: string;
  /** Similarity in [0, 1]; 1 when the name occurs in the message as is. */
  score: number;
  /** The name (as given) that matched. */
  name: string;
}

/** Settings for createFuzzyMatcher. */
export interface FuzzyOptions {
  /** Lowest score that counts as a match; 0.75 by default. */
  threshold?: number;
  /** Only the first this many normalized characters of a message are searched; 2,000 by default. */
  maxChars?: number;
}

/** Finds the best-matching item in a message, or null. */
export interface FuzzyMatcher {
  /** The best item whose score reaches the threshold, or null (unrelated text gives null). */
  match(text: string): FuzzyMatch | null;
}

interface PreparedName {
  id: string;
  name: string;
  tokens: string[];
  joined: string;
  bigrams: Map<string, number>;
  chars: Set<string>;
}

const HAN = /\p{Script=Han}/u;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** Tokens of a text as the matcher compares them: words, and each Han character on its own. */
export function fuzzyTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const word of normalizeText(text).replace(NOT_WORD, ' ').split(' ')) {
    if (!word) continue;
    if (!HAN.test(word)) {
      // The Arabic article: المول and مول are the same word here.
      tokens.push(word.length > 4 && word.startsWith('ال') ? word.slice(2) : word);
      continue;
    }
    let latin = '';
    for (const ch of word) {
      if (HAN.test(ch)) {
        if (latin) tokens.push(latin);
        latin = '';
        tokens.push(ch);
      } else latin += ch;
    }
    if (latin) tokens.push(latin);
  }
  return tokens;
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  const chars = [...text];
  if (chars.length === 1) grams.set(text, 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const gram = `${chars[i] ?? ''}${chars[i + 1] ?? ''}`;
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** Sørensen-Dice coefficient of two character-bigram multisets. */
function dice(a: Map<string, number>, b: Map<string, number>): number {
  let common = 0;
  let sizeA = 0;
  let sizeB = 0;
  for (const count of b.values()) sizeB += count;
  for (const [gram, count] of a) {
    sizeA += count;
    common += Math.min(count, b.get(gram) ?? 0);
  }
  return sizeA + sizeB === 0 ? 0 : (2 * common) / (sizeA + sizeB);
}

/** Jaro-Winkler similarity of two strings (by code point), in [0, 1]. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const s = [...a];
  const t = [...b];
  if (s.length === 0 || t.length === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(s.length, t.length) / 2) - 1);
  const sMatched = new Array<boolean>(s.length).fill(false);
  const tMatched = new Array<boolean>(t.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s.length; i++) {
    const from = Math.max(0, i - range);
    const to = Math.min(t.length - 1, i + range);
    for (let j = from; j <= to; j++) {
      if (tMatched[j] || s[i] !== t[j]) continue;
      sMatched[i] = true;
      tMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    if (!sMatched[i]) continue;
    while (!tMatched[k]) k++;
    if (s[i] !== t[k]) transpositions++;
    k++;
  }
  const jaro = (matches / s.length + matches / t.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < s.length && prefix < t.length && s[prefix] === t[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  // One-character tokens (Han characters, initials) only count when equal.
  if ([...a].length < 3 || [...b].length < 3) return 0;
  const similarity = jaroWinkler(a, b);
  return similarity >= 0.88 ? similarity : 0;
}

function score(window: string[], name: PreparedName): number {
  let sum = 0;
  for (const nameToken of name.tokens) {
    let best = 0;
    for (const token of window) best = Math.max(best, tokenSimilarity(token, nameToken));
    sum += best;
  }
  const tokenScore = (2 * sum) / (name.tokens.length + window.length);
  const joined = window.join('');
  const charScore = (dice(bigrams(joined), name.bigrams) + jaroWinkler(joined, name.joined)) / 2;
  // A window that is part of the name and at least half of it: a shortened name.
  const length = [...joined].length;
  const contained = length >= 2 && name.joined.includes(joined) && length * 2 > [...name.joined].length ? 0.85 : 0;
  return Math.max(tokenScore, charScore, contained);
}

function isRelevant(token: string, name: PreparedName): boolean {
  const chars = [...token];
  if (chars.length === 1) return name.chars.has(token);
  for (let i = 0; i + 1 < chars.length; i++) {
    if (name.bigrams.has(`${chars[i] ?? ''}${chars[i + 1] ?? ''}`)) return true;
  }
  return false;
}

/**
 * Builds a matcher over reward or store names. `match(text)` returns the item whose name best
 * matches some stretch of the text (score ≥ threshold), or null.
 */
export function createFuzzyMatcher(items: readonly FuzzyItem[], options: FuzzyOptions = {}): FuzzyMatcher {
  const threshold = options.threshold ?? 0.75;
  const maxChars = options.maxChars ?? 2000;
  const names: PreparedName[] = [];
  for (const { id, names: itemNames } of items) {
    for (const name of itemNames) {
      const tokens = fuzzyTokens(name);
      if (tokens.length === 0) continue;
      const joined = tokens.join('');
      names.push({ id, name, tokens, joined, bigrams: bigrams(joined), chars: new Set(joined) });
    }
  }
  return {
    match(text: string): FuzzyMatch | null {
      const tokens = fuzzyTokens(normalizeText(text).slice(0, maxChars));
      let best: FuzzyMatch | null = null;
      for (const name of names) {
        const longest = name.tokens.length + 1;
        const shortest = Math.max(1, Math.ceil(name.tokens.length / 2));
        for (let i = 0; i < tokens.length; i++) {
          if (!isRelevant(tokens[i] ?? '', name)) continue;
          for (let size = shortest; size <= longest && i + size <= tokens.length; size++) {
            const value = score(tokens.slice(i, i + size), name);
            if (value >= threshold && (!best || value > best.score)) {
              best = { id: name.id, score: Math.round(value * 1000) / 1000, name: name.name };
            }
          }
        }
      }
      return best;
    },
  };
}
