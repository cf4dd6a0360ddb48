import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../core/conversation/message.js';
import { HELD_OUT, OUT_OF_SCOPE_MESSAGES, accuracyOn } from './evaluation.js';
import { createNlu } from './index.js';

const started = performance.now();
const nlu = createNlu();
const trainingMs = performance.now() - started;

describe('createNlu', () => {
  it('trains on the bundled data well under 2 s', () => {
    console.log(`createNlu (load + train): ${trainingMs.toFixed(0)} ms`);
    expect(trainingMs).toBeLessThan(2000);
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

  it.each(LANGUAGES)('gets at least 90 percent of the held-out %s paraphrases right', (language) => {
    const { accuracy, misses } = accuracyOn(HELD_OUT[language], (text) => nlu.classify(text));
    console.log(
      `held-out ${language}: ${(accuracy * 100).toFixed(1)}% of ${HELD_OUT[language].length}` +
        misses.map((m) => `\n  ${m.text} → ${m.got} (${m.confidence.toFixed(2)}), want ${m.expected}`).join(''),
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it.each(['asdkjh qwe', 'the weather in Paris is nice', '巴黎是法國的首都', 'سيارتي خربانة من امس'])(
    'answers none to out-of-scope "%s"',
    (text) => {
      expect(nlu.classify(text).intent).toBe('none');
    },
  );

  it('answers none to at least 90% of the out-of-scope list', () => {
    const accepted = OUT_OF_SCOPE_MESSAGES.filter((text) => nlu.classify(text).intent !== 'none');
    console.log(`out-of-scope given an intent: ${accepted.length} of ${OUT_OF_SCOPE_MESSAGES.length}`, accepted);
    expect(accepted.length / OUT_OF_SCOPE_MESSAGES.length).toBeLessThanOrEqual(0.1);
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

  it('thresholds are options: with none set, every message gets its best intent', () => {
    const lenient = createNlu({ model: nlu.toJSON(), minConfidence: 0, minMargin: 0 });
    expect(lenient.classify('qwerty uiop zxcv').intent).not.toBe('none');
  });

  it('rebuilt from its JSON, classifies identically', () => {
    const restored = createNlu({ model: JSON.parse(JSON.stringify(nlu.toJSON())) as ReturnType<typeof nlu.toJSON> });
    const texts = [
      ...LANGUAGES.flatMap((l) => HELD_OUT[l].map(([text]) => text)),
      ...OUT_OF_SCOPE_MESSAGES,
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

  it('classifies a short message in well under a millisecond', () => {
    const runs = 2000;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) nlu.classify(i % 2 === 0 ? '我有多少點數' : 'how many points do I have');
    const perCallMs = (performance.now() - t0) / runs;
    console.log(`classify: ${(perCallMs * 1000).toFixed(1)} µs per call`);
    expect(perCallMs).toBeLessThan(1);
  });
});
