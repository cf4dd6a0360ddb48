// A small linear intent classifier: hashed TF-IDF over word and character n-grams feeding a
// softmax regression. Linear models on these features are the strong, cheap baseline for
// short-text intent classification (well above NLP.js's defaults on BANKING77), train in
// milliseconds, and need no native dependency or model download.

/** Settings for training; every field has a default chosen on our held-out lists. */
export interface ClassifierOptions {
  /** Size of the hashed feature space as a power of two. */
  hashBits?: number;
  /** Shortest and longest character n-gram taken inside each word. */
  charNgrams?: readonly [number, number];
  /** Passes over the training data. */
  epochs?: number;
  /** AdaGrad base learning rate. */
  learningRate?: number;
  /** L2 penalty on the weights of the features present in each example. */
  l2?: number;
  /** Seed for the shuffling, so that training is reproducible. */
  seed?: number;
}

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

const FORMAT = 'intent-classifier/v1';

const DEFAULTS = {
  hashBits: 18,
  charNgrams: [2, 4] as const,
  epochs: 20,
  learningRate: 0.2,
  l2: 3e-3,
  seed: 1,
};

// Constructing a segmenter is costly; segmenting with one is cheap. ICU's word breaker splits
// Han text with its dictionary whatever the locale, so one instance serves all languages.
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** Trains a classifier on labelled texts; deterministic for the same examples, order and options. */
export function trainClassifier(examples: readonly LabelledText[], options: ClassifierOptions = {}): IntentClassifier {
  const hashBits = options.hashBits ?? DEFAULTS.hashBits;
  const charNgrams: [number, number] = [...(options.charNgrams ?? DEFAULTS.charNgrams)];
  const epochs = options.epochs ?? DEFAULTS.epochs;
  const learningRate = options.learningRate ?? DEFAULTS.learningRate;
  const l2 = options.l2 ?? DEFAULTS.l2;
  if (examples.length === 0) throw new Error('trainClassifier: no examples');

  const labels = [...new Set(examples.map((e) => e.intent))].sort();
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const K = labels.length;

  // Vocabulary: only features seen in training get a column; the rest of the hashed space
  // stays implicit, which keeps the model (and its JSON) small.
  const counted = examples.map((e) => countFeatures(e.text, hashBits, charNgrams));
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
    for (const [id, count] of counts) {
      const col = column.get(id);
      if (col === undefined) continue;
      cols.push(col);
      vals.push((1 + Math.log(count)) * (idf[col] ?? 0));
    }
    normalizeL2(vals);
    return { cols: Int32Array.from(cols), vals: Float64Array.from(vals) };
  });
  const targets = examples.map((e) => labelIndex.get(e.intent) ?? 0);

  const F = featureIds.length;
  const w = new Float64Array(F * K);
  const b = new Float64Array(K);
  const gw = new Float64Array(F * K);
  const gb = new Float64Array(K);
  const probs = new Float64Array(K);
  const order = Array.from({ length: N }, (_, i) => i);
  const random = mulberry32(options.seed ?? DEFAULTS.seed);
  const EPS = 1e-8;

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
      for (let j = 0; j < doc.cols.length; j++) {
        const base = (doc.cols[j] ?? 0) * K;
        const v = doc.vals[j] ?? 0;
        for (let k = 0; k < K; k++) {
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

  return new IntentClassifier({
    hashBits,
    charNgrams,
    labels,
    documents: N,
    featureIds,
    idf,
    weights: Float32Array.from(w),
    bias: Float32Array.from(b),
  });
}

interface ModelParts {
  hashBits: number;
  charNgrams: [number, number];
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
    const { hashBits, charNgrams, labels, idf, weights, bias } = this.#parts;
    const K = labels.length;
    const cols: number[] = [];
    const vals: number[] = [];
    let sumSquares = 0;
    for (const [id, count] of countFeatures(text, hashBits, charNgrams)) {
      const col = this.#column.get(id);
      const value = (1 + Math.log(count)) * (col === undefined ? this.#unseenIdf : (idf[col] ?? 0));
      sumSquares += value * value;
      if (col === undefined) continue;
      cols.push(col);
      vals.push(value);
    }
    const norm = Math.sqrt(sumSquares);
    if (norm > 0) for (let j = 0; j < vals.length; j++) vals[j] = (vals[j] ?? 0) / norm;

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
      charNgrams: [...p.charNgrams],
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

// Hashed feature id → count for one text: word unigrams, word bigrams with start/end markers
// (so "no" alone differs from "no" inside a sentence), and character n-grams of each word
// padded with spaces (robust to typos, inflection, Arabic clitics and segmentation slips).
function countFeatures(text: string, hashBits: number, [minN, maxN]: readonly [number, number]): Map<number, number> {
  const counts = new Map<number, number>();
  const mask = (1 << hashBits) - 1;
  const add = (feature: string): void => {
    const id = (hash32(feature) & mask) >>> 0;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  const words = tokenize(text);
  let previous = '\u0002';
  for (const word of words) {
    add(`w\u0001${word}`);
    add(`b\u0001${previous}\u0001${word}`);
    previous = word;
    const chars = [...` ${word} `];
    for (let n = minN; n <= maxN; n++) {
      for (let start = 0; start + n <= chars.length; start++) add(`c\u0001${chars.slice(start, start + n).join('')}`);
    }
  }
  if (words.length > 0) add(`b\u0001${previous}\u0001\u0003`);
  return counts;
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

function normalizeL2(values: number[]): void {
  let sumSquares = 0;
  for (const v of values) sumSquares += v * v;
  const norm = Math.sqrt(sumSquares);
  if (norm > 0) for (let j = 0; j < values.length; j++) values[j] = (values[j] ?? 0) / norm;
}

// FNV-1a over UTF-16 code units, then murmur3's finalizer so the low bits we keep are well mixed.
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
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
