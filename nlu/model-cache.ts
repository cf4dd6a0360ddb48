// The trained model cached on disk by content hash: the training files, the classifier's settings and the model
// format all go into the hash, so any change trains anew and nothing stale is ever loaded. A cache file that cannot
// be read is ignored (and overwritten); writes go through a temporary file and a rename, so a crash mid-write or two
// processes starting at once never leave a half-written model.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IntentClassifierJSON } from './classifier.js';
import { DEFAULTS, IntentClassifier } from './classifier.js';
import { normalizeText } from './normalize.js';
import { DEFAULT_DATA_DIR } from './training-data.js';

// Normalization decides what the model sees; a probe of its behaviour stands in for its version.
const NORMALIZATION_PROBE = normalizeText('Ｈｅｌｌｏ أَهْلاً ٣٤ 会员 إلى ـــ ة ى');

/** SHA-256 over the training files (names and contents, in name order), the training defaults and normalization. */
export function trainingDataHash(dataDir: string = DEFAULT_DATA_DIR): string {
  const hash = createHash('sha256').update(`intent-classifier/v2\0${JSON.stringify(DEFAULTS)}\0${NORMALIZATION_PROBE}\0`);
  for (const name of readdirSync(dataDir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    hash.update(`${name}\0`).update(readFileSync(join(dataDir, name))).update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

/** The model for `hash` from `dir` when present and readable; otherwise `train()`, saved there for next time. */
export function cachedModel(dir: string, hash: string, train: () => IntentClassifier): IntentClassifier {
  const file = join(dir, `nlu-${hash}.json`);
  try {
    return IntentClassifier.fromJSON(JSON.parse(readFileSync(file, 'utf8')) as IntentClassifierJSON);
  } catch {
    // Missing, truncated or from an older format: train.
  }
  const model = train();
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(model.toJSON()));
    renameSync(tmp, file);
  } catch {
    // A read-only folder only costs the next start a training run.
  }
  return model;
}
