import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../core/conversation/message.js';
import { loadTestData } from './evaluation.js';
import { INTENTS, TRAINING_LABELS } from './intents.js';
import { normalizeText } from './normalize.js';
import { TrainingDataError, loadTrainingData } from './training-data.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nlu-data-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('bundled training data', () => {
  const data = loadTrainingData();

  it('has at least 25 examples for every intent in every language', () => {
    for (const language of LANGUAGES) {
      for (const intent of INTENTS) {
        const count = data.filter((e) => e.language === language && e.intent === intent).length;
        expect(count, `${language}/${intent}`).toBeGreaterThanOrEqual(25);
      }
    }
  });

  it.each([
    ['بدي أشترك', 'enroll', 'ar'],
    ['كم نقاطي', 'balance', 'ar'],
    ['我要加入會員', 'enroll', 'zh'],
    ['我有多少點數', 'balance', 'zh'],
    ['join', 'enroll', 'en'],
    ['balance', 'balance', 'en'],
    ['hi', 'greeting', 'en'],
  ])('contains "%s" as %s (%s)', (text, intent, language) => {
    expect(data).toContainEqual({ text, intent, language });
  });

  it('shares no text with the held-out test sets (nlu/test-data), in any language', () => {
    const trained = new Set(data.map((e) => normalizeText(e.text)));
    expect(loadTestData().filter((e) => trained.has(normalizeText(e.text))).map((e) => `${e.language}: ${e.text}`)).toEqual([]);
  });

  it('has test sets for every language, with every intent and out-of-scope messages', () => {
    const test = loadTestData();
    for (const language of LANGUAGES) {
      const labels = new Set(test.filter((e) => e.language === language).map((e) => e.intent));
      expect([...TRAINING_LABELS].filter((l) => !labels.has(l))).toEqual([]);
    }
  });

  it.each(LANGUAGES)('has at least 30 training examples of every label in %s', (language) => {
    const counts = new Map<string, number>();
    for (const e of data) if (e.language === language) counts.set(e.intent, (counts.get(e.intent) ?? 0) + 1);
    expect(TRAINING_LABELS.filter((l) => (counts.get(l) ?? 0) < 30)).toEqual([]);
  });
});

describe('loadTrainingData', () => {
  const valid = 'nlu:\n- intent: greeting\n  examples: |\n    - hi\n    - hello\n';

  it('reads Rasa-style files and tags each example with the file language', () => {
    const dir = dirWith({ 'en.yml': valid, 'ar.yml': 'version: "3.1"\nnlu:\n- intent: thanks\n  examples: |\n    - شكرا\n' });
    expect(loadTrainingData(dir)).toEqual([
      { text: 'شكرا', intent: 'thanks', language: 'ar' },
      { text: 'hi', intent: 'greeting', language: 'en' },
      { text: 'hello', intent: 'greeting', language: 'en' },
    ]);
  });

  it('accepts topic files such as en.loyalty.yml', () => {
    const dir = dirWith({ 'en.loyalty.yml': valid });
    expect(loadTrainingData(dir)).toHaveLength(2);
  });

  it.each([
    ['broken YAML', 'en.yml', 'nlu: [\n', /en\.yml: not valid YAML/],
    ['wrong shape', 'en.yml', 'intents:\n- greeting\n', /en\.yml: not a Rasa-style nlu file/],
    ['unknown intent', 'en.yml', 'nlu:\n- intent: weather\n  examples: |\n    - sunny\n', /en\.yml: not a Rasa-style nlu file[\s\S]*intent/],
    ['example without a dash', 'en.yml', 'nlu:\n- intent: greeting\n  examples: |\n    hi\n', /en\.yml: intent greeting, example line 1/],
    ['file name that is not a language', 'fr.yml', valid, /fr\.yml: file name must start with a language code/],
  ])('names the file when it is malformed: %s', (_name, file, content, message) => {
    const dir = dirWith({ [file]: content });
    expect(() => loadTrainingData(dir)).toThrow(TrainingDataError);
    expect(() => loadTrainingData(dir)).toThrow(message);
  });

  it('rejects the same text labelled with two intents, naming both files', () => {
    const dir = dirWith({
      'en.yml': valid,
      'en.more.yml': 'nlu:\n- intent: goodbye\n  examples: |\n    - Hi\n',
    });
    // Files are read in name order, so en.more.yml comes first.
    expect(() => loadTrainingData(dir)).toThrow('en.yml: "hi" is labelled greeting, but en.more.yml labels it goodbye');
  });

  it('fails on a directory without training files', () => {
    expect(() => loadTrainingData(dirWith({}))).toThrow(/no \.yml training files/);
  });
});
