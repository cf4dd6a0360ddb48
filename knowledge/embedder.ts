// The embedding port and its two implementations: an offline hashing embedder (the default; no download, no
// network) and OpenAI embeddings through LangChain when the deployment configures a key.
import { OpenAIEmbeddings } from '@langchain/openai';
import { normalizeText } from '../nlu/normalize.js';
import { isStopword, tokenize } from './text.js';

/** Turns texts into vectors of a fixed length; `id` names the model so vectors of different models never mix. */
export interface Embedder {
  /** Stable name stored with every chunk, e.g. `hash-ngram-512` or `openai:text-embedding-3-small:1536`. */
  id: string;
  dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
}

/** Options of the hashing embedder. */
export interface HashingEmbedderOptions {
  /** Vector length (default 512; the migration indexes 512 with HNSW). */
  dimensions?: number;
}

// FNV-1a, 32-bit: fast, stable across runs and platforms, good enough spread for feature hashing.
function fnv1a(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function addFeature(vector: Float64Array, feature: string, weight: number): void {
  const h = fnv1a(feature, 0);
  const sign = (fnv1a(feature, 0x9e3779b9) & 1) === 1 ? 1 : -1;
  const slot = h % vector.length;
  vector[slot] = (vector[slot] ?? 0) + sign * weight;
}

/**
 * Embeds one text by feature hashing: each word (weight 1, stopwords 0.2) and each character trigram of a word
 * (weight 0.4, so "allergen" meets "allergens" and Arabic words meet their prefixed forms) goes to a signed slot;
 * Han text arrives as character bigrams from `tokenize`. The vector is l2-normalized, so cosine = dot product.
 */
export function hashEmbed(text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  for (const token of tokenize(normalizeText(text))) {
    addFeature(vector, `w:${token}`, isStopword(token) ? 0.2 : 1);
    const chars = [...`<${token}>`];
    if (chars.length <= 5) continue; // short words and Han bigrams: the word feature says it all
    for (let i = 0; i + 3 <= chars.length; i++) addFeature(vector, `c:${chars.slice(i, i + 3).join('')}`, 0.4);
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  return Array.from(vector, (v) => (norm > 0 ? v / norm : 0));
}

/**
 * The offline default: hashed word and character n-gram vectors. It measures lexical overlap (shared words and word
 * pieces after normalization), not meaning: "shut" does not meet "closed", and languages do not meet each other.
 */
export function createHashingEmbedder(options: HashingEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 512;
  if (!Number.isSafeInteger(dimensions) || dimensions < 8 || dimensions > 16_000) throw new Error('hashing embedder dimensions must be 8..16000');
  return {
    id: `hash-ngram-${dimensions}`,
    dimensions,
    embed: (texts) => Promise.resolve(texts.map((t) => hashEmbed(t, dimensions))),
  };
}

/** Configuration of the OpenAI embedder; the caller reads OPENAI_API_KEY / OPENAI_BASE_URL and passes them in. */
export interface OpenAIEmbedderOptions {
  apiKey: string;
  /** An OpenAI-compatible endpoint, e.g. `http://127.0.0.1:8080/v1`; the official API when absent. */
  baseUrl?: string | undefined;
  /** Default `text-embedding-3-small`. */
  model?: string | undefined;
  /** Vector length: the model's native size (1536 for text-embedding-3-small) unless the model can shorten. */
  dimensions?: number | undefined;
  /** Texts per request (default 128). */
  batchSize?: number | undefined;
  /** Retries on transient failures (default 2). */
  maxRetries?: number | undefined;
  /** Per-request time limit in ms (default: the SDK's, ten minutes); a chat turn's query embedder needs a short one. */
  timeoutMs?: number | undefined;
}

/** Embeddings from an OpenAI-compatible `/v1/embeddings` endpoint, through LangChain's `OpenAIEmbeddings`. */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const model = options.model ?? 'text-embedding-3-small';
  const dimensions = options.dimensions ?? 1536;
  const client = new OpenAIEmbeddings({
    apiKey: options.apiKey,
    model,
    // Only ask the API to shorten vectors when the caller chose a size; older models reject the parameter.
    ...(options.dimensions !== undefined ? { dimensions: options.dimensions } : {}),
    batchSize: options.batchSize ?? 128,
    maxRetries: options.maxRetries ?? 2,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    configuration: options.baseUrl ? { baseURL: options.baseUrl } : {},
  });
  return {
    id: `openai:${model}:${dimensions}`,
    dimensions,
    embed: async (texts) => {
      if (texts.length === 0) return [];
      const vectors = await client.embedDocuments(texts);
      for (const v of vectors) {
        if (v.length !== dimensions) throw new Error(`embedding model ${model} returned ${v.length} dimensions, expected ${dimensions}`);
      }
      return vectors;
    },
  };
}
