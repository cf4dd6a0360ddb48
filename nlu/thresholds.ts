// Choosing the NLU's "not sure" thresholds without touching the test sets: every training example is scored by a
// model trained on the other folds (out-of-fold, like Rasa's cross-validation), and the thresholds that answer those
// scores best are kept. A message counts as answered right when it gets its intent, or `'none'` for out-of-scope.
import type { ClassifierOptions, LabelledText } from './classifier.js';
import { trainClassifier } from './classifier.js';
import { INTENTS, OUT_OF_SCOPE_LABEL } from './intents.js';

/** One example scored by a model that did not see it. */
export interface OutOfFoldScore {
  expected: string;
  predicted: string;
  confidence: number;
  /** Best probability minus the second best. */
  margin: number;
}

/** The chosen thresholds and how they did on the out-of-fold scores. */
export interface ThresholdChoice {
  minConfidence: number;
  minMargin: number;
  /** Share answered right (intent, or `'none'` for out-of-scope). */
  accuracy: number;
  /** Share of in-scope examples given a wrong intent (the costly mistake: acting on a misunderstanding). */
  wrongIntent: number;
  /** Share of in-scope examples answered `'none'` (the cheap one: the bot asks again). */
  rejected: number;
  /** Share of out-of-scope examples given an intent. */
  outOfScopeAccepted: number;
}

/** Scores every example with a model trained on the other `folds - 1` folds (examples i, i + folds… form a fold). */
export function outOfFoldScores(examples: readonly LabelledText[], folds = 5, options: ClassifierOptions = {}): OutOfFoldScore[] {
  const scores: OutOfFoldScore[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const model = trainClassifier(
      examples.filter((_, i) => i % folds !== fold),
      options,
    );
    examples.forEach((example, i) => {
      if (i % folds !== fold) return;
      const p = model.predict(example.text);
      scores.push({ expected: example.intent, predicted: p.intent, confidence: p.confidence, margin: p.confidence - (p.ranking[1]?.confidence ?? 0) });
    });
  }
  return scores;
}

const intents = new Set<string>(INTENTS);

/** What the NLU answers for a score under the given thresholds (the rule of createNlu). */
export function answerFor(score: Pick<OutOfFoldScore, 'predicted' | 'confidence' | 'margin'>, minConfidence: number, minMargin: number): string {
  return score.confidence >= minConfidence && score.margin >= minMargin && intents.has(score.predicted) ? score.predicted : 'none';
}

/** How a pair of thresholds does on the scores. */
export function evaluateThresholds(scores: readonly OutOfFoldScore[], minConfidence: number, minMargin: number): ThresholdChoice {
  let right = 0;
  let wrong = 0;
  let rejected = 0;
  let inScope = 0;
  let oosAccepted = 0;
  for (const s of scores) {
    const answer = answerFor(s, minConfidence, minMargin);
    const oos = s.expected === OUT_OF_SCOPE_LABEL;
    if (!oos) inScope++;
    if (answer === (oos ? 'none' : s.expected)) right++;
    else if (oos) oosAccepted++;
    else if (answer === 'none') rejected++;
    else wrong++;
  }
  const outOfScope = scores.length - inScope;
  return {
    minConfidence,
    minMargin,
    accuracy: right / scores.length,
    wrongIntent: wrong / Math.max(inScope, 1),
    rejected: rejected / Math.max(inScope, 1),
    outOfScopeAccepted: oosAccepted / Math.max(outOfScope, 1),
  };
}

/**
 * The thresholds with the best out-of-fold accuracy on a grid (confidence 0–0.7, margin 0–0.3, steps of 0.05).
 * Ties in accuracy go to the pair with fewer wrong intents (asking again costs less than acting on a wrong guess);
 * a full tie keeps the first pair found, the lowest.
 */
export function tuneThresholds(scores: readonly OutOfFoldScore[]): ThresholdChoice {
  let best: ThresholdChoice | null = null;
  for (let c = 0; c <= 14; c++) {
    for (let m = 0; m <= 6; m++) {
      const choice = evaluateThresholds(scores, c / 20, m / 20);
      if (!best || choice.accuracy > best.accuracy + 1e-12 || (Math.abs(choice.accuracy - best.accuracy) <= 1e-12 && choice.wrongIntent < best.wrongIntent)) best = choice;
    }
  }
  return best!;
}
