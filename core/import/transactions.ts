// Historical purchases from CSV, one row per receipt line, through bulk ingest: the same rules as a live purchase
// (members by code or verified phone, earning, pending points, bonuses), and idempotent per store and receipt id,
// so a second run of the same file is all replays and changes nothing.
import type { CountryCode } from 'libphonenumber-js/max';
import { eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { ingestTransactions } from '../pos/index.js';
import type { TransactionInput, TransactionResult } from '../pos/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';
import { columnReader, fileSize, isReject, readCsv, RejectsWriter, type CsvRecord, type ImportProgress } from './csv-source.js';
import { normalizeCount, normalizePhone } from './normalize.js';

/** What to import. */
export interface ImportTransactionsInput {
  brandId: string;
  /** CSV with a header row, one row per receipt line; see core/import/README.md. */
  file: string;
  rejectsFile: string;
  onProgress?: (p: ImportProgress) => void;
  /** Purchases per database transaction (default 1,000). */
  batchSize?: number;
}

/** What an import did. */
export interface ImportTransactionsResult {
  rows: number;
  /** Purchases read (consecutive rows with one store and receipt id are one purchase). */
  transactions: number;
  recorded: number;
  /** Purchases already stored with the same contents (a re-run). */
  replayed: number;
  /** Recorded purchases that matched a member. */
  matched: number;
  pointsEarned: number;
  rejected: number;
}

/** Columns the importer reads; others are ignored. */
export const TRANSACTION_COLUMNS = ['store_code', 'external_id', 'occurred_at', 'total_minor', 'currency', 'member_code', 'phone', 'sku', 'category', 'quantity', 'amount_minor'] as const;

const REQUIRED = ['store_code', 'external_id', 'occurred_at', 'total_minor'];
const WITH_OFFSET = /(Z|[+-]\d\d:?\d\d)$/;

/** Imports historical purchases from a CSV file; bad rows and refused purchases go to the rejects file. */
export async function importTransactionsCsv(deps: CoreDeps, input: ImportTransactionsInput): Promise<ImportTransactionsResult> {
  const [brand] = await deps.db.select().from(schema.brands).where(eq(schema.brands.id, input.brandId));
  if (!brand) throw new AppError('NOT_FOUND', `brand ${input.brandId} does not exist`);
  const region = brand.country as CountryCode;
  const stores = new Map(
    (await deps.db.select().from(schema.stores).where(eq(schema.stores.brandId, input.brandId))).map((s) => [s.code, { id: s.id, currency: s.currency }]),
  );
  const batchSize = input.batchSize ?? 1_000;
  const rejects = new RejectsWriter(input.rejectsFile);
  const progress: ImportProgress = { phase: 'reading', rowsRead: 0, bytesRead: 0, totalBytes: await fileSize(input.file), rejected: 0 };
  const result: ImportTransactionsResult = { rows: 0, transactions: 0, recorded: 0, replayed: 0, matched: 0, pointsEarned: 0, rejected: 0 };
  let lastReport = 0;
  const report = (force = false): void => {
    const now = Date.now();
    if (!input.onProgress || (!force && now - lastReport < 200)) return;
    lastReport = now;
    input.onProgress({ ...progress, rejected: rejects.written });
  };

  let batch: Array<{ input: TransactionInput; group: CsvRecord[] }> = [];
  // One batch is ingested while the next is parsed; batches still run one after another, so purchases keep
  // their file order (which decides first-purchase bonuses and tier upgrades).
  let inflight: Promise<void> = Promise.resolve();
  const ingest = async (): Promise<void> => {
    const items = batch;
    batch = [];
    await inflight;
    const p = ingestTransactions(
      deps,
      items.map((i) => i.input),
      { batchSize },
    ).then(async (results) => {
      for (const [k, r] of results.entries()) await tally(r, items[k]!.group);
    });
    p.catch(() => undefined);
    inflight = p;
  };
  const tally = async (r: TransactionResult, group: CsvRecord[]): Promise<void> => {
    if (r.status === 'recorded') {
      result.recorded++;
      if (r.member) result.matched++;
      result.pointsEarned += r.pointsEarned;
    } else if (r.status === 'replayed') {
      result.replayed++;
    } else {
      const reason = r.status === 'invalid' ? r.reason : 'conflict: this receipt id was already used for a different purchase';
      for (const row of group) await rejects.write({ line: row.line, reason, raw: row.raw });
    }
  };

  let field: (r: CsvRecord, column: string) => string = () => '';
  const onHeader = (columns: readonly string[]): void => void (field = columnReader(columns));
  let group: CsvRecord[] = [];
  const finish = async (): Promise<void> => {
    if (group.length === 0) return;
    const rows = group;
    group = [];
    result.transactions++;
    const built = toTransaction(rows, field, input.brandId, stores, region);
    if (typeof built === 'string') {
      for (const row of rows) await rejects.write({ line: row.line, reason: built, raw: row.raw });
      return;
    }
    batch.push({ input: built, group: rows });
    if (batch.length >= batchSize) await ingest();
  };

  try {
    for await (const item of readCsv(input.file, { required: requireColumns, onHeader, onBytes: (b) => (progress.bytesRead = b) })) {
      if (isReject(item)) {
        await rejects.write(item);
        continue;
      }
      progress.rowsRead++;
      result.rows++;
      const first = group[0];
      if (first && (field(first, 'store_code') !== field(item, 'store_code') || field(first, 'external_id') !== field(item, 'external_id'))) await finish();
      group.push(item);
      report();
    }
    await finish();
    await ingest();
    await inflight;
    progress.phase = 'done';
    report(true);
    return { ...result, rejected: rejects.written };
  } finally {
    await rejects.close();
  }
}

function requireColumns(columns: readonly string[]): string | null {
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  return missing.length === 0 ? null : `the header lacks ${missing.join(', ')}`;
}

/** The purchase a group of rows describes, or why it is refused. */
function toTransaction(
  rows: CsvRecord[],
  field: (r: CsvRecord, column: string) => string,
  brandId: string,
  stores: Map<string, { id: string; currency: string }>,
  region: CountryCode,
): TransactionInput | string {
  const head = rows[0]!;
  const text = (r: CsvRecord, k: string): string => field(r, k).trim();
  for (const row of rows.slice(1)) {
    for (const k of ['occurred_at', 'total_minor', 'currency', 'member_code', 'phone']) {
      if (text(row, k) !== text(head, k)) return `inconsistent_rows: ${k} differs between the lines of one receipt`;
    }
  }
  const store = stores.get(text(head, 'store_code'));
  if (!store) return 'unknown_store';
  const externalId = text(head, 'external_id');
  if (!externalId || externalId.length > 100) return 'invalid_external_id';
  const occurred = text(head, 'occurred_at');
  const occurredAt = new Date(occurred);
  if (!WITH_OFFSET.test(occurred) || Number.isNaN(occurredAt.getTime())) return 'invalid_occurred_at: ISO 8601 with Z or an offset is required';
  const total = normalizeCount(text(head, 'total_minor'), 'invalid_total_minor', 1_000_000_000_000);
  if (!total.ok) return total.reason;
  let phone: string | undefined;
  if (text(head, 'phone')) {
    const p = normalizePhone(text(head, 'phone'), region);
    if (!p.ok) return p.reason;
    phone = p.value;
  }
  const lines: TransactionInput['lines'] = [];
  for (const row of rows) {
    const sku = text(row, 'sku');
    if (!sku) continue;
    const amount = normalizeCount(text(row, 'amount_minor'), 'invalid_amount_minor', 1_000_000_000_000);
    if (!amount.ok) return amount.reason;
    const quantity = text(row, 'quantity') ? normalizeCount(text(row, 'quantity'), 'invalid_quantity', 1_000_000) : { ok: true as const, value: 1 };
    if (!quantity.ok) return quantity.reason;
    lines.push({ sku, category: text(row, 'category'), quantity: quantity.value, amountMinor: amount.value });
  }
  const memberCode = text(head, 'member_code');
  return {
    brandId,
    storeId: store.id,
    externalId,
    customer: { ...(memberCode ? { memberCode } : {}), ...(phone ? { phone } : {}) },
    occurredAt,
    currency: text(head, 'currency') || store.currency,
    totalMinor: total.value,
    lines,
  };
}
