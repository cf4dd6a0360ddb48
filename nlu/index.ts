// Public API of the NLU: intent classification, language detection, text normalization and the
// enrollment-form entity parsers. Everything else in nlu/ is an implementation detail.
import type { Language } from '../core/conversation/message.js';
import type { IntentClassifierJSON, LabelledText } from './classifier.js';
import { IntentClassifier, trainClassifier } from './classifier.js';
import type { Intent, NluIntent } from './intents.js';
import { INTENTS, OUT_OF_SCOPE_LABEL } from './intents.js';
import { detectLanguage } from './language.js';
import { normalizeText } from './normalize.js';
import { cachedModel, trainingDataHash } from './model-cache.js';
import { compileLexicon } from './lexicon.js';
import { loadNluData, type NluData } from './training-data.js';

export type { Intent, NluIntent } from './intents.js';
export { INTENTS } from './intents.js';
export { detectLanguage } from './language.js';
export { normalizeText, toLatinDigits } from './normalize.js';
export type { BirthdayResult } from './entities/date.js';
export { parseBirthday } from './entities/date.js';
export type { PhoneResult } from './entities/phone.js';
export { parsePhone } from './entities/phone.js';
export type { IntentClassifierJSON } from './classifier.js';

/** What the NLU made of one message. */
export interface NluResult {
  /** The intent, or `'none'` when the model is not confident enough to act on it. */
  intent: NluIntent;
  /** The model's probability for its best intent (also when `intent` is `'none'`). */
  confidence: number;
  /** The script-based language of the message; null when it has no letters. */
  language: Language | null;
}

/** A trained NLU, ready to classify messages. */
export interface Nlu {
  /** Classifies one message. */
  classify(text: string): NluResult;
  /** The trained model, for caching and passing back as `createNlu({ model })`. */
  toJSON(): IntentClassifierJSON;
}

/** Settings for createNlu; the defaults suit the bundled training data. */
export interface NluOptions {
  /** Directory of `<language>.yml` training files (default: nlu/training). */
  dataDir?: string;
  /** A model from `Nlu.toJSON()`; when given, nothing is trained (the lexicon still comes from `dataDir`). */
  model?: IntentClassifierJSON;
  /**
   * A folder for the trained model, named by the hash of the training files: a start with unchanged data loads it
   * instead of training (and a changed file trains anew). Without it, the model is trained on every start.
   */
  cacheDir?: string;
  /** Below this probability the intent is `'none'`. */
  minConfidence?: number;
  /** Below this gap between the best and second-best probability the intent is `'none'`. */
  minMargin?: number;
}

// Chosen by `npm run nlu:train -- --tune`: 5-fold out-of-fold scores over nlu/training (never the test sets),
// best accuracy on a grid, where an out-of-scope message answered 'none' counts as right. With an explicit
// out_of_scope class and 25 labels the softmax spreads its probability thin, so the best confidence floor is low
// (0.10: 76.8% right out of fold, against 57.0% at the former 0.45 / 0.1, which turned 45% of in-scope messages into
// 'none');
// a margin floor helped at no setting. The floor still catches text the model knows nothing of.
/** Default confidence threshold below which classify returns `'none'`. */
export const DEFAULT_MIN_CONFIDENCE = 0.1;
/** Default top-2 margin below which classify returns `'none'`. */
export const DEFAULT_MIN_MARGIN = 0;

/** Loads the training data, trains one classifier over all languages (or loads `model`) and returns the NLU. */
export function createNlu(options: NluOptions = {}): Nlu {
  const data = loadNluData(options.dataDir);
  const { prepare, examples } = classifierInput(data);
  const classifier = options.model
    ? IntentClassifier.fromJSON(options.model)
    : options.cacheDir
      ? cachedModel(options.cacheDir, trainingDataHash(options.dataDir), () => trainClassifier(examples))
      : trainClassifier(examples);
  const unknown = classifier.labels.filter((label) => !isIntent(label) && label !== OUT_OF_SCOPE_LABEL);
  if (unknown.length > 0) throw new Error(`createNlu: model has unknown intents: ${unknown.join(', ')}`);
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const minMargin = options.minMargin ?? DEFAULT_MIN_MARGIN;

  return {
    classify(text: string): NluResult {
      const language = detectLanguage(text);
      if (normalizeText(text) === '') return { intent: 'none', confidence: 0, language };
      const { intent, confidence, ranking } = classifier.predict(prepare(text));
      const margin = confidence - (ranking[1]?.confidence ?? 0);
      // An out-of-scope prediction is 'none' too; a close second place for it lowers the margin.
      const sure = confidence >= minConfidence && margin >= minMargin && isIntent(intent);
      return { intent: sure ? intent : 'none', confidence, language };
    },
    toJSON: () => classifier.toJSON(),
  };
}

/**
 * What the classifier sees: each text normalized, then the lexicon applied (synonyms replaced, regex and lookup
 * markers added). `prepare` does the same to a message at prediction time.
 */
export function classifierInput(data: NluData): { prepare: (text: string) => string; examples: LabelledText[] } {
  const lexicon = compileLexicon(data.lexicon);
  const prepare = (text: string) => lexicon(normalizeText(text));
  return { prepare, examples: data.examples.map((e) => ({ text: prepare(e.text), intent: e.intent })) };
}

function isIntent(value: string): value is Intent {
  return (INTENTS as readonly string[]).includes(value);
}
export { extractNumbers, parseNumber } from './entities/numbers.js';
export { parsePoints } from './entities/points.js';
export { extractEmails, isEmail } from './entities/email.js';
export { extractDates } from './entities/dates.js';
export type { FuzzyItem, FuzzyMatch, FuzzyMatcher, FuzzyOptions } from './entities/fuzzy.js';
export { createFuzzyMatcher } from './entities/fuzzy.js';
export type { Entities, ExtractOptions } from './entities/extract.js';
export { extractEntities } from './entities/extract.js';
export { scoreSentiment, sentimentLabel } from './sentiment.js';
