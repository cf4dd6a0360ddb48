// GET /files/:token (adapters/http/staff-files.ts) on every supported database: the file with safe headers while the
// link is valid, as often as asked; 404 for unknown, expired and other brands' links; and the link maker LINE uses.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition, staffFileLinker, staffFilesPlugin } from '../../adapters/http/staff-files.js';
import { createStaffFile } from '../../core/reports/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createBrand } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

describe.each(testDbKinds)('staff file links on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brandId: string;
  let otherBrand: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(new Date('2026-11-22T10:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    brandId = (await createBrand(handle.db)).brandId;
    otherBrand = (await createBrand(handle.db)).brandId;
    app = Fastify({ logger: false });
    await app.register(staffFilesPlugin({ deps, brandId }));
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await handle?.cleanup();
  });

  it('serves the file with its type, as an attachment, uncached and unsniffed, more than once', async () => {
    const data = new TextEncoder().encode('member,tier\nM1,gold\n');
    const { token } = await createStaffFile(deps, { brandId, fileName: 'lapsed "VIP".csv', mimeType: 'text/csv', data });
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ method: 'GET', url: `/files/${token}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="lapsed _VIP_.csv"; filename*=UTF-8''lapsed%20%22VIP%22.csv`);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toBe('member,tier\nM1,gold\n');
    }
    const png = await createStaffFile(deps, { brandId, fileName: 'stats.png', mimeType: 'image/png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]) });
    const res = await app.inject({ method: 'GET', url: `/files/${png.token}` });
    expect(res.headers['content-type']).toBe('image/png');
    expect([...res.rawPayload]).toEqual([0x89, 0x50, 0x4e, 0x47, 0, 255]);
  });

  it('answers 404 alike for unknown, malformed, expired and other brands’ links', async () => {
    const mine = await createStaffFile(deps, { brandId, fileName: 'a.csv', mimeType: 'text/csv', data: new Uint8Array([65]), ttlMinutes: 10 });
    const theirs = await createStaffFile(deps, { brandId: otherBrand, fileName: 'b.csv', mimeType: 'text/csv', data: new Uint8Array([66]) });
    const statuses = async (...tokens: string[]) => Promise.all(tokens.map(async (t) => (await app.inject({ method: 'GET', url: `/files/${encodeURIComponent(t)}` })).statusCode));
    expect(await statuses(theirs.token, 'A'.repeat(43), "' or 1=1 --", 'x'.repeat(90))).toEqual([404, 404, 404, 404]);
    expect(await statuses(mine.token)).toEqual([200]);
    clock.advance(10 * 60_000 + 1);
    const expired = await app.inject({ method: 'GET', url: `/files/${mine.token}` });
    expect(expired.statusCode).toBe(404);
    expect(expired.headers['cache-control']).toBe('no-store');
    expect(expired.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'This link has expired or does not exist.' } });
  });

  it('never sends a stored type that is not a MIME type, and keeps names safe', async () => {
    const odd = await createStaffFile(deps, { brandId, fileName: '../../etc/passwd\r\nX-Evil: 1', mimeType: 'text/html\r\nX-Evil: 1', data: new Uint8Array([60]) });
    const res = await app.inject({ method: 'GET', url: `/files/${odd.token}` });
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['x-evil']).toBeUndefined();
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="\.\._\.\._etc_passwdX-Evil: 1"; filename\*=UTF-8''/);
    expect(contentDisposition('تقرير.csv')).toBe(`attachment; filename="_____.csv"; filename*=UTF-8''${encodeURIComponent('تقرير')}.csv`);
  });

  it('makes HTTPS links for LINE, and none without a public HTTPS address', async () => {
    const file = { fileName: 'stats.png', mimeType: 'image/png', data: new Uint8Array([1, 2, 3]) };
    const url = await staffFileLinker(deps, { brandId, publicBaseUrl: 'https://crm.example.com/' })(file);
    expect(url).toMatch(/^https:\/\/crm\.example\.com\/files\/[A-Za-z0-9_-]{43}$/);
    const res = await app.inject({ method: 'GET', url: new URL(url!).pathname });
    expect([...res.rawPayload]).toEqual([1, 2, 3]);
    expect(await staffFileLinker(deps, { brandId, publicBaseUrl: undefined })(file)).toBeNull();
    expect(await staffFileLinker(deps, { brandId, publicBaseUrl: 'http://localhost:3000' })(file)).toBeNull();
  });
});
