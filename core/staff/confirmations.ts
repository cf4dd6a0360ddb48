// Actions that change a customer's money-like state (points, tiers) wait for "/confirm": the request is frozen in a
// staff_confirmations row for 10 minutes, and confirming claims it (done_at) and performs it in one transaction, so a
// repeated or concurrent /confirm acts once. The ledger write's idempotency key is derived from the row's id as well.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { adjustPoints, setTierFloor } from '../loyalty/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';
import type { StaffMember } from './staff.js';

/** How long a request waits for /confirm. */
export const CONFIRMATION_TTL_MS = 10 * 60_000;

/** An action waiting for confirmation, as frozen when it was asked for. */
export type PendingAction =
  | { kind: 'points.adjust'; accountId: string; customerId: string; memberCode: string; points: number; reason: string }
  | { kind: 'tier.set'; accountId: string; customerId: string; memberCode: string; tierCode: string; reason: string };

/** Stores an action until the person confirms it; an older request of theirs still waiting is dropped. */
export async function requestConfirmation(deps: CoreDeps, input: { staff: StaffMember; action: PendingAction }): Promise<{ id: string; expiresAt: Date }> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + CONFIRMATION_TTL_MS);
  const c = schema.staffConfirmations;
  return deps.db.transaction(async (tx) => {
    // One pending request per person: "/confirm" must never mean something they asked for earlier and forgot.
    await tx.update(c).set({ doneAt: now }).where(and(eq(c.staffId, input.staff.id), isNull(c.doneAt)));
    const { kind, ...payload } = input.action;
    const [row] = await tx.insert(c).values({ brandId: input.staff.brandId, staffId: input.staff.id, kind, payload, expiresAt, createdAt: now }).returning({ id: c.id });
    if (!row) throw new AppError('INTERNAL', 'confirmation not stored');
    return { id: row.id, expiresAt };
  });
}

/** What `confirmPending` did. */
export type ConfirmOutcome =
  | { status: 'nothing_pending' }
  | { status: 'points_adjusted'; memberCode: string; points: number; balance: number }
  | { status: 'insufficient_points'; memberCode: string; points: number; balance: number }
  | { status: 'tier_set'; memberCode: string; floor: string; tierCode: string }
  | { status: 'unknown_tier'; memberCode: string; tierCode: string };

/** Claims the person's latest request still waiting (not expired) and performs it, once. */
export async function confirmPending(deps: CoreDeps, input: { staff: StaffMember }): Promise<ConfirmOutcome> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const row = await claim(tx, input.staff, now);
    if (!row) return { status: 'nothing_pending' } as const;
    const d: CoreDeps = { ...deps, db: tx };
    const action = actionOf(row.kind, row.payload);
    const actor = { type: 'staff' as const, id: input.staff.id };
    switch (action.kind) {
      case 'points.adjust': {
        const result = await adjustPoints(d, { accountId: action.accountId, points: action.points, reason: action.reason, actor, idempotencyKey: `staff-confirmation:${row.id}` });
        switch (result.status) {
          case 'posted':
          case 'duplicate':
            return { status: 'points_adjusted', memberCode: action.memberCode, points: action.points, balance: result.balance } as const;
          case 'insufficient_points':
            return { status: 'insufficient_points', memberCode: action.memberCode, points: action.points, balance: result.balance } as const;
          case 'reason_required':
          case 'idempotency_conflict':
            throw new AppError('INTERNAL', `confirmation ${row.id}: ${result.status}`);
        }
        break;
      }
      case 'tier.set': {
        const result = await setTierFloor(d, { accountId: action.accountId, tierCode: action.tierCode, reason: action.reason, actor });
        switch (result.status) {
          case 'ok':
            return { status: 'tier_set', memberCode: action.memberCode, floor: action.tierCode, tierCode: result.tierCode } as const;
          case 'unknown_tier':
            return { status: 'unknown_tier', memberCode: action.memberCode, tierCode: action.tierCode } as const;
          case 'reason_required':
            throw new AppError('INTERNAL', `confirmation ${row.id}: reason_required`);
        }
      }
    }
    throw new AppError('INTERNAL', `confirmation ${row.id}: unhandled outcome`);
  });
}

/** Drops the person's request still waiting; false when there was none. */
export async function cancelPending(deps: CoreDeps, input: { staff: StaffMember }): Promise<{ status: 'cancelled'; kind: PendingAction['kind'] } | { status: 'nothing_pending' }> {
  const row = await claim(deps.db, input.staff, deps.clock.now());
  return row ? { status: 'cancelled', kind: actionOf(row.kind, row.payload).kind } : { status: 'nothing_pending' };
}

/** Marks the latest waiting request done and returns it; the `done_at is null` condition makes one caller win. */
async function claim(db: CoreDeps['db'], staff: StaffMember, now: Date) {
  const c = schema.staffConfirmations;
  const [latest] = await db
    .select({ id: c.id })
    .from(c)
    .where(and(eq(c.staffId, staff.id), eq(c.brandId, staff.brandId), isNull(c.doneAt), sql`${c.expiresAt} > ${now.toISOString()}::timestamptz`))
    .orderBy(desc(c.createdAt))
    .limit(1);
  if (!latest) return null;
  const [row] = await db
    .update(c)
    .set({ doneAt: now })
    .where(and(eq(c.id, latest.id), isNull(c.doneAt)))
    .returning();
  return row ?? null;
}

function actionOf(kind: string, payload: Record<string, unknown>): PendingAction {
  const str = (k: string): string => {
    const v = payload[k];
    if (typeof v !== 'string') throw new AppError('INTERNAL', `confirmation payload without ${k}`);
    return v;
  };
  const base = { accountId: str('accountId'), customerId: str('customerId'), memberCode: str('memberCode'), reason: str('reason') };
  if (kind === 'points.adjust' && typeof payload.points === 'number') return { kind, ...base, points: payload.points };
  if (kind === 'tier.set') return { kind, ...base, tierCode: str('tierCode') };
  throw new AppError('INTERNAL', `unknown confirmation kind ${kind}`);
}
