// The one place the bulk endpoint hands purchases to core, so the batched ingest can be swapped in or out in one line.
// Imported from its file because core/pos/index.ts does not export it yet (the lead adds the export).
import { ingestTransactions } from '../../../core/pos/index.js';
import type { TransactionInput, TransactionResult } from '../../../core/pos/index.js';
import type { CoreDeps } from '../../../core/shared/index.js';

/** Records purchases with recordTransaction's semantics, one result per input in input order. */
export function ingest(deps: CoreDeps, inputs: readonly TransactionInput[]): Promise<TransactionResult[]> {
  return ingestTransactions(deps, inputs);
}
