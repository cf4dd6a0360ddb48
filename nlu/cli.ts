// `npm run nlu:train [-- --out model.json] [-- --cv]`: trains on nlu/training, reports training
// time, held-out accuracy per language and how the out-of-scope list scores, optionally runs a
// 5-fold cross-validation over the training data and writes the model for createNlu({ model }).
// The numbers in nlu/README.md come from here.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Language } from '../core/conversation/message.js';
import { LANGUAGES } from '../core/conversation/message.js';
import { trainClassifier } from './classifier.js';
import { HELD_OUT, OUT_OF_SCOPE_MESSAGES, accuracyOn } from './evaluation.js';
import { DEFAULT_MIN_CONFIDENCE, DEFAULT_MIN_MARGIN, createNlu } from './index.js';
import { normalizeText } from './normalize.js';
import type { TrainingExample } from './training-data.js';
import { loadTrainingData } from './training-data.js';

function main(args: string[]): void {
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : undefined;

  const data = loadTrainingData();
  const examples = data.map((e) => ({ text: normalizeText(e.text), intent: e.intent }));
  const started = performance.now();
  const classifier = trainClassifier(examples);
  const trainMs = performance.now() - started;
  console.log(`trained on ${examples.length} examples in ${trainMs.toFixed(0)} ms`);

  const nlu = createNlu({ model: classifier.toJSON() });
  for (const language of LANGUAGES) {
    const { accuracy, misses } = accuracyOn(HELD_OUT[language], (text) => nlu.classify(text));
    console.log(`held-out ${language}: ${(accuracy * 100).toFixed(1)}% of ${HELD_OUT[language].length}`);
    for (const m of misses) console.log(`  miss: ${m.text} → ${m.got} (${m.confidence.toFixed(2)}), want ${m.expected}`);
  }

  // How close the thresholds are to the edge on both sides.
  const scored = (text: string): { label: string; confidence: number; margin: number } => {
    const p = classifier.predict(normalizeText(text));
    return { label: p.intent, confidence: p.confidence, margin: p.confidence - (p.ranking[1]?.confidence ?? 0) };
  };
  const inScope = LANGUAGES.flatMap((l) => HELD_OUT[l].map(([text]) => scored(text)));
  console.log(`thresholds: confidence ${DEFAULT_MIN_CONFIDENCE}, margin ${DEFAULT_MIN_MARGIN}`);
  console.log(
    `held-out: lowest confidence ${Math.min(...inScope.map((s) => s.confidence)).toFixed(3)}, ` +
      `lowest margin ${Math.min(...inScope.map((s) => s.margin)).toFixed(3)}`,
  );
  const rejected = OUT_OF_SCOPE_MESSAGES.filter((text) => nlu.classify(text).intent === 'none').length;
  console.log(`out-of-scope: ${rejected} of ${OUT_OF_SCOPE_MESSAGES.length} get 'none'`);
  for (const text of OUT_OF_SCOPE_MESSAGES) {
    const { label, confidence, margin } = scored(text);
    console.log(`  ${nlu.classify(text).intent.padEnd(8)} ${text}  (model: ${label} ${confidence.toFixed(2)}, margin ${margin.toFixed(2)})`);
  }

  const sample = '我有多少點數';
  const runs = 10_000;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) nlu.classify(sample);
  console.log(`classify: ${(((performance.now() - t0) / runs) * 1000).toFixed(1)} µs per short message`);

  if (args.includes('--cv')) crossValidate(data);

  if (out) {
    writeFileSync(out, JSON.stringify(classifier.toJSON()));
    console.log(`model written to ${out}`);
  }
}

// Argmax accuracy on each fifth of the training data with a model trained on the rest. Harsher
// than the held-out lists: many training examples are one-off phrasings ("sup", "ttyl") that
// nothing else in the data resembles.
function crossValidate(data: TrainingExample[], folds = 5): void {
  const hits = new Map<Language, { right: number; total: number }>(LANGUAGES.map((l) => [l, { right: 0, total: 0 }]));
  for (let fold = 0; fold < folds; fold++) {
    const train = data.filter((_, i) => i % folds !== fold);
    const model = trainClassifier(train.map((e) => ({ text: normalizeText(e.text), intent: e.intent })));
    for (const example of data.filter((_, i) => i % folds === fold)) {
      const tally = hits.get(example.language);
      if (!tally) continue;
      tally.total += 1;
      if (model.predict(normalizeText(example.text)).intent === example.intent) tally.right += 1;
    }
  }
  for (const [language, { right, total }] of hits) {
    console.log(`${folds}-fold cross-validation ${language}: ${((right / total) * 100).toFixed(1)}% of ${total}`);
  }
}

main(process.argv.slice(2));
