// A streaming NDJSON reader: splits the body into lines as it arrives, counts bytes and lines against their caps (so a
// huge upload is cut off early instead of buffered), and parses each line on its own, so one bad line is reported
// with its number and reason while the others are kept.
import { TextDecoder } from 'node:util';

/** The caps of one NDJSON body. */
export interface NdjsonLimits {
  maxBytes: number;
  /** Non-blank lines. */
  maxLines: number;
}

/** One non-blank line: its 1-based number in the body and either the parsed value or why it could not be parsed. */
export type NdjsonLine = { line: number; ok: true; value: unknown } | { line: number; ok: false; reason: string };

/** A parsed NDJSON request body (a class, so a route can tell it from a JSON array sent as application/json). */
export class NdjsonBody {
  constructor(readonly lines: NdjsonLine[]) {}
}

/** The body broke a cap; the HTTP layer answers 413. */
export class NdjsonLimitError extends Error {
  readonly statusCode = 413;
  constructor(message: string) {
    super(message);
    this.name = 'NdjsonLimitError';
  }
}

/** Reads NDJSON from a byte stream. Blank lines are skipped (but still counted for line numbers); CRLF is accepted. */
export async function readNdjson(stream: AsyncIterable<Buffer | string>, limits: NdjsonLimits): Promise<NdjsonLine[]> {
  const out: NdjsonLine[] = [];
  let pending: Buffer[] = [];
  let lineNo = 0;
  let total = 0;

  const finishLine = () => {
    lineNo++;
    const bytes = Buffer.concat(pending);
    pending = [];
    const parsed = parseLine(bytes, lineNo);
    if (!parsed) return;
    if (out.length >= limits.maxLines) throw new NdjsonLimitError(`at most ${limits.maxLines} lines per request; send the rest in another request`);
    out.push(parsed);
  };

  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    total += buf.length;
    if (total > limits.maxBytes) throw new NdjsonLimitError(`the body must be at most ${limits.maxBytes} bytes`);
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      pending.push(buf.subarray(start, nl));
      finishLine();
      start = nl + 1;
    }
    if (start < buf.length) pending.push(buf.subarray(start));
  }
  if (pending.some((b) => b.length > 0)) finishLine();
  return out;
}

function parseLine(bytes: Buffer, line: number): NdjsonLine | null {
  let text: string;
  try {
    // Decoded per line, so bad bytes are blamed on their line rather than failing the body.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { line, ok: false, reason: 'not valid UTF-8' };
  }
  if (text.trim() === '') return null;
  try {
    return { line, ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { line, ok: false, reason: `not valid JSON (${(err as Error).message})` };
  }
}
