import { eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { loadTiers, tierFor } from './tiers.js';

/** Kinds of ledger entries; the ledger is append-only, corrections are new entries. */
export type LedgerKind = 'earn' | 'redeem' | 'adjust' | 'expire' | 'reverse' | 'transfer_in' | 'transfer_out' | 'bonus';

/** One ledger write. `idempotencyKey` makes a retried write land once. */
export interface LedgerEntryInput {
  accountId: string;
  kind: LedgerKind;
  /** Signed whole points: positive adds, negative spends. */
  points: number;
  idempotencyKey: string;
  expiresAt?: Date | null;
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

const QUALIFYING: ReadonlySet<LedgerKind> = new Set(['earn', 'bonus']);

/**
 * Appends a ledger entry and updates the account's balance and tier in the same transaction.
 * The account row is locked first, so concurrent writes to one account serialize and can never overdraw it.
 */
export async function postLedgerEntry(deps: CoreDeps, input: LedgerEntryInput): Promise<LedgerResult> {
  if (!Number.isSafeInteger(input.points) || input.points === 0) throw new Error('points must be a non-zero integer');
  return deps.db.transaction(async (tx) => {
    const [account] = await tx.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, input.accountId)).for('update');
    if (!account) throw new Error(`no loyalty account ${input.accountId}`);

    // Checked under the account lock, so two racing retries of one write see each other.
    const [prior] = await tx.select().from(schema.pointsLedger).where(eq(schema.pointsLedger.idempotencyKey, input.idempotencyKey));
    if (prior) {
      const same = prior.accountId === input.accountId && prior.kind === input.kind && prior.points === input.points;
      return same ? { status: 'duplicate', entryId: prior.id, balance: account.pointsBalance } : { status: 'idempotency_conflict' };
    }

    const balance = account.pointsBalance + input.points;
    if (balance < 0) return { status: 'insufficient_points', balance: account.pointsBalance };
    const qualifying = account.qualifyingPoints + (QUALIFYING.has(input.kind) && input.points > 0 ? input.points : 0);
    const tiers = await loadTiers(tx, account.brandId);
    const reached = tierFor(qualifying, tiers);
    const current = tiers.find((t) => t.code === account.tierCode);
    // Earning only ever upgrades here; downgrades are a periodic review with a grace period.
    const tierCode = current && current.minPoints > reached.minPoints ? current.code : reached.code;

    const now = deps.clock.now();
    const [entry] = await tx
      .insert(schema.pointsLedger)
      .values({
        accountId: input.accountId,
        kind: input.kind,
        points: input.points,
        balanceAfter: balance,
        expiresAt: input.expiresAt ?? null,
        idempotencyKey: input.idempotencyKey,
        reference: input.reference ?? null,
        note: input.note ?? null,
        actor: input.actor ?? null,
        createdAt: now,
      })
      .returning({ id: schema.pointsLedger.id });
    await tx
      .update(schema.loyaltyAccounts)
      .set({ pointsBalance: balance, qualifyingPoints: qualifying, tierCode, updatedAt: now })
      .where(eq(schema.loyaltyAccounts.id, input.accountId));
    return { status: 'posted', entryId: entry!.id, balance, tierCode, previousTierCode: account.tierCode };
  });
}
