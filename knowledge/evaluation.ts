// Retrieval evaluation on a question set: recall@1, recall@5 and MRR over the questions the KB can answer, and
// the confidence threshold for `answerFromKnowledge`, tuned on the dev half and checked on the test half.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { CoreDeps } from '../core/shared/index.js';
import type { Embedder } from './embedder.js';
import { searchKnowledge } from './search.js';

const questionSchema = z.object({ question: z.string().min(1), language: z.string().min(2), expected: z.string().min(1).nullable() }).strict();

/** One evaluation question; `expected` is the source file without its language folder, or null when unanswerable. */
export type EvalQuestion = z.infer<typeof questionSchema>;

/** Reads a `questions.yml` list. */
export async function loadQuestions(file: string): Promise<EvalQuestion[]> {
  return z.array(questionSchema).parse(parseYaml(await readFile(file, 'utf8')));
}

/** Retrieval figures over a set of answerable questions. */
export interface RetrievalStats {
  questions: number;
  recallAt1: number;
  recallAt5: number;
  mrr: number;
}

/** How a confidence threshold does on a split: right = confident and correct, or declined when it should be. */
export interface ThresholdStats {
  questions: number;
  accuracy: number;
  /** Share of confident answers that were right. */
  precision: number;
  /** Share of answerable questions answered confidently and correctly. */
  coverage: number;
}

/** The evaluation's outcome. */
export interface EvalReport {
  embedder: string;
  overall: RetrievalStats;
  byLanguage: Record<string, RetrievalStats>;
  threshold: number;
  dev: ThresholdStats;
  test: ThresholdStats;
  misses: Array<{ question: string; language: string; expected: string; got: string | undefined }>;
  latencyMs: { p50: number; p95: number };
}

interface Scored {
  q: EvalQuestion;
  index: number;
  rank: number | undefined;
  top: string | undefined;
  similarity: number;
}

const stripLanguage = (source: string): string => source.split('/').slice(1).join('/');

function retrieval(items: Scored[]): RetrievalStats {
  const answerable = items.filter((s) => s.q.expected !== null);
  const n = answerable.length || 1;
  return {
    questions: answerable.length,
    recallAt1: answerable.filter((s) => s.rank === 1).length / n,
    recallAt5: answerable.filter((s) => s.rank !== undefined && s.rank <= 5).length / n,
    mrr: answerable.reduce((sum, s) => sum + (s.rank ? 1 / s.rank : 0), 0) / n,
  };
}

function thresholdStats(items: Scored[], t: number): ThresholdStats {
  let right = 0;
  let confident = 0;
  let confidentRight = 0;
  for (const s of items) {
    const answers = s.similarity >= t;
    const correct = s.q.expected !== null && s.rank === 1;
    if (answers) confident++;
    if (answers && correct) confidentRight++;
    if ((answers && correct) || (!answers && !correct)) right++;
  }
  const answerable = items.filter((s) => s.q.expected !== null).length;
  return {
    questions: items.length,
    accuracy: items.length ? right / items.length : 0,
    precision: confident ? confidentRight / confident : 0,
    coverage: answerable ? confidentRight / answerable : 0,
  };
}

/** Runs every question through `searchKnowledge` on an already-ingested KB and scores the answers. */
export async function evaluateKnowledge(deps: CoreDeps, input: { brandId: string; embedder: Embedder; questions: EvalQuestion[] }): Promise<EvalReport> {
  const scored: Scored[] = [];
  const latencies: number[] = [];
  for (const [index, q] of input.questions.entries()) {
    const started = performance.now();
    const hits = await searchKnowledge(deps, { brandId: input.brandId, language: q.language, query: q.question, embedder: input.embedder, limit: 5 });
    latencies.push(performance.now() - started);
    const position = q.expected === null ? -1 : hits.findIndex((h) => stripLanguage(h.source) === q.expected);
    scored.push({
      q,
      index,
      rank: position >= 0 ? position + 1 : undefined,
      top: hits[0] ? stripLanguage(hits[0].source) : undefined,
      similarity: hits[0]?.similarity ?? 0,
    });
  }
  const byLanguage: Record<string, RetrievalStats> = {};
  for (const language of [...new Set(input.questions.map((q) => q.language))]) byLanguage[language] = retrieval(scored.filter((s) => s.q.language === language));
  const dev = scored.filter((s) => s.index % 2 === 0);
  const test = scored.filter((s) => s.index % 2 === 1);
  // Candidate thresholds: every similarity seen on dev (and 0); the best accuracy wins, the lower one on ties.
  const candidates = [0, ...dev.map((s) => s.similarity)].sort((a, b) => a - b);
  let threshold = 0;
  let best = -1;
  for (const t of candidates) {
    const acc = thresholdStats(dev, t).accuracy;
    if (acc > best) {
      best = acc;
      threshold = t;
    }
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return {
    embedder: input.embedder.id,
    overall: retrieval(scored),
    byLanguage,
    threshold,
    dev: thresholdStats(dev, threshold),
    test: thresholdStats(test, threshold),
    misses: scored
      .filter((s) => s.q.expected !== null && s.rank !== 1)
      .map((s) => ({ question: s.q.question, language: s.q.language, expected: s.q.expected ?? '', got: s.top })),
    latencyMs: { p50: pct(50), p95: pct(95) },
  };
}
