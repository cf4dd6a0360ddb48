/** Imports: customers and historical purchases from CSV files, streamed, normalized, merged and re-run safe. */
export { importCustomersCsv, CUSTOMER_COLUMNS } from './customers.js';
export type { ImportCustomersInput, ImportCustomersResult } from './customers.js';
export { importTransactionsCsv, TRANSACTION_COLUMNS } from './transactions.js';
export type { ImportTransactionsInput, ImportTransactionsResult } from './transactions.js';
export type { ImportProgress } from './csv-source.js';
export { normalizePhone, normalizeEmail } from './normalize.js';
