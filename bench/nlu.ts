// `npm run bench:nlu [-- --data DIR] [-- --skip-nlpjs]`: our intent classifier against NLP.js on
// BANKING77 (issue #4), in one process: each trained on train.csv (10,003 texts, 77 intents),
// tested on test.csv (3,080), one text at a time. NLP.js runs with its default settings
// (@nlpjs/nlp + @nlpjs/lang-en-min; nothing is downloaded). Prints the two side by side and writes
// bench/results/nlu-<timestamp>.json (git-ignored).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LangEn } from '@nlpjs/lang-en-min';
import { Nlp } from '@nlpjs/nlp';
import type { LabelledText } from '../nlu/classifier.js';
import { LARGE_DATASET_OPTIONS } from '../nlu/classifier.js';
import type { ClassifierRun } from '../nlu/eval.js';
import { evaluateOurs, loadLabelledFile, printRun, runClassifier, toRasaIntentReport } from '../nlu/eval.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DATA = resolve(ROOT, '../shared/datasets/banking77');

/** Targets from issue #4 (fine-tuned BERT-Large scores about 93.7% on this test split). */
const TARGETS = { accuracy: 0.93, trainMs: 15_000, p50Ms: 0.2 };

function argValue(argv: readonly string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}

// NLP.js with everything at its defaults; only the model file it would save after training is
// turned off (autoSave), and its per-epoch console logging is swallowed during training.
async function runNlpJs(train: readonly LabelledText[], test: readonly LabelledText[]): Promise<ClassifierRun> {
  const nlp = new Nlp({ languages: ['en'], autoSave: false });
  nlp.use(LangEn);
  return runClassifier(
    {
      train: async (examples) => {
        for (const { text, intent } of examples) nlp.addDocument('en', text, intent);
        const log = console.log;
        console.log = () => undefined;
        try {
          await nlp.train();
        } finally {
          console.log = log;
        }
      },
      predict: async (text) => (await nlp.process('en', text)).intent,
    },
    train,
    test,
  );
}

function summary(run: ClassifierRun): Record<string, number> {
  return {
    accuracy: run.report.accuracy,
    macroF1: run.report.macroF1,
    trainMs: run.trainMs,
    predictP50Ms: run.predictMs.p50,
    predictP99Ms: run.predictMs.p99,
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const dataDir = resolve(argValue(argv, '--data') ?? DEFAULT_DATA);
  const trainFile = join(dataDir, 'train.csv');
  const testFile = join(dataDir, 'test.csv');
  if (!existsSync(trainFile) || !existsSync(testFile)) {
    throw new Error(`BANKING77 not found: expected train.csv and test.csv in ${dataDir} (use --data DIR)`);
  }
  const train = loadLabelledFile(trainFile);
  const test = loadLabelledFile(testFile);
  const loadAtStart = loadavg();
  console.log(`BANKING77 from ${dataDir}: train ${train.length}, test ${test.length}; ${cpus().length} CPUs, load ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);

  const runs: Record<string, ClassifierRun> = {};
  runs.ours = await evaluateOurs(train, test, LARGE_DATASET_OPTIONS);
  printRun('ours (one-vs-rest SVM, LARGE_DATASET_OPTIONS)', runs.ours, 5);
  runs.oursBotDefaults = await evaluateOurs(train, test, {});
  printRun("ours (softmax, the bot's defaults)", runs.oursBotDefaults, 0);
  if (!argv.includes('--skip-nlpjs')) {
    runs.nlpjs = await runNlpJs(train, test);
    printRun('NLP.js 4 (defaults)', runs.nlpjs, 5);
  }

  const names = Object.keys(runs);
  const row = (label: string, cell: (run: ClassifierRun) => string): string =>
    label.padEnd(18) + names.map((n) => { const run = runs[n]; return (run ? cell(run) : '').padStart(16); }).join('');
  console.log('');
  console.log(' '.repeat(18) + names.map((n) => n.padStart(16)).join(''));
  console.log(row('accuracy', (r) => `${(r.report.accuracy * 100).toFixed(2)}%`));
  console.log(row('macro-F1', (r) => `${(r.report.macroF1 * 100).toFixed(2)}%`));
  console.log(row('training', (r) => `${(r.trainMs / 1000).toFixed(2)} s`));
  console.log(row('predict p50', (r) => `${r.predictMs.p50.toFixed(3)} ms`));
  console.log(row('predict p99', (r) => `${r.predictMs.p99.toFixed(3)} ms`));
  const ours = runs.ours;
  const checks = [
    ['accuracy ≥ 93%', ours.report.accuracy >= TARGETS.accuracy],
    ['training ≤ 15 s', ours.trainMs <= TARGETS.trainMs],
    ['predict p50 ≤ 0.2 ms', ours.predictMs.p50 <= TARGETS.p50Ms],
  ] as const;
  console.log(`targets (ours): ${checks.map(([name, ok]) => `${name} ${ok ? 'PASS' : 'MISS'}`).join(', ')}`);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, `nlu-${stamp}.json`);
  const json = {
    benchmark: 'BANKING77 intent classification',
    dataDir,
    train: train.length,
    test: test.length,
    targets: TARGETS,
    results: Object.fromEntries(names.map((n) => [n, summary(runs[n] as ClassifierRun)])),
    settings: { ours: LARGE_DATASET_OPTIONS, oursBotDefaults: {}, nlpjs: 'new Nlp({ languages: ["en"], autoSave: false }) + LangEn' },
    reports: Object.fromEntries(
      names.map((n) => {
        const run = runs[n] as ClassifierRun;
        return [n, { intent_report: toRasaIntentReport(run.report), confusions: run.report.confusions.slice(0, 50) }];
      }),
    ),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem(), loadAtStart, loadAtEnd: loadavg() },
  };
  writeFileSync(outFile, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`written ${outFile}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
