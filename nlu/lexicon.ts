// The non-intent entries of a Rasa-style nlu.yml: synonyms, regexes and lookup tables. They shape what the
// classifier sees, after normalization: a synonym is replaced by its canonical word ("pts" → "points"), and a message
// that matches a regex or contains a lookup value gets a marker word (`rx_member_code`, `lk_tier`) the model learns
// like any other feature. Rasa uses them the same way (RegexFeaturizer, lookup tables, EntitySynonymMapper).
import { z } from 'zod';
import { normalizeText } from './normalize.js';

/** Synonyms, regexes and lookup tables, merged over every training file (all languages). */
export interface Lexicon {
  synonyms: Array<{ canonical: string; variants: string[] }>;
  regexes: Array<{ name: string; patterns: string[] }>;
  lookups: Array<{ name: string; values: string[] }>;
}

/** A lexicon with nothing in it: texts pass through unchanged. */
export const EMPTY_LEXICON: Lexicon = { synonyms: [], regexes: [], lookups: [] };

const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and _');

/** The block shapes besides `intent` (zod), for the loaders' schemas. */
export const lexiconBlockSchemas = [
  z.strictObject({ synonym: z.string().min(1), examples: z.string() }),
  z.strictObject({ regex: name, examples: z.string() }),
  z.strictObject({ lookup: name, examples: z.string() }),
] as const;

/** One parsed non-intent block. */
export type LexiconBlock = z.infer<(typeof lexiconBlockSchemas)[number]>;

/**
 * Picks the schema for one `nlu:` entry by its key, so a mistake gets that kind's message ("intent: Invalid option…")
 * rather than a union's "Invalid input".
 */
export function nluEntrySchema<I extends z.ZodType>(intentSchema: I, entry: unknown): I | (typeof lexiconBlockSchemas)[number] | null {
  if (entry === null || typeof entry !== 'object') return null;
  if ('intent' in entry) return intentSchema;
  if ('synonym' in entry) return lexiconBlockSchemas[0];
  if ('regex' in entry) return lexiconBlockSchemas[1];
  if ('lookup' in entry) return lexiconBlockSchemas[2];
  return null;
}

/** The "- item" lines of a block's `examples`; calls `bad` with the line number of a line of another shape. */
export function exampleLines(examples: string, bad: (line: number, text: string) => never): string[] {
  const items: string[] = [];
  for (const [index, line] of examples.split('\n').entries()) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const text = /^-\s+(.+)$/.exec(trimmed)?.[1]?.trim();
    if (!text) bad(index + 1, trimmed);
    items.push(text);
  }
  return items;
}

/** Adds one block to `lexicon`; throws with `where` in the message on a regex that does not compile. */
export function addLexiconBlock(lexicon: Lexicon, block: LexiconBlock, items: string[], where: string): void {
  if ('synonym' in block) lexicon.synonyms.push({ canonical: block.synonym, variants: items });
  else if ('regex' in block) {
    for (const pattern of items) {
      try {
        new RegExp(pattern, 'u');
      } catch (error) {
        throw new Error(`${where}: regex ${block.regex}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    lexicon.regexes.push({ name: block.regex, patterns: items });
  } else lexicon.lookups.push({ name: block.lookup, values: items });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Han text has no spaces: a Chinese value matches anywhere; other scripts only as whole words.
const HAN = /\p{Script=Han}/u;
const bounded = (value: string) => (HAN.test(value) ? escape(value) : `(?<![\\p{L}\\p{N}])${escape(value)}(?![\\p{L}\\p{N}])`);

/**
 * Turns a lexicon into the function applied to every normalized text before the classifier, in training and at
 * prediction alike. Values are normalized the same way as texts, so "PTS" and "pts" are one variant.
 */
export function compileLexicon(lexicon: Lexicon): (normalized: string) => string {
  const synonyms = lexicon.synonyms.flatMap(({ canonical, variants }) =>
    variants.map((v) => ({ pattern: new RegExp(bounded(normalizeText(v)), 'gu'), canonical: normalizeText(canonical) })),
  );
  const markers = [
    ...lexicon.regexes.filter((r) => r.patterns.length > 0).map((r) => ({ marker: `rx_${r.name}`, pattern: new RegExp(r.patterns.map((p) => `(?:${p})`).join('|'), 'u') })),
    ...lexicon.lookups.filter((l) => l.values.length > 0).map((l) => ({ marker: `lk_${l.name}`, pattern: new RegExp(l.values.map((v) => bounded(normalizeText(v))).join('|'), 'u') })),
  ];
  if (synonyms.length === 0 && markers.length === 0) return (text) => text;
  return (normalized) => {
    let text = normalized;
    for (const { pattern, canonical } of synonyms) text = text.replace(pattern, canonical);
    const found = markers.filter(({ pattern }) => pattern.test(text)).map((m) => m.marker);
    return found.length > 0 ? `${text} ${found.join(' ')}` : text;
  };
}
