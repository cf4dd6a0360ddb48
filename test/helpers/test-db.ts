// Integration tests run against every database we support: PGlite always, and a PostgreSQL server when
// TEST_DATABASE_URL is set. Each call gets a fresh, migrated, empty database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateDb, openDb, type DbHandle } from '../../db/index.js';

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
  const name = `crm_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // The name is generated above from hex digits only, so it is safe as an identifier.
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ databaseUrl: url.toString(), poolSize: 5 });
  await migrateDb(handle);
  return {
    ...handle,
    url: url.toString(),
    cleanup: async () => {
      await handle.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
