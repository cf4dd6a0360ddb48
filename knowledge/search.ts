// Hybrid retrieval: PostgreSQL full-text search and pgvector similarity, each ranking up to CANDIDATES chunks of
// one brand, language and embedder, fused by reciprocal rank (RRF). One SQL statement does it all; ties break on
// the chunk's content hash, so results do not depend on random row ids.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../db/index.js';
import type { CoreDeps } from '../core/shared/index.js';
import type { Embedder } from './embedder.js';
import { queryTerms } from './text.js';

/** RRF's k: a rank-r hit scores 1 / (k + r). 60 is the value of Cormack et al. and keeps one list from dominating. */
export const RRF_K = 60;
/** The text ranker ranks at most about this many matching chunks; a query's commonest words are dropped to stay under it. */
export const MAX_TEXT_MATCHES = 1000;
/** How many chunks each ranker contributes to the fusion. */
export const CANDIDATES = 40;

/** A search request. */
export interface SearchInput {
  brandId: string;
  /** `en`, `ar`, `zh-Hant`…; a bare tag (`zh`) also matches its regional folders (`zh-Hant`). */
  language: string;
  query: string;
  embedder: Embedder;
  /** Default 5. */
  limit?: number;
}

/** One retrieved chunk. */
export interface SearchHit {
  chunkId: string;
  /** The chunk's heading path or FAQ question. */
  title: string;
  text: string;
  /** The file it came from, relative to the KB folder (`en/delivery.yml`). */
  source: string;
  /** The document's title. */
  sourceTitle: string;
  /** The fused RRF score (higher is better). */
  score: number;
  /** Cosine similarity to the query, when the chunk was among the vector candidates. */
  similarity: number | undefined;
  vectorRank: number | undefined;
  textRank: number | undefined;
}

/** Fuses ranked id lists by reciprocal rank (the SQL of `searchSql` does the same; this is its reference): score(id) = Σ 1 / (k + rank), ranks from 1. Ties keep first-seen order. */
export function reciprocalRankFusion(lists: string[][], k = RRF_K): Array<{ id: string; score: number }> {
  const scores = new Map<string, number>();
  for (const list of lists) list.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + i + 1)));
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}

function checkDimensions(embedder: Embedder): number {
  if (!Number.isSafeInteger(embedder.dimensions) || embedder.dimensions < 1 || embedder.dimensions > 16_000) {
    throw new Error(`embedder ${embedder.id} has an invalid dimension ${embedder.dimensions}`);
  }
  return embedder.dimensions;
}

/** The chunks of a brand's knowledge base that best answer `query` in `language`, best first. */
export async function searchKnowledge(deps: CoreDeps, input: SearchInput): Promise<SearchHit[]> {
  const dims = checkDimensions(input.embedder);
  const [vector] = await input.embedder.embed([input.query]);
  if (!vector || vector.length !== dims) throw new Error(`embedder ${input.embedder.id} returned no vector of ${dims} dimensions`);
  const result = await deps.db.execute(searchSql(input, vector));
  return toHits(result);
}

/** The one statement of a hybrid search for `input` with the query's `vector` (exported for EXPLAIN in the bench). */
export function searchSql(input: SearchInput, vector: number[]): SQL {
  const limit = input.limit ?? 5;
  const dims = checkDimensions(input.embedder);
  const literal = `[${vector.join(',')}]`;
  const terms = queryTerms(input.query);
  // The cast must read exactly like the partial HNSW index's expression (`embedding::vector(512)`) for the
  // planner to use it; the dimension is a checked integer, so it is safe to inline.
  const cast = sql.raw(`::vector(${dims})`);
  const lang = input.language;
  const langFilter = lang.includes('-') ? sql`c.language = ${lang}` : sql`(c.language = ${lang} or c.language like ${`${lang}-%`})`;
  const termLang = lang.includes('-') ? sql`k.language = ${lang}` : sql`(k.language = ${lang} or k.language like ${`${lang}-%`})`;
  // The query's topic words, as PostgreSQL's own parser makes lexemes of them, rarest first (by the brand's
  // kb_terms statistics) while their chunks add up to at most MAX_TEXT_MATCHES: a word in most chunks says little
  // and costs the most to rank. Words the KB does not contain drop out here too.
  const textBranch =
    terms.length > 0
    ? sql`select id, row_number() over (order by rank desc, tie, id) as rk from (
          select c.id, c.content_hash as tie, ts_rank_cd(c.tsv, q.q) as rank
          from kb_chunks c, (
            select to_tsquery('simple', string_agg(quote_literal(term), ' | ')) as q from (
              select term, sum(df) over (order by df, term) as running from (
                select k.term, sum(k.df) as df
                from unnest(tsvector_to_array(to_tsvector('simple', ${terms.join(' ')}))) as qt(term)
                join kb_terms k on k.brand_id = ${input.brandId} and ${termLang} and k.term = qt.term
                group by k.term) d) r
            where running <= ${MAX_TEXT_MATCHES}
            having count(*) > 0) q
          where c.brand_id = ${input.brandId} and ${langFilter} and c.embedder = ${input.embedder.id} and c.tsv @@ q.q
          order by rank desc, c.content_hash, c.id limit ${CANDIDATES}) t`
    : sql`select null::uuid as id, 0::bigint as rk where false`;
  return sql`
    with v as (
      select id, dist, row_number() over (order by dist, tie, id) as rk from (
        select c.id, c.content_hash as tie, (c.embedding${cast}) <=> (${literal}${cast}) as dist
        from kb_chunks c
        where c.embedder = ${input.embedder.id} and c.brand_id = ${input.brandId} and ${langFilter}
        order by (c.embedding${cast}) <=> (${literal}${cast}) limit ${CANDIDATES}) x
    ),
    t as (${textBranch}),
    fused as (
      select coalesce(v.id, t.id) as id, v.dist, v.rk as vrk, t.rk as trk,
        coalesce(1.0 / (${RRF_K} + v.rk), 0) + coalesce(1.0 / (${RRF_K} + t.rk), 0) as score
      from v full outer join t on v.id = t.id
    )
    select c.id, c.title, c.body, f.path, f.title as doc_title, fused.score::float8 as score,
      (1 - fused.dist)::float8 as similarity, fused.vrk::int as vrk, fused.trk::int as trk
    from fused join kb_chunks c on c.id = fused.id join kb_files f on f.id = c.file_id
    order by fused.score desc, fused.dist nulls last, c.content_hash, c.id
    limit ${limit}`;
}

function toHits(result: unknown): SearchHit[] {
  return rowsOf<{
    id: string;
    title: string;
    body: string;
    path: string;
    doc_title: string;
    score: number;
    similarity: number | null;
    vrk: number | null;
    trk: number | null;
  }>(result).map((r) => ({
    chunkId: r.id,
    title: r.title,
    text: r.body,
    source: r.path,
    sourceTitle: r.doc_title,
    score: Number(r.score),
    similarity: r.similarity === null ? undefined : Number(r.similarity),
    vectorRank: r.vrk ?? undefined,
    textRank: r.trk ?? undefined,
  }));
}

/**
 * Minimum cosine similarity of the best hit for a confident answer, per embedder; tuned on the dev half of
 * knowledge/sample/questions.yml (see knowledge/README.md). Unknown embedders use DEFAULT_MIN_SIMILARITY.
 */
export const MIN_SIMILARITY: Readonly<Record<string, number>> = { 'hash-ngram-512': 0.2 };
/** The threshold for embedders not in MIN_SIMILARITY. */
export const DEFAULT_MIN_SIMILARITY = 0.3;

/** A confident answer, or `{ confident: false }` with the best guess for logs and hand-off. */
export type KnowledgeAnswer =
  | { confident: true; answer: string; title: string; sourceTitle: string; source: string; chunkId: string; similarity: number }
  | { confident: false; best?: SearchHit | undefined };

/** Answers from the best hit when its similarity clears the embedder's threshold (or `minSimilarity`). */
export async function answerFromKnowledge(deps: CoreDeps, input: SearchInput & { minSimilarity?: number }): Promise<KnowledgeAnswer> {
  const hits = await searchKnowledge(deps, { ...input, limit: input.limit ?? 3 });
  const best = hits[0];
  const threshold = input.minSimilarity ?? MIN_SIMILARITY[input.embedder.id] ?? DEFAULT_MIN_SIMILARITY;
  if (!best || best.similarity === undefined || best.similarity < threshold) return { confident: false, best };
  // The hashing embedder is lexical: without a single shared word its similarity comes from character n-grams
  // (and hash collisions) alone, which made gibberish like "asdkjh qwe" look like the loyalty terms.
  if (input.embedder.id.startsWith('hash-') && best.textRank === undefined) return { confident: false, best };
  return {
    confident: true,
    answer: best.text,
    title: best.title,
    sourceTitle: best.sourceTitle,
    source: best.source,
    chunkId: best.chunkId,
    similarity: best.similarity,
  };
}
