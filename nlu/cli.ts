// `npm run nlu:train [-- --tune] [-- --cv] [-- --out model.json]`: trains the bot's NLU on nlu/training, reports
// training time and, per language, accuracy on the held-out test sets (nlu/test-data) with the thresholds applied;
// `--tune` picks the thresholds from 5-fold out-of-fold scores over the training data (not the test sets);
// `--cv` prints per-language cross-validation accuracy; `--out` writes the model for createNlu({ model }).
// The numbers in nlu/README.md come from here.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Language } from '../core/conversation/message.js';
import { LANGUAGES } from '../core/conversation/message.js';
import { trainClassifier } from './classifier.js';
import { accuracyOn, loadTestData, testSet } from './evaluation.js';
import { DEFAULT_MIN_CONFIDENCE, DEFAULT_MIN_MARGIN, classifierInput, createNlu } from './index.js';
import { evaluateThresholds, outOfFoldScores, tuneThresholds, type ThresholdChoice } from './thresholds.js';
import type { TrainingExample } from './training-data.js';
import { loadNluData } from './training-data.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function main(args: string[]): void {
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : undefined;

  const nluData = loadNluData();
  const data = nluData.examples;
  // As the bot sees them: normalized, synonyms replaced, regex and lookup markers added.
  const { examples, prepare } = classifierInput(nluData);
  const started = performance.now();
  const classifier = trainClassifier(examples);
  const trainMs = performance.now() - started;
  console.log(`trained on ${examples.length} examples, ${new Set(examples.map((e) => e.intent)).size} labels, in ${trainMs.toFixed(0)} ms`);

  if (args.includes('--tune')) {
    const t0 = performance.now();
    const scores = outOfFoldScores(examples);
    const best = tuneThresholds(scores);
    console.log(`5-fold out-of-fold scoring: ${(performance.now() - t0).toFixed(0)} ms`);
    console.log(`best thresholds: ${describe(best)}`);
    console.log(`current (${DEFAULT_MIN_CONFIDENCE}, ${DEFAULT_MIN_MARGIN}): ${describe(evaluateThresholds(scores, DEFAULT_MIN_CONFIDENCE, DEFAULT_MIN_MARGIN))}`);
    console.log(`no thresholds: ${describe(evaluateThresholds(scores, 0, 0))}`);
  }

  const nlu = createNlu({ model: classifier.toJSON() });
  const test = loadTestData();
  console.log(`thresholds: confidence ${DEFAULT_MIN_CONFIDENCE}, margin ${DEFAULT_MIN_MARGIN}`);
  for (const language of LANGUAGES) {
    const set = testSet(language, test);
    const { accuracy, misses } = accuracyOn(set, (text) => nlu.classify(text));
    const oos = set.filter(([, intent]) => intent === 'none');
    const oosRight = oos.filter(([text]) => nlu.classify(text).intent === 'none').length;
    console.log(`test ${language}: ${pct(accuracy)} of ${set.length} (out-of-scope answered none: ${oosRight} of ${oos.length})`);
    for (const m of misses) console.log(`  miss: ${m.text} → ${m.got} (${m.confidence.toFixed(2)}), want ${m.expected}`);
  }

  const sample = '我有多少點數';
  const runs = 10_000;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) nlu.classify(sample);
  console.log(`classify: ${(((performance.now() - t0) / runs) * 1000).toFixed(1)} µs per short message`);

  if (args.includes('--cv')) crossValidate(data, prepare);

  if (out) {
    writeFileSync(out, JSON.stringify(classifier.toJSON()));
    console.log(`model written to ${out}`);
  }
}

function describe(c: ThresholdChoice): string {
  return (
    `confidence ${c.minConfidence}, margin ${c.minMargin} → ${pct(c.accuracy)} right; in scope: ${pct(c.wrongIntent)} wrong intent, ` +
    `${pct(c.rejected)} none; out of scope given an intent: ${pct(c.outOfScopeAccepted)}`
  );
}

// Argmax accuracy on each fifth of the training data with a model trained on the rest. Harsher than the test sets:
// many training examples are one-off phrasings ("sup", "ttyl") that nothing else in the data resembles.
function crossValidate(data: TrainingExample[], prepare: (text: string) => string, folds = 5): void {
  const hits = new Map<Language, { right: number; total: number }>(LANGUAGES.map((l) => [l, { right: 0, total: 0 }]));
  for (let fold = 0; fold < folds; fold++) {
    const train = data.filter((_, i) => i % folds !== fold);
    const model = trainClassifier(train.map((e) => ({ text: prepare(e.text), intent: e.intent })));
    for (const example of data.filter((_, i) => i % folds === fold)) {
      const tally = hits.get(example.language);
      if (!tally) continue;
      tally.total += 1;
      if (model.predict(prepare(example.text)).intent === example.intent) tally.right += 1;
    }
  }
  for (const [language, { right, total }] of hits) {
    console.log(`${folds}-fold cross-validation ${language}: ${pct(right / total)} of ${total}`);
  }
}

main(process.argv.slice(2));
