// CSV imports against real databases: normalization, merging duplicates (in the file and with existing rows),
// rejects with reasons, members with opening balances, historical purchases, and a second run that changes nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../adapters/cli/import.js';
import { importCustomersCsv, importTransactionsCsv } from '../../core/import/index.js';
import { DEFAULT_TIERS } from '../../core/loyalty/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { rowsOf, schema, type Db } from '../../db/index.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const BRAND = 'import-brand';

const CUSTOMERS = [
  'name,phone,email,birthday,language,member_code,points,phone_verified,notes',
  // Three spellings of one number, and an email in two cases: one customer.
  'Aisha Al Mansoori,050 123 4567,Aisha@Example.com,1991-04-18,ar,,,yes,first',
  'Aisha M.,+971501234567,,,,,,,second',
  ',00971-50-123-4567,aisha@example.com,,,,,,third',
  // A chain: Omar shares an email with row 6, row 6 shares a phone with row 7.
  'Omar,0502222222,omar@example.com,,,,,,',
  ',0503333333,OMAR@example.com,,,,,,',
  'Omar Work,0503333333,,,,,,,',
  // Members: a code and opening points (Gold with the default tiers).
  'Li Wei,0504444444,li@example.com,1988-02-29,zh,1000000016,6000,true,',
  // The same member code again with another phone: merged into Li Wei.
  ',0505555555,,,,1000000016,,,',
  // Another code in Li Wei's group: Li Wei keeps 1000000016, this code is reported.
  ',,li@example.com,,,1000000024,10,,',
  // A customer already in the database (by phone): only empty fields are filled.
  'Imported Name,0506666666,existing@example.com,1970-01-01,,,,,',
  // A member already in the database, by member code.
  'Known Member,,,,,5550001118,,,',
  // Bad rows: each refused with its reason, the import goes on.
  'Bad Phone,12345,,,,,,,',
  'Bad Email,,not-an-email,,,,,,',
  'Bad Birthday,0507777777,,1990-02-30,,,,,',
  'Nobody,,,,,,,,',
  'Points Only,0508888888,,,,,500,,',
  'Too,Few,Fields',
  'Stray "quote,0509999999,,,,,,,',
  'Last Row,0501111111,,,en,,,,',
  // Numbered right after the unreadable row.
  'After Quote,999,,,,,,,',
].join('\n');

describe.each(testDbKinds)('CSV import on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let dir: string;
  let storeId: string;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
    dir = mkdtempSync(join(tmpdir(), 'crm-import-'));
    const db = handle.db;
    await db.insert(schema.brands).values({ id: BRAND, name: 'Import Brand', country: 'AE', settings: { pendingDays: 0 } });
    await db.insert(schema.tiers).values(DEFAULT_TIERS.map((t, rank) => ({ brandId: BRAND, code: t.code, name: t.name, minPoints: t.minPoints, rank })));
    const [store] = await db
      .insert(schema.stores)
      .values({ brandId: BRAND, code: 'DXB-1', name: { en: 'Dubai 1' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' })
      .returning();
    storeId = store!.id;
    const [existing] = await db.insert(schema.customers).values({ brandId: BRAND, name: 'Chat Name', phone: '+971506666666', phoneVerified: true }).returning();
    const [known] = await db.insert(schema.customers).values({ brandId: BRAND, name: 'Known' }).returning();
    await db.insert(schema.loyaltyAccounts).values({ brandId: BRAND, customerId: known!.id, memberCode: '5550001118', tierCode: 'bronze', enrolledVia: 'web' });
    void existing;
  });
  afterAll(async () => {
    await handle?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function counts(db: Db): Promise<Record<string, unknown>> {
    const q = async (text: string) => rowsOf<Record<string, unknown>>(await db.execute(sql.raw(text)));
    return {
      customers: await q(`select name, phone, phone_verified, email, birthday::text, language, updated_at::text from customers order by phone nulls last, email nulls last, name`),
      accounts: await q(`select member_code, points_balance, qualifying_points, tier_code from loyalty_accounts order by member_code`),
      ledger: await q(`select idempotency_key, kind, points, balance_after, expires_at::text from points_ledger order by id`),
      lots: await q(`select points, remaining, expires_at::text from point_lots order by id`),
      transactions: await q(`select external_id, account_id is not null as member, points_earned from pos_transactions order by external_id`),
    };
  }

  it('normalizes, merges duplicates, refuses bad rows with reasons, and a second run changes nothing', async () => {
    const file = join(dir, 'customers.csv');
    writeFileSync(file, CUSTOMERS);
    const rejectsFile = join(dir, 'customers.rejects.csv');
    const phases = new Set<string>();
    const result = await importCustomersCsv(deps, { brandId: BRAND, file, rejectsFile, onProgress: (p) => phases.add(p.phase) });
    expect(phases).toContain('done');

    const rejects = readFileSync(rejectsFile, 'utf8');
    for (const expected of [
      /^13,invalid_phone,/m,
      /^14,invalid_email,/m,
      /^15,invalid_birthday,/m,
      /^16,"no_identifier: /m,
      /^17,points_without_member_code,/m,
      /^18,"wrong_column_count: 3 fields/m,
      /^19,malformed_csv: INVALID_OPENING_QUOTE,/m,
      /^10,member_code_conflict: merged into the customer with member code 1000000016,/m,
      /^21,invalid_phone,"After Quote,999,/m,
    ]) {
      expect(rejects).toMatch(expected);
    }
    expect(rejects.trim().split('\n')).toHaveLength(10);
    // The row after the unreadable one is imported: a bad row never stops the import.
    expect(rowsOf(await handle.db.execute(sql`select 1 from customers where phone = '+971501111111' and language = 'en'`))).toHaveLength(1);

    const [aisha] = rowsOf<{ n: number; name: string; email: string; phone_verified: boolean }>(
      await handle.db.execute(sql`select count(*) over () ::int as n, name, email, phone_verified from customers where phone = '+971501234567'`),
    );
    expect(aisha).toMatchObject({ n: 1, name: 'Aisha Al Mansoori', email: 'aisha@example.com', phone_verified: true });
    const omar = rowsOf<{ name: string; phone: string }>(await handle.db.execute(sql`select name, phone from customers where email = 'omar@example.com'`));
    expect(omar).toEqual([{ name: 'Omar', phone: '+971502222222' }]);
    expect(rowsOf(await handle.db.execute(sql`select 1 from customers where phone = '+971503333333'`))).toHaveLength(0);

    const [li] = rowsOf<{ member_code: string; points_balance: number; tier_code: string; qualifying_points: number; birthday: string }>(
      await handle.db.execute(sql`
        select a.member_code, a.points_balance, a.tier_code, a.qualifying_points, c.birthday::text as birthday
        from loyalty_accounts a join customers c on c.id = a.customer_id where c.email = 'li@example.com'`),
    );
    expect(li).toEqual({ member_code: '1000000016', points_balance: 6000, tier_code: 'gold', qualifying_points: 6000, birthday: '1988-02-29' });
    const ledger = rowsOf<{ kind: string; points: number; key: string }>(
      await handle.db.execute(sql`select kind, points, idempotency_key as key from points_ledger where idempotency_key like 'import:%'`),
    );
    expect(ledger).toEqual([{ kind: 'adjust', points: 6000, key: 'import:1000000016:opening' }]);
    expect(rowsOf(await handle.db.execute(sql`select 1 from loyalty_accounts where member_code = '1000000024'`))).toHaveLength(0);

    // The customer the bot already knew keeps their name; the import fills what was empty.
    const [known] = rowsOf<{ name: string; email: string; birthday: string }>(
      await handle.db.execute(sql`select name, email, birthday::text as birthday from customers where phone = '+971506666666'`),
    );
    expect(known).toEqual({ name: 'Chat Name', email: 'existing@example.com', birthday: '1970-01-01' });
    const [member] = rowsOf<{ n: number; name: string }>(
      await handle.db.execute(sql`select count(*) over ()::int as n, c.name from loyalty_accounts a join customers c on c.id = a.customer_id where a.member_code = '5550001118'`),
    );
    expect(member).toEqual({ n: 1, name: 'Known' });

    expect(result).toMatchObject({ customersMatched: 2, membersCreated: 1, openingBalances: 1 });
    expect(result.customersCreated).toBeGreaterThanOrEqual(4);
    expect(result.duplicatesMerged).toBeGreaterThanOrEqual(6);

    const before = await counts(handle.db);
    clock.advance(60_000);
    const again = await importCustomersCsv(deps, { brandId: BRAND, file, rejectsFile: join(dir, 'again.rejects.csv') });
    expect(again).toMatchObject({ customersCreated: 0, customersUpdated: 0, membersCreated: 0, openingBalances: 0, rows: result.rows });
    expect(await counts(handle.db)).toEqual(before);
  });

  it('imports historical purchases through bulk ingest, refuses bad ones, and a second run is all replays', async () => {
    const file = join(dir, 'transactions.csv');
    writeFileSync(
      file,
      [
        'store_code,external_id,occurred_at,total_minor,currency,member_code,phone,sku,category,quantity,amount_minor',
        'DXB-1,R1,2026-02-01T10:00:00+04:00,30000,,1000000016,,OUD-1,oud,1,20000',
        'DXB-1,R1,2026-02-01T10:00:00+04:00,30000,,1000000016,,MUSK-2,perfume,2,10000',
        'DXB-1,R2,2026-02-02T10:00:00Z,5000,AED,,050 123 4567,MUSK-2,perfume,1,5000',
        'DXB-1,R3,2026-02-03T10:00:00Z,5000,AED,NO-SUCH,,MUSK-2,perfume,1,5000',
        'NOPE,R4,2026-02-03T10:00:00Z,5000,AED,1000000016,,MUSK-2,perfume,1,5000',
        'DXB-1,R5,2026-02-03 10:00,5000,AED,1000000016,,MUSK-2,perfume,1,5000',
        'DXB-1,R6,2026-02-03T10:00:00Z,5000,AED,1000000016,,MUSK-2,perfume,1,6000',
        'DXB-1,R7,2026-02-03T10:00:00Z,5000,AED,1000000016,,MUSK-2,perfume,1,4000',
        'DXB-1,R7,2026-02-03T11:00:00Z,5000,AED,1000000016,,OUD-1,oud,1,1000',
        'DXB-1,R8,2026-02-04T10:00:00Z,5000,USD,1000000016,,MUSK-2,perfume,1,5000',
      ].join('\n'),
    );
    const rejectsFile = join(dir, 'transactions.rejects.csv');
    const result = await importTransactionsCsv(deps, { brandId: BRAND, file, rejectsFile });
    // R1 (Li Wei by code), R2 (Aisha's phone: not a member, kept for when she enrolls), R3 (no member) are recorded.
    expect(result).toMatchObject({ rows: 10, transactions: 8, recorded: 3, replayed: 0, matched: 1 });
    const rejects = readFileSync(rejectsFile, 'utf8');
    expect(rejects).toContain('unknown_store');
    expect(rejects).toContain('invalid_occurred_at');
    expect(rejects).toContain('lines_exceed_total');
    expect(rejects).toContain('inconsistent_rows');
    expect(rejects).toContain('currency_mismatch');
    const [li] = rowsOf<{ points_balance: number }>(await handle.db.execute(sql`select points_balance from loyalty_accounts where member_code = '1000000016'`));
    expect(li!.points_balance).toBeGreaterThan(6000 + 300); // opening balance plus 300 AED of purchases with the gold bonus

    const before = await counts(handle.db);
    const again = await importTransactionsCsv(deps, { brandId: BRAND, file, rejectsFile: join(dir, 'again.rejects.csv') });
    expect(again).toMatchObject({ recorded: 0, replayed: 3 });
    expect(await counts(handle.db)).toEqual(before);
    void storeId;
  });

  it('runs from the command line with a bar on a terminal and plain lines elsewhere', async () => {
    const file = join(dir, 'cli.csv');
    writeFileSync(file, 'phone,email\n0501212121,cli@example.com\nbad,\n');
    const plain: string[] = [];
    const out: string[] = [];
    const code = await runImport(['customers', file, '--brand', BRAND], { core: deps, brandId: 'other', stderr: { isTTY: false, write: (s: string) => plain.push(s) } }, { write: (s: string) => out.push(s) });
    expect(code).toBe(0);
    expect(plain.join('')).not.toContain('\r');
    expect(plain.join('')).toContain('customers: 100% done');
    expect(out.join('')).toMatch(/customersCreated\s+1/);
    expect(readFileSync(join(dir, 'cli.rejects.csv'), 'utf8')).toContain('invalid_phone');

    const tty: string[] = [];
    expect(await runImport(['customers', file, '--brand', BRAND, '--rejects', join(dir, 'cli2.csv')], { core: deps, brandId: BRAND, stderr: { isTTY: true, columns: 100, write: (s: string) => tty.push(s) } }, { write: () => undefined })).toBe(0);
    expect(tty.join('')).toContain('\r');
    expect(tty.join('')).toMatch(/\[#+\]/);

    const errors: string[] = [];
    expect(await runImport(['nonsense'], { core: deps, brandId: BRAND, stderr: { write: (s: string) => errors.push(s) } }, { write: () => undefined })).toBe(2);
    expect(errors.join('')).toContain('usage:');
    expect(await runImport(['customers', join(dir, 'missing.csv')], { core: deps, brandId: BRAND, stderr: { write: (s: string) => errors.push(s) } }, { write: () => undefined })).toBe(1);
  });
});
