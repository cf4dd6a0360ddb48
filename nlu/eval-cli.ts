// `npm run nlu:eval -- --train FILE --test FILE [--report FILE] [--model svm|softmax] [--out-of-scope LABEL]`:
// trains the classifier on one labelled file and measures it on another. Files are CSV (header
// `text,label`, or `text,category` as BANKING77 ships) or the project's Rasa-style YAML. Prints
// accuracy, macro-F1, out-of-scope precision/recall (when an out-of-scope label occurs), the most
// confused pairs, training time and prediction latency; writes a JSON report shaped like
// `rasa test nlu`'s intent_report.json (default nlu-intent-report.json in the working directory).
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { ClassifierOptions } from './classifier.js';
import { LARGE_DATASET_OPTIONS } from './classifier.js';
import { evaluateOurs, findOutOfScopeLabel, loadLabelledData, loadLabelledFile, printRun, toRasaIntentReport } from './eval.js';

interface Args {
  train: string;
  test: string;
  report: string;
  model: 'svm' | 'softmax';
  outOfScope: string | undefined;
  top: number;
}

const USAGE =
  'usage: npm run nlu:eval -- --train FILE --test FILE [--report FILE] [--model svm|softmax] [--out-of-scope LABEL] [--top N]';

function parseArgs(argv: readonly string[]): Args {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    if (at < 0) return undefined;
    const next = argv[at + 1];
    if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
    return next;
  };
  const train = value('--train');
  const test = value('--test');
  if (!train || !test) throw new Error(USAGE);
  const model = value('--model') ?? 'svm';
  if (model !== 'svm' && model !== 'softmax') throw new Error(`--model must be svm or softmax\n${USAGE}`);
  const top = Number(value('--top') ?? '10');
  if (!Number.isInteger(top) || top < 0) throw new Error(`--top must be a whole number\n${USAGE}`);
  return {
    train,
    test,
    report: value('--report') ?? 'nlu-intent-report.json',
    model,
    outOfScope: value('--out-of-scope'),
    top,
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  // The training file's synonyms, regexes and lookup tables shape the features, as in the bot.
  const { examples: train, lexicon } = loadLabelledData(args.train);
  const test = loadLabelledFile(args.test);
  const outOfScope = args.outOfScope ?? findOutOfScopeLabel(test) ?? findOutOfScopeLabel(train);
  const options: ClassifierOptions = args.model === 'svm' ? LARGE_DATASET_OPTIONS : {};
  console.log(`train ${args.train}: ${train.length} examples, ${new Set(train.map((e) => e.intent)).size} intents`);
  console.log(`test  ${args.test}: ${test.length} examples; model ${args.model}; ${cpus().length} CPUs`);
  const run = await evaluateOurs(train, test, options, outOfScope, lexicon);
  printRun('ours', run, args.top);
  const json = {
    intent_report: toRasaIntentReport(run.report),
    summary: {
      accuracy: run.report.accuracy,
      macroF1: run.report.macroF1,
      weightedF1: run.report.weightedF1,
      outOfScope: run.report.outOfScope,
      trainMs: run.trainMs,
      predictMs: run.predictMs,
    },
    confusions: run.report.confusions,
    setup: { train: args.train, test: args.test, model: args.model, options, node: process.version },
  };
  writeFileSync(args.report, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`report written to ${args.report}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
