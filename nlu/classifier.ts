// A small linear intent classifier: hashed TF-IDF over word and character n-grams feeding a
// softmax regression. Linear models on these features are the strong, cheap baseline for
// short-text intent classification (well above NLP.js's defaults on BANKING77), train in
// milliseconds, and need no native dependency or model download.

/** Settings for training; every field has a default chosen on our held-out lists. */
export interface ClassifierOptions {
  /** Size of the hashed feature space as a power of two. */
  hashBits?: number;
  /** Shortest and longest character n-gram. */
  charNgrams?: readonly [number, number];
  /** Longest word n-gram (1: words only, 2: with bigrams, 3: with trigrams). */
  wordNgrams?: number;
  /** Take character n-grams over the whole text (spanning word boundaries), not inside each word. */
  charsAcrossWords?: boolean;
  /** Share of the squared L2 norm given to word n-grams, the rest to character n-grams; null: one norm over all. */
  wordWeight?: number | null;
  /** Passes over the training data (default 20 for softmax, 10 for the SVM). */
  epochs?: number;
  /** AdaGrad base learning rate. */
  learningRate?: number;
  /** L2 penalty on the weights of the features present in each example. */
  l2?: number;
  /** Seed for the shuffling, so that training is reproducible. */
  seed?: number;
  /** 'softmax': multinomial logistic regression; 'svm': one-vs-rest squared-hinge linear SVM. */
  loss?: 'softmax' | 'svm';
  /** The SVM's C (inverse regularization strength). */
  c?: number;
}

/**
 * Settings for large data sets (thousands of examples, dozens of intents) where only the top
 * intent matters. On BANKING77 the one-vs-rest SVM is ~4 points more accurate than the softmax
 * defaults (~0.7 over a softmax with its L2 tuned there) and trains faster. Chosen on BANKING77's train split with a fifth of it held out (every fifth row),
 * never on its test split. Its confidences are a softmax over SVM margins, not calibrated
 * probabilities, so the bot's thresholds (tuned on the softmax) do not apply to it.
 */
export const LARGE_DATASET_OPTIONS: Readonly<ClassifierOptions> = { loss: 'svm', c: 1, epochs: 10 };

/** One intent with the model's probability for it. */
export interface IntentScore {
  intent: string;
  confidence: number;
}

/** The classifier's answer: the best intent, its probability, and all intents best first. */
export interface IntentPrediction extends IntentScore {
  ranking: IntentScore[];
}

/** One labelled text to train on. */
export interface LabelledText {
  text: string;
  intent: string;
}

/** A trained classifier as plain JSON (typed arrays as base64 little-endian), for caching. */
export interface IntentClassifierJSON {
  format: typeof FORMAT;
  hashBits: number;
  charNgrams: [number, number];
  wordNgrams: number;
  charsAcrossWords: boolean;
  wordWeight: number | null;
  labels: string[];
  /** Number of training documents, which fixes the idf of features never seen in training. */
  documents: number;
  /** Hashed ids of the features seen in training (Uint32). */
  features: string;
  /** Their idf (Float32). */
  idf: string;
  /** Weights, feature-major: `weights[f * labels.length + k]` (Float32). */
  weights: string;
  /** One bias per label (Float32). */
  bias: string;
}

const FORMAT = 'intent-classifier/v2';
// Softmax updates skip classes whose gradient is below this (their probability is ~0).
const SKIP_GRADIENT = 1e-4;

/** How a text is turned into features; stored with the model so prediction matches training. */
interface FeatureShape {
  charNgrams: readonly [number, number];
  wordNgrams: number;
  charsAcrossWords: boolean;
  wordWeight: number | null;
}

/** The training settings used where options leave them out (part of a cached model's hash). */
export const DEFAULTS = {
  hashBits: 18,
  charNgrams: [2, 4] as const,
  wordNgrams: 2,
  charsAcrossWords: false,
  wordWeight: null as number | null,
  epochs: 20,
  learningRate: 0.2,
  l2: 3e-3,
  seed: 1,
  loss: 'softmax' as 'softmax' | 'svm',
  c: 1,
  svmEpochs: 10,
};

// Constructing a segmenter is costly; segmenting with one is cheap. ICU's word breaker splits
// Han text with its dictionary whatever the locale, so one instance serves all languages.
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** Trains a classifier on labelled texts; deterministic for the same examples, order and options. */
export function trainClassifier(examples: readonly LabelledText[], options: ClassifierOptions = {}): IntentClassifier {
  const hashBits = options.hashBits ?? DEFAULTS.hashBits;
  const charNgrams: [number, number] = [...(options.charNgrams ?? DEFAULTS.charNgrams)];
  const shape: FeatureShape = {
    charNgrams,
    wordNgrams: options.wordNgrams ?? DEFAULTS.wordNgrams,
    charsAcrossWords: options.charsAcrossWords ?? DEFAULTS.charsAcrossWords,
    wordWeight: options.wordWeight === undefined ? DEFAULTS.wordWeight : options.wordWeight,
  };
  const loss = options.loss ?? DEFAULTS.loss;
  const epochs = options.epochs ?? (loss === 'svm' ? DEFAULTS.svmEpochs : DEFAULTS.epochs);
  const learningRate = options.learningRate ?? DEFAULTS.learningRate;
  const l2 = options.l2 ?? DEFAULTS.l2;
  if (examples.length === 0) throw new Error('trainClassifier: no examples');

  const labels = [...new Set(examples.map((e) => e.intent))].sort();
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const K = labels.length;

  // Vocabulary: only features seen in training get a column; the rest of the hashed space
  // stays implicit, which keeps the model (and its JSON) small.
  const counted = examples.map((e) => countFeatures(e.text, hashBits, shape));
  const df = new Map<number, number>();
  for (const counts of counted) for (const id of counts.keys()) df.set(id, (df.get(id) ?? 0) + 1);
  const featureIds = Uint32Array.from([...df.keys()].sort((a, b) => a - b));
  const N = examples.length;
  const idf = Float32Array.from(featureIds, (id) => Math.log((1 + N) / (1 + (df.get(id) ?? 0))) + 1);
  const column = new Map<number, number>();
  featureIds.forEach((id, col) => column.set(id, col));

  const docs = counted.map((counts) => {
    const cols: number[] = [];
    const vals: number[] = [];
    const blocks: number[] = [];
    const squares = [0, 0];
    for (const [id, count] of counts) {
      const col = column.get(id);
      if (col === undefined) continue;
      const value = (1 + Math.log(count)) * (idf[col] ?? 0);
      const block = blockOf(id, hashBits);
      cols.push(col);
      vals.push(value);
      blocks.push(block);
      squares[block] = (squares[block] ?? 0) + value * value;
    }
    const scales = blockScales(squares, shape.wordWeight);
    for (let j = 0; j < vals.length; j++) vals[j] = (vals[j] ?? 0) * (scales[blocks[j] ?? 0] ?? 0);
    return { cols: Int32Array.from(cols), vals: Float64Array.from(vals) };
  });
  const targets = examples.map((e) => labelIndex.get(e.intent) ?? 0);

  const F = featureIds.length;
  const random = mulberry32(options.seed ?? DEFAULTS.seed);
  const { w, b } =
    loss === 'svm'
      ? trainSvm(docs, targets, F, K, { epochs, c: options.c ?? DEFAULTS.c }, random)
      : trainSoftmax(docs, targets, F, K, { epochs, learningRate, l2 }, random);

  return new IntentClassifier({
    hashBits,
    ...shape,
    labels,
    documents: N,
    featureIds,
    idf,
    weights: Float32Array.from(w),
    bias: Float32Array.from(b),
  });
}

interface ModelParts extends FeatureShape {
  hashBits: number;
  labels: string[];
  documents: number;
  featureIds: Uint32Array;
  idf: Float32Array;
  weights: Float32Array;
  bias: Float32Array;
}

/** A trained intent classifier; immutable, cheap to call, serializable with toJSON/fromJSON. */
export class IntentClassifier {
  /** The intents this model knows, sorted. */
  readonly labels: readonly string[];
  readonly #parts: ModelParts;
  readonly #column: Map<number, number>;
  readonly #unseenIdf: number;

  /** Use trainClassifier or IntentClassifier.fromJSON rather than this constructor. */
  constructor(parts: ModelParts) {
    const F = parts.featureIds.length;
    const K = parts.labels.length;
    if (parts.idf.length !== F || parts.weights.length !== F * K || parts.bias.length !== K) {
      throw new Error('IntentClassifier: model arrays do not match its feature and label counts');
    }
    this.#parts = parts;
    this.labels = parts.labels;
    this.#column = new Map();
    parts.featureIds.forEach((id, col) => this.#column.set(id, col));
    // Features never seen in training weigh in with the highest idf: they carry no score but
    // still count in the L2 norm, so a text that is mostly unknown words gets a weak signal
    // and a low confidence, which is what lets out-of-scope messages fall under the threshold.
    this.#unseenIdf = Math.log(1 + parts.documents) + 1;
  }

  /** Scores a text (already normalized the way the training texts were). */
  predict(text: string): IntentPrediction {
    const { hashBits, labels, idf, weights, bias } = this.#parts;
    const K = labels.length;
    const cols: number[] = [];
    const vals: number[] = [];
    const blocks: number[] = [];
    const squares = [0, 0];
    for (const [id, count] of countFeatures(text, hashBits, this.#parts)) {
      const col = this.#column.get(id);
      const value = (1 + Math.log(count)) * (col === undefined ? this.#unseenIdf : (idf[col] ?? 0));
      const block = blockOf(id, hashBits);
      squares[block] = (squares[block] ?? 0) + value * value;
      if (col === undefined) continue;
      cols.push(col);
      vals.push(value);
      blocks.push(block);
    }
    const scales = blockScales(squares, this.#parts.wordWeight);
    for (let j = 0; j < vals.length; j++) vals[j] = (vals[j] ?? 0) * (scales[blocks[j] ?? 0] ?? 0);

    const probs = new Float64Array(K);
    scoreInto(probs, cols, vals, weights, bias, K);
    softmaxInPlace(probs);
    const ranking = labels
      .map((intent, k) => ({ intent, confidence: probs[k] ?? 0 }))
      .sort((x, y) => y.confidence - x.confidence || (x.intent < y.intent ? -1 : 1));
    const best = ranking[0] ?? { intent: '', confidence: 0 };
    return { intent: best.intent, confidence: best.confidence, ranking };
  }

  /** The model as plain JSON, exact: fromJSON(toJSON()) predicts identically. */
  toJSON(): IntentClassifierJSON {
    const p = this.#parts;
    return {
      format: FORMAT,
      hashBits: p.hashBits,
      charNgrams: [p.charNgrams[0], p.charNgrams[1]],
      wordNgrams: p.wordNgrams,
      charsAcrossWords: p.charsAcrossWords,
      wordWeight: p.wordWeight,
      labels: [...p.labels],
      documents: p.documents,
      features: toBase64(p.featureIds),
      idf: toBase64(p.idf),
      weights: toBase64(p.weights),
      bias: toBase64(p.bias),
    };
  }

  /** Rebuilds a classifier from toJSON output; throws when the JSON is not one. */
  static fromJSON(json: IntentClassifierJSON): IntentClassifier {
    if (json.format !== FORMAT) throw new Error(`IntentClassifier.fromJSON: unknown format ${String(json.format)}`);
    return new IntentClassifier({
      hashBits: json.hashBits,
      charNgrams: [json.charNgrams[0], json.charNgrams[1]],
      wordNgrams: json.wordNgrams,
      charsAcrossWords: json.charsAcrossWords,
      wordWeight: json.wordWeight,
      labels: [...json.labels],
      documents: json.documents,
      featureIds: decodeUint32(json.features),
      idf: decodeFloat32(json.idf),
      weights: decodeFloat32(json.weights),
      bias: decodeFloat32(json.bias),
    });
  }
}

/** The words of a text as the classifier sees them (Intl.Segmenter words; splits Chinese too). */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(text)) if (isWordLike) words.push(segment);
  return words;
}

// Hashed feature id → count for one text: word n-grams with start/end markers (so "no" alone
// differs from "no" inside a sentence), and character n-grams of the space-padded words (robust
// to typos, inflection, Arabic clitics and segmentation slips), taken either inside each word or
// over the whole word sequence, so that they also span word boundaries ("my ca", "d pin").
// Character n-grams are hashed incrementally (FNV-1a over code units), without building strings.
function countFeatures(text: string, hashBits: number, shape: FeatureShape): Map<number, number> {
  const counts = new Map<number, number>();
  const mask = (1 << hashBits) - 1;
  // Word n-grams hash into the lower half of the space, character n-grams into the upper half,
  // so that each block can be normalized on its own (blockOf).
  const half = 1 << (hashBits - 1);
  let block = 0;
  const addId = (h: number): void => {
    const id = ((mix32(h) & (mask >>> 1)) | block) >>> 0;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  const words = tokenize(text);
  const padded = ['\u0002', ...words, '\u0003'];
  for (let n = 1; n <= shape.wordNgrams; n++) {
    for (let start = 0; start + n <= padded.length; start++) {
      if (n === 1 && (start === 0 || start === padded.length - 1)) continue; // markers alone say nothing
      if (n > 1 && padded.length === 2) continue;
      let h = fnv(FNV_OFFSET, n === 1 ? 'w' : n === 2 ? 'b' : `t${n}`);
      for (let j = start; j < start + n; j++) h = fnv(fnv(h, '\u0001'), padded[j] ?? '');
      addId(h);
    }
  }
  const [minN, maxN] = shape.charNgrams;
  block = half;
  const addChars = (chunk: string): void => {
    for (let start = 0; start < chunk.length; start++) {
      let h = fnv(FNV_OFFSET, 'c\u0001');
      for (let n = 1; n <= maxN && start + n <= chunk.length; n++) {
        h = Math.imul(h ^ chunk.charCodeAt(start + n - 1), FNV_PRIME);
        if (n >= minN) addId(h);
      }
    }
  };
  if (shape.charsAcrossWords) {
    if (words.length > 0) addChars(` ${words.join(' ')} `);
  } else {
    for (const word of words) addChars(` ${word} `);
  }
  return counts;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

interface SparseDoc {
  cols: Int32Array;
  vals: Float64Array;
}

interface LinearWeights {
  /** Feature-major: `w[f * K + k]`. */
  w: Float64Array;
  b: Float64Array;
}

// Multinomial logistic regression by AdaGrad; its outputs are probabilities the bot can threshold.
function trainSoftmax(
  docs: readonly SparseDoc[],
  targets: readonly number[],
  F: number,
  K: number,
  { epochs, learningRate, l2 }: { epochs: number; learningRate: number; l2: number },
  random: () => number,
): LinearWeights {
  const w = new Float64Array(F * K);
  const b = new Float64Array(K);
  const gw = new Float64Array(F * K);
  const gb = new Float64Array(K);
  const probs = new Float64Array(K);
  const order = Array.from({ length: docs.length }, (_, i) => i);
  const EPS = 1e-8;
  const active = new Int32Array(K);

  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      const doc = docs[i];
      const target = targets[i];
      if (!doc || target === undefined) continue;
      scoreInto(probs, doc.cols, doc.vals, w, b, K);
      softmaxInPlace(probs);
      probs[target] = (probs[target] ?? 0) - 1; // now the gradient of the loss w.r.t. the logits
      for (let k = 0; k < K; k++) {
        const g = probs[k] ?? 0;
        gb[k] = (gb[k] ?? 0) + g * g;
        b[k] = (b[k] ?? 0) - (learningRate * g) / (Math.sqrt(gb[k] ?? 0) + EPS);
      }
      // Classes the model already rules out (gradient ~0) are skipped, their L2 shrink with
      // them: with many intents this is most of the work once training has settled.
      let nActive = 0;
      for (let k = 0; k < K; k++) if (Math.abs(probs[k] ?? 0) > SKIP_GRADIENT) active[nActive++] = k;
      for (let j = 0; j < doc.cols.length; j++) {
        const base = (doc.cols[j] ?? 0) * K;
        const v = doc.vals[j] ?? 0;
        for (let a = 0; a < nActive; a++) {
          const k = active[a] ?? 0;
          const at = base + k;
          const wk = w[at] ?? 0;
          const g = (probs[k] ?? 0) * v + l2 * wk;
          const acc = (gw[at] ?? 0) + g * g;
          gw[at] = acc;
          w[at] = wk - (learningRate * g) / (Math.sqrt(acc) + EPS);
        }
      }
    }
  }

  return { w, b };
}

// One-vs-rest linear SVM with the squared hinge loss, by dual coordinate descent (liblinear's
// algorithm; Hsieh et al. 2008): exact, no learning rate, converges in a few passes. The bias is
// a constant feature of value 1, regularized like the weights (liblinear's -B 1).
function trainSvm(
  docs: readonly SparseDoc[],
  targets: readonly number[],
  F: number,
  K: number,
  { epochs, c }: { epochs: number; c: number },
  random: () => number,
): LinearWeights {
  const N = docs.length;
  const w = new Float64Array(F * K);
  const b = new Float64Array(K);
  const D = 1 / (2 * c);
  const qii = docs.map((doc) => {
    let sum = 1 + D; // the bias feature, and the squared hinge's diagonal term
    for (const v of doc.vals) sum += v * v;
    return sum;
  });
  const order = Array.from({ length: N }, (_, i) => i);
  const wk = new Float64Array(F);
  const alpha = new Float64Array(N);
  for (let k = 0; k < K; k++) {
    wk.fill(0);
    alpha.fill(0);
    let bk = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, random);
      for (const i of order) {
        const doc = docs[i];
        if (!doc) continue;
        const y = targets[i] === k ? 1 : -1;
        const { cols, vals } = doc;
        let dot = bk;
        for (let j = 0; j < cols.length; j++) dot += (wk[cols[j] ?? 0] ?? 0) * (vals[j] ?? 0);
        const a = alpha[i] ?? 0;
        const g = y * dot - 1 + D * a;
        const pg = a > 0 ? g : Math.min(g, 0);
        if (Math.abs(pg) < 1e-12) continue;
        const next = Math.max(a - g / (qii[i] ?? 1), 0);
        const step = (next - a) * y;
        alpha[i] = next;
        bk += step;
        for (let j = 0; j < cols.length; j++) {
          const col = cols[j] ?? 0;
          wk[col] = (wk[col] ?? 0) + step * (vals[j] ?? 0);
        }
      }
    }
    for (let f = 0; f < F; f++) w[f * K + k] = wk[f] ?? 0;
    b[k] = bk;
  }
  return { w, b };
}

function scoreInto(
  out: Float64Array,
  cols: ArrayLike<number>,
  vals: ArrayLike<number>,
  weights: ArrayLike<number>,
  bias: ArrayLike<number>,
  K: number,
): void {
  for (let k = 0; k < K; k++) out[k] = bias[k] ?? 0;
  for (let j = 0; j < cols.length; j++) {
    const base = (cols[j] ?? 0) * K;
    const v = vals[j] ?? 0;
    for (let k = 0; k < K; k++) out[k] = (out[k] ?? 0) + v * (weights[base + k] ?? 0);
  }
}

function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp((z[k] ?? 0) - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] ?? 0) / sum;
}

// 0 for a word n-gram, 1 for a character n-gram (countFeatures puts them in separate halves).
function blockOf(id: number, hashBits: number): number {
  return id >>> (hashBits - 1) === 0 ? 0 : 1;
}

// Factors that scale the word and character blocks: one L2 norm over both (wordWeight null), or
// each block to unit norm and then weighted, so that the many character n-grams do not drown
// the few word n-grams (a block that is empty in a text gets its weight nowhere).
function blockScales(squares: readonly number[], wordWeight: number | null): [number, number] {
  const word = squares[0] ?? 0;
  const char = squares[1] ?? 0;
  if (wordWeight === null) {
    const norm = Math.sqrt(word + char);
    return norm > 0 ? [1 / norm, 1 / norm] : [0, 0];
  }
  return [word > 0 ? Math.sqrt(wordWeight / word) : 0, char > 0 ? Math.sqrt((1 - wordWeight) / char) : 0];
}

// murmur3's finalizer over an FNV-1a hash, so the low bits we keep are well mixed.
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i] ?? 0;
    items[i] = items[j] ?? 0;
    items[j] = a;
  }
}

// Typed arrays are stored little-endian whatever the host, so a cached model moves between machines.
function toBase64(array: Uint32Array | Float32Array): string {
  const bytes = new Uint8Array(array.length * 4);
  const view = new DataView(bytes.buffer);
  array.forEach((value, i) => {
    if (array instanceof Float32Array) view.setFloat32(i * 4, value, true);
    else view.setUint32(i * 4, value, true);
  });
  return Buffer.from(bytes).toString('base64');
}

function decodeUint32(text: string): Uint32Array {
  const view = decodeBase64(text);
  return Uint32Array.from({ length: view.byteLength / 4 }, (_, i) => view.getUint32(i * 4, true));
}

function decodeFloat32(text: string): Float32Array {
  const view = decodeBase64(text);
  return Float32Array.from({ length: view.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function decodeBase64(text: string): DataView {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new Error('IntentClassifier.fromJSON: corrupt array');
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}
