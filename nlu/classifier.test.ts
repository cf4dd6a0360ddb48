import { describe, expect, it } from 'vitest';
import type { LabelledText } from './classifier.js';
import { IntentClassifier, LARGE_DATASET_OPTIONS, tokenize, trainClassifier } from './classifier.js';

const TOY: LabelledText[] = [
  { text: 'hello', intent: 'greet' },
  { text: 'hi there', intent: 'greet' },
  { text: 'good morning', intent: 'greet' },
  { text: 'hey', intent: 'greet' },
  { text: 'how many points do i have', intent: 'balance' },
  { text: 'my points balance', intent: 'balance' },
  { text: 'check my balance', intent: 'balance' },
  { text: 'points', intent: 'balance' },
  { text: 'bye', intent: 'bye' },
  { text: 'goodbye', intent: 'bye' },
  { text: 'see you later', intent: 'bye' },
  { text: 'see ya', intent: 'bye' },
];

describe('tokenize', () => {
  it('splits English on words and drops punctuation', () => {
    expect(tokenize('how many points, do i have?')).toEqual(['how', 'many', 'points', 'do', 'i', 'have']);
  });

  it('splits Chinese into words', () => {
    expect(tokenize('我有多少點數')).toEqual(['我有', '多少', '點數']);
  });

  it('splits Arabic on spaces', () => {
    expect(tokenize('كم نقاطي؟')).toEqual(['كم', 'نقاطي']);
  });
});

describe('trainClassifier', () => {
  const model = trainClassifier(TOY);

  it('learns the training examples', () => {
    for (const { text, intent } of TOY) expect(model.predict(text).intent).toBe(intent);
  });

  it('generalizes through shared words and character n-grams', () => {
    expect(model.predict('hello there').intent).toBe('greet');
    expect(model.predict('pointz balance').intent).toBe('balance');
    expect(model.predict('see you').intent).toBe('bye');
  });

  it('returns a full ranking, best first, as a probability distribution', () => {
    const { intent, confidence, ranking } = model.predict('how many points');
    expect(ranking.map((r) => r.intent).sort()).toEqual(['balance', 'bye', 'greet']);
    expect(ranking[0]).toEqual({ intent, confidence });
    for (let i = 1; i < ranking.length; i++) {
      expect(ranking[i]?.confidence).toBeLessThanOrEqual(ranking[i - 1]?.confidence ?? 1);
    }
    expect(ranking.reduce((sum, r) => sum + r.confidence, 0)).toBeCloseTo(1, 5);
  });

  it('is less confident about text made of unseen words', () => {
    expect(model.predict('zebra quantum lasagna').confidence).toBeLessThan(model.predict('hello').confidence);
  });

  it('is deterministic', () => {
    const again = trainClassifier(TOY);
    expect(again.toJSON()).toEqual(model.toJSON());
    const otherSeed = trainClassifier(TOY, { seed: 7 });
    expect(otherSeed.toJSON().weights).not.toEqual(model.toJSON().weights);
  });

  it('rejects an empty training set', () => {
    expect(() => trainClassifier([])).toThrow(/no examples/);
  });
});

describe('IntentClassifier JSON', () => {
  const model = trainClassifier(TOY);

  it('round-trips through JSON text with identical predictions', () => {
    const restored = IntentClassifier.fromJSON(JSON.parse(JSON.stringify(model)) as ReturnType<typeof model.toJSON>);
    for (const text of ['hello', 'points please', 'see you', 'unrelated words', '']) {
      expect(restored.predict(text)).toEqual(model.predict(text));
    }
  });

  it('rejects an unknown format', () => {
    const json = { ...model.toJSON(), format: 'something-else' } as unknown as ReturnType<typeof model.toJSON>;
    expect(() => IntentClassifier.fromJSON(json)).toThrow(/unknown format/);
  });

  it('rejects arrays that do not match the labels', () => {
    const json = { ...model.toJSON(), labels: ['a', 'b'] };
    expect(() => IntentClassifier.fromJSON(json)).toThrow(/do not match/);
  });
});

describe('one-vs-rest SVM and feature options', () => {
  const svm = trainClassifier(TOY, LARGE_DATASET_OPTIONS);

  it('learns the training examples and generalizes like the softmax', () => {
    for (const { text, intent } of TOY) expect(svm.predict(text).intent).toBe(intent);
    expect(svm.predict('hello there').intent).toBe('greet');
    expect(svm.predict('pointz balance').intent).toBe('balance');
    expect(svm.predict('see you').intent).toBe('bye');
  });

  it('tells word order apart with character n-grams across word boundaries, not with n-grams inside words', () => {
    // With word unigrams and character trigrams inside words, "ab cd" and "cd ab" are the same
    // bag of features; across the boundary they differ ("b c" vs "d a").
    const data: LabelledText[] = [
      { text: 'ab cd', intent: 'x' },
      { text: 'cd ab', intent: 'y' },
    ];
    const shape = { ...LARGE_DATASET_OPTIONS, wordNgrams: 1, charNgrams: [3, 3] as const };
    const across = trainClassifier(data, { ...shape, charsAcrossWords: true });
    expect(across.predict('ab cd').intent).toBe('x');
    expect(across.predict('cd ab').intent).toBe('y');
    const inside = trainClassifier(data, { ...shape, charsAcrossWords: false });
    expect(inside.predict('ab cd')).toEqual(inside.predict('cd ab'));
  });

  it('round-trips every feature option through JSON with identical predictions', () => {
    const model = trainClassifier(TOY, {
      loss: 'svm',
      charNgrams: [1, 5],
      wordNgrams: 3,
      charsAcrossWords: true,
      wordWeight: 0.4,
      hashBits: 16,
    });
    const json = model.toJSON();
    expect(json).toMatchObject({ charNgrams: [1, 5], wordNgrams: 3, charsAcrossWords: true, wordWeight: 0.4, hashBits: 16 });
    const restored = IntentClassifier.fromJSON(JSON.parse(JSON.stringify(json)) as typeof json);
    for (const text of ['hello', 'points please', 'see you', 'zebra']) expect(restored.predict(text)).toEqual(model.predict(text));
  });

  it('weights word and character blocks separately when asked', () => {
    const words = trainClassifier(TOY, { wordWeight: 0.9 });
    const chars = trainClassifier(TOY, { wordWeight: 0.1 });
    expect(words.toJSON().weights).not.toEqual(chars.toJSON().weights);
    expect(words.predict('hello').intent).toBe('greet');
    expect(chars.predict('hello').intent).toBe('greet');
  });
});
