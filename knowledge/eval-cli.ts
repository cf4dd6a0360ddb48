// `npm run kb:eval -- --kb DIR --questions FILE [--db URL] [--json]`: ingests the KB into a scratch brand (PGlite in
// memory unless --db names a PostgreSQL server), runs the question set and prints recall@1/@5, MRR and the tuned
// confidence threshold. The scratch brand's rows are removed afterwards.
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { migrateDb, openDb, schema } from '../db/index.js';
import { silentLog, systemClock } from '../core/shared/index.js';
import { createHashingEmbedder, createOpenAIEmbedder, type Embedder } from './embedder.js';
import { evaluateKnowledge, loadQuestions } from './evaluation.js';
import { ingestKnowledge } from './ingest.js';

/** Parses the command line, runs the evaluation and prints the report. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kb: { type: 'string', default: 'knowledge/sample' },
      questions: { type: 'string', default: 'knowledge/sample/questions.yml' },
      db: { type: 'string' },
      embedder: { type: 'string', default: 'hash' },
      json: { type: 'boolean', default: false },
    },
  });
  let embedder: Embedder;
  if (values.embedder === 'openai') {
    const apiKey = process.env.OPENAI_API_KEY;
    if (!apiKey) throw new Error('--embedder openai needs OPENAI_API_KEY');
    embedder = createOpenAIEmbedder({ apiKey, baseUrl: process.env.OPENAI_BASE_URL });
  } else {
    embedder = createHashingEmbedder();
  }
  const handle = await openDb(values.db ? { databaseUrl: values.db } : { dataDir: 'memory://' });
  const brandId = `kb-eval-${process.pid}`;
  const deps = { db: handle.db, clock: systemClock, log: silentLog };
  try {
    await migrateDb(handle);
    const ingest = await ingestKnowledge(deps, { brandId, dir: values.kb, embedder });
    for (const f of ingest.files.filter((x) => x.status === 'error')) console.error(`skipped ${f.path}: ${f.error ?? ''}`);
    const report = await evaluateKnowledge(deps, { brandId, embedder, questions: await loadQuestions(values.questions) });
    if (values.json) {
      console.log(JSON.stringify({ ingest: { files: ingest.files.length, chunks: ingest.chunksEmbedded }, ...report }, null, 2));
      return;
    }
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    console.log(`embedder ${report.embedder}, ${ingest.chunksEmbedded} chunks from ${ingest.added} files, database ${handle.kind}`);
    console.log(`all        n=${report.overall.questions}  recall@1 ${pct(report.overall.recallAt1)}  recall@5 ${pct(report.overall.recallAt5)}  MRR ${report.overall.mrr.toFixed(3)}`);
    for (const [lang, s] of Object.entries(report.byLanguage)) {
      console.log(`${lang.padEnd(10)} n=${s.questions}  recall@1 ${pct(s.recallAt1)}  recall@5 ${pct(s.recallAt5)}  MRR ${s.mrr.toFixed(3)}`);
    }
    console.log(`confidence threshold (min similarity, tuned on dev): ${report.threshold.toFixed(3)}`);
    for (const split of ['dev', 'test'] as const) {
      const s = report[split];
      console.log(`  ${split.padEnd(4)} n=${s.questions}  accuracy ${pct(s.accuracy)}  precision ${pct(s.precision)}  coverage ${pct(s.coverage)}`);
    }
    console.log(`search latency p50 ${report.latencyMs.p50.toFixed(1)} ms, p95 ${report.latencyMs.p95.toFixed(1)} ms`);
    if (report.misses.length > 0) {
      console.log('not first:');
      for (const m of report.misses) console.log(`  [${m.language}] ${m.question} → ${m.got ?? '(nothing)'} (expected ${m.expected})`);
    }
  } finally {
    await deps.db.delete(schema.kbFiles).where(eq(schema.kbFiles.brandId, brandId));
    await handle.close();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
