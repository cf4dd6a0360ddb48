import { describe, expect, it } from 'vitest';
import { answerFor, evaluateThresholds, outOfFoldScores, tuneThresholds, type OutOfFoldScore } from './thresholds.js';

const score = (expected: string, predicted: string, confidence: number, margin = confidence): OutOfFoldScore => ({ expected, predicted, confidence, margin });

describe('answerFor', () => {
  it('gives the intent only above both floors, and never the out-of-scope label', () => {
    expect(answerFor(score('balance', 'balance', 0.5, 0.3), 0.4, 0.2)).toBe('balance');
    expect(answerFor(score('balance', 'balance', 0.3, 0.3), 0.4, 0.2)).toBe('none');
    expect(answerFor(score('balance', 'balance', 0.5, 0.1), 0.4, 0.2)).toBe('none');
    expect(answerFor(score('out_of_scope', 'out_of_scope', 0.9), 0, 0)).toBe('none');
  });
});

describe('evaluateThresholds', () => {
  it('counts right answers, wrong intents, rejections and accepted out-of-scope messages', () => {
    const scores = [
      score('balance', 'balance', 0.9), // right
      score('balance', 'rewards', 0.6), // wrong intent
      score('enroll', 'enroll', 0.2), // rejected at 0.3
      score('out_of_scope', 'help', 0.5), // accepted out of scope
      score('out_of_scope', 'help', 0.1), // right: none
    ];
    expect(evaluateThresholds(scores, 0.3, 0)).toEqual({
      minConfidence: 0.3,
      minMargin: 0,
      accuracy: 2 / 5,
      wrongIntent: 1 / 3,
      rejected: 1 / 3,
      outOfScopeAccepted: 1 / 2,
    });
  });
});

describe('tuneThresholds', () => {
  it('finds the floor that separates confident right answers from unsure wrong ones', () => {
    const scores = [
      ...Array.from({ length: 10 }, () => score('balance', 'balance', 0.8)),
      ...Array.from({ length: 5 }, () => score('out_of_scope', 'greeting', 0.3)),
      score('help', 'help', 0.45),
    ];
    const best = tuneThresholds(scores);
    // Anything in (0.30, 0.45] is perfect; 0.35 is the first grid point there.
    expect(best.minConfidence).toBe(0.35);
    expect(best.accuracy).toBe(1);
  });

  it('prefers the stricter pair on a tie in accuracy when it makes fewer wrong-intent mistakes', () => {
    // Rejecting the unsure wrong guess does not raise accuracy (a rejection is not right either), but it is chosen.
    const unsure = score('balance', 'rewards', 0.2);
    const scores = [score('balance', 'balance', 0.9), unsure, score('out_of_scope', 'out_of_scope', 0.9)];
    const best = tuneThresholds(scores);
    expect(best.accuracy).toBe(evaluateThresholds(scores, 0, 0).accuracy);
    expect(best.wrongIntent).toBe(0);
    expect(answerFor(unsure, best.minConfidence, best.minMargin)).toBe('none');
  });
});

describe('outOfFoldScores', () => {
  it('scores every example exactly once, with a model that did not see it', () => {
    const examples = ['hi', 'hello', 'hey', 'howdy', 'yo', 'bye', 'goodbye', 'see you', 'later', 'ciao'].map((text, i) => ({ text, intent: i < 5 ? 'greeting' : 'goodbye' }));
    const scores = outOfFoldScores(examples, 5);
    expect(scores).toHaveLength(examples.length);
    expect(scores.map((s) => s.expected).sort()).toEqual(examples.map((e) => e.intent).sort());
    for (const s of scores) {
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.margin).toBeGreaterThanOrEqual(0);
    }
  });
});
