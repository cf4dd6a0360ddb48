import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Language } from '../core/conversation/message.js';
import { LANGUAGES } from '../core/conversation/message.js';
import type { TrainingLabel } from './intents.js';
import { INTENTS, OUT_OF_SCOPE_LABEL } from './intents.js';
import { normalizeText } from './normalize.js';

/** One labelled training example, with the language of the file it came from. */
export interface TrainingExample {
  text: string;
  intent: TrainingLabel;
  language: Language;
}

/** Where the bundled training files live. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('./training/', import.meta.url));

// The subset of Rasa's nlu.yml we use. Entries we do not support yet (synonym, regex, lookup)
// fail validation rather than being silently ignored.
const NluFileSchema = z.strictObject({
  version: z.string().optional(),
  nlu: z.array(
    z.strictObject({
      intent: z.enum([...INTENTS, OUT_OF_SCOPE_LABEL]),
      examples: z.string(),
    }),
  ),
});

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
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  if (files.length === 0) throw new TrainingDataError(`no .yml training files in ${dir}`);

  const examples: TrainingExample[] = [];
  // Contradictory labels make the model learn noise and are always a data mistake.
  const seen = new Map<string, { intent: TrainingLabel; file: string }>();
  for (const file of files) {
    const language = languageOfFile(file);
    for (const example of parseFile(join(dir, file), language)) {
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
  return examples;
}

function languageOfFile(file: string): Language {
  const code = LANGUAGE_FILE.exec(file)?.[1];
  const language = LANGUAGES.find((l) => l === code);
  if (!language) {
    throw new TrainingDataError(`${file}: file name must start with a language code (${LANGUAGES.join(', ')})`);
  }
  return language;
}

function parseFile(path: string, language: Language): TrainingExample[] {
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
    for (const [index, line] of block.examples.split('\n').entries()) {
      const trimmed = line.trim();
      if (trimmed === '') continue;
      const text = /^-\s+(.+)$/.exec(trimmed)?.[1]?.trim();
      if (!text) {
        throw new TrainingDataError(
          `${path}: intent ${block.intent}, example line ${index + 1} must look like "- some text", got "${trimmed}"`,
        );
      }
      examples.push({ text, intent: block.intent, language });
    }
  }
  return examples;
}
