import { and, desc, eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import type { LedgerKind } from './ledger.js';

/** One movement of a member's points as the member may see it (staff notes and references stay internal). */
export interface PointsMovement {
  kind: LedgerKind;
  /** Signed: positive for points in, negative for points out. */
  points: number;
  balanceAfter: number;
  at: Date;
}

/** The member's latest ledger entries, newest first (at most `limit`, capped at 50). */
export async function pointsHistory(deps: CoreDeps, input: { accountId: string; limit?: number }): Promise<PointsMovement[]> {
  const limit = Math.min(Math.max(input.limit ?? 10, 1), 50);
  const rows = await deps.db
    .select({ kind: schema.pointsLedger.kind, points: schema.pointsLedger.points, balanceAfter: schema.pointsLedger.balanceAfter, at: schema.pointsLedger.createdAt })
    .from(schema.pointsLedger)
    .where(eq(schema.pointsLedger.accountId, input.accountId))
    // The id breaks ties between entries of one transaction (earn and bonus share a timestamp).
    .orderBy(desc(schema.pointsLedger.createdAt), desc(schema.pointsLedger.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, kind: r.kind as LedgerKind }));
}

/** Points earned but held until the return window of their purchase ends, newest first. */
export interface HeldPoints {
  points: number;
  /** When they were earned (the purchase was recorded). */
  at: Date;
  releaseAt: Date;
}

/** The member's points on hold (not yet in the ledger), newest first. */
export async function heldPoints(deps: CoreDeps, input: { accountId: string; limit?: number }): Promise<HeldPoints[]> {
  const limit = Math.min(Math.max(input.limit ?? 10, 1), 50);
  return deps.db
    .select({ points: schema.pendingPoints.points, at: schema.pendingPoints.createdAt, releaseAt: schema.pendingPoints.releaseAt })
    .from(schema.pendingPoints)
    .where(and(eq(schema.pendingPoints.accountId, input.accountId), eq(schema.pendingPoints.status, 'pending')))
    .orderBy(desc(schema.pendingPoints.createdAt), desc(schema.pendingPoints.id))
    .limit(limit);
}
