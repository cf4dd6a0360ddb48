import { describe, expect, it } from 'vitest';
import type { Prediction } from './eval.js';
import { evaluatePredictions, parseLabelledCsv, parseLabelledYaml, percentile, toRasaIntentReport } from './eval.js';

const pairs = (list: [string, string][]): Prediction[] => list.map(([expected, predicted]) => ({ expected, predicted }));

describe('evaluatePredictions', () => {
  // Confusion (rows expected, columns predicted):   a  b  c
  //                                              a  2  1  0
  //                                              b  1  1  0
  //                                              c  0  0  1
  // a: P 2/3 R 2/3 F1 2/3; b: P 1/2 R 1/2 F1 1/2; c: P 1 R 1 F1 1 → macro-F1 (2/3 + 1/2 + 1) / 3 = 13/18.
  const report = evaluatePredictions(
    pairs([
      ['a', 'a'],
      ['a', 'a'],
      ['a', 'b'],
      ['b', 'b'],
      ['b', 'a'],
      ['c', 'c'],
    ]),
  );

  it('computes accuracy and macro-F1 by hand', () => {
    expect(report.accuracy).toBeCloseTo(4 / 6, 12);
    expect(report.macroF1).toBeCloseTo(13 / 18, 12);
    expect(report.weightedF1).toBeCloseTo((2 + 1 + 1) / 6, 12);
  });

  it('computes per-intent precision, recall, F1, support and confusions', () => {
    expect(report.perIntent.a).toEqual({
      precision: 2 / 3,
      recall: 2 / 3,
      'f1-score': expect.closeTo(2 / 3, 12) as number,
      support: 3,
      confused_with: { b: 1 },
    });
    expect(report.perIntent.b?.precision).toBe(0.5);
    expect(report.perIntent.b?.recall).toBe(0.5);
    expect(report.perIntent.c?.['f1-score']).toBe(1);
    expect(report.confusions).toEqual([
      { expected: 'a', predicted: 'b', count: 1 },
      { expected: 'b', predicted: 'a', count: 1 },
    ]);
    expect(report.outOfScope).toBeNull();
  });

  it('counts a label that is only ever predicted in the macro average, with F1 0', () => {
    const only = evaluatePredictions(pairs([['a', 'a'], ['a', 'x']]));
    expect(only.perIntent.a?.['f1-score']).toBeCloseTo(2 / 3, 12);
    expect(only.perIntent.x).toMatchObject({ precision: 0, recall: 0, 'f1-score': 0, support: 0 });
    expect(only.macroF1).toBeCloseTo(1 / 3, 12);
  });

  it('reports out-of-scope precision and recall when the label occurs', () => {
    const oos = evaluatePredictions(
      pairs([
        ['oos', 'oos'],
        ['oos', 'a'],
        ['a', 'oos'],
        ['a', 'a'],
        ['a', 'a'],
      ]),
      'oos',
    );
    expect(oos.outOfScope).toEqual({ label: 'oos', precision: 0.5, recall: 0.5, support: 2 });
  });

  it('orders confusions by count', () => {
    const many = evaluatePredictions(pairs([['a', 'c'], ['b', 'c'], ['b', 'c'], ['c', 'c']]));
    expect(many.confusions[0]).toEqual({ expected: 'b', predicted: 'c', count: 2 });
  });

  it('writes a Rasa-style intent report with the averages', () => {
    const rasa = toRasaIntentReport(report);
    expect(rasa.accuracy).toBeCloseTo(4 / 6, 12);
    expect(rasa['macro avg']).toMatchObject({ 'f1-score': expect.closeTo(13 / 18, 12) as number, support: 6 });
    expect(rasa.c).toMatchObject({ precision: 1, recall: 1, support: 1 });
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 0.5)).toBe(50);
    expect(percentile(samples, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('labelled file parsing', () => {
  it('reads CSV with a label or a category column, quoted commas included', () => {
    expect(parseLabelledCsv('text,label\nhello,greet\n"card, lost",lost_card\n')).toEqual([
      { text: 'hello', intent: 'greet' },
      { text: 'card, lost', intent: 'lost_card' },
    ]);
    expect(parseLabelledCsv('text,category\nhi,greet\n')).toEqual([{ text: 'hi', intent: 'greet' }]);
  });

  it('rejects CSV without the columns', () => {
    expect(() => parseLabelledCsv('sentence,label\nhi,greet\n')).toThrow(/"text" column/);
  });

  it('reads the Rasa-style YAML, any intent names', () => {
    const yaml = 'version: "3.1"\nnlu:\n- intent: card_arrival\n  examples: |\n    - where is my card\n    - card not here\n';
    expect(parseLabelledYaml(yaml)).toEqual([
      { text: 'where is my card', intent: 'card_arrival' },
      { text: 'card not here', intent: 'card_arrival' },
    ]);
    expect(() => parseLabelledYaml('nlu:\n- intent: x\n  examples: "oops"\n')).toThrow(/- text/);
  });
});
