// Vouchers issued for redeemed rewards: the member's list, and the till's side (validate, redeem) by code.
import { and, asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import type { LocalizedText } from '../../db/schema.js';
import { AppError, type CoreDeps } from '../shared/index.js';
import { groupCode, normalizeCode, VOUCHER_CODE_LENGTH } from './codes.js';

/** Where a voucher is in its life. */
export type VoucherStatus = 'active' | 'redeemed' | 'expired' | 'cancelled';

/** A voucher as members and tills see it. */
export interface VoucherView {
  id: string;
  /** As printed: `XXXX-XXXX-XX`. */
  code: string;
  rewardName: LocalizedText;
  status: VoucherStatus;
  issuedAt: Date;
  expiresAt: Date;
}

/** What a till learns when it checks a code. */
export type ValidateVoucherResult =
  | { status: 'valid'; voucher: VoucherView; reward: { code: string; kind: string; valueMinor: number | null } }
  | { status: 'not_found' | 'redeemed' | 'expired' | 'cancelled' };

/** Outcome of using a voucher at a till. */
export type RedeemVoucherResult = { status: 'redeemed'; voucher: VoucherView } | { status: 'not_found' | 'already_redeemed' | 'expired' | 'cancelled' };

/** How long the same store may replay a redemption with the same idempotency key and get `redeemed` again. */
export const VOUCHER_REPLAY_WINDOW_MS = 15 * 60_000;

type VoucherRow = typeof schema.vouchers.$inferSelect;

/** The member's vouchers that can still be used, soonest expiry first. */
export async function listVouchers(deps: CoreDeps, input: { accountId: string }): Promise<VoucherView[]> {
  const rows = await deps.db
    .select({ v: schema.vouchers, name: schema.rewards.name })
    .from(schema.vouchers)
    .innerJoin(schema.rewards, eq(schema.rewards.id, schema.vouchers.rewardId))
    .where(and(eq(schema.vouchers.accountId, input.accountId), eq(schema.vouchers.status, 'active'), gt(schema.vouchers.expiresAt, deps.clock.now())))
    .orderBy(asc(schema.vouchers.expiresAt), asc(schema.vouchers.issuedAt));
  return rows.map((r) => toVoucherView(r.v, r.name));
}

/** One of the member's vouchers by id (any status); null when it is not theirs. */
export async function getVoucher(deps: CoreDeps, input: { accountId: string; voucherId: string }): Promise<VoucherView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(input.voucherId)) return null;
  const [row] = await deps.db
    .select({ v: schema.vouchers, name: schema.rewards.name })
    .from(schema.vouchers)
    .innerJoin(schema.rewards, eq(schema.rewards.id, schema.vouchers.rewardId))
    .where(and(eq(schema.vouchers.id, input.voucherId), eq(schema.vouchers.accountId, input.accountId)));
  return row ? effective(toVoucherView(row.v, row.name), deps.clock.now()) : null;
}

/** Checks a code at a till without using it. Codes are read case-insensitively, with or without dashes. */
export async function validateVoucher(deps: CoreDeps, input: { brandId: string; code: string }): Promise<ValidateVoucherResult> {
  const code = canonicalVoucherCode(input.code);
  if (!code) return { status: 'not_found' };
  const [row] = await deps.db
    .select({ v: schema.vouchers, reward: schema.rewards })
    .from(schema.vouchers)
    .innerJoin(schema.rewards, eq(schema.rewards.id, schema.vouchers.rewardId))
    .where(and(eq(schema.vouchers.brandId, input.brandId), eq(schema.vouchers.code, code)));
  if (!row) return { status: 'not_found' };
  const voucher = effective(toVoucherView(row.v, row.reward.name), deps.clock.now());
  if (voucher.status !== 'active') return { status: voucher.status };
  return { status: 'valid', voucher, reward: { code: row.reward.code, kind: row.reward.kind, valueMinor: row.reward.valueMinor } };
}

/**
 * Uses a voucher at a store: one conditional UPDATE (`status = 'active' and expires_at > now`), so two tills scanning
 * the same code at once cannot both succeed. A `voucher_redeemed` event records the store and `idempotencyKey` in the
 * same transaction; a retry from the same store with the same key within 15 minutes (a till that lost the response)
 * gets `redeemed` again instead of `already_redeemed`. Throws INVALID_INPUT when the store is not the brand's.
 */
export async function redeemVoucher(
  deps: CoreDeps,
  input: { brandId: string; storeId: string; code: string; idempotencyKey?: string },
): Promise<RedeemVoucherResult> {
  const code = canonicalVoucherCode(input.code);
  if (!code) return { status: 'not_found' };
  return deps.db.transaction(async (tx) => {
    const [store] = await tx
      .select({ id: schema.stores.id })
      .from(schema.stores)
      .where(and(eq(schema.stores.id, input.storeId), eq(schema.stores.brandId, input.brandId)));
    if (!store) throw new AppError('INVALID_INPUT', 'store does not belong to the brand');
    const now = deps.clock.now();
    const [used] = await tx
      .update(schema.vouchers)
      .set({ status: 'redeemed', redeemedAt: now, redeemedStoreId: input.storeId })
      .where(
        and(
          eq(schema.vouchers.brandId, input.brandId),
          eq(schema.vouchers.code, code),
          eq(schema.vouchers.status, 'active'),
          gt(schema.vouchers.expiresAt, now),
        ),
      )
      .returning();
    if (used) {
      await tx.insert(schema.loyaltyEvents).values({
        brandId: used.brandId,
        accountId: used.accountId,
        type: 'voucher_redeemed',
        payload: { voucherId: used.id, storeId: input.storeId, idempotencyKey: input.idempotencyKey ?? null },
        createdAt: now,
      });
      deps.log.info({ voucherId: used.id, storeId: input.storeId }, 'voucher redeemed');
      return { status: 'redeemed', voucher: toVoucherView(used, await rewardName(tx, used.rewardId)) };
    }

    const [row] = await tx
      .select()
      .from(schema.vouchers)
      .where(and(eq(schema.vouchers.brandId, input.brandId), eq(schema.vouchers.code, code)));
    if (!row) return { status: 'not_found' };
    switch (row.status as VoucherStatus) {
      case 'redeemed':
        if (input.idempotencyKey && (await isReplay(tx, row, input.storeId, input.idempotencyKey, now))) {
          return { status: 'redeemed', voucher: toVoucherView(row, await rewardName(tx, row.rewardId)) };
        }
        return { status: 'already_redeemed' };
      case 'cancelled':
        return { status: 'cancelled' };
      case 'expired':
      case 'active': // active but past its expiry: the expiry job has not run yet
        return { status: 'expired' };
    }
  });
}

/**
 * Marks active vouchers whose expiry has passed as expired; returns how many. Safe to run again (it only touches
 * active ones). Points are not refunded: the member chose to spend them and the voucher was theirs to use in time,
 * as on a paper coupon; staff can post an `adjust` entry as a goodwill gesture.
 */
export async function expireVouchers(deps: CoreDeps, input: { now: Date }): Promise<number> {
  const rows = await deps.db
    .update(schema.vouchers)
    .set({ status: 'expired' })
    .where(and(eq(schema.vouchers.status, 'active'), lte(schema.vouchers.expiresAt, input.now)))
    .returning({ id: schema.vouchers.id });
  if (rows.length > 0) deps.log.info({ count: rows.length }, 'vouchers expired');
  return rows.length;
}

/** The stored (printed) form of a typed voucher code, or null when it cannot be one. */
export function canonicalVoucherCode(input: string): string | null {
  const bare = normalizeCode(input);
  return bare && bare.length === VOUCHER_CODE_LENGTH ? groupCode(bare) : null;
}

/** The view of a voucher row. */
export function toVoucherView(row: VoucherRow, name: LocalizedText): VoucherView {
  return { id: row.id, code: row.code, rewardName: name, status: row.status as VoucherStatus, issuedAt: row.issuedAt, expiresAt: row.expiresAt };
}

/** The voucher issued under `issueKey`, if any. */
export async function voucherByIssueKey(db: Db, issueKey: string): Promise<{ row: VoucherRow; view: VoucherView } | undefined> {
  const [row] = await db
    .select({ v: schema.vouchers, name: schema.rewards.name })
    .from(schema.vouchers)
    .innerJoin(schema.rewards, eq(schema.rewards.id, schema.vouchers.rewardId))
    .where(eq(schema.vouchers.issueKey, issueKey));
  return row ? { row: row.v, view: toVoucherView(row.v, row.name) } : undefined;
}

// An active voucher past its expiry is expired, whether or not the expiry job has marked it yet.
function effective(v: VoucherView, now: Date): VoucherView {
  return v.status === 'active' && v.expiresAt <= now ? { ...v, status: 'expired' } : v;
}

async function rewardName(db: Db, rewardId: string): Promise<LocalizedText> {
  const [r] = await db.select({ name: schema.rewards.name }).from(schema.rewards).where(eq(schema.rewards.id, rewardId));
  return r?.name ?? {};
}

/** True when `row` was redeemed by this store, recently, under this idempotency key. */
async function isReplay(db: Db, row: VoucherRow, storeId: string, key: string, now: Date): Promise<boolean> {
  if (row.redeemedStoreId !== storeId || !row.redeemedAt || now.getTime() - row.redeemedAt.getTime() > VOUCHER_REPLAY_WINDOW_MS) return false;
  const [event] = await db
    .select({ payload: schema.loyaltyEvents.payload })
    .from(schema.loyaltyEvents)
    .where(
      and(
        eq(schema.loyaltyEvents.accountId, row.accountId),
        eq(schema.loyaltyEvents.type, 'voucher_redeemed'),
        sql`${schema.loyaltyEvents.payload}->>'voucherId' = ${row.id}`,
      ),
    )
    .orderBy(desc(schema.loyaltyEvents.id))
    .limit(1);
  return event?.payload.idempotencyKey === key;
}
