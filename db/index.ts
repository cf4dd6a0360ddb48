/** Public API of the database layer. */
export { openDb, migrateDb, hasVectorExtension, rowsOf } from './open-db.js';
export type { Db, DbConfig, DbHandle } from './open-db.js';
export * as schema from './schema.js';
