// The knowledge base end to end on every database: incremental ingest, refusals, brand and language filters,
// hybrid ranking, the OpenAI embedder against a fake server, and switching embedders.
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import {
  answerFromKnowledge,
  createHashingEmbedder,
  createOpenAIEmbedder,
  ingestKnowledge,
  RRF_K,
  searchKnowledge,
  type Embedder,
  type IngestReport,
} from '../../knowledge/index.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../knowledge/fake-openai.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const sampleDir = new URL('../../knowledge/sample', import.meta.url).pathname;

/** Wraps an embedder to count the texts it embeds. */
function counting(inner: Embedder): Embedder & { texts: number } {
  const wrapped = {
    id: inner.id,
    dimensions: inner.dimensions,
    texts: 0,
    embed: (texts: string[]) => {
      wrapped.texts += texts.length;
      return inner.embed(texts);
    },
  };
  return wrapped;
}

const status = (report: IngestReport, path: string): string | undefined => report.files.find((f) => f.path === path)?.status;

describe.each(testDbKinds)('knowledge base on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let dir: string;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const hash = createHashingEmbedder();
  let fake: FakeOpenAI;

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
    dir = await mkdtemp(join(tmpdir(), 'kb-'));
    await cp(sampleDir, dir, { recursive: true });
    fake = await startFakeOpenAI(64);
  });
  afterAll(async () => {
    await fake?.close();
    await handle?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const chunkRows = () =>
    deps.db
      .select({ id: schema.kbChunks.id, fileId: schema.kbChunks.fileId, updatedAt: schema.kbChunks.updatedAt, embedder: schema.kbChunks.embedder })
      .from(schema.kbChunks)
      .where(eq(schema.kbChunks.brandId, 'demo'));

  it('ingests every language folder, skipping files outside them', async () => {
    const report = await ingestKnowledge(deps, { brandId: 'demo', dir, embedder: hash });
    expect(report).toMatchObject({ added: 18, updated: 0, unchanged: 0, deleted: 0, errors: 0 });
    expect(status(report, 'questions.yml')).toBe('skipped');
    expect(report.chunksEmbedded).toBe((await chunkRows()).length);
    expect(report.files.find((f) => f.path === 'en/delivery.yml')?.chunks).toBe(5);
  });

  it('writes nothing when nothing changed', async () => {
    const before = await chunkRows();
    const embedder = counting(hash);
    clock.advance(60_000);
    const report = await ingestKnowledge(deps, { brandId: 'demo', dir, embedder });
    expect(report).toMatchObject({ added: 0, updated: 0, unchanged: 18, deleted: 0, errors: 0, chunksEmbedded: 0, chunksRemoved: 0 });
    expect(embedder.texts).toBe(0);
    expect(await chunkRows()).toEqual(expect.arrayContaining(before));
    const files = await deps.db.select({ updatedAt: schema.kbFiles.updatedAt }).from(schema.kbFiles);
    expect(files.every((f) => f.updatedAt.getTime() < clock.now().getTime())).toBe(true);
  });

  it('re-embeds only the changed chunk of a changed file', async () => {
    const before = await chunkRows();
    const path = join(dir, 'en', 'loyalty.md');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('We send a reminder 30 days before points expire.', 'We send a reminder 14 days before points expire.'));
    const embedder = counting(hash);
    clock.advance(60_000);
    const report = await ingestKnowledge(deps, { brandId: 'demo', dir, embedder });
    expect(report).toMatchObject({ updated: 1, unchanged: 17, chunksEmbedded: 1, chunksRemoved: 1 });
    expect(status(report, 'en/loyalty.md')).toBe('updated');
    expect(embedder.texts).toBe(1);
    const after = await chunkRows();
    const beforeIds = new Set(before.map((c) => c.id));
    expect(after.filter((c) => !beforeIds.has(c.id))).toHaveLength(1);
    expect(after).toHaveLength(before.length);
    const hits = await searchKnowledge(deps, { brandId: 'demo', language: 'en', query: 'reminder before points expire', embedder: hash, limit: 1 });
    expect(hits[0]?.text).toContain('14 days');
  });

  it('removes the chunks of a deleted file, and its words from the term statistics', async () => {
    const df = async (term: string): Promise<number | undefined> =>
      (
        await deps.db
          .select({ df: schema.kbTerms.df })
          .from(schema.kbTerms)
          .where(and(eq(schema.kbTerms.brandId, 'demo'), eq(schema.kbTerms.language, 'en'), eq(schema.kbTerms.term, term)))
      )[0]?.df;
    expect(await df('mugs')).toBe(1);
    await unlink(join(dir, 'en', 'returns.md'));
    const report = await ingestKnowledge(deps, { brandId: 'demo', dir, embedder: hash });
    expect(report).toMatchObject({ deleted: 1, unchanged: 17, chunksRemoved: 3 });
    const hits = await searchKnowledge(deps, { brandId: 'demo', language: 'en', query: 'refund for an unopened mug', embedder: hash, limit: 10 });
    expect(hits.map((h) => h.source)).not.toContain('en/returns.md');
    expect(await df('mugs')).toBeUndefined();
    expect(await df('delivery')).toBeGreaterThan(1);
  });

  it('reports a malformed, a huge and a non-UTF-8 file and ingests the rest', async () => {
    await writeFile(join(dir, 'en', 'broken.yml'), '- q: "unclosed\n  a: oops\n');
    await writeFile(join(dir, 'en', 'huge.md'), `# Huge\n${'x'.repeat(600 * 1024)}`);
    await writeFile(join(dir, 'en', 'latin1.md'), Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9]));
    await writeFile(join(dir, 'en', 'parking.md'), '# Parking\nFree parking for two hours at Marina Walk with validation.');
    const report = await ingestKnowledge(deps, { brandId: 'demo', dir, embedder: hash });
    expect(report.errors).toBe(3);
    expect(report.files.find((f) => f.path === 'en/broken.yml')?.error).toMatch(/invalid YAML/);
    expect(report.files.find((f) => f.path === 'en/huge.md')?.error).toMatch(/over the limit/);
    expect(report.files.find((f) => f.path === 'en/latin1.md')?.error).toMatch(/UTF-8/);
    expect(status(report, 'en/parking.md')).toBe('added');
    const hits = await searchKnowledge(deps, { brandId: 'demo', language: 'en', query: 'is parking free', embedder: hash, limit: 1 });
    expect(hits[0]?.source).toBe('en/parking.md');
  });

  it('keeps a file’s previous chunks when it turns malformed', async () => {
    await writeFile(join(dir, 'en', 'parking.md'), Buffer.from([0xff, 0xfe, 0x00]));
    const report = await ingestKnowledge(deps, { brandId: 'demo', dir, embedder: hash });
    expect(status(report, 'en/parking.md')).toBe('error');
    const hits = await searchKnowledge(deps, { brandId: 'demo', language: 'en', query: 'is parking free', embedder: hash, limit: 1 });
    expect(hits[0]?.source).toBe('en/parking.md');
    for (const f of ['broken.yml', 'huge.md', 'latin1.md', 'parking.md']) await unlink(join(dir, 'en', f));
    expect((await ingestKnowledge(deps, { brandId: 'demo', dir, embedder: hash })).deleted).toBe(1);
  });

  it('searches only the given brand and language', async () => {
    const other = await mkdtemp(join(tmpdir(), 'kb-other-'));
    try {
      await cp(join(sampleDir, 'en'), join(other, 'en'), { recursive: true });
      await writeFile(join(other, 'en', 'opening-hours.md'), '# Opening hours\nWe are open 24 hours a day, every day of the year.');
      await ingestKnowledge(deps, { brandId: 'other', dir: other, embedder: hash });
      const demo = await searchKnowledge(deps, { brandId: 'demo', language: 'en', query: 'what are your opening hours', embedder: hash, limit: 10 });
      const ids = new Set((await chunkRows()).map((c) => c.id));
      expect(demo.length).toBeGreaterThan(0);
      expect(demo.every((h) => ids.has(h.chunkId))).toBe(true);
      const otherHits = await searchKnowledge(deps, { brandId: 'other', language: 'en', query: 'what are your opening hours', embedder: hash, limit: 1 });
      expect(otherHits[0]?.text).toContain('24 hours');
      expect(await searchKnowledge(deps, { brandId: 'other', language: 'ar', query: 'ساعات العمل', embedder: hash })).toEqual([]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
    const ar = await searchKnowledge(deps, { brandId: 'demo', language: 'ar', query: 'ما هي ساعات العمل في رمضان', embedder: hash, limit: 10 });
    expect(ar[0]?.source).toBe('ar/opening-hours.md');
    expect(ar.every((h) => h.source.startsWith('ar/'))).toBe(true);
    const zh = await searchKnowledge(deps, { brandId: 'demo', language: 'zh', query: '禮品卡餘額怎麼查', embedder: hash, limit: 10 });
    expect(zh[0]?.source).toBe('zh-Hant/gift-cards.yml');
    expect(zh.every((h) => h.source.startsWith('zh-Hant/'))).toBe(true);
  });

  it('orders hits by reciprocal-rank fusion of the text and vector rankings', async () => {
    const hits = await searchKnowledge(deps, { brandId: 'demo', language: 'en', query: 'gluten free vegan options', embedder: hash, limit: 20 });
    expect(hits.length).toBeGreaterThan(3);
    for (const h of hits) {
      const expected = (h.vectorRank ? 1 / (RRF_K + h.vectorRank) : 0) + (h.textRank ? 1 / (RRF_K + h.textRank) : 0);
      expect(h.score).toBeCloseTo(expected, 10);
    }
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
    // A chunk both rankers put first beats any chunk only one of them found.
    expect(hits[0]).toMatchObject({ title: 'Menu and allergens › Gluten-free and vegan options', vectorRank: 1, textRank: 1 });
  });

  it('answers when confident and declines otherwise', async () => {
    const answer = await answerFromKnowledge(deps, { brandId: 'demo', language: 'en', query: 'how much is delivery?', embedder: hash });
    expect(answer).toMatchObject({ confident: true, sourceTitle: 'Delivery', source: 'en/delivery.yml' });
    expect(answer.confident && answer.answer).toMatch(/10 AED/);
    expect(await answerFromKnowledge(deps, { brandId: 'demo', language: 'en', query: 'what is the wifi password', embedder: hash })).toMatchObject({
      confident: false,
    });
  });

  it('embeds through an OpenAI-compatible server and re-embeds everything when the embedder changes', async () => {
    const openai = counting(createOpenAIEmbedder({ apiKey: 'sk-test', baseUrl: fake.baseUrl, dimensions: 64, maxRetries: 0 }));
    const total = (await chunkRows()).length;
    const report = await ingestKnowledge(deps, { brandId: 'demo', dir, embedder: openai });
    expect(report).toMatchObject({ updated: 17, unchanged: 0, chunksEmbedded: total, chunksRemoved: total });
    expect(openai.texts).toBe(total);
    expect(fake.requests.length).toBeGreaterThan(0);
    const rows = await chunkRows();
    expect(rows.every((c) => c.embedder === 'openai:text-embedding-3-small:64')).toBe(true);
    const hits = await searchKnowledge(deps, { brandId: 'demo', language: 'en', query: 'do gift cards expire', embedder: openai, limit: 1 });
    expect(hits[0]).toMatchObject({ source: 'en/gift-cards.yml', title: 'Do gift cards expire?' });
    // Vectors of another embedder are never compared with the query's.
    expect(await searchKnowledge(deps, { brandId: 'demo', language: 'en', query: 'do gift cards expire', embedder: hash })).toEqual([]);
    expect((await ingestKnowledge(deps, { brandId: 'demo', dir, embedder: openai })).unchanged).toBe(17);
    const back = await ingestKnowledge(deps, { brandId: 'demo', dir, embedder: hash });
    expect(back).toMatchObject({ updated: 17, chunksEmbedded: total });
  });
});
