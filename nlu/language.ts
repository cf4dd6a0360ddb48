import type { Language } from '../core/conversation/message.js';

// One Han character carries about as much meaning as one Latin or Arabic word, so Han is
// counted per character and the alphabetic scripts per word; counting letters would let
// "我要join" come out English.
// (The `v` flag's set intersection would read better, but our target is ES2023.)
const UNIT = /\p{Script=Han}|(?:(?=\p{L})\p{Script=Latin})+|(?:(?=\p{L})\p{Script=Arabic}\p{M}*)+/gu;
const HAN = /^\p{Script=Han}$/u;
const LATIN = /^\p{Script=Latin}/u;

/**
 * The language a message is written in, by which script dominates it; null when it has no
 * Latin, Arabic or Han letter at all (emoji, digits, punctuation, or another script).
 */
export function detectLanguage(text: string): Language | null {
  const counts: Record<Language, number> = { en: 0, ar: 0, zh: 0 };
  for (const [unit] of text.normalize('NFKC').matchAll(UNIT)) {
    if (HAN.test(unit)) counts.zh += 1;
    else if (LATIN.test(unit)) counts.en += 1;
    else counts.ar += 1;
  }
  // Ties go to Arabic, then Chinese: Latin words (brand names, "OK", "VIP") turn up inside
  // messages in every language, so a non-Latin script is the stronger sign.
  let best: Language | null = null;
  for (const language of ['ar', 'zh', 'en'] as const) {
    if (counts[language] > 0 && (best === null || counts[language] > counts[best])) best = language;
  }
  return best;
}
