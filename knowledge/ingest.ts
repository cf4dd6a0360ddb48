// Ingests a folder of knowledge-base files for one brand: `<dir>/<language>/…/*.md` and `*.yml` FAQ files. It is
// incremental: an unchanged file (same sha256, same embedder) costs no writes; a changed file keeps the rows and
// embeddings of its unchanged chunks and re-embeds only the rest; a file gone from the folder loses its chunks. A
// malformed or oversized file is reported and skipped (its previous chunks stay), and the others still ingest.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { schema } from '../db/index.js';
import type { CoreDeps } from '../core/shared/index.js';
import { chunkFaq, chunkMarkdown, isFaqFile, isMarkdownFile, KnowledgeFileError, type ParsedDocument } from './chunking.js';
import type { Embedder } from './embedder.js';
import { searchTextOf } from './text.js';

/** Files larger than this are refused by default (a KB file is prose, not a data dump). */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024;

/** What to ingest. */
export interface IngestInput {
  brandId: string;
  /** The knowledge-base folder: one sub-folder per language (`en`, `ar`, `zh-Hant`). */
  dir: string;
  embedder: Embedder;
  maxFileBytes?: number;
}

/** What happened to one file. */
export interface IngestFileResult {
  /** Path relative to the folder, with forward slashes. */
  path: string;
  language: string | undefined;
  status: 'added' | 'updated' | 'unchanged' | 'deleted' | 'error' | 'skipped';
  /** Chunks the file has now (for `deleted`, the chunks it had). */
  chunks: number;
  /** Chunks embedded and written in this run. */
  embedded: number;
  /** Old chunks removed in this run. */
  removed: number;
  /** Why the file was refused or skipped. */
  error?: string;
}

/** The outcome of one ingest run. */
export interface IngestReport {
  brandId: string;
  embedder: string;
  files: IngestFileResult[];
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  errors: number;
  chunksEmbedded: number;
  chunksRemoved: number;
}

interface StoredChunk {
  id: string;
  fileId: string;
  contentHash: string;
  embedder: string;
  ordinal: number;
}

const LANGUAGE_FOLDER = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const EMBED_BATCH = 64;
const INSERT_BATCH = 200;

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The text a chunk is embedded and searched by: its document title (unless the title already starts with it), heading or question, and body. */
export function chunkText(docTitle: string, title: string, body: string): string {
  const head = title === docTitle || title.startsWith(`${docTitle} › `) ? title : `${docTitle} › ${title}`;
  return `${head}\n${body}`;
}

/** Ingests `dir` for `brandId` with `embedder`, updating only what changed; returns a report of every file. */
export async function ingestKnowledge(deps: CoreDeps, input: IngestInput): Promise<IngestReport> {
  const { brandId, embedder } = input;
  const maxBytes = input.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const paths = await listFiles(input.dir);
  const f = schema.kbFiles;
  const c = schema.kbChunks;
  const storedFiles = new Map((await deps.db.select().from(f).where(eq(f.brandId, brandId))).map((row) => [row.path, row]));
  const storedChunks = new Map<string, StoredChunk[]>();
  const chunkRows = await deps.db
    .select({ id: c.id, fileId: c.fileId, contentHash: c.contentHash, embedder: c.embedder, ordinal: c.ordinal })
    .from(c)
    .where(eq(c.brandId, brandId));
  for (const row of chunkRows) storedChunks.set(row.fileId, [...(storedChunks.get(row.fileId) ?? []), row]);

  const results: IngestFileResult[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    if (parts.length < 2) {
      results.push({ path, language: undefined, status: 'skipped', chunks: 0, embedded: 0, removed: 0, error: 'not in a language folder' });
      continue;
    }
    const language = parts[0] ?? '';
    seen.add(path);
    try {
      if (!LANGUAGE_FOLDER.test(language)) throw new KnowledgeFileError(`folder "${language}" is not a language tag (e.g. en, ar, zh-Hant)`);
      const full = join(input.dir, ...parts);
      const size = (await stat(full)).size;
      if (size > maxBytes) throw new KnowledgeFileError(`file is ${size} bytes, over the limit of ${maxBytes}`);
      const bytes = await readFile(full);
      const hash = sha256(bytes);
      const stored = storedFiles.get(path);
      const old = stored ? (storedChunks.get(stored.id) ?? []) : [];
      if (stored && stored.contentHash === hash && stored.language === language && old.length > 0 && old.every((o) => o.embedder === embedder.id)) {
        results.push({ path, language, status: 'unchanged', chunks: old.length, embedded: 0, removed: 0 });
        continue;
      }
      const doc = parseFile(path, bytes);
      const outcome = await writeFile(deps, { brandId, path, language, hash, doc, embedder, stored, old });
      results.push({ path, language, status: stored ? 'updated' : 'added', ...outcome });
    } catch (error) {
      if (!(error instanceof KnowledgeFileError)) throw error;
      deps.log.warn({ brandId, path, reason: error.message }, 'knowledge file refused');
      results.push({ path, language, status: 'error', chunks: 0, embedded: 0, removed: 0, error: error.message });
    }
  }

  for (const [path, stored] of storedFiles) {
    if (seen.has(path)) continue;
    await deps.db.delete(f).where(and(eq(f.id, stored.id), eq(f.brandId, brandId)));
    const had = storedChunks.get(stored.id)?.length ?? 0;
    results.push({ path, language: stored.language, status: 'deleted', chunks: had, embedded: 0, removed: had });
  }

  const count = (status: IngestFileResult['status']): number => results.filter((r) => r.status === status).length;
  if (count('added') + count('updated') + count('deleted') > 0) await refreshTermStats(deps, brandId);
  const report: IngestReport = {
    brandId,
    embedder: embedder.id,
    files: results,
    added: count('added'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    deleted: count('deleted'),
    errors: count('error'),
    chunksEmbedded: results.reduce((n, r) => n + r.embedded, 0),
    chunksRemoved: results.reduce((n, r) => n + r.removed, 0),
  };
  deps.log.info({ ...report, files: undefined }, 'knowledge ingested');
  return report;
}

/** Rebuilds the brand's term document frequencies (`kb_terms`) from its chunks' full-text vectors. */
export async function refreshTermStats(deps: CoreDeps, brandId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx.delete(schema.kbTerms).where(eq(schema.kbTerms.brandId, brandId));
    await tx.execute(sql`
      insert into kb_terms (brand_id, language, term, df)
      select ${brandId}, language, term, count(*)::int
      from kb_chunks, unnest(tsvector_to_array(tsv)) as term
      where brand_id = ${brandId}
      group by language, term`);
  });
}

function parseFile(path: string, bytes: Buffer): ParsedDocument {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new KnowledgeFileError('not valid UTF-8 text');
  }
  if (text.includes('\u0000')) throw new KnowledgeFileError('binary content (NUL bytes) in a text file');
  const fallbackTitle = basename(path).replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ');
  const doc = isFaqFile(path) ? chunkFaq(text, fallbackTitle) : chunkMarkdown(text, fallbackTitle);
  if (doc.chunks.length === 0) throw new KnowledgeFileError('no content to index');
  return doc;
}

async function writeFile(
  deps: CoreDeps,
  input: {
    brandId: string;
    path: string;
    language: string;
    hash: string;
    doc: ParsedDocument;
    embedder: Embedder;
    stored: { id: string } | undefined;
    old: StoredChunk[];
  },
): Promise<{ chunks: number; embedded: number; removed: number }> {
  const { brandId, language, doc, embedder } = input;
  const wanted = doc.chunks.map((chunk, ordinal) => {
    const text = chunkText(doc.title, chunk.title, chunk.body);
    return { ...chunk, ordinal, text, contentHash: sha256(text) };
  });
  // Old chunks with the same text and embedder keep their row and vector; each old row serves one new chunk.
  const reusable = new Map<string, StoredChunk[]>();
  for (const o of input.old) if (o.embedder === embedder.id) reusable.set(o.contentHash, [...(reusable.get(o.contentHash) ?? []), o]);
  const kept: Array<{ id: string; ordinal: number; was: number }> = [];
  const fresh: typeof wanted = [];
  for (const w of wanted) {
    const match = reusable.get(w.contentHash)?.shift();
    if (match) kept.push({ id: match.id, ordinal: w.ordinal, was: match.ordinal });
    else fresh.push(w);
  }
  const keptIds = new Set(kept.map((k) => k.id));
  const removed = input.old.filter((o) => !keptIds.has(o.id)).map((o) => o.id);

  const vectors: number[][] = [];
  for (let i = 0; i < fresh.length; i += EMBED_BATCH) {
    const batch = fresh.slice(i, i + EMBED_BATCH);
    const out = await embedder.embed(batch.map((w) => w.text));
    if (out.length !== batch.length || out.some((v) => v.length !== embedder.dimensions)) {
      throw new Error(`embedder ${embedder.id} returned ${out.length} vectors for ${batch.length} texts or a wrong dimension`);
    }
    vectors.push(...out);
  }

  const now = deps.clock.now();
  const f = schema.kbFiles;
  const c = schema.kbChunks;
  await deps.db.transaction(async (tx) => {
    let fileId = input.stored?.id;
    if (fileId) {
      await tx.update(f).set({ contentHash: input.hash, title: doc.title, language, updatedAt: now }).where(eq(f.id, fileId));
    } else {
      const [row] = await tx
        .insert(f)
        .values({ brandId, path: input.path, language, title: doc.title, contentHash: input.hash, createdAt: now, updatedAt: now })
        .returning({ id: f.id });
      fileId = row?.id;
    }
    if (!fileId) throw new Error('knowledge file insert returned no row');
    for (let i = 0; i < removed.length; i += INSERT_BATCH) await tx.delete(c).where(inArray(c.id, removed.slice(i, i + INSERT_BATCH)));
    for (const k of kept) {
      if (k.ordinal !== k.was) await tx.update(c).set({ ordinal: k.ordinal, language, updatedAt: now }).where(eq(c.id, k.id));
    }
    const rows = fresh.map((w, i) => ({
      fileId: fileId,
      brandId,
      language,
      ordinal: w.ordinal,
      title: w.title,
      body: w.body,
      contentHash: w.contentHash,
      embedder: embedder.id,
      dimensions: embedder.dimensions,
      embedding: vectors[i] ?? [],
      searchText: searchTextOf(w.text),
      createdAt: now,
      updatedAt: now,
    }));
    for (let i = 0; i < rows.length; i += INSERT_BATCH) await tx.insert(c).values(rows.slice(i, i + INSERT_BATCH));
  });
  return { chunks: wanted.length, embedded: fresh.length, removed: removed.length };
}

// Every Markdown and YAML file under `dir`, as sorted relative paths with forward slashes; dot-files are ignored.
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && (isMarkdownFile(entry.name) || isFaqFile(entry.name))) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}
