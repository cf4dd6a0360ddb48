// Splits knowledge-base files into retrievable chunks. Markdown splits at headings, and each chunk carries its
// heading path as its title, so a chunk never loses what it is about; long sections split further at paragraph
// breaks, each part keeping the title. FAQ files (YAML) give one chunk per question/answer pair.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** One chunk before embedding. */
export interface ParsedChunk {
  /** Heading path ("Opening hours › Ramadan") or the FAQ question. */
  title: string;
  /** The section text, or the FAQ answer. */
  body: string;
}

/** A parsed file: its document title and chunks. */
export interface ParsedDocument {
  title: string;
  chunks: ParsedChunk[];
}

/** Sections longer than this split at paragraph breaks. */
export const MAX_CHUNK_CHARS = 1200;

/** Thrown for a file that cannot be read as a knowledge-base document; the message says why. */
export class KnowledgeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KnowledgeFileError';
  }
}

/** True for the file names ingest reads as FAQ files. */
export function isFaqFile(path: string): boolean {
  return /\.(ya?ml)$/i.test(path);
}

/** True for the file names ingest reads as Markdown. */
export function isMarkdownFile(path: string): boolean {
  return /\.(md|markdown)$/i.test(path);
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

/** Splits Markdown into heading sections; the first `#` heading (or `fallbackTitle`) is the document title. */
export function chunkMarkdown(text: string, fallbackTitle: string): ParsedDocument {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const stack: Array<{ level: number; heading: string }> = [];
  let docTitle: string | undefined;
  let body: string[] = [];
  let inFence = false;
  const chunks: ParsedChunk[] = [];
  const flush = (): void => {
    const section = body.join('\n').trim();
    body = [];
    if (!section) return;
    const title = stack.length > 0 ? stack.map((h) => h.heading).join(' › ') : (docTitle ?? fallbackTitle);
    for (const part of splitLong(section)) chunks.push({ title, body: part });
  };
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const m = inFence ? null : HEADING.exec(line);
    if (!m) {
      body.push(line);
      continue;
    }
    flush();
    const level = (m[1] ?? '#').length;
    const heading = (m[2] ?? '').trim();
    if (level === 1 && docTitle === undefined) docTitle = heading;
    while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
    stack.push({ level, heading });
  }
  flush();
  return { title: docTitle ?? fallbackTitle, chunks };
}

// Paragraph-aligned parts of at most MAX_CHUNK_CHARS; a single paragraph over the limit splits at sentence ends.
function splitLong(section: string): string[] {
  if (section.length <= MAX_CHUNK_CHARS) return [section];
  const pieces = section.split(/\n\s*\n/).flatMap((p) => (p.length <= MAX_CHUNK_CHARS ? [p] : (p.match(/[^.!?。！？]+[.!?。！？]*\s*/gu) ?? [p])));
  const parts: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const next = current ? `${current}\n\n${piece.trim()}` : piece.trim();
    if (next.length > MAX_CHUNK_CHARS && current) {
      parts.push(current);
      current = piece.trim();
    } else {
      current = next;
    }
  }
  if (current) parts.push(current);
  return parts.flatMap((p) => (p.length <= MAX_CHUNK_CHARS ? [p] : hardSplit(p)));
}

function hardSplit(text: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += MAX_CHUNK_CHARS) parts.push(text.slice(i, i + MAX_CHUNK_CHARS));
  return parts;
}

const faqPair = z.object({ q: z.string().trim().min(1), a: z.string().trim().min(1) }).strict();
const faqList = z.array(faqPair).min(1);
const faqDoc = z.object({ title: z.string().trim().min(1).optional(), faq: faqList }).strict();

/**
 * Reads a FAQ file: a YAML list of `{ q, a }` pairs, or `{ title, faq: [{ q, a }, …] }`. Throws a
 * `KnowledgeFileError` naming the problem (YAML syntax with its line, or the first bad entry).
 */
export function chunkFaq(text: string, fallbackTitle: string): ParsedDocument {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true, maxAliasCount: 50 });
  } catch (error) {
    throw new KnowledgeFileError(`invalid YAML: ${(error as Error).message.split('\n')[0] ?? 'parse error'}`);
  }
  // Pick the shape first, so the error points at the bad entry rather than at "matches neither shape".
  const parsed = Array.isArray(data) ? faqList.safeParse(data) : faqDoc.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new KnowledgeFileError(`not a FAQ file (expected a list of { q, a } pairs)${where}: ${issue?.message ?? 'invalid'}`);
  }
  const doc = parsed.data;
  const pairs = Array.isArray(doc) ? doc : doc.faq;
  const title = Array.isArray(doc) ? fallbackTitle : (doc.title ?? fallbackTitle);
  return { title, chunks: pairs.map((p) => ({ title: p.q, body: p.a })) };
}
