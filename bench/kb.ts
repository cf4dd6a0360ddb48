// `npm run bench:kb`: knowledge-base retrieval on a real PostgreSQL (issue #4). On a fresh database: ingest of
// generated Markdown (10,000 chunks by default, three languages, one brand plus a second brand as noise), then
// hybrid search latency (`searchKnowledge`, one caller at a time) over queries made from random chunks' words, and
// whether the planner uses the HNSW index. Prints a table and writes bench/results/kb-<timestamp>.json.
// Options: --db URL (else BENCH_DATABASE_URL, TEST_DATABASE_URL, postgres://postgres@127.0.0.1:5432/postgres),
// --chunks N, --queries N, --keep.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { silentLog, systemClock, type CoreDeps } from '../core/shared/index.js';
import { migrateDb, openDb, rowsOf } from '../db/index.js';
import { createScratchDatabase } from '../db/scratch-database.js';
import { createHashingEmbedder, ingestKnowledge, searchKnowledge } from '../knowledge/index.js';

const argv = process.argv.slice(2);
const get = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const adminUrl = get('db', process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const totalChunks = Number(get('chunks', '10000'));
const queries = Number(get('queries', '500'));
const keep = argv.includes('--keep');
const SECTIONS_PER_FILE = 20;

// A small deterministic PRNG (mulberry32), so runs are comparable.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
// Zipf-like: low indexes (common words) far more often than high ones.
const zipf = <T>(items: readonly T[]): T => items[Math.floor(items.length * random() ** 3)] as T;

const alphabets: Record<string, { chars: string; min: number; max: number; joiner: string }> = {
  en: { chars: 'abcdefghiklmnoprstuvwy', min: 3, max: 9, joiner: ' ' },
  ar: { chars: 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي', min: 2, max: 7, joiner: ' ' },
  'zh-Hant': { chars: '門市營業時間積分會員禮品卡餘額外送費用退款商品咖啡蛋糕堅果清真純素優惠兌換獎賞登記帳戶期限查詢店員電郵網站應用程式訂單', min: 1, max: 3, joiner: '' },
};
const vocab = Object.fromEntries(
  Object.entries(alphabets).map(([lang, a]) => [
    lang,
    Array.from({ length: 4000 }, () => Array.from({ length: a.min + Math.floor(random() * (a.max - a.min + 1)) }, () => pick([...a.chars])).join('')),
  ]),
) as Record<string, string[]>;

function sentence(lang: string, words: number): string {
  const a = alphabets[lang]!;
  return Array.from({ length: words }, () => zipf(vocab[lang]!)).join(a.joiner === '' ? (random() < 0.3 ? '，' : '') : ' ');
}

interface Generated {
  lang: string;
  words: string[];
}

function generate(dir: string, chunks: number): Generated[] {
  const made: Generated[] = [];
  const langs = ['en', 'ar', 'zh-Hant'];
  const files = Math.ceil(chunks / SECTIONS_PER_FILE);
  for (let f = 0; f < files; f++) {
    const lang = langs[f % langs.length]!;
    mkdirSync(join(dir, lang), { recursive: true });
    const lines = [`# ${sentence(lang, 3)}`];
    for (let s = 0; s < SECTIONS_PER_FILE && made.length < chunks; s++) {
      const title = sentence(lang, 3);
      const body = Array.from({ length: 3 }, () => sentence(lang, 15 + Math.floor(random() * 15))).join('. ');
      lines.push(`## ${title}`, body, '');
      made.push({ lang, words: `${title} ${body}`.split(/[\s.，]+/u).filter(Boolean) });
    }
    writeFileSync(join(dir, lang, `doc-${f}.md`), lines.join('\n'));
  }
  return made;
}

const started = new Date();
const scratch = await createScratchDatabase(adminUrl, 'bench_kb');
const handle = await openDb({ databaseUrl: scratch.url, poolSize: 4 });
const work = mkdtempSync(join(tmpdir(), 'kb-bench-'));
const metrics: Array<{ metric: string; value: number | string; target?: string }> = [];
try {
  await migrateDb(handle);
  const deps: CoreDeps = { db: handle.db, clock: systemClock, log: silentLog };
  const embedder = createHashingEmbedder();
  const brandDir = join(work, 'brand');
  const noiseDir = join(work, 'noise');
  const corpus = generate(brandDir, totalChunks);
  generate(noiseDir, Math.round(totalChunks / 5));
  let t0 = performance.now();
  const report = await ingestKnowledge(deps, { brandId: 'bench', dir: brandDir, embedder });
  const ingestS = (performance.now() - t0) / 1000;
  await ingestKnowledge(deps, { brandId: 'noise', dir: noiseDir, embedder });
  await handle.db.execute(sql`analyze kb_chunks`);
  t0 = performance.now();
  const again = await ingestKnowledge(deps, { brandId: 'bench', dir: brandDir, embedder });
  const reingestS = (performance.now() - t0) / 1000;
  metrics.push({ metric: 'chunks ingested (bench brand)', value: report.chunksEmbedded });
  metrics.push({ metric: 'ingest, chunks/s', value: Math.round(report.chunksEmbedded / ingestS) });
  metrics.push({ metric: 're-ingest unchanged, s', value: Number(reingestS.toFixed(2)) });
  if (again.unchanged !== report.added) throw new Error('re-ingest of unchanged files was not a no-op');

  const questions = Array.from({ length: queries + 50 }, () => {
    const target = pick(corpus);
    const words = Array.from({ length: 4 }, () => pick(target.words));
    return { lang: target.lang, query: words.join(target.lang === 'zh-Hant' ? '' : ' ') };
  });
  const latencies: number[] = [];
  for (const [i, q] of questions.entries()) {
    const s = performance.now();
    await searchKnowledge(deps, { brandId: 'bench', language: q.lang, query: q.query, embedder, limit: 5 });
    if (i >= 50) latencies.push(performance.now() - s);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => Number((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0).toFixed(2));
  metrics.push({ metric: 'search p50, ms', value: pct(50) });
  metrics.push({ metric: 'search p95, ms', value: pct(95), target: '≤ 20' });
  metrics.push({ metric: 'search p99, ms', value: pct(99) });

  const vec = `[${(await embedder.embed(['x']))[0]!.join(',')}]`;
  const plan = rowsOf<{ 'QUERY PLAN': string }>(
    await handle.db.execute(
      sql`explain select id from kb_chunks where embedder = 'hash-ngram-512' and brand_id = 'bench' and language = 'en'
          order by embedding::vector(512) <=> ${vec}::vector(512) limit 40`,
    ),
  )
    .map((r) => r['QUERY PLAN'])
    .join('\n');
  metrics.push({ metric: 'vector branch uses HNSW index', value: plan.includes('kb_chunks_hnsw_hash_ngram_512') ? 'yes' : 'no' });
} finally {
  await handle.close();
  rmSync(work, { recursive: true, force: true });
  if (!keep) await scratch.drop();
}
console.table(metrics);
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const out = join(resultsDir, `kb-${started.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify({ startedAt: started.toISOString(), cpus: cpus().length, options: { totalChunks, queries }, metrics }, null, 2)}\n`);
console.log(`written ${out}`);
