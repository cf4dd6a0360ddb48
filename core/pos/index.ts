/** POS integration: purchases and refunds from the stores' tills, matched to members and turned into points. */
export { recordTransaction, awardPurchase, hashTransaction, memberSummary } from './record-transaction.js';
export type { TransactionInput, TransactionLine, TransactionResult, MemberSummary } from './record-transaction.js';
export { recordRefund } from './refund.js';
export type { RefundInput, RefundResult } from './refund.js';
export { attachUnmatchedTransactions } from './attach.js';
export { lookupMember } from './lookup.js';
export type { CustomerLookup } from './lookup.js';
export { ingestTransactions, createTransactionCoalescer } from './bulk-ingest.js';
export type { TransactionCoalescer, CoalescerOptions } from './bulk-ingest.js';
