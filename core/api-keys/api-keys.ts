// API keys for the stores' tills. A key is `pos_<prefix>_<secret>`: the prefix is public and finds the row, the
// secret is 256 bits from the CSPRNG and only its SHA-256 is stored (a plain hash is enough at that entropy: there is
// no dictionary to try, unlike a password). The whole key is shown once, when it is created.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { audit } from '../audit/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';

/** How often `lastUsedAt` is written at most: a busy till must not turn every request into a row update. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const KEY_FORMAT = /^pos_([0-9a-f]{12})_([0-9a-f]{64})$/;

/** What a verified key is allowed to act as. */
export interface ApiKeyPrincipal {
  id: string;
  brandId: string;
  name: string;
  /** The store the key is scoped to; null for a brand-wide key. */
  store: { id: string; code: string; country: string; currency: string } | null;
}

/** A key as `listApiKeys` shows it: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  storeCode: string | null;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** The two parts of a well-formed key, or null when the text cannot be a key. */
export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = KEY_FORMAT.exec(key);
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

/** SHA-256 of the whole key, hex (the prefix is inside it, so a row's hash cannot be moved to another prefix). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Creates a key for one store (`storeCode`) or for the whole brand (`storeCode: null`) and returns it; this is the
 * only time the full key exists outside the caller's hands. Throws NOT_FOUND for a store the brand does not have and
 * INVALID_INPUT for an empty name.
 */
export async function createApiKey(
  deps: CoreDeps,
  input: { brandId: string; storeCode: string | null; name: string; createdBy: string },
): Promise<{ id: string; key: string; prefix: string }> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new AppError('INVALID_INPUT', 'name must be 1-100 characters');
  if (!input.createdBy) throw new AppError('INVALID_INPUT', 'createdBy is required');
  return deps.db.transaction(async (tx) => {
    let storeId: string | null = null;
    if (input.storeCode !== null) {
      const [store] = await tx
        .select({ id: schema.stores.id })
        .from(schema.stores)
        .where(and(eq(schema.stores.brandId, input.brandId), eq(schema.stores.code, input.storeCode)));
      if (!store) throw new AppError('NOT_FOUND', `brand ${input.brandId} has no store ${input.storeCode}`);
      storeId = store.id;
    }
    // A prefix collision (48 bits) is astronomically rare; drawing again beats failing the admin's command.
    for (let attempt = 0; attempt < 5; attempt++) {
      const prefix = randomBytes(6).toString('hex');
      const key = `pos_${prefix}_${randomBytes(32).toString('hex')}`;
      const [row] = await tx
        .insert(schema.apiKeys)
        .values({ brandId: input.brandId, storeId, name, prefix, keyHash: hashApiKey(key), createdBy: input.createdBy, createdAt: deps.clock.now() })
        .onConflictDoNothing({ target: schema.apiKeys.prefix })
        .returning({ id: schema.apiKeys.id });
      if (!row) continue;
      await audit({ ...deps, db: tx }, {
        brandId: input.brandId,
        actor: { type: 'staff', id: input.createdBy },
        action: 'api_key.create',
        target: `api_key:${row.id}`,
        result: 'ok',
        details: { prefix, storeCode: input.storeCode, name },
      });
      deps.log.info({ apiKeyId: row.id, prefix, storeCode: input.storeCode }, 'api key created');
      return { id: row.id, key, prefix };
    }
    throw new AppError('INTERNAL', 'no free api key prefix after 5 attempts');
  });
}

/**
 * The principal a key stands for, or null when the key is malformed, unknown, of another brand or revoked. The hash is
 * compared in constant time. Records `lastUsedAt`, at most once a minute per key.
 */
export async function verifyApiKey(deps: CoreDeps, input: { brandId: string; key: string }): Promise<ApiKeyPrincipal | null> {
  const parts = parseApiKey(input.key);
  if (!parts) return null;
  // A till sends hundreds of sales a minute: a verified key is remembered briefly instead of read every time.
  // Revocation in this process clears it at once; in another process it takes effect within VERIFIED_TTL_MS.
  const cacheKey = hashApiKey(input.key);
  const cached = verified.get(cacheKey);
  if (cached && cached.until > deps.clock.now().getTime() && cached.principal.brandId === input.brandId) return cached.principal;
  const [row] = await deps.db
    .select({ key: schema.apiKeys, store: schema.stores })
    .from(schema.apiKeys)
    .leftJoin(schema.stores, eq(schema.stores.id, schema.apiKeys.storeId))
    .where(eq(schema.apiKeys.prefix, parts.prefix));
  // Hash even when no row matched, so a wrong prefix and a wrong secret take the same time.
  const candidate = Buffer.from(hashApiKey(input.key), 'hex');
  const stored = Buffer.from(row?.key.keyHash ?? '0'.repeat(64), 'hex');
  const match = stored.length === candidate.length && timingSafeEqual(stored, candidate);
  if (!row || !match || row.key.brandId !== input.brandId || row.key.revokedAt !== null) return null;

  const now = deps.clock.now();
  if (!row.key.lastUsedAt || now.getTime() - row.key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await deps.db.update(schema.apiKeys).set({ lastUsedAt: now }).where(eq(schema.apiKeys.id, row.key.id));
  }
  const store = row.store ? { id: row.store.id, code: row.store.code, country: row.store.country, currency: row.store.currency } : null;
  const principal = { id: row.key.id, brandId: row.key.brandId, name: row.key.name, store };
  if (verified.size >= VERIFIED_MAX) verified.clear();
  verified.set(cacheKey, { principal, until: now.getTime() + VERIFIED_TTL_MS });
  return principal;
}

/** How long a verified key is trusted without reading it again (revocation elsewhere takes at most this long). */
export const VERIFIED_TTL_MS = 10_000;
const VERIFIED_MAX = 10_000;
const verified = new Map<string, { principal: ApiKeyPrincipal; until: number }>();

/** Revokes a key of the brand; requests with it get 401 from then on. Revoking twice is harmless. */
export async function revokeApiKey(
  deps: CoreDeps,
  input: { brandId: string; id: string; revokedBy: string },
): Promise<{ status: 'revoked' | 'already_revoked' | 'not_found' }> {
  if (!/^[0-9a-f-]{36}$/i.test(input.id)) return { status: 'not_found' };
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ revokedAt: schema.apiKeys.revokedAt })
      .from(schema.apiKeys)
      .where(and(eq(schema.apiKeys.id, input.id), eq(schema.apiKeys.brandId, input.brandId)))
      .for('update');
    if (!row) return { status: 'not_found' };
    if (row.revokedAt) return { status: 'already_revoked' };
    await tx.update(schema.apiKeys).set({ revokedAt: deps.clock.now() }).where(eq(schema.apiKeys.id, input.id));
    for (const [hash, entry] of verified) if (entry.principal.id === input.id) verified.delete(hash);
    await audit({ ...deps, db: tx }, {
      brandId: input.brandId,
      actor: { type: 'staff', id: input.revokedBy },
      action: 'api_key.revoke',
      target: `api_key:${input.id}`,
      result: 'ok',
    });
    deps.log.info({ apiKeyId: input.id }, 'api key revoked');
    return { status: 'revoked' };
  });
}

/** The brand's keys, newest first, revoked ones included (so an admin sees what was cut off and when). */
export async function listApiKeys(deps: CoreDeps, input: { brandId: string }): Promise<ApiKeyView[]> {
  const rows = await deps.db
    .select({ key: schema.apiKeys, storeCode: schema.stores.code })
    .from(schema.apiKeys)
    .leftJoin(schema.stores, eq(schema.stores.id, schema.apiKeys.storeId))
    .where(eq(schema.apiKeys.brandId, input.brandId))
    .orderBy(desc(schema.apiKeys.createdAt), desc(schema.apiKeys.id));
  return rows.map(({ key: k, storeCode }) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    storeCode,
    createdBy: k.createdBy,
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
    lastUsedAt: k.lastUsedAt,
  }));
}
