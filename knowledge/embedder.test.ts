import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashingEmbedder, createOpenAIEmbedder, hashEmbed } from './embedder.js';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai.js';
import { reciprocalRankFusion } from './search.js';
import { searchTextOf, tsQueryOf } from './text.js';

const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe('hashing embedder', () => {
  it('gives unit vectors of the configured size, the same for the same text', async () => {
    const e = createHashingEmbedder();
    expect(e).toMatchObject({ id: 'hash-ngram-512', dimensions: 512 });
    const [a, b] = await e.embed(['Opening hours', 'Opening hours']);
    expect(a).toHaveLength(512);
    expect(dot(a ?? [], a ?? [])).toBeCloseTo(1, 6);
    expect(a).toEqual(b);
  });

  it('scores shared words and word pieces above unrelated text', () => {
    const q = hashEmbed('are there nuts in the cake', 512);
    expect(dot(q, hashEmbed('Nuts: our cakes may contain almonds and other nuts', 512))).toBeGreaterThan(dot(q, hashEmbed('Delivery costs 10 AED', 512)));
  });

  it('folds Arabic and Chinese variants like the NLU does', () => {
    expect(hashEmbed('إلى أبوظبي', 64)).toEqual(hashEmbed('الى ابوظبي', 64));
    expect(hashEmbed('积分', 64)).toEqual(hashEmbed('積分', 64));
  });
});

describe('text for full-text search', () => {
  it('indexes Chinese as character bigrams and drops stopwords from queries', () => {
    expect(searchTextOf('禮品卡餘額')).toBe('禮品 品卡 卡餘 餘額');
    expect(tsQueryOf('what are the opening hours?')).toBe('opening | hours');
    expect(tsQueryOf('?? the')).toBeUndefined();
  });
});

describe('reciprocalRankFusion', () => {
  it('rewards agreement between the lists over one list alone', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'x'],
      ['y', 'b', 'z'],
    ]);
    expect(fused.map((f) => f.id)).toEqual(['b', 'a', 'y', 'x', 'z']);
    expect(fused[0]?.score).toBeCloseTo(2 / 62, 10);
  });
});

describe('OpenAI embedder against a fake OpenAI-compatible server', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI(64);
  });
  afterAll(async () => {
    await fake.close();
  });

  it('sends the texts with the key and model, and returns the vectors', async () => {
    const e = createOpenAIEmbedder({ apiKey: 'sk-test', baseUrl: fake.baseUrl, model: 'text-embedding-3-small', dimensions: 64, maxRetries: 0 });
    expect(e).toMatchObject({ id: 'openai:text-embedding-3-small:64', dimensions: 64 });
    const vectors = await e.embed(['gift card balance', 'opening hours']);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]?.[0]).toBeCloseTo(hashEmbed('gift card balance', 64)[0] ?? 0, 5);
    expect(fake.requests.at(-1)).toMatchObject({ model: 'text-embedding-3-small', authorization: 'Bearer sk-test' });
  });

  it('refuses vectors of the wrong size', async () => {
    const e = createOpenAIEmbedder({ apiKey: 'sk-test', baseUrl: fake.baseUrl, dimensions: 32, maxRetries: 0 });
    await expect(e.embed(['x'])).rejects.toThrow(/64 dimensions, expected 32/);
  });
});
