// Reading a CSV file as a stream of records with their line numbers, and writing the rejects file. Reading is
// pulled (`for await`), so a slow database pauses the file instead of buffering it in memory.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { parse, type CsvError } from 'csv-parse';
import { AppError } from '../shared/index.js';

/** One data record: its line in the file (the header is line 1) and its fields in header order (see `columnReader`). */
export interface CsvRecord {
  line: number;
  raw: string[];
}

/** Reads a record's field by column name ('' when the header has no such column); built once per file. */
export function columnReader(header: readonly string[]): (record: CsvRecord, column: string) => string {
  const index = new Map(header.map((h, i) => [h, i]));
  return (record, column) => {
    const i = index.get(column);
    return i === undefined ? '' : (record.raw[i] ?? '');
  };
}

/** Where an import stands; `bytesRead` / `totalBytes` is the fraction done. */
export interface ImportProgress {
  phase: 'reading' | 'merging' | 'done';
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
  rejected: number;
}

/** A bad row of the input: the reason and the row as it was read. */
export interface Reject {
  line: number;
  reason: string;
  raw: string[];
}

/**
 * Streams the records of a CSV file with a header row. Rows the parser cannot read (a stray quote) or with the
 * wrong number of fields come out as rejects instead of stopping the import.
 */
export async function* readCsv(
  file: string,
  opts: { required: (columns: readonly string[]) => string | null; onHeader: (columns: readonly string[]) => void; onBytes?: (bytes: number) => void },
): AsyncGenerator<CsvRecord | Reject> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  input.on('data', (chunk) => {
    bytes += chunk.length;
    opts.onBytes?.(bytes);
  });
  // Unreadable rows, with how many records the parser had produced before each (to number the records after it).
  const skipped: Array<{ after: number; reject: Reject }> = [];
  let produced: { records: number } = { records: 0 };
  const parser = input.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined, raw: string | undefined) => {
        const line = Number((err as { lines?: unknown } | undefined)?.lines ?? 0);
        skipped.push({ after: produced.records, reject: { line, reason: `malformed_csv: ${err?.code ?? 'unreadable'}`, raw: raw === undefined ? [] : [raw] } });
        return undefined;
      },
    }),
  );
  produced = parser.info;
  // A read error (missing file) must end the loop below, not hang it.
  input.on('error', (err) => parser.destroy(err));
  let header: string[] | undefined;
  // Records are numbered rather than asked for their physical line: the parser's per-record line info (`info`,
  // `on_record`) copies an object per record, a measurable cost at a million rows. The number is the file line
  // unless a quoted field holds a line break or the file has blank lines.
  let n = 0;
  let skippedBefore = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    n++;
    while (skipped.length > 0 && skipped[0]!.after < n) {
      skippedBefore++;
      yield skipped.shift()!.reject;
    }
    const line = n + skippedBefore;
    if (!header) {
      header = record.map((h) => h.trim().toLowerCase());
      const problem = opts.required(header);
      if (problem) throw new AppError('INVALID_INPUT', `${file}: ${problem}`);
      opts.onHeader(header);
      continue;
    }
    if (record.length !== header.length) {
      yield { line, reason: `wrong_column_count: ${record.length} fields, header has ${header.length}`, raw: record };
      continue;
    }
    // No per-record object keyed by column: at a million rows the allocation shows in the garbage collector.
    yield { line, raw: record };
  }
  for (const s of skipped) yield s.reject;
  if (!header) throw new AppError('INVALID_INPUT', `${file}: the file is empty (a header row is required)`);
}

/** Size of a file, for progress. */
export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

/** Writes rejected rows as CSV (line, reason, then the row's own fields), waiting when the disk is slower. */
export class RejectsWriter {
  private readonly out: WriteStream;
  private count = 0;

  constructor(file: string) {
    this.out = createWriteStream(file);
    this.out.write('line,reason,row\n');
  }

  /** Rows written so far. */
  get written(): number {
    return this.count;
  }

  /** Appends one rejected row. */
  async write(r: Reject): Promise<void> {
    this.count++;
    const line = `${r.line},${csvField(r.reason)},${csvField(r.raw.map(csvField).join(','))}\n`;
    if (!this.out.write(line)) await once(this.out, 'drain');
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** True when a stream item is a rejected row. */
export function isReject(item: CsvRecord | Reject): item is Reject {
  return 'reason' in item;
}
