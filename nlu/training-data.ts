import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Language } from '../core/conversation/message.js';
import { LANGUAGES } from '../core/conversation/message.js';
import type { TrainingLabel } from './intents.js';
import { INTENTS, OUT_OF_SCOPE_LABEL } from './intents.js';
import { addLexiconBlock, exampleLines, nluEntrySchema, type Lexicon, type LexiconBlock } from './lexicon.js';
import { normalizeText } from './normalize.js';

/** One labelled training example, with the language of the file it came from. */
export interface TrainingExample {
  text: string;
  intent: TrainingLabel;
  language: Language;
}

/** Where the bundled training files live. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('./training/', import.meta.url));

// The subset of Rasa's nlu.yml we use: intents with examples, synonyms, regexes and lookup tables (lexicon.ts).
// Anything else (entity annotations, metadata) fails validation rather than being silently ignored.
const IntentBlockSchema = z.strictObject({
  intent: z.enum([...INTENTS, OUT_OF_SCOPE_LABEL]),
  examples: z.string(),
});
const NluFileSchema = z.strictObject({
  version: z.string().optional(),
  nlu: z.array(
    z.unknown().transform((entry, ctx): z.infer<typeof IntentBlockSchema> | LexiconBlock => {
      const schema = nluEntrySchema(IntentBlockSchema, entry);
      if (!schema) {
        ctx.addIssue({ code: 'custom', message: 'each entry needs one of: intent, synonym, regex, lookup' });
        return z.NEVER;
      }
      const parsed = schema.safeParse(entry);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
        return z.NEVER;
      }
      return parsed.data;
    }),
  ),
});

/** Everything the training files hold: the labelled examples and the lexicon. */
export interface NluData {
  examples: TrainingExample[];
  lexicon: Lexicon;
}

const LANGUAGE_FILE = /^([a-z]{2})(?:\.[\w-]+)*\.ya?ml$/;

/** Fails when a training file is malformed; the message names the file. */
export class TrainingDataError extends Error {
  override readonly name = 'TrainingDataError';
}

/**
 * Reads every `<language>[.<topic>].yml` file in `dir` (default: `nlu/training`) and returns
 * its examples. Throws TrainingDataError naming the file when one is malformed, and when the
 * same (normalized) text is labelled with two different intents.
 */
export function loadTrainingData(dir: string = DEFAULT_DATA_DIR): TrainingExample[] {
  return loadNluData(dir).examples;
}

/** Like loadTrainingData, with the synonyms, regexes and lookup tables of the same files. */
export function loadNluData(dir: string = DEFAULT_DATA_DIR): NluData {
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  if (files.length === 0) throw new TrainingDataError(`no .yml training files in ${dir}`);

  const examples: TrainingExample[] = [];
  const lexicon: Lexicon = { synonyms: [], regexes: [], lookups: [] };
  // Contradictory labels make the model learn noise and are always a data mistake.
  const seen = new Map<string, { intent: TrainingLabel; file: string }>();
  for (const file of files) {
    const language = languageOfFile(file);
    for (const example of parseFile(join(dir, file), language, lexicon)) {
      const key = normalizeText(example.text);
      const earlier = seen.get(key);
      if (earlier && earlier.intent !== example.intent) {
        throw new TrainingDataError(
          `${file}: "${example.text}" is labelled ${example.intent}, but ${earlier.file} labels it ${earlier.intent}`,
        );
      }
      seen.set(key, { intent: example.intent, file });
      examples.push(example);
    }
  }
  return { examples, lexicon };
}

function languageOfFile(file: string): Language {
  const code = LANGUAGE_FILE.exec(file)?.[1];
  const language = LANGUAGES.find((l) => l === code);
  if (!language) {
    throw new TrainingDataError(`${file}: file name must start with a language code (${LANGUAGES.join(', ')})`);
  }
  return language;
}

function parseFile(path: string, language: Language, lexicon: Lexicon): TrainingExample[] {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TrainingDataError(`${path}: not valid YAML: ${reason}`);
  }
  const result = NluFileSchema.safeParse(raw);
  if (!result.success) {
    throw new TrainingDataError(`${path}: not a Rasa-style nlu file:\n${z.prettifyError(result.error)}`);
  }

  const examples: TrainingExample[] = [];
  for (const block of result.data.nlu) {
    const kind = 'intent' in block ? `intent ${block.intent}` : Object.keys(block).find((k) => k !== 'examples')!;
    const items = exampleLines(block.examples, (line, text) => {
      throw new TrainingDataError(`${path}: ${kind}, example line ${line} must look like "- some text", got "${text}"`);
    });
    if ('intent' in block) {
      for (const text of items) examples.push({ text, intent: block.intent, language });
      continue;
    }
    try {
      addLexiconBlock(lexicon, block, items, path);
    } catch (error) {
      throw new TrainingDataError(error instanceof Error ? error.message : String(error));
    }
  }
  return examples;
}
