import { eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { audit, type Actor } from '../audit/index.js';
import type { CoreDeps } from '../shared/index.js';
import { postLedgerEntry, recordTierChange, type LedgerResult } from './ledger.js';
import { loadTiers } from './tiers.js';

/** A manual points adjustment by staff: always with a reason, always audited. */
export interface AdjustPointsInput {
  accountId: string;
  /** Signed whole points. */
  points: number;
  reason: string;
  actor: Actor;
  /** Makes a retried command land once. */
  idempotencyKey: string;
}

/** Adds or deducts points by hand; the ledger entry and the audit entry commit together. */
export async function adjustPoints(deps: CoreDeps, input: AdjustPointsInput): Promise<LedgerResult | { status: 'reason_required' }> {
  const reason = input.reason.trim();
  if (!reason) return { status: 'reason_required' };
  return deps.db.transaction(async (tx) => {
    const d = { ...deps, db: tx };
    const [account] = await tx.select({ brandId: schema.loyaltyAccounts.brandId }).from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, input.accountId));
    if (!account) throw new Error(`no account ${input.accountId}`);
    const result = await postLedgerEntry(d, {
      accountId: input.accountId,
      kind: 'adjust',
      points: input.points,
      idempotencyKey: `adjust:${input.idempotencyKey}`,
      note: reason,
      actor: `${input.actor.type}:${input.actor.id}`,
    });
    await audit(d, {
      brandId: account.brandId,
      actor: input.actor,
      action: 'points.adjust',
      target: `account:${input.accountId}`,
      result: result.status === 'posted' || result.status === 'duplicate' ? 'ok' : result.status,
      details: { points: input.points, reason },
    });
    return result;
  });
}

/** Sets (or clears, with null) a tier floor: the member is moved up to it at once and reviews never go below it. */
export async function setTierFloor(
  deps: CoreDeps,
  input: { accountId: string; tierCode: string | null; reason: string; actor: Actor },
): Promise<{ status: 'ok'; tierCode: string } | { status: 'unknown_tier' } | { status: 'reason_required' }> {
  if (!input.reason.trim()) return { status: 'reason_required' };
  return deps.db.transaction(async (tx) => {
    const [account] = await tx.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, input.accountId)).for('update');
    if (!account) throw new Error(`no account ${input.accountId}`);
    const tiers = await loadTiers(tx, account.brandId);
    const floor = input.tierCode === null ? null : tiers.find((t) => t.code === input.tierCode);
    if (floor === undefined) return { status: 'unknown_tier' };
    const current = tiers.find((t) => t.code === account.tierCode);
    const tierCode = floor && (!current || floor.minPoints > current.minPoints) ? floor.code : account.tierCode;
    const now = deps.clock.now();
    await tx
      .update(schema.loyaltyAccounts)
      .set({ tierFloor: floor?.code ?? null, tierCode, downgradeDueAt: null, updatedAt: now })
      .where(eq(schema.loyaltyAccounts.id, account.id));
    if (tierCode !== account.tierCode) await recordTierChange(tx, { brandId: account.brandId, accountId: account.id, from: account.tierCode, to: tierCode, reason: 'staff', at: now });
    await audit({ ...deps, db: tx }, { brandId: account.brandId, actor: input.actor, action: 'tier.set_floor', target: `account:${account.id}`, result: 'ok', details: { floor: floor?.code ?? null, reason: input.reason.trim() } });
    return { status: 'ok', tierCode };
  });
}
