// One customer across channels. A person who writes on a second channel starts as a new profile; it becomes the same
// customer when the platform vouches for a phone number an existing profile has (WhatsApp), or when they send a
// one-time code they got on a channel already linked ("link 48291375"). Merging follows the rules of the CDPs we admire:
// junk identifiers never match, two profiles that disagree on a verified phone are never merged automatically (staff
// are told instead), points move with transfer entries, and every merge is recorded so staff can see and reverse it.
import { createHash, randomInt } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import { audit } from '../audit/index.js';
import { postLedgerEntry } from '../loyalty/index.js';
import type { CoreDeps } from '../shared/index.js';

/** How long a link code is valid. */
export const LINK_CODE_TTL_MS = 10 * 60_000;

// Placeholders POS systems and forms are full of: never an identity.
const JUNK_PHONES = new Set(['+10000000000', '+11111111111', '+12345678900', '+1234567890']);

/** The phone as an identifier, or null when it is missing or junk (too short, one repeated digit, a placeholder). */
export function usablePhone(phone: string | null | undefined): string | null {
  if (!phone || !/^\+[1-9]\d{7,14}$/.test(phone)) return null;
  if (/^\+(\d)\1+$/.test(phone) || /0{7,}$/.test(phone) || JUNK_PHONES.has(phone)) return null;
  return phone;
}

/**
 * The profile a new channel identity with a platform-verified phone belongs to: the one live profile of the brand whose
 * phone is verified too (shared from Telegram, a WhatsApp number, an import that vouched for it). A phone merely typed
 * in (a sign-up form, a till) never pulls a verified person in: anyone can type anyone's number. Several candidates or
 * none: null, and the caller creates a new profile.
 */
export async function customerByVerifiedPhone(db: Db, brandId: string, phone: string): Promise<string | null> {
  const ids = await profilesWithVerifiedPhone(db, brandId, phone);
  return ids.length === 1 ? ids[0]! : null;
}

/**
 * Up to two live profiles of the brand with this phone verified (other than `exceptId`): none, the one, or "more than
 * one" — all a caller needs to decide. Junk phones have none.
 */
export async function profilesWithVerifiedPhone(db: Db, brandId: string, phone: string, exceptId?: string): Promise<string[]> {
  if (!usablePhone(phone)) return [];
  const rows = await db
    .select({ id: schema.customers.id })
    .from(schema.customers)
    .where(
      and(
        eq(schema.customers.brandId, brandId),
        eq(schema.customers.phone, phone),
        eq(schema.customers.phoneVerified, true),
        isNull(schema.customers.mergedIntoId),
        exceptId ? ne(schema.customers.id, exceptId) : undefined,
      ),
    )
    .limit(2);
  return rows.map((r) => r.id);
}

/**
 * A customer just proved a phone is theirs (Telegram's shared contact of their own number): when another live profile
 * has that phone, this profile is merged into it (the same rules as any merge: refused on conflicting verified phones).
 * Returns the profile that is the customer now.
 */
export async function joinByVerifiedPhone(deps: CoreDeps, input: { brandId: string; customerId: string; phone: string }): Promise<string> {
  const others = await profilesWithVerifiedPhone(deps.db, input.brandId, input.phone, input.customerId);
  if (others.length !== 1) return input.customerId;
  const intoId = others[0]!;
  const merged = await mergeCustomers(deps, { brandId: input.brandId, fromId: input.customerId, intoId, reason: 'verified_phone' });
  return merged.status === 'merged' ? intoId : input.customerId;
}

const hashCode = (brandId: string, code: string) => createHash('sha256').update(`${brandId}\0${code}`).digest('hex');

/**
 * A fresh eight-digit code that links another channel to this customer; only its hash is stored, and it replaces the
 * customer's earlier live codes (one live code per profile). A code sent to a phone on someone else's request is
 * bound to that requester (`requesterCustomerId`): nobody else can use it, so minting codes for other people's
 * numbers gives a guesser nothing to hit.
 */
export async function issueLinkCode(deps: CoreDeps, input: { brandId: string; customerId: string; requesterCustomerId?: string }): Promise<{ code: string; expiresAt: Date }> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
  await deps.db
    .update(schema.linkCodes)
    .set({ usedAt: now })
    .where(and(eq(schema.linkCodes.customerId, input.customerId), isNull(schema.linkCodes.usedAt), gt(schema.linkCodes.expiresAt, now)));
  // A collision with a live code of the brand is possible (9·10^7 codes); a few tries make it vanishingly rare.
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = String(randomInt(10_000_000, 100_000_000));
    const inserted = await deps.db
      .insert(schema.linkCodes)
      .values({ brandId: input.brandId, customerId: input.customerId, codeHash: hashCode(input.brandId, code), expiresAt, requesterCustomerId: input.requesterCustomerId ?? null })
      .onConflictDoNothing()
      .returning({ id: schema.linkCodes.id });
    if (inserted.length > 0) return { code, expiresAt };
    // The hash is taken: free it if that code has expired, then try a new one.
    await deps.db
      .delete(schema.linkCodes)
      .where(and(eq(schema.linkCodes.brandId, input.brandId), eq(schema.linkCodes.codeHash, hashCode(input.brandId, code)), sql`${schema.linkCodes.expiresAt} <= ${now}`));
  }
  throw new Error('could not issue a unique link code');
}

/** Deletes link codes that expired before `before` (used or not): they can never link anything again. */
export async function pruneLinkCodes(deps: CoreDeps, before: Date): Promise<number> {
  const rows = await deps.db.delete(schema.linkCodes).where(lt(schema.linkCodes.expiresAt, before)).returning({ id: schema.linkCodes.id });
  return rows.length;
}

/** What linking with a code did. */
export type LinkResult =
  | { status: 'linked'; intoCustomerId: string; pointsMoved: number }
  | { status: 'invalid' }
  | { status: 'already_linked' }
  | { status: 'conflict' };

/**
 * Links the customer who sent `code` (this channel's profile) to the customer who asked for it: this profile is merged
 * into that one. Invalid, expired and used codes are all 'invalid' (no hint for guessing); callers rate-limit tries.
 */
export async function linkWithCode(deps: CoreDeps, input: { brandId: string; customerId: string; code: string }): Promise<LinkResult> {
  return deps.db.transaction(async (tx) => {
    const d: CoreDeps = { ...deps, db: tx };
    const now = deps.clock.now();
    const [row] = await tx
      .select()
      .from(schema.linkCodes)
      .where(and(eq(schema.linkCodes.brandId, input.brandId), eq(schema.linkCodes.codeHash, hashCode(input.brandId, input.code)), isNull(schema.linkCodes.usedAt), gt(schema.linkCodes.expiresAt, now)))
      .for('update');
    // A code sent to a phone at someone's request works only for them; for anyone else it does not exist.
    if (!row || (row.requesterCustomerId !== null && row.requesterCustomerId !== input.customerId)) return { status: 'invalid' };
    const into = await liveCustomer(tx, row.customerId);
    if (into === input.customerId) return { status: 'already_linked' };
    await tx.update(schema.linkCodes).set({ usedAt: now }).where(eq(schema.linkCodes.id, row.id));
    const merged = await mergeCustomers(d, { brandId: input.brandId, fromId: input.customerId, intoId: into, reason: 'link_code' });
    return merged.status === 'merged' ? { status: 'linked', intoCustomerId: into, pointsMoved: merged.pointsMoved } : { status: 'conflict' };
  });
}

/** Follows merges to the profile that is the customer now. */
async function liveCustomer(db: Db, customerId: string): Promise<string> {
  let id = customerId;
  for (let hop = 0; hop < 10; hop++) {
    const [row] = await db.select({ mergedIntoId: schema.customers.mergedIntoId }).from(schema.customers).where(eq(schema.customers.id, id));
    if (!row?.mergedIntoId) return id;
    id = row.mergedIntoId;
  }
  return id;
}

/** What a merge did. */
export type MergeResult = { status: 'merged'; mergeId: number; pointsMoved: number } | { status: 'conflict'; reason: 'phone' | 'already_merged' };

/**
 * Merges profile `fromId` into `intoId` in the caller's transaction: channel identities, conversations and consent
 * history move; the loyalty account moves when only `from` has one, otherwise its points move lot by lot with
 * transfer entries (keeping each lot's expiry) and its pending points move with their release dates. Missing fields of
 * `into` are filled from `from`. Refused (and reported to staff in the audit log) when both have different verified
 * phones: that is two people, or a mistake a person must look at.
 */
export async function mergeCustomers(deps: CoreDeps, input: { brandId: string; fromId: string; intoId: string; reason: 'link_code' | 'verified_phone' | 'staff' }): Promise<MergeResult> {
  const tx = deps.db;
  // Both profiles locked, in a fixed order, so two merges of the same pair cannot interleave.
  const ids = [input.fromId, input.intoId].sort();
  for (const id of ids) await tx.select({ id: schema.customers.id }).from(schema.customers).where(eq(schema.customers.id, id)).for('update');
  const [from] = await tx.select().from(schema.customers).where(eq(schema.customers.id, input.fromId));
  const [into] = await tx.select().from(schema.customers).where(eq(schema.customers.id, input.intoId));
  if (!from || !into || from.brandId !== input.brandId || into.brandId !== input.brandId) throw new Error('merge: both profiles must exist in the brand');
  // Re-read under the locks: a merge that crossed this one (A into B while B into A) must not make a cycle.
  if (from.mergedIntoId || into.mergedIntoId) return { status: 'conflict', reason: 'already_merged' };

  if (from.phoneVerified && into.phoneVerified && usablePhone(from.phone) && usablePhone(into.phone) && from.phone !== into.phone) {
    await audit(deps, {
      brandId: input.brandId,
      actor: { type: 'system', id: 'identity' },
      action: 'identity.merge_conflict',
      target: input.intoId,
      result: 'denied',
      details: { fromCustomerId: input.fromId, intoCustomerId: input.intoId, conflict: 'verified_phone', reason: input.reason },
    });
    return { status: 'conflict', reason: 'phone' };
  }

  const moved = await tx
    .update(schema.channelIdentities)
    .set({ customerId: input.intoId })
    .where(eq(schema.channelIdentities.customerId, input.fromId))
    .returning({ id: schema.channelIdentities.id });
  await tx.update(schema.conversations).set({ customerId: input.intoId }).where(eq(schema.conversations.customerId, input.fromId));
  await carryConsents(deps, input.fromId, input.intoId);

  const [merge] = await tx
    .insert(schema.customerMerges)
    .values({ brandId: input.brandId, fromCustomerId: input.fromId, intoCustomerId: input.intoId, reason: input.reason, movedIdentityIds: moved.map((m) => m.id) })
    .returning({ id: schema.customerMerges.id });
  const mergeId = merge!.id;
  const { pointsMoved, movedAccountId } = await moveLoyalty(deps, { fromId: input.fromId, intoId: input.intoId, mergeId });
  if (pointsMoved > 0 || movedAccountId) await tx.update(schema.customerMerges).set({ pointsMoved, movedAccountId }).where(eq(schema.customerMerges.id, mergeId));

  await tx
    .update(schema.customers)
    .set({
      name: into.name ?? from.name,
      birthday: into.birthday ?? from.birthday,
      ...(into.phone ? {} : { phone: from.phone, phoneVerified: from.phoneVerified }),
      email: into.email ?? from.email,
      language: into.language ?? from.language,
      updatedAt: deps.clock.now(),
    })
    .where(eq(schema.customers.id, input.intoId));
  await tx.update(schema.customers).set({ mergedIntoId: input.intoId, updatedAt: deps.clock.now() }).where(eq(schema.customers.id, input.fromId));
  await audit(deps, {
    brandId: input.brandId,
    actor: { type: input.reason === 'staff' ? 'staff' : 'system', id: 'identity' },
    action: 'identity.merged',
    target: input.intoId,
    result: 'ok',
    details: { fromCustomerId: input.fromId, mergeId, reason: input.reason, identities: moved.length, pointsMoved },
  });
  return { status: 'merged', mergeId, pointsMoved };
}

/**
 * Consent history is append-only: it stays with the old profile (reachable through the merge record), and the decision
 * in force for each purpose and channel is appended to the merged profile when it is newer than the one there, with
 * its original time and wording version.
 */
async function carryConsents(deps: CoreDeps, fromId: string, intoId: string): Promise<void> {
  const latest = async (customerId: string) => {
    const rows = await deps.db.select().from(schema.consentRecords).where(eq(schema.consentRecords.customerId, customerId)).orderBy(asc(schema.consentRecords.recordedAt), asc(schema.consentRecords.id));
    return new Map(rows.map((r) => [`${r.purpose}\0${r.channel}`, r]));
  };
  const [from, into] = [await latest(fromId), await latest(intoId)];
  for (const [key, record] of from) {
    const current = into.get(key);
    if (current && current.recordedAt >= record.recordedAt) continue;
    await deps.db.insert(schema.consentRecords).values({
      customerId: intoId,
      purpose: record.purpose,
      channel: record.channel,
      granted: record.granted,
      wordingVersion: record.wordingVersion,
      source: 'merge',
      recordedAt: record.recordedAt,
    });
  }
}

/** Moves `from`'s loyalty into `into`'s: the points moved by transfer entries, or the account that moved whole. */
async function moveLoyalty(deps: CoreDeps, m: { fromId: string; intoId: string; mergeId: number }): Promise<{ pointsMoved: number; movedAccountId: string | null }> {
  const tx = deps.db;
  const [fromAccount] = await tx.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, m.fromId)).for('update');
  if (!fromAccount) return { pointsMoved: 0, movedAccountId: null };
  const [intoAccount] = await tx.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, m.intoId)).for('update');
  if (!intoAccount) {
    // Only the other profile was a member: the membership (number, tier, history) simply becomes this customer's.
    await tx.update(schema.loyaltyAccounts).set({ customerId: m.intoId, updatedAt: deps.clock.now() }).where(eq(schema.loyaltyAccounts.id, fromAccount.id));
    return { pointsMoved: 0, movedAccountId: fromAccount.id };
  }
  // Lot by lot, soonest expiry first (the order transfer_out spends in), so each point keeps its expiry date.
  const moved = await transferLots(deps, { fromAccountId: fromAccount.id, toAccountId: intoAccount.id, lots: await openLots(tx, fromAccount.id), key: `merge:${m.mergeId}` });
  // Vouchers not used yet are the customer's too.
  await tx
    .update(schema.vouchers)
    .set({ accountId: intoAccount.id })
    .where(and(eq(schema.vouchers.accountId, fromAccount.id), eq(schema.vouchers.status, 'active')));
  // Points still on hold follow the customer, with their release dates.
  const pending = await tx
    .update(schema.pendingPoints)
    .set({ accountId: intoAccount.id })
    .where(and(eq(schema.pendingPoints.accountId, fromAccount.id), eq(schema.pendingPoints.status, 'pending')))
    .returning({ points: schema.pendingPoints.points });
  const pendingMoved = pending.reduce((s, p) => s + p.points, 0);
  if (pendingMoved > 0) {
    await tx.update(schema.loyaltyAccounts).set({ pendingPoints: sql`${schema.loyaltyAccounts.pendingPoints} - ${pendingMoved}` }).where(eq(schema.loyaltyAccounts.id, fromAccount.id));
    await tx.update(schema.loyaltyAccounts).set({ pendingPoints: sql`${schema.loyaltyAccounts.pendingPoints} + ${pendingMoved}` }).where(eq(schema.loyaltyAccounts.id, intoAccount.id));
  }
  return { pointsMoved: moved, movedAccountId: null };
}

type Lot = typeof schema.pointLots.$inferSelect;

/** An account's lots with points left, soonest expiry first (the order transfer_out spends in). */
function openLots(db: Db, accountId: string): Promise<Lot[]> {
  return db
    .select()
    .from(schema.pointLots)
    .where(and(eq(schema.pointLots.accountId, accountId), gt(schema.pointLots.remaining, 0)))
    .orderBy(sql`${schema.pointLots.expiresAt} asc nulls last`, asc(schema.pointLots.id));
}

/** Moves the remaining points of `lots` from one account to another, one transfer pair per lot, keeping expiry. */
async function transferLots(deps: CoreDeps, t: { fromAccountId: string; toAccountId: string; lots: Lot[]; key: string }): Promise<number> {
  let moved = 0;
  for (const lot of t.lots) {
    if (lot.remaining <= 0) continue;
    const out = await postEntry(deps, { accountId: t.fromAccountId, kind: 'transfer_out', points: -lot.remaining, key: `${t.key}:out:${lot.id}`, expiresAt: null, reference: t.key });
    const inn = await postEntry(deps, { accountId: t.toAccountId, kind: 'transfer_in', points: lot.remaining, key: `${t.key}:in:${lot.id}`, expiresAt: lot.expiresAt, reference: t.key });
    if (!out || !inn) throw new Error(`${t.key}: transfer of lot ${lot.id} was not posted`);
    moved += lot.remaining;
  }
  return moved;
}

/** What reversing a merge did. */
export type ReverseMergeResult =
  | { status: 'reversed'; pointsReturned: number; pointsShort: number }
  | { status: 'not_found' }
  | { status: 'already_reversed' }
  | { status: 'superseded' };

/**
 * Staff undo a merge: the moved channel identities (and their conversations) go back to the old profile, a membership
 * that moved whole moves back, and points that moved go back lot by lot from what is left of them (points already
 * spent cannot come back: `pointsShort`). Consent copies and points on hold stay with the merged profile. Refused when
 * the merged profile was itself merged again since (undo that first).
 */
export async function reverseMerge(deps: CoreDeps, input: { brandId: string; mergeId: number; by: string }): Promise<ReverseMergeResult> {
  return deps.db.transaction(async (tx) => {
    const d: CoreDeps = { ...deps, db: tx };
    const [merge] = await tx
      .select()
      .from(schema.customerMerges)
      .where(and(eq(schema.customerMerges.id, input.mergeId), eq(schema.customerMerges.brandId, input.brandId)))
      .for('update');
    if (!merge) return { status: 'not_found' };
    if (merge.reversedAt) return { status: 'already_reversed' };
    const [into] = await tx.select().from(schema.customers).where(eq(schema.customers.id, merge.intoCustomerId)).for('update');
    if (into?.mergedIntoId) return { status: 'superseded' };

    const ids = merge.movedIdentityIds;
    const identities =
      ids.length > 0
        ? await tx
            .update(schema.channelIdentities)
            .set({ customerId: merge.fromCustomerId })
            .where(and(inArray(schema.channelIdentities.id, ids), eq(schema.channelIdentities.customerId, merge.intoCustomerId)))
            .returning()
        : [];
    for (const identity of identities) {
      await tx
        .update(schema.conversations)
        .set({ customerId: merge.fromCustomerId })
        .where(and(eq(schema.conversations.customerId, merge.intoCustomerId), eq(schema.conversations.channel, identity.channel), eq(schema.conversations.chatId, identity.externalId)));
    }
    if (merge.movedAccountId) {
      await tx.update(schema.loyaltyAccounts).set({ customerId: merge.fromCustomerId, updatedAt: deps.clock.now() }).where(eq(schema.loyaltyAccounts.id, merge.movedAccountId));
    }
    let returned = 0;
    if (merge.pointsMoved > 0) {
      const [fromAccount] = await tx.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, merge.fromCustomerId));
      const [intoAccount] = await tx.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, merge.intoCustomerId));
      if (fromAccount && intoAccount) {
        // The lots the merge created on the merged account, as far as they are not spent yet.
        const lots = await tx
          .select({ lot: schema.pointLots })
          .from(schema.pointLots)
          .innerJoin(schema.pointsLedger, eq(schema.pointsLedger.id, schema.pointLots.ledgerEntryId))
          .where(and(eq(schema.pointLots.accountId, intoAccount.id), eq(schema.pointsLedger.reference, `merge:${merge.id}`), gt(schema.pointLots.remaining, 0)));
        returned = await transferLots(d, { fromAccountId: intoAccount.id, toAccountId: fromAccount.id, lots: lots.map((l) => l.lot), key: `unmerge:${merge.id}` });
      }
    }
    await tx.update(schema.customers).set({ mergedIntoId: null, updatedAt: deps.clock.now() }).where(eq(schema.customers.id, merge.fromCustomerId));
    await tx.update(schema.customerMerges).set({ reversedAt: deps.clock.now() }).where(eq(schema.customerMerges.id, merge.id));
    await audit(d, {
      brandId: input.brandId,
      actor: { type: 'staff', id: input.by },
      action: 'identity.merge_reversed',
      target: merge.fromCustomerId,
      result: 'ok',
      details: { mergeId: merge.id, intoCustomerId: merge.intoCustomerId, identities: identities.length, pointsReturned: returned, pointsShort: merge.pointsMoved - returned },
    });
    return { status: 'reversed', pointsReturned: returned, pointsShort: merge.pointsMoved - returned };
  });
}

async function postEntry(
  deps: CoreDeps,
  e: { accountId: string; kind: 'transfer_in' | 'transfer_out'; points: number; key: string; expiresAt: Date | null; reference: string },
): Promise<boolean> {
  const result = await postLedgerEntry(deps, { accountId: e.accountId, kind: e.kind, points: e.points, idempotencyKey: e.key, expiresAt: e.expiresAt, reference: e.reference, actor: 'identity-merge' });
  return result.status === 'posted' || result.status === 'duplicate';
}

/** Marks a channel identity unreachable (the person blocked the bot or left), or reachable again. */
export async function setIdentityReachable(deps: CoreDeps, input: { brandId: string; channel: string; externalId: string; reachable: boolean }): Promise<void> {
  await deps.db
    .update(schema.channelIdentities)
    .set({ unreachableAt: input.reachable ? null : deps.clock.now() })
    .where(
      and(
        eq(schema.channelIdentities.brandId, input.brandId),
        eq(schema.channelIdentities.channel, input.channel),
        eq(schema.channelIdentities.externalId, input.externalId),
        input.reachable ? isNotNull(schema.channelIdentities.unreachableAt) : isNull(schema.channelIdentities.unreachableAt),
      ),
    );
}
