// The POS REST API end to end: the real fastify server (buildServer with posApiPlugin, as app.ts wires it) on the
// seeded demo brand, keys made by the admin command, and every answer a till can get, good and bad.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { and, count, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openData } from '../../app.js';
import { runAdminCommand } from '../../adapters/cli/admin.js';
import { posApiPlugin, type PosApiOptions } from '../../adapters/http/pos/index.js';
import { buildServer } from '../../adapters/http/server.js';
import { loadConfig } from '../../config.js';
import type { InboundSink } from '../../core/conversation/index.js';
import { redeemReward } from '../../core/rewards/index.js';
import { ManualClock, type CoreDeps } from '../../core/shared/index.js';
import { schema, type DbHandle } from '../../db/index.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const BRAND = 'demo';
const DAY = 86_400_000;
const KEY = /pos_[0-9a-f]{12}_[0-9a-f]{64}/;
const GIFT_CODE = /[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}/;

const noSink: InboundSink = {
  handle: () => Promise.reject(new Error('no chat in POS tests')),
  recordDelivery: () => Promise.resolve(),
};

interface Res {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

describe.each(testDbKinds)('POS API on %s', (kind) => {
  const clock = new ManualClock(new Date('2026-03-10T10:00:00Z'));
  const logLines: string[] = [];
  let dataDir: string;
  let pg: Awaited<ReturnType<typeof createTestDb>> | undefined;
  let db: DbHandle;
  let deps: CoreDeps;
  const servers: FastifyInstance[] = [];
  let url: string;
  const keys: Record<'mall' | 'moe' | 'brand' | 'revoked' | 'guesser', string> = { mall: '', moe: '', brand: '', revoked: '', guesser: '' };
  let john: { accountId: string; memberCode: string };

  const admin = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await runAdminCommand(argv, { ...deps, brandId: BRAND }, (l) => out.push(l));
    return { code, text: out.join('\n') };
  };

  const start = async (options: Partial<PosApiOptions> = {}) => {
    // Every log line is kept, so a test can check that no secret reaches the logs.
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) });
    const logger = pino({ level: 'info' }, sink);
    const server = await buildServer({ logger, deps, brandId: BRAND, sink: noSink, readiness: [], plugins: [posApiPlugin({ deps, brandId: BRAND, ...options })] });
    servers.push(server);
    return (await server.listen({ host: '127.0.0.1', port: 0 })).replace('[::1]', 'localhost');
  };

  const call = async (method: string, path: string, opts: { key?: string | null; body?: unknown; raw?: string; type?: string; base?: string; headers?: Record<string, string> } = {}): Promise<Res> => {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? keys.mall : opts.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let payload: string | undefined;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers['content-type'] = opts.type ?? 'application/x-ndjson';
    } else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${opts.base ?? url}/api/v1${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Res['body']) : {} };
  };

  const sale = (over: Record<string, unknown> = {}) => ({
    externalId: `T-${randomUUID()}`,
    customer: { memberCode: john.memberCode },
    occurredAt: '2026-03-10T13:55:00+04:00',
    currency: 'AED',
    totalMinor: 15_000,
    lines: [
      { sku: 'OUD-50', category: 'perfume', quantity: 1, amountMinor: 12_000 },
      { sku: 'BAG', quantity: 2, amountMinor: 3_000 },
    ],
    ...over,
  });

  const txnCount = async () => (await db.db.select({ n: count() }).from(schema.posTransactions))[0]!.n;
  const ledgerCount = async () => (await db.db.select({ n: count() }).from(schema.pointsLedger))[0]!.n;
  const account = async (accountId: string) => (await db.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, accountId)))[0]!;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pos-api-'));
    pg = kind === 'postgres' ? await createTestDb('postgres') : undefined;
    await pg?.close();
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, SEED_DEMO_DATA: 'always', BRAND_ID: BRAND, ...(pg?.url ? { DATABASE_URL: pg.url } : {}) });
    ({ db, deps } = await openData(config, pino({ level: 'silent' }), clock));
    url = await start();

    const made = {
      mall: await admin('api-key', 'create', '--store', 'DXB-MALL', '--name', 'Dubai Mall till 1', '--by', 'test'),
      moe: await admin('api-key', 'create', '--store', 'DXB-MOE', '--name', 'MoE till', '--by', 'test'),
      brand: await admin('api-key', 'create', '--all-stores', '--name', 'Head office ERP', '--by', 'test'),
      revoked: await admin('api-key', 'create', '--store', 'DXB-MALL', '--name', 'Stolen laptop', '--by', 'test'),
      guesser: await admin('api-key', 'create', '--store', 'DXB-MALL', '--name', 'Till 2', '--by', 'test'),
    };
    for (const [name, r] of Object.entries(made)) {
      expect(r.code, r.text).toBe(0);
      keys[name as keyof typeof keys] = KEY.exec(r.text)![0];
    }
    const revokedId = /API key ([0-9a-f-]{36}) created/.exec(made.revoked.text)![1]!;
    expect((await admin('api-key', 'revoke', revokedId, '--by', 'test')).code).toBe(0);

    const [row] = await db.db
      .select({ accountId: schema.loyaltyAccounts.id, memberCode: schema.loyaltyAccounts.memberCode })
      .from(schema.channelIdentities)
      .innerJoin(schema.loyaltyAccounts, eq(schema.loyaltyAccounts.customerId, schema.channelIdentities.customerId))
      .where(eq(schema.channelIdentities.externalId, 'demo-john'));
    john = row!;
  });

  afterAll(async () => {
    for (const s of servers) await s.close();
    await db?.close();
    await pg?.cleanup();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('sales', () => {
    let first: Res;
    let body: ReturnType<typeof sale>;

    it("records a purchase for the demo member and answers with the points and the member's balance", async () => {
      const before = await account(john.accountId);
      body = sale();
      first = await call('POST', '/transactions', { body });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      // 150 AED at 1 point per AED, plus the 100-point first-purchase bonus; the demo brand has no return window,
      // so they are spendable at once.
      expect(first.body).toEqual({
        transactionId: expect.any(String) as unknown,
        externalId: body.externalId,
        storeCode: 'DXB-MALL',
        member: { memberCode: john.memberCode, balance: before.pointsBalance + 250, pendingPoints: before.pendingPoints, tierCode: before.tierCode },
        pointsEarned: 250,
        pointsPending: 0,
      });
    });

    it('answers a faithful retry 200 with the same body and writes nothing', async () => {
      const [txns, ledger] = [await txnCount(), await ledgerCount()];
      const again = await call('POST', '/transactions', { body });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect([await txnCount(), await ledgerCount()]).toEqual([txns, ledger]);
    });

    it('refuses a retry with different contents under the same id with 409 and changes nothing', async () => {
      const before = await account(john.accountId);
      const txns = await txnCount();
      const changed = await call('POST', '/transactions', { body: { ...body, totalMinor: 99_000, lines: [{ sku: 'OUD-50', quantity: 1, amountMinor: 99_000 }] } });
      expect(changed.status).toBe(409);
      expect(changed.body.error?.code).toBe('IDEMPOTENCY_CONFLICT');
      expect(await txnCount()).toBe(txns);
      expect(await account(john.accountId)).toEqual(before);
    });

    it('matches a member by phone, normalized to E.164 in the store country', async () => {
      // John's verified number is Malaysian; a till in Dubai types it with its country code and spaces.
      const res = await call('POST', '/transactions', { body: sale({ customer: { phone: '+60 12-345 6789' }, totalMinor: 1_000, lines: [{ sku: 'X', quantity: 1, amountMinor: 1_000 }] }) });
      expect(res.status).toBe(201);
      expect((res.body.member as { memberCode: string }).memberCode).toBe(john.memberCode);
      const stored = await db.db.select({ phone: schema.posTransactions.phone }).from(schema.posTransactions).where(eq(schema.posTransactions.id, res.body.transactionId as string));
      expect(stored[0]?.phone).toBe('+60123456789');
    });

    it('keeps an anonymous sale and a sale by an unknown phone without a member', async () => {
      const anon = await call('POST', '/transactions', { body: sale({ customer: undefined }) });
      expect(anon.status).toBe(201);
      expect(anon.body).toMatchObject({ member: null, pointsEarned: 0 });
      const local = await call('POST', '/transactions', { body: sale({ customer: { phone: '050 765 4321' } }) });
      expect(local.status).toBe(201);
      const [row] = await db.db.select({ phone: schema.posTransactions.phone }).from(schema.posTransactions).where(eq(schema.posTransactions.id, local.body.transactionId as string));
      expect(row?.phone).toBe('+971507654321');
    });

    it('refuses bad input with 400 naming the field, and stores nothing', async () => {
      const txns = await txnCount();
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ totalMinor: -1 }, /body\.totalMinor: must not be negative/],
        [{ totalMinor: 100_000_001 }, /body\.totalMinor: must be at most 100000000/],
        [{ totalMinor: '15000' }, /body\.totalMinor: must be an integer/],
        [{ totalMinor: 150.5 }, /body\.totalMinor/],
        [{ lines: [{ sku: 'A', quantity: 0, amountMinor: 100 }] }, /body\.lines\.0\.quantity: must be greater than 0/],
        [{ lines: [{ sku: 'A', quantity: 1, amountMinor: -5 }] }, /body\.lines\.0\.amountMinor: must not be negative/],
        [{ lines: [] }, /body\.lines: must hold at least one line/],
        [{ lines: Array.from({ length: 501 }, (_, i) => ({ sku: `S${i}`, quantity: 1, amountMinor: 1 })) }, /body\.lines: must hold at most 500 lines/],
        [{ currency: 'aed' }, /body\.currency: must be an ISO 4217 code/],
        [{ occurredAt: '2026-03-10 13:55' }, /body\.occurredAt: must be an ISO 8601 date-time/],
        [{ occurredAt: '2026-03-12T10:00:00Z' }, /body\.occurredAt: is more than 24 hours in the future/],
        [{ externalId: 'has space' }, /body\.externalId: may contain only printable ASCII/],
        [{ customer: { memberCode: '1234567890' } }, /body\.customer\.memberCode: has a wrong check digit/],
        [{ customer: { phone: '12' } }, /body\.customer\.phone/],
        [{ customer: { phone: '+971 12' } }, /body\.customer\.phone: is not a valid phone number/],
        [{ discount: 5 }, /Unrecognized key: "discount"/],
        [{ externalId: undefined }, /body\.externalId/],
      ];
      for (const [over, message] of cases) {
        const res = await call('POST', '/transactions', { body: sale(over) });
        expect(res.status, JSON.stringify(over).slice(0, 80)).toBe(400);
        expect(res.body.error?.code).toBe('VALIDATION_FAILED');
        expect(res.body.error?.message).toMatch(message);
      }
      const broken = await fetch(`${url}/api/v1/transactions`, { method: 'POST', headers: { authorization: `Bearer ${keys.mall}`, 'content-type': 'application/json' }, body: '{"externalId": "T-' });
      expect(broken.status).toBe(400);
      expect(await txnCount()).toBe(txns);
    });

    it('refuses a sale whose lines exceed the total, or in another currency, with 422', async () => {
      const over = await call('POST', '/transactions', { body: sale({ totalMinor: 100 }) });
      expect(over.status).toBe(422);
      expect(over.body.error?.code).toBe('LINES_EXCEED_TOTAL');
      const usd = await call('POST', '/transactions', { body: sale({ currency: 'USD' }) });
      expect(usd.status).toBe(422);
      expect(usd.body.error?.code).toBe('CURRENCY_MISMATCH');
    });
  });

  describe('keys and stores', () => {
    it('refuses a missing, malformed, wrong or revoked key with 401 and reads no body', async () => {
      const txns = await txnCount();
      const wrongSecret = keys.mall.slice(0, -4) + (keys.mall.endsWith('0000') ? '1111' : '0000');
      for (const key of [null, 'nonsense', wrongSecret, keys.revoked, `pos_000000000000_${'a'.repeat(64)}`]) {
        const res = await call('POST', '/transactions', { key, body: sale() });
        expect(res.status, String(key)).toBe(401);
        expect(res.body.error?.code).toBe('UNAUTHORIZED');
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect((await call('GET', `/customers/lookup?memberCode=${john.memberCode}`, { key: keys.revoked })).status).toBe(401);
      expect(await txnCount()).toBe(txns);
    });

    it("refuses another store's key naming this store, or a body naming another store, with 403", async () => {
      const txns = await txnCount();
      const mallKeyForMoe = await call('POST', '/transactions', { body: sale({ storeCode: 'DXB-MOE' }) });
      expect(mallKeyForMoe.status).toBe(403);
      expect(mallKeyForMoe.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/store DXB-MALL.*DXB-MOE/) as unknown });
      const moeKeyForMall = await call('POST', '/transactions', { key: keys.moe, body: sale({ storeCode: 'DXB-MALL' }) });
      expect(moeKeyForMall.status).toBe(403);
      const refundElsewhere = await call('POST', '/transactions/whatever/refunds', { key: keys.moe, body: { refundId: 'R-1', amountMinor: 100, storeCode: 'DXB-MALL' } });
      expect(refundElsewhere.status).toBe(403);
      expect(await txnCount()).toBe(txns);
    });

    it('lets a brand-wide key act for a store it names, and refuses it without or with an unknown store', async () => {
      const ok = await call('POST', '/transactions', { key: keys.brand, body: sale({ storeCode: 'DXB-MOE' }) });
      expect(ok.status).toBe(201);
      expect(ok.body.storeCode).toBe('DXB-MOE');
      const missing = await call('POST', '/transactions', { key: keys.brand, body: sale() });
      expect(missing.status).toBe(400);
      expect(missing.body.error?.message).toMatch(/body\.storeCode: is required with a brand-wide API key/);
      const unknown = await call('POST', '/transactions', { key: keys.brand, body: sale({ storeCode: 'NOPE' }) });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error?.code).toBe('UNKNOWN_STORE');
    });

    it("keeps each store's sales apart: the same external id at two stores is two sales, and one store cannot refund the other's", async () => {
      const body = sale({ customer: undefined });
      expect((await call('POST', '/transactions', { body })).status).toBe(201);
      expect((await call('POST', '/transactions', { key: keys.moe, body })).status).toBe(201);
      const refund = await call('POST', `/transactions/${body.externalId}/refunds`, { key: keys.moe, body: { refundId: 'R-1', amountMinor: 15_000 } });
      expect(refund.status).toBe(201);
      const mall = await db.db
        .select({ refunded: schema.posTransactions.refundedMinor, store: schema.stores.code })
        .from(schema.posTransactions)
        .innerJoin(schema.stores, eq(schema.stores.id, schema.posTransactions.storeId))
        .where(eq(schema.posTransactions.externalId, body.externalId));
      expect(Object.fromEntries(mall.map((r) => [r.store, r.refunded]))).toEqual({ 'DXB-MALL': 0, 'DXB-MOE': 15_000 });
    });
  });

  describe('refunds', () => {
    it('reverses points in proportion, answers a retry with the same body, and refuses a larger or changed refund', async () => {
      const body = sale();
      const bought = await call('POST', '/transactions', { body });
      expect(bought.status).toBe(201);
      const earned = bought.body.pointsEarned as number;
      const before = await account(john.accountId);

      const part = await call('POST', `/transactions/${body.externalId}/refunds`, { body: { refundId: 'R-1', amountMinor: 5_000 } });
      expect(part.status, JSON.stringify(part.body)).toBe(201);
      expect(part.body).toMatchObject({ transactionExternalId: body.externalId, refundExternalId: 'R-1', pointsReversed: Math.floor(earned / 3), shortfallPoints: 0 });
      expect((await account(john.accountId)).pointsBalance).toBe(before.pointsBalance - Math.floor(earned / 3));

      const retry = await call('POST', `/transactions/${body.externalId}/refunds`, { body: { refundId: 'R-1', amountMinor: 5_000 } });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(part.body);
      const changed = await call('POST', `/transactions/${body.externalId}/refunds`, { body: { refundId: 'R-1', amountMinor: 6_000 } });
      expect(changed.status).toBe(409);
      expect(changed.body.error?.code).toBe('IDEMPOTENCY_CONFLICT');

      const tooMuch = await call('POST', `/transactions/${body.externalId}/refunds`, { body: { refundId: 'R-2', amountMinor: 10_001 } });
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body.error).toMatchObject({ code: 'EXCEEDS_REFUNDABLE', refundableMinor: 10_000 });

      const rest = await call('POST', `/transactions/${body.externalId}/refunds`, { body: { refundId: 'R-2', amountMinor: 10_000 } });
      expect(rest.status).toBe(201);
      expect((await account(john.accountId)).pointsBalance).toBe(before.pointsBalance - earned);
    });

    it('answers 404 for an unknown sale and 400 for a zero or negative amount', async () => {
      expect((await call('POST', '/transactions/NOPE/refunds', { body: { refundId: 'R-1', amountMinor: 100 } })).body.error?.code).toBe('TRANSACTION_NOT_FOUND');
      for (const amountMinor of [0, -100]) {
        const res = await call('POST', '/transactions/NOPE/refunds', { body: { refundId: 'R-1', amountMinor } });
        expect(res.status).toBe(400);
        expect(res.body.error?.message).toMatch(/body\.amountMinor: must be greater than 0/);
      }
    });
  });

  describe('bulk upload', () => {
    it('records the good lines and reports each bad line with its number and reason', async () => {
      const good = [sale(), sale({ customer: { phone: '+60123456789' } }), sale({ customer: undefined })];
      const ndjson = [
        JSON.stringify(good[0]),
        '{"externalId": "T-broken", ',
        JSON.stringify(good[1]),
        '',
        JSON.stringify(sale({ totalMinor: -5 })),
        JSON.stringify(good[2]),
      ].join('\n');
      const res = await call('POST', '/transactions/bulk', { raw: `${ndjson}\n` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ lines: 5, recorded: 3, replayed: 0, rejected: 2 });
      const results = res.body.results as Array<{ line: number; status: string; externalId?: string; error?: { code: string; message: string }; transaction?: { member: unknown } }>;
      expect(results.map((r) => [r.line, r.status])).toEqual([
        [1, 'recorded'],
        [2, 'rejected'],
        [3, 'recorded'],
        [5, 'rejected'],
        [6, 'recorded'],
      ]);
      expect(results[1]!.error).toMatchObject({ code: 'INVALID_JSON', message: expect.stringMatching(/^not valid JSON/) as unknown });
      expect(results[3]!.error).toEqual({ code: 'VALIDATION_FAILED', message: 'totalMinor: must not be negative' });
      expect(results[0]!.transaction?.member).toMatchObject({ memberCode: john.memberCode });
      expect(results[2]!.transaction?.member).toMatchObject({ memberCode: john.memberCode });
      const stored = await db.db.select({ n: count() }).from(schema.posTransactions).where(sql`${schema.posTransactions.externalId} in (${sql.join(good.map((g) => sql`${g.externalId}`), sql`, `)})`);
      expect(stored[0]!.n).toBe(3);

      // Sending the same file again is safe: every good line is a replay.
      const again = await call('POST', '/transactions/bulk', { raw: ndjson });
      expect(again.body).toMatchObject({ recorded: 0, replayed: 3, rejected: 2 });
    });

    it('reports per line what a single request would refuse: conflicts, another store, an unknown store', async () => {
      const taken = sale();
      expect((await call('POST', '/transactions', { body: taken })).status).toBe(201);
      const lines = [JSON.stringify({ ...taken, totalMinor: 20_000, lines: [{ sku: 'Z', quantity: 1, amountMinor: 20_000 }] }), JSON.stringify(sale({ storeCode: 'DXB-MOE' })), JSON.stringify(sale())];
      const res = await call('POST', '/transactions/bulk', { raw: lines.join('\n') });
      const results = res.body.results as Array<{ line: number; status: string; error?: { code: string } }>;
      expect(results.map((r) => r.error?.code ?? r.status)).toEqual(['IDEMPOTENCY_CONFLICT', 'FORBIDDEN', 'recorded']);
      const brand = await call('POST', '/transactions/bulk', { key: keys.brand, raw: [JSON.stringify(sale({ storeCode: 'NOPE' })), JSON.stringify(sale())].join('\n') });
      expect((brand.body.results as Array<{ error?: { code: string; message: string } }>).map((r) => r.error?.code)).toEqual(['UNKNOWN_STORE', 'VALIDATION_FAILED']);
    });

    it('refuses more than 500 lines or an oversized body with 413 and stores nothing; JSON and empty bodies are refused', async () => {
      const txns = await txnCount();
      const many = Array.from({ length: 501 }, () => JSON.stringify(sale())).join('\n');
      const tooMany = await call('POST', '/transactions/bulk', { raw: many });
      expect(tooMany.status).toBe(413);
      expect(tooMany.body.error?.message).toMatch(/at most 500 lines/);
      const huge = await call('POST', '/transactions/bulk', { raw: `${JSON.stringify(sale())}\n${' '.repeat(2 * 1024 * 1024)}` });
      expect(huge.status).toBe(413);
      expect(await txnCount()).toBe(txns);
      const json = await call('POST', '/transactions/bulk', { body: [sale()] });
      expect(json.status).toBe(415);
      const empty = await call('POST', '/transactions/bulk', { raw: '\n\n' });
      expect(empty.status).toBe(400);
      const csv = await call('POST', '/transactions/bulk', { raw: 'a,b\n1,2', type: 'text/csv' });
      expect(csv.status).toBe(415);
    });
  });

  describe('customer lookup', () => {
    it('finds a member by member code or verified phone, in the store country', async () => {
      const byCode = await call('GET', `/customers/lookup?memberCode=${john.memberCode}`);
      expect(byCode.status).toBe(200);
      expect(byCode.body).toMatchObject({ memberCode: john.memberCode, firstName: 'John' });
      const byPhone = await call('GET', `/customers/lookup?phone=${encodeURIComponent('+60 12 345 6789')}`);
      expect(byPhone.body.memberCode).toBe(john.memberCode);
      // Aisha's number without its country code, typed at a Dubai till.
      const local = await call('GET', '/customers/lookup?phone=0501234567');
      expect(local.status).toBe(200);
      expect(local.body.firstName).toBe('Aisha');
      // Each lookup is audited with the key that asked and the customer it found.
      const audited = await db.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'pos.customer_lookup'));
      expect(audited.filter((a) => a.target === `customer:${byCode.body.customerId as string}`).length).toBeGreaterThanOrEqual(2);
      expect(audited.every((a) => a.actorType === 'api_key' && a.details.by !== undefined)).toBe(true);
    });

    it('answers 404 for no member, and 400 for both, neither, or a malformed query', async () => {
      expect((await call('GET', '/customers/lookup?phone=0509999999')).body.error?.code).toBe('MEMBER_NOT_FOUND');
      for (const q of [`memberCode=${john.memberCode}&phone=0501234567`, '', 'memberCode=12', 'phone=12', `memberCode=${john.memberCode}&memberCode=${john.memberCode}`, 'name=John']) {
        const res = await call('GET', `/customers/lookup?${q}`);
        expect(res.status, q).toBe(400);
        expect(res.body.error?.code).toBe('VALIDATION_FAILED');
      }
      expect((await call('GET', `/customers/lookup?memberCode=${john.memberCode}&storeCode=DXB-MOE`)).status).toBe(403);
    });
  });

  describe('vouchers', () => {
    const issueVoucher = async () => {
      const [aisha] = await db.db
        .select({ accountId: schema.loyaltyAccounts.id })
        .from(schema.channelIdentities)
        .innerJoin(schema.loyaltyAccounts, eq(schema.loyaltyAccounts.customerId, schema.channelIdentities.customerId))
        .where(eq(schema.channelIdentities.externalId, 'demo-aisha'));
      const [reward] = await db.db.select().from(schema.rewards).where(and(eq(schema.rewards.brandId, BRAND), eq(schema.rewards.code, 'FREE-DRINK')));
      const issued = await redeemReward(deps, { accountId: aisha!.accountId, rewardId: reward!.id, issueKey: randomUUID() });
      if (issued.status !== 'issued') throw new Error(`no voucher: ${issued.status}`);
      return issued.voucher.code;
    };

    it('validates, redeems once, and refuses a second use with 409', async () => {
      const code = await issueVoucher();
      const valid = await call('POST', `/vouchers/${code}/validate`);
      expect(valid.status).toBe(200);
      expect(valid.body).toMatchObject({ valid: true, voucher: { code, status: 'active' }, reward: { code: 'FREE-DRINK' } });
      // Typed in lower case without dashes, as a cashier might.
      const used = await call('POST', `/vouchers/${code.replace(/-/g, '').toLowerCase()}/redeem`, { body: { idempotencyKey: 'till-1-0042' } });
      expect(used.status).toBe(200);
      expect(used.body).toMatchObject({ redeemed: true, voucher: { code, status: 'redeemed' } });
      const retry = await call('POST', `/vouchers/${code}/redeem`, { body: { idempotencyKey: 'till-1-0042' } });
      expect(retry.status).toBe(200);
      const twice = await call('POST', `/vouchers/${code}/redeem`, { key: keys.moe });
      expect(twice.status).toBe(409);
      expect(twice.body.error?.code).toBe('VOUCHER_ALREADY_REDEEMED');
      expect((await call('POST', `/vouchers/${code}/validate`)).status).toBe(409);
      expect((await call('POST', '/vouchers/ZZZZ-ZZZZ-ZZ/validate')).body.error?.code).toBe('VOUCHER_NOT_FOUND');
    });

    it('answers 410 for an expired voucher, on validate and on redeem', async () => {
      const code = await issueVoucher();
      const now = clock.now();
      clock.advance(31 * DAY);
      try {
        for (const action of ['validate', 'redeem']) {
          const res = await call('POST', `/vouchers/${code}/${action}`);
          expect(res.status, action).toBe(410);
          expect(res.body.error?.code).toBe('VOUCHER_EXPIRED');
        }
      } finally {
        clock.set(now);
      }
    });
  });

  describe('gift cards', () => {
    let code: string;

    beforeAll(async () => {
      const issued = await admin('gift-card', 'issue', '--amount', '50000', '--currency', 'AED', '--expires', '2027-12-31', '--by', 'test');
      expect(issued.code, issued.text).toBe(0);
      code = GIFT_CODE.exec(issued.text)![0];
    });

    it('tells the balance, spends part of it once per idempotency key, and refuses more than is left', async () => {
      const balance = await call('POST', `/gift-cards/${code}/validate`);
      expect(balance.status).toBe(200);
      expect(balance.body).toMatchObject({ balanceMinor: 50_000, currency: 'AED', last4: code.slice(-4) });
      const spent = await call('POST', `/gift-cards/${code}/redeem`, { body: { amountMinor: 12_000, idempotencyKey: 'pay-1' } });
      expect(spent.status).toBe(200);
      expect(spent.body).toEqual({ redeemed: true, balanceMinor: 38_000, currency: 'AED' });
      const retry = await call('POST', `/gift-cards/${code}/redeem`, { body: { amountMinor: 12_000, idempotencyKey: 'pay-1' } });
      expect(retry.body).toEqual(spent.body);
      const reused = await call('POST', `/gift-cards/${code}/redeem`, { body: { amountMinor: 1_000, idempotencyKey: 'pay-1' } });
      expect(reused.status).toBe(409);
      const tooMuch = await call('POST', `/gift-cards/${code}/redeem`, { body: { amountMinor: 38_001, idempotencyKey: 'pay-2' } });
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body.error).toMatchObject({ code: 'INSUFFICIENT_BALANCE', balanceMinor: 38_000 });
      expect((await call('POST', `/gift-cards/${code}/validate`)).body.balanceMinor).toBe(38_000);
      const zero = await call('POST', `/gift-cards/${code}/redeem`, { body: { amountMinor: 0, idempotencyKey: 'pay-3' } });
      expect(zero.status).toBe(400);
    });

    it('refuses a key that guessed too many codes with 429 and Retry-After, even for a real code; other keys go on', async () => {
      for (let i = 0; i < 5; i++) {
        const wrong = await call('POST', `/gift-cards/AAAA-BBBB-CCCC-${String(1000 + i)}/validate`, { key: keys.guesser });
        expect(wrong.status).toBe(404);
      }
      const blocked = await call('POST', `/gift-cards/${code}/validate`, { key: keys.guesser });
      expect(blocked.status).toBe(429);
      expect(blocked.body.error?.code).toBe('TOO_MANY_GIFT_CARD_GUESSES');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      // Spending is no way around it.
      const spend = await call('POST', `/gift-cards/${code}/redeem`, { key: keys.guesser, body: { amountMinor: 100, idempotencyKey: 'guess-1' } });
      expect(spend.status).toBe(429);
      expect((await call('POST', `/gift-cards/${code}/validate`)).status).toBe(200);
    });

    it('never writes a gift card code to the logs', () => {
      const logs = logLines.join('');
      expect(logs).toContain('/api/v1/gift-cards/****');
      expect(logs).not.toContain(code);
      expect(logs).not.toContain(code.slice(0, 9));
      for (const key of Object.values(keys)) expect(logs).not.toContain(key.slice(17));
    });
  });

  describe('rate limit and documentation', () => {
    it('answers 429 with Retry-After once a key has used its requests, per key', async () => {
      const limited = await start({ rateLimit: { max: 3, unauthenticatedMax: 2, windowMs: 60_000 } });
      const lookup = (key: string | null) => call('GET', `/customers/lookup?memberCode=${john.memberCode}`, { key, base: limited });
      for (let i = 0; i < 3; i++) expect((await lookup(keys.mall)).status).toBe(200);
      const over = await lookup(keys.mall);
      expect(over.status).toBe(429);
      expect(over.body.error?.code).toBe('RATE_LIMITED');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await lookup(keys.moe)).status).toBe(200);
      // Without a valid key the client's address is counted, so keys cannot be guessed at full speed either.
      expect((await lookup('pos_wrong')).status).toBe(401);
      expect((await lookup(null)).status).toBe(401);
      expect((await lookup(null)).status).toBe(429);
    });

    it.runIf(process.env.REDIS_URL)('shares the per-key count between app instances through Redis', async () => {
      const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
      try {
        const shared = { rateLimit: { max: 3, windowMs: 60_000, redis } };
        const [a, b] = [await start(shared), await start(shared)];
        const lookup = (base: string) => call('GET', `/customers/lookup?memberCode=${john.memberCode}`, { key: keys.brand, base });
        expect([(await lookup(a)).status, (await lookup(b)).status, (await lookup(a)).status]).toEqual([200, 200, 200]);
        const over = await lookup(b);
        expect(over.status).toBe(429);
        expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }
    });

    it('keeps serving, unlimited, while the Redis behind the rate limit is down', async () => {
      // As app.ts configures its client: no offline queue, so a command fails at once instead of waiting.
      const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
      redis.on('error', () => undefined);
      try {
        const base = await start({ rateLimit: { max: 1, redis } });
        for (let i = 0; i < 3; i++) expect((await call('GET', `/customers/lookup?memberCode=${john.memberCode}`, { base })).status).toBe(200);
      } finally {
        redis.disconnect();
      }
    });

    it('serves the OpenAPI document and Swagger UI from this server, with nothing loaded from elsewhere', async () => {
      const doc = (await (await fetch(`${url}/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown>; components: { securitySchemes: unknown } };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/api/v1/customers/lookup',
        '/api/v1/gift-cards/{code}/redeem',
        '/api/v1/gift-cards/{code}/validate',
        '/api/v1/reports/nps',
        '/api/v1/transactions',
        '/api/v1/transactions/bulk',
        '/api/v1/transactions/{externalId}/refunds',
        '/api/v1/vouchers/{code}/redeem',
        '/api/v1/vouchers/{code}/validate',
      ]);
      expect(doc.components.securitySchemes).toMatchObject({ apiKey: { type: 'http', scheme: 'bearer' } });
      expect(JSON.stringify(doc.paths['/api/v1/transactions'])).toMatch(/totalMinor.*"maximum":100000000/);

      const page = await fetch(`${url}/docs`, { redirect: 'follow' });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/<div id="swagger-ui">/);
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThan(3);
      for (const asset of assets) {
        expect(asset).not.toMatch(/^(https?:)?\/\//);
        const res = await fetch(new URL(asset, page.url));
        expect(res.status, asset).toBe(200);
      }
      const bundle = await fetch(new URL(assets.find((a) => a.endsWith('swagger-ui-bundle.js'))!, page.url));
      expect((await bundle.text()).length).toBeGreaterThan(100_000);
      expect((await call('GET', '/docs/json', { key: null })).status).toBe(404);
    });
  });
});
