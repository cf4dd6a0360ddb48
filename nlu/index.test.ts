import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../core/conversation/message.js';
import { accuracyOn, loadTestData, testSet } from './evaluation.js';
import { createNlu, INTENTS } from './index.js';

const started = performance.now();
const nlu = createNlu();
const trainingMs = performance.now() - started;
const test = loadTestData();

describe('createNlu', () => {
  it('trains on the bundled data', () => {
    // Timing is reported, not asserted (npm run nlu:train measures it).
    console.log(`createNlu (load + train): ${trainingMs.toFixed(0)} ms`);
    expect(nlu.toJSON().labels).toHaveLength(INTENTS.length + 1);
  });

  it.each([
    ['بدي أشترك', 'enroll', 'ar'],
    ['كم نقاطي', 'balance', 'ar'],
    ['我要加入會員', 'enroll', 'zh'],
    ['我有多少點數', 'balance', 'zh'],
    ['join', 'enroll', 'en'],
    ['balance', 'balance', 'en'],
    ['hi', 'greeting', 'en'],
  ] as const)('classifies "%s" as %s (%s)', (text, intent, language) => {
    expect(nlu.classify(text)).toMatchObject({ intent, language });
  });

  it.each([
    ['我要加入会员', 'enroll'],
    ['我有多少点数', 'balance'],
    ['بَدّي أَشْتَرِك', 'enroll'],
    ['JOIN', 'enroll'],
    ['Hi!!', 'greeting'],
  ] as const)('normalizes before classifying: "%s" → %s', (text, intent) => {
    expect(nlu.classify(text).intent).toBe(intent);
  });

  // The bar of the issue: 95% per language on test sets written apart from the training data, thresholds applied.
  it.each(LANGUAGES)('gets at least 95 percent of the held-out %s test set right', (language) => {
    const set = testSet(language, test);
    const { accuracy, misses } = accuracyOn(set, (text) => nlu.classify(text));
    console.log(
      `test ${language}: ${(accuracy * 100).toFixed(1)}% of ${set.length}` +
        misses.map((m) => `\n  ${m.text} → ${m.got} (${m.confidence.toFixed(2)}), want ${m.expected}`).join(''),
    );
    expect(set.length).toBeGreaterThanOrEqual(300);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it.each(['asdkjh qwe', 'the weather in Paris is nice', '巴黎是法國的首都', 'سيارتي خربانة من امس'])(
    'answers none to out-of-scope "%s"',
    (text) => {
      expect(nlu.classify(text).intent).toBe('none');
    },
  );

  it('answers none to at least 90% of the out-of-scope test messages', () => {
    const outOfScope = test.filter((e) => e.intent === 'out_of_scope').map((e) => e.text);
    const accepted = outOfScope.filter((text) => nlu.classify(text).intent !== 'none');
    console.log(`out-of-scope given an intent: ${accepted.length} of ${outOfScope.length}`, accepted);
    expect(outOfScope.length).toBeGreaterThanOrEqual(100);
    expect(accepted.length / outOfScope.length).toBeLessThanOrEqual(0.1);
  });

  it.each([
    ['', null],
    ['   ', null],
    ['👍', null],
    ['?!', null],
  ] as const)('answers none without letters: %j', (text, language) => {
    const result = nlu.classify(text);
    expect(result.intent).toBe('none');
    expect(result.language).toBe(language);
  });

  it('thresholds are options: stricter ones turn unsure answers into none', () => {
    const strict = createNlu({ model: nlu.toJSON(), minConfidence: 0.99, minMargin: 0 });
    const sure = createNlu({ model: nlu.toJSON(), minConfidence: 0, minMargin: 0 });
    const text = 'can u tell me my pts pls';
    expect(sure.classify(text).intent).not.toBe('none');
    expect(strict.classify(text)).toMatchObject({ intent: 'none', confidence: sure.classify(text).confidence });
  });

  it('rebuilt from its JSON, classifies identically', () => {
    const restored = createNlu({ model: JSON.parse(JSON.stringify(nlu.toJSON())) as ReturnType<typeof nlu.toJSON> });
    const texts = [
      ...test.map((e) => e.text),
      'كم نقاطي',
      '我要加入會員',
    ];
    for (const text of texts) expect(restored.classify(text)).toEqual(nlu.classify(text));
  });

  it('rejects a model with intents the bots do not know', () => {
    const json = { ...nlu.toJSON() };
    json.labels = json.labels.map((label) => (label === 'greeting' ? 'weather' : label));
    expect(() => createNlu({ model: json })).toThrow(/unknown intents: weather/);
  });

  it('reports the time to classify a short message', () => {
    const runs = 2000;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) nlu.classify(i % 2 === 0 ? '我有多少點數' : 'how many points do I have');
    const perCallMs = (performance.now() - t0) / runs;
    console.log(`classify: ${(perCallMs * 1000).toFixed(1)} µs per call`);
  });
});
