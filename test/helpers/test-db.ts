// Integration tests run against every database we support: PGlite always, and a PostgreSQL server when
// TEST_DATABASE_URL is set. Each call gets a fresh, migrated, empty database.
import { migrateDb, openDb, type DbHandle } from '../../db/index.js';
import { createScratchDatabase } from '../../db/scratch-database.js';

/** The database kinds this run tests against. */
export const testDbKinds: Array<'pglite' | 'postgres'> = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** A fresh migrated database of the given kind; `cleanup` closes it (and drops it on a server). */
export async function createTestDb(kind: 'pglite' | 'postgres'): Promise<DbHandle & { url?: string; cleanup(): Promise<void> }> {
  if (kind === 'pglite') {
    const handle = await openDb({ dataDir: 'memory://' });
    await migrateDb(handle);
    return { ...handle, cleanup: () => handle.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const scratch = await createScratchDatabase(adminUrl, 'crm_t');
  const handle = await openDb({ databaseUrl: scratch.url, poolSize: 5 });
  await migrateDb(handle);
  return {
    ...handle,
    url: scratch.url,
    cleanup: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}
