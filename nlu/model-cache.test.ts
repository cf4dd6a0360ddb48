import { mkdtempSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainClassifier } from './classifier.js';
import { createNlu } from './index.js';
import { cachedModel, trainingDataHash } from './model-cache.js';
import { DEFAULT_DATA_DIR } from './training-data.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nlu-cache-'));
  made.push(dir);
  return dir;
}

const tiny = () =>
  trainClassifier([
    { text: 'hi', intent: 'greeting' },
    { text: 'hello', intent: 'greeting' },
    { text: 'bye', intent: 'goodbye' },
    { text: 'see you', intent: 'goodbye' },
  ]);

describe('cachedModel', () => {
  it('trains once and then loads the saved model for the same hash', () => {
    const dir = tempDir();
    let trained = 0;
    const train = () => {
      trained++;
      return tiny();
    };
    const first = cachedModel(dir, 'abc', train);
    const second = cachedModel(dir, 'abc', train);
    expect(trained).toBe(1);
    expect(readdirSync(dir)).toEqual(['nlu-abc.json']);
    expect(second.predict('hello there')).toEqual(first.predict('hello there'));
  });

  it('trains again for another hash, and over a corrupt cache file', () => {
    const dir = tempDir();
    let trained = 0;
    const train = () => {
      trained++;
      return tiny();
    };
    cachedModel(dir, 'one', train);
    cachedModel(dir, 'two', train);
    writeFileSync(join(dir, 'nlu-one.json'), '{"format":"intent-classifier/v2","lab');
    cachedModel(dir, 'one', train);
    expect(trained).toBe(3);
    // The rewritten file is whole again.
    cachedModel(dir, 'one', train);
    expect(trained).toBe(3);
  });

  it('still answers when the cache folder cannot be written', () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    expect(cachedModel(join(file, 'cache'), 'abc', tiny).predict('hi').intent).toBe('greeting');
  });
});

describe('trainingDataHash', () => {
  it('changes when a training file changes, and only then', () => {
    const dir = tempDir();
    cpSync(DEFAULT_DATA_DIR, dir, { recursive: true });
    const before = trainingDataHash(dir);
    expect(trainingDataHash(dir)).toBe(before);
    writeFileSync(join(dir, 'en.extra.yml'), 'nlu:\n- intent: greeting\n  examples: |\n    - howdy partner\n');
    expect(trainingDataHash(dir)).not.toBe(before);
  });
});

describe('createNlu with a cache folder', () => {
  it('gives the same answers from the cached model as from a freshly trained one', () => {
    const dir = tempDir();
    const fresh = createNlu({ cacheDir: dir });
    const cached = createNlu({ cacheDir: dir });
    expect(readdirSync(dir)).toEqual([`nlu-${trainingDataHash()}.json`]);
    for (const text of ['كم نقاطي', '我要加入會員', 'show my points history', 'asdkjh qwe']) {
      expect(cached.classify(text)).toEqual(fresh.classify(text));
    }
  });
});
