// Metrics and data loading for evaluating an intent classifier on a labelled test set: accuracy,
// macro-F1, per-intent precision/recall/F1 with the confusions, in the shape of `rasa test nlu`'s
// intent report, plus latency percentiles. Pure functions, shared by nlu/eval-cli.ts and bench/nlu.ts.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ClassifierOptions, IntentClassifier, LabelledText } from './classifier.js';
import { trainClassifier } from './classifier.js';
import { addLexiconBlock, compileLexicon, EMPTY_LEXICON, exampleLines, lexiconBlockSchemas, type Lexicon } from './lexicon.js';
import { normalizeText } from './normalize.js';

/** One test example with the label the classifier gave it. */
export interface Prediction {
  expected: string;
  predicted: string;
}

/** Precision, recall, F1 and support of one intent, as in Rasa's intent_report.json. */
export interface IntentMetrics {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
  /** Intents this one was mistaken for, with counts (Rasa's `confused_with`). */
  confused_with: Record<string, number>;
}

/** How often one intent was predicted as another. */
export interface Confusion {
  expected: string;
  predicted: string;
  count: number;
}

/** Everything computed from a list of predictions. */
export interface EvaluationReport {
  examples: number;
  accuracy: number;
  /** Unweighted mean of the per-intent F1 over every label that was expected or predicted. */
  macroF1: number;
  /** Mean of the per-intent F1 weighted by support. */
  weightedF1: number;
  perIntent: Record<string, IntentMetrics>;
  /** All off-diagonal cells of the confusion matrix, most frequent first. */
  confusions: Confusion[];
  /** Precision and recall of the out-of-scope label, when it occurs among expected or predicted labels. */
  outOfScope: { label: string; precision: number; recall: number; support: number } | null;
}

/** Computes accuracy, macro-F1, per-intent metrics and confusions; `outOfScopeLabel` names the out-of-scope class. */
export function evaluatePredictions(predictions: readonly Prediction[], outOfScopeLabel?: string): EvaluationReport {
  const labels = [...new Set(predictions.flatMap((p) => [p.expected, p.predicted]))].sort();
  const truePositives = new Map<string, number>();
  const expectedCount = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const cells = new Map<string, Map<string, number>>();
  let correct = 0;
  for (const { expected, predicted } of predictions) {
    expectedCount.set(expected, (expectedCount.get(expected) ?? 0) + 1);
    predictedCount.set(predicted, (predictedCount.get(predicted) ?? 0) + 1);
    if (expected === predicted) {
      correct += 1;
      truePositives.set(expected, (truePositives.get(expected) ?? 0) + 1);
      continue;
    }
    const row = cells.get(expected) ?? new Map<string, number>();
    row.set(predicted, (row.get(predicted) ?? 0) + 1);
    cells.set(expected, row);
  }

  const perIntent: Record<string, IntentMetrics> = {};
  let f1Sum = 0;
  let weightedF1Sum = 0;
  for (const label of labels) {
    const tp = truePositives.get(label) ?? 0;
    const support = expectedCount.get(label) ?? 0;
    const precision = ratio(tp, predictedCount.get(label) ?? 0);
    const recall = ratio(tp, support);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    f1Sum += f1;
    weightedF1Sum += f1 * support;
    const confusedWith = [...(cells.get(label) ?? new Map<string, number>())].sort(byCountThenName);
    perIntent[label] = { precision, recall, 'f1-score': f1, support, confused_with: Object.fromEntries(confusedWith) };
  }

  const confusions = [...cells]
    .flatMap(([expected, row]) => [...row].map(([predicted, count]) => ({ expected, predicted, count })))
    .sort((a, b) => b.count - a.count || compare(a.expected, b.expected) || compare(a.predicted, b.predicted));

  const oos = outOfScopeLabel !== undefined ? perIntent[outOfScopeLabel] : undefined;
  return {
    examples: predictions.length,
    accuracy: ratio(correct, predictions.length),
    macroF1: labels.length === 0 ? 0 : f1Sum / labels.length,
    weightedF1: ratio(weightedF1Sum, predictions.length),
    perIntent,
    confusions,
    outOfScope:
      oos && outOfScopeLabel !== undefined
        ? { label: outOfScopeLabel, precision: oos.precision, recall: oos.recall, support: oos.support }
        : null,
  };
}

/** The report as Rasa's intent_report.json: one entry per intent plus accuracy and the averages. */
export function toRasaIntentReport(report: EvaluationReport): Record<string, unknown> {
  const intents = Object.values(report.perIntent);
  const mean = (pick: (m: IntentMetrics) => number, weighted: boolean): number => {
    if (intents.length === 0) return 0;
    if (!weighted) return intents.reduce((sum, m) => sum + pick(m), 0) / intents.length;
    return ratio(
      intents.reduce((sum, m) => sum + pick(m) * m.support, 0),
      intents.reduce((sum, m) => sum + m.support, 0),
    );
  };
  const average = (weighted: boolean): Record<string, number> => ({
    precision: mean((m) => m.precision, weighted),
    recall: mean((m) => m.recall, weighted),
    'f1-score': mean((m) => m['f1-score'], weighted),
    support: report.examples,
  });
  return {
    ...report.perIntent,
    accuracy: report.accuracy,
    'macro avg': average(false),
    'weighted avg': average(true),
  };
}

/** The value at quantile q (0..1) of the samples, nearest-rank; NaN for no samples. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Parses a CSV with a header that has a `text` column and a `label` (or `category`, or `intent`) column. */
export function parseLabelledCsv(content: string, source = 'CSV'): LabelledText[] {
  const rows = parseCsv<Record<string, string>>(content, { columns: true, skip_empty_lines: true, bom: true });
  const first = rows[0];
  if (!first) return [];
  const labelColumn = ['label', 'category', 'intent'].find((c) => c in first);
  if (!('text' in first) || !labelColumn) {
    throw new Error(`${source}: header must have a "text" column and a "label" (or "category") column`);
  }
  return rows.map((row, i) => {
    const text = row.text?.trim() ?? '';
    const intent = row[labelColumn]?.trim() ?? '';
    if (text === '' || intent === '') throw new Error(`${source}: row ${i + 2} has an empty text or label`);
    return { text, intent };
  });
}

const YamlFileSchema = z.object({
  nlu: z.array(z.union([z.object({ intent: z.string().min(1), examples: z.string() }), ...lexiconBlockSchemas])),
});

/** Parses the project's Rasa-style YAML (`nlu: [{ intent, examples: "- text\n- text" }]`), any intent names. */
export function parseLabelledYaml(content: string, source = 'YAML'): LabelledText[] {
  return parseLabelledYamlData(content, source).examples;
}

/** Like parseLabelledYaml, with the file's synonyms, regexes and lookup tables. */
export function parseLabelledYamlData(content: string, source = 'YAML'): { examples: LabelledText[]; lexicon: Lexicon } {
  const result = YamlFileSchema.safeParse(parseYaml(content));
  if (!result.success) throw new Error(`${source}: not a Rasa-style nlu file: ${z.prettifyError(result.error)}`);
  const examples: LabelledText[] = [];
  const lexicon: Lexicon = { synonyms: [], regexes: [], lookups: [] };
  for (const block of result.data.nlu) {
    const items = exampleLines(block.examples, (_line, text) => {
      throw new Error(`${source}: ${'intent' in block ? `intent ${block.intent}` : 'entry'}: example line must look like "- text", got "${text}"`);
    });
    if ('intent' in block) for (const text of items) examples.push({ text, intent: block.intent });
    else addLexiconBlock(lexicon, block, items, source);
  }
  return { examples, lexicon };
}

/** Reads labelled examples from a .csv, .yml or .yaml file. */
export function loadLabelledFile(path: string): LabelledText[] {
  return loadLabelledData(path).examples;
}

/** Reads labelled examples and, from YAML, the lexicon (synonyms, regexes, lookups; empty for CSV). */
export function loadLabelledData(path: string): { examples: LabelledText[]; lexicon: Lexicon } {
  const content = readFileSync(path, 'utf8');
  if (/\.csv$/i.test(path)) return { examples: parseLabelledCsv(content, path), lexicon: EMPTY_LEXICON };
  if (/\.ya?ml$/i.test(path)) return parseLabelledYamlData(content, path);
  throw new Error(`${path}: expected a .csv, .yml or .yaml file`);
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byCountThenName(a: [string, number], b: [string, number]): number {
  return b[1] - a[1] || compare(a[0], b[0]);
}

/** What training and testing one classifier measured. */
export interface ClassifierRun {
  report: EvaluationReport;
  trainMs: number;
  /** Per-text prediction latency percentiles, in milliseconds. */
  predictMs: { p50: number; p99: number; mean: number };
}

/** A classifier under test: trained once, then asked one text at a time (sync or async). */
export interface ClassifierUnderTest {
  train(examples: readonly LabelledText[]): void | Promise<void>;
  predict(text: string): string | Promise<string>;
}

/** Trains `classifier` on `train`, predicts every `test` text one at a time, and measures both. */
export async function runClassifier(
  classifier: ClassifierUnderTest,
  train: readonly LabelledText[],
  test: readonly LabelledText[],
  outOfScopeLabel?: string,
): Promise<ClassifierRun> {
  const started = performance.now();
  await classifier.train(train);
  const trainMs = performance.now() - started;
  const predictions: Prediction[] = [];
  const latencies: number[] = [];
  for (const { text, intent } of test) {
    const t0 = performance.now();
    const answer = classifier.predict(text);
    const predicted = typeof answer === 'string' ? answer : await answer;
    latencies.push(performance.now() - t0);
    predictions.push({ expected: intent, predicted });
  }
  return {
    report: evaluatePredictions(predictions, outOfScopeLabel),
    trainMs,
    predictMs: {
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      mean: latencies.reduce((sum, v) => sum + v, 0) / Math.max(1, latencies.length),
    },
  };
}

/** Trains our classifier with `options` and evaluates it; texts are normalized as the bot does. */
export function evaluateOurs(
  train: readonly LabelledText[],
  test: readonly LabelledText[],
  options: ClassifierOptions,
  outOfScopeLabel?: string,
  lexicon: Lexicon = EMPTY_LEXICON,
): Promise<ClassifierRun> {
  const prepare = compileLexicon(lexicon);
  let model: IntentClassifier | undefined;
  return runClassifier(
    {
      train: (examples) => {
        model = trainClassifier(
          examples.map((e) => ({ text: prepare(normalizeText(e.text)), intent: e.intent })),
          options,
        );
      },
      predict: (text) => {
        if (!model) throw new Error('not trained');
        return model.predict(prepare(normalizeText(text))).intent;
      },
    },
    train,
    test,
    outOfScopeLabel,
  );
}

/** Prints the headline numbers of one run. */
export function printRun(name: string, run: ClassifierRun, top: number): void {
  const { report } = run;
  console.log(`${name}: ${report.examples} test examples`);
  console.log(`  accuracy        ${(report.accuracy * 100).toFixed(2)}%`);
  console.log(`  macro-F1        ${(report.macroF1 * 100).toFixed(2)}%`);
  if (report.outOfScope) {
    const { label, precision, recall, support } = report.outOfScope;
    console.log(
      `  out-of-scope    "${label}" (${support}): precision ${(precision * 100).toFixed(1)}%, recall ${(recall * 100).toFixed(1)}%`,
    );
  }
  console.log(`  training        ${(run.trainMs / 1000).toFixed(2)} s`);
  console.log(`  prediction      p50 ${run.predictMs.p50.toFixed(3)} ms, p99 ${run.predictMs.p99.toFixed(3)} ms`);
  if (top > 0 && report.confusions.length > 0) {
    console.log(`  most confused (expected → predicted):`);
    for (const c of report.confusions.slice(0, top)) console.log(`    ${String(c.count).padStart(4)}  ${c.expected} → ${c.predicted}`);
  }
}

/** The label used for out-of-scope examples in `examples`, if any (ours, CLINC150's and common spellings). */
export function findOutOfScopeLabel(examples: readonly LabelledText[]): string | undefined {
  const present = new Set(examples.map((e) => e.intent));
  return ['out_of_scope', 'oos', 'out-of-scope', 'none', 'None'].find((label) => present.has(label));
}
