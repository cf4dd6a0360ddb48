// Customer import from CSV, built for a million rows: the file is streamed and normalized in batches into a
// temporary staging table, duplicates are grouped in memory as the rows go by, and one set-based merge (a few
// INSERT … SELECT / UPDATE … FROM statements) creates, completes or matches the customers and opens the accounts.
// Everything runs in one transaction under a per-brand lock: an import lands whole or not at all, and running the
// same file again changes nothing. Semantics are documented in README.md beside this file.
import { randomBytes } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js/max';
import { eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf, schema, type Db } from '../../db/index.js';
import { expiryFor, loadProgramContext, loadTiers } from '../loyalty/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';
import { columnReader, fileSize, isReject, readCsv, RejectsWriter, type CsvRecord, type ImportProgress } from './csv-source.js';
import { normalizeBirthday, normalizeCount, normalizeEmail, normalizeFlag, normalizeMemberCode, normalizePhone } from './normalize.js';
import { UnionFind } from './union-find.js';

/** What to import. */
export interface ImportCustomersInput {
  brandId: string;
  /** CSV with a header row; see core/import/README.md for the columns. */
  file: string;
  /** Where rejected rows are written (CSV: line, reason, row). */
  rejectsFile: string;
  onProgress?: (p: ImportProgress) => void;
  /** Rows per staging insert (default 5,000). */
  batchSize?: number;
}

/** What an import did. */
export interface ImportCustomersResult {
  /** Data rows in the file. */
  rows: number;
  /** Rows refused before the merge (bad phone, email, …) plus rows whose member code could not be used. */
  rejected: number;
  /** Valid rows that were merged into another row of the file (same phone, email or member code). */
  duplicatesMerged: number;
  customersCreated: number;
  /** Existing customers whose empty fields the import filled in. */
  customersUpdated: number;
  /** Existing customers the file matched, changed or not. */
  customersMatched: number;
  membersCreated: number;
  /** Opening 'adjust' ledger entries posted (members created with points). */
  openingBalances: number;
}

/** Columns the importer reads; others are ignored. */
export const CUSTOMER_COLUMNS = ['name', 'phone', 'email', 'birthday', 'language', 'member_code', 'points', 'phone_verified'] as const;

interface StagedRow {
  rn: number;
  cluster: number;
  line: number;
  name: string | null;
  phone: string | null;
  email: string | null;
  birthday: string | null;
  language: string | null;
  memberCode: string | null;
  points: number | null;
  phoneVerified: boolean;
}

/**
 * Imports customers from a CSV file. Phones become E.164 (the brand's country is the default region), emails
 * lower-case; rows sharing a phone, an email or a member code become one customer, also with customers already
 * in the database; bad rows go to the rejects file with a reason. Rows with a member code become members.
 */
export async function importCustomersCsv(deps: CoreDeps, input: ImportCustomersInput): Promise<ImportCustomersResult> {
  const [brand] = await deps.db.select().from(schema.brands).where(eq(schema.brands.id, input.brandId));
  if (!brand) throw new AppError('NOT_FOUND', `brand ${input.brandId} does not exist`);
  const region = brand.country as CountryCode;
  const batchSize = input.batchSize ?? 5_000;
  const totalBytes = await fileSize(input.file);
  const rejects = new RejectsWriter(input.rejectsFile);
  const progress: ImportProgress = { phase: 'reading', rowsRead: 0, bytesRead: 0, totalBytes, rejected: 0 };
  let lastReport = 0;
  const report = (force = false): void => {
    const now = Date.now();
    if (!input.onProgress || (!force && now - lastReport < 200)) return;
    lastReport = now;
    input.onProgress({ ...progress, rejected: rejects.written });
  };

  try {
    const result = await deps.db.transaction(async (tx) => {
      // Without a unique phone or email constraint, two imports of one brand at once could create the same person twice.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`import:customers:${input.brandId}`}))`);
      await tx.execute(sql`
        create temp table import_customer_rows (
          rn int not null, cluster int not null, line int not null, name text, phone text, email text, birthday date,
          language text, member_code text, points int, phone_verified boolean not null
        ) on commit drop`);

      const today = deps.clock.now();
      const groups = new UnionFind();
      const staged: number[] = [];
      let buffer: StagedRow[] = [];
      // One insert in flight while the next batch is parsed: the database and the parser work at the same time,
      // and awaiting the previous insert before sending the next is the backpressure.
      let inflight: Promise<void> = Promise.resolve();
      let stagingMs = 0;
      const readStart = performance.now();
      const flush = async (): Promise<void> => {
        const rows = buffer;
        buffer = [];
        await inflight;
        const p = stageRows(tx, rows).then((ms) => void (stagingMs += ms));
        p.catch(() => undefined);
        inflight = p;
      };

      let field: (r: CsvRecord, column: string) => string = () => '';
      const onHeader = (columns: readonly string[]): void => void (field = columnReader(columns));
      for await (const item of readCsv(input.file, { required: requireIdentifierColumn, onHeader, onBytes: (b) => (progress.bytesRead = b) })) {
        if (isReject(item)) {
          await rejects.write(item);
          continue;
        }
        progress.rowsRead++;
        const row = normalizeRow((k) => field(item, k), region, today);
        if (typeof row === 'string') {
          await rejects.write({ line: item.line, reason: row, raw: item.raw });
          continue;
        }
        const rn = staged.length;
        const cluster = groups.add(rn, [row.memberCode, row.phone, row.email]);
        staged.push(cluster);
        buffer.push({ rn, cluster, line: item.line, ...row });
        if (buffer.length >= batchSize) await flush();
        report();
      }
      await flush();
      await inflight;

      deps.log.debug({ step: 'read and stage', ms: Math.round(performance.now() - readStart), stagingMs: Math.round(stagingMs) }, 'customer import step');
      progress.phase = 'merging';
      report(true);
      // Rows staged before a later row joined their group to an older one carry a stale group: fix those few.
      const moved: Array<[number, number]> = [];
      for (let rn = 0; rn < staged.length; rn++) {
        const root = groups.find(rn);
        if (root !== staged[rn]) moved.push([rn, root]);
      }
      if (moved.length > 0) {
        await tx.execute(sql`
          update import_customer_rows r set cluster = m.cluster
          from unnest(${param(moved.map((m) => m[0]))}::int[], ${param(moved.map((m) => m[1]))}::int[]) as m(rn, cluster)
          where r.rn = m.rn`);
      }
      const merged = await mergeCustomers({ ...deps, db: tx }, input.brandId, rejects);
      return { rows: progress.rowsRead, duplicatesMerged: staged.length - groups.groupCount, ...merged };
    });
    progress.phase = 'done';
    report(true);
    return { ...result, rejected: rejects.written };
  } finally {
    await rejects.close();
  }
}

function requireIdentifierColumn(columns: readonly string[]): string | null {
  return columns.includes('phone') || columns.includes('email') || columns.includes('member_code')
    ? null
    : `the header needs a phone, email or member_code column (it has: ${columns.join(', ')})`;
}

/** A row's normalized fields, or why it is refused. */
function normalizeRow(get: (column: string) => string, region: CountryCode, today: Date): Omit<StagedRow, 'rn' | 'cluster' | 'line'> | string {
  const text = (k: string): string => get(k).trim();
  let phone: string | null = null;
  if (text('phone')) {
    const r = normalizePhone(text('phone'), region);
    if (!r.ok) return r.reason;
    phone = r.value;
  }
  let email: string | null = null;
  if (text('email')) {
    const r = normalizeEmail(text('email'));
    if (!r.ok) return r.reason;
    email = r.value;
  }
  let memberCode: string | null = null;
  if (text('member_code')) {
    const r = normalizeMemberCode(text('member_code'));
    if (!r.ok) return r.reason;
    memberCode = r.value;
  }
  if (!phone && !email && !memberCode) return 'no_identifier: a phone, an email or a member code is required';
  let birthday: string | null = null;
  if (text('birthday')) {
    const r = normalizeBirthday(text('birthday'), today);
    if (!r.ok) return r.reason;
    birthday = r.value;
  }
  let points: number | null = null;
  if (text('points')) {
    const r = normalizeCount(text('points'), 'invalid_points', 1_000_000_000);
    if (!r.ok) return r.reason;
    if (!memberCode) return 'points_without_member_code';
    points = r.value;
  }
  const verified = normalizeFlag(text('phone_verified'), 'invalid_phone_verified');
  if (!verified.ok) return verified.reason;
  const language = text('language').toLowerCase();
  if (language && !/^[a-z]{2}$/.test(language)) return 'invalid_language';
  const name = text('name');
  if (name.length > 200) return 'name_too_long';
  return { name: name || null, phone, email, birthday, language: language || null, memberCode, points, phoneVerified: phone !== null && verified.value };
}

/** Inserts a batch into the staging table; returns how long the database took (ms). */
async function stageRows(tx: Db, rows: StagedRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const started = performance.now();
  const col = <T>(f: (r: StagedRow) => T): SQL => param(rows.map(f));
  await tx.execute(sql`
    insert into import_customer_rows (rn, cluster, line, name, phone, email, birthday, language, member_code, points, phone_verified)
    select * from unnest(${col((r) => r.rn)}::int[], ${col((r) => r.cluster)}::int[], ${col((r) => r.line)}::int[], ${col((r) => r.name)}::text[],
      ${col((r) => r.phone)}::text[], ${col((r) => r.email)}::text[], ${col((r) => r.birthday)}::date[], ${col((r) => r.language)}::text[],
      ${col((r) => r.memberCode)}::text[], ${col((r) => r.points)}::int[], ${col((r) => r.phoneVerified)}::bool[])`);
  return performance.now() - started;
}

/** The set-based merge of the staged rows into customers, accounts and opening balances. */
async function mergeCustomers(
  deps: CoreDeps,
  brandId: string,
  rejects: RejectsWriter,
): Promise<Omit<ImportCustomersResult, 'rows' | 'rejected' | 'duplicatesMerged'>> {
  const tx = deps.db;
  const now = deps.clock.now().toISOString();
  let mark = performance.now();
  // Step timings at debug level: where a slow import spends its time, without a profiler.
  const step = (name: string): void => {
    const t = performance.now();
    deps.log.debug({ step: name, ms: Math.round(t - mark) }, 'customer import step');
    mark = t;
  };
  const one = async <T>(q: SQL): Promise<T> => rowsOf<T>(await tx.execute(q))[0]!;

  // A member code held by another brand's member cannot be this brand's: the code is dropped (and the row
  // refused when the code was all it had), since matching on it would join two brands' customers.
  const taken = rowsOf<{ line: number; name: string | null; phone: string | null; email: string | null; member_code: string }>(
    await tx.execute(sql`
      select r.line, r.name, r.phone, r.email, r.member_code from import_customer_rows r
      join loyalty_accounts a on a.member_code = r.member_code and a.brand_id <> ${brandId}`),
  );
  if (taken.length > 0) {
    for (const r of taken) {
      const reason = r.phone || r.email ? 'member_code_taken: imported without the member code' : 'member_code_taken';
      await rejects.write({ line: r.line, reason, raw: [r.name ?? '', r.phone ?? '', r.email ?? '', r.member_code] });
    }
    await tx.execute(sql`
      delete from import_customer_rows r using loyalty_accounts a
      where a.member_code = r.member_code and a.brand_id <> ${brandId} and r.phone is null and r.email is null`);
    await tx.execute(sql`
      update import_customer_rows r set member_code = null, points = null from loyalty_accounts a
      where a.member_code = r.member_code and a.brand_id <> ${brandId}`);
  }

  step('member codes of other brands');
  // New customers get time-ordered ids (UUID version 7 layout: import time, then the group number), so the
  // million inserts into the primary key and the account's customer index append instead of splitting random pages.
  const rand = randomBytes(5).toString('hex');
  const idHead = `${Date.now().toString(16).padStart(12, '0')}7${rand.slice(0, 3)}8${rand.slice(3, 10)}`;

  // Each group of rows goes to one customer: an existing one found by member code, else phone, else email (the
  // oldest when several match), or a new one. Groups that reach the same existing customer merge there.
  await tx.execute(sql`
    create temp table import_customer_targets on commit drop as
    with found as (
      select distinct on (cluster) cluster, customer_id from (
        select r.cluster, a.customer_id, 0 as rank, c.created_at from import_customer_rows r
          join loyalty_accounts a on a.member_code = r.member_code and a.brand_id = ${brandId}
          join customers c on c.id = a.customer_id
        union all
        select r.cluster, c.id, 1, c.created_at from import_customer_rows r join customers c on c.brand_id = ${brandId} and c.phone = r.phone
        union all
        select r.cluster, c.id, 2, c.created_at from import_customer_rows r join customers c on c.brand_id = ${brandId} and c.email = r.email
      ) m order by cluster, rank, created_at, customer_id
    )
    select g.cluster, coalesce(f.customer_id, (${idHead} || lpad(to_hex(g.cluster), 8, '0'))::uuid) as customer_id, f.customer_id is not null as existing
    from (select distinct cluster from import_customer_rows) g left join found f on f.cluster = g.cluster`);

  step('targets');
  // Per customer, each field from the first row (file order) that has it. Most customers are one row: they are
  // copied as they are, and only customers of several rows pay for the ordered aggregates.
  await tx.execute(sql`
    create temp table import_customer_multi on commit drop as
    select t.customer_id from import_customer_rows r join import_customer_targets t on t.cluster = r.cluster
    group by t.customer_id having count(*) > 1`);
  await tx.execute(sql`
    create temp table import_customer_merged on commit drop as
    select t.customer_id, t.existing, r.name, r.phone, case when r.phone is not null then r.phone_verified end as phone_verified, r.email, r.birthday,
      r.language, r.member_code, case when r.member_code is not null then coalesce(r.points, 0) end as points
    from import_customer_rows r join import_customer_targets t on t.cluster = r.cluster
    where not exists (select 1 from import_customer_multi x where x.customer_id = t.customer_id)
    union all
    select t.customer_id, bool_or(t.existing),
      (array_agg(r.name order by r.rn) filter (where r.name is not null))[1],
      (array_agg(r.phone order by r.rn) filter (where r.phone is not null))[1],
      (array_agg(r.phone_verified order by r.rn) filter (where r.phone is not null))[1],
      (array_agg(r.email order by r.rn) filter (where r.email is not null))[1],
      (array_agg(r.birthday order by r.rn) filter (where r.birthday is not null))[1],
      (array_agg(r.language order by r.rn) filter (where r.language is not null))[1],
      (array_agg(r.member_code order by r.rn) filter (where r.member_code is not null))[1],
      (array_agg(coalesce(r.points, 0) order by r.rn) filter (where r.member_code is not null))[1]
    from import_customer_rows r join import_customer_targets t on t.cluster = r.cluster
    where exists (select 1 from import_customer_multi x where x.customer_id = t.customer_id)
    group by t.customer_id`);
  step('merged');
  const created = await one<{ n: number }>(sql`
    with ins as (
      insert into customers (id, brand_id, name, birthday, phone, phone_verified, email, language, created_at, updated_at)
      select customer_id, ${brandId}, name, birthday, phone, coalesce(phone_verified, false), email, language, ${now}::timestamptz, ${now}::timestamptz
      from import_customer_merged where not existing
      order by customer_id
      returning 1
    ) select count(*)::int as n from ins`);

  step('customers created');
  // Existing profiles only get their empty fields filled: what the customer told the bot is newer than an export.
  const updated = await one<{ n: number }>(sql`
    with upd as (
      update customers c set
        name = coalesce(c.name, m.name), birthday = coalesce(c.birthday, m.birthday), email = coalesce(c.email, m.email),
        language = coalesce(c.language, m.language), phone = coalesce(c.phone, m.phone),
        phone_verified = case when c.phone is null and m.phone is not null then coalesce(m.phone_verified, false) else c.phone_verified end,
        updated_at = ${now}::timestamptz
      from import_customer_merged m
      where m.existing and c.id = m.customer_id and (
        (c.name is null and m.name is not null) or (c.birthday is null and m.birthday is not null) or (c.email is null and m.email is not null)
        or (c.language is null and m.language is not null) or (c.phone is null and m.phone is not null))
      returning 1
    ) select count(*)::int as n from upd`);
  const matched = await one<{ n: number }>(sql`select count(*)::int as n from import_customer_merged where existing`);
  step('customers updated');

  // Members: an account with the file's member code, its tier from the points, the points as an opening ledger
  // entry (with its lot) under a key naming the code, so a second run finds it and posts nothing.
  const ctx = await loadProgramContext(tx, brandId);
  if (!ctx) throw new AppError('NOT_FOUND', `brand ${brandId} does not exist`);
  const tiers = [...(await loadTiers(tx, brandId))].sort((a, b) => a.minPoints - b.minPoints);
  const expiresAt = expiryFor(deps.clock.now(), ctx.program, ctx.timezone)?.toISOString() ?? null;
  // The tier of each new member, as tierFor decides it: the highest tier whose minimum the points reach.
  const tierCase = sql`case ${sql.join(
    [...tiers].reverse().map((t) => sql`when m.points >= ${t.minPoints} then ${t.code}`),
    sql` `,
  )} else ${tiers[0]!.code} end`;
  const members = await one<{ accounts: number; entries: number }>(sql`
    with acc as (
      insert into loyalty_accounts (id, brand_id, customer_id, member_code, points_balance, qualifying_points, tier_code, enrolled_at, enrolled_via, updated_at)
      select case when m.existing then gen_random_uuid() else (substr(m.customer_id::text, 1, 19) || 'a' || substr(m.customer_id::text, 21))::uuid end,
        ${brandId}, m.customer_id, m.member_code, m.points, m.points,
        ${tierCase},
        ${now}::timestamptz, 'import', ${now}::timestamptz
      from import_customer_merged m
      where m.member_code is not null and not exists (select 1 from loyalty_accounts a where a.customer_id = m.customer_id)
      order by m.customer_id
      on conflict do nothing
      returning id, member_code, points_balance
    ),
    led as (
      insert into points_ledger (account_id, kind, points, balance_after, expires_at, idempotency_key, note, actor, created_at)
      select id, 'adjust', points_balance, points_balance, ${expiresAt}::timestamptz, 'import:' || member_code || ':opening', 'opening balance from import', 'import', ${now}::timestamptz
      from acc where points_balance > 0
      returning id, account_id, points, expires_at
    ),
    lots as (
      insert into point_lots (account_id, ledger_entry_id, points, remaining, expires_at, created_at)
      select account_id, id, points, points, expires_at, ${now}::timestamptz from led
      returning 1
    )
    select (select count(*) from acc)::int as accounts, (select count(*) from led)::int as entries, (select count(*) from lots)::int as lots`);

  step('members and opening balances');
  // Rows whose member code did not end up on their customer's account, and opening points a member already has
  // differently (a second run with changed points, or a member who existed before the import).
  const unused = rowsOf<{ line: number; name: string | null; phone: string | null; email: string | null; member_code: string; kept: string | null; reason: string }>(
    await tx.execute(sql`
      select r.line, r.name, r.phone, r.email, r.member_code, a.member_code as kept,
        case when a.member_code is null then 'member_code_taken' else 'member_code_conflict' end as reason
      from import_customer_rows r
      join import_customer_targets t on t.cluster = r.cluster
      left join loyalty_accounts a on a.customer_id = t.customer_id
      -- A one-row new customer got an account with its own code (or nothing to report): only merged rows and
      -- customers that existed before can carry a code that did not land.
      where r.member_code is not null and a.member_code is distinct from r.member_code
        and (t.existing or exists (select 1 from import_customer_multi x where x.customer_id = t.customer_id))
      union all
      select r.line, r.name, r.phone, r.email, r.member_code, a.member_code, 'opening_points_conflict'
      from import_customer_merged m
      join import_customer_rows r on r.member_code = m.member_code
      join loyalty_accounts a on a.member_code = m.member_code and a.customer_id = m.customer_id
      left join points_ledger l on l.idempotency_key = 'import:' || m.member_code || ':opening'
      where m.existing and m.points > 0 and coalesce(l.points, 0) <> m.points and coalesce(r.points, 0) = m.points
      order by 1`),
  );
  step('unused codes');
  for (const r of unused) {
    const reason =
      r.reason === 'member_code_conflict'
        ? `member_code_conflict: merged into the customer with member code ${r.kept}`
        : r.reason === 'opening_points_conflict'
          ? 'opening_points_conflict: the member already has a different opening balance; points not changed'
          : 'member_code_taken';
    await rejects.write({ line: r.line, reason, raw: [r.name ?? '', r.phone ?? '', r.email ?? '', r.member_code] });
  }
  return {
    customersCreated: created.n,
    customersUpdated: updated.n,
    customersMatched: matched.n,
    membersCreated: members.accounts,
    openingBalances: members.entries,
  };
}

/** One array-valued parameter (drizzle would otherwise expand a JS array into a list of parameters). */
function param(values: readonly unknown[]): SQL {
  return sql`${sql.param(values)}`;
}
