// The held-out test sets: nlu/test-data/<language>.yml, in the training files' format, written apart from
// nlu/training (a test checks that they share no text). They measure the bot's NLU as it runs, thresholds included;
// nothing is tuned on them (the thresholds come from cross-validation over the training data, see thresholds.ts).
import { fileURLToPath } from 'node:url';
import type { Language } from '../core/conversation/message.js';
import { OUT_OF_SCOPE_LABEL, type NluIntent } from './intents.js';
import { loadTrainingData, type TrainingExample } from './training-data.js';

/** Where the bundled test sets live. */
export const TEST_DATA_DIR = fileURLToPath(new URL('./test-data/', import.meta.url));

/** A message and what the NLU should answer (`'none'` for out-of-scope messages). */
export type LabelledMessage = readonly [text: string, intent: NluIntent];

/** The test examples of every language (labels as in the files: `out_of_scope` included). */
export function loadTestData(dir: string = TEST_DATA_DIR): TrainingExample[] {
  return loadTrainingData(dir);
}

/** One language's test set as (text, expected NLU answer) pairs. */
export function testSet(language: Language, examples: readonly TrainingExample[] = loadTestData()): LabelledMessage[] {
  return examples.filter((e) => e.language === language).map((e) => [e.text, e.intent === OUT_OF_SCOPE_LABEL ? 'none' : e.intent] as const);
}

/** Accuracy of a classify function on one labelled list, with the misses for printing. */
export function accuracyOn(
  messages: readonly LabelledMessage[],
  classify: (text: string) => { intent: string; confidence: number },
): { accuracy: number; misses: { text: string; expected: string; got: string; confidence: number }[] } {
  const misses = [];
  for (const [text, expected] of messages) {
    const { intent, confidence } = classify(text);
    if (intent !== expected) misses.push({ text, expected, got: intent, confidence });
  }
  return { accuracy: messages.length === 0 ? 1 : 1 - misses.length / messages.length, misses };
}
