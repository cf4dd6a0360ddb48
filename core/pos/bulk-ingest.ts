// Bulk ingest of POS purchases: the same outcome as calling recordTransaction once per purchase, in input order,
// but one database transaction per batch and set-based SQL, so a historical import or a POS catch-up runs at
// thousands of purchases per second instead of a few hundred.
//
// Per batch: stores in one query; purchases stored before read back in one query (they are replays); members
// matched (code, else verified phone) in one query; every touched account locked in one `ORDER BY id FOR UPDATE`;
// earning computed in memory, purchase by purchase in input order, with the brand's programme loaded once per call;
// then the new purchases (with their points already decided, so no second write of each row), ledger entries with
// their lots, pending points, tier events and the accounts' new balances each written with one statement.
//
// Deadlocks: batches lock accounts in id order and only then insert purchases, in (store, external id) order, so
// two batches never wait on each other in a cycle. A purchase stored by someone else between the read and the
// insert makes the batch roll back and run again, claiming its purchases first this time (the order
// recordTransaction uses), so it cannot lose again; a deadlock the server reports (possible only when two writers
// receive the same purchase at the same moment) is retried the same way.
import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/index.js';
import { computeEarning, expiryFor, loadProgramContext, loadTiers, tierFor, type LedgerKind, type ProgramContext, type TierDef } from '../loyalty/index.js';
import type { CoreDeps } from '../shared/index.js';
import { hashTransaction, recordTransaction, type MemberSummary, type TransactionInput, type TransactionResult } from './record-transaction.js';
import { scheduleSurveys } from './survey-hook.js';

/** Tuning of `ingestTransactions`. */
export interface IngestOptions {
  /** Purchases per database transaction (default 1,000). */
  batchSize?: number;
  /** Called after each committed batch with the number of inputs done so far. */
  onBatch?: (done: number) => void;
}

/** Default purchases per database transaction: large enough to amortize round trips, small enough to keep locks short. */
export const DEFAULT_INGEST_BATCH = 1_000;

/** Kinds whose points count toward the tier; the same set as postLedgerEntry's. */
const QUALIFYING: ReadonlySet<LedgerKind> = new Set(['earn', 'bonus', 'reverse']);

// A deadlock or serialization failure aborts the whole batch with nothing written; running it again is safe.
const RACE_LOST = 'RACE_LOST';
const RETRYABLE = new Set(['40P01', '40001', RACE_LOST]);
const MAX_ATTEMPTS = 5;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records many purchases with exactly recordTransaction's semantics per input (results in input order):
 * idempotent per (store, external id) with a content hash, member by code or verified phone, earning rules,
 * pending or immediate points, first-purchase and referral bonuses, tier upgrades. A purchase that appears twice
 * (in one batch or across batches) is answered like a replay. Each batch commits on its own: when a batch throws,
 * the batches before it stay committed and running the same inputs again is safe.
 */
export async function ingestTransactions(deps: CoreDeps, inputs: readonly TransactionInput[], opts: IngestOptions = {}): Promise<TransactionResult[]> {
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_INGEST_BATCH);
  const cache: BrandCache = new Map();
  const results: TransactionResult[] = [];
  for (let start = 0; start < inputs.length; start += batchSize) {
    results.push(...(await ingestWithCache(deps, inputs.slice(start, start + batchSize), cache)));
    opts.onBatch?.(results.length);
  }
  return results;
}

/** Tuning of a coalescer. */
export interface CoalescerOptions {
  /** Most purchases in one batch (default 500). */
  maxBatch?: number;
  /** Batches in flight at once (default 2: one being written while the next is computed). */
  concurrency?: number;
}

/** Records single purchases by grouping the ones that arrive together into bulk-ingest batches. */
export interface TransactionCoalescer {
  /** Same contract as recordTransaction: resolves with this purchase's result. */
  record(input: TransactionInput): Promise<TransactionResult>;
}

/**
 * Group commit for single purchases: while batches are in flight, arriving purchases queue, and each free slot takes
 * everything queued as one batch. Nothing waits on a timer, so a lone purchase goes at once; under load, 200
 * concurrent requests cost a few transactions instead of 200. If a batch throws, its purchases are retried one by
 * one with recordTransaction, so one bad purchase fails only its own request.
 */
export function createTransactionCoalescer(deps: CoreDeps, opts: CoalescerOptions = {}): TransactionCoalescer {
  const maxBatch = Math.max(1, opts.maxBatch ?? 500);
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const queue: Array<{ input: TransactionInput; resolve: (r: TransactionResult) => void; reject: (e: unknown) => void }> = [];
  let cache: BrandCache = new Map();
  let running = 0;
  let cacheLoadedAt = Date.now();

  const pump = (): void => {
    while (running < concurrency && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      running++;
      // The programme is reloaded every few seconds, so edited earning rules apply without a restart. A new map,
      // not a cleared one: a batch in flight keeps the programme it started with.
      if (Date.now() - cacheLoadedAt > 5_000) {
        cache = new Map();
        cacheLoadedAt = Date.now();
      }
      void runBatch(batch, cache).finally(() => {
        running--;
        pump();
      });
    }
  };

  const runBatch = async (batch: typeof queue, brands: BrandCache): Promise<void> => {
    const inputs = batch.map((b) => b.input);
    try {
      const results = await ingestWithCache(deps, inputs, brands);
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch {
      for (const b of batch) {
        try {
          b.resolve(await recordTransaction(deps, b.input));
        } catch (err) {
          b.reject(err);
        }
      }
    }
  };

  return {
    record(input) {
      return new Promise<TransactionResult>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        pump();
      });
    },
  };
}

/** One batch with retries, sharing a brand cache with the caller. */
async function ingestWithCache(deps: CoreDeps, batch: readonly TransactionInput[], cache: BrandCache): Promise<TransactionResult[]> {
  let claimFirst = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction((tx) => ingestBatch({ ...deps, db: tx }, batch, cache, claimFirst));
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
      // Lost a race for a purchase: the retry claims its purchases before deciding anything, so it cannot lose again.
      if (err instanceof RaceLost) claimFirst = true;
      deps.log.warn({ attempt, reason: err instanceof Error ? err.message : String(err) }, 'bulk ingest batch retried');
    }
  }
}

type BrandCache = Map<string, { ctx: ProgramContext; tiers: TierDef[] }>;

interface StoreRow {
  id: string;
  brand_id: string;
  currency: string;
  timezone: string;
}

interface AccountRow {
  id: string;
  brand_id: string;
  customer_id: string;
  member_code: string;
  points_balance: number;
  qualifying_points: number;
  tier_code: string;
  pending_points: number;
  referred_by_account_id: string | null;
  has_first_purchase: boolean;
  birthday: string | null;
}

/** An account as the batch sees it: the locked row plus what this batch did to it so far. */
interface AccountState {
  row: AccountRow;
  balance: number;
  qualifying: number;
  tier: string;
  pending: number;
  firstPurchaseAt: Date | null;
  /** A ledger entry was posted (postLedgerEntry sets updated_at then). */
  posted: boolean;
  /** The tier changed, which clears a pending downgrade. */
  tierChanged: boolean;
  dirty: boolean;
}

/** What happened to a purchase's first occurrence in the batch, for a later occurrence to answer from. */
interface Outcome {
  transactionId: string;
  contentHash: string;
  accountId: string | null;
  pointsEarned: number;
  pointsPending: number;
}

interface Prior {
  id: string;
  content_hash: string;
  account_id: string | null;
  points_earned: number;
  pending: number;
}

interface LedgerRow {
  accountId: string;
  kind: LedgerKind;
  points: number;
  balanceAfter: number;
  expiresAt: Date | null;
  key: string;
  reference: string;
}

/**
 * One batch in one transaction. Normally purchases are inserted last, with their points (one write per row); with
 * `claimFirst` they are inserted first and their points set by an UPDATE, which costs more but cannot lose a race.
 */
async function ingestBatch(deps: CoreDeps, inputs: readonly TransactionInput[], cache: BrandCache, claimFirst: boolean): Promise<TransactionResult[]> {
  const tx = deps.db;
  const now = deps.clock.now();
  const results = new Array<TransactionResult | undefined>(inputs.length);

  // 1. Stores, and the checks recordTransaction makes before writing anything.
  const storeIds = [...new Set(inputs.map((i) => i.storeId).filter((id) => UUID.test(id)))];
  const stores = new Map(
    storeIds.length === 0
      ? []
      : rowsOf<StoreRow>(await tx.execute(sql`select id, brand_id, currency, timezone from stores where id = any(${arr(storeIds)}::uuid[])`)).map((s) => [s.id, s]),
  );
  const hashes = new Array<string>(inputs.length);
  /** Index of the first valid occurrence of each (store, external id) in the batch. */
  const firstOf = new Map<string, number>();
  const candidates: number[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const store = stores.get(input.storeId.toLowerCase());
    if (!store || store.brand_id !== input.brandId) {
      results[i] = { status: 'invalid', reason: 'unknown_store' };
      continue;
    }
    if (store.currency !== input.currency) {
      results[i] = { status: 'invalid', reason: 'currency_mismatch' };
      continue;
    }
    let linesTotal = 0;
    let negative = false;
    for (const l of input.lines) {
      linesTotal += l.amountMinor;
      if (l.amountMinor < 0) negative = true;
    }
    if (negative) {
      results[i] = { status: 'invalid', reason: 'negative_line' };
      continue;
    }
    if (linesTotal > input.totalMinor) {
      results[i] = { status: 'invalid', reason: 'lines_exceed_total' };
      continue;
    }
    hashes[i] = hashTransaction(input);
    const key = keyOf(input);
    if (!firstOf.has(key)) {
      firstOf.set(key, i);
      candidates.push(i);
    }
  }

  // 2. Purchases stored before (by an earlier batch, another process or the single API) are replays.
  const ids = new Map<number, string>();
  let unclaimed = candidates;
  if (claimFirst) {
    for (const i of candidates) ids.set(i, randomUUID());
    const claimed = await insertPurchases(tx, now, inputs, candidates, ids, hashes, new Map());
    unclaimed = candidates.filter((i) => !claimed.has(ids.get(i)!));
  }
  const priors = new Map<number, Prior>();
  if (unclaimed.length > 0) {
    const rows = rowsOf<Prior & { store_id: string; external_id: string }>(
      await tx.execute(sql`
        select p.id, p.store_id, p.external_id, p.content_hash, p.account_id, p.points_earned,
          coalesce((select sum(pp.points) from pending_points pp where pp.transaction_id = p.id and pp.status = 'pending'), 0)::int as pending
        from pos_transactions p
        join unnest(${arr(unclaimed.map((i) => inputs[i]!.storeId))}::uuid[], ${arr(unclaimed.map((i) => inputs[i]!.externalId))}::text[]) as k(store_id, external_id)
          on p.store_id = k.store_id and p.external_id = k.external_id`),
    );
    const byKey = new Map(rows.map((r) => [`${r.store_id}\u0000${r.external_id}`, r]));
    for (const i of unclaimed) {
      const prior = byKey.get(keyOf(inputs[i]!));
      if (prior) priors.set(i, prior);
    }
  }
  const unclaimedSet = new Set(unclaimed);
  const fresh = claimFirst ? candidates.filter((i) => !unclaimedSet.has(i)) : candidates.filter((i) => !priors.has(i));
  const freshSet = new Set(fresh);
  if (!claimFirst) for (const i of fresh) ids.set(i, randomUUID());

  // 3. Members of the new purchases: by code within the brand, else by the latest member with that verified phone.
  const codes = [...new Set(fresh.map((i) => inputs[i]!.customer.memberCode).filter(isText))];
  const phones = [...new Set(fresh.map((i) => inputs[i]!.customer.phone).filter(isText))];
  const brands = [...new Set(fresh.map((i) => inputs[i]!.brandId))];
  const byCode = new Map<string, { id: string; brand_id: string }>();
  const byPhone = new Map<string, string>();
  const referrerOf = new Map<string, string>();
  if (codes.length > 0 || phones.length > 0) {
    const rows = rowsOf<{ via: 'code' | 'phone'; k: string; id: string; brand_id: string; referred_by_account_id: string | null }>(
      await tx.execute(sql`
        select 'code' as via, a.member_code as k, a.id, a.brand_id, a.referred_by_account_id
        from loyalty_accounts a where a.member_code = any(${arr(codes)}::text[])
        union all
        select * from (
          select distinct on (c.brand_id, c.phone) 'phone' as via, c.phone as k, a.id, a.brand_id, a.referred_by_account_id
          from customers c join loyalty_accounts a on a.customer_id = c.id
          where c.phone = any(${arr(phones)}::text[]) and c.brand_id = any(${arr(brands)}::text[]) and c.phone_verified
          order by c.brand_id, c.phone, a.enrolled_at desc
        ) as by_phone`),
    );
    for (const r of rows) {
      if (r.referred_by_account_id) referrerOf.set(r.id, r.referred_by_account_id);
      if (r.via === 'code') byCode.set(r.k, r);
      else byPhone.set(`${r.brand_id}\u0000${r.k}`, r.id);
    }
  }
  const matched = new Map<number, string>();
  for (const i of fresh) {
    const input = inputs[i]!;
    const code = input.customer.memberCode ? byCode.get(input.customer.memberCode) : undefined;
    const id = code && code.brand_id === input.brandId ? code.id : input.customer.phone ? byPhone.get(`${input.brandId}\u0000${input.customer.phone}`) : undefined;
    if (id) matched.set(i, id);
  }

  // 4. Lock every account the batch reads or writes, in one consistent order.
  const wanted = new Set<string>([...matched.values()]);
  for (const p of priors.values()) if (p.account_id) wanted.add(p.account_id);
  for (const id of matched.values()) {
    const referrer = referrerOf.get(id);
    if (referrer) wanted.add(referrer);
  }
  const accounts = new Map<string, AccountState>();
  await lockAccounts(tx, wanted, accounts);
  // A referrer we could not foresee (the referral was set after the match query read it) is locked now. Only
  // members with a purchase in this batch can pay a referral, so accounts read for replays need none.
  const late = new Set<string>();
  for (const id of new Set(matched.values())) {
    const a = accounts.get(id);
    if (a?.row.referred_by_account_id && !a.row.has_first_purchase && !accounts.has(a.row.referred_by_account_id)) late.add(a.row.referred_by_account_id);
  }
  if (late.size > 0) await lockAccounts(tx, late, accounts);

  // Referral keys already in the ledger (only possible after manual repairs) are duplicates, as postLedgerEntry treats them.
  const referralKeys: string[] = [];
  for (const a of accounts.values()) {
    if (a.row.referred_by_account_id && !a.row.has_first_purchase) referralKeys.push(`referral:${a.row.id}:referee`, `referral:${a.row.id}:referrer`);
  }
  const existingKeys = new Map<string, { account_id: string; kind: string; points: number }>();
  if (referralKeys.length > 0) {
    const rows = rowsOf<{ idempotency_key: string; account_id: string; kind: string; points: number }>(
      await tx.execute(sql`select idempotency_key, account_id, kind, points from points_ledger where idempotency_key = any(${arr(referralKeys)}::text[])`),
    );
    for (const r of rows) existingKeys.set(r.idempotency_key, r);
  }

  // 5. Every purchase in input order, in memory: the same steps, in the same order, as recordTransaction.
  const ledger: LedgerRow[] = [];
  const pending: Array<{ accountId: string; transactionId: string; points: number; releaseAt: Date }> = [];
  /** The stored columns of each new purchase that the earning decides (null account: no member matched). */
  const awarded = new Map<number, { accountId: string; customerId: string; points: number; earning: string }>();
  const events: Array<{ brandId: string; accountId: string; from: string; to: string }> = [];
  const outcomes = new Map<number, Outcome | 'conflict'>();

  const post = (account: AccountState, kind: LedgerKind, points: number, key: string, expiresAt: Date | null, reference: string): void => {
    const prior = existingKeys.get(key);
    if (prior) {
      if (prior.account_id === account.row.id && prior.kind === kind && prior.points === points) return;
      throw new Error(`earning ${key} was not posted: idempotency_conflict`);
    }
    account.balance += points;
    ledger.push({ accountId: account.row.id, kind, points, balanceAfter: account.balance, expiresAt, key, reference });
    account.qualifying = Math.max(0, account.qualifying + (QUALIFYING.has(kind) ? points : 0));
    const tiers = brandData(cache, account.row.brand_id).tiers;
    const tier = upgradedTier(account.tier, account.qualifying, tiers);
    if (tier !== account.tier) {
      events.push({ brandId: account.row.brand_id, accountId: account.row.id, from: account.tier, to: tier });
      account.tier = tier;
      account.tierChanged = true;
    }
    account.posted = true;
    account.dirty = true;
  };

  const summary = (accountId: string | null): MemberSummary | null => {
    if (!accountId) return null;
    const a = accounts.get(accountId);
    if (!a) throw new Error(`no account ${accountId}`);
    return { memberCode: a.row.member_code, balance: a.balance, pendingPoints: a.pending, tierCode: a.tier };
  };

  // Programmes are needed only for purchases that earn; loading them here keeps replay-only batches cheap.
  for (const i of matched.keys()) await ensureBrand(tx, cache, inputs[i]!.brandId);
  for (const a of accounts.values()) await ensureBrand(tx, cache, a.row.brand_id);

  for (let i = 0; i < inputs.length; i++) {
    if (results[i]) continue;
    const input = inputs[i]!;
    const first = firstOf.get(keyOf(input))!;
    if (first !== i || !freshSet.has(i)) {
      // A replay: of a purchase stored before this batch, or of one earlier in this batch.
      let outcome = outcomes.get(first);
      if (outcome === undefined) {
        const prior = priors.get(first);
        outcome = prior
          ? { transactionId: prior.id, contentHash: prior.content_hash, accountId: prior.account_id, pointsEarned: prior.points_earned, pointsPending: prior.pending }
          : 'conflict';
        outcomes.set(first, outcome);
      }
      results[i] =
        outcome === 'conflict' || outcome.contentHash !== hashes[i]
          ? { status: 'conflict' }
          : {
              status: 'replayed',
              transactionId: outcome.transactionId,
              member: summary(outcome.accountId),
              pointsEarned: outcome.pointsEarned,
              pointsPending: Math.min(outcome.pointsEarned, outcome.pointsPending),
            };
      continue;
    }

    const transactionId = ids.get(i)!;
    const accountId = matched.get(i);
    if (!accountId) {
      outcomes.set(i, { transactionId, contentHash: hashes[i]!, accountId: null, pointsEarned: 0, pointsPending: 0 });
      results[i] = { status: 'recorded', transactionId, member: null, pointsEarned: 0, pointsPending: 0 };
      continue;
    }
    const account = accounts.get(accountId)!;
    const { ctx } = brandData(cache, input.brandId);
    const store = stores.get(input.storeId.toLowerCase())!;
    // Only a purchase with something that earns counts as the first one (a gift card alone is paying in cash).
    const isFirstPurchase = account.firstPurchaseAt === null && !account.row.has_first_purchase && hasEligibleLine(input.lines, ctx);
    const earning = computeEarning({
      lines: input.lines,
      totalMinor: input.totalMinor,
      storeId: input.storeId,
      storeTimeZone: store.timezone,
      occurredAt: input.occurredAt,
      member: { tierCode: account.tier, birthday: account.row.birthday, isFirstPurchase },
      program: ctx.program,
      rules: ctx.rules,
    });
    let held = false;
    if (earning.points > 0) {
      if (ctx.program.pendingDays > 0) {
        pending.push({ accountId, transactionId, points: earning.points, releaseAt: new Date(input.occurredAt.getTime() + ctx.program.pendingDays * 86_400_000) });
        account.pending += earning.points;
        account.dirty = true;
        held = true;
      } else {
        post(account, 'earn', earning.points, `txn:${transactionId}`, expiryFor(input.occurredAt, ctx.program, ctx.timezone), transactionId);
      }
    }
    if (isFirstPurchase && account.row.referred_by_account_id) {
      const { referrerPoints, refereePoints } = ctx.program.referral;
      const expiresAt = expiryFor(input.occurredAt, ctx.program, ctx.timezone);
      if (refereePoints > 0) post(account, 'bonus', refereePoints, `referral:${accountId}:referee`, expiresAt, transactionId);
      if (referrerPoints > 0) {
        const referrer = accounts.get(account.row.referred_by_account_id);
        if (!referrer) throw new Error(`no loyalty account ${account.row.referred_by_account_id}`);
        post(referrer, 'bonus', referrerPoints, `referral:${accountId}:referrer`, expiresAt, transactionId);
      }
    }
    awarded.set(i, { accountId, customerId: account.row.customer_id, points: earning.points, earning: JSON.stringify(earning.breakdown) });
    if (isFirstPurchase) {
      account.firstPurchaseAt = input.occurredAt;
      account.dirty = true;
    }
    const pointsPending = held ? earning.points : 0;
    outcomes.set(i, { transactionId, contentHash: hashes[i]!, accountId, pointsEarned: earning.points, pointsPending });
    results[i] = { status: 'recorded', transactionId, member: summary(accountId), pointsEarned: earning.points, pointsPending };
  }

  // 6. Write it all, one statement per table. The purchases go first: if another writer stored one of them since
  // step 2, the batch is computed on a stale premise, so it is rolled back and run again (it then sees a replay).
  if (claimFirst) {
    await setPurchasePoints(tx, awarded, ids);
  } else {
    const stored = await insertPurchases(tx, now, inputs, fresh, ids, hashes, awarded);
    if (stored.size !== fresh.length) throw new RaceLost(fresh.length - stored.size);
  }
  await writeBatch(tx, now, { ledger, pending, events, accounts: [...accounts.values()].filter((a) => a.dirty) });
  // The post-purchase survey of each new sale with a member, in this transaction (as recordTransaction does).
  await scheduleSurveys(
    deps,
    [...awarded].map(([i, a]) => {
      const input = inputs[i]!;
      return { brandId: input.brandId, customerId: a.customerId, transactionId: ids.get(i)!, storeId: input.storeId, occurredAt: input.occurredAt, totalMinor: input.totalMinor };
    }),
  );
  return results as TransactionResult[];
}

/** Inserts purchases with their earning (if decided), in (store, external id) order; returns the ids stored. */
async function insertPurchases(
  tx: Db,
  now: Date,
  inputs: readonly TransactionInput[],
  fresh: readonly number[],
  ids: ReadonlyMap<number, string>,
  hashes: readonly string[],
  awarded: ReadonlyMap<number, { accountId: string; customerId: string; points: number; earning: string }>,
): Promise<Set<string>> {
  if (fresh.length === 0) return new Set();
  // A consistent order means two batches that overlap on retried ids wait for each other, never deadlock.
  const ordered = [...fresh].sort((a, b) => compareKeys(inputs[a]!, inputs[b]!));
  const col = <T>(f: (input: TransactionInput, i: number) => T): SQL => arr(ordered.map((i) => f(inputs[i]!, i)));
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`
      insert into pos_transactions (id, brand_id, store_id, external_id, content_hash, occurred_at, currency, total_minor, lines, phone,
        account_id, customer_id, points_earned, earning, created_at)
      select v.id, v.brand_id, v.store_id, v.external_id, v.content_hash, v.occurred_at, v.currency, v.total_minor, v.lines, v.phone,
        v.account_id, v.customer_id, v.points_earned, v.earning, ${now.toISOString()}::timestamptz
      from unnest(
        ${col((_, i) => ids.get(i)!)}::uuid[], ${col((x) => x.brandId)}::text[], ${col((x) => x.storeId)}::uuid[], ${col((x) => x.externalId)}::text[],
        ${col((_, i) => hashes[i]!)}::text[], ${col((x) => x.occurredAt.toISOString())}::timestamptz[], ${col((x) => x.currency)}::text[],
        ${col((x) => x.totalMinor)}::int8[], ${col((x) => JSON.stringify(x.lines.map((l) => ({ ...l }))))}::jsonb[], ${col((x) => x.customer.phone ?? null)}::text[],
        ${col((_, i) => awarded.get(i)?.accountId ?? null)}::uuid[], ${col((_, i) => awarded.get(i)?.customerId ?? null)}::uuid[],
        ${col((_, i) => awarded.get(i)?.points ?? 0)}::int[], ${col((_, i) => awarded.get(i)?.earning ?? '[]')}::jsonb[]
      ) as v(id, brand_id, store_id, external_id, content_hash, occurred_at, currency, total_minor, lines, phone, account_id, customer_id, points_earned, earning)
      on conflict do nothing
      returning id`),
  );
  return new Set(rows.map((r) => r.id));
}

/** Sets the member and points of purchases inserted before their earning was known (the claim-first path). */
async function setPurchasePoints(
  tx: Db,
  awarded: ReadonlyMap<number, { accountId: string; customerId: string; points: number; earning: string }>,
  ids: ReadonlyMap<number, string>,
): Promise<void> {
  if (awarded.size === 0) return;
  const rows = [...awarded].map(([i, a]) => ({ id: ids.get(i)!, ...a }));
  await tx.execute(sql`
    update pos_transactions t set account_id = v.account_id, customer_id = v.customer_id, points_earned = v.points, earning = v.earning
    from unnest(${arr(rows.map((r) => r.id))}::uuid[], ${arr(rows.map((r) => r.accountId))}::uuid[], ${arr(rows.map((r) => r.customerId))}::uuid[],
      ${arr(rows.map((r) => r.points))}::int[], ${arr(rows.map((r) => r.earning))}::jsonb[]) as v(id, account_id, customer_id, points, earning)
    where t.id = v.id`);
}

/** Another writer stored a purchase of this batch after the batch looked: the batch is rolled back and retried. */
class RaceLost extends Error {
  readonly code = RACE_LOST;
  constructor(count: number) {
    super(`${count} purchase(s) of the batch were stored concurrently`);
    this.name = 'RaceLost';
  }
}

async function writeBatch(
  tx: Db,
  now: Date,
  w: {
    ledger: LedgerRow[];
    pending: Array<{ accountId: string; transactionId: string; points: number; releaseAt: Date }>;
    events: Array<{ brandId: string; accountId: string; from: string; to: string }>;
    accounts: AccountState[];
  },
): Promise<void> {
  const at = now.toISOString();
  if (w.ledger.length > 0) {
    const l = w.ledger;
    // Each positive entry gets its lot in the same statement; lots follow ledger ids, so FIFO ties keep entry order.
    await tx.execute(sql`
      with entries as (
        insert into points_ledger (account_id, kind, points, balance_after, expires_at, idempotency_key, reference, created_at)
        select v.account_id, v.kind, v.points, v.balance_after, v.expires_at, v.idempotency_key, v.reference, ${at}::timestamptz
        from unnest(${arr(l.map((e) => e.accountId))}::uuid[], ${arr(l.map((e) => e.kind))}::text[], ${arr(l.map((e) => e.points))}::int[],
          ${arr(l.map((e) => e.balanceAfter))}::int[], ${arr(l.map((e) => e.expiresAt?.toISOString() ?? null))}::timestamptz[],
          ${arr(l.map((e) => e.key))}::text[], ${arr(l.map((e) => e.reference))}::text[])
          as v(account_id, kind, points, balance_after, expires_at, idempotency_key, reference)
        returning id, account_id, points, expires_at
      )
      insert into point_lots (account_id, ledger_entry_id, points, remaining, expires_at, created_at)
      select account_id, id, points, points, expires_at, ${at}::timestamptz from entries order by id`);
  }
  if (w.pending.length > 0) {
    const p = w.pending;
    await tx.execute(sql`
      insert into pending_points (account_id, transaction_id, points, release_at, created_at)
      select v.account_id, v.transaction_id, v.points, v.release_at, ${at}::timestamptz
      from unnest(${arr(p.map((r) => r.accountId))}::uuid[], ${arr(p.map((r) => r.transactionId))}::uuid[], ${arr(p.map((r) => r.points))}::int[],
        ${arr(p.map((r) => r.releaseAt.toISOString()))}::timestamptz[]) as v(account_id, transaction_id, points, release_at)`);
  }
  if (w.events.length > 0) {
    const e = w.events;
    await tx.execute(sql`
      insert into loyalty_events (brand_id, account_id, type, payload, created_at)
      select v.brand_id, v.account_id, 'tier_changed', v.payload, ${at}::timestamptz
      from unnest(${arr(e.map((r) => r.brandId))}::text[], ${arr(e.map((r) => r.accountId))}::uuid[],
        ${arr(e.map((r) => JSON.stringify({ from: r.from, to: r.to, reason: 'earned' })))}::jsonb[]) as v(brand_id, account_id, payload)`);
  }
  if (w.accounts.length > 0) {
    const a = w.accounts;
    await tx.execute(sql`
      update loyalty_accounts t set
        points_balance = v.balance, qualifying_points = v.qualifying, tier_code = v.tier, pending_points = v.pending,
        first_purchase_at = coalesce(t.first_purchase_at, v.first_purchase_at),
        downgrade_due_at = case when v.tier_changed then null else t.downgrade_due_at end,
        updated_at = case when v.posted then ${at}::timestamptz else t.updated_at end
      from unnest(${arr(a.map((s) => s.row.id))}::uuid[], ${arr(a.map((s) => s.balance))}::int[], ${arr(a.map((s) => s.qualifying))}::int[],
        ${arr(a.map((s) => s.tier))}::text[], ${arr(a.map((s) => s.pending))}::int[], ${arr(a.map((s) => s.firstPurchaseAt?.toISOString() ?? null))}::timestamptz[],
        ${arr(a.map((s) => s.tierChanged))}::bool[], ${arr(a.map((s) => s.posted))}::bool[])
        as v(id, balance, qualifying, tier, pending, first_purchase_at, tier_changed, posted)
      where t.id = v.id`);
  }
}

async function lockAccounts(tx: Db, ids: ReadonlySet<string>, into: Map<string, AccountState>): Promise<void> {
  if (ids.size === 0) return;
  const rows = rowsOf<AccountRow>(
    await tx.execute(sql`
      select a.id, a.brand_id, a.customer_id, a.member_code, a.points_balance, a.qualifying_points, a.tier_code, a.pending_points,
        a.referred_by_account_id, a.first_purchase_at is not null as has_first_purchase, c.birthday
      from loyalty_accounts a join customers c on c.id = a.customer_id
      where a.id = any(${arr([...ids])}::uuid[])
      order by a.id
      for update of a`),
  );
  for (const row of rows) {
    into.set(row.id, {
      row,
      balance: row.points_balance,
      qualifying: row.qualifying_points,
      tier: row.tier_code,
      pending: row.pending_points,
      firstPurchaseAt: null,
      posted: false,
      tierChanged: false,
      dirty: false,
    });
  }
}

async function ensureBrand(tx: Db, cache: BrandCache, brandId: string): Promise<void> {
  if (cache.has(brandId)) return;
  const ctx = await loadProgramContext(tx, brandId);
  if (!ctx) throw new Error(`brand ${brandId} vanished`);
  cache.set(brandId, { ctx, tiers: await loadTiers(tx, brandId) });
}

function brandData(cache: BrandCache, brandId: string): { ctx: ProgramContext; tiers: TierDef[] } {
  const data = cache.get(brandId);
  if (!data) throw new Error(`programme of brand ${brandId} not loaded`);
  return data;
}

function hasEligibleLine(lines: TransactionInput['lines'], ctx: ProgramContext): boolean {
  const { excludedCategories, excludedSkus } = ctx.program;
  return lines.some((l) => l.amountMinor > 0 && !excludedCategories.includes(l.category) && !excludedSkus.includes(l.sku));
}

/** Earning only ever upgrades (as in postLedgerEntry); downgrades are the periodic review's job. */
function upgradedTier(current: string, qualifying: number, tiers: readonly TierDef[]): string {
  const reached = tierFor(qualifying, tiers);
  const currentTier = tiers.find((t) => t.code === current);
  return currentTier && currentTier.minPoints >= reached.minPoints ? current : reached.code;
}

/** One array-valued parameter (drizzle would otherwise expand a JS array into a list of parameters). */
function arr(values: readonly unknown[]): SQL {
  return sql`${sql.param(values)}`;
}

// Store ids are compared as the database compares uuids: case does not matter.
function keyOf(input: TransactionInput): string {
  return `${input.storeId.toLowerCase()}\u0000${input.externalId}`;
}

function compareKeys(a: TransactionInput, b: TransactionInput): number {
  const sa = a.storeId.toLowerCase();
  const sb = b.storeId.toLowerCase();
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0;
}

function isText(v: string | undefined): v is string {
  return typeof v === 'string' && v.length > 0;
}

function isRetryable(err: unknown): boolean {
  for (let e: unknown = err; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE.has(code)) return true;
  }
  return false;
}
