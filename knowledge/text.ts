// Text preparation shared by the embedder, the full-text index and the query: the NLU's normalization, then
// tokens. PostgreSQL has no Chinese segmenter, so runs of Han characters become overlapping character bigrams
// (a lone character stays a unigram); every other script splits on anything that is not a letter or digit.
import { normalizeText } from '../nlu/normalize.js';

const HAN = /\p{Script=Han}/u;
const TOKEN_RUNS = /[\p{L}\p{N}\p{M}]+/gu;

// Words so common in questions that they match every chunk; they still count in the embedder, at a low weight.
const STOPWORDS = new Set([
  'a', 'an', 'the', 'is', 'are', 'am', 'be', 'do', 'does', 'did', 'i', 'you', 'we', 'my', 'your', 'our', 'me', 'it',
  'its', 'of', 'to', 'in', 'on', 'at', 'for', 'and', 'or', 'can', 'could', 'what', 'how', 'when', 'where', 'which',
  'who', 'there', 'this', 'that', 'with', 'any', 'have', 'has', 'if', 'from', 'by', 'as', 'will', 'would', 'should',
  'please', 'about', 'get', 'so', 'than', 'then', 'them', 'they', 'us', 'be', 'was', 'were', 'not', 'no',
  'هل', 'ما', 'ماذا', 'في', 'من', 'على', 'الى', 'إلى', 'عن', 'او', 'و', 'مع', 'كيف', 'متي', 'اين', 'انا', 'لي', 'هذا', 'هذه', 'يمكن', 'يمكنني', 'ان',
  '的', '嗎', '我', '你', '們', '是', '了', '呢', '嗎', '吗', '有', '在', '可以', '什麼', '麼', '怎', '請', '問',
]);

/** True for tokens that say nothing about the topic ("what", "the", "هل", "嗎"). */
export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

/** Splits already-normalized text into word tokens, with Han runs as character bigrams. */
export function tokenize(normalized: string): string[] {
  const tokens: string[] = [];
  for (const run of normalized.match(TOKEN_RUNS) ?? []) {
    if (!HAN.test(run)) {
      tokens.push(run);
      continue;
    }
    // A run may mix Han with Latin or digits ("VIP會員"); split it into Han and non-Han pieces.
    for (const piece of run.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu) ?? []) {
      if (!HAN.test(piece)) {
        tokens.push(piece);
        continue;
      }
      const chars = [...piece];
      if (chars.length === 1) tokens.push(piece);
      for (let i = 0; i + 1 < chars.length; i++) tokens.push(`${chars[i]}${chars[i + 1]}`);
    }
  }
  return tokens;
}

/** The text the full-text index holds for a chunk: normalized tokens (Han as bigrams) joined by spaces. */
export function searchTextOf(text: string): string {
  return tokenize(normalizeText(text)).join(' ');
}

/** The query's distinct topic words (normalized, Han as bigrams, stopwords dropped) for full-text search. */
export function queryTerms(query: string): string[] {
  return [...new Set(tokenize(normalizeText(query)).filter((t) => !isStopword(t)))];
}

/** A `to_tsquery('simple', …)` string matching any of the query's topic words, or undefined when it has none. */
export function tsQueryOf(query: string): string | undefined {
  const terms = queryTerms(query);
  return terms.length > 0 ? terms.join(' | ') : undefined;
}
