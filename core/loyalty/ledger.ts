import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { loadTiers, tierFor, type TierDef } from './tiers.js';

/** Kinds of ledger entries; the ledger is append-only, corrections are new entries. */
export type LedgerKind = 'earn' | 'redeem' | 'adjust' | 'expire' | 'reverse' | 'transfer_in' | 'transfer_out' | 'bonus';

/** One ledger write. `idempotencyKey` makes a retried write land once. */
export interface LedgerEntryInput {
  accountId: string;
  kind: LedgerKind;
  /** Signed whole points: positive adds, negative spends. */
  points: number;
  idempotencyKey: string;
  /** When the points of a positive entry expire (null: never). */
  expiresAt?: Date | null;
  /** For `expire`: the lot that lapsed (its remaining points are what `points` removes). */
  lotId?: number;
  reference?: string;
  note?: string;
  actor?: string;
}

/** Outcome of a ledger write; only `posted` changed anything. */
export type LedgerResult =
  | { status: 'posted'; entryId: number; balance: number; tierCode: string; previousTierCode: string }
  | { status: 'duplicate'; entryId: number; balance: number }
  | { status: 'idempotency_conflict' }
  | { status: 'insufficient_points'; balance: number };

/** Kinds whose points count toward the tier (a reversal takes them back). */
const QUALIFYING: ReadonlySet<LedgerKind> = new Set(['earn', 'bonus', 'reverse']);

/**
 * Appends a ledger entry and, in the same transaction, updates the account's balance, its point lots and its tier.
 * The account row is locked first, so concurrent writes to one account serialize and can never overdraw it.
 * Spending consumes the soonest-expiring lots first (points that never expire last).
 */
export async function postLedgerEntry(deps: CoreDeps, input: LedgerEntryInput): Promise<LedgerResult> {
  if (!Number.isSafeInteger(input.points) || input.points === 0) throw new Error('points must be a non-zero integer');
  try {
    return await deps.db.transaction((tx) => post({ ...deps, db: tx }, input));
  } catch (err) {
    // The key is unique across accounts: a race with a write to another account surfaces as a unique violation.
    if (isUniqueViolation(err, 'points_ledger_idempotency')) {
      const prior = await findByKey(deps.db, input.idempotencyKey);
      if (prior && sameEntry(prior, input)) return { status: 'duplicate', entryId: prior.id, balance: prior.balanceAfter };
      return { status: 'idempotency_conflict' };
    }
    throw err;
  }
}

async function post(deps: CoreDeps, input: LedgerEntryInput): Promise<LedgerResult> {
  const tx = deps.db;
  const [account] = await tx.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, input.accountId)).for('update');
  if (!account) throw new Error(`no loyalty account ${input.accountId}`);

  // Checked under the account lock, so two racing retries of one write on one account see each other.
  const prior = await findByKey(tx, input.idempotencyKey);
  if (prior) return sameEntry(prior, input) ? { status: 'duplicate', entryId: prior.id, balance: account.pointsBalance } : { status: 'idempotency_conflict' };

  const balance = account.pointsBalance + input.points;
  if (balance < 0) return { status: 'insufficient_points', balance: account.pointsBalance };
  const now = deps.clock.now();

  const [entry] = await tx
    .insert(schema.pointsLedger)
    .values({
      accountId: input.accountId,
      kind: input.kind,
      points: input.points,
      balanceAfter: balance,
      expiresAt: input.points > 0 ? (input.expiresAt ?? null) : null,
      idempotencyKey: input.idempotencyKey,
      reference: input.reference ?? null,
      note: input.note ?? null,
      actor: input.actor ?? null,
      createdAt: now,
    })
    .returning({ id: schema.pointsLedger.id });
  const entryId = entry!.id;

  if (input.points > 0) {
    await tx.insert(schema.pointLots).values({ accountId: input.accountId, ledgerEntryId: entryId, points: input.points, remaining: input.points, expiresAt: input.expiresAt ?? null, createdAt: now });
  } else if (input.kind === 'expire') {
    if (input.lotId === undefined) throw new Error('an expire entry names the lot it expires');
    const consumed = await tx
      .update(schema.pointLots)
      .set({ remaining: sql`${schema.pointLots.remaining} + ${input.points}` })
      .where(and(eq(schema.pointLots.id, input.lotId), eq(schema.pointLots.accountId, input.accountId), eq(schema.pointLots.remaining, -input.points)))
      .returning({ id: schema.pointLots.id });
    if (consumed.length !== 1) throw new Error(`lot ${input.lotId} does not hold exactly ${-input.points} points`);
  } else {
    await consumeLots(tx, input.accountId, -input.points, now);
  }

  const qualifying = account.qualifyingPoints + (QUALIFYING.has(input.kind) ? input.points : 0);
  const tiers = await loadTiers(tx, account.brandId);
  const tierCode = upgradedTier(account.tierCode, Math.max(0, qualifying), tiers);
  await tx
    .update(schema.loyaltyAccounts)
    .set({
      pointsBalance: balance,
      qualifyingPoints: Math.max(0, qualifying),
      tierCode,
      ...(tierCode !== account.tierCode ? { downgradeDueAt: null } : {}),
      updatedAt: now,
    })
    .where(eq(schema.loyaltyAccounts.id, input.accountId));
  if (tierCode !== account.tierCode) {
    await recordTierChange(tx, { brandId: account.brandId, accountId: account.id, from: account.tierCode, to: tierCode, reason: 'earned', at: now });
  }
  return { status: 'posted', entryId, balance, tierCode, previousTierCode: account.tierCode };
}

/**
 * Takes `points` from the account's open lots: live ones first, soonest expiry first, never-expiring last; lots
 * that lapsed but still await the expiry job pay only for what the live ones cannot (the balance covers them).
 */
async function consumeLots(tx: Db, accountId: string, points: number, now: Date): Promise<void> {
  const lots = await tx
    .select({ id: schema.pointLots.id, remaining: schema.pointLots.remaining })
    .from(schema.pointLots)
    .where(and(eq(schema.pointLots.accountId, accountId), gt(schema.pointLots.remaining, 0)))
    .orderBy(
      sql`(${schema.pointLots.expiresAt} is not null and ${schema.pointLots.expiresAt} <= ${now}) asc`,
      sql`${schema.pointLots.expiresAt} asc nulls last`,
      asc(schema.pointLots.id),
    );
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    await tx.update(schema.pointLots).set({ remaining: lot.remaining - take }).where(eq(schema.pointLots.id, lot.id));
    left -= take;
  }
}

/** Earning only ever upgrades; downgrades are a periodic review with a grace period. */
function upgradedTier(current: string, qualifying: number, tiers: readonly TierDef[]): string {
  const reached = tierFor(qualifying, tiers);
  const currentTier = tiers.find((t) => t.code === current);
  return currentTier && currentTier.minPoints >= reached.minPoints ? current : reached.code;
}

/** Writes a `tier_changed` event (the outbox other parts react to). */
export async function recordTierChange(
  tx: Db,
  e: { brandId: string; accountId: string; from: string; to: string; reason: 'earned' | 'review' | 'staff'; at: Date },
): Promise<void> {
  await tx.insert(schema.loyaltyEvents).values({ brandId: e.brandId, accountId: e.accountId, type: 'tier_changed', payload: { from: e.from, to: e.to, reason: e.reason }, createdAt: e.at });
}

async function findByKey(db: Db, key: string) {
  const [row] = await db.select().from(schema.pointsLedger).where(eq(schema.pointsLedger.idempotencyKey, key));
  return row;
}

function sameEntry(prior: { accountId: string; kind: string; points: number }, input: LedgerEntryInput): boolean {
  return prior.accountId === input.accountId && prior.kind === input.kind && prior.points === input.points;
}

/** True when `err` (or its cause, as drizzle wraps driver errors) is a unique violation of `constraint`. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e: unknown = err; e instanceof Error || (typeof e === 'object' && e !== null); e = (e as { cause?: unknown }).cause) {
    const { code, constraint: name, message } = e as { code?: string; constraint?: string; message?: string };
    if (code === '23505' && (!constraint || name === constraint || message?.includes(constraint))) return true;
    if (!(e as { cause?: unknown }).cause) break;
  }
  return false;
}
