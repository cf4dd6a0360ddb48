// POS API keys and the admin command against a real database: the key is shown once and stored only as a hash,
// verification refuses wrong, foreign and revoked keys, `lastUsedAt` is written at most once a minute, and the
// command line refuses what it should with the right exit code.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCommand } from '../../adapters/cli/admin.js';
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey, VERIFIED_TTL_MS } from '../../core/api-keys/index.js';
import { checkGiftCard } from '../../core/gift-cards/index.js';
import { AppError, ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { rowsOf, schema } from '../../db/index.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const BRAND = 'keys-brand';
const OTHER = 'keys-other';
const KEY = /pos_[0-9a-f]{12}_[0-9a-f]{64}/;

describe.each(testDbKinds)('POS API keys on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  const clock = new ManualClock(new Date('2026-03-10T10:00:00Z'));

  const admin = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await runAdminCommand(argv, { ...deps, brandId: BRAND }, (l) => out.push(l));
    return { code, text: out.join('\n') };
  };

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
    await handle.db.insert(schema.brands).values([
      { id: BRAND, name: 'Keys', timezone: 'Asia/Dubai' },
      { id: OTHER, name: 'Other' },
    ]);
    await handle.db.insert(schema.stores).values([
      { brandId: BRAND, code: 'S1', name: { en: 'One' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' },
      { brandId: BRAND, code: 'S2', name: { en: 'Two' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' },
      { brandId: OTHER, code: 'S1', name: { en: 'Other' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' },
    ]);
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  it('creates a key with 256 random bits, stores only its hash, and audits who made it', async () => {
    const { id, key, prefix } = await createApiKey(deps, { brandId: BRAND, storeCode: 'S1', name: '  Till 1 ', createdBy: 'staff:ops' });
    expect(key).toMatch(KEY);
    expect(key.startsWith(`pos_${prefix}_`)).toBe(true);
    const dump = rowsOf<{ t: string }>(await handle.db.execute(sql`select row_to_json(k)::text as t from api_keys k`))
      .map((r) => r.t)
      .join('\n');
    expect(dump).not.toContain(key.slice(17));
    const [row] = await handle.db.select().from(schema.apiKeys).where(eq(schema.apiKeys.id, id));
    expect(row).toMatchObject({ brandId: BRAND, name: 'Till 1', prefix, createdBy: 'staff:ops', revokedAt: null, lastUsedAt: null });
    expect(row?.keyHash).toMatch(/^[0-9a-f]{64}$/);
    const audit = await handle.db.select().from(schema.auditLog).where(eq(schema.auditLog.target, `api_key:${id}`));
    expect(audit).toMatchObject([{ action: 'api_key.create', actorId: 'staff:ops', result: 'ok' }]);
    const second = await createApiKey(deps, { brandId: BRAND, storeCode: 'S1', name: 'Till 2', createdBy: 'staff:ops' });
    expect(second.key).not.toBe(key);
  });

  it('refuses an unknown store (or another brand\'s) and an empty name', async () => {
    await expect(createApiKey(deps, { brandId: BRAND, storeCode: 'NOPE', name: 'x', createdBy: 'a' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createApiKey(deps, { brandId: OTHER, storeCode: 'S2', name: 'x', createdBy: 'a' })).rejects.toBeInstanceOf(AppError);
    await expect(createApiKey(deps, { brandId: BRAND, storeCode: null, name: '   ', createdBy: 'a' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it("verifies the right key as its store's principal and refuses wrong, foreign, malformed and revoked keys", async () => {
    const { id, key } = await createApiKey(deps, { brandId: BRAND, storeCode: 'S2', name: 'Till', createdBy: 'a' });
    const principal = await verifyApiKey(deps, { brandId: BRAND, key });
    expect(principal).toMatchObject({ id, brandId: BRAND, name: 'Till', store: { code: 'S2', country: 'AE', currency: 'AED' } });
    const brandWide = await createApiKey(deps, { brandId: BRAND, storeCode: null, name: 'ERP', createdBy: 'a' });
    expect((await verifyApiKey(deps, { brandId: BRAND, key: brandWide.key }))?.store).toBeNull();

    const flipped = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
    for (const wrong of [flipped, key.toUpperCase(), `${key} `, '', `pos_${'0'.repeat(12)}_${key.slice(-64)}`]) {
      expect(await verifyApiKey(deps, { brandId: BRAND, key: wrong })).toBeNull();
    }
    expect(await verifyApiKey(deps, { brandId: OTHER, key })).toBeNull();

    expect(await revokeApiKey(deps, { brandId: OTHER, id, revokedBy: 'x' })).toEqual({ status: 'not_found' });
    expect(await revokeApiKey(deps, { brandId: BRAND, id, revokedBy: 'staff:sec' })).toEqual({ status: 'revoked' });
    expect(await revokeApiKey(deps, { brandId: BRAND, id, revokedBy: 'staff:sec' })).toEqual({ status: 'already_revoked' });
    expect(await verifyApiKey(deps, { brandId: BRAND, key })).toBeNull();
    expect(await revokeApiKey(deps, { brandId: BRAND, id: 'not-a-uuid', revokedBy: 'x' })).toEqual({ status: 'not_found' });
  });

  it('records lastUsedAt at most once a minute', async () => {
    const { id, key } = await createApiKey(deps, { brandId: BRAND, storeCode: 'S1', name: 'Busy till', createdBy: 'a' });
    const lastUsed = async () => (await handle.db.select({ at: schema.apiKeys.lastUsedAt }).from(schema.apiKeys).where(eq(schema.apiKeys.id, id)))[0]!.at;
    const t0 = clock.now();
    await verifyApiKey(deps, { brandId: BRAND, key });
    expect(await lastUsed()).toEqual(t0);
    clock.advance(59_000);
    await verifyApiKey(deps, { brandId: BRAND, key });
    expect(await lastUsed()).toEqual(t0);
    // A verified key is remembered for VERIFIED_TTL_MS, so the next database read (and write) comes after it.
    clock.advance(1_000 + VERIFIED_TTL_MS);
    await verifyApiKey(deps, { brandId: BRAND, key });
    expect(await lastUsed()).toEqual(clock.now());
  });

  it('forgets a revoked key at once in this process', async () => {
    const { id, key } = await createApiKey(deps, { brandId: BRAND, storeCode: 'S1', name: 'Lost tablet', createdBy: 'a' });
    expect(await verifyApiKey(deps, { brandId: BRAND, key })).not.toBeNull();
    await revokeApiKey(deps, { brandId: BRAND, id, revokedBy: 'a' });
    expect(await verifyApiKey(deps, { brandId: BRAND, key })).toBeNull();
  });

  it('lists the brand\'s keys without secrets, newest first, revoked ones marked', async () => {
    const keys = await listApiKeys(deps, { brandId: BRAND });
    expect(keys.length).toBeGreaterThanOrEqual(5);
    expect(keys.some((k) => k.revokedAt !== null)).toBe(true);
    expect(keys.some((k) => k.storeCode === null)).toBe(true);
    expect(JSON.stringify(keys)).not.toMatch(/keyHash|[0-9a-f]{64}/);
    expect(await listApiKeys(deps, { brandId: OTHER })).toEqual([]);
  });

  describe('admin command', () => {
    it('creates a store key and prints it once, lists it by prefix only, and revokes it', async () => {
      const created = await admin('api-key', 'create', '--store', 'S1', '--name', 'Till 9', '--by', 'rana');
      expect(created.code).toBe(0);
      const key = KEY.exec(created.text)![0];
      expect(created.text).toMatch(/cannot be shown again/);
      const id = /API key ([0-9a-f-]{36}) created for store S1/.exec(created.text)![1]!;
      const principal = await verifyApiKey(deps, { brandId: BRAND, key });
      expect(principal?.store?.code).toBe('S1');
      const [row] = await handle.db.select({ createdBy: schema.apiKeys.createdBy }).from(schema.apiKeys).where(eq(schema.apiKeys.id, id));
      expect(row?.createdBy).toBe('admin-cli:rana');

      const list = await admin('api-key', 'list');
      expect(list.code).toBe(0);
      expect(list.text).toContain(id);
      expect(list.text).toContain(`pos_${key.slice(4, 16)}_…`);
      expect(list.text).not.toContain(key.slice(17));

      expect((await admin('api-key', 'revoke', id)).code).toBe(0);
      expect(await verifyApiKey(deps, { brandId: BRAND, key })).toBeNull();
      expect((await admin('api-key', 'list')).text).toMatch(new RegExp(`${id}.*revoked`));
    });

    it('makes a brand-wide key only when asked for by name', async () => {
      const wide = await admin('api-key', 'create', '--all-stores', '--name', 'ERP');
      expect(wide.code).toBe(0);
      expect((await verifyApiKey(deps, { brandId: BRAND, key: KEY.exec(wide.text)![0] }))?.store).toBeNull();
      const neither = await admin('api-key', 'create', '--name', 'Forgot the store');
      expect(neither.code).toBe(2);
      expect(neither.text).toMatch(/exactly one of --store CODE or --all-stores/);
      expect((await admin('api-key', 'create', '--store', 'S1', '--all-stores', '--name', 'Both')).code).toBe(2);
    });

    it('refuses unknown stores, keys and commands with a message and a non-zero exit code', async () => {
      const unknownStore = await admin('api-key', 'create', '--store', 'NOPE', '--name', 'x');
      expect(unknownStore).toMatchObject({ code: 1, text: expect.stringMatching(/no store NOPE/) as unknown });
      expect((await admin('api-key', 'revoke', '00000000-0000-0000-0000-000000000000')).code).toBe(1);
      expect((await admin('api-key', 'revoke')).code).toBe(2);
      expect((await admin('api-key', 'create', '--store', 'S1', '--name', 'x', '--colour', 'red')).code).toBe(2);
      const nothing = await admin();
      expect(nothing.code).toBe(2);
      expect(nothing.text).toMatch(/usage:/);
      expect((await admin('api-key', 'frobnicate')).text).toMatch(/unknown command: api-key frobnicate/);
    });

    it('issues a gift card, prints its code once, and stores it valid through the local end of the given day', async () => {
      const issued = await admin('gift-card', 'issue', '--amount', '50000', '--currency', 'aed', '--expires', '2027-12-31');
      expect(issued.code, issued.text).toBe(0);
      const code = /[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}/.exec(issued.text)![0];
      const check = await checkGiftCard(deps, { brandId: BRAND, code, rateKey: 'test' });
      // Valid through 31 December in Dubai: until midnight there, 20:00 UTC.
      expect(check).toEqual({ status: 'ok', balanceMinor: 50_000, currency: 'AED', expiresAt: new Date('2027-12-31T20:00:00Z'), last4: code.slice(-4) });
    });

    it('refuses a gift card with a bad amount, currency or expiry', async () => {
      for (const args of [
        ['--amount', '0', '--currency', 'AED'],
        ['--amount', '12.50', '--currency', 'AED'],
        ['--amount', '-5', '--currency', 'AED'],
        ['--amount', '50000'],
        ['--amount', '50000', '--currency', 'AED', '--expires', '2027-02-30'],
        ['--amount', '50000', '--currency', 'AED', '--expires', '2020-01-01'],
      ]) {
        expect((await admin('gift-card', 'issue', ...args)).code, args.join(' ')).toBe(2);
      }
      const badCurrency = await admin('gift-card', 'issue', '--amount', '100', '--currency', 'DIRHAM');
      expect(badCurrency.code).toBe(1);
      expect(badCurrency.text).toMatch(/currency/);
    });
  });
});
