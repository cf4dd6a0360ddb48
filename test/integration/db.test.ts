import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasVectorExtension, rowsOf, schema } from '../../db/index.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

describe.each(testDbKinds)('database on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  beforeAll(async () => {
    handle = await createTestDb(kind);
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  it('has pgvector and computes a distance', async () => {
    expect(await hasVectorExtension(handle.db)).toBe(true);
    const r = await handle.db.execute(sql`select '[1,2,3]'::vector <-> '[1,2,4]'::vector as d`);
    expect(Number(rowsOf<{ d: number }>(r)[0]?.d)).toBe(1);
  });

  it('migrations are idempotent', async () => {
    const { migrateDb } = await import('../../db/index.js');
    await expect(migrateDb(handle)).resolves.toBeUndefined();
  });

  it('rejects edits to the append-only points ledger', async () => {
    const db = handle.db;
    await db.insert(schema.brands).values({ id: 'b1', name: 'B' });
    const [c] = await db.insert(schema.customers).values({ brandId: 'b1' }).returning();
    const [a] = await db
      .insert(schema.loyaltyAccounts)
      .values({ brandId: 'b1', customerId: c!.id, memberCode: 'M1', tierCode: 'bronze', enrolledVia: 'web' })
      .returning();
    await db.insert(schema.pointsLedger).values({ accountId: a!.id, kind: 'earn', points: 10, balanceAfter: 10, idempotencyKey: 'k1' });
    await expect(db.update(schema.pointsLedger).set({ points: 1000 })).rejects.toThrow();
    await expect(db.delete(schema.pointsLedger)).rejects.toThrow();
    const rows = await db.select().from(schema.pointsLedger);
    expect(rows.map((r) => r.points)).toEqual([10]);
  });
});
