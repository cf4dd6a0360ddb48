// Gift cards: stored-value cards whose code is a bearer secret. Only a SHA-256 hash of the code and its last four
// symbols are stored (like a password), every balance change is an append-only movement, and balance checks are
// rate limited per caller so codes cannot be guessed.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import { isUniqueViolation } from '../loyalty/index.js';
import { groupCode, normalizeCode, randomCrockford } from '../rewards/index.js';
import { hitRateLimit, releaseRateLimit } from '../shared/rate-limit.js';
import { AppError, type CoreDeps } from '../shared/index.js';

/** Symbols in a gift card code: 80 bits from the CSPRNG, shown as `XXXX-XXXX-XXXX-XXXX`. */
export const GIFT_CARD_CODE_LENGTH = 16;

/** Failed guesses allowed per caller and window before every check is refused, even with a right code. */
export const GIFT_CARD_GUESS_LIMIT = { limit: 5, windowMs: 60 * 60_000 } as const;

/** What a balance check says. */
export type CheckGiftCardResult =
  | { status: 'ok'; balanceMinor: number; currency: string; expiresAt: Date | null; last4: string }
  | { status: 'not_found' | 'expired' | 'blocked' | 'rate_limited' };

/** Outcome of spending from a gift card. */
export type RedeemGiftCardResult =
  | { status: 'redeemed'; balanceMinor: number }
  | { status: 'insufficient_balance'; balanceMinor: number }
  | { status: 'not_found' | 'expired' | 'blocked' | 'idempotency_conflict' };

type GiftCardRow = typeof schema.giftCards.$inferSelect;

/**
 * Issues a gift card and records its `issue` movement. The code is returned once, here, and never stored: print or
 * send it now. Throws INVALID_INPUT for a non-positive amount or a currency that is not three capital letters.
 */
export async function issueGiftCard(
  deps: CoreDeps,
  input: { brandId: string; amountMinor: number; currency: string; expiresAt?: Date | null; issuedBy: string },
): Promise<{ giftCardId: string; code: string }> {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw new AppError('INVALID_INPUT', 'amountMinor must be a positive integer');
  if (!/^[A-Z]{3}$/.test(input.currency)) throw new AppError('INVALID_INPUT', 'currency must be an ISO 4217 code');
  if (!input.issuedBy) throw new AppError('INVALID_INPUT', 'issuedBy is required');
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const bare = randomCrockford(GIFT_CARD_CODE_LENGTH);
      const [card] = await tx
        .insert(schema.giftCards)
        .values({
          brandId: input.brandId,
          codeHash: hashCode(bare),
          last4: bare.slice(-4),
          currency: input.currency,
          initialMinor: input.amountMinor,
          balanceMinor: input.amountMinor,
          expiresAt: input.expiresAt ?? null,
          issuedBy: input.issuedBy,
          createdAt: now,
        })
        .onConflictDoNothing({ target: schema.giftCards.codeHash })
        .returning({ id: schema.giftCards.id });
      if (!card) continue; // a hash collision at 80 bits: draw again rather than share a card
      await tx.insert(schema.giftCardMovements).values({
        giftCardId: card.id,
        kind: 'issue',
        amountMinor: input.amountMinor,
        balanceAfter: input.amountMinor,
        idempotencyKey: `gift-card:issue:${card.id}`,
        reference: input.issuedBy,
        createdAt: now,
      });
      deps.log.info({ giftCardId: card.id, last4: bare.slice(-4), amountMinor: input.amountMinor, currency: input.currency }, 'gift card issued');
      return { giftCardId: card.id, code: groupCode(bare) };
    }
    throw new AppError('INTERNAL', 'no free gift card code after 5 attempts');
  });
}

/**
 * A gift card's balance. Every check first counts against `rateKey` (a customer id, an API key id); the count is
 * given back when the code exists, so only wrong codes use it up. After 5 wrong codes in an hour every check answers
 * `rate_limited`, a right code included, until the window ends. Counting before looking means parallel guesses
 * cannot slip past the limit.
 */
export async function checkGiftCard(deps: CoreDeps, input: { brandId: string; code: string; rateKey: string }): Promise<CheckGiftCardResult> {
  const key = `gift-card-check:${input.brandId}:${input.rateKey}`;
  const hit = await hitRateLimit(deps, { key, ...GIFT_CARD_GUESS_LIMIT });
  if (!hit.allowed) {
    deps.log.warn({ rateKey: input.rateKey, count: hit.count }, 'gift card check rate limited');
    return { status: 'rate_limited' };
  }
  const card = await findCard(deps.db, input.brandId, input.code);
  if (!card) {
    deps.log.info({ rateKey: input.rateKey, failures: hit.count }, 'gift card check: no such code');
    return { status: 'not_found' };
  }
  await releaseRateLimit(deps, { key, hit });
  if (card.status === 'blocked') return { status: 'blocked' };
  if (isExpired(card, deps.clock.now())) return { status: 'expired' };
  return { status: 'ok', balanceMinor: card.balanceMinor, currency: card.currency, expiresAt: card.expiresAt, last4: card.last4 };
}

/**
 * Spends `amountMinor` from a gift card at a store (partial or full, never below zero), recording a `redeem`
 * movement. Idempotent by `idempotencyKey` per brand: the same key with the same card and amount answers the first
 * result again; with anything else it is an `idempotency_conflict`. The card row is locked, so concurrent spends
 * serialize. Throws INVALID_INPUT for a non-positive amount, an empty key or a store of another brand.
 */
export async function redeemGiftCard(
  deps: CoreDeps,
  input: { brandId: string; storeId: string; code: string; amountMinor: number; idempotencyKey: string },
): Promise<RedeemGiftCardResult> {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw new AppError('INVALID_INPUT', 'amountMinor must be a positive integer');
  if (!input.idempotencyKey) throw new AppError('INVALID_INPUT', 'idempotencyKey is required');
  const movementKey = `gift-card:redeem:${input.brandId}:${input.idempotencyKey}`;
  try {
    return await deps.db.transaction((tx) => redeemIn({ ...deps, db: tx }, input, movementKey));
  } catch (err) {
    // The key is unique across cards: a race with a spend on another card under the same key ends here.
    if (isUniqueViolation(err, 'gift_card_movements_idempotency')) {
      const card = await findCard(deps.db, input.brandId, input.code);
      return replayOf(await movementByKey(deps.db, movementKey), card, input.amountMinor);
    }
    throw err;
  }
}

async function redeemIn(
  deps: CoreDeps,
  input: { brandId: string; storeId: string; code: string; amountMinor: number },
  movementKey: string,
): Promise<RedeemGiftCardResult> {
  const tx = deps.db;
  const [store] = await tx
    .select({ id: schema.stores.id })
    .from(schema.stores)
    .where(and(eq(schema.stores.id, input.storeId), eq(schema.stores.brandId, input.brandId)));
  if (!store) throw new AppError('INVALID_INPUT', 'store does not belong to the brand');
  const card = await findCard(tx, input.brandId, input.code, { lock: true });
  if (!card) return { status: 'not_found' };
  // Checked under the card lock, so a retry racing its first attempt sees the movement that attempt wrote.
  const prior = await movementByKey(tx, movementKey);
  if (prior) return replayOf(prior, card, input.amountMinor);
  if (card.status === 'blocked') return { status: 'blocked' };
  const now = deps.clock.now();
  if (isExpired(card, now)) return { status: 'expired' };
  if (input.amountMinor > card.balanceMinor) return { status: 'insufficient_balance', balanceMinor: card.balanceMinor };
  const balance = card.balanceMinor - input.amountMinor;
  await tx.update(schema.giftCards).set({ balanceMinor: balance }).where(eq(schema.giftCards.id, card.id));
  await tx.insert(schema.giftCardMovements).values({
    giftCardId: card.id,
    kind: 'redeem',
    amountMinor: -input.amountMinor,
    balanceAfter: balance,
    storeId: input.storeId,
    idempotencyKey: movementKey,
    createdAt: now,
  });
  deps.log.info({ giftCardId: card.id, last4: card.last4, storeId: input.storeId, amountMinor: input.amountMinor }, 'gift card redeemed');
  return { status: 'redeemed', balanceMinor: balance };
}

function replayOf(
  prior: typeof schema.giftCardMovements.$inferSelect | undefined,
  card: GiftCardRow | undefined,
  amountMinor: number,
): RedeemGiftCardResult {
  const same = prior && card && prior.giftCardId === card.id && prior.kind === 'redeem' && prior.amountMinor === -amountMinor;
  return same ? { status: 'redeemed', balanceMinor: prior.balanceAfter } : { status: 'idempotency_conflict' };
}

async function movementByKey(db: Db, key: string) {
  const [row] = await db.select().from(schema.giftCardMovements).where(eq(schema.giftCardMovements.idempotencyKey, key));
  return row;
}

async function findCard(db: Db, brandId: string, code: string, opts: { lock?: boolean } = {}): Promise<GiftCardRow | undefined> {
  const bare = normalizeCode(code);
  if (!bare || bare.length !== GIFT_CARD_CODE_LENGTH) return undefined;
  const query = db
    .select()
    .from(schema.giftCards)
    .where(and(eq(schema.giftCards.brandId, brandId), eq(schema.giftCards.codeHash, hashCode(bare))));
  const [row] = opts.lock ? await query.for('update') : await query;
  return row;
}

function isExpired(card: GiftCardRow, now: Date): boolean {
  return card.expiresAt !== null && card.expiresAt <= now;
}

/** SHA-256 of the bare code, hex. 80 random bits make a plain hash safe: there is no dictionary to try. */
function hashCode(bare: string): string {
  return createHash('sha256').update(bare).digest('hex');
}

// Codes are found token by token: a token is a run of Latin letters and digits (full-width and Arabic-Indic digits
// too) with dashes, so a code stuck to Chinese or Arabic text still stands apart.
const TOKEN = /[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u0660-\u0669\u06f0-\u06f9\u2010-\u2015-]+/g;

interface CodeSpan {
  start: number;
  end: number;
  bare: string;
}

/**
 * Where gift card codes are in a message: one token of 16 symbols (with dashes, or solid with at least one digit, so
 * an English word of 16 letters such as "responsibilities" is not one), or four space-separated tokens of four. In
 * "gift card K7Q4 X9MD 2PAB CD3F" several runs of four tokens read as codes; the one with the most groups holding a
 * digit wins (random groups usually have one, words never), then the last (the code follows the words about it).
 */
function codeSpans(text: string): CodeSpan[] {
  const tokens = [...text.matchAll(TOKEN)].map((m) => {
    const raw = m[0];
    const lead = /^[\u2010-\u2015-]*/.exec(raw)![0].length;
    const core = raw.slice(lead).replace(/[\u2010-\u2015-]+$/, '');
    return { start: m.index + lead, end: m.index + lead + core.length, core };
  });
  const spans: CodeSpan[] = [];
  for (const t of tokens) {
    const bare = codeIn(t.core);
    if (bare && (/[\u2010-\u2015-]/.test(t.core) || /\p{N}/u.test(t.core))) spans.push({ start: t.start, end: t.end, bare });
  }
  let best: (CodeSpan & { digits: number }) | null = null;
  for (let i = 0; i + 4 <= tokens.length; i++) {
    const group = tokens.slice(i, i + 4);
    const fours = group.every((t) => /^[^\u2010-\u2015-]{4}$/.test(t.core));
    const spaced = group.every((t, k) => k === 0 || /^\s+$/.test(text.slice(group[k - 1]!.end, t.start)));
    const bare = fours && spaced ? codeIn(group.map((t) => t.core).join('')) : null;
    if (!bare) continue;
    const digits = group.filter((t) => /\p{N}/u.test(t.core)).length;
    if (digits > 0 && (!best || digits >= best.digits)) best = { start: group[0]!.start, end: group[3]!.end, bare, digits };
  }
  if (best && !spans.some((s) => s.start < best.end && best.start < s.end)) spans.push({ start: best.start, end: best.end, bare: best.bare });
  return spans.sort((a, b) => a.start - b.start);
}

/** The first gift card code in a message, in its printed form (`XXXX-XXXX-XXXX-XXXX`), or null. */
export function findGiftCardCode(text: string): string | null {
  const [first] = codeSpans(text);
  return first ? groupCode(first.bare) : null;
}

/** The text with every gift card code in it replaced by `****-****-****-LAST`, for storing and logging. */
export function maskGiftCardCodes(text: string): string {
  let out = '';
  let at = 0;
  for (const span of codeSpans(text)) {
    out += `${text.slice(at, span.start)}****-****-****-${span.bare.slice(-4)}`;
    at = span.end;
  }
  return out + text.slice(at);
}

function codeIn(candidate: string): string | null {
  const bare = normalizeCode(candidate);
  return bare && bare.length === GIFT_CARD_CODE_LENGTH ? bare : null;
}
