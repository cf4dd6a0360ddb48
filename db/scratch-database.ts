import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A throwaway database on a PostgreSQL server, for tests and benchmarks. */
export interface ScratchDatabase {
  name: string;
  /** The connection URL of the new database. */
  url: string;
  /** Drops it, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

/** Creates an empty database named `<prefix>_<random hex>` on the server `adminUrl` points at. */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`bad database name prefix ${prefix}`);
  // Built from the checked prefix and hex digits only, so it is safe as an identifier.
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => onAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
}

async function onAdmin(adminUrl: string, work: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
